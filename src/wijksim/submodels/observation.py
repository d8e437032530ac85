"""Submodel 8b, observation: the weekly KPIs of DESIGN.md.

The columns, with their units, labels and definitions, are the table in :mod:`wijksim.kpis`
(``KPIS``, the contract, then further measures, diagnostics and counts); this module computes
their values from the state and the week record. Ratios with nothing to count this week (no
contact, no intake, no outcome) are NaN and averaged over the weeks that have them. Counts
over a year (``turnover_rate``, ``wmo_clients_year_per_1000``, the Wmo flows) come from a
:class:`Ledger` of the last 52 weeks.

Every part of a KPI (a count, a sum, a stock) is kept per wijk and adds up over wijken; a KPI
is computed from its parts by one function (:func:`measures`), for the municipality from the
sums and for each wijk from its own. A ratio of the municipality is therefore a ratio of sums
(not a mean of the wijken's ratios), and a multi-wijk run reports each wijk the same way.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import numpy as np

from wijksim.codes import (
    DEBT,
    END_DEATH,
    END_WLZ,
    IN_SUPPORT,
    MODERATE,
    N_DOMAINS,
    NO_SUPPORT,
    SIGNALLED,
    STATUSES,
    WAITING,
    WMO_ENDINGS,
)
from wijksim.compiled import kernel, status_by_wijk
from wijksim.kpis import COUNTS
from wijksim.kpis import EXTRA as EXTRA  # re-exported: older scripts import them from here
from wijksim.kpis import KPIS as KPIS
from wijksim.state import TALLIES, WeekRecord, per_wijk
from wijksim.submodels.casework import basis_in_use
from wijksim.submodels.costs import (
    CLIENT_DEBT_RELIEF,
    CLIENT_REINTEGRATION,
    CLIENT_WLZ,
    CLIENT_WMO,
    CLIENT_YOUTH,
)

if TYPE_CHECKING:
    from wijksim.model import WijkModel

#: Weeks in the counts over a year.
YEAR = 52


def _ratio(num: np.ndarray | float, den: np.ndarray | float) -> np.ndarray:
    """``num / den`` elementwise, NaN where ``den`` is 0 (nothing to count)."""
    num, den = np.asarray(num, np.float64), np.asarray(den, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)


class Ledger:
    """The last 52 weeks of what counts over a year, per wijk.

    Leavers and filled positions (turnover), Wmo endings by reason and Wmo clients (flows), and
    the last weeks of Wmo and youth care of households that have left since, with their wijk
    (so that a client who died or moved still counts in the year, as CBS counts persons).
    """

    def __init__(self, n_wijken: int = 1) -> None:
        self.n_wijken = n_wijken
        self.leavers: deque[np.ndarray] = deque(maxlen=YEAR)
        self.worker_weeks: deque[np.ndarray] = deque(maxlen=YEAR)
        self.wmo_endings: deque[np.ndarray] = deque(maxlen=YEAR)
        self.wmo_clients: deque[np.ndarray] = deque(maxlen=YEAR)
        self.left = np.zeros((0, 3), np.int32)  # wijk, last Wmo week, last youth week

    def add(self, record: WeekRecord, week: int) -> None:
        """Add the week that just ran; forget what is older than a year."""
        self.leavers.append(record.leavers.copy())
        self.worker_weeks.append(record.worker_weeks.copy())
        self.wmo_endings.append(record.wmo_endings.copy())
        self.wmo_clients.append(record.clients[:, CLIENT_WMO].copy())
        left = np.column_stack([record.left_wijk, record.left_wmo_last_week,
                                record.left_youth_last_week]).astype(np.int32)
        both = np.concatenate([self.left, left])
        cutoff = week - YEAR + 1
        self.left = both[(both[:, 1] >= cutoff) | (both[:, 2] >= cutoff)]

    def total(self, name: str) -> np.ndarray:
        """The sum over the ledger's weeks of a tally kept per wijk."""
        kept = getattr(self, name)
        if not kept:
            shape = (self.n_wijken, len(WMO_ENDINGS)) if name == "wmo_endings" else self.n_wijken
            return np.zeros(shape, np.int64)
        return np.sum(kept, axis=0)

    def left_in_year(self, week: int) -> tuple[np.ndarray, np.ndarray]:
        """Per wijk, the households that left with Wmo and with youth care in the last year."""
        cutoff = week - YEAR + 1
        wmo = self.left[self.left[:, 1] >= cutoff, 0]
        youth = self.left[self.left[:, 2] >= cutoff, 0]
        return per_wijk(wmo, self.n_wijken), per_wijk(youth, self.n_wijken)

    def turnover(self) -> float:
        """Leavers per filled position-year over the ledger's weeks (the municipality)."""
        return float(_ratio(self.total("leavers").sum() * YEAR, self.total("worker_weeks").sum()))

    def wmo_ending_rate(self, reason: int | None = None) -> float:
        """Wmo clients ending per client per year over the ledger's weeks (for one reason)."""
        endings = self.total("wmo_endings").sum(axis=0)
        ended = endings.sum() if reason is None else endings[reason]
        return float(_ratio(ended * YEAR, self.total("wmo_clients").sum()))

    def state(self) -> dict[str, np.ndarray]:
        """The ledger as arrays (for a checkpoint): weeks x wijken (x reasons), and the left."""
        weeks = len(self.leavers)
        return {
            "ledger.counts": np.array([list(self.leavers), list(self.worker_weeks),
                                       list(self.wmo_clients)], np.int64).reshape(
                3, weeks, self.n_wijken),
            "ledger.wmo_endings": np.array(list(self.wmo_endings), np.int64).reshape(
                weeks, self.n_wijken, len(WMO_ENDINGS)),
            "ledger.left": self.left,
        }

    def restore(self, saved: dict[str, np.ndarray]) -> None:
        """Take up a :meth:`state` saved before."""
        counts = saved["ledger.counts"]
        self.leavers.extend(row.copy() for row in counts[0])
        self.worker_weeks.extend(row.copy() for row in counts[1])
        self.wmo_clients.extend(row.copy() for row in counts[2])
        self.wmo_endings.extend(row.copy() for row in saved["ledger.wmo_endings"])
        self.left = saved["ledger.left"].astype(np.int32)


