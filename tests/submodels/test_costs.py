"""Submodel 8a, costs, on constructed cases."""

import numpy as np
import pytest
from helpers import clear_needs, make

from wijksim.codes import CARE, DEBT, MAATWERK, WLZ, YOUTH
from wijksim.submodels import costs


def week_costs(model):
    """This week's costs by budget, as costs.step records them."""
    costs.step(model)
    return model.record.costs


def test_one_care_maatwerk_provision_costs_its_yearly_price():
    model = make(100)
    clear_needs(model)
    hh = model.hh
    hh.support[0, CARE] = MAATWERK
    hh.provision_until[0, CARE] = model.week + 10
    c = week_costs(model)
    assert c["cost_maatwerk"] == model.cfg.costs.maatwerk_per_year.care
    assert c["cost_wlz"] == 0
    assert c["cost_crisis"] == 0
    hh.provision_until[0, CARE] = model.week  # ended: no cost
    assert week_costs(model)["cost_maatwerk"] == 0


def test_maatwerk_costs_add_up_by_domain():
    model = make(100)
    clear_needs(model)
    hh = model.hh
    hh.support[0, [CARE, YOUTH]] = MAATWERK
    hh.support[1, YOUTH] = MAATWERK
    hh.provision_until[:2] = model.week + 1
    p = model.cfg.costs.maatwerk_per_year
    assert week_costs(model)["cost_maatwerk"] == p.care + 2 * p.youth
    np.testing.assert_array_equal(model.record.maatwerk_by_domain, [1, 2, 0, 0, 0])


def test_wlz_team_crisis_and_total_costs():
    model = make(1000, fte_per_1000=2.0)
    clear_needs(model)
    hh, t, c = model.hh, model.team, model.cfg.costs
    hh.support[:3, CARE] = WLZ
    t.filled[0] = False
    model.record.crises_by_domain[DEBT] = 2
    out = week_costs(model)
    assert out["cost_wlz"] == 3 * c.wlz_per_year
    assert out["cost_team"] == (t.n - 1) * c.fte
    assert out["cost_crisis"] == 2 * c.crisis.debt * 52
    assert out["cost_sociale_basis"] == pytest.approx(
        model.cfg.policy.sociale_basis_budget * model.inhabitants / 1000
    )
    parts = ("cost_team", "cost_maatwerk", "cost_wlz", "cost_sociale_basis", "cost_crisis")
    assert out["cost_total"] == pytest.approx(sum(out[k] for k in parts))


