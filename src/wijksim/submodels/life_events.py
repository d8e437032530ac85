"""Submodel 1, life events: new needs arise, and households move.

A household without a need in a domain gets one with a weekly hazard that depends on its type
(``needs.onset_per_year``) and rises with the stages of its needs in other domains
(``needs.coupling``: debt -> stress -> care, income <-> debt, youth <-> income, ...) and with
carer overload (care and social). Hazards are sampled by thinning: candidate household-domains
are drawn at a fixed upper-bound rate per domain and accepted with probability hazard / bound. The
candidates depend only on the seed and the population size, so paired scenarios share them.
Moving households (and Wlz clients who leave) are replaced by newcomers of the same type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from wijksim.build.population import newcomer_traits, renew_households
from wijksim.codes import CARE, DOMAINS, MILD, MODERATE, N_DOMAINS, NEVER, SOCIAL, WLZ
from wijksim.compiled import F32, kernel

if TYPE_CHECKING:
    from wijksim.model import WijkModel

def hazard_tables(model: WijkModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weekly onset hazards (types x domains), coupling (domains x domains), bound per domain.

    The bound of a domain is the highest hazard any household can have in it: the largest
    onset over household types, times the coupling lift with every other need at stage 4,
    times the carer-overload boost (care and social).
    """
    needs = model.cfg.needs
    onset = np.array(needs.onset_per_year.as_rows(), dtype=np.float64).T / 52.0
    coupling = np.array([needs.coupling[d].as_list() for d in DOMAINS], dtype=np.float64)
    worst = 1.0 + 4.0 * coupling.sum(axis=0)
    overload = np.ones(N_DOMAINS)
    overload[[CARE, SOCIAL]] += model.cfg.informal.overload_hazard_multiplier
    bound = np.minimum(onset.max(axis=0) * worst * overload, 1.0)
    return onset, coupling, bound


def step(model: WijkModel) -> None:
    """Draw this week's new needs and moves."""
    new_needs(model)
    moves(model)


def bernoulli_cells(cells: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Indices in ``range(cells)`` each chosen with probability ``p``, ascending, in O(chosen).

    The gaps between chosen cells are geometric: cumulative sums of geometric draws give the
    same distribution as a Bernoulli draw per cell without drawing one number per cell.
    """
    if p <= 0 or cells == 0:
        return np.empty(0, dtype=np.int64)
    expected = cells * p
    chunks, last = [], -1
    while last < cells - 1:
        k = int(expected + 6.0 * np.sqrt(expected) + 16)
        pos = last + np.cumsum(rng.geometric(p, size=k))
        chunks.append(pos)
        last = int(pos[-1])
    out = np.concatenate(chunks)
    return out[out < cells]


def new_needs(model: WijkModel) -> None:
    """New needs by household type, raised by needs in other domains and by carer overload."""
    hh, rng, informal = model.hh, model.streams.life_events, model.cfg.informal
    onset, coupling, bound = model.onset_tables
    per_domain = [bernoulli_cells(hh.n, bound[d], rng) for d in range(N_DOMAINS)]
    rows = np.concatenate(per_domain)
    dom = np.repeat(np.arange(N_DOMAINS), [c.size for c in per_domain])
    u = rng.random(rows.size)
    sudden = rng.random(rows.size) < model.cfg.needs.sudden_onset_share
    model.record.new_needs += accept_onsets(
        rows=rows, dom=dom, u=u, sudden=sudden, need=hh.need, need_since=hh.need_since,
        episode_start=hh.episode_start, htype=hh.htype, strain=hh.strain, onset=onset,
        coupling=coupling, bound=bound, overload_threshold=F32(informal.overload_threshold),
        overload_boost=np.float64(1.0 + informal.overload_hazard_multiplier),
        week=np.int64(model.week),
    )


@kernel
def accept_onsets(
    rows, dom, u, sudden, need, need_since, episode_start, htype, strain, onset, coupling,
    bound, overload_threshold, overload_boost, week,
):
    """Accept each candidate (row, domain) with probability hazard / bound; returns new needs.

    The hazard is the onset rate of the household's type, lifted by its needs in other
    domains (coupling) and, for care and social needs, by carer overload.
    """
    hit = np.zeros(rows.size, np.bool_)
    for i in range(rows.size):  # first decide on every candidate, from last week's needs
        r, d = rows[i], dom[i]
        if need[r, d] != 0:
            continue
        lift = 0.0
        for e in range(need.shape[1]):
            lift += need[r, e] * coupling[e, d]
        boost = 1.0
        if strain[r] > overload_threshold and d in (CARE, SOCIAL):
            boost = overload_boost
        hit[i] = u[i] * bound[d] < onset[htype[r], d] * (1.0 + lift) * boost
    new = 0
    for i in range(rows.size):  # then the new needs arise
        if hit[i]:
            r, d = rows[i], dom[i]
            need[r, d] = MODERATE if sudden[i] else MILD
            need_since[r, d] = week
            if episode_start[r] == NEVER:  # episodes may have begun before week 0
                episode_start[r] = week
            new += 1
    return new


def moves(model: WijkModel) -> None:
    """Households move out (and Wlz clients leave); newcomers of the same type take their place."""
    hh, rng, cfg = model.hh, model.streams.mobility, model.cfg
    # Candidates and newcomers' traits are drawn in numbers that do not depend on the state, so
    # paired scenarios keep drawing the same numbers; a Wlz candidate leaves only if under Wlz.
    movers = rng.integers(0, hh.n, size=rng.binomial(hh.n, cfg.population.mobility_per_year / 52))
    exits = rng.integers(0, hh.n, size=rng.binomial(hh.n, cfg.policy.wlz_exit_per_year / 52))
    candidates = np.concatenate([movers, exits])
    traits = newcomer_traits(hh, candidates, cfg, rng)
    leave = np.concatenate([np.ones(movers.size, bool), hh.support[exits, CARE] == WLZ])
    rows, first = np.unique(candidates[leave], return_index=True)
    if rows.size:
        hh.release_cases(rows)
        renew_households(hh, rows, *(t[leave][first] for t in traits), model.week)
    model.record.moves += rows.size
