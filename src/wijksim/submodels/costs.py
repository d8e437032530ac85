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
times 52, so a time series reads as euro per year.

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

if TYPE_CHECKING:
    from wijksim.model import WijkModel

#: Clients counted by :func:`count_provisions`, by position.
CLIENT_WMO, CLIENT_YOUTH, CLIENT_REINTEGRATION, CLIENT_DEBT_RELIEF, CLIENT_WLZ = range(5)


def step(model: WijkModel) -> None:
    """Cost this week by budget and payer (in ``model.record.costs``); clients of the week."""
    hh, team, c, record = model.hh, model.team, model.cfg.costs, model.record
    t = model.provision_table
    per_provision, clients = count_provisions(
        hh.rows_with_support(), hh.support, hh.provision, hh.support_since, hh.wmo_last_week,
        hh.youth_last_week, np.int64(model.week),
    )
    record_wmo_exits(model)
    running = per_provision * t.cost_per_year
    by_law = np.bincount(np.maximum(t.domain, 0), weights=running, minlength=N_DOMAINS)
    by_law = by_law + record.one_off_costs * 52.0  # delivered this week, as a yearly rate
    crisis = record.crises_by_domain * model.crisis_cost * 52.0
    gemeente_share = np.asarray(c.crisis_gemeente_share.as_list())
    out = {
        "cost_team": float((team.fte * (team.filled & team.position)).sum() * c.fte),
        "cost_maatwerk": float(by_law.sum()),
        "cost_wlz": float(clients[CLIENT_WLZ] * c.wlz_per_year),
        "cost_sociale_basis": float(
            model.cfg.policy.sociale_basis_budget * model.inhabitants / 1000.0
        ),
        "cost_crisis": float(crisis.sum()),
    }
    out["cost_total"] = float(sum(out.values()))
    out["cost_wmo"] = float(by_law[CARE] + by_law[SOCIAL])
    out["cost_youth"] = float(by_law[YOUTH])
    out["cost_reintegration"] = float(by_law[INCOME])
    out["cost_debt_relief"] = float(by_law[DEBT])
    crisis_gemeente = float(crisis @ gemeente_share)
    out["cost_gemeente"] = (out["cost_team"] + out["cost_maatwerk"] + out["cost_sociale_basis"]
                            + crisis_gemeente)
    out["cost_other"] = out["cost_crisis"] - crisis_gemeente
    record.costs = out
    record.maatwerk_by_domain = np.bincount(np.maximum(t.domain, 0), weights=per_provision,
                                            minlength=N_DOMAINS).astype(np.int64)
    record.clients = clients
    record.wlz_clients = int(clients[CLIENT_WLZ])


@kernel
def count_provisions(rows, support, provision, support_since, wmo_last_week, youth_last_week,
                     week):
    """Provisions running this week (by provision code) and clients (households) by law.

    A provision runs once it has started (the decision is taken). Clients: Wmo (a provision in
    the care or social domain), youth care, re-integration, debt relief, Wlz. Notes the week in
    ``wmo_last_week`` and ``youth_last_week`` of the households with Wmo or youth care.
    """
    per_provision = np.zeros(len(PROVISIONS), np.int64)
    clients = np.zeros(5, np.int64)
    has = np.zeros(N_DOMAINS, np.bool_)
    for r in rows:
        for d in range(N_DOMAINS):
            running = (support[r, d] == MAATWERK) & (support_since[r, d] <= week)
            per_provision[provision[r, d]] += running
            has[d] = running
        wmo = has[CARE] | has[SOCIAL]
        clients[CLIENT_WMO] += wmo
        clients[CLIENT_YOUTH] += has[YOUTH]
        clients[CLIENT_REINTEGRATION] += has[INCOME]
        clients[CLIENT_DEBT_RELIEF] += has[DEBT]
        clients[CLIENT_WLZ] += support[r, CARE] == WLZ
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
    endings = model.record.wmo_endings
    endings[END_WLZ] += int(wlz.sum())
    endings[END_SOLVED] += int(solved.sum())
    endings[END_REVIEW] += int(rows.size - wlz.sum() - solved.sum())
