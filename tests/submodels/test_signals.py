"""Submodel 4, signals, on constructed cases."""

import numpy as np
import pytest
from helpers import clear_needs, make, partner_signal_chance, support

from wijksim.build import partners as partners_mod
from wijksim.codes import (
    CARE,
    CLOSED,
    CRISIS,
    DEBT,
    FAMILY,
    IN_SUPPORT,
    INCOME,
    LIGHT,
    MILD,
    MODERATE,
    N_DOMAINS,
    PARTNER_KINDS,
    SEVERE,
    SIGNALLED,
    SINGLE_ELDERLY,
    SOCIAL,
    UNKNOWN,
    WAITING,
    YOUTH,
)
from wijksim.submodels import signals

SCHOOL = PARTNER_KINDS.index("school")


@pytest.fixture
def families():
    model = make(200)
    clear_needs(model)
    model.hh.htype[:] = FAMILY
    rows = np.arange(100)
    unmet = np.zeros((rows.size, N_DOMAINS), dtype=np.int8)
    unmet[:, YOUTH] = MODERATE
    return model, rows, unmet


def test_partner_without_relation_sends_no_signal(families):
    model, rows, unmet = families
    partners_mod.set_engaged(model.partners, ["school"])
    model.partners.relation[:] = 0.0
    p, _ = partner_signal_chance(model, rows, unmet)
    assert np.all(p == 0.0)


def test_partner_not_engaged_sends_no_signal(families):
    model, rows, unmet = families
    partners_mod.set_engaged(model.partners, [])
    model.partners.relation[:] = 0.8
    p, _ = partner_signal_chance(model, rows, unmet)
    assert np.all(p == 0.0)


def test_partner_with_relation_signals_as_far_as_relation_allows(families):
    model, rows, unmet = families
    partners_mod.set_engaged(model.partners, ["school"])
    reach, sens, _ = model.partner_tables
    chances = []
    for rel in (0.25, 0.5, 1.0):
        model.partners.relation[:] = rel
        p, source = partner_signal_chance(model, rows, unmet)
        # sees the family (reach), notices a moderate youth need (sensitivity), passes it on
        expected = reach[SCHOOL, FAMILY] * rel * sens[SCHOOL, YOUTH]
        np.testing.assert_allclose(p, expected, rtol=1e-5)
        assert np.all(source == model.hh.wijk[rows] * len(PARTNER_KINDS) + SCHOOL)
        chances.append(p[0])
    assert 0 < chances[0] < chances[1] < chances[2]


def test_partner_does_not_see_what_it_cannot_notice(families):
    model, rows, unmet = families
    partners_mod.set_engaged(model.partners, ["school"])
    model.partners.relation[:] = 1.0
    model.hh.htype[:] = SINGLE_ELDERLY  # schools do not see the elderly
    p, _ = partner_signal_chance(model, rows, unmet)
    assert np.all(p == 0.0)
    model.hh.htype[:] = FAMILY
    p, _ = partner_signal_chance(model, rows, np.zeros_like(unmet))  # no need
    assert np.all(p == 0.0)


def test_relations_grow_with_outreach_and_fade_without():
    model = make(50)
    p = model.partners
    partners_mod.set_engaged(p, ["gp"])
    start = p.relation.copy()
    for _ in range(20):
        partners_mod.update_relations(p, np.array([5.0]), 0.02, 0.01, np.ones(p.n))
    gp = PARTNER_KINDS.index("gp")
    assert p.relation[gp] > start[gp]
    others = np.arange(p.n) != gp
    assert np.all(p.relation[others] < start[others])
    assert np.all((p.relation >= 0) & (p.relation <= 1))


def test_crisis_forces_contact_and_support_blocks_signals():
    model = make(300, outreach_share=0.0)
    clear_needs(model)
    hh = model.hh
    hh.help_seeking[:] = 0.0
    hh.need[0, DEBT] = CRISIS
    hh.episode_start[0] = 0
    hh.need[1, DEBT] = CRISIS
    hh.status[1] = IN_SUPPORT
    hh.support[1, DEBT] = LIGHT
    model.week = 3
    signals.step(model)
    assert hh.status[0] == WAITING
    assert hh.first_contact[0] == 3
    assert model.record.signals_crisis == 1
    assert hh.status[1] == IN_SUPPORT


def test_no_partners_and_no_outreach_give_no_partner_or_outreach_signals():
    model = make(2000, outreach_share=0.0)
    clear_needs(model)
    hh = model.hh
    hh.need[:, SOCIAL] = MODERATE
    hh.help_seeking[:] = 0.0
    signals.step(model)
    assert model.record.signals_partner == 0
    assert model.record.signals_outreach == 0
    assert model.record.signals_help == 0
    assert np.all(hh.status == UNKNOWN)


def test_outreach_finds_households():
    model = make(2000, outreach_share=0.5)
    clear_needs(model)
    hh = model.hh
    hh.need[:, SOCIAL] = MODERATE
    hh.help_seeking[:] = 0.0
    signals.step(model)
    assert model.record.signals_outreach > 0
    assert (hh.status == SIGNALLED).sum() == model.record.signals_outreach


