"""Submodel 8a, costs, on constructed cases."""

import numpy as np
import pytest
from helpers import clear_needs, grant, make, set_provision, settle, support

from wijksim.codes import (
    BEGELEIDING,
    CARE,
    DAGBESTEDING,
    DEBT,
    DOMAINS,
    HUISHOUDELIJKE_HULP,
    INCOME,
    JEUGDHULP,
    MAATWERK,
    MODERATE,
    NETWORK,
    NO_SUPPORT,
    RE_INTEGRATIE,
    SCHULDHULP,
    SEVERE,
    SOCIAL,
    WLZ,
    WONINGAANPASSING,
    YOUTH,
)
from wijksim.submodels import casework, costs
from wijksim.submodels.casework import REVISE


def week_costs(model):
    """This week's costs by budget for the municipality (costs.step records them per wijk)."""
    costs.step(model)
    return {name: float(value.sum()) for name, value in model.record.costs.items()}


def _price(model, name):
    return model.cfg.policy.provisions[name].cost_per_year


def test_a_running_provision_costs_its_yearly_price_from_its_start():
    model = make(100)
    clear_needs(model)
    model.week = 20
    grant(model, [0], CARE, HUISHOUDELIJKE_HULP, MODERATE, since=21)
    c = week_costs(model)
    assert c["cost_maatwerk"] == 0  # decided, not started
    assert model.record.clients.sum() == 0
    model.week = 21
    c = week_costs(model)
    assert c["cost_maatwerk"] == _price(model, "huishoudelijke_hulp") > 0
    assert c["cost_wmo"] == c["cost_maatwerk"]
    assert c["cost_wlz"] == 0
    assert c["cost_crisis"] == 0
    assert model.hh.wmo_last_week[0] == 21  # noted for the count over a year


def test_maatwerk_costs_add_up_by_law_and_clients_are_counted_by_law():
    model = make(100)
    clear_needs(model)
    grant(model, [0], CARE, HUISHOUDELIJKE_HULP, MODERATE)
    grant(model, [0], SOCIAL, DAGBESTEDING, MODERATE)  # one Wmo client with two provisions
    grant(model, [1], CARE, BEGELEIDING, MODERATE)
    grant(model, [1, 2], YOUTH, JEUGDHULP, SEVERE)
    grant(model, [3], INCOME, RE_INTEGRATIE, SEVERE)
    grant(model, [4], DEBT, SCHULDHULP, SEVERE)
    support(model, [5], CARE, NETWORK, MODERATE)  # no cost of its own
    model.hh.support[6, CARE] = WLZ
    c = week_costs(model)
    p = lambda name: _price(model, name)  # noqa: E731
    assert c["cost_wmo"] == p("huishoudelijke_hulp") + p("dagbesteding") + p("begeleiding")
    assert c["cost_youth"] == 2 * p("jeugdhulp")
    assert c["cost_reintegration"] == p("re_integratie")
    assert c["cost_debt_relief"] == p("schuldhulp")
    by_law = ("cost_wmo", "cost_youth", "cost_reintegration", "cost_debt_relief")
    assert c["cost_maatwerk"] == pytest.approx(sum(c[k] for k in by_law))
    # clients (households) by law: Wmo, youth, re-integration, debt relief, Wlz
    np.testing.assert_array_equal(model.record.total("clients"), [2, 2, 1, 1, 1])
    assert c["cost_wlz"] == model.cfg.costs.wlz_per_year


def test_costs_by_payer_add_up_and_crises_are_shared():
    model = make(1000, fte_per_1000=2.0)
    clear_needs(model)
    hh, t, c = model.hh, model.team, model.cfg.costs
    hh.support[:3, CARE] = WLZ
    grant(model, [5], SOCIAL, DAGBESTEDING, MODERATE)
    t.filled[0] = False
    model.record.crises_by_domain[0, DEBT] = 2
    model.record.crises_by_domain[0, CARE] = 1
    out = week_costs(model)
    assert out["cost_wlz"] == 3 * c.wlz_per_year
    assert out["cost_team"] == pytest.approx(t.fte[1:].sum() * c.fte, rel=1e-6)  # filled FTE
    crisis = {"debt": 2 * c.crisis.debt * 52, "care": c.crisis.care * 52}
    assert out["cost_crisis"] == pytest.approx(sum(crisis.values()))
    share = c.crisis_gemeente_share
    gemeente_crisis = crisis["debt"] * share.debt + crisis["care"] * share.care
    assert out["cost_other"] == pytest.approx(out["cost_crisis"] - gemeente_crisis)
    assert out["cost_sociale_basis"] == pytest.approx(
        model.cfg.policy.sociale_basis_budget * model.inhabitants / 1000
    )
    assert out["cost_gemeente"] == pytest.approx(
        out["cost_team"] + out["cost_maatwerk"] + out["cost_sociale_basis"] + gemeente_crisis
    )
    assert out["cost_total"] == pytest.approx(
        out["cost_gemeente"] + out["cost_wlz"] + out["cost_other"]
    )
    parts = ("cost_team", "cost_maatwerk", "cost_wlz", "cost_sociale_basis", "cost_crisis")
    assert out["cost_total"] == pytest.approx(sum(out[k] for k in parts))


