"""Submodel 2, informal support, on constructed cases."""

import numpy as np
import pytest
from helpers import clear_needs, demand_hours, make, paired_network

from wijksim.codes import (
    BASIS,
    CARE,
    MAATWERK,
    MILD,
    MODERATE,
    NETWORK,
    NO_SUPPORT,
    SOCIAL,
    WLZ,
)
from wijksim.submodels import (
    escalation,
    informal_support,
)


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
    np.testing.assert_allclose(model.record.carer_load[carers], demand, rtol=1e-5)
    assert np.all(model.record.carer_load[alone] == 0)


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
    demand = demand_hours(model).astype(np.float64)
    reachable = model.net @ hh.care_capacity.astype(np.float64)
    informal_support.step(model)
    askers = demand > 0
    assert askers.sum() > 50
    received = hh.met_share[askers] * demand[askers]  # no volunteers: all from the network
    np.testing.assert_allclose(model.record.carer_load.sum(), received.sum(), rtol=1e-4)
    # asking at most twice a tie's share, a household gets at most that much
    upper = np.minimum(1.0, 2.0 * reachable[askers] / demand[askers])
    assert np.all(hh.met_share[askers] <= upper + 1e-5)
    assert np.all(hh.met_share[~askers] == 1.0)
    # a carer gives at most twice its capacity in all, and some carers are at that cap
    assert np.all(model.record.carer_load <= 2.0 * hh.care_capacity + 1e-4)
    assert np.any(model.record.carer_load >= 2.0 * hh.care_capacity - 1e-4)


def test_informal_demand_by_kind_of_support():
    """Formal care and the sociale basis lower what a need asks of the network; a network plan
    raises it while it is activated, then asks the usual hours."""
    model = make(50)
    clear_needs(model)
    hh, inf = model.hh, model.cfg.informal
    model.week = 30
    activation = model.cfg.policy.activation_weeks
    rows = np.arange(6)
    hh.need[rows, CARE] = MODERATE
    hh.support[rows, CARE] = [NO_SUPPORT, MAATWERK, WLZ, BASIS, NETWORK, NETWORK]
    hh.support_since[rows, CARE] = [-1, 20, 20, 20, 30 - activation + 1, 30 - activation]
    d = demand_hours(model)
    base = model.informal_demand_per_stage[MODERATE]
    np.testing.assert_allclose(
        d[:6],
        base * np.array([1.0, inf.formal_demand_share, inf.formal_demand_share,
                         inf.basis_demand_share, inf.activation_demand, 1.0]),
        rtol=1e-6,
    )
    assert d[1] < d[3] < d[0] < d[4]
    assert d[6] == 0


def test_demand_adds_up_over_domains():
    model = make(50)
    clear_needs(model)
    model.hh.need[0, [CARE, SOCIAL]] = [MILD, MODERATE]
    model.hh.support[0, SOCIAL] = BASIS
    per_stage = model.informal_demand_per_stage
    expected = per_stage[MILD] + per_stage[MODERATE] * model.cfg.informal.basis_demand_share
    assert demand_hours(model)[0] == pytest.approx(expected)


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
    assert model.record.carer_load[easy] <= 2.0 * 0.9 * hh.care_capacity[easy] + 1e-5
    assert model.record.carer_load[busy] <= 2.0 * 0.9 * hh.care_capacity[busy] * many.size + 1e-4


