"""Submodel 9, the policy cycle: reviews that write wijkplannen within fixed municipal totals."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import make

from wijksim.build import partners as partners_mod
from wijksim.codes import CARE, NO_SUPPORT
from wijksim.submodels import casework, policy_cycle


def test_share_out_keeps_the_total_and_follows_demand():
    target = policy_cycle.share_out(8.0, np.array([3.0, 1.0, 4.0]))
    assert target.sum() == pytest.approx(8.0)  # the municipal budget is kept
    np.testing.assert_allclose(target, [3.0, 1.0, 4.0])
    np.testing.assert_allclose(policy_cycle.share_out(6.0, np.zeros(3)), [2.0, 2.0, 2.0])


def two_wijken(**policy):
    model = make(2000, wijken=2)
    model.cfg.policy.reallocate = True
    for key, value in policy.items():
        setattr(model.cfg.policy, key, value)
    return model


def review(model, contacts: np.ndarray, weeks: int, sent: np.ndarray | None = None) -> None:
    """Run ``weeks`` weeks of reports with these first contacts per wijk (and partner signals)."""
    for _ in range(weeks):
        model.begin_week()
        model.record.first_contacts[:] = contacts
        model.record.hours_available[:] = 100.0
        model.record.hours_asked[:] = 80.0
        if sent is not None:
            model.partners.signals_sent += sent
        model.kpis = {}
        policy_cycle.step(model)
        model.week += 1


def exact(**policy):
    """Two wijken, merged teams, no lag or noise (constructed cases)."""
    return two_wijken(practice_link="merged", report_noise_merged=0.0, report_lag_merged_weeks=0,
                      **policy)


def test_a_review_moves_fte_towards_the_wijk_with_more_first_contacts():
    model = exact(cycle_weeks=4, reallocation_step=0.5)
    before = model.fte_per_wijk.copy()
    model.week = model.switch_week  # reported week 1
    review(model, np.array([30, 10]), 4)  # the review is in reported week 4
    after = model.fte_per_wijk
    target = before.sum() * np.array([0.75, 0.25])
    np.testing.assert_allclose(after, before + 0.5 * (target - before))
    assert after.sum() == pytest.approx(before.sum())
    staffed = np.bincount(model.team.wijk[model.team.position], weights=model.team.fte[
        model.team.position], minlength=2)
    np.testing.assert_allclose(staffed, after)  # the positions carry the new FTE
    assert len(model.wijkplannen) == 1 and model.wijkplannen[0]["week"] == 4


def test_separate_teams_act_on_old_figures():
    """With a long lag the review still sees the quiet weeks before the rush."""
    merged = two_wijken(cycle_weeks=8, practice_link="merged", report_noise_merged=0.0,
                        report_lag_merged_weeks=1, reallocation_step=1.0)
    separate = two_wijken(cycle_weeks=8, practice_link="separate", report_noise_separate=0.0,
                          report_lag_separate_weeks=6, reallocation_step=1.0)
    total = merged.fte_per_wijk.sum()
    for model in (merged, separate):
        model.week = model.switch_week
        review(model, np.array([10, 10]), 3)  # quiet, equal
        review(model, np.array([20, 10]), 5)  # wijk 0 rushes; review in week 8
    # six weeks back only the two first, quiet weeks have reached the table
    np.testing.assert_allclose(separate.fte_per_wijk, [total / 2, total / 2])
    # one week back: 4 rush weeks and 3 quiet ones (110 contacts against 70)
    np.testing.assert_allclose(merged.fte_per_wijk, total * np.array([110, 70]) / 180)


def test_the_sociale_basis_budget_moves_to_the_wijk_with_more_light_needs():
    model = exact(cycle_weeks=2, reallocation_step=1.0)
    hh = model.hh
    hh.need[:] = 0
    hh.support[:] = NO_SUPPORT
    first = np.flatnonzero(hh.wijk == 0)[:30]
    second = np.flatnonzero(hh.wijk == 1)[:10]
    hh.need[first, CARE] = 1
    hh.need[second, CARE] = 2
    euros = model.basis_budget * model.inhabitants_per_wijk / 1000.0
    model.week = model.switch_week
    review(model, np.array([10, 10]), 2)
    new = model.basis_budget * model.inhabitants_per_wijk / 1000.0
    assert new.sum() == pytest.approx(euros.sum())  # the municipal budget is kept
    np.testing.assert_allclose(new / new.sum(), [0.75, 0.25])
    places = casework.basis_places(model)
    assert places[0] > places[1]  # the places follow the budget
    plan = model.wijkplannen[0]
    np.testing.assert_allclose(plan["basis_priority"][:, CARE], [1.0, 1.0])


def test_outreach_turns_to_the_partners_whose_signals_grow():
    model = exact(cycle_weeks=4, reallocation_step=1.0)
    p = model.partners
    p.engaged[:] = False
    kinds = p.n // 2
    p.engaged[[0, 1]] = True  # two partners of wijk 0
    sent = np.zeros(p.n, np.int64)
    model.week = model.switch_week
    sent[[0, 1]] = 1
    review(model, np.array([10, 10]), 4, sent)  # a first cycle: both pass 4 signals
    sent[0] = 3
    review(model, np.array([10, 10]), 4, sent)  # then the first passes 12, the second 4
    prio = model.outreach_priority
    assert prio[0] > 1.0 > prio[1]
    assert prio[0] + prio[1] == pytest.approx(2.0)  # mean 1 over the wijk's engaged partners
    assert np.all(prio[2:kinds] == 1.0) and np.all(prio[kinds:] == 1.0)  # the others unchanged
    # the hours follow the priorities
    rel = p.relation.copy()
    p.relation[:] = 0.0
    partners_mod.update_relations(p, np.array([10.0, 0.0]), 0.02, 0.0, prio)
    assert p.relation[0] > p.relation[1] > 0.0
    p.relation[:] = rel


def test_off_means_no_review_and_no_draw():
    model = make(2000, wijken=2)
    state = model.streams.policy.bit_generator.state
    before = model.fte_per_wijk.copy()
    budget = model.basis_budget.copy()
    model.week = model.switch_week
    review(model, np.array([30, 1]), 52)
    np.testing.assert_array_equal(model.fte_per_wijk, before)
    np.testing.assert_array_equal(model.basis_budget, budget)
    assert model.streams.policy.bit_generator.state == state
    assert model.wijkplannen == []


def reallocating_run(cycle: int, weeks: int = 30, **flat):
    from wijksim.model import WijkModel

    model = WijkModel(rng=2, households=3000, wijken=3, warmup_weeks=2, weeks=weeks,
                      spinup_years=1, fte_per_1000=0.6, **flat)
    model.scenario_config.policy.reallocate = True  # switches on with the levers, week 1
    model.scenario_config.policy.cycle_weeks = cycle
    model.run()
    return model


def test_a_run_with_reallocation_keeps_the_budgets_at_every_review():
    model = reallocating_run(8, partners=["school", "gp", "creditors"])
    fte_total = 0.6 * model.inhabitants / 1000.0  # from week 1 on (the warm-up runs at 0.5)
    euros = model.cfg.policy.sociale_basis_budget * model.inhabitants / 1000.0
    assert len(model.wijkplannen) == 3  # weeks 8, 16, 24
    for plan in model.wijkplannen:
        assert plan["fte"].sum() == pytest.approx(fte_total, rel=1e-12)
        spent = plan["sociale_basis_budget"] @ model.inhabitants_per_wijk / 1000.0
        assert spent == pytest.approx(euros, rel=1e-12)
        assert plan["outreach_priority"].reshape(3, -1)[:, model.partners.engaged[:6]].mean(
            axis=1) == pytest.approx(1.0)
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["reallocations"].sum() > 0
    assert frame["cost_sociale_basis"].to_numpy() == pytest.approx(euros, rel=1e-12)
    assert (frame["capacity_mismatch"] >= 0).all()
    plans = policy_cycle.plans_frame(model, 2)
    assert len(plans) == 3 * 3 and set(plans["week"]) == {8, 16, 24}
    assert {"fte_per_1000", "sociale_basis_budget", "basis_priority_debt",
            "outreach_priority_gp"} <= set(plans.columns)


def test_reports_without_a_review_change_nothing():
    """Reallocation on but no review within the run: results identical to reallocation off."""
    from wijksim.model import WijkModel

    quiet = reallocating_run(52, weeks=20)
    off = WijkModel(rng=2, households=3000, wijken=3, warmup_weeks=2, weeks=20, spinup_years=1,
                    fte_per_1000=0.6)
    off.run()
    a = quiet.datacollector.get_model_vars_dataframe()
    b = off.datacollector.get_model_vars_dataframe()
    assert quiet.wijkplannen == []
    assert a.equals(b)


def test_needs_rise_in_one_wijk_from_the_given_week():
    model = make(2000, wijken=3)
    model.cfg.needs.rise_wijk, model.cfg.needs.rise_from_week = 2, 3
    model.cfg.needs.rise_factor = 1.5
    np.testing.assert_array_equal(model.onset_factor, 1.0)
    while model.output_week < 3:
        model.step()
    np.testing.assert_array_equal(model.onset_factor, 1.0)  # weeks 1 and 2 as before
    model.begin_week()  # week 3
    np.testing.assert_allclose(model.onset_factor[:, 0], [1.0, 1.5, 1.0])
