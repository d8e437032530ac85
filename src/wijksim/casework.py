"""Submodel 6, casework: workers spend their hours; plans, effects, closure and relapse.

**Plans.** When a worker takes up a domain of a household, it gets a plan:

* **Wlz** - a care need of an elderly household that stayed severe for ``wlz_weeks_severe``:
  long-term care outside the wijkteam (permanent until the client leaves);
* **network activation** - with chance ``network_first`` (Breda: first look at the question
  and the resident's own network): the team activates network and volunteers for
  ``activation_weeks``, then the network carries the need;
* **maatwerk** - a maatwerkvoorziening (formal Wmo / youth / re-integration / debt relief /
  day activity, by domain) when the need is at ``maatwerk_stage`` or worse; a provider delivers
  it for ``maatwerk_weeks``; the team monitors;
* **light support** - otherwise: the worker helps, ``case_hours`` a week by stage.

**Hours.** Each worker's cases ask hours (light support by stage, activation, monitoring, and
in a siloed team ``coordination_hours`` for every other worker on the same household). A worker
whose cases ask more than the hours left after outreach and intake spreads them thin: every case
gets the same share. The *effect* of support is that share times the worker's skill (1 for a
specialist, ``broad_skill`` for a generalist); it shields needs from escalation (submodel 3)
and drives recovery here.

**Failure, closure, relapse.** Network activation that fails (the need passes the maatwerk
threshold) turns into maatwerk. A domain closes when its need has been at stage 1 or lower for
``stable_weeks`` (closure rule ``stable``) or after ``fixed_weeks`` whatever the need (``fixed``);
closing with need left raises the relapse risk. A household's case closes when no domain has a
worker any more; maatwerk and Wlz provisions run on until they end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from wijksim.state import (
    CARE,
    CLOSED,
    IN_SUPPORT,
    LIGHT,
    MAATWERK,
    NETWORK,
    NO_SUPPORT,
    WLZ,
)
from wijksim.team import caseloads

if TYPE_CHECKING:
    from wijksim.model import WijkModel


def assign(model: WijkModel, rows: np.ndarray, doms: np.ndarray, workers: np.ndarray) -> None:
    """Give (household, domain) pairs a worker; pairs without a plan get one now."""
    hh = model.hh
    hh.case_worker[rows, doms] = workers
    hh.handoff_ready[rows, doms] = -1
    unplanned = hh.support[rows, doms] == NO_SUPPORT
    plan(model, rows[unplanned], doms[unplanned])


def plan(model: WijkModel, rows: np.ndarray, doms: np.ndarray) -> None:
    """Choose the kind of support for each (household, domain) pair (see module docstring)."""
    hh, pol, week = model.hh, model.cfg.policy, model.week
    if rows.size == 0:
        return
    stage = hh.need[rows, doms]
    u = model.streams.casework.random(rows.size)
    wlz = (
        (doms == CARE)
        & (hh.elderly[rows] > 0)
        & (hh.severe_care_weeks[rows] >= pol.wlz_weeks_severe)
    )
    eligible = (stage >= pol.maatwerk_stage) & ~wlz
    network = ~wlz & (u < pol.network_first)
    kind = np.select([wlz, network, eligible], [WLZ, NETWORK, MAATWERK], default=LIGHT)
    hh.support[rows, doms] = kind
    hh.support_since[rows, doms] = week
    hh.calm_weeks[rows, doms] = 0
    hh.alt_eligible[rows, doms] = eligible & network
    grant = kind == MAATWERK
    hh.provision_until[rows[grant], doms[grant]] = week + model.maatwerk_weeks[doms[grant]]
    to_wlz = kind == WLZ
    release(model, rows[to_wlz], doms[to_wlz])
    model.tally["eligible_decisions"] += int(eligible.sum())
    model.tally["eligible_otherwise"] += int((eligible & network).sum())
    model.tally["maatwerk_grants"] += int(grant.sum())
    model.tally["network_plans"] += int(network.sum())
    model.tally["wlz_entries"] += int(to_wlz.sum())


def release(model: WijkModel, rows: np.ndarray, doms: np.ndarray) -> None:
    """The team lets go of these (household, domain) pairs."""
    model.hh.case_worker[rows, doms] = -1
    model.hh.handoff_ready[rows, doms] = -1


def end_support(model: WijkModel, rows: np.ndarray, doms: np.ndarray) -> None:
    """Support of these pairs ends; need left over raises the household's relapse risk."""
    hh = model.hh
    release(model, rows, doms)
    hh.support[rows, doms] = NO_SUPPORT
    hh.effect[rows, doms] = 0
    hh.provision_until[rows, doms] = -1
    left = hh.need[rows, doms] > 0
    hh.relapse_until[rows[left]] = model.week + model.cfg.needs.relapse_weeks


