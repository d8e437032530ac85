"""Submodel 5, intake and triage, on constructed cases."""

import numpy as np
import pytest
from helpers import clear_needs, integrated, make, support

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
    N_DOMAINS,
    NO_SUPPORT,
    SEVERE,
    SIGNALLED,
    SOCIAL,
    WAITING,
)
from wijksim.submodels import intake


def _slots(model):
    return team_mod.slots(model.team, model.cfg.team.caseload_cap)


def test_worker_at_caseload_cap_takes_no_new_case():
    model = integrated(caseload_cap=3)
    t = model.team
    slots = _slots(model)
    assert t.n >= 3
    t.caseload[0] = slots[0]
    rows = np.arange(slots[1:].sum())
    got = intake.request_workers(model, rows, np.zeros(rows.size, int), np.zeros(rows.size, int))
    assert 0 not in got
    assert np.all(got >= 0)  # enough free slots with the others
    np.testing.assert_array_equal(t.caseload, slots)


def test_no_worker_with_free_slot_means_no_case():
    model = integrated(caseload_cap=3)
    t = model.team
    t.caseload[:] = _slots(model)
    rows = np.arange(10)
    got = intake.request_workers(model, rows, np.zeros(10, int), np.zeros(10, int))
    assert np.all(got == -1)
    np.testing.assert_array_equal(t.caseload, _slots(model))


def test_requests_beyond_free_slots_get_minus_one_and_caps_hold():
    model = integrated(caseload_cap=2)
    t = model.team
    free = int(_slots(model).sum())
    rows = np.arange(free + 7)
    prio = np.arange(rows.size)  # later rows more urgent
    got = intake.request_workers(model, rows, np.zeros(rows.size, int), prio)
    assert (got >= 0).sum() == free
    assert np.all(got[rows.size - free :] >= 0)  # the most urgent got the slots
    assert np.all(got[:7] == -1)
    np.testing.assert_array_equal(t.caseload, _slots(model))


def test_worker_on_leave_or_vacant_takes_no_case():
    model = integrated(caseload_cap=50)
    t = model.team
    t.leave_until[0] = model.week + 5
    t.filled[1] = False
    rows = np.arange(40)
    got = intake.request_workers(model, rows, np.zeros(40, int), np.zeros(40, int))
    assert 0 not in got and 1 not in got
    assert np.all(got >= 0)
    assert t.caseload[0] == t.caseload[1] == 0
    assert t.caseload.sum() == 40


def test_slots_follow_the_fte_of_a_position():
    """A half-time position holds half the cases of a full-time one."""
    model = integrated(caseload_cap=20)
    t = model.team
    t.fte[:] = 1.0
    t.fte[0] = 0.5
    rows = np.arange(20 * t.n)
    got = intake.request_workers(model, rows, np.zeros(rows.size, int), np.zeros(rows.size, int))
    assert t.caseload[0] == 10
    np.testing.assert_array_equal(t.caseload[1:], 20)
    assert (got == -1).sum() == 10


def test_siloed_requests_go_to_workers_of_the_domain():
    model = make(3000, team_structure="siloed", fte_per_1000=2.0, caseload_cap=50)
    clear_needs(model)
    t = model.team
    rows = np.arange(50)
    domain = np.arange(50) % N_DOMAINS
    got = intake.request_workers(model, rows, domain, np.zeros(50, int))
    assert np.all(got >= 0)
    assert np.all(t.covers[got, domain])


def _queue(model, rows, since=0):
    model.hh.status[rows] = WAITING
    model.hh.status_since[rows] = since


