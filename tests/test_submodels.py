"""Each submodel on tiny constructed cases.

A small model is built, its arrays are set by hand to construct a situation, and the submodel
function is called directly. Single draws are random, so comparisons use many identical
households or many repetitions (the seed is fixed, so the tests are also reproducible).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from wijksim import (
    casework,
    costs,
    escalation,
    informal_support,
    intake,
    life_events,
    signals,
    team,
    workforce,
)
from wijksim import partners as partners_mod
from wijksim.config import PARTNER_KINDS
from wijksim.model import WijkModel
from wijksim.population import newcomer_traits, renew_households, wijk_sizes
from wijksim.social_network import build_network, degrees
from wijksim.state import (
    CARE,
    CLOSED,
    CRISIS,
    DEBT,
    FAMILY,
    IN_SUPPORT,
    INCOME,
    LIGHT,
    MAATWERK,
    MILD,
    MODERATE,
    N_DOMAINS,
    NETWORK,
    NO_SUPPORT,
    SEVERE,
    SIGNALLED,
    SINGLE_ELDERLY,
    SOCIAL,
    UNKNOWN,
    WAITING,
    WLZ,
    YOUTH,
)
from wijksim.streams import Streams, replicate_seeds

SCHOOL = PARTNER_KINDS.index("school")


def make(households: int = 50, **params) -> WijkModel:
    """A fresh model at week 0, with no warm-up, ready for submodel calls."""
    model = WijkModel(rng=1, households=households, warmup_weeks=0, **params)
    model.tally_crisis_by_domain = np.zeros(N_DOMAINS)  # set per week by WijkModel.step
    return model


def clear_needs(model: WijkModel) -> None:
    hh = model.hh
    hh.need[:] = 0
    hh.need_since[:] = -1
    hh.support[:] = NO_SUPPORT
    hh.case_worker[:] = -1
    hh.handoff_ready[:] = -1
    hh.effect[:] = 0
    hh.status[:] = UNKNOWN
    hh.episode_start[:] = -1
    hh.first_contact[:] = -1
    hh.relapse_until[:] = -1
    hh.strain[:] = 0
    hh.met_share[:] = 1
    hh.self_reliance[:] = 0.5
    hh.help_seeking[:] = 0.5
    model.team.caseload[:] = 0


# =========================================================================== 2. informal support


def paired_network(n: int, askers: np.ndarray, carers: np.ndarray, weight: float) -> sp.csr_matrix:
    """A symmetric tie matrix with one tie between askers[i] and carers[i]."""
    rows = np.concatenate([askers, carers])
    cols = np.concatenate([carers, askers])
    vals = np.full(rows.size, weight, dtype=np.float32)
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, n), dtype=np.float32)


@pytest.fixture
def strong_vs_none():
    """1,000 needy households with a strong tie to a carer, 1,000 needy with no tie at all."""
    model = make(3000)
    clear_needs(model)
    hh = model.hh
    strong, alone, carers = np.arange(0, 1000), np.arange(1000, 2000), np.arange(2000, 3000)
    hh.care_capacity[:] = 0.0
    hh.care_capacity[carers] = 5.0
    model.net = paired_network(hh.n, strong, carers, 0.9)
    hh.need[strong, SOCIAL] = MILD
    hh.need[alone, SOCIAL] = MILD
    hh.episode_start[strong] = hh.episode_start[alone] = 0
    return model, strong, alone, carers


def test_strong_network_meets_informal_demand(strong_vs_none):
    model, strong, alone, carers = strong_vs_none
    informal_support.step(model)
    hh = model.hh
    # 1.5 h asked for a mild need; 0.9 * 5 h reachable: all met. No ties: nothing met.
    assert np.all(hh.met_share[strong] == 1.0)
    assert np.all(hh.met_share[alone] == 0.0)
    # what carers carry is what the strong households asked
    demand = model.informal_demand_per_stage[MILD]
    np.testing.assert_allclose(model.carer_load[carers], demand, rtol=1e-5)
    assert np.all(model.carer_load[alone] == 0)


def test_strong_network_recovers_faster_and_escalates_less(strong_vs_none):
    model, strong, alone, _ = strong_vs_none
    hh = model.hh
    for _ in range(30):
        informal_support.step(model)
        escalation.step(model)
        model.week += 1
    recovered_strong = np.mean(hh.need[strong, SOCIAL] == 0)
    recovered_alone = np.mean(hh.need[alone, SOCIAL] == 0)
    worse_strong = np.mean(hh.need[strong, SOCIAL] >= MODERATE)
    worse_alone = np.mean(hh.need[alone, SOCIAL] >= MODERATE)
    assert recovered_strong > recovered_alone + 0.15
    assert worse_strong < worse_alone


def test_informal_flows_add_up_on_a_random_network():
    """Hours carers carry equal hours households receive from the network (no volunteers)."""
    model = make(600)
    hh = model.hh
    rng = np.random.default_rng(5)
    hh.need[:] = rng.choice(5, size=hh.need.shape, p=[0.7, 0.1, 0.1, 0.07, 0.03])
    hh.support[:] = NO_SUPPORT
    demand = informal_support.demand_hours(model).astype(np.float64)
    reachable = model.net @ hh.care_capacity.astype(np.float64)
    informal_support.step(model)
    askers = demand > 0
    assert askers.sum() > 50
    received = hh.met_share[askers] * demand[askers]  # no volunteers: all from the network
    np.testing.assert_allclose(model.carer_load.sum(), received.sum(), rtol=1e-4)
    # asking at most twice a tie's share, a household gets at most that much
    upper = np.minimum(1.0, 2.0 * reachable[askers] / demand[askers])
    assert np.all(hh.met_share[askers] <= upper + 1e-5)
    assert np.all(hh.met_share[~askers] == 1.0)
    # a carer gives at most twice its capacity in all, and some carers are at that cap
    assert np.all(model.carer_load <= 2.0 * hh.care_capacity + 1e-4)
    assert np.any(model.carer_load >= 2.0 * hh.care_capacity - 1e-4)


def test_formal_provision_lowers_informal_demand_and_activation_raises_it():
    model = make(50)
    clear_needs(model)
    hh = model.hh
    hh.need[0:3, CARE] = MODERATE
    hh.support[1, CARE] = MAATWERK
    hh.support[2, CARE] = NETWORK
    d = informal_support.demand_hours(model)
    base = model.informal_demand_per_stage[MODERATE]
    assert d[0] == pytest.approx(base)
    assert d[1] < d[0] < d[2]
    assert d[3] == 0


def test_overloaded_carer_strains():
    """One carer asked by many needy households is overloaded; one asked by one is not."""
    model = make(200)
    clear_needs(model)
    hh = model.hh
    hh.care_capacity[:] = 2.0
    busy, easy = 0, 1
    many = np.arange(10, 30)
    askers = np.concatenate([many, [50]])
    carers = np.concatenate([np.full(many.size, busy), [easy]])
    model.net = paired_network(hh.n, askers, carers, 0.9)
    hh.care_capacity[askers] = 0.0
    hh.need[askers, SOCIAL] = MODERATE
    for _ in range(30):
        informal_support.step(model)
    threshold = model.cfg.informal.overload_threshold
    assert hh.strain[busy] > threshold
    assert hh.strain[easy] < hh.strain[busy]
    # a carer stretches to at most twice its capacity per tie (weight 0.9 here)
    assert model.carer_load[easy] <= 2.0 * 0.9 * hh.care_capacity[easy] + 1e-5
    assert model.carer_load[busy] <= 2.0 * 0.9 * hh.care_capacity[busy] * many.size + 1e-4


# =========================================================================== 3. escalation


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
        model.tally.clear()
        model.tally_crisis_by_domain[:] = 0
        before = hh.need.copy()
        escalation.step(model)
        went_crisis = (before == SEVERE) & (hh.need == CRISIS)
        assert model.tally["crises"] == went_crisis.sum()
        assert model.tally["escalations"] == went_crisis.sum()  # from 3, every escalation is one
        assert model.tally_crisis_by_domain.sum() == went_crisis.sum()
        np.testing.assert_array_equal(model.tally_crisis_by_domain, went_crisis.sum(axis=0))
        assert np.all(np.abs(hh.need.astype(int) - before) <= 1)
        assert hh.need.min() >= 0 and hh.need.max() <= CRISIS
        crises += model.tally["crises"]
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


# =========================================================================== 1. life events


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
    assert model.tally["new_needs"] == fresh.sum()
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
    assert model.tally["moves"] > 0
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


# =========================================================================== 4. signals


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
    p, _ = signals.partner_signal_chance(model, rows, unmet)
    assert np.all(p == 0.0)


def test_partner_not_engaged_sends_no_signal(families):
    model, rows, unmet = families
    partners_mod.set_engaged(model.partners, [])
    model.partners.relation[:] = 0.8
    p, _ = signals.partner_signal_chance(model, rows, unmet)
    assert np.all(p == 0.0)


def test_partner_with_relation_signals_as_far_as_relation_allows(families):
    model, rows, unmet = families
    partners_mod.set_engaged(model.partners, ["school"])
    reach, sens, _ = model.partner_tables
    chances = []
    for rel in (0.25, 0.5, 1.0):
        model.partners.relation[:] = rel
        p, source = signals.partner_signal_chance(model, rows, unmet)
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
    p, _ = signals.partner_signal_chance(model, rows, unmet)
    assert np.all(p == 0.0)
    model.hh.htype[:] = FAMILY
    p, _ = signals.partner_signal_chance(model, rows, np.zeros_like(unmet))  # no need
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
    assert model.tally["signals_crisis"] == 1
    assert hh.status[1] == IN_SUPPORT


def test_no_partners_and_no_outreach_give_no_partner_or_outreach_signals():
    model = make(2000, outreach_share=0.0)
    clear_needs(model)
    hh = model.hh
    hh.need[:, SOCIAL] = MODERATE
    hh.help_seeking[:] = 0.0
    signals.step(model)
    assert model.tally["signals_partner"] == 0
    assert model.tally["signals_outreach"] == 0
    assert model.tally["signals_help"] == 0
    assert np.all(hh.status == UNKNOWN)


def test_outreach_finds_households():
    model = make(2000, outreach_share=0.5)
    clear_needs(model)
    hh = model.hh
    hh.need[:, SOCIAL] = MODERATE
    hh.help_seeking[:] = 0.0
    signals.step(model)
    assert model.tally["signals_outreach"] > 0
    assert (hh.status == SIGNALLED).sum() == model.tally["signals_outreach"]


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
    t = model.tally
    assert min(t["signals_crisis"], t["signals_help"], t["signals_partner"]) > 0
    assert t["signals_outreach"] > 0
    queued = (hh.status == WAITING) & (before != WAITING)
    newly_signalled = (hh.status == SIGNALLED) & (before != SIGNALLED)
    assert t["signals_crisis"] + t["signals_help"] == queued.sum()
    assert t["signals_partner"] + t["signals_outreach"] == newly_signalled.sum()
    assert t["signals_crisis"] == (queued & (hh.need.max(axis=1) == CRISIS)).sum()
    assert model.partners.signals_sent.sum() == t["signals_partner"]


def test_unanswered_signals_expire():
    model = make(100)
    clear_needs(model)
    hh = model.hh
    hh.status[:10] = SIGNALLED
    hh.status_since[:10] = 0
    model.week = model.cfg.team.signal_expiry_weeks
    signals.step(model)
    assert np.all(hh.status[:10] == UNKNOWN)


# =========================================================================== 5. intake


def integrated(households: int = 2000, **params) -> WijkModel:
    model = make(households, team_structure="integrated", fte_per_1000=2.0, **params)
    clear_needs(model)
    return model


def test_worker_at_caseload_cap_takes_no_new_case():
    model = integrated(caseload_cap=3)
    t = model.team
    assert t.n >= 3
    t.caseload[0] = 3
    rows = np.arange(2 * t.n)
    got = intake.request_workers(
        model, rows, np.zeros(rows.size, int), np.zeros(rows.size, int), commit=True
    )
    assert 0 not in got
    assert np.all(got >= 0)  # enough free slots with the others
    assert np.all(t.caseload <= 3)


def test_no_worker_with_free_slot_means_no_case():
    model = integrated(caseload_cap=3)
    t = model.team
    t.caseload[:] = 3
    rows = np.arange(10)
    got = intake.request_workers(model, rows, np.zeros(10, int), np.zeros(10, int))
    assert np.all(got == -1)
    np.testing.assert_array_equal(t.caseload, 3)


def test_requests_beyond_free_slots_get_minus_one_and_caps_hold():
    model = integrated(caseload_cap=2)
    t = model.team
    free = 2 * t.n
    rows = np.arange(free + 7)
    prio = np.arange(rows.size)  # later rows more urgent
    got = intake.request_workers(model, rows, np.zeros(rows.size, int), prio)
    assert (got >= 0).sum() == free
    assert np.all(got[rows.size - free :] >= 0)  # the most urgent got the slots
    assert np.all(got[:7] == -1)
    np.testing.assert_array_equal(t.caseload, 2)


def test_worker_on_leave_or_vacant_takes_no_case():
    model = integrated(caseload_cap=50)
    t = model.team
    t.leave_until[0] = model.week + 5
    t.filled[1] = False
    rows = np.arange(40)
    got = intake.request_workers(model, rows, np.zeros(40, int), np.zeros(40, int), commit=False)
    assert 0 not in got and 1 not in got
    assert np.all(got >= 0)
    assert np.all(t.caseload == 0)  # without commit nothing is taken


def test_siloed_requests_go_to_workers_of_the_domain():
    model = make(3000, team_structure="siloed", fte_per_1000=2.0, caseload_cap=50)
    clear_needs(model)
    t = model.team
    rows = np.arange(50)
    domain = np.arange(50) % N_DOMAINS
    got = intake.request_workers(model, rows, domain, np.zeros(50, int))
    assert np.all(got >= 0)
    assert np.all(t.covers[got, domain])


def test_intake_admits_by_priority_within_caps():
    model = integrated(caseload_cap=2)
    hh, t = model.hh, model.team
    queued = np.arange(3 * t.n)
    hh.status[queued] = WAITING
    hh.status_since[queued] = 0
    hh.need[queued, INCOME] = MODERATE
    urgent = queued[: t.n]
    hh.need[urgent, INCOME] = SEVERE
    intake.step(model)
    admitted = hh.status == IN_SUPPORT
    assert admitted.sum() == 2 * t.n  # every free case slot, no more
    assert np.all(admitted[urgent])  # severe first
    assert np.all(t.caseload <= 2)
    assert np.all(hh.case_worker[admitted, INCOME] >= 0)
    assert np.all(hh.support[admitted, INCOME] != NO_SUPPORT)
    assert model.tally["admissions"] == admitted.sum()


def test_follow_up_of_mild_household_gives_brief_advice_and_closes():
    model = integrated()
    hh = model.hh
    rows = np.arange(300)
    hh.status[rows] = SIGNALLED
    hh.need[rows, SOCIAL] = MILD
    hh.help_seeking[rows] = 1.0  # always reached
    hh.episode_start[rows] = 0
    intake.follow_up(model, rows)
    assert np.all(hh.status[rows] == CLOSED)
    settled = (hh.need[rows, SOCIAL] == 0).mean()
    assert settled == pytest.approx(model.cfg.team.brief_advice_success, abs=0.1)


def test_siloed_admission_refers_other_domains_after_handoff_weeks():
    model = make(2000, team_structure="siloed", fte_per_1000=2.0, caseload_cap=50)
    clear_needs(model)
    hh = model.hh
    model.week = 10
    hh.need[0, [CARE, DEBT, INCOME]] = [SEVERE, MODERATE, MODERATE]
    hh.status[0] = WAITING
    hh.status_since[0] = 8
    slot = intake.request_workers(model, np.array([0]), np.array([CARE]), np.array([30]), False)
    intake.admit(model, np.array([0]), slot)
    assert hh.status[0] == IN_SUPPORT
    assert hh.case_worker[0, CARE] == slot[0]
    assert hh.case_worker[0, DEBT] == -1
    ready = 10 + model.cfg.team.handoff_weeks
    assert hh.handoff_ready[0, DEBT] == ready
    assert hh.handoff_ready[0, INCOME] == ready


def test_integrated_admission_gives_all_domains_one_worker():
    model = integrated(caseload_cap=50)
    hh = model.hh
    hh.need[0, [CARE, DEBT, INCOME]] = [SEVERE, MODERATE, MODERATE]
    hh.status[0] = WAITING
    slot = intake.request_workers(model, np.array([0]), np.array([CARE]), np.array([30]), False)
    intake.admit(model, np.array([0]), slot)
    workers = hh.case_worker[0, [CARE, DEBT, INCOME]]
    assert np.all(workers == slot[0])
    assert model.team.caseload[slot[0]] == 1


def test_cumsum_within_restarts_per_group():
    out = intake.cumsum_within(np.array([0, 0, 1, 1, 1, 3]), np.array([1.0, 2, 3, 4, 5, 6]))
    np.testing.assert_array_equal(out, [1, 3, 3, 7, 12, 6])


# =========================================================================== team


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
    cov = team.domain_coverage(4, "integrated")
    assert cov.shape == (4, N_DOMAINS)
    assert cov.all()


@pytest.mark.parametrize("positions", [1, 2, 3, 4])
def test_domain_coverage_small_siloed_team_covers_every_domain(positions):
    cov = team.domain_coverage(positions, "siloed")
    assert cov.shape == (positions, N_DOMAINS)
    np.testing.assert_array_equal(cov.sum(axis=0), 1)  # each domain exactly one worker
    assert np.all(cov.sum(axis=1) >= 1)


@pytest.mark.parametrize("positions", [5, 6, 9, 13, 40])
def test_domain_coverage_siloed_one_domain_per_worker(positions):
    cov = team.domain_coverage(positions, "siloed")
    np.testing.assert_array_equal(cov.sum(axis=1), 1)
    per_domain = cov.sum(axis=0)
    assert np.all(per_domain >= 1)
    assert per_domain.sum() == positions
    # shares follow the domain weights within one position
    extra = positions - N_DOMAINS
    assert np.all(np.abs((per_domain - 1) - team.DOMAIN_WEIGHTS * extra) < 1.0)


def test_positions_per_wijk_at_least_one():
    np.testing.assert_array_equal(
        team.positions_per_wijk(0.5, np.array([10.0, 4000.0, 10000.0])), [1, 2, 5]
    )


def test_caseloads_count_distinct_households_per_worker():
    cw = np.array([[0, 0, -1, 1, -1], [2, -1, -1, -1, -1], [-1] * 5, [0, 1, 1, 1, 2]])
    np.testing.assert_array_equal(team.caseloads(cw, 4), [2, 2, 2, 0])
    np.testing.assert_array_equal(team.caseloads(np.zeros((0, 5), int), 3), [0, 0, 0])


# =========================================================================== 6. casework


def three_domain_household(structure: str) -> tuple[WijkModel, np.ndarray]:
    model = make(2000, team_structure=structure, fte_per_1000=2.0)
    clear_needs(model)
    hh, t = model.hh, model.team
    doms = np.array([CARE, INCOME, DEBT])
    hh.need[0, doms] = MODERATE
    hh.support[0, doms] = LIGHT
    hh.support_since[0, doms] = -50
    hh.status[0] = IN_SUPPORT
    if structure == "siloed":
        workers = [int(np.flatnonzero(t.covers[:, d])[0]) for d in doms]
        assert len(set(workers)) == 3
    else:
        workers = [0, 0, 0]
    hh.case_worker[0, doms] = workers
    return model, doms


def test_siloed_team_spends_more_hours_on_three_domain_household():
    siloed, doms = three_domain_household("siloed")
    integ, _ = three_domain_household("integrated")
    rows = np.zeros(3, dtype=np.int64)
    h_siloed = casework.case_hours(siloed, rows, doms).sum()
    h_integrated = casework.case_hours(integ, rows, doms).sum()
    per_need = siloed.case_hours_per_stage[MODERATE]
    coordination = siloed.cfg.team.coordination_hours
    assert h_integrated == pytest.approx(3 * per_need)
    # each of the three workers coordinates with the two others
    assert h_siloed == pytest.approx(3 * per_need + 3 * 2 * coordination)
    assert h_siloed > h_integrated


def test_one_domain_household_costs_the_same_in_both_structures():
    hours = []
    for structure in ("siloed", "integrated"):
        model = make(200, team_structure=structure)
        clear_needs(model)
        hh = model.hh
        hh.need[0, DEBT] = SEVERE
        hh.support[0, DEBT] = LIGHT
        hh.support_since[0, DEBT] = -50
        hh.case_worker[0, DEBT] = 0
        hours.append(casework.case_hours(model, np.array([0]), np.array([DEBT]))[0])
    assert hours[0] == hours[1] == pytest.approx(model.case_hours_per_stage[SEVERE])


def test_case_hours_by_kind_of_support():
    model = make(200)
    clear_needs(model)
    hh, pol = model.hh, model.cfg.policy
    model.week = 20
    rows = np.arange(4)
    doms = np.full(4, INCOME)
    hh.need[rows, INCOME] = MODERATE
    hh.case_worker[rows, INCOME] = 0
    hh.support[rows, INCOME] = [NETWORK, NETWORK, MAATWERK, LIGHT]
    hh.support_since[rows, INCOME] = [20, 20 - pol.activation_weeks, 10, 10]
    h = casework.case_hours(model, rows, doms)
    np.testing.assert_allclose(
        h,
        [
            pol.activation_hours,  # activating the network
            0.0,  # the network carries it now
            pol.maatwerk_monitor_hours,
            model.case_hours_per_stage[MODERATE],
        ],
    )


def test_spend_hours_never_exceeds_free_hours_and_thins_effect():
    model = integrated(caseload_cap=500)
    hh, t = model.hh, model.team
    rows = np.arange(200)
    hh.need[rows, DEBT] = SEVERE
    hh.support[rows, DEBT] = LIGHT
    hh.support_since[rows, DEBT] = -50
    hh.case_worker[rows, DEBT] = 0  # all on worker 0: far too much
    hh.case_worker[200, DEBT] = 1  # one case on worker 1: fine
    hh.need[200, DEBT] = MILD
    hh.support[200, DEBT] = LIGHT
    hh.status[:201] = IN_SUPPORT  # the model only gives households in support a worker
    model.intake_hours_spent = np.zeros(model.n_wijken)
    casework.spend_hours(model)
    free = t.hours_available * model.team_share_for_cases()
    assert np.all(t.hours_spent <= free + 1e-5)
    assert t.hours_spent[0] == pytest.approx(free[0])
    assert t.hours_demanded[0] == pytest.approx(200 * model.case_hours_per_stage[SEVERE])
    ratio = free[0] / t.hours_demanded[0]
    np.testing.assert_allclose(hh.effect[rows, DEBT], ratio * t.skill[0], rtol=1e-5)
    assert hh.effect[200, DEBT] == pytest.approx(t.skill[1])  # fully served, generalist skill
    assert t.skill[1] == pytest.approx(model.cfg.team.broad_skill)
    assert np.all(hh.effect[201:] == 0)


def test_effect_of_provisions_and_networks_without_a_worker():
    model = make(100)
    clear_needs(model)
    hh = model.hh
    model.week = 10
    model.intake_hours_spent = np.zeros(model.n_wijken)
    hh.need[0:5, CARE] = MODERATE
    hh.support[0:5, CARE] = [MAATWERK, MAATWERK, WLZ, NETWORK, LIGHT]
    hh.provision_until[0:2, CARE] = [11, 10]  # running; ended this week
    hh.met_share[3] = 0.4  # a released network plan works as far as the network carries it
    casework.spend_hours(model)
    np.testing.assert_allclose(hh.effect[0:5, CARE], [1.0, 0.0, 1.0, 0.4, 0.0])
    assert np.all(model.team.hours_spent == 0)


def test_plan_kinds():
    for network_first, expected_high in ((0.0, MAATWERK), (1.0, NETWORK)):
        model = make(300, network_first=network_first, maatwerk_stage=2)
        clear_needs(model)
        hh = model.hh
        rows = np.arange(100)
        hh.need[:50, INCOME] = MODERATE
        hh.need[50:100, INCOME] = MILD
        casework.plan(model, rows, np.full(100, INCOME))
        assert np.all(hh.support[:50, INCOME] == expected_high)
        if network_first == 0.0:
            assert np.all(hh.support[50:100, INCOME] == LIGHT)
            assert np.all(hh.provision_until[:50, INCOME] > model.week)
            assert model.tally["maatwerk_grants"] == 50
        else:
            assert np.all(hh.support[50:100, INCOME] == NETWORK)
            assert model.tally["eligible_otherwise"] == 50  # would-be maatwerk, solved otherwise
            assert np.all(hh.alt_eligible[:50, INCOME])
        assert model.tally["eligible_decisions"] == 50


def test_plan_wlz_for_long_severe_elderly_care():
    model = make(300)
    clear_needs(model)
    hh = model.hh
    elderly = np.flatnonzero(hh.elderly > 0)[:5]
    hh.need[elderly, CARE] = SEVERE
    hh.severe_care_weeks[elderly] = model.cfg.policy.wlz_weeks_severe
    hh.case_worker[elderly, CARE] = 0
    casework.plan(model, elderly, np.full(elderly.size, CARE))
    assert np.all(hh.support[elderly, CARE] == WLZ)
    assert np.all(hh.case_worker[elderly, CARE] == -1)  # the team lets go


def _open_case(model: WijkModel, need: int, since_weeks: int, calm_weeks: int) -> None:
    hh = model.hh
    hh.need[0, DEBT] = need
    hh.support[0, DEBT] = LIGHT
    hh.support_since[0, DEBT] = model.week - since_weeks
    hh.calm_weeks[0, DEBT] = calm_weeks
    hh.case_worker[0, DEBT] = 0
    hh.status[0] = IN_SUPPORT


def test_fixed_closure_closes_after_fixed_weeks_whatever_the_need():
    model = make(100, closure_rule="fixed")
    clear_needs(model)
    model.week = 40
    fixed = model.cfg.policy.fixed_weeks
    _open_case(model, MODERATE, since_weeks=fixed, calm_weeks=0)
    casework.close(model)
    hh = model.hh
    assert hh.case_worker[0, DEBT] == -1
    assert hh.support[0, DEBT] == NO_SUPPORT
    assert hh.status[0] == CLOSED
    assert hh.relapse_until[0] == 40 + model.cfg.needs.relapse_weeks  # closed with need left


def test_stable_closure_keeps_an_unstable_case_open():
    model = make(100, closure_rule="stable")
    clear_needs(model)
    model.week = 40
    _open_case(model, MODERATE, since_weeks=model.cfg.policy.fixed_weeks + 20, calm_weeks=0)
    casework.close(model)
    hh = model.hh
    assert hh.case_worker[0, DEBT] == 0
    assert hh.support[0, DEBT] == LIGHT
    assert hh.status[0] == IN_SUPPORT
    assert model.team.caseload[0] == 1


def test_stable_closure_closes_when_calm_long_enough_and_fixed_waits():
    stable_weeks = 6
    for rule, closes in (("stable", True), ("fixed", False)):
        model = make(100, closure_rule=rule)
        clear_needs(model)
        model.week = 40
        assert model.cfg.policy.stable_weeks == stable_weeks
        _open_case(model, MILD, since_weeks=stable_weeks + 1, calm_weeks=stable_weeks - 1)
        casework.close(model)
        assert bool(model.hh.status[0] == CLOSED) is closes, rule
        assert bool(model.hh.case_worker[0, DEBT] == -1) is closes, rule


def test_solved_need_closes_under_either_rule():
    for rule in ("stable", "fixed"):
        model = make(100, closure_rule=rule)
        clear_needs(model)
        model.week = 40
        _open_case(model, 0, since_weeks=1, calm_weeks=0)
        casework.close(model)
        assert model.hh.status[0] == CLOSED
        assert model.hh.relapse_until[0] == -1  # no need left: no relapse risk


def test_light_support_recovers_with_effect():
    model = make(2000)
    clear_needs(model)
    hh = model.hh
    rows = np.arange(2000)
    recovered = np.zeros(2)
    for _ in range(30):
        hh.need[rows, SOCIAL] = MODERATE
        hh.support[rows, SOCIAL] = LIGHT
        hh.effect[:1000, SOCIAL] = 1.0
        hh.effect[1000:, SOCIAL] = 0.0
        casework.recover(model)
        recovered += [
            (hh.need[:1000, SOCIAL] < MODERATE).sum(),
            (hh.need[1000:, SOCIAL] < MODERATE).sum(),
        ]
    assert recovered[0] > 100
    assert recovered[1] == 0


def test_maatwerk_provision_ends_or_is_renewed():
    model = make(100, maatwerk_stage=2)
    clear_needs(model)
    hh = model.hh
    model.week = 30
    hh.support[0:2, YOUTH] = MAATWERK
    hh.provision_until[0:2, YOUTH] = 30
    hh.need[0, YOUTH] = MILD  # below the threshold: provision ends
    hh.need[1, YOUTH] = SEVERE  # still severe: renewed
    casework.update_plans(model)
    assert hh.support[0, YOUTH] == NO_SUPPORT
    assert hh.support[1, YOUTH] == MAATWERK
    assert hh.provision_until[1, YOUTH] == 30 + model.maatwerk_weeks[YOUTH]


def test_failed_network_activation_becomes_maatwerk():
    model = make(100, maatwerk_stage=2)
    clear_needs(model)
    hh = model.hh
    hh.support[0:2, DEBT] = NETWORK
    hh.need[0, DEBT] = SEVERE
    hh.need[1, DEBT] = MILD
    casework.update_plans(model)
    assert hh.support[0, DEBT] == MAATWERK
    assert hh.support[1, DEBT] == NETWORK
    assert model.tally["network_failures"] == 1


# =========================================================================== 7. workforce


def test_higher_workload_means_more_leaving():
    model = make(2000, fte_per_1000=10.0)
    t = model.team
    n = t.n
    assert n >= 20
    heavy = np.arange(n) < n // 2
    left = np.zeros(2)
    for _ in range(300):
        t.filled[:] = True
        t.workload[:] = np.where(heavy, 2.5, 1.0)
        before = t.filled.copy()
        workforce.leaving(model)
        quit_ = before & ~t.filled
        left += [quit_[heavy].sum(), quit_[~heavy].sum()]
    assert left[0] > 3 * left[1]
    assert left[1] > 0


def test_higher_workload_means_more_sick_leave():
    model = make(2000, fte_per_1000=10.0)
    t = model.team
    heavy = np.arange(t.n) < t.n // 2
    sick = np.zeros(2)
    for _ in range(200):
        t.leave_until[:] = -1
        t.workload[:] = np.where(heavy, 2.5, 1.0)
        workforce.sick_leave(model)
        ill = t.leave_until > model.week
        sick += [ill[heavy].sum(), ill[~heavy].sum()]
    assert sick[0] > 3 * sick[1]


def test_stress_rises_with_workload_and_is_capped():
    model = make(50)
    model.team.workload[:] = 0.5
    low = workforce.stress(model)
    np.testing.assert_allclose(low, 1.0)
    model.team.workload[:] = 2.0
    mid = workforce.stress(model)
    model.team.workload[:] = 9.0
    capped = workforce.stress(model)
    model.team.workload[:] = 3.0
    np.testing.assert_allclose(capped, workforce.stress(model))
    assert np.all(mid > low) and np.all(capped > mid)


def test_vacancies_get_filled_by_slower_new_workers():
    model = make(2000, fte_per_1000=10.0)
    t = model.team
    workforce.vacate(model, np.arange(t.n))
    assert not t.filled.any()
    for _ in range(60):
        workforce.hiring(model)
        model.week += 1
    assert t.filled.mean() > 0.8
    model.week = int(t.start_week[t.filled].max())  # a newcomer's first week
    hours = workforce.available_hours(model)
    full = model.cfg.team.hours_per_fte * model.cfg.team.direct_share
    assert hours[t.filled].min() < full
    assert np.all(hours[~t.filled] == 0)
    model.week += 1000  # long after: fully productive
    np.testing.assert_allclose(workforce.available_hours(model)[t.filled], full, rtol=1e-6)


def test_sick_or_vacant_workers_have_no_hours():
    model = make(2000, fte_per_1000=2.0)
    t = model.team
    t.leave_until[0] = model.week + 3
    t.filled[1] = False
    hours = workforce.available_hours(model)
    assert hours[0] == 0 and hours[1] == 0
    assert np.all(hours[2:] > 0)


def test_vacate_sends_cases_back_to_the_team():
    model = integrated(caseload_cap=50)
    hh, t = model.hh, model.team
    hh.case_worker[0:3, DEBT] = 0
    hh.case_worker[3, DEBT] = 1
    t.caseload[:2] = [3, 1]
    model.week = 7
    workforce.vacate(model, np.array([0]))
    assert np.all(hh.case_worker[0:3, DEBT] == -1)
    assert np.all(hh.handoff_ready[0:3, DEBT] == 7)
    assert hh.case_worker[3, DEBT] == 1
    assert t.caseload[0] == 0 and not t.filled[0]


# =========================================================================== 8. costs


def test_one_care_maatwerk_provision_costs_its_yearly_price():
    model = make(100)
    clear_needs(model)
    hh = model.hh
    hh.support[0, CARE] = MAATWERK
    hh.provision_until[0, CARE] = model.week + 10
    c = costs.week_costs(model)
    assert c["cost_maatwerk"] == model.cfg.costs.maatwerk_per_year.care
    assert c["cost_wlz"] == 0
    assert c["cost_crisis"] == 0
    hh.provision_until[0, CARE] = model.week  # ended: no cost
    assert costs.week_costs(model)["cost_maatwerk"] == 0


def test_maatwerk_costs_add_up_by_domain():
    model = make(100)
    clear_needs(model)
    hh = model.hh
    hh.support[0, [CARE, YOUTH]] = MAATWERK
    hh.support[1, YOUTH] = MAATWERK
    hh.provision_until[:2] = model.week + 1
    p = model.cfg.costs.maatwerk_per_year
    assert costs.week_costs(model)["cost_maatwerk"] == p.care + 2 * p.youth
    np.testing.assert_array_equal(model.maatwerk_by_domain, [1, 2, 0, 0, 0])


def test_wlz_team_crisis_and_total_costs():
    model = make(1000, fte_per_1000=2.0)
    clear_needs(model)
    hh, t, c = model.hh, model.team, model.cfg.costs
    hh.support[:3, CARE] = WLZ
    t.filled[0] = False
    model.tally_crisis_by_domain[DEBT] = 2
    out = costs.week_costs(model)
    assert out["cost_wlz"] == 3 * c.wlz_per_year
    assert out["cost_team"] == (t.n - 1) * c.fte
    assert out["cost_crisis"] == 2 * c.crisis.debt * 52
    assert out["cost_sociale_basis"] == pytest.approx(
        model.cfg.policy.sociale_basis_budget * model.inhabitants / 1000
    )
    parts = ("cost_team", "cost_maatwerk", "cost_wlz", "cost_sociale_basis", "cost_crisis")
    assert out["cost_total"] == pytest.approx(sum(out[k] for k in parts))


# =========================================================================== set-up


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


def test_network_is_symmetric_without_self_ties_and_mostly_local():
    model = make(3000, wijken=3)
    net = model.net
    assert (net != net.T).nnz == 0
    assert net.diagonal().sum() == 0
    assert net.data.min() > 0 and net.data.max() <= 1.0
    coo = net.tocoo()
    same = model.hh.wijk[coo.row] == model.hh.wijk[coo.col]
    assert same.mean() > 0.7
    d = degrees(net)
    by_type = [d[model.hh.htype == k].mean() for k in range(4)]
    assert by_type[SINGLE_ELDERLY] < by_type[FAMILY]  # thin networks for the single elderly


def test_network_strength_zero_gives_thin_network():
    model = make(2000)
    thin = make(2000, network_strength=0.0)
    assert thin.net.nnz < 0.2 * model.net.nnz
    assert thin.hh.care_capacity.sum() == 0


def test_build_network_is_reproducible():
    model = make(500)
    strength = np.ones(1, dtype=np.float32)
    a = build_network(model.hh, strength, model.cfg, np.random.default_rng(9))
    b = build_network(model.hh, strength, model.cfg, np.random.default_rng(9))
    assert (a != b).nnz == 0


def test_streams_are_per_submodel_and_reproducible():
    a, b = Streams(42), Streams(42)
    assert a.life_events.random() == b.life_events.random()
    c, d = Streams(42), Streams(42)
    c.signals.random(1000)  # using one stream does not shift another
    assert c.life_events.random() == d.life_events.random()
    assert Streams(42).escalation.random() != Streams(43).escalation.random()
    assert Streams(42).escalation.random() != Streams(42).casework.random()


def test_replicate_seeds():
    seeds = replicate_seeds(7, 4)
    assert seeds[0] == 7
    assert len(set(seeds)) == 4
    assert replicate_seeds(7, 4) == seeds
    assert replicate_seeds(7, 1) == [7]
    with pytest.raises(ValueError):
        replicate_seeds(7, 0)


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
                np.testing.assert_array_equal(cov, team.domain_coverage(len(cov), "siloed"))


# =========================================================================== initial state


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
    hh.episode_start[0] = -30
    hh.episode_start[1] = 4
    model.week = 10
    model.first_contact(np.array([0, 1]))
    assert model.tally["first_contacts"] == 2
    assert model.tally["time_to_help_sum"] == (10 + 30) + (10 - 4)
    assert model.tally["early_contacts"] == 2
    assert np.all(hh.first_contact[:2] == 10)
    model.first_contact(np.array([0]))  # a second contact is not a first contact
    assert model.tally["first_contacts"] == 2