def case_hours(model: WijkModel, rows: np.ndarray, doms: np.ndarray) -> np.ndarray:
    """Weekly hours asked by each (household, domain) case that has a worker."""
    hh, pol, team = model.hh, model.cfg.policy, model.cfg.team
    kind = hh.support[rows, doms]
    stage = hh.need[rows, doms]
    activating = model.week - hh.support_since[rows, doms] < pol.activation_weeks
    hours = np.select(
        [kind == LIGHT, (kind == NETWORK) & activating, kind == MAATWERK],
        [model.case_hours_per_stage[stage], pol.activation_hours, pol.maatwerk_monitor_hours],
        default=0.0,
    )
    if not model.integrated:
        workers = hh.case_worker[rows]
        distinct = _distinct_workers(workers)
        hours = hours + team.coordination_hours * np.maximum(distinct - 1, 0)
    return hours


def _distinct_workers(workers: np.ndarray) -> np.ndarray:
    """Number of distinct workers (>= 0) per row of a rows x 5 matrix."""
    w = np.sort(workers, axis=1)
    first = np.ones_like(w, dtype=bool)
    first[:, 1:] = w[:, 1:] != w[:, :-1]
    return (first & (w >= 0)).sum(axis=1)


def step(model: WijkModel) -> None:
    """A week of casework: pick up new needs, spend hours, recover, close."""
    pick_up_new_needs(model)
    spend_hours(model)
    recover(model)
    update_plans(model)
    close(model)


def pick_up_new_needs(model: WijkModel) -> None:
    """New needs of households in support: the own worker (integrated) or a referral (siloed)."""
    hh = model.hh
    in_support = np.flatnonzero(hh.status == IN_SUPPORT)
    sub = hh.need[in_support] > 0
    new = sub & (hh.support[in_support] == NO_SUPPORT) & (hh.case_worker[in_support] < 0)
    new &= hh.handoff_ready[in_support] < 0
    r, d = np.nonzero(new)
    rows = in_support[r]
    if model.integrated:
        own = hh.case_worker[rows].max(axis=1)
        has = own >= 0
        assign(model, rows[has], d[has], own[has])
        hh.handoff_ready[rows[~has], d[~has]] = model.week
    else:
        hh.handoff_ready[rows, d] = model.week + model.cfg.team.handoff_weeks


