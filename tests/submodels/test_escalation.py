"""Submodel 3, escalation and recovery, on constructed cases."""

import numpy as np
from helpers import clear_needs, make

from wijksim.codes import (
    CARE,
    CRISIS,
    DEBT,
    INCOME,
    LIGHT,
    MILD,
    MODERATE,
    SEVERE,
    WLZ,
    YOUTH,
)
from wijksim.submodels import casework, escalation, life_events


def test_effective_support_lowers_escalation():
    model = make(2000)
    clear_needs(model)
    hh = model.hh
    supported, unsupported = np.arange(1000), np.arange(1000, 2000)
    hh.met_share[:] = 0.0
    hh.effect[supported, INCOME] = 1.0
    escalated = np.zeros(2)
    for _ in range(40):
        hh.need[:, INCOME] = MODERATE
        escalation.step(model)
        escalated += [
            (hh.need[supported, INCOME] > MODERATE).sum(),
            (hh.need[unsupported, INCOME] > MODERATE).sum(),
        ]
    assert escalated[1] > 100
    assert escalated[0] < 0.35 * escalated[1]


def test_low_self_reliance_escalates_more_and_recovers_less():
    model = make(2000)
    clear_needs(model)
    hh = model.hh
    low, high = np.arange(1000), np.arange(1000, 2000)
    hh.self_reliance[low] = 0.05
    hh.self_reliance[high] = 0.95
    hh.met_share[:] = 0.0
    up, down = np.zeros(2), np.zeros(2)
    for _ in range(40):
        hh.need[:, DEBT] = MODERATE
        escalation.step(model)
        for k, g in enumerate((low, high)):
            up[k] += (hh.need[g, DEBT] > MODERATE).sum()
            down[k] += (hh.need[g, DEBT] < MODERATE).sum()
    assert up[0] > up[1]
    assert down[0] < down[1]


def test_escalation_tallies_crises_and_stays_in_range():
    model = make(2000)
    clear_needs(model)
    hh = model.hh
    hh.met_share[:] = 0.0
    crises = 0
    for _ in range(20):
        hh.need[:, [CARE, DEBT, YOUTH]] = SEVERE
        model.begin_week()
        before = hh.need.copy()
        counted_before = hh.escalated.copy()
        escalation.step(model)
        went_crisis = (before == SEVERE) & (hh.need == CRISIS)
        assert model.record.crises == went_crisis.sum()
        # from 3, every first escalation of a need is one; later crises of it are not
        assert model.record.escalations == (went_crisis & ~counted_before).sum()
        assert model.record.crises_by_domain.sum() == went_crisis.sum()
        by_domain = model.record.total("crises_by_domain")
        np.testing.assert_array_equal(by_domain, went_crisis.sum(axis=0))
        assert np.all(np.abs(hh.need.astype(int) - before) <= 1)
        assert hh.need.min() >= 0 and hh.need.max() <= CRISIS
        crises += model.record.crises
    assert crises > 0


def test_crisis_falls_back_and_no_need_stays_none():
    model = make(1000)
    clear_needs(model)
    hh = model.hh
    hh.need[:500, DEBT] = CRISIS
    ever_left = np.zeros(500, dtype=bool)
    for _ in range(52):
        before = hh.need[:500, DEBT].copy()
        escalation.step(model)
        assert hh.need[500:].max() == 0  # no need: nothing happens in escalation
        after = hh.need[:500, DEBT]
        in_crisis = before == CRISIS
        assert set(np.unique(after[in_crisis])) <= {SEVERE, CRISIS}  # back to severe only
        ever_left |= in_crisis & (after == SEVERE)
    assert ever_left.mean() > 0.6  # about 1 - exp(-2) within a year


def test_wlz_needs_do_not_move():
    model = make(500)
    clear_needs(model)
    hh = model.hh
    hh.need[:, CARE] = SEVERE
    hh.support[:, CARE] = WLZ
    hh.met_share[:] = 0.0
    for _ in range(30):
        escalation.step(model)
    assert np.all(hh.need[:, CARE] == SEVERE)
    assert np.all(hh.severe_care_weeks == 30)




