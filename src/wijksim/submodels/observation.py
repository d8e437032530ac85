"""Submodel 8b, observation: the weekly KPIs of DESIGN.md.

The columns, with their units, labels and definitions, are the table in :mod:`wijksim.kpis`
(``KPIS``, the contract, then further measures, diagnostics and counts); this module computes
their values from the state and the week record. Ratios with nothing to count this week (no
contact, no intake, no outcome) are NaN and averaged over the weeks that have them. Counts
over a year (``turnover_rate``, ``wmo_clients_year_per_1000``, the Wmo flows) come from a
:class:`Ledger` of the last 52 weeks.
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
from wijksim.submodels.casework import basis_in_use
from wijksim.submodels.costs import (
    CLIENT_DEBT_RELIEF,
    CLIENT_REINTEGRATION,
    CLIENT_WMO,
    CLIENT_YOUTH,
)

if TYPE_CHECKING:
    from wijksim.model import WijkModel
    from wijksim.state import WeekRecord

#: Weeks in the counts over a year.
YEAR = 52


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else float("nan")


class Ledger:
    """The last 52 weeks of what counts over a year.

    Leavers and filled positions (turnover), Wmo endings by reason and Wmo clients (flows), and
    the last weeks of Wmo and youth care of households that have left since (so that a client
    who died or moved still counts in the year, as CBS counts persons).
    """

    def __init__(self) -> None:
        self.leavers: deque[int] = deque(maxlen=YEAR)
        self.worker_weeks: deque[int] = deque(maxlen=YEAR)
        self.wmo_endings: deque[np.ndarray] = deque(maxlen=YEAR)
        self.wmo_clients: deque[int] = deque(maxlen=YEAR)
        self.left_wmo = np.zeros(0, np.int32)  # last Wmo week of households that left
        self.left_youth = np.zeros(0, np.int32)

    def add(self, record: WeekRecord, week: int) -> None:
        """Add the week that just ran; forget what is older than a year."""
        self.leavers.append(record.leavers)
        self.worker_weeks.append(record.worker_weeks)
        self.wmo_endings.append(record.wmo_endings.copy())
        self.wmo_clients.append(int(record.clients[CLIENT_WMO]))
        cutoff = week - YEAR + 1
        self.left_wmo = np.concatenate([self.left_wmo[self.left_wmo >= cutoff],
                                        record.left_wmo_last_week[
                                            record.left_wmo_last_week >= cutoff]])
        self.left_youth = np.concatenate([self.left_youth[self.left_youth >= cutoff],
                                          record.left_youth_last_week[
                                              record.left_youth_last_week >= cutoff]])

    def turnover(self) -> float:
        """Leavers per filled position-year over the ledger's weeks."""
        return _ratio(sum(self.leavers) * YEAR / max(len(self.leavers), 1),
                      sum(self.worker_weeks) / max(len(self.worker_weeks), 1))

    def endings(self) -> np.ndarray:
        """Wmo endings by reason over the ledger's weeks."""
        if not self.wmo_endings:
            return np.zeros(len(WMO_ENDINGS), np.int64)
        return np.sum(self.wmo_endings, axis=0)

    def wmo_ending_rate(self, reason: int | None = None) -> float:
        """Wmo clients ending per client per year over the ledger's weeks (for one reason)."""
        weeks = len(self.wmo_clients)
        clients = sum(self.wmo_clients) / max(weeks, 1)
        endings = self.endings()
        ended = endings.sum() if reason is None else endings[reason]
        return _ratio(ended * YEAR / max(weeks, 1), clients)


