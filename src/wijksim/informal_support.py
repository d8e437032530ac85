"""Submodel 2, informal support and self-reliance: the personal network helps, carers strain.

A household asks its network for informal care hours by the stages of its needs that no formal
provision covers (``informal.demand_hours``); a need under network activation (network-first)
asks twice as much. Each tie passes a share of the carer's capacity, weighted by the tie:
household ``i`` can draw ``S_i = sum_j w_ij c_j`` and asks each tie ``r_i = min(d_i / S_i, 2)``
times its share. Carers give what is asked, but at most twice their capacity in all: carer ``j``
carries ``c_j * min(a_j, 2)`` with ``a_j = sum_i w_ij r_i``, and an asker gets
``r_i * sum_j w_ij c_j min(1, 2 / a_j)``: what overloaded carers cannot give is missing.
The share of demand met (``met_share``) shields needs from escalation and speeds recovery
(submodel 3); carers whose load stays above capacity become overloaded (``strain``), which
raises their own care and social hazards (submodel 1). Thin networks give less help and load
their few carers more. Volunteers paid from the sociale basis budget add hours for needs under
network activation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from wijksim.state import MAATWERK, NETWORK, WLZ

if TYPE_CHECKING:
    from wijksim.model import WijkModel

#: How far carers stretch beyond their capacity when asked.
MAX_STRETCH = 2.0
#: A need under network activation asks the network this many times the usual hours.
ACTIVATION_DEMAND = 2.0


def demand_hours(model: WijkModel, rows: np.ndarray | None = None) -> np.ndarray:
    """Informal care hours each household (or each of ``rows``) asks this week."""
    hh = model.hh
    need = hh.need if rows is None else hh.need[rows]
    support = hh.support if rows is None else hh.support[rows]
    hours = model.informal_demand_per_stage[need]
    formal = (support == MAATWERK) | (support == WLZ)
    hours = np.where(formal, 0.25 * hours, hours)
    hours = np.where(support == NETWORK, ACTIVATION_DEMAND * hours, hours)
    return hours.sum(axis=1, dtype=np.float32)


def step(model: WijkModel) -> None:
    """Share informal care over the network; update met shares and carer strain."""
    hh, cfg = model.hh, model.cfg.informal
    needy = hh.rows_with_need()
    demand = demand_hours(model, needy)
    asking = demand > 0
    askers = needy[asking]
    met = np.ones(hh.n, dtype=np.float32)
    load = np.zeros(hh.n, dtype=np.float32)
    if askers.size:
        sub = model.net[askers]
        reachable = sub @ hh.care_capacity
        volunteer = volunteer_hours(model, askers)
        ask = demand[asking]
        ratio = np.divide(
            ask, reachable, out=np.full(ask.size, MAX_STRETCH, np.float32), where=reachable > 0
        )
        ratio = np.minimum(ratio, MAX_STRETCH).astype(np.float32)
        asked = sub.T @ ratio  # per carer, in units of its capacity
        scale = np.where(asked > MAX_STRETCH, MAX_STRETCH / np.maximum(asked, 1e-12), 1.0)
        given = ratio * (sub @ (hh.care_capacity * scale.astype(np.float32))) + volunteer
        met[askers] = np.minimum(1.0, given / ask)
        load = hh.care_capacity * np.minimum(asked, MAX_STRETCH).astype(np.float32)
    hh.met_share[:] = met
    strain_now = np.divide(
        load, hh.care_capacity, out=np.zeros_like(load), where=hh.care_capacity > 0
    )
    hh.strain += (strain_now - hh.strain) / np.float32(cfg.overload_weeks)
    model.carer_load = load


def volunteer_hours(model: WijkModel, askers: np.ndarray) -> np.ndarray:
    """Volunteer hours for households with a need under network activation, per wijk's budget."""
    hh = model.hh
    activated = (hh.support[askers] == NETWORK).any(axis=1)
    out = np.zeros(askers.size, dtype=np.float32)
    if not activated.any():
        return out
    wijk = hh.wijk[askers[activated]]
    per_wijk = np.bincount(wijk, minlength=model.n_wijken)
    pool = model.volunteer_pool
    out[activated] = pool[wijk] / np.maximum(per_wijk[wijk], 1)
    return out
