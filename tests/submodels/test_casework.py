"""Submodel 6, casework, on constructed cases."""

import numpy as np
import pytest
from helpers import case_hours, clear_needs, integrated, make

from wijksim.build import team as team_mod
from wijksim.codes import (
    CARE,
    CLOSED,
    DEBT,
    IN_SUPPORT,
    INCOME,
    LIGHT,
    MAATWERK,
    MILD,
    MODERATE,
    NETWORK,
    NO_SUPPORT,
    SEVERE,
    SOCIAL,
    WLZ,
    YOUTH,
)
from wijksim.model import WijkModel
from wijksim.submodels import casework


def three_domain_household(structure: str) -> tuple[WijkModel, np.ndarray]:
    model = make(2000, team_structure=structure, fte_per_1000=2.0)
    clear_needs(model)
    hh, t = model.hh, model.team
    doms = np.array([CARE, INCOME, DEBT])
    hh.need[0, doms] = MODERATE
    hh.support[0, doms] = LIGHT
    hh.support_since[0, doms] = -50
    hh.status[0] = IN_SUPPORT
    if structure == "siloed":
        workers = [int(np.flatnonzero(t.covers[:, d])[0]) for d in doms]
        assert len(set(workers)) == 3
    else:
        workers = [0, 0, 0]
    hh.case_worker[0, doms] = workers
    return model, doms


def test_siloed_team_spends_more_hours_on_three_domain_household():
    siloed, doms = three_domain_household("siloed")
    integ, _ = three_domain_household("integrated")
    rows = np.zeros(3, dtype=np.int64)
    h_siloed = case_hours(siloed, rows, doms).sum()
    h_integrated = case_hours(integ, rows, doms).sum()
    per_need = siloed.case_hours_per_stage[MODERATE]
    coordination = siloed.cfg.team.coordination_hours
    assert h_integrated == pytest.approx(3 * per_need)
    # each of the three workers coordinates with the two others
    assert h_siloed == pytest.approx(3 * per_need + 3 * 2 * coordination)
    assert h_siloed > h_integrated


def test_one_domain_household_costs_the_same_in_both_structures():
    hours = []
    for structure in ("siloed", "integrated"):
        model = make(200, team_structure=structure)
        clear_needs(model)
        hh = model.hh
        hh.need[0, DEBT] = SEVERE
        hh.support[0, DEBT] = LIGHT
        hh.support_since[0, DEBT] = -50
        hh.case_worker[0, DEBT] = 0
        hours.append(case_hours(model, np.array([0]), np.array([DEBT]))[0])
    assert hours[0] == hours[1] == pytest.approx(model.case_hours_per_stage[SEVERE])


def test_case_hours_by_kind_of_support():
    model = make(200)
    clear_needs(model)
    hh, pol = model.hh, model.cfg.policy
    model.week = 20
    rows = np.arange(4)
    doms = np.full(4, INCOME)
    hh.need[rows, INCOME] = MODERATE
    hh.case_worker[rows, INCOME] = 0
    hh.support[rows, INCOME] = [NETWORK, NETWORK, MAATWERK, LIGHT]
    hh.support_since[rows, INCOME] = [20, 20 - pol.activation_weeks, 10, 10]
    h = case_hours(model, rows, doms)
    np.testing.assert_allclose(
        h,
        [
            pol.activation_hours,  # activating the network
            0.0,  # the network carries it now
            pol.maatwerk_monitor_hours,
            model.case_hours_per_stage[MODERATE],
        ],
    )


