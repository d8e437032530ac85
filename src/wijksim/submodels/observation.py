"""Submodel 8b, observation: the weekly KPIs of DESIGN.md.

Rates are per 1,000 inhabitants (``escalations_per_1000`` and ``signals_per_1000`` per year),
``youth_care_share`` is of under-23s, ``debt_share`` of households (problematic debts: debt need
at stage 2 or worse), ``turnover_rate`` per year, costs in euro per year, ``workload`` is hours
asked over hours available. Ratios with nothing to count this week (no contact, no admission,
no decision) are NaN and averaged over the weeks that have them.
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

if TYPE_CHECKING:
    from wijksim.model import WijkModel

#: KPI columns every output carries, in order (a contract: scripts rely on these names).
KPIS: tuple[str, ...] = (
    "escalations_per_1000",
    "time_to_help_weeks",
    "early_contact_share",
    "waiting_list",
    "wait_weeks",
    "non_maatwerk_share",
    "maatwerk_per_1000",
    "wmo_per_1000",
    "youth_care_share",
    "debt_share",
    "wlz_per_1000",
    "workload",
    "turnover_rate",
    "vacancies",
    "signals_per_1000",
    "carer_overload_share",
    "unmet_need",
    "cost_total",
    "cost_team",
    "cost_maatwerk",
    "cost_wlz",
    "cost_sociale_basis",
    "cost_crisis",
)

#: Counts of this week's events, reported as they are (names of the model's tallies).
COUNTS: tuple[str, ...] = (
    "admissions",
    "maatwerk_grants",
    "network_plans",
    "network_failures",
    "eligible_decisions",
    "eligible_otherwise",
    "alt_failed",
    "wlz_entries",
    "signals_partner",
    "signals_help",
    "signals_outreach",
    "signals_crisis",
    "first_contacts",
    "escalations",
)

#: Further columns, for diagnosis.
EXTRA: tuple[str, ...] = (
    "crises_per_1000",
    "in_support",
    "signalled",
    "households_with_need",
    "workers",
    "sick_workers",
    "caseload_mean",
    "partner_relation",
    *COUNTS,
    "inhabitants",
)


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
