"""Submodel 3, escalation and recovery, on constructed cases."""

import numpy as np
from helpers import clear_needs, make

from wijksim.codes import CARE, CRISIS, DEBT, INCOME, MODERATE, SEVERE, WLZ, YOUTH
from wijksim.submodels import escalation


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
        escalation.step(model)
        went_crisis = (before == SEVERE) & (hh.need == CRISIS)
        assert model.record.crises == went_crisis.sum()
        assert model.record.escalations == went_crisis.sum()  # from 3, every escalation is one
        assert model.record.crises_by_domain.sum() == went_crisis.sum()
        np.testing.assert_array_equal(model.record.crises_by_domain, went_crisis.sum(axis=0))
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