def kpis(model: WijkModel) -> dict[str, float]:
    """All KPIs of the week that just ran."""
    hh, team, t, week = model.hh, model.team, model.record, model.week
    ledger = model.ledger
    n_wijken = np.int64(model.n_wijken)
    note_support_for_every_need(model)
    ledger.add(t, week)
    per_1000 = 1000.0 / model.inhabitants
    year = 52.0 * per_1000
    clients = t.clients
    needy = hh.rows_with_need()
    unsupported, debts = needs_left(needy, hh.need, hh.support)
    by_status = status_by_wijk(hh.status, hh.wijk, model.n_wijken, len(STATUSES)).sum(axis=0)
    staffed = team.filled & team.position
    signals = (t.signals_partner + t.signals_help + t.signals_outreach + t.signals_crisis
               + t.signals_kept_in_touch)
    endings = ledger.endings()
    cutoff = week - YEAR + 1
    wmo_year = (hh.wmo_last_week >= cutoff).sum() + ledger.left_wmo.size
    youth_year = (hh.youth_last_week >= cutoff).sum() + ledger.left_youth.size
    basis = basis_in_use(hh.rows_with_support(), hh.support, hh.wijk, n_wijken)
    out = {
        "escalations_per_1000": t.escalations * year,
        "time_to_help_weeks": _ratio(t.help_weeks_sum, t.helped),
        "early_contact_share": _ratio(t.early_contacts, t.first_contacts),
        "waiting_list": float(by_status[WAITING]),
        "wait_weeks": _ratio(t.wait_weeks_sum, t.admissions),
        "non_maatwerk_share": _ratio(t.alt_solved, t.alt_solved + t.alt_failed + t.alt_maatwerk),
        "maatwerk_per_1000": float(clients[CLIENT_WMO] + clients[CLIENT_YOUTH]) * per_1000,
        "wmo_per_1000": float(clients[CLIENT_WMO]) * per_1000,
        "youth_care_share": _ratio(clients[CLIENT_YOUTH], model.under_23),
        "debt_share": debts / hh.n,
        "wlz_per_1000": float(t.wlz_clients) * per_1000,
        "workload": t.workload,
        "turnover_rate": ledger.turnover(),
        "vacancies": float((team.position & ~team.filled).sum()),
        "signals_per_1000": signals * year,
        "carer_overload_share": _ratio(t.overloaded_carers, t.carers),
        "unmet_need": unsupported / hh.n,
        **t.costs,
        "time_to_contact_weeks": _ratio(t.contact_weeks_sum, t.contacted),
        "time_to_support_weeks": _ratio(t.support_weeks_sum, t.supported_all),
        "wmo_clients_year_per_1000": float(wmo_year) * per_1000,
        "youth_care_year_share": _ratio(youth_year, model.under_23),
        "wmo_ending_rate": ledger.wmo_ending_rate(),
        "wmo_death_share": _ratio(endings[END_DEATH], endings.sum()),
        "wmo_to_wlz_rate": ledger.wmo_ending_rate(END_WLZ),
        "debt_relief_per_1000": float(clients[CLIENT_DEBT_RELIEF]) * per_1000,
        "reintegration_per_1000": float(clients[CLIENT_REINTEGRATION]) * per_1000,
        "waiting_list_per_1000": float(by_status[WAITING]) * per_1000,
        "multi_problem_escalations_per_1000": t.multi_problem_escalations * year,
        "over_term_share": _ratio(t.over_term, t.admissions),
        "basis_per_1000": float(basis.sum()) * per_1000,
        "fte_per_1000_realised": float(team.fte[staffed].sum()) * per_1000,
        "crises_per_1000": t.crises * year,
        "in_support": float(by_status[IN_SUPPORT]),
        "signalled": float(by_status[SIGNALLED]),
        "households_with_need": float(needy.size),
        "workers": float(staffed.sum()),
        "sick_workers": float((staffed & (team.leave_until > week)).sum()),
        "caseload_mean": _ratio(team.caseload[staffed].sum(), staffed.sum()),
        "partner_relation": _ratio(
            (model.partners.relation * model.partners.engaged).sum(), model.partners.engaged.sum()
        ),
        "inhabitants": float(model.inhabitants),
        "under_23": float(model.under_23),
    }
    for name in COUNTS:
        out[name] = float(getattr(t, name))
    return out


def note_support_for_every_need(model: WijkModel) -> None:
    """Note the time to support of households that now have support for every need.

    Counted the first time since their first contact.
    """
    hh = model.hh
    done, weeks = supported_every_need(hh.rows_with_need(), hh.need, hh.support,
                                       hh.first_contact, hh.fully_supported,
                                       np.int64(model.week))
    model.record.supported_all += done
    model.record.support_weeks_sum += float(weeks)


@kernel
def supported_every_need(needy, need, support, first_contact, fully_supported, week):
    """Mark the households among ``needy`` in contact with support in every domain with a need.

    Only those not yet marked; returns how many, and the weeks since their first contact.
    """
    done = 0
    weeks = 0
    for r in needy:
        if (first_contact[r] < 0) | fully_supported[r]:
            continue
        every = True
        for d in range(N_DOMAINS):
            every &= (need[r, d] == 0) | (support[r, d] != NO_SUPPORT)
        if every:
            fully_supported[r] = True
            done += 1
            weeks += week - first_contact[r]
    return done, weeks


@kernel
def needs_left(needy, need, support):
    """Households with a moderate or worse need no support covers, and in problematic debt.

    Problematic debt is a debt need at stage 2 or worse.
    """
    unsupported = 0
    debts = 0
    for r in needy:
        left = False
        for d in range(N_DOMAINS):
            left |= (support[r, d] == NO_SUPPORT) & (need[r, d] >= MODERATE)
        unsupported += left
        debts += need[r, DEBT] >= MODERATE
    return unsupported, debts