def kpis(model: WijkModel) -> dict[str, float]:
    """All KPIs of the week that just ran, for the municipality.

    The parts of each KPI are counted per wijk (:func:`wijk_parts`, kept in
    ``model.wijk_parts``); the municipality's KPIs are computed from their sums, each wijk's
    from its own (:func:`wijk_kpis`), by the same :func:`measures`.
    """
    note_support_for_every_need(model)
    model.ledger.add(model.record, model.week)
    parts = wijk_parts(model)
    model.wijk_parts = parts
    summed = measures({name: value.sum(axis=0) for name, value in parts.items()})
    summed["capacity_mismatch"] = capacity_mismatch(parts["hours_asked"],
                                                    parts["hours_available"])
    return {name: float(value) for name, value in summed.items()}


def capacity_mismatch(asked: np.ndarray, available: np.ndarray) -> float:
    """How unevenly workload is spread over the wijken (0: all equal; see the KPI table).

    The standard deviation of the wijken's workload weighted by their hours available, over
    the municipality's workload.
    """
    has = available > 0
    if has.sum() < 2:
        return 0.0
    load = asked[has] / available[has]
    mean = asked[has].sum() / available[has].sum()
    spread = np.sqrt(np.average((load - mean) ** 2, weights=available[has]))
    return float(spread / mean) if mean > 0 else 0.0


