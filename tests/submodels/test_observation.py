"""Submodel 8b, observation: measures from the week record and the counts over a year."""

import numpy as np
import pytest
from helpers import clear_needs, grant, make, support

from wijksim.codes import CARE, DEBT, END_DEATH, END_REVIEW, HUISHOUDELIJKE_HULP, LIGHT, MODERATE
from wijksim.state import WeekRecord
from wijksim.submodels import costs, life_events, observation


def _week(leavers=0, worker_weeks=10, wmo_clients=0, endings=None, left_wmo=(), wijken=1):
    """A week record of a municipality whose wijken each had this week."""
    r = WeekRecord(wijken)
    r.leavers[:], r.worker_weeks[:] = leavers, worker_weeks
    r.clients[:, costs.CLIENT_WMO] = wmo_clients
    if endings is not None:
        r.wmo_endings[:] = endings
    r.left_wmo_last_week = np.asarray(left_wmo, np.int32)
    r.left_youth_last_week = np.full(len(left_wmo), -10_000, np.int32)
    r.left_wijk = np.zeros(len(left_wmo), np.int16)
    return r


def test_turnover_counts_leavers_over_the_last_52_weeks():
    ledger = observation.Ledger()
    for week in range(52):
        ledger.add(_week(leavers=1), week)
    assert ledger.turnover() == pytest.approx(52 / 10)
    for week in range(52, 60):  # eight quiet weeks push eight leavers out of the year
        ledger.add(_week(leavers=0), week)
    assert ledger.turnover() == pytest.approx(44 / 10)


def test_turnover_of_a_short_run_is_per_year():
    ledger = observation.Ledger()
    for week in range(13):
        ledger.add(_week(leavers=1 if week == 0 else 0), week)
    assert ledger.turnover() == pytest.approx(52 / 13 / 10)


def test_ledger_keeps_each_wijk_apart():
    ledger = observation.Ledger(3)
    for week in range(10):
        record = _week(worker_weeks=10, wijken=3)
        record.leavers[2] = 1  # only the third wijk loses workers
        ledger.add(record, week)
    np.testing.assert_array_equal(ledger.total("leavers"), [0, 0, 10])
    np.testing.assert_array_equal(ledger.total("worker_weeks"), [100, 100, 100])
    assert ledger.turnover() == pytest.approx(10 * 52 / 300)  # the municipality: sums


def test_wmo_ending_rate_is_endings_per_client_per_year():
    ledger = observation.Ledger()
    endings = np.zeros(5, np.int64)
    endings[END_DEATH], endings[END_REVIEW] = 1, 2
    for week in range(26):
        ledger.add(_week(wmo_clients=100, endings=endings if week % 2 else None), week)
    assert ledger.total("wmo_endings")[0, END_DEATH] == 13
    assert ledger.wmo_ending_rate() == pytest.approx(39 * 2 / 100)


def test_leavers_last_wmo_weeks_are_kept_for_a_year():
    ledger = observation.Ledger()
    ledger.add(_week(left_wmo=[-60, 0, 3]), 3)  # one left long ago
    assert ledger.left[:, 1].tolist() == [0, 3]
    assert ledger.left_in_year(3)[0].tolist() == [2]
    ledger.add(_week(), 52)
    assert ledger.left[:, 1].tolist() == [3]  # week 0 is more than a year ago


def test_wmo_clients_over_a_year_count_those_who_left_since():
    """CBS counts persons over a year: a client who died this year still counts."""
    model = make(1000)
    clear_needs(model)
    model.week = 60
    grant(model, np.arange(10), CARE, HUISHOUDELIJKE_HULP, MODERATE)
    model.hh.wmo_last_week[10:15] = 20  # clients earlier this year, not now
    model.hh.wmo_last_week[15:20] = 5  # more than a year ago
    costs.step(model)
    per_1000 = 1000 / model.inhabitants
    kpis = observation.kpis(model)
    assert kpis["wmo_per_1000"] == pytest.approx(10 * per_1000)
    assert kpis["wmo_clients_year_per_1000"] == pytest.approx(15 * per_1000)
    # three clients die (as departures note them): they still count in the year
    model.week = 61
    model.begin_week()
    gone = np.arange(3)
    life_events.record_leavers(model, gone, np.zeros(3, np.int64))
    model.hh.renew(gone, 61)
    costs.step(model)
    kpis = observation.kpis(model)
    assert kpis["wmo_per_1000"] == pytest.approx(7 * per_1000)
    assert kpis["wmo_clients_year_per_1000"] == pytest.approx(15 * per_1000)
    assert model.record.total("wmo_endings")[END_DEATH] == 3


def test_time_to_support_counts_once_when_every_need_has_support():
    model = make(100)
    clear_needs(model)
    hh = model.hh
    model.week = 12
    hh.first_contact[:3] = [4, 6, 8]
    hh.need[:3, [CARE, DEBT]] = MODERATE
    support(model, [0, 1], CARE, LIGHT, MODERATE)
    support(model, [0], DEBT, LIGHT, MODERATE)  # 0: every need; 1: debt still unsupported
    observation.note_support_for_every_need(model)
    assert (model.record.supported_all, model.record.support_weeks_sum) == (1, 12 - 4)
    observation.note_support_for_every_need(model)  # counted once
    assert model.record.supported_all == 1
    support(model, [1], DEBT, LIGHT, MODERATE)
    observation.note_support_for_every_need(model)
    assert (model.record.supported_all, model.record.support_weeks_sum) == (2, 8 + 6)
    assert not hh.fully_supported[2]
