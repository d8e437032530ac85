"""Submodel 2, informal support and self-reliance: the personal network helps, carers strain.

A household asks its network for informal care hours by the stages of its needs
(``informal.demand_hours``): fewer where formal care (maatwerk, Wlz) or the sociale basis covers
a need, more while a network plan is being activated (``informal.activation_demand``). Each tie
passes a share of the carer's capacity, weighted by the tie: household ``i`` can draw
``S_i = sum_j w_ij c_j`` and asks each tie ``r_i = min(d_i / S_i, m)`` times its share
(``m = informal.max_stretch``). Carers give what is asked, but at most ``m`` times their
capacity in all: carer ``j`` carries ``c_j * min(a_j, m)`` with ``a_j = sum_i w_ij r_i``, and an
asker gets ``r_i * sum_j w_ij c_j min(1, m / a_j)``: what overloaded carers cannot give is
missing.
The share of demand met (``met_share``) shields needs from escalation and speeds recovery
(submodel 3); carers whose load stays above capacity become overloaded (``strain``), which
raises their own care and social hazards (submodel 1). Thin networks give less help and load
their few carers more. Volunteers paid from the sociale basis budget add hours for needs under
network activation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import scipy.sparse as sp

from wijksim.codes import BASIS, MAATWERK, N_DOMAINS, NETWORK, WLZ
from wijksim.compiled import F32, kernel

if TYPE_CHECKING:
    from wijksim.config import InformalSection
    from wijksim.model import WijkModel



def step(model: WijkModel) -> None:
    """Share informal care over the network; update met shares and carer strain."""
    hh, cfg, net, record = model.hh, model.cfg.informal, model.net, model.record
    askers, ask = asking(hh.rows_with_need(), demand_inputs(model))
    volunteer = volunteer_hours(askers, hh.support, hh.wijk, volunteer_pool(model))
    reach = model.reach
    if reach is None or not reach.fits(net):
        reach = model.reach = Reach(net, hh.care_capacity)
    reach.update(hh.care_capacity)
    record.carer_load, record.carers, record.overloaded_carers = share_care(
        askers=askers, ask=ask, volunteer=volunteer, indptr=net.indptr, indices=net.indices,
        weights=net.data, carer_indptr=reach.by_carer.indptr,
        carer_indices=reach.by_carer.indices, reachable=reach.hours,
        capacity=hh.care_capacity, met_share=hh.met_share, strain=hh.strain,
        overload_weeks=F32(cfg.overload_weeks), overload_threshold=F32(cfg.overload_threshold),
        stretch=F32(cfg.max_stretch), wijk_start=model.wijk_start,
    )


class DemandInputs(NamedTuple):
    """What a household's informal demand depends on (one kernel argument)."""

    need: np.ndarray  # int8 (n, 5)
    support: np.ndarray  # int8 (n, 5)
    support_since: np.ndarray  # int32 (n, 5)
    week: np.int64
    activation_weeks: np.int64
    per_stage: np.ndarray  # float32 (5,): hours asked by a need at stage s
    factor: np.ndarray  # float32 (kinds,): relative hours by kind of support
    activation: np.float32  # relative hours while the network is being activated


def demand_factor(informal: InformalSection) -> np.ndarray:
    """Informal hours asked per kind of support (codes.SUPPORT_KINDS), relative to none.

    Formal care (maatwerk, Wlz) leaves ``formal_demand_share``, the sociale basis
    ``basis_demand_share``; a network plan asks the usual hours once activated.
    """
    factor = np.ones(WLZ + 1, dtype=np.float32)
    factor[[MAATWERK, WLZ]] = informal.formal_demand_share
    factor[BASIS] = informal.basis_demand_share
    return factor


