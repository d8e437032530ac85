"""Submodel 8b, observation: the weekly KPIs of DESIGN.md.

The columns, with their units, labels and definitions, are the table in :mod:`wijksim.kpis`
(``KPIS``, the contract, and ``EXTRA``, diagnostics and counts); this module computes their
values. Ratios with nothing to count this week (no contact, no admission, no decision) are NaN
and averaged over the weeks that have them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wijksim.codes import (
    DEBT,
    IN_SUPPORT,
    MODERATE,
    N_DOMAINS,
    NO_SUPPORT,
    SIGNALLED,
    STATUSES,
    WAITING,
    YOUTH,
)
from wijksim.compiled import kernel, status_by_wijk
from wijksim.kpis import COUNTS
from wijksim.kpis import EXTRA as EXTRA  # re-exported: older scripts import them from here
from wijksim.kpis import KPIS as KPIS

if TYPE_CHECKING:
    from wijksim.model import WijkModel


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else float("nan")


def kpis(model: WijkModel) -> dict[str, float]:
    """All KPIs of the week that just ran."""
    hh, team, t = model.hh, model.team, model.record
    per_1000 = 1000.0 / model.inhabitants
    year = 52.0 * per_1000
    md = t.maatwerk_by_domain
    needy = hh.rows_with_need()
    unsupported, debts = needs_left(needy, hh.need, hh.support)
    by_status = status_by_wijk(hh.status, hh.wijk, model.n_wijken, len(STATUSES)).sum(axis=0)
    staffed = team.filled & team.position
    signals = t.signals_partner + t.signals_help + t.signals_outreach + t.signals_crisis
    out = {
        "escalations_per_1000": t.escalations * year,
        "time_to_help_weeks": _ratio(t.time_to_help_sum, t.first_contacts),
        "early_contact_share": _ratio(t.early_contacts, t.first_contacts),
        "waiting_list": float(by_status[WAITING]),
        "wait_weeks": _ratio(t.wait_weeks_sum, t.admissions),
        "non_maatwerk_share": _ratio(t.eligible_otherwise, t.eligible_decisions),
        "maatwerk_per_1000": float(md.sum()) * per_1000,
        "wmo_per_1000": float(md[0]) * per_1000,
        "youth_care_share": _ratio(md[YOUTH], model.under_23),
        "debt_share": debts / hh.n,
        "wlz_per_1000": float(t.wlz_clients) * per_1000,
        "workload": t.workload,
        "turnover_rate": _ratio(t.leavers * 52.0, t.worker_weeks),
        "vacancies": float((team.position & ~team.filled).sum()),
        "signals_per_1000": signals * year,
        "carer_overload_share": _ratio(t.overloaded_carers, t.carers),
        "unmet_need": unsupported / hh.n,
        **t.costs,
        "crises_per_1000": t.crises * year,
        "in_support": float(by_status[IN_SUPPORT]),
        "signalled": float(by_status[SIGNALLED]),
        "households_with_need": float(needy.size),
        "workers": float(staffed.sum()),
        "sick_workers": float((staffed & (team.leave_until > model.week)).sum()),
        "caseload_mean": _ratio(team.caseload[staffed].sum(), staffed.sum()),
        "partner_relation": _ratio(
            (model.partners.relation * model.partners.engaged).sum(), model.partners.engaged.sum()
        ),
        "inhabitants": float(model.inhabitants),
    }
    for name in COUNTS:
        out[name] = float(getattr(t, name))
    return out


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