def test_spend_hours_never_exceeds_free_hours_and_thins_effect():
    model = integrated(caseload_cap=500)
    hh, t = model.hh, model.team
    rows = np.arange(200)
    hh.need[rows, DEBT] = SEVERE
    hh.support[rows, DEBT] = LIGHT
    hh.support_since[rows, DEBT] = -50
    hh.case_worker[rows, DEBT] = 0  # all on worker 0: far too much
    hh.case_worker[200, DEBT] = 1  # one case on worker 1: fine
    hh.need[200, DEBT] = MILD
    hh.support[200, DEBT] = LIGHT
    hh.status[:201] = IN_SUPPORT  # the model only gives households in support a worker
    model.record.intake_hours = np.zeros(model.n_wijken)
    casework.spend_hours(model)
    free = t.hours_available * team_mod.case_share(model.cfg.team.outreach_share)
    assert np.all(t.hours_spent <= free + 1e-5)
    assert t.hours_spent[0] == pytest.approx(free[0])
    assert t.hours_demanded[0] == pytest.approx(200 * model.case_hours_per_stage[SEVERE])
    ratio = free[0] / t.hours_demanded[0]
    np.testing.assert_allclose(hh.effect[rows, DEBT], ratio * t.skill[0], rtol=1e-5)
    assert hh.effect[200, DEBT] == pytest.approx(t.skill[1])  # fully served, generalist skill
    assert t.skill[1] == pytest.approx(model.cfg.team.broad_skill)
    assert np.all(hh.effect[201:] == 0)


def test_effect_of_provisions_and_networks_without_a_worker():
    model = make(100)
    clear_needs(model)
    hh = model.hh
    model.week = 10
    model.record.intake_hours = np.zeros(model.n_wijken)
    hh.need[0:5, CARE] = MODERATE
    hh.support[0:5, CARE] = [MAATWERK, MAATWERK, WLZ, NETWORK, LIGHT]
    hh.provision_until[0:2, CARE] = [11, 10]  # running; ended this week
    hh.met_share[3] = 0.4  # a released network plan works as far as the network carries it
    casework.spend_hours(model)
    np.testing.assert_allclose(hh.effect[0:5, CARE], [1.0, 0.0, 1.0, 0.4, 0.0])
    assert np.all(model.team.hours_spent == 0)


def test_plan_kinds():
    for network_first, expected_high in ((0.0, MAATWERK), (1.0, NETWORK)):
        model = make(300, network_first=network_first, maatwerk_stage=2)
        clear_needs(model)
        hh = model.hh
        rows = np.arange(100)
        hh.need[:50, INCOME] = MODERATE
        hh.need[50:100, INCOME] = MILD
        casework.plan(model, rows, np.full(100, INCOME))
        assert np.all(hh.support[:50, INCOME] == expected_high)
        if network_first == 0.0:
            assert np.all(hh.support[50:100, INCOME] == LIGHT)
            assert np.all(hh.provision_until[:50, INCOME] > model.week)
            assert model.record.maatwerk_grants == 50
        else:
            assert np.all(hh.support[50:100, INCOME] == NETWORK)
            assert model.record.eligible_otherwise == 50  # would-be maatwerk, solved otherwise
            assert np.all(hh.alt_eligible[:50, INCOME])
        assert model.record.eligible_decisions == 50


def test_plan_wlz_for_long_severe_elderly_care():
    model = make(300)
    clear_needs(model)
    hh = model.hh
    elderly = np.flatnonzero(hh.elderly > 0)[:5]
    hh.need[elderly, CARE] = SEVERE
    hh.severe_care_weeks[elderly] = model.cfg.policy.wlz_weeks_severe
    hh.case_worker[elderly, CARE] = 0
    casework.plan(model, elderly, np.full(elderly.size, CARE))
    assert np.all(hh.support[elderly, CARE] == WLZ)
    assert np.all(hh.case_worker[elderly, CARE] == -1)  # the team lets go


def _open_case(model: WijkModel, need: int, since_weeks: int, calm_weeks: int) -> None:
    hh = model.hh
    hh.need[0, DEBT] = need
    hh.support[0, DEBT] = LIGHT
    hh.support_since[0, DEBT] = model.week - since_weeks
    hh.calm_weeks[0, DEBT] = calm_weeks
    hh.case_worker[0, DEBT] = 0
    hh.status[0] = IN_SUPPORT


