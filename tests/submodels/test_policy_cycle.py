"""Submodel 9, the policy cycle: reviews that move FTE between wijken within a fixed total."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import make

from wijksim.submodels import policy_cycle


def test_targets_share_the_total_by_reported_demand():
    fte = np.array([2.0, 2.0, 4.0])
    target = policy_cycle.wijk_targets(fte, np.array([1.5, 0.5, 1.0]))
    assert target.sum() == pytest.approx(fte.sum())  # the municipal budget is kept
    np.testing.assert_allclose(target / target.sum(), np.array([3.0, 1.0, 4.0]) / 8.0)


def two_wijken(**policy):
    model = make(2000, wijken=2)
    model.cfg.policy.reallocate = True
    for key, value in policy.items():
        setattr(model.cfg.policy, key, value)
    return model


def review(model, asked: np.ndarray, weeks: int) -> None:
    """Run ``weeks`` weeks of reports with these hours asked (hours available as they are)."""
    for _ in range(weeks):
        model.begin_week()
        model.record.hours_available[:] = 100.0
        model.record.hours_asked[:] = asked
        model.kpis = {}
        policy_cycle.step(model)
        model.week += 1


def test_a_review_moves_fte_towards_the_busier_wijk_and_keeps_the_total():
    model = two_wijken(cycle_weeks=4, practice_link="merged", report_noise_merged=0.0,
                       report_lag_merged_weeks=0, reallocation_step=0.5)
    before = model.fte_per_wijk.copy()
    model.week = model.switch_week + 1  # reported week 1
    review(model, np.array([150.0, 50.0]), 4)  # the review is in reported week 4
    after = model.fte_per_wijk
    assert after[0] > before[0] and after[1] < before[1]
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
    for model in (merged, separate):
        start = model.fte_per_wijk.copy()
        model.week = model.switch_week + 1
        review(model, np.array([100.0, 100.0]), 3)  # quiet, equal
        review(model, np.array([200.0, 100.0]), 5)  # wijk 0 rushes; review in week 8
        model.shift = model.fte_per_wijk[0] - start[0]
    assert merged.shift > 0.0  # the recent rush is seen
    assert separate.shift == pytest.approx(0.0, abs=1e-9)  # six weeks back: still equal


def test_off_means_no_review_and_no_draw():
    model = make(2000, wijken=2)
    state = model.streams.policy.bit_generator.state
    before = model.fte_per_wijk.copy()
    model.week = model.switch_week + 1
    review(model, np.array([300.0, 10.0]), 52)
    np.testing.assert_array_equal(model.fte_per_wijk, before)
    assert model.streams.policy.bit_generator.state == state
    assert model.wijkplannen == []


def test_a_run_with_reallocation_keeps_the_budget_at_every_review():
    from wijksim.model import WijkModel

    model = WijkModel(rng=2, households=3000, wijken=3, warmup_weeks=2, weeks=30,
                      spinup_years=1, fte_per_1000=0.6)
    model.scenario_config.policy.reallocate = True  # switches on with the levers, week 1
    model.scenario_config.policy.cycle_weeks = 8
    total = 0.6 * model.inhabitants / 1000.0  # from week 1 on (the warm-up runs at 0.5)
    model.run()
    assert len(model.wijkplannen) == 3  # weeks 8, 16, 24
    for plan in model.wijkplannen:
        assert plan["fte"].sum() == pytest.approx(total)
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["reallocations"].sum() > 0
    assert (frame["capacity_mismatch"] >= 0).all()
