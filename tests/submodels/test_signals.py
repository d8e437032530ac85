"""Submodel 4, signals, on constructed cases."""

import numpy as np
import pytest
from helpers import clear_needs, make, partner_signal_chance

from wijksim.build import partners as partners_mod
from wijksim.codes import (
    CLOSED,
    CRISIS,
    DEBT,
    FAMILY,
    IN_SUPPORT,
    LIGHT,
    MODERATE,
    N_DOMAINS,
    PARTNER_KINDS,
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
        partners_mod.update_relations(p, np.array([5.0]), 0.02, 0.01)
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