def test_fixed_closure_closes_after_fixed_weeks_whatever_the_need():
    model = make(100, closure_rule="fixed")
    clear_needs(model)
    model.week = 40
    fixed = model.cfg.policy.fixed_weeks
    _open_case(model, MODERATE, since_weeks=fixed, calm_weeks=0)
    casework.settle_cases(model, casework.CLOSE)
    hh = model.hh
    assert hh.case_worker[0, DEBT] == -1
    assert hh.support[0, DEBT] == NO_SUPPORT
    assert hh.status[0] == CLOSED
    assert hh.relapse_until[0] == 40 + model.cfg.needs.relapse_weeks  # closed with need left


def test_stable_closure_keeps_an_unstable_case_open():
    model = make(100, closure_rule="stable")
    clear_needs(model)
    model.week = 40
    _open_case(model, MODERATE, since_weeks=model.cfg.policy.fixed_weeks + 20, calm_weeks=0)
    casework.settle_cases(model, casework.CLOSE)
    hh = model.hh
    assert hh.case_worker[0, DEBT] == 0
    assert hh.support[0, DEBT] == LIGHT
    assert hh.status[0] == IN_SUPPORT
    assert model.team.caseload[0] == 1


def test_stable_closure_closes_when_calm_long_enough_and_fixed_waits():
    stable_weeks = 6
    for rule, closes in (("stable", True), ("fixed", False)):
        model = make(100, closure_rule=rule)
        clear_needs(model)
        model.week = 40
        assert model.cfg.policy.stable_weeks == stable_weeks
        _open_case(model, MILD, since_weeks=stable_weeks + 1, calm_weeks=stable_weeks - 1)
        casework.settle_cases(model, casework.CLOSE)
        assert bool(model.hh.status[0] == CLOSED) is closes, rule
        assert bool(model.hh.case_worker[0, DEBT] == -1) is closes, rule


def test_solved_need_closes_under_either_rule():
    for rule in ("stable", "fixed"):
        model = make(100, closure_rule=rule)
        clear_needs(model)
        model.week = 40
        _open_case(model, 0, since_weeks=1, calm_weeks=0)
        casework.settle_cases(model, casework.CLOSE)
        assert model.hh.status[0] == CLOSED
        assert model.hh.relapse_until[0] == -1  # no need left: no relapse risk


def test_light_support_recovers_with_effect():
    model = make(2000)
    clear_needs(model)
    hh = model.hh
    rows = np.arange(2000)
    recovered = np.zeros(2)
    for _ in range(30):
        hh.need[rows, SOCIAL] = MODERATE
        hh.support[rows, SOCIAL] = LIGHT
        hh.effect[:1000, SOCIAL] = 1.0
        hh.effect[1000:, SOCIAL] = 0.0
        casework.settle_cases(model, casework.RECOVER)
        recovered += [
            (hh.need[:1000, SOCIAL] < MODERATE).sum(),
            (hh.need[1000:, SOCIAL] < MODERATE).sum(),
        ]
    assert recovered[0] > 100
    assert recovered[1] == 0


def test_maatwerk_provision_ends_or_is_renewed():
    model = make(100, maatwerk_stage=2)
    clear_needs(model)
    hh = model.hh
    model.week = 30
    hh.support[0:2, YOUTH] = MAATWERK
    hh.provision_until[0:2, YOUTH] = 30
    hh.need[0, YOUTH] = MILD  # below the threshold: provision ends
    hh.need[1, YOUTH] = SEVERE  # still severe: renewed
    casework.settle_cases(model, casework.REVISE)
    assert hh.support[0, YOUTH] == NO_SUPPORT
    assert hh.support[1, YOUTH] == MAATWERK
    assert hh.provision_until[1, YOUTH] == 30 + model.maatwerk_weeks[YOUTH]


def test_failed_network_activation_becomes_maatwerk():
    model = make(100, maatwerk_stage=2)
    clear_needs(model)
    hh = model.hh
    hh.support[0:2, DEBT] = NETWORK
    hh.need[0, DEBT] = SEVERE
    hh.need[1, DEBT] = MILD
    casework.settle_cases(model, casework.REVISE)
    assert hh.support[0, DEBT] == MAATWERK
    assert hh.support[1, DEBT] == NETWORK
    assert model.record.network_failures == 1


