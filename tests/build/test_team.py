"""The wijkteams: positions, coverage, case slots."""

import numpy as np
import pytest
from helpers import caseloads, make

from wijksim.build import team
from wijksim.codes import N_DOMAINS
from wijksim.config import Config

#: The default shares of positions per domain in a siloed team.
WEIGHTS = np.asarray(Config().team.domain_weights.as_list())


def test_allocate_slots_priority_order():
    got = team.allocate_slots(
        req_group=np.array([0, 0, 0, 0]),
        req_priority=np.array([1, 50, 10, 30]),
        slot_group=np.array([0]),
        free=np.array([2]),
        n_groups=1,
    )
    np.testing.assert_array_equal(got, [-1, 0, -1, 0])


def test_allocate_slots_round_robin_spread():
    got = team.allocate_slots(
        req_group=np.zeros(6, dtype=np.int64),
        req_priority=np.array([60, 50, 40, 30, 20, 10]),
        slot_group=np.zeros(3, dtype=np.int64),
        free=np.array([5, 5, 5]),
        n_groups=1,
    )
    np.testing.assert_array_equal(got, [0, 1, 2, 0, 1, 2])


def test_allocate_slots_uneven_free_and_minus_one_when_no_slots():
    got = team.allocate_slots(
        req_group=np.zeros(5, dtype=np.int64),
        req_priority=np.array([5, 4, 3, 2, 1]),
        slot_group=np.zeros(3, dtype=np.int64),
        free=np.array([1, 0, 2]),
        n_groups=1,
    )
    np.testing.assert_array_equal(got, [0, 2, 2, -1, -1])
    none = team.allocate_slots(
        np.zeros(3, np.int64), np.zeros(3, np.int64), np.zeros(2, np.int64), np.zeros(2, int), 1
    )
    np.testing.assert_array_equal(none, [-1, -1, -1])
    negative = team.allocate_slots(
        np.zeros(2, np.int64), np.zeros(2, np.int64), np.zeros(1, np.int64), np.array([-3]), 1
    )
    np.testing.assert_array_equal(negative, [-1, -1])


def test_allocate_slots_keeps_groups_apart():
    got = team.allocate_slots(
        req_group=np.array([1, 0, 1, 0, 1]),
        req_priority=np.array([3, 2, 2, 1, 1]),
        slot_group=np.array([0, 1, 1]),
        free=np.array([1, 1, 0]),
        n_groups=2,
    )
    np.testing.assert_array_equal(got, [1, 0, -1, -1, -1])
    empty = team.allocate_slots(
        np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(2, np.int64), np.ones(2, int), 1
    )
    assert empty.size == 0


def test_domain_coverage_integrated_covers_everything():
    cov = team.domain_coverage(4, "integrated", WEIGHTS)
    assert cov.shape == (4, N_DOMAINS)
    assert cov.all()


@pytest.mark.parametrize("positions", [1, 2, 3, 4])
def test_domain_coverage_small_siloed_team_covers_every_domain(positions):
    cov = team.domain_coverage(positions, "siloed", WEIGHTS)
    assert cov.shape == (positions, N_DOMAINS)
    np.testing.assert_array_equal(cov.sum(axis=0), 1)  # each domain exactly one worker
    assert np.all(cov.sum(axis=1) >= 1)


@pytest.mark.parametrize("positions", [5, 6, 9, 13, 40])
def test_domain_coverage_siloed_one_domain_per_worker(positions):
    cov = team.domain_coverage(positions, "siloed", WEIGHTS)
    np.testing.assert_array_equal(cov.sum(axis=1), 1)
    per_domain = cov.sum(axis=0)
    assert np.all(per_domain >= 1)
    assert per_domain.sum() == positions
    # shares follow the domain weights within one position
    extra = positions - N_DOMAINS
    assert np.all(np.abs((per_domain - 1) - WEIGHTS * extra) < 1.0)


def test_positions_per_wijk_at_least_one():
    np.testing.assert_array_equal(
        team.positions_per_wijk(0.5, np.array([10.0, 4000.0, 10000.0])), [1, 2, 5]
    )


def test_caseloads_count_distinct_households_per_worker():
    cw = np.array([[0, 0, -1, 1, -1], [2, -1, -1, -1, -1], [-1] * 5, [0, 1, 1, 1, 2]])
    np.testing.assert_array_equal(caseloads(cw, 4), [2, 2, 2, 0])
    np.testing.assert_array_equal(caseloads(np.zeros((0, 5), int), 3), [0, 0, 0])


def test_team_is_built_for_the_structure():
    for structure, skill in (("integrated", None), ("siloed", 1.0)):
        model = make(3000, team_structure=structure, fte_per_1000=1.0, wijken=2)
        t = model.team
        per_wijk = np.bincount(t.wijk, minlength=2)
        expected = team.positions_per_wijk(1.0, model.inhabitants_per_wijk)
        np.testing.assert_array_equal(per_wijk, expected)
        if structure == "integrated":
            assert t.covers.all()
            np.testing.assert_allclose(t.skill, model.cfg.team.broad_skill)
        else:
            np.testing.assert_allclose(t.skill, skill)
            for w in range(2):
                cov = t.covers[t.wijk == w]
                np.testing.assert_array_equal(cov.sum(axis=0), 1)  # each domain one worker
                expected_cov = team.domain_coverage(len(cov), "siloed", WEIGHTS)
                np.testing.assert_array_equal(cov, expected_cov)


