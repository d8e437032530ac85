"""Submodel 2, informal support, on constructed cases."""

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import clear_needs, demand_hours, make

from wijksim.codes import CARE, MAATWERK, MILD, MODERATE, NETWORK, NO_SUPPORT, SOCIAL
from wijksim.submodels import (
    escalation,
    informal_support,
)


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


def test_formal_provision_lowers_informal_demand_and_activation_raises_it():
    model = make(50)
    clear_needs(model)
    hh = model.hh
    hh.need[0:3, CARE] = MODERATE
    hh.support[1, CARE] = MAATWERK
    hh.support[2, CARE] = NETWORK
    d = demand_hours(model)
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
    assert model.record.carer_load[easy] <= 2.0 * 0.9 * hh.care_capacity[easy] + 1e-5
    assert model.record.carer_load[busy] <= 2.0 * 0.9 * hh.care_capacity[busy] * many.size + 1e-4