def demand_inputs(model: WijkModel) -> DemandInputs:
    """This week's :class:`DemandInputs`."""
    hh, cfg = model.hh, model.cfg
    return DemandInputs(
        need=hh.need, support=hh.support, support_since=hh.support_since,
        week=np.int64(model.week), activation_weeks=np.int64(cfg.policy.activation_weeks),
        per_stage=model.informal_demand_per_stage, factor=demand_factor(cfg.informal),
        activation=F32(cfg.informal.activation_demand),
    )


def volunteer_pool(model: WijkModel) -> np.ndarray:
    """Volunteer hours per week per wijk: the sociale basis budget plus partners' support."""
    pol = model.cfg.policy
    base = model.basis_budget * model.inhabitants_per_wijk / 1000.0  # the wijkplannen's
    base = base * pol.volunteer_hours_per_euro / 52.0
    _, _, support = model.partner_tables
    rel = model.partners.relation.reshape(model.n_wijken, -1)
    return base * (1.0 + rel @ support)


class Reach:
    """Hours each household can draw from its ties, ``S_i = sum_j w_ij c_j``, kept up to date.

    Capacities change only when households move, so the sums are kept and only those of the
    ties of households whose capacity changed are summed again (in the same order, so the
    result is the same as summing everything afresh).
    """

    def __init__(self, net: sp.csr_matrix, capacity: np.ndarray) -> None:
        self.net = net
        self.by_carer = net.T.tocsr()  # row j: the households that have j as a tie
        self.capacity = capacity.copy()
        self.hours = np.zeros(net.shape[0], np.float32)
        reach_sums(np.arange(net.shape[0]), net.indptr, net.indices, net.data, capacity,
                   self.hours)

    def fits(self, net: sp.csr_matrix) -> bool:
        """Whether these sums belong to this tie matrix."""
        return net is self.net

    def update(self, capacity: np.ndarray) -> None:
        """Sum again for the ties of households whose capacity changed."""
        changed = changed_rows(capacity, self.capacity)
        if changed.size:
            t, net = self.by_carer, self.net
            sum_again(changed=changed, carer_indptr=t.indptr, carer_indices=t.indices,
                      indptr=net.indptr, indices=net.indices, weights=net.data,
                      capacity=capacity, out=self.hours)


@kernel
def changed_rows(values, kept):
    """Rows where ``values`` differ from ``kept`` (which is brought up to date)."""
    out = np.empty(values.size, np.int64)
    k = 0
    for i in range(values.size):
        out[k] = i
        k += values[i] != kept[i]
        kept[i] = values[i]
    return out[:k].copy()


@kernel
def sum_again(changed, carer_indptr, carer_indices, indptr, indices, weights, capacity, out):
    """Reach sums of the households with a tie to one of ``changed``."""
    affected = np.zeros(out.size, np.bool_)
    for j in changed:
        for jj in range(carer_indptr[j], carer_indptr[j + 1]):
            affected[carer_indices[jj]] = True
    reach_sums(np.flatnonzero(affected), indptr, indices, weights, capacity, out)


@kernel
def reach_sums(rows, indptr, indices, weights, capacity, out):
    """``out[i] = sum_j w_ij c_j`` for each of ``rows`` (ties in stored order, float32)."""
    for r in rows:
        total = F32(0.0)
        for jj in range(indptr[r], indptr[r + 1]):
            total += weights[jj] * capacity[indices[jj]]
        out[r] = total


@kernel
def asking(needy, inputs):
    """The households among ``needy`` that ask their network for hours, and the hours."""
    demand = household_demand(needy, inputs)
    askers = np.empty(needy.size, np.int64)
    ask = np.empty(needy.size, np.float32)
    k = 0
    for i in range(needy.size):
        askers[k] = needy[i]
        ask[k] = demand[i]
        k += demand[i] > 0
    return askers[:k].copy(), ask[:k].copy()


