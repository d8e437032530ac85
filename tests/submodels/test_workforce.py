"""Submodel 7, workforce, on constructed cases."""

import numpy as np
import pytest
from helpers import integrated, make

from wijksim.codes import DEBT
from wijksim.submodels import workforce


def test_higher_workload_means_more_leaving():
    model = make(2000, fte_per_1000=10.0)
    t = model.team
    n = t.n
    assert n >= 20
    heavy = np.arange(n) < n // 2
    left = np.zeros(2)
    for _ in range(300):
        t.filled[:] = True
        t.workload[:] = np.where(heavy, 2.5, 1.0)
        before = t.filled.copy()
        workforce.leaving(model)
        quit_ = before & ~t.filled
        left += [quit_[heavy].sum(), quit_[~heavy].sum()]
    assert left[0] > 3 * left[1]
    assert left[1] > 0


def test_higher_workload_means_more_sick_leave():
    model = make(2000, fte_per_1000=10.0)
    t = model.team
    heavy = np.arange(t.n) < t.n // 2
    sick = np.zeros(2)
    for _ in range(200):
        t.leave_until[:] = -1
        t.workload[:] = np.where(heavy, 2.5, 1.0)
        workforce.sick_leave(model)
        ill = t.leave_until > model.week
        sick += [ill[heavy].sum(), ill[~heavy].sum()]
    assert sick[0] > 3 * sick[1]


def test_stress_rises_with_workload_and_is_capped():
    model = make(50)
    model.team.workload[:] = 0.5
    low = workforce.stress(model)
    np.testing.assert_allclose(low, 1.0)
    model.team.workload[:] = 2.0
    mid = workforce.stress(model)
    model.team.workload[:] = 9.0
    capped = workforce.stress(model)
    model.team.workload[:] = 3.0
    np.testing.assert_allclose(capped, workforce.stress(model))
    assert np.all(mid > low) and np.all(capped > mid)


def test_vacancies_get_filled_by_slower_new_workers():
    model = make(2000, fte_per_1000=10.0)
    t = model.team
    workforce.vacate(model, np.arange(t.n))
    assert not t.filled.any()
    for _ in range(60):
        workforce.hiring(model)
        model.week += 1
    assert t.filled.mean() > 0.8
    model.week = int(t.start_week[t.filled].max())  # a newcomer's first week
    hours = workforce.available_hours(model)
    full = model.cfg.team.hours_per_fte * model.cfg.team.direct_share * t.fte
    assert np.any(hours[t.filled] < full[t.filled] - 1e-3)
    assert np.all(hours[~t.filled] == 0)
    model.week += 1000  # long after: fully productive
    np.testing.assert_allclose(workforce.available_hours(model)[t.filled], full[t.filled],
                               rtol=1e-6)


def test_hours_per_position_are_hours_per_fte_times_fte_direct_share_and_productivity():
    model = make(2000, fte_per_1000=2.0)
    t, cfg = model.team, model.cfg
    assert t.n >= 3
    t.fte[:3] = [0.4, 0.8, 1.0]
    ramp, prod = cfg.workforce.ramp_up_weeks, cfg.workforce.new_worker_productivity
    t.start_week[2] = model.week + 1  # starts next week: at new_worker_productivity
    t.start_week[1] = model.week + 1 - ramp // 2  # half way up
    hours = workforce.available_hours(model)
    per_fte = cfg.team.hours_per_fte * cfg.team.direct_share
    np.testing.assert_allclose(
        hours[:3],
        [per_fte * 0.4, per_fte * 0.8 * (prod + (1 - prod) * (ramp // 2) / ramp), per_fte * prod],
        rtol=1e-6,
    )


def test_staffing_between_whole_positions_is_realised_in_hours():
    """0.45 and 0.55 FTE per 1,000 give a team's hours in the ratio 0.45 : 0.55."""
    hours = {}
    for fte_per_1000 in (0.45, 0.55):
        model = make(3000, fte_per_1000=fte_per_1000)
        hours[fte_per_1000] = workforce.available_hours(model).sum()
        per_fte = model.cfg.team.hours_per_fte * model.cfg.team.direct_share
        wijk_fte = fte_per_1000 * model.inhabitants / 1000.0
        assert hours[fte_per_1000] == pytest.approx(per_fte * wijk_fte, rel=1e-5)
    assert hours[0.55] / hours[0.45] == pytest.approx(0.55 / 0.45, rel=1e-5)


def test_sick_or_vacant_workers_have_no_hours():
    model = make(2000, fte_per_1000=2.0)
    t = model.team
    t.leave_until[0] = model.week + 3
    t.filled[1] = False
    hours = workforce.available_hours(model)
    assert hours[0] == 0 and hours[1] == 0
    assert np.all(hours[2:] > 0)


def test_vacate_sends_cases_back_to_the_team():
    model = integrated(caseload_cap=50)
    hh, t = model.hh, model.team
    hh.case_worker[0:3, DEBT] = 0
    hh.case_worker[3, DEBT] = 1
    t.caseload[:2] = [3, 1]
    model.week = 7
    workforce.vacate(model, np.array([0]))
    assert np.all(hh.case_worker[0:3, DEBT] == -1)
    assert np.all(hh.handoff_ready[0:3, DEBT] == 7)
    assert hh.case_worker[3, DEBT] == 1
    assert t.caseload[0] == 0 and not t.filled[0]


