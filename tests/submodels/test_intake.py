"""Submodel 5, intake and triage, on constructed cases."""

import numpy as np
import pytest
from helpers import clear_needs, integrated, make

from wijksim.codes import (
    CARE,
    CLOSED,
    DEBT,
    IN_SUPPORT,
    INCOME,
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


def test_worker_at_caseload_cap_takes_no_new_case():
    model = integrated(caseload_cap=3)
    t = model.team
    assert t.n >= 3
    t.caseload[0] = 3
    rows = np.arange(2 * t.n)
    got = intake.request_workers(
        model, rows, np.zeros(rows.size, int), np.zeros(rows.size, int), commit=True
    )
    assert 0 not in got
    assert np.all(got >= 0)  # enough free slots with the others
    assert np.all(t.caseload <= 3)


def test_no_worker_with_free_slot_means_no_case():
    model = integrated(caseload_cap=3)
    t = model.team
    t.caseload[:] = 3
    rows = np.arange(10)
    got = intake.request_workers(model, rows, np.zeros(10, int), np.zeros(10, int))
    assert np.all(got == -1)
    np.testing.assert_array_equal(t.caseload, 3)


def test_requests_beyond_free_slots_get_minus_one_and_caps_hold():
    model = integrated(caseload_cap=2)
    t = model.team
    free = 2 * t.n
    rows = np.arange(free + 7)
    prio = np.arange(rows.size)  # later rows more urgent
    got = intake.request_workers(model, rows, np.zeros(rows.size, int), prio)
    assert (got >= 0).sum() == free
    assert np.all(got[rows.size - free :] >= 0)  # the most urgent got the slots
    assert np.all(got[:7] == -1)
    np.testing.assert_array_equal(t.caseload, 2)


def test_worker_on_leave_or_vacant_takes_no_case():
    model = integrated(caseload_cap=50)
    t = model.team
    t.leave_until[0] = model.week + 5
    t.filled[1] = False
    rows = np.arange(40)
    got = intake.request_workers(model, rows, np.zeros(40, int), np.zeros(40, int), commit=False)
    assert 0 not in got and 1 not in got
    assert np.all(got >= 0)
    assert np.all(t.caseload == 0)  # without commit nothing is taken


def test_siloed_requests_go_to_workers_of_the_domain():
    model = make(3000, team_structure="siloed", fte_per_1000=2.0, caseload_cap=50)
    clear_needs(model)
    t = model.team
    rows = np.arange(50)
    domain = np.arange(50) % N_DOMAINS
    got = intake.request_workers(model, rows, domain, np.zeros(50, int))
    assert np.all(got >= 0)
    assert np.all(t.covers[got, domain])


def test_intake_admits_by_priority_within_caps():
    model = integrated(caseload_cap=2)
    hh, t = model.hh, model.team
    queued = np.arange(3 * t.n)
    hh.status[queued] = WAITING
    hh.status_since[queued] = 0
    hh.need[queued, INCOME] = MODERATE
    urgent = queued[: t.n]
    hh.need[urgent, INCOME] = SEVERE
    intake.step(model)
    admitted = hh.status == IN_SUPPORT
    assert admitted.sum() == 2 * t.n  # every free case slot, no more
    assert np.all(admitted[urgent])  # severe first
    assert np.all(t.caseload <= 2)
    assert np.all(hh.case_worker[admitted, INCOME] >= 0)
    assert np.all(hh.support[admitted, INCOME] != NO_SUPPORT)
    assert model.record.admissions == admitted.sum()


def test_follow_up_of_mild_household_gives_brief_advice_and_closes():
    model = integrated()
    hh = model.hh
    rows = np.arange(300)
    hh.status[rows] = SIGNALLED
    hh.need[rows, SOCIAL] = MILD
    hh.help_seeking[rows] = 1.0  # always reached
    hh.episode_start[rows] = 0
    intake.follow_up(model, rows)
    assert np.all(hh.status[rows] == CLOSED)
    settled = (hh.need[rows, SOCIAL] == 0).mean()
    assert settled == pytest.approx(model.cfg.team.brief_advice_success, abs=0.1)


def test_siloed_admission_refers_other_domains_after_handoff_weeks():
    model = make(2000, team_structure="siloed", fte_per_1000=2.0, caseload_cap=50)
    clear_needs(model)
    hh = model.hh
    model.week = 10
    hh.need[0, [CARE, DEBT, INCOME]] = [SEVERE, MODERATE, MODERATE]
    hh.status[0] = WAITING
    hh.status_since[0] = 8
    slot = intake.request_workers(model, np.array([0]), np.array([CARE]), np.array([30]), False)
    intake.admit(model, np.array([0]), slot)
    assert hh.status[0] == IN_SUPPORT
    assert hh.case_worker[0, CARE] == slot[0]
    assert hh.case_worker[0, DEBT] == -1
    ready = 10 + model.cfg.team.handoff_weeks
    assert hh.handoff_ready[0, DEBT] == ready
    assert hh.handoff_ready[0, INCOME] == ready


def test_integrated_admission_gives_all_domains_one_worker():
    model = integrated(caseload_cap=50)
    hh = model.hh
    hh.need[0, [CARE, DEBT, INCOME]] = [SEVERE, MODERATE, MODERATE]
    hh.status[0] = WAITING
    slot = intake.request_workers(model, np.array([0]), np.array([CARE]), np.array([30]), False)
    intake.admit(model, np.array([0]), slot)
    workers = hh.case_worker[0, [CARE, DEBT, INCOME]]
    assert np.all(workers == slot[0])
    assert model.team.caseload[slot[0]] == 1


def test_cumsum_within_restarts_per_group():
    out = intake.cumsum_within(np.array([0, 0, 1, 1, 1, 3]), np.array([1.0, 2, 3, 4, 5, 6]))
    np.testing.assert_array_equal(out, [1, 3, 3, 7, 12, 6])


