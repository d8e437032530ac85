"""Submodel 8a, costs: what the week costs, by budget and by payer, in euro per year.

Paid by the gemeente (``cost_gemeente``):

* ``cost_team`` - employer cost of the filled wijkteam positions (their FTE x ``costs.fte``);
* ``cost_maatwerk`` - the maatwerkvoorzieningen running this week (each provision's
  ``cost_per_year``, plus the one-off cost of those delivered this week), split by law into
  ``cost_wmo`` (care and social domains), ``cost_youth`` (Jeugdwet), ``cost_reintegration``
  (Participatiewet) and ``cost_debt_relief`` (Wgs);
* ``cost_sociale_basis`` - the yearly budget for volunteers, activities and the algemene
  voorzieningen;
* the gemeente's share of crises (``costs.crisis_gemeente_share``: shelter, crisis youth care,
  eviction prevention).

Paid by others: ``cost_wlz`` (the Wlz fund: Wlz clients x ``costs.wlz_per_year``) and
``cost_other`` (the rest of crisis costs: police, hospitals). ``cost_crisis`` is all crisis
costs; ``cost_total = cost_gemeente + cost_wlz + cost_other``. Every figure is the week's cost
times 52, so a time series reads as euro per year. Each is kept per wijk (the team of the wijk,
the provisions of its households, its share of the sociale-basis budget by inhabitants); the
municipality's figure is the sum.

The same pass counts the clients of the week (households with a provision running, by law) for
observation, notes each household's last week with Wmo or youth care (for counts over a
year), and counts the Wmo clients who left the Wmo this week by reason (a client ends when the
household's last Wmo provision ends, as CBS counts clients, not provisions; deaths and moves
are counted when the household leaves, in life events).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from wijksim.codes import (
    CARE,
    DEBT,
    END_REVIEW,
    END_SOLVED,
    END_WLZ,
    INCOME,
    MAATWERK,
    N_DOMAINS,
    PROVISIONS,
    SOCIAL,
    WLZ,
    YOUTH,
)
from wijksim.compiled import kernel
from wijksim.state import per_wijk
from wijksim.submodels import provisions

if TYPE_CHECKING:
    from wijksim.model import WijkModel

#: Clients counted by :func:`count_provisions`, by position.
CLIENT_WMO, CLIENT_YOUTH, CLIENT_REINTEGRATION, CLIENT_DEBT_RELIEF, CLIENT_WLZ = range(5)


def step(model: WijkModel) -> None:
    """Cost this week by budget and payer, per wijk (in ``model.record.costs``); clients."""
    hh, c, record, n = model.hh, model.cfg.costs, model.record, model.n_wijken
    t = model.provision_table
    per_provision, clients = count_provisions(
        hh.rows_with_support(), hh.support, hh.provision, hh.support_since, hh.wmo_last_week,
        hh.youth_last_week, np.int64(model.week), hh.wijk, np.int64(n),
    )
    record_wmo_exits(model)
    by_law = per_provision.astype(np.float64) @ law_matrix(t)  # euro per year, wijk x domain
    by_law = by_law + record.one_off_costs * 52.0  # delivered this week, as a yearly rate
    crisis = record.crises_by_domain * model.crisis_cost * 52.0
    crisis_gemeente = crisis @ np.asarray(c.crisis_gemeente_share.as_list())
    staffed = model.team.filled & model.team.position
    out = {
        "cost_team": per_wijk(model.team.wijk, n, model.team.fte * staffed) * c.fte,
        "cost_maatwerk": by_law.sum(axis=1),
        "cost_wlz": clients[:, CLIENT_WLZ] * c.wlz_per_year,
        "cost_sociale_basis": model.basis_budget * model.inhabitants_per_wijk / 1000.0,
        "cost_crisis": crisis.sum(axis=1),
    }
    out["cost_total"] = sum(out.values())
    out["cost_wmo"] = by_law[:, CARE] + by_law[:, SOCIAL]
    out["cost_youth"] = by_law[:, YOUTH]
    out["cost_reintegration"] = by_law[:, INCOME]
    out["cost_debt_relief"] = by_law[:, DEBT]
    out["cost_gemeente"] = (out["cost_team"] + out["cost_maatwerk"] + out["cost_sociale_basis"]
                            + crisis_gemeente)
    out["cost_other"] = out["cost_crisis"] - crisis_gemeente
    record.costs = out
    record.clients = clients


def law_matrix(table: provisions.ProvisionTable) -> np.ndarray:
    """Cost per year of each provision code in its domain's column (provisions x domains)."""
    out = np.zeros((table.cost_per_year.size, N_DOMAINS))
    coded = table.domain >= 0
    out[np.flatnonzero(coded), table.domain[coded]] = table.cost_per_year[coded]
    return out


@kernel
def count_provisions(rows, support, provision, support_since, wmo_last_week, youth_last_week,
                     week, wijk, n_wijken):
    """Provisions running this week (by provision code) and clients (households) by law.

    Both per wijk (a row each). A provision runs once it has started (the decision is taken).
    Clients: Wmo (a provision in the care or social domain), youth care, re-integration, debt
    relief, Wlz. Notes the week in ``wmo_last_week`` and ``youth_last_week`` of the households
    with Wmo or youth care.
    """
    per_provision = np.zeros((n_wijken, len(PROVISIONS)), np.int64)
    clients = np.zeros((n_wijken, 5), np.int64)
    has = np.zeros(N_DOMAINS, np.bool_)
    for r in rows:
        w = wijk[r]
        for d in range(N_DOMAINS):
            running = (support[r, d] == MAATWERK) & (support_since[r, d] <= week)
            per_provision[w, provision[r, d]] += running
            has[d] = running
        wmo = has[CARE] | has[SOCIAL]
        clients[w, CLIENT_WMO] += wmo
        clients[w, CLIENT_YOUTH] += has[YOUTH]
        clients[w, CLIENT_REINTEGRATION] += has[INCOME]
        clients[w, CLIENT_DEBT_RELIEF] += has[DEBT]
        clients[w, CLIENT_WLZ] += support[r, CARE] == WLZ
        if wmo:
            wmo_last_week[r] = week
        if has[YOUTH]:
            youth_last_week[r] = week
    return per_provision, clients


def record_wmo_exits(model: WijkModel) -> None:
    """Count the households that were Wmo clients last week and are not now, by reason.

    Run after :func:`count_provisions` has noted this week's clients. The reason: the care
    moved to the Wlz; the need was solved (no care or social need left); otherwise the
    provision ended at its review or planned end with a need left (not renewed, or moved to
    the algemene voorziening). A household that left and was replaced has been counted on
    leaving (its newcomer has no Wmo history).
    """
    hh = model.hh
    rows = np.flatnonzero(hh.wmo_last_week == model.week - 1)
    if rows.size == 0:
        return
    wlz = hh.support[rows, CARE] == WLZ
    solved = ~wlz & (hh.need[rows][:, [CARE, SOCIAL]] == 0).all(axis=1)
    endings, wijk, n = model.record.wmo_endings, hh.wijk[rows], model.n_wijken
    endings[:, END_WLZ] += per_wijk(wijk[wlz], n)
    endings[:, END_SOLVED] += per_wijk(wijk[solved], n)
    endings[:, END_REVIEW] += per_wijk(wijk[~wlz & ~solved], n)