def test_signal_tallies_match_households_moved():
    model = make(3000, outreach_share=0.3, partners=list(PARTNER_KINDS))
    clear_needs(model)
    hh = model.hh
    rng = np.random.default_rng(2)
    hh.need[:] = rng.choice(5, size=hh.need.shape, p=[0.8, 0.08, 0.07, 0.04, 0.01])
    hh.help_seeking[:] = rng.random(hh.n)
    hh.status[:1000] = CLOSED
    hh.status[1000:1200] = SIGNALLED  # signalled earlier, not expired
    hh.status_since[:] = 0
    model.week = 1
    before = hh.status.copy()
    signals.step(model)
    t = model.record
    assert min(t.signals_crisis, t.signals_help, t.signals_partner) > 0
    assert t.signals_outreach > 0
    queued = (hh.status == WAITING) & (before != WAITING)
    newly_signalled = (hh.status == SIGNALLED) & (before != SIGNALLED)
    assert t.signals_crisis + t.signals_help == queued.sum()
    assert t.signals_partner + t.signals_outreach == newly_signalled.sum()
    assert t.signals_crisis == (queued & (hh.need.max(axis=1) == CRISIS)).sum()
    assert model.partners.signals_sent.sum() == t.signals_partner


def test_unanswered_signals_expire():
    model = make(100)
    clear_needs(model)
    hh = model.hh
    hh.status[:10] = SIGNALLED
    hh.status_since[:10] = 0
    model.week = model.cfg.team.signal_expiry_weeks
    signals.step(model)
    assert np.all(hh.status[:10] == UNKNOWN)




def _quiet(model):
    """No partners, no outreach, no help-seeking: only the route under test can signal."""
    model.cfg.team.outreach_share = 0.0
    partners_mod.set_engaged(model.partners, [])
    model.hh.help_seeking[:] = 0.0


def test_household_in_support_in_crisis_with_an_unknown_need_gets_it_referred_not_queued():
    model = make(300)
    clear_needs(model)
    _quiet(model)
    hh = model.hh
    model.week = 7
    support(model, [0, 1, 2], CARE, LIGHT, MODERATE, worker=0, since=2)
    hh.first_contact[:3] = 2
    hh.need[0, DEBT] = CRISIS  # the team does not know it
    hh.need[1, DEBT] = CRISIS
    hh.handoff_ready[1, DEBT] = 9  # already referred
    hh.need[2, [DEBT, SOCIAL]] = [CRISIS, MILD]
    signals.step(model)
    assert np.all(hh.status[:3] == IN_SUPPORT)  # not back in the queue
    assert hh.handoff_ready[0, DEBT] == 7
    assert hh.handoff_ready[1, DEBT] == 9
    np.testing.assert_array_equal(hh.handoff_ready[2, [DEBT, SOCIAL]], [7, 7])  # every unknown
    assert hh.handoff_ready[0, CARE] == -1
    r = model.record
    assert r.signals_crisis == 2
    assert r.asked_in_support == 2
    assert r.first_contacts == 0  # they are in contact already


def test_household_in_support_asks_about_a_new_need_at_its_help_seeking_rate():
    model = make(3000)
    clear_needs(model)
    _quiet(model)
    hh = model.hh
    rows = np.arange(3000)
    support(model, rows, CARE, LIGHT, MILD, worker=0)
    hh.need[rows, INCOME] = SEVERE
    hh.help_seeking[:] = 1.0
    signals.step(model)
    asked = hh.handoff_ready[rows, INCOME] == model.week
    p = 1 - np.exp(-model.help_seeking_per_week[SEVERE])
    assert asked.mean() == pytest.approx(p, abs=0.02)
    assert model.record.signals_help == model.record.asked_in_support == asked.sum()
    assert np.all(hh.status == IN_SUPPORT)


def test_a_household_in_support_is_not_signalled_by_partners_or_outreach():
    model = make(2000, outreach_share=0.5, partners=list(PARTNER_KINDS))
    clear_needs(model)
    hh = model.hh
    hh.help_seeking[:] = 0.0
    model.partners.relation[:] = 1.0
    rows = np.arange(1000)
    support(model, rows, CARE, LIGHT, MILD, worker=0)
    hh.need[:, SOCIAL] = SEVERE
    signals.step(model)
    assert np.all(hh.status[rows] == IN_SUPPORT)
    assert np.all(hh.handoff_ready[rows, SOCIAL] == -1)
    assert (hh.status[1000:] == SIGNALLED).sum() > 50  # the others are found


@pytest.mark.parametrize("structure", ["integrated", "siloed"])
def test_keeping_in_touch_signals_recently_closed_households_in_an_integrated_team(structure):
    model = make(3000, team_structure=structure)
    clear_needs(model)
    _quiet(model)
    hh, cfg = model.hh, model.cfg.team
    model.week = 100
    recent, old, never = np.arange(1000), np.arange(1000, 2000), np.arange(2000, 3000)
    hh.need[:, SOCIAL] = MODERATE
    hh.status[recent] = CLOSED
    hh.status_since[recent] = 100 - cfg.keep_in_touch_weeks + 1
    hh.status[old] = CLOSED
    hh.status_since[old] = 100 - cfg.keep_in_touch_weeks
    signals.step(model)
    signalled = hh.status == SIGNALLED
    kept = model.record.signals_kept_in_touch
    assert kept == signalled.sum()
    assert not signalled[old].any() and not signalled[never].any()
    if structure == "integrated":
        assert signalled[recent].mean() == pytest.approx(cfg.keep_in_touch_per_week, abs=0.03)
    else:
        assert kept == 0