@kernel
def household_demand(rows, h):
    """Hours asked by each of ``rows``: by stage, times the factor of its kind of support.

    ``h`` is a :class:`DemandInputs`; a need under a network plan asks ``activation`` times the
    usual hours while the network is being activated.
    """
    need, support, support_since = h.need, h.support, h.support_since  # unpacked once
    week, activation_weeks, per_stage = h.week, h.activation_weeks, h.per_stage
    factors, activation = h.factor, h.activation
    out = np.zeros(rows.size, np.float32)
    for i in range(rows.size):
        r = rows[i]
        total = F32(0.0)
        for d in range(N_DOMAINS):
            kind = support[r, d]
            factor = factors[kind]
            if (kind == NETWORK) & (week - support_since[r, d] < activation_weeks):
                factor = activation
            total += per_stage[need[r, d]] * factor
        out[i] = total
    return out


@kernel
def share_care(
    askers, ask, volunteer, indptr, indices, weights, carer_indptr, carer_indices, reachable,
    capacity, met_share, strain, overload_weeks, overload_threshold, stretch, wijk_start,
):
    """Informal care over the ties (see the module docstring); sets met shares and strain.

    Returns each household's load as a carer, the number of carers with a load and how many
    of them are overloaded (per wijk; ``wijk_start`` holds the first row of each wijk and, last,
    the number of rows).
    """
    n = capacity.size
    n_wijken = wijk_start.size - 1
    ratio = np.empty(askers.size, np.float32)
    asked = np.zeros(n, np.float32)  # per carer, in units of its capacity
    for i in range(askers.size):
        r = askers[i]
        share = ask[i] / reachable[r] if reachable[r] > 0 else stretch
        ratio[i] = min(share, stretch)
        for jj in range(indptr[r], indptr[r + 1]):
            asked[indices[jj]] += weights[jj] * ratio[i]
    # Only households with an overloaded carer get less than their ratio of what they reach.
    short = np.zeros(n, np.bool_)
    for j in range(n):
        if asked[j] > stretch:
            for jj in range(carer_indptr[j], carer_indptr[j + 1]):
                short[carer_indices[jj]] = True
    met_share[:] = F32(1.0)
    for i in range(askers.size):
        r = askers[i]
        reached = reachable[r]
        if short[r]:
            reached = F32(0.0)
            for jj in range(indptr[r], indptr[r + 1]):
                j = indices[jj]
                scale = stretch / max(asked[j], F32(1e-12)) if asked[j] > stretch else F32(1.0)
                reached += weights[jj] * (capacity[j] * scale)
        given = ratio[i] * reached + volunteer[i]
        met_share[r] = min(F32(1.0), given / ask[i])
    load = np.empty(n, np.float32)
    carers = np.zeros(n_wijken, np.int64)
    overloaded = np.zeros(n_wijken, np.int64)
    for w in range(n_wijken):  # rows are sorted by wijk: a block each (the loop vectorises)
        giving = 0
        over = 0
        for j in range(wijk_start[w], wijk_start[w + 1]):
            load[j] = capacity[j] * min(asked[j], stretch)
            now = load[j] / capacity[j] if capacity[j] > 0 else F32(0.0)
            strain[j] += (now - strain[j]) / overload_weeks
            giving += load[j] > 0
            over += (load[j] > 0) & (strain[j] > overload_threshold)
        carers[w] = giving
        overloaded[w] = over
    return load, carers, overloaded


@kernel
def volunteer_hours(askers, support, wijk, pool):
    """Volunteer hours for households with a need under network activation, per wijk's pool."""
    activated = np.zeros(askers.size, np.bool_)
    per_wijk = np.zeros(pool.size, np.int64)
    for i in range(askers.size):
        r = askers[i]
        for d in range(support.shape[1]):
            if support[r, d] == NETWORK:
                activated[i] = True
                per_wijk[wijk[r]] += 1
                break
    out = np.zeros(askers.size, np.float32)
    for i in range(askers.size):
        if activated[i]:
            w = wijk[askers[i]]
            out[i] = pool[w] / max(per_wijk[w], 1)
    return out