def test_a_crisis_paid_wholly_by_the_gemeente_leaves_nothing_to_others():
    model = make(100)
    for d in DOMAINS:
        setattr(model.cfg.costs.crisis_gemeente_share, d, 1.0)
    model.record.crises_by_domain[:] = 1
    out = week_costs(model)
    assert out["cost_crisis"] > 0
    assert out["cost_other"] == 0


def one_off_only(model):
    """Make every care grant a woningaanpassing (a one-off provision)."""
    set_provision(model, "woningaanpassing", grant_share=1.0)
    for name in ("hulpmiddel", "huishoudelijke_hulp", "begeleiding"):
        set_provision(model, name, grant_share=0.0)


def test_one_off_provisions_cost_once_at_delivery():
    model = make(200, sociale_basis_budget=0.0)
    clear_needs(model)
    one_off_only(model)
    one_off = model.cfg.policy.provisions["woningaanpassing"].one_off_cost
    assert one_off > 0
    model.hh.need[:3, CARE] = SEVERE
    casework.plan(model, np.arange(3), np.full(3, CARE))
    assert np.all(model.hh.provision[:3, CARE] == WONINGAANPASSING)
    assert week_costs(model)["cost_maatwerk"] == 0  # granted, not yet delivered
    delivered = int(model.hh.provision_until[:3, CARE].max())
    model.week = delivered
    model.begin_week()
    settle(model, REVISE)  # the adaptations are delivered (and end)
    assert np.all(model.hh.support[:3, CARE] == NO_SUPPORT)
    assert model.record.total("one_off_costs")[CARE] == 3 * one_off
    c = week_costs(model)
    assert c["cost_maatwerk"] == pytest.approx(3 * one_off * 52)  # a week's cost, per year
    model.begin_week()
    assert week_costs(model)["cost_maatwerk"] == 0  # once only


def test_a_one_off_granted_by_a_step_up_costs_its_one_off_price_at_delivery():
    model = make(200)
    clear_needs(model)
    one_off_only(model)
    support(model, [0], CARE, NETWORK, MODERATE, since=-10)
    model.hh.need[0, CARE] = SEVERE  # worse than at the plan: steps up
    settle(model, REVISE)
    assert model.hh.provision[0, CARE] == WONINGAANPASSING
    model.week = int(model.hh.provision_until[0, CARE])
    model.begin_week()
    settle(model, REVISE)
    one_off = model.cfg.policy.provisions["woningaanpassing"].one_off_cost
    assert model.record.total("one_off_costs")[CARE] == one_off


def test_cost_by_law_adds_up_to_maatwerk_with_one_off_costs():
    model = make(200, sociale_basis_budget=0.0)
    clear_needs(model)
    one_off_only(model)
    grant(model, [0], CARE, WONINGAANPASSING, SEVERE, since=-4, until=model.week)
    grant(model, [1], YOUTH, JEUGDHULP, MODERATE)
    settle(model, REVISE)
    c = week_costs(model)
    by_law = ("cost_wmo", "cost_youth", "cost_reintegration", "cost_debt_relief")
    assert c["cost_maatwerk"] > 0 and c["cost_wmo"] > 0 and c["cost_youth"] > 0
    assert sum(c[k] for k in by_law) == pytest.approx(c["cost_maatwerk"])


def test_provisions_running_are_counted_by_provision():
    model = make(100)
    clear_needs(model)
    grant(model, [0, 1, 2], CARE, HUISHOUDELIJKE_HULP, MODERATE)
    grant(model, [3], CARE, BEGELEIDING, MODERATE)
    model.hh.support[4, CARE] = MAATWERK  # no provision, e.g. a bare cell: costs nothing
    per_provision, _ = costs.count_provisions(
        model.hh.rows_with_support(), model.hh.support, model.hh.provision,
        model.hh.support_since, model.hh.wmo_last_week.copy(), model.hh.youth_last_week.copy(),
        np.int64(model.week), model.hh.wijk, np.int64(model.n_wijken),
    )
    assert per_provision.shape[0] == model.n_wijken  # a row per wijk
    per_provision = per_provision.sum(axis=0)
    assert per_provision[HUISHOUDELIJKE_HULP] == 3
    assert per_provision[BEGELEIDING] == 1
    assert per_provision.sum() == 5