def wijk_kpis(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The KPIs of each wijk over weeks: an array (weeks x wijken) per KPI.

    ``parts`` holds :func:`wijk_parts` of each week, in order.
    """
    stacked = {name: np.stack([week[name] for week in parts]) for name in parts[0]}
    return measures(stacked)


def wijk_parts(model: WijkModel) -> dict[str, np.ndarray]:
    """What the KPIs are made of, per wijk: counts, sums and stocks (a row per wijk).

    Every part adds up over wijken; :func:`measures` turns parts into KPIs.
    """
    hh, team, t, week, n = model.hh, model.team, model.record, model.week, model.n_wijken
    ledger = model.ledger
    needy = hh.rows_with_need()
    unsupported, debts = needs_left(needy, hh.need, hh.support, hh.wijk, np.int64(n))
    by_status = status_by_wijk(hh.status, hh.wijk, n, len(STATUSES))
    staffed = team.filled & team.position
    cutoff = week - YEAR + 1
    left_wmo, left_youth = ledger.left_in_year(week)
    wmo_year, youth_year = clients_in_year(hh.wmo_last_week, hh.youth_last_week,
                                           model.wijk_start, np.int64(cutoff))
    partners = model.partners
    engaged = partners.engaged.reshape(n, -1)
    parts = {
        "households": model.households_per_wijk,
        "inhabitants": model.inhabitants_per_wijk.astype(np.float64),
        "under_23": model.under_23_per_wijk.astype(np.float64),
        "waiting": by_status[:, WAITING],
        "in_support": by_status[:, IN_SUPPORT],
        "signalled": by_status[:, SIGNALLED],
        "needy": per_wijk(hh.wijk[needy], n),
        "unsupported": unsupported,
        "debts": debts,
        "clients": t.clients,
        "wmo_year": wmo_year + left_wmo,
        "youth_year": youth_year + left_youth,
        "basis": basis_in_use(hh.rows_with_support(), hh.support, hh.wijk, np.int64(n)),
        "leavers_year": ledger.total("leavers"),
        "worker_weeks_year": ledger.total("worker_weeks"),
        "wmo_clients_year": ledger.total("wmo_clients"),
        "wmo_endings_year": ledger.total("wmo_endings"),
        "positions": per_wijk(team.wijk[team.position], n),
        "workers": per_wijk(team.wijk[staffed], n),
        "fte": per_wijk(team.wijk[staffed], n, team.fte[staffed]),
        "sick_workers": per_wijk(team.wijk[staffed & (team.leave_until > week)], n),
        "caseload": per_wijk(team.wijk[staffed], n, team.caseload[staffed]),
        "relation": (partners.relation * partners.engaged).reshape(n, -1).sum(axis=1),
        "engaged": engaged.sum(axis=1),
        **t.costs,
    }
    for name in TALLIES:
        if name not in parts:
            parts[name] = getattr(t, name)
    return parts


def measures(p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The KPIs (in output order) from their parts: the municipality's sums, or per wijk.

    Parts may carry leading axes (weeks, wijken); columns of a part (clients by law, endings by
    reason) are its last axis.
    """
    per_1000 = 1000.0 / p["inhabitants"]
    year = 52.0 * per_1000
    clients = np.moveaxis(p["clients"], -1, 0)  # by law first
    endings = np.moveaxis(p["wmo_endings_year"], -1, 0)  # by reason first
    signals = (p["signals_partner"] + p["signals_help"] + p["signals_outreach"]
               + p["signals_crisis"] + p["signals_kept_in_touch"])
    out = {
        "escalations_per_1000": p["escalations"] * year,
        "time_to_help_weeks": _ratio(p["help_weeks_sum"], p["helped"]),
        "early_contact_share": _ratio(p["early_contacts"], p["first_contacts"]),
        "waiting_list": p["waiting"],
        "wait_weeks": _ratio(p["wait_weeks_sum"], p["admissions"]),
        "non_maatwerk_share": _ratio(p["alt_solved"],
                                     p["alt_solved"] + p["alt_failed"] + p["alt_maatwerk"]),
        "maatwerk_per_1000": (clients[CLIENT_WMO] + clients[CLIENT_YOUTH]) * per_1000,
        "wmo_per_1000": clients[CLIENT_WMO] * per_1000,
        "youth_care_share": _ratio(clients[CLIENT_YOUTH], p["under_23"]),
        "debt_share": p["debts"] / p["households"],
        "wlz_per_1000": clients[CLIENT_WLZ] * per_1000,
        "workload": _ratio(p["hours_asked"], np.maximum(p["hours_available"], 1e-9)),
        "turnover_rate": _ratio(p["leavers_year"] * YEAR, p["worker_weeks_year"]),
        "vacancies": p["positions"] - p["workers"],
        "signals_per_1000": signals * year,
        "carer_overload_share": _ratio(p["overloaded_carers"], p["carers"]),
        "unmet_need": p["unsupported"] / p["households"],
        **{name: value for name, value in p.items() if name.startswith("cost_")},
        "time_to_contact_weeks": _ratio(p["contact_weeks_sum"], p["contacted"]),
        "time_to_support_weeks": _ratio(p["support_weeks_sum"], p["supported_all"]),
        "wmo_clients_year_per_1000": p["wmo_year"] * per_1000,
        "youth_care_year_share": _ratio(p["youth_year"], p["under_23"]),
        "wmo_ending_rate": _ratio(endings.sum(axis=0) * YEAR, p["wmo_clients_year"]),
        "wmo_death_share": _ratio(endings[END_DEATH], endings.sum(axis=0)),
        "wmo_to_wlz_rate": _ratio(endings[END_WLZ] * YEAR, p["wmo_clients_year"]),
        "debt_relief_per_1000": clients[CLIENT_DEBT_RELIEF] * per_1000,
        "reintegration_per_1000": clients[CLIENT_REINTEGRATION] * per_1000,
        "waiting_list_per_1000": p["waiting"] * per_1000,
        "multi_problem_escalations_per_1000": p["multi_problem_escalations"] * year,
        "over_term_share": _ratio(p["over_term"], p["admissions"]),
        "basis_per_1000": p["basis"] * per_1000,
        "fte_per_1000_realised": p["fte"] * per_1000,
        "capacity_mismatch": np.zeros_like(np.asarray(p["fte"], np.float64)),  # see kpis
        "crises_per_1000": p["crises"] * year,
        "in_support": p["in_support"],
        "signalled": p["signalled"],
        "households_with_need": p["needy"],
        "workers": p["workers"],
        "sick_workers": p["sick_workers"],
        "caseload_mean": _ratio(p["caseload"], p["workers"]),
        "partner_relation": _ratio(p["relation"], p["engaged"]),
        "inhabitants": p["inhabitants"],
        "under_23": p["under_23"],
    }
    out.update({name: p[name] for name in COUNTS})
    return out


def note_support_for_every_need(model: WijkModel) -> None:
    """Note the time to support of households that now have support for every need.

    Counted the first time since their first contact.
    """
    hh = model.hh
    done, weeks = supported_every_need(hh.rows_with_need(), hh.need, hh.support,
                                       hh.first_contact, hh.fully_supported,
                                       np.int64(model.week), hh.wijk, np.int64(model.n_wijken))
    model.record.supported_all += done
    model.record.support_weeks_sum += weeks


@kernel
def supported_every_need(needy, need, support, first_contact, fully_supported, week, wijk,
                         n_wijken):
    """Mark the households among ``needy`` in contact with support in every domain with a need.

    Only those not yet marked; returns how many, and the weeks since their first contact (per
    wijk).
    """
    done = np.zeros(n_wijken, np.int64)
    weeks = np.zeros(n_wijken)
    for r in needy:
        if (first_contact[r] < 0) | fully_supported[r]:
            continue
        every = True
        for d in range(N_DOMAINS):
            every &= (need[r, d] == 0) | (support[r, d] != NO_SUPPORT)
        if every:
            fully_supported[r] = True
            done[wijk[r]] += 1
            weeks[wijk[r]] += week - first_contact[r]
    return done, weeks


@kernel
def clients_in_year(wmo_last_week, youth_last_week, wijk_start, cutoff):
    """Households per wijk with Wmo and with youth care in a week from ``cutoff`` on."""
    n_wijken = wijk_start.size - 1
    wmo = np.zeros(n_wijken, np.int64)
    youth = np.zeros(n_wijken, np.int64)
    for w in range(n_wijken):  # rows are sorted by wijk: a block each
        a = 0
        b = 0
        for r in range(wijk_start[w], wijk_start[w + 1]):
            a += wmo_last_week[r] >= cutoff
            b += youth_last_week[r] >= cutoff
        wmo[w] = a
        youth[w] = b
    return wmo, youth


@kernel
def needs_left(needy, need, support, wijk, n_wijken):
    """Households with a moderate or worse need no support covers, and in problematic debt.

    Per wijk. Problematic debt is a debt need at stage 2 or worse.
    """
    unsupported = np.zeros(n_wijken, np.int64)
    debts = np.zeros(n_wijken, np.int64)
    for r in needy:
        left = False
        for d in range(N_DOMAINS):
            left |= (support[r, d] == NO_SUPPORT) & (need[r, d] >= MODERATE)
        unsupported[wijk[r]] += left
        debts[wijk[r]] += need[r, DEBT] >= MODERATE
    return unsupported, debts