def _force(model, up: bool) -> None:
    """Every need (not under the Wlz) moves up one stage this week, or every one moves down."""
    model.hh.met_share[:] = 0.0
    model.hh.self_reliance[:] = 0.5  # frailty 1.3 - 0.6 x 0.5 = 1: the hazard is the rate
    model.escalation_per_week = np.array([0.0, 1.0, 1.0, 1.0, 0.0]) * up
    model.recovery_per_week = np.array([0.0, 100.0, 100.0, 100.0, 0.0]) * (not up)
    model.crisis_recovery_per_week = 1.0 * (not up)


def test_an_escalation_counts_once_per_need_until_it_is_solved():
    model = make(100)
    clear_needs(model)
    hh = model.hh
    hh.need[0, DEBT] = MODERATE
    counts = []
    steps = [(True, None), (True, None), (False, None), (True, None), (False, MILD),
             (True, MILD), (True, None)]
    for week, (up, stage) in enumerate(steps):
        model.week = week
        model.begin_week()
        if stage is not None:
            hh.need[0, DEBT] = stage
        _force(model, up)
        escalation.step(model)
        counts.append((int(hh.need[0, DEBT]), model.record.escalations, model.record.crises))
    assert counts == [
        (SEVERE, 1, 0),  # 2 -> 3: an escalation
        (CRISIS, 0, 1),  # 3 -> 4: a crisis, not a second escalation
        (SEVERE, 0, 0),
        (CRISIS, 0, 1),  # the same need again: a crisis only
        (0, 0, 0),  # from 1 to 0: solved
        (MODERATE, 0, 0),  # a new need
        (SEVERE, 1, 0),  # it escalates: counted again
    ]


def test_multi_problem_escalations_are_those_of_households_with_needs_in_two_domains():
    model = make(100)
    clear_needs(model)
    hh = model.hh
    hh.need[0, DEBT] = MODERATE
    hh.need[1, [DEBT, INCOME]] = [MODERATE, MILD]
    hh.need[2, [DEBT, INCOME]] = [MODERATE, MODERATE]
    _force(model, True)
    escalation.step(model)
    assert model.record.escalations == 4
    assert model.record.multi_problem_escalations == 3


def test_first_week_at_stage_two_starts_the_time_to_help_and_to_contact():
    model = make(100)
    clear_needs(model)
    hh = model.hh
    model.week = 5
    hh.need[0:4, DEBT] = MILD
    hh.episode_start[0:4] = 1
    hh.support[1, DEBT] = LIGHT  # already supported: no wait for help
    hh.first_contact[2] = 3  # already in contact: no wait for contact
    hh.stage2_week[3, DEBT] = 2  # was at stage 2 before: noted then
    hh.stage2_episode[3] = 2
    _force(model, True)
    escalation.step(model)
    np.testing.assert_array_equal(hh.stage2_week[0:4, DEBT], [5, -2, 5, 2])
    np.testing.assert_array_equal(hh.stage2_episode[0:4], [5, 5, -2, 2])
    r = model.record
    assert (r.helped, r.help_weeks_sum) == (1, 0.0)  # a need supported at stage 2 waits 0
    assert (r.contacted, r.contact_weeks_sum) == (1, 0.0)
    # household 0: contact at week 8, its need supported from week 11
    model.week = 8
    hh.record_first_contact(np.array([0]), 8, r)
    assert (r.contacted, r.contact_weeks_sum) == (2, 3.0)
    model.week = 11
    model.cfg.policy.maatwerk_stage = 3
    casework.plan(model, np.array([0]), np.array([DEBT]))
    assert (r.helped, r.help_weeks_sum) == (2, 6.0)
    # counted once: a later plan or contact adds nothing
    casework.plan(model, np.array([0]), np.array([DEBT]))
    hh.record_first_contact(np.array([0]), 12, r)
    assert (r.helped, r.contacted) == (2, 2)


def test_a_sudden_onset_starts_at_stage_two_and_starts_the_clocks():
    model = make(3000)
    clear_needs(model)
    model.week = 4
    model.cfg.needs.sudden_onset_share = 1.0
    life_events.new_needs(model)
    hh = model.hh
    new = hh.need > 0
    assert new.sum() > 10
    assert np.all(hh.need[new] == MODERATE)
    assert np.all(hh.stage2_week[new] == 4)
    assert np.all(hh.stage2_episode[new.any(axis=1)] == 4)
