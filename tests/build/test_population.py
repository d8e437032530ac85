"""Initialisation of households and the initial state."""

import numpy as np
import pytest
from helpers import clear_needs, make

from wijksim.build.population import (
    AGE_STEP,
    newcomer_traits,
    renew_households,
    stationary_elderly_ages,
    wijk_sizes,
)
from wijksim.codes import (
    CARE,
    CLOSED,
    DEBT,
    FAMILY,
    INCOME,
    MAATWERK,
    MILD,
    MODERATE,
    NO_SUPPORT,
    SEVERE,
    SINGLE_ELDERLY,
    UNKNOWN,
    WLZ,
)
from wijksim.submodels import life_events


def test_wijk_sizes_add_up():
    rng = np.random.default_rng(3)
    for households, wijken in ((10, 1), (100, 3), (1001, 7)):
        sizes = wijk_sizes(households, wijken, rng)
        assert sizes.sum() == households
        assert sizes.size == wijken
        assert np.all(sizes > 0)


def test_households_are_sorted_by_wijk_and_consistent():
    model = make(900, wijken=3)
    hh = model.hh
    assert np.all(np.diff(hh.wijk) >= 0)
    assert set(np.unique(hh.wijk)) == {0, 1, 2}
    assert np.all(hh.members >= 1)
    assert np.all(hh.children[hh.htype != FAMILY] == 0)
    assert np.all(hh.children[hh.htype == FAMILY] >= 1)
    assert np.all((hh.self_reliance > 0) & (hh.self_reliance < 1))
    assert model.inhabitants == hh.members.sum()


def test_initial_needs_have_onset_weeks_before_the_start():
    model = make(5000)
    hh = model.hh
    has_need = hh.need > 0
    assert has_need.any()
    # a need present at the start began before week 0, and never at the -1 "none" sentinel
    np.testing.assert_array_equal(has_need, hh.need_since != -1)
    assert np.all(hh.need_since[has_need] < -1)
    needy = has_need.any(axis=1)
    assert np.all(hh.episode_start[needy] < -1)
    np.testing.assert_array_equal(
        hh.episode_start[needy], np.where(has_need, hh.need_since, 0).min(axis=1)[needy]
    )
    assert np.all(hh.episode_start[~needy] == -1)


def test_initial_provisions_are_consistent():
    model = make(5000)
    hh, stage = model.hh, model.cfg.policy.maatwerk_stage
    maatwerk = hh.support == MAATWERK
    wlz = hh.support == WLZ
    assert maatwerk.any() and wlz.any()
    assert np.all(hh.need[maatwerk] >= stage)
    assert np.all(hh.provision_until[maatwerk] > 0)
    assert not wlz[:, 1:].any()
    assert np.all(hh.elderly[wlz[:, CARE]] > 0)
    assert np.all(hh.need[wlz[:, CARE], CARE] >= SEVERE)
    known = (hh.support != NO_SUPPORT).any(axis=1)
    assert np.all(hh.status[known] == CLOSED)
    assert np.all(hh.status[~known] == UNKNOWN)
    assert np.all(hh.case_worker == -1)


def test_new_need_keeps_an_episode_begun_before_the_start():
    model = make(3000)
    clear_needs(model)
    hh = model.hh
    hh.htype[:] = SINGLE_ELDERLY
    old = np.arange(1500)
    hh.need[old, INCOME] = MILD
    hh.need_since[old, INCOME] = -30
    hh.episode_start[old] = -30
    model.week = 5
    for _ in range(50):
        life_events.new_needs(model)
    got_new = (hh.need_since == 5).any(axis=1)
    assert got_new[old].any() and got_new[1500:].any()
    assert np.all(hh.episode_start[old] == -30)  # the episode goes on
    assert np.all(hh.episode_start[1500:][got_new[1500:]] == 5)  # a new episode starts


def test_first_contact_counts_episodes_begun_before_the_start():
    model = make(50)
    clear_needs(model)
    hh = model.hh
    hh.need[0:2, DEBT] = MODERATE
    hh.need[2, DEBT] = MILD
    hh.episode_start[:3] = [-30, 4, 8]
    hh.stage2_episode[:3] = [-2, 6, -1]  # stage 2 before the start; in week 6; not yet
    model.week = 10
    hh.record_first_contact(np.array([0, 1, 2]), model.week, model.record)
    r = model.record
    assert r.first_contacts == 3  # an episode begun before week 0 counts too
    assert r.early_contacts == 1  # only household 2's worst need is mild
    assert r.contacted == 1  # only household 1 waited since stage 2 in the run
    assert r.contact_weeks_sum == 10 - 6
    assert np.all(hh.first_contact[:3] == 10)
    assert hh.stage2_episode[1] == -2  # counted: not again
    hh.record_first_contact(np.array([0, 1]), model.week + 3, model.record)  # not a first contact
    assert (r.first_contacts, r.contacted) == (3, 1)
    assert np.all(hh.first_contact[:2] == 10)


def test_household_without_episode_is_not_counted_at_first_contact():
    model = make(50)
    clear_needs(model)
    hh = model.hh
    hh.record_first_contact(np.array([5]), 3, model.record)
    assert model.record.first_contacts == 0
    assert hh.first_contact[5] == 3


def test_elderly_start_at_65_or_older_and_adults_are_younger():
    model = make(5000)
    hh = model.hh
    age = (model.week - hh.birth_week) / 52.0
    old = hh.elderly > 0
    assert old.sum() > 500
    assert age[old].min() >= 65.0 - 1 / 52
    assert age[~old].max() < 65.0
    # drawn from the stationary distribution of the flows (entry at 65+, Gompertz deaths)
    single = old & (hh.htype == SINGLE_ELDERLY)
    ages, prob = stationary_elderly_ages(model.cfg.population, couple=False)
    assert age[single].mean() == pytest.approx((ages * prob).sum() + AGE_STEP / 2, abs=0.6)


def test_newcomers_of_elderly_types_are_65_or_older():
    model = make(2000)
    hh, pop = model.hh, model.cfg.population
    rows = np.arange(hh.n)
    sr, hs, age = newcomer_traits(hh, rows, model.cfg, np.random.default_rng(4))
    assert age.min() >= 65.0
    assert age.mean() == pytest.approx(65.0 + pop.elderly_entry_age, abs=0.5)
    renew_households(hh, rows, sr, hs, age, week=40)
    np.testing.assert_allclose((40 - hh.birth_week) / 52.0, age, atol=0.5 / 52)
    np.testing.assert_array_equal(hh.status_since, 40)