def test_intake_admits_by_priority_within_the_budget():
    model = integrated(caseload_cap=2)
    hh = model.hh
    budget = intake.budget_per_wijk(model)[0]
    fits = int(budget // model.cfg.team.intake_hours)
    queued = np.arange(3 * fits)
    _queue(model, queued)
    hh.need[queued, INCOME] = MILD
    urgent = queued[-fits // 2:]
    hh.need[urgent, INCOME] = SEVERE
    intake.step(model)
    admitted = hh.status == IN_SUPPORT
    assert admitted.sum() == fits  # as many intakes as the budget allows (one domain each)
    assert np.all(admitted[urgent])  # severe first
    assert model.record.admissions == fits
    assert model.record.intake_hours[0] == pytest.approx(fits * model.cfg.team.intake_hours)
    assert np.all(hh.support[admitted, INCOME] != NO_SUPPORT)
    assert np.all(hh.status[~admitted & (hh.need[:, INCOME] > 0)] == WAITING)


def test_intake_needs_no_free_case_slot_and_light_support_waits_for_one():
    model = integrated(caseload_cap=5, sociale_basis_budget=0.0)
    hh, t = model.hh, model.team
    t.caseload[:] = _slots(model)  # every caseload full
    _queue(model, np.arange(20))
    hh.need[:10, DEBT] = SEVERE  # maatwerk
    hh.need[10:20, DEBT] = MILD  # light support
    model.week = 3
    intake.step(model)
    assert np.all(hh.status[:20] == IN_SUPPORT)  # all admitted with all caseloads full
    assert np.all(hh.support[:10, DEBT] == MAATWERK)
    assert np.all(hh.support[10:20, DEBT] == LIGHT)
    assert np.all(hh.case_worker[:20, DEBT] == -1)
    assert np.all(hh.handoff_ready[10:20, DEBT] == 3)  # light support waits for a worker
    assert np.all(hh.handoff_ready[:10, DEBT] == -1)
    np.testing.assert_array_equal(t.caseload, _slots(model))
    # a slot frees up: the light support of the most urgent gets it
    t.caseload[0] -= 1
    hh.need[15, DEBT] = MODERATE
    model.week = 4
    intake.assign_workers(model)
    assert hh.case_worker[15, DEBT] == 0
    assert hh.handoff_ready[15, DEBT] == -1
    assert (hh.case_worker[10:20, DEBT] >= 0).sum() == 1


def test_over_term_intakes_are_counted():
    model = integrated(caseload_cap=50)
    hh = model.hh
    term = model.cfg.policy.research_weeks
    model.week = 30
    _queue(model, [0, 1, 2])
    hh.status_since[:3] = [30 - term, 30 - term - 1, 30 - 3 * term]
    hh.need[:3, SOCIAL] = MODERATE
    intake.admit(model, np.arange(3))
    assert model.record.admissions == 3
    assert model.record.over_term == 2
    assert model.record.wait_weeks_sum == term + (term + 1) + 3 * term


def test_follow_up_of_mild_households_accepts_help_or_gives_brief_advice():
    model = integrated()
    hh = model.hh
    rows = np.arange(1000)
    hh.status[rows] = SIGNALLED
    hh.need[rows, SOCIAL] = MILD
    hh.help_seeking[rows] = 1.0  # always reached
    hh.episode_start[rows] = 0
    model.week = 2
    intake.follow_up(model, rows)
    accepted = hh.status[rows] == WAITING
    advised = hh.status[rows] == CLOSED
    assert np.all(accepted | advised)
    assert accepted.mean() == pytest.approx(model.cfg.signalling.help_acceptance, abs=0.05)
    assert model.record.brief_advice == advised.sum()
    assert np.all(hh.need[rows[accepted], SOCIAL] == MILD)  # they wait for an intake
    settled = (hh.need[rows[advised], SOCIAL] == 0).mean()
    assert settled == pytest.approx(model.cfg.team.brief_advice_success, abs=0.06)
    assert np.all(hh.first_contact[rows[accepted]] == 2)
    assert model.record.first_contacts == rows.size


def test_follow_up_queues_every_reached_household_with_a_moderate_need():
    model = integrated()
    model.cfg.signalling.help_acceptance = 0.0
    hh = model.hh
    rows = np.arange(200)
    hh.status[rows] = SIGNALLED
    hh.need[rows, SOCIAL] = MILD
    hh.need[:100, DEBT] = MODERATE
    hh.help_seeking[rows] = 1.0
    intake.follow_up(model, rows)
    assert np.all(hh.status[:100] == WAITING)
    assert np.all(hh.status[100:200] == CLOSED)  # mild only, and no one accepts


def test_siloed_intake_assesses_the_worst_domain_and_notices_others_at_siloed_notice():
    model = make(2000, team_structure="siloed", fte_per_1000=2.0, caseload_cap=50)
    clear_needs(model)
    hh = model.hh
    model.week = 10
    rows = np.arange(1000)
    hh.need[rows, CARE] = SEVERE
    hh.need[rows, DEBT] = MODERATE
    _queue(model, rows, since=8)
    intake.admit(model, rows)
    assert np.all(hh.status[rows] == IN_SUPPORT)
    assert np.all(hh.support[rows, CARE] != NO_SUPPORT)  # the worst domain gets its plan
    assert np.all(hh.support[rows, DEBT] == NO_SUPPORT)
    noticed = hh.handoff_ready[rows, DEBT] >= 0
    assert noticed.mean() == pytest.approx(model.cfg.team.siloed_notice, abs=0.05)
    assert np.all(hh.handoff_ready[rows[noticed], DEBT] == 10 + model.cfg.team.handoff_weeks)
    assert model.record.referrals == noticed.sum()


def test_siloed_referral_waits_handoff_weeks_then_costs_a_full_intake():
    model = make(2000, team_structure="siloed", fte_per_1000=2.0, caseload_cap=50,
                 sociale_basis_budget=0.0)
    clear_needs(model)
    model.cfg.team.siloed_notice = 1.0
    hh, cfg = model.hh, model.cfg.team
    model.week = 10
    hh.need[0, [CARE, DEBT]] = [SEVERE, MODERATE]
    _queue(model, [0], since=9)
    intake.step(model)
    assert model.record.intake_hours[0] == pytest.approx(cfg.intake_hours)
    ready = 10 + cfg.handoff_weeks
    assert hh.handoff_ready[0, DEBT] == ready
    for week in range(11, ready):
        model.week = week
        model.begin_week()
        intake.step(model)
        assert model.record.intake_hours[0] == 0  # not yet
        assert hh.support[0, DEBT] == NO_SUPPORT
    model.week = ready
    model.begin_week()
    intake.step(model)
    assert model.record.intake_hours[0] == pytest.approx(cfg.intake_hours)  # another intake
    assert hh.support[0, DEBT] == MAATWERK
    assert hh.handoff_ready[0, DEBT] == -1


def test_integrated_intake_plans_every_domain_at_once_at_extra_hours_per_domain():
    model = integrated(caseload_cap=50, sociale_basis_budget=0.0, maatwerk_stage=3)
    hh, cfg = model.hh, model.cfg.team
    hh.need[0, [CARE, DEBT, INCOME]] = [SEVERE, MILD, MILD]
    hh.need[1, SOCIAL] = MILD
    _queue(model, [0, 1])
    intake.step(model)
    assert hh.support[0, CARE] == MAATWERK
    assert np.all(hh.support[0, [DEBT, INCOME]] == LIGHT)
    workers = hh.case_worker[0, [DEBT, INCOME]]
    assert workers[0] >= 0 and workers[0] == workers[1]  # one worker, one plan
    assert model.record.referrals == 0
    two_extra = cfg.intake_hours + 2 * cfg.extra_domain_intake_hours
    assert model.record.intake_hours[0] == pytest.approx(two_extra + cfg.intake_hours)
    assert model.team.caseload.sum() == 2


def test_integrated_referral_costs_extra_domain_hours():
    model = integrated(caseload_cap=50)
    hh, cfg = model.hh, model.cfg.team
    model.week = 5
    support(model, [0], CARE, LIGHT, MILD, worker=0)
    hh.need[0, DEBT] = MODERATE
    hh.handoff_ready[0, DEBT] = 5  # the household asked about it (signals)
    intake.step(model)
    assert model.record.intake_hours[0] == pytest.approx(cfg.extra_domain_intake_hours)
    assert hh.support[0, DEBT] != NO_SUPPORT
    assert hh.handoff_ready[0, DEBT] != 5


def test_cumsum_within_restarts_per_group():
    out = intake.cumsum_within(np.array([0, 0, 1, 1, 1, 3]), np.array([1.0, 2, 3, 4, 5, 6]))
    np.testing.assert_array_equal(out, [1, 3, 3, 7, 12, 6])




def test_a_need_solved_by_brief_advice_forgets_its_stage_two_week_and_escalation():
    model = integrated()
    model.cfg.signalling.help_acceptance = 0.0
    model.cfg.team.brief_advice_success = 1.0
    hh = model.hh
    rows = np.arange(50)
    hh.status[rows] = SIGNALLED
    hh.need[rows, DEBT] = MILD  # back at stage 1 after an escalation
    hh.need_since[rows, DEBT] = 0
    hh.stage2_week[rows, DEBT] = 3
    hh.escalated[rows, DEBT] = True
    hh.help_seeking[rows] = 1.0
    intake.follow_up(model, rows)
    assert np.all(hh.need[rows, DEBT] == 0)
    assert np.all(hh.stage2_week[rows, DEBT] == -1)
    assert not hh.escalated[rows, DEBT].any()
