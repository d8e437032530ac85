"""Submodel 1, life events (onsets and moves), on constructed cases."""

import numpy as np
import pytest
from helpers import clear_needs, make

from wijksim.build.population import newcomer_traits, renew_households
from wijksim.codes import (
    CARE,
    COUPLE,
    CRISIS,
    DAGBESTEDING,
    DEBT,
    END_DEATH,
    END_MOVED,
    FAMILY,
    HULPMIDDEL,
    IN_SUPPORT,
    INCOME,
    LIGHT,
    MAATWERK,
    MILD,
    MODERATE,
    N_DOMAINS,
    NO_SUPPORT,
    SEVERE,
    SINGLE_ADULT,
    SINGLE_ELDERLY,
    SOCIAL,
    UNKNOWN,
    WLZ,
    WMO_ENDINGS,
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


def test_departures_conserve_households_and_newcomers_start_afresh():
    model = make(2000)
    hh = model.hh
    hh.need[:] = MODERATE
    hh.support[:, DEBT] = LIGHT
    hh.case_worker[:, DEBT] = 0
    hh.provision[:, CARE] = HULPMIDDEL
    hh.support[:, CARE] = MAATWERK
    hh.stage2_week[:] = 3
    hh.escalated[:] = True
    hh.status[:] = IN_SUPPORT
    hh.first_contact[:] = 2
    hh.wmo_last_week[:] = 5
    n, htype, wijk, members = hh.n, hh.htype.copy(), hh.wijk.copy(), hh.members.copy()
    left = np.zeros(n, dtype=bool)
    for week in range(40):
        model.week = week
        model.begin_week()
        renewed = _left(model)
        r = model.record
        assert r.deaths + r.wlz_deaths + r.moves == renewed.sum()
        left |= renewed
    assert hh.n == n
    np.testing.assert_array_equal(hh.htype, htype)  # newcomers of the same type
    np.testing.assert_array_equal(hh.wijk, wijk)
    np.testing.assert_array_equal(hh.members, members)
    assert left.sum() > 80
    fresh = hh.row(int(np.flatnonzero(left)[0]))
    assert fresh["need"] == [0] * N_DOMAINS and fresh["support"] == [NO_SUPPORT] * N_DOMAINS
    assert np.all(hh.status[left] == UNKNOWN)
    assert np.all(hh.case_worker[left] == -1)
    assert np.all(hh.provision[left] == 0)
    assert np.all(hh.stage2_week[left] == -1) and not hh.escalated[left].any()
    assert np.all(hh.first_contact[left] == -1)
    assert np.all(hh.wmo_last_week[left] < -1000)
    assert np.all(hh.need[~left] == MODERATE)  # stayers keep their state
    old = left & (hh.elderly > 0)
    assert old.sum() > 10
    assert np.all((model.week - hh.birth_week[old]) / 52 >= 65)  # elderly newcomers: 65+


def _left(model):
    """Call departures; which rows left (a newcomer's state is fresh: met share 1)."""
    model.hh.met_share[:] = 0.5
    life_events.departures(model)
    return model.hh.met_share == 1.0


def _elderly_at(model, rows, age, htype=SINGLE_ELDERLY):
    hh = model.hh
    hh.htype[rows] = htype
    hh.elderly[rows] = 2 if htype == COUPLE else 1
    hh.birth_week[rows] = model.week - round(age * 52)


def _departure_counts(model, groups, weeks, setup, reasons=None):
    """Departures per group of rows over ``weeks`` calls, the groups set up afresh each week.

    ``reasons``, if given, is an array that adds up the week records' deaths, Wlz deaths and
    moves.
    """
    left = np.zeros(len(groups))
    for _ in range(weeks):
        setup()
        model.begin_week()
        gone = _left(model)
        left += [gone[g].sum() for g in groups]
        if reasons is not None:
            r = model.record
            reasons += [r.deaths.sum(), r.wlz_deaths.sum(), r.moves.sum()]
    return left


def _no_moves(model):
    model.cfg.population.mobility_per_year = [0.0, 0.0, 0.0, 0.0]


def test_deaths_rise_with_age_as_gompertz():
    model = make(4000)
    clear_needs(model)
    _no_moves(model)
    young, old = np.arange(2000), np.arange(2000, 4000)

    def setup():
        _elderly_at(model, young, 70.0)
        _elderly_at(model, old, 90.0)

    reasons = np.zeros(3)
    deaths = _departure_counts(model, [young, old], 100, setup, reasons)
    np.testing.assert_array_equal(reasons, [deaths.sum(), 0, 0])  # counted in the week records
    pop = model.cfg.population
    expected = pop.death_per_year_at_65 * 2 ** (np.array([5.0, 25.0]) / pop.death_doubling_years)
    assert deaths[1] > 200
    np.testing.assert_allclose(deaths, 2000 * 100 * expected / 52, rtol=0.2)
    assert deaths[1] / deaths[0] == pytest.approx(2 ** (20 / pop.death_doubling_years), rel=0.3)


def test_deaths_rise_with_care_stage_and_couples_die_out_at_a_share():
    model = make(6000)
    clear_needs(model)
    _no_moves(model)
    well, frail, couples = np.arange(2000), np.arange(2000, 4000), np.arange(4000, 6000)

    def setup():
        _elderly_at(model, well, 85.0)
        _elderly_at(model, frail, 85.0)
        _elderly_at(model, couples, 85.0, htype=COUPLE)
        model.hh.need[:] = 0
        model.hh.need[frail, CARE] = SEVERE

    deaths = _departure_counts(model, [well, frail, couples], 100, setup)
    pop = model.cfg.population
    assert deaths[0] > 200
    assert deaths[1] / deaths[0] == pytest.approx(pop.death_care_multiplier[SEVERE], rel=0.15)
    assert deaths[2] / deaths[0] == pytest.approx(pop.couple_death_share, rel=0.2)
    assert model.record.moves == 0


def test_younger_households_do_not_die():
    model = make(3000)
    clear_needs(model)
    _no_moves(model)
    hh = model.hh
    hh.htype[:] = SINGLE_ADULT
    hh.elderly[:] = 0
    hh.birth_week[:] = model.week - 95 * 52  # age is only read for the elderly
    hh.need[:, CARE] = CRISIS
    for _ in range(30):
        life_events.departures(model)
    assert model.record.deaths == 0


def test_wlz_clients_die_at_the_wlz_exit_rate_whatever_their_age():
    model = make(4000)
    clear_needs(model)
    _no_moves(model)
    younger, older = np.arange(2000), np.arange(2000, 4000)

    def setup():
        _elderly_at(model, younger, 66.0)
        _elderly_at(model, older, 100.0)
        model.hh.support[:, CARE] = WLZ
        model.hh.need[:, CARE] = SEVERE

    weeks = 50
    reasons = np.zeros(3)
    left = _departure_counts(model, [younger, older], weeks, setup, reasons)
    rate = model.cfg.policy.wlz_exit_per_year / 52
    np.testing.assert_allclose(left, 2000 * weeks * rate, rtol=0.15)
    np.testing.assert_array_equal(reasons, [0, left.sum(), 0])  # all Wlz deaths


def test_moves_follow_each_household_types_mobility():
    model = make(12000)
    clear_needs(model)
    model.cfg.population.death_per_year_at_65 = 0.0
    hh = model.hh
    groups = [np.arange(k * 3000, (k + 1) * 3000) for k in range(4)]
    for ty, g in enumerate(groups):
        hh.htype[g] = ty
    weeks = 100
    reasons = np.zeros(3)
    moves = _departure_counts(model, groups, weeks, lambda: None, reasons)
    np.testing.assert_array_equal(reasons, [0, 0, moves.sum()])
    mobility = np.asarray(model.cfg.population.mobility_per_year)
    assert mobility[SINGLE_ADULT] > 3 * mobility[SINGLE_ELDERLY]
    np.testing.assert_allclose(moves, 3000 * weeks * mobility / 52, rtol=0.25)
    assert moves[SINGLE_ADULT] > 2.5 * moves[SINGLE_ELDERLY]


@pytest.mark.parametrize("reason", ["death", "move"])
def test_a_departed_wmo_clients_provision_ends_by_death_or_move(reason):
    """A leaver with a Wmo provision running ends it, counted by why it left."""
    model = make(6000)
    clear_needs(model)
    hh = model.hh
    model.week = 30
    if reason == "death":
        _no_moves(model)
        _elderly_at(model, np.arange(hh.n), 95.0)
    else:
        model.cfg.population.death_per_year_at_65 = 0.0
    clients, granted = np.arange(0, hh.n, 2), np.arange(1, hh.n, 2)
    endings = np.zeros(len(WMO_ENDINGS), np.int64)
    left = np.zeros(2)
    for _ in range(10):
        hh.support[:, SOCIAL] = MAATWERK
        hh.provision[:, SOCIAL] = DAGBESTEDING
        hh.support_since[clients, SOCIAL] = 10  # running: a Wmo client
        hh.support_since[granted, SOCIAL] = 31  # granted, not started yet: not yet a client
        hh.wmo_last_week[clients] = 29
        left += _departure_counts(model, [clients, granted], 1, lambda: None)
        endings += model.record.total("wmo_endings")
        last = model.record.left_wmo_last_week  # passed on for the counts over a year
        assert (last == 29).sum() == model.record.wmo_endings.sum()
    assert left.min() > 30
    ending = END_DEATH if reason == "death" else END_MOVED
    assert endings[ending] == left[0]  # every client who left, none of the others
    assert endings.sum() == left[0]


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




def _care_onsets(model, groups, weeks):
    """New care needs per group of rows over ``weeks`` calls of new_needs (needs reset each)."""
    hh = model.hh
    counts = np.zeros(len(groups))
    for _ in range(weeks):
        hh.need[:] = 0
        life_events.new_needs(model)
        counts += [(hh.need[g, CARE] > 0).sum() for g in groups]
    return counts


def test_care_onset_of_the_elderly_rises_with_age_up_to_the_cap():
    model = make(5000)
    clear_needs(model)
    ages = (65.0, 75.0, 85.0, 100.0, 110.0)
    groups = [np.arange(k * 1000, (k + 1) * 1000) for k in range(len(ages))]
    for g, age in zip(groups, ages, strict=True):
        _elderly_at(model, g, age)
    onsets = _care_onsets(model, groups, 200)
    needs = model.cfg.needs
    factor = np.minimum(np.exp(needs.care_onset_age_slope * (np.array(ages) - 75.0)),
                        needs.care_onset_age_cap)
    assert factor[3] == factor[4] == needs.care_onset_age_cap  # both capped
    expected = 1000 * 200 * needs.onset_per_year.care[SINGLE_ELDERLY] / 52 * factor
    assert onsets[0] > 300
    np.testing.assert_allclose(onsets, expected, rtol=0.15)
    assert onsets[0] < onsets[1] < onsets[2] < onsets[3]


def test_age_does_not_change_the_care_onset_of_younger_households():
    model = make(2000)
    clear_needs(model)
    hh = model.hh
    hh.htype[:] = SINGLE_ADULT
    hh.elderly[:] = 0
    young, old = np.arange(1000), np.arange(1000, 2000)
    hh.birth_week[young] = model.week - 30 * 52
    hh.birth_week[old] = model.week - 105 * 52  # never read for a household without elderly
    model.cfg.needs.onset_per_year.care = [0.3, 0.3, 0.3, 0.3]
    model._derive_tables()
    onsets = _care_onsets(model, [young, old], 200)
    assert onsets[0] > 500
    assert onsets[1] / onsets[0] == pytest.approx(1.0, rel=0.12)


@pytest.mark.parametrize("structure", ["integrated", "siloed"])
def test_joint_plan_damps_coupling_only_in_an_integrated_team(structure):
    """Debt raises care onsets; a household an integrated team supports gets half that lift."""
    model = make(3000, team_structure=structure)
    clear_needs(model)
    hh = model.hh
    _elderly_at(model, np.arange(hh.n), 75.0)  # age factor 1
    model.cfg.needs.coupling["debt"].care = 1.0  # a strong lift: 1 + 1 x stage
    model._derive_tables()
    supported, unknown, free = np.arange(1000), np.arange(1000, 2000), np.arange(2000, 3000)
    hh.status[supported] = IN_SUPPORT
    counts = np.zeros(3)
    for _ in range(300):
        hh.need[:] = 0
        hh.need[:2000, DEBT] = SEVERE
        life_events.new_needs(model)
        counts += [(hh.need[g, CARE] > 0).sum() for g in (supported, unknown, free)]
    lift = 1.0 + 1.0 * SEVERE
    damping = model.cfg.team.joint_plan_damping if structure == "integrated" else 0.0
    assert 0 < model.cfg.team.joint_plan_damping < 1
    base = 1000 * 300 * model.cfg.needs.onset_per_year.care[SINGLE_ELDERLY] / 52
    expected = base * np.array([1.0 + (lift - 1.0) * (1.0 - damping), lift, 1.0])
    np.testing.assert_allclose(counts, expected, rtol=0.1)


def test_a_sudden_onset_in_a_household_in_contact_counts_no_wait_for_contact():
    model = make(3000)
    clear_needs(model)
    hh = model.hh
    model.cfg.needs.sudden_onset_share = 1.0
    model.week = 9
    hh.first_contact[:] = 4  # in contact since week 4 (a mild need, say)
    hh.episode_start[:] = 2
    life_events.new_needs(model)
    hit = (hh.need_since == 9).any(axis=1)
    assert hit.sum() > 10
    assert np.all(hh.stage2_episode[hit] == -2)
    assert model.record.contacted == hit.sum()