def _cells(rows: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(household row, domain) pairs where ``mask`` (a rows x 5 array for ``rows``) holds."""
    local, dom = np.nonzero(mask)
    return rows[local], dom


def spend_hours(model: WijkModel) -> None:
    """Workers spend their hours on their cases; set the effect of every supported need."""
    hh, team = model.hh, model.team
    team_rows = np.flatnonzero(hh.status == IN_SUPPORT)  # only they have workers
    r, d = _cells(team_rows, hh.case_worker[team_rows] >= 0)
    workers = hh.case_worker[r, d]
    hours = case_hours(model, r, d)
    demand = np.bincount(workers, weights=hours, minlength=team.n)
    share = model.team_share_for_cases()
    free = np.maximum(team.hours_available * share - model.intake_hours_per_worker(), 0.0)
    ratio = np.divide(free, demand, out=np.ones(team.n), where=demand > 0)
    ratio = np.minimum(ratio, 1.0)
    team.hours_demanded[:] = demand
    team.hours_spent[:] = np.minimum(demand, free)
    hh.effect[r, d] = (ratio[workers] * team.skill[workers]).astype(np.float32)

    rows = hh.rows_with_support()  # effect is 0 wherever there is no support
    support = hh.support[rows]
    effect = hh.effect[rows]
    unstaffed = hh.case_worker[rows] < 0
    effect[(support == LIGHT) & unstaffed] = 0.0
    network = support == NETWORK
    effect[network & unstaffed] = 1.0
    effect[network] *= np.broadcast_to(hh.met_share[rows, None], effect.shape)[network]
    formal = ((support == MAATWERK) & (hh.provision_until[rows] > model.week)) | (support == WLZ)
    effect[formal] = 1.0
    effect[(support == MAATWERK) & ~formal & unstaffed] = 0.0
    hh.effect[rows] = effect


def recover(model: WijkModel) -> None:
    """Supported needs recover one stage with a hazard set by the kind and effect of support."""
    hh, rng = model.hh, model.streams.casework
    rows = hh.rows_with_support()
    support = hh.support[rows]
    r, d = _cells(rows, (support != NO_SUPPORT) & (support != WLZ) & (hh.need[rows] > 0))
    u = rng.random(r.size)
    kind = hh.support[r, d]
    stage = hh.need[r, d]
    hazard = (
        np.select(
            [kind == LIGHT, kind == NETWORK, kind == MAATWERK],
            [
                model.light_recovery_per_week[stage],
                model.network_recovery_per_week[stage],
                model.maatwerk_recovery_per_week[stage],
            ],
            default=0.0,
        )
        * hh.effect[r, d]
        * model.recovery_factor[d]
    )
    down = u < hazard
    hh.need[r[down], d[down]] -= 1
    solved = down & (hh.need[r, d] == 0)
    hh.need_since[r[solved], d[solved]] = -1
    model.end_episodes(r[solved])


def update_plans(model: WijkModel) -> None:
    """Failed network activation becomes maatwerk; severe care becomes Wlz; provisions end."""
    hh, pol, week = model.hh, model.cfg.policy, model.week
    rows = hh.rows_with_support()
    r, d = _cells(rows, hh.support[rows] == NETWORK)
    threshold = pol.maatwerk_stage + hh.alt_eligible[r, d]
    failed = hh.need[r, d] >= threshold
    r, d = r[failed], d[failed]
    model.tally["network_failures"] += r.size
    model.tally["alt_failed"] += int(hh.alt_eligible[r, d].sum())
    hh.support[r, d] = MAATWERK
    hh.support_since[r, d] = week
    hh.alt_eligible[r, d] = False
    hh.provision_until[r, d] = week + model.maatwerk_weeks[d]
    model.tally["maatwerk_grants"] += r.size

    care = rows[
        (hh.support[rows, CARE] == MAATWERK)
        & (hh.elderly[rows] > 0)
        & (hh.severe_care_weeks[rows] >= pol.wlz_weeks_severe)
    ]
    hh.support[care, CARE] = WLZ
    release(model, care, np.full(care.size, CARE))
    model.tally["wlz_entries"] += care.size

    r, d = _cells(rows, (hh.support[rows] == MAATWERK) & (hh.provision_until[rows] <= week))
    again = hh.need[r, d] >= pol.maatwerk_stage
    hh.provision_until[r[again], d[again]] = week + model.maatwerk_weeks[d[again]]
    end_support(model, r[~again], d[~again])


def close(model: WijkModel) -> None:
    """Close domains by the closure rule, and households with no domain left at the team."""
    hh, pol, week = model.hh, model.cfg.policy, model.week
    rows = hh.rows_with_support()  # a worker implies a plan, so team cases are among these
    support, need = hh.support[rows], hh.need[rows]
    team_domain = hh.case_worker[rows] >= 0
    calm = (support != NO_SUPPORT) & (need <= 1)
    calm_weeks = np.where(calm, hh.calm_weeks[rows] + 1, 0).astype(np.int16)
    hh.calm_weeks[rows] = calm_weeks
    solved = team_domain & (need == 0) & (support != MAATWERK)
    solved |= (support == MAATWERK) & (need == 0) & (calm_weeks >= pol.stable_weeks)
    since = week - hh.support_since[rows]
    if pol.closure_rule == "stable":
        due = team_domain & (calm_weeks >= pol.stable_weeks)
    else:
        due = team_domain & (since >= pol.fixed_weeks)
    handed_over = (
        ((support == NETWORK) | (support == MAATWERK)) & team_domain
        & (since >= pol.activation_weeks)
    )
    release_only = (support == MAATWERK) & due | handed_over & ~due
    release(model, *_cells(rows, release_only))
    end_support(model, *_cells(rows, (due | solved) & ~release_only))
    network_calm = (support == NETWORK) & (hh.case_worker[rows] < 0) & (need == 0)
    end_support(model, *_cells(rows, network_calm))

    in_support = np.flatnonzero(hh.status == IN_SUPPORT)
    active = (hh.case_worker[in_support] >= 0) | (hh.handoff_ready[in_support] >= 0)
    done = in_support[~active.any(axis=1)]
    model.tally["closures"] += done.size
    model.set_status(done, CLOSED)
    model.team.caseload[:] = caseloads(hh.case_worker[hh.status == IN_SUPPORT], model.team.n)
