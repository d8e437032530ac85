"""Submodel 1, life events (onsets and moves), on constructed cases."""

import numpy as np
import pytest
from helpers import clear_needs, make

from wijksim.build.population import newcomer_traits, renew_households
from wijksim.codes import (
    CARE,
    DEBT,
    FAMILY,
    IN_SUPPORT,
    INCOME,
    MAATWERK,
    MILD,
    MODERATE,
    N_DOMAINS,
    NO_SUPPORT,
    SEVERE,
    SINGLE_ELDERLY,
    SOCIAL,
    UNKNOWN,
    YOUTH,
)
from wijksim.submodels import life_events


def test_coupling_raises_onset_in_other_domains():
    """A household with a debt need gets care needs more often (debt -> stress -> care)."""
    model = make(2000)
    clear_needs(model)
    hh = model.hh
    hh.htype[:] = SINGLE_ELDERLY
    indebted, free = np.arange(1000), np.arange(1000, 2000)
    new_care = np.zeros(2)
    for _ in range(300):
        hh.need[:] = 0
        hh.need[indebted, DEBT] = SEVERE
        life_events.new_needs(model)
        new_care += [(hh.need[indebted, CARE] > 0).sum(), (hh.need[free, CARE] > 0).sum()]
    coupling = model.cfg.needs.coupling["debt"].care
    assert coupling > 0
    expected_ratio = 1.0 + coupling * SEVERE
    assert new_care[1] > 500
    assert new_care[0] / new_care[1] == pytest.approx(expected_ratio, rel=0.15)


def test_carer_overload_raises_care_and_social_onset():
    model = make(2000)
    clear_needs(model)
    hh = model.hh
    hh.htype[:] = SINGLE_ELDERLY
    over, fine = np.arange(1000), np.arange(1000, 2000)
    hh.strain[over] = 2.0 * model.cfg.informal.overload_threshold + 1.0
    counts = np.zeros((2, N_DOMAINS))
    for _ in range(200):
        hh.need[:] = 0
        life_events.new_needs(model)
        counts += [(hh.need[over] > 0).sum(axis=0), (hh.need[fine] > 0).sum(axis=0)]
    for d in (CARE, SOCIAL):
        assert counts[0, d] > 1.8 * counts[1, d]
    # other domains are not affected by strain (allow noise)
    assert counts[0, INCOME] < 1.6 * max(counts[1, INCOME], 1) + 10


def test_new_needs_start_mild_or_moderate_and_only_where_free():
    model = make(3000)
    clear_needs(model)
    hh = model.hh
    hh.need[:1000, CARE] = SEVERE
    life_events.new_needs(model)
    fresh = hh.need_since == model.week
    assert fresh.sum() > 0
    assert set(np.unique(hh.need[fresh])) <= {MILD, MODERATE}
    assert np.all(hh.need[:1000, CARE] == SEVERE)  # an existing need is not replaced
    assert model.record.new_needs == fresh.sum()
    started = fresh.any(axis=1)
    assert np.all(hh.episode_start[started] == model.week)


def test_onset_follows_household_type():
    """Youth needs arise only in families (onset 0 for other types)."""
    model = make(4000)
    clear_needs(model)
    hh = model.hh
    youth = np.zeros(4)
    for _ in range(100):
        hh.need[:] = 0
        life_events.new_needs(model)
        youth += np.bincount(hh.htype[hh.need[:, YOUTH] > 0], minlength=4)
    assert youth[FAMILY] > 0
    assert youth[:FAMILY].sum() == 0


def test_moves_conserve_households_and_clear_movers():
    model = make(2000)
    hh = model.hh
    hh.need[:] = MODERATE
    hh.status[:] = IN_SUPPORT
    n, htype, wijk = hh.n, hh.htype.copy(), hh.wijk.copy()
    for _ in range(10):
        life_events.moves(model)
    assert hh.n == n
    np.testing.assert_array_equal(hh.htype, htype)  # newcomers of the same type
    np.testing.assert_array_equal(hh.wijk, wijk)
    moved = (hh.need == 0).all(axis=1)
    assert model.record.moves > 0
    assert moved.sum() > 0
    assert np.all(hh.status[moved] == UNKNOWN)
    assert np.all(hh.case_worker[moved] == -1)


def test_renew_households_clears_all_state():
    model = make(50)
    hh = model.hh
    rows = np.array([3, 7])
    hh.need[rows] = SEVERE
    hh.support[rows] = MAATWERK
    hh.case_worker[rows] = 0
    hh.provision_until[rows] = 99
    hh.status[rows] = IN_SUPPORT
    hh.strain[rows] = 3.0
    traits = newcomer_traits(hh, rows, model.cfg, np.random.default_rng(0))
    renew_households(hh, rows, *traits, week=5)
    assert np.allclose(hh.self_reliance[rows], traits[0])
    assert np.all(hh.need[rows] == 0)
    assert np.all(hh.support[rows] == NO_SUPPORT)
    assert np.all(hh.case_worker[rows] == -1)
    assert np.all(hh.provision_until[rows] == -1)
    assert np.all(hh.status[rows] == UNKNOWN)
    assert np.all(hh.status_since[rows] == 5)
    assert np.all(hh.strain[rows] == 0)


