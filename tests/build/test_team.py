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
    cfg = Config().team.model_copy(update={"fte_per_1000": 0.5})
    count, fte = team.positions_per_wijk(cfg, np.array([10.0, 4000.0, 10000.0]))
    # 0.005, 2 and 5 FTE in positions of about 0.8 FTE
    np.testing.assert_array_equal(count, [1, 2, 6])
    np.testing.assert_allclose(fte, [0.005, 1.0, 5.0 / 6.0])


@pytest.mark.parametrize("fte_per_1000", [0.3, 0.45, 0.5, 0.55, 1.0, 2.7])
def test_positions_of_about_position_fte_with_equal_fte_sum_to_the_wijk_fte(fte_per_1000):
    cfg = Config().team.model_copy(update={"fte_per_1000": fte_per_1000})
    inhabitants = np.array([800.0, 4321.0, 6900.0, 12500.0])
    count, fte = team.positions_per_wijk(cfg, inhabitants)
    wijk_fte = fte_per_1000 * inhabitants / 1000.0
    np.testing.assert_allclose(count * fte, wijk_fte)  # every FTE realised, no more
    many = wijk_fte >= cfg.position_fte
    # the count is the nearest whole number of positions of position_fte
    assert np.all(np.abs(wijk_fte[many] / cfg.position_fte - count[many]) <= 0.5)
    assert np.all(count >= 1)


def test_built_team_has_equal_positions_summing_to_the_fte_per_1000():
    model = make(3000, fte_per_1000=0.55, wijken=2)
    t = model.team
    for w in range(2):
        mine = t.wijk == w
        assert np.ptp(t.fte[mine]) == 0  # positions of one wijk are of one size
        expected = 0.55 * model.inhabitants_per_wijk[w] / 1000.0
        assert t.fte[mine].sum() == pytest.approx(expected, rel=1e-5)


def test_slots_are_caseload_cap_per_fte_and_at_least_one():
    model = make(2000, fte_per_1000=2.0)
    t = model.team
    assert t.n >= 3
    t.fte[:] = [0.5, 1.0, 0.01] + [0.8] * (t.n - 3)
    slots = team.slots(t, 22)
    assert slots[:3].tolist() == [11, 22, 1]  # a tiny position still holds one case
    np.testing.assert_array_equal(slots[3:], round(22 * 0.8))


def test_caseloads_count_distinct_households_per_worker():
    cw = np.array([[0, 0, -1, 1, -1], [2, -1, -1, -1, -1], [-1] * 5, [0, 1, 1, 1, 2]])
    np.testing.assert_array_equal(caseloads(cw, 4), [2, 2, 2, 0])
    np.testing.assert_array_equal(caseloads(np.zeros((0, 5), int), 3), [0, 0, 0])


def test_team_is_built_for_the_structure():
    for structure, skill in (("integrated", None), ("siloed", 1.0)):
        model = make(3000, team_structure=structure, fte_per_1000=1.0, wijken=2)
        t = model.team
        per_wijk = np.bincount(t.wijk, minlength=2)
        expected, fte = team.positions_per_wijk(model.cfg.team, model.inhabitants_per_wijk)
        np.testing.assert_array_equal(per_wijk, expected)
        np.testing.assert_allclose(t.fte, fte[t.wijk], rtol=1e-6)
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


