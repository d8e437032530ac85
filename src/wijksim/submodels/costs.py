"""Submodel 8a, costs: what the week costs, by budget, in euro per year.

* ``cost_team`` - employer cost of the filled wijkteam positions (``costs.fte``);
* ``cost_maatwerk`` - maatwerkvoorzieningen running this week, by domain
  (``costs.maatwerk_per_year``: Wmo, youth, re-integration, debt relief, day activities);
* ``cost_wlz`` - Wlz clients (``costs.wlz_per_year``);
* ``cost_sociale_basis`` - the yearly budget for volunteers and activities;
* ``cost_crisis`` - crises this week (``costs.crisis`` by domain), as a yearly rate.

Every figure is the week's cost times 52, so a time series reads as euro per year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from wijksim.codes import CARE, MAATWERK, N_DOMAINS, WLZ
from wijksim.compiled import kernel

if TYPE_CHECKING:
    from wijksim.model import WijkModel


def step(model: WijkModel) -> None:
    """Cost this week by budget (in ``model.record.costs``) and the provisions running."""
    hh, team, c, record = model.hh, model.team, model.cfg.costs, model.record
    per_domain, wlz = running_provisions(
        hh.rows_with_support(), hh.support, hh.provision_until, np.int64(model.week)
    )
    out = {
        "cost_team": float((team.filled & team.position).sum() * c.fte),
        "cost_maatwerk": float(per_domain @ model.maatwerk_cost),
        "cost_wlz": float(wlz * c.wlz_per_year),
        "cost_sociale_basis": float(
            model.cfg.policy.sociale_basis_budget * model.inhabitants / 1000.0
        ),
        "cost_crisis": float(record.crises_by_domain @ model.crisis_cost * 52.0),
    }
    out["cost_total"] = float(sum(out.values()))
    record.costs = out
    record.maatwerk_by_domain = per_domain
    record.wlz_clients = wlz


@kernel
def running_provisions(rows, support, provision_until, week):
    """Maatwerk provisions running this week per domain, and Wlz clients, among ``rows``."""
    per_domain = np.zeros(support.shape[1], np.int64)
    wlz = 0
    for r in rows:
        for d in range(N_DOMAINS):
            per_domain[d] += (support[r, d] == MAATWERK) & (provision_until[r, d] > week)
        wlz += support[r, CARE] == WLZ
    return per_domain, wlz
