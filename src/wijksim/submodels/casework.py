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

from wijksim.codes import (
    CARE,
    CLOSED,
    IN_SUPPORT,
    LIGHT,
    MAATWERK,
    N_DOMAINS,
    NETWORK,
    NO_SUPPORT,
    WLZ,
)
from wijksim.compiled import F32, kernel, status_rows

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
    return hours_of_cases(rows, doms, *_hours_inputs(model))


def _hours_inputs(model: WijkModel) -> tuple:
    """What :func:`cell_hours` reads besides the case: state, week and the team's hours."""
    hh, pol = model.hh, model.cfg.policy
    coordination = 0.0 if model.integrated else model.cfg.team.coordination_hours
    return (
        hh.support, hh.need, hh.support_since, hh.case_worker, np.int64(model.week),
        np.int64(pol.activation_weeks), model.case_hours_per_stage,
        np.float64(pol.activation_hours), np.float64(pol.maatwerk_monitor_hours),
        np.float64(coordination),
    )


@kernel
def hours_of_cases(
    rows, doms, support, need, support_since, case_worker, week, activation_weeks,
    hours_per_stage, activation_hours, monitor_hours, coordination_hours,
):
    """Hours asked by each (``rows``, ``doms``) case."""
    out = np.empty(rows.size)
    for i in range(rows.size):
        out[i] = cell_hours(
            rows[i], doms[i], support, need, support_since, case_worker, week, activation_weeks,
            hours_per_stage, activation_hours, monitor_hours, coordination_hours,
        )
    return out


@kernel
def cell_hours(
    r, d, support, need, support_since, case_worker, week, activation_weeks, hours_per_stage,
    activation_hours, monitor_hours, coordination_hours,
):
    """Hours a case asks this week.

    Light support by stage, activation, monitoring; plus coordination with every other worker
    on the household (0 in an integrated team).
    """
    kind = support[r, d]
    hours = 0.0
    if kind == LIGHT:
        hours = hours_per_stage[need[r, d]]
    elif kind == NETWORK and week - support_since[r, d] < activation_weeks:
        hours = activation_hours
    elif kind == MAATWERK:
        hours = monitor_hours
    if coordination_hours > 0:
        hours = hours + coordination_hours * max(distinct_workers(case_worker, r) - 1, 0)
    return hours


@kernel
def distinct_workers(case_worker, r):
    """Number of distinct workers on household ``r``."""
    count = 0
    for d in range(N_DOMAINS):
        count += first_with_worker(case_worker, r, d)
    return count


@kernel
def first_with_worker(case_worker, r, d):
    """Whether domain ``d`` of household ``r`` has a worker who has no lower domain of it."""
    w = case_worker[r, d]
    first = w >= 0
    for e in range(d):
        first &= case_worker[r, e] != w
    return first


def step(model: WijkModel) -> None:
    """A week of casework: pick up new needs, spend hours, recover, close."""
    pick_up_new_needs(model)
    spend_hours(model, other_effects=False)
    settle_cases(model)  # effects of other support, recover, update plans, close: one pass


def pick_up_new_needs(model: WijkModel) -> None:
    """New needs of households in support: the own worker (integrated) or a referral (siloed)."""
    hh = model.hh
    in_support = status_rows(hh.status, IN_SUPPORT)
    rows, d, own = new_needs_in_support(
        in_support, hh.need, hh.support, hh.case_worker, hh.handoff_ready
    )
    if model.integrated:
        has = own >= 0
        assign(model, rows[has], d[has], own[has])
        hh.handoff_ready[rows[~has], d[~has]] = model.week
    else:
        hh.handoff_ready[rows, d] = model.week + model.cfg.team.handoff_weeks


@kernel
def new_needs_in_support(rows, need, support, case_worker, handoff_ready):
    """Needs of ``rows`` nobody works on or is referred to: (row, domain, the row's worker)."""
    n_dom = need.shape[1]
    out_rows = np.empty(rows.size * n_dom, np.int64)
    out_doms = np.empty(rows.size * n_dom, np.int64)
    out_own = np.empty(rows.size * n_dom, np.int64)
    k = 0
    for r in rows:
        own = -1
        for d in range(n_dom):
            own = max(own, case_worker[r, d])
        for d in range(n_dom):
            if (need[r, d] > 0 and support[r, d] == NO_SUPPORT and case_worker[r, d] < 0
                    and handoff_ready[r, d] < 0):
                out_rows[k] = r
                out_doms[k] = d
                out_own[k] = own
                k += 1
    return out_rows[:k].copy(), out_doms[:k].copy(), out_own[:k].copy()


def spend_hours(model: WijkModel, other_effects: bool = True) -> None:
    """Workers spend their hours on their cases; set the effect of every supported need.

    With ``other_effects=False`` only needs with a worker get their effect here; the effects of
    other support are then left to :func:`settle_cases` (as in the weekly step, one pass less).
    """
    hh, team = model.hh, model.team
    team_rows = status_rows(hh.status, IN_SUPPORT)  # only they have workers
    demand = hours_per_worker(team_rows, team.n, *_hours_inputs(model))
    share = model.team_share_for_cases()
    free = np.maximum(team.hours_available * share - model.intake_hours_per_worker(), 0.0)
    ratio = np.divide(free, demand, out=np.ones(team.n), where=demand > 0)
    ratio = np.minimum(ratio, 1.0)
    team.hours_demanded[:] = demand
    team.hours_spent[:] = np.minimum(demand, free)
    set_worker_effects(team_rows, hh.case_worker, hh.effect, ratio, team.skill)
    if other_effects:
        settle_cases(model, EFFECT)


@kernel
def hours_per_worker(
    rows, n_workers, support, need, support_since, case_worker, week, activation_weeks,
    hours_per_stage, activation_hours, monitor_hours, coordination_hours,
):
    """Hours each worker's cases among ``rows`` ask this week."""
    demand = np.zeros(n_workers)
    for r in rows:
        for d in range(case_worker.shape[1]):
            w = case_worker[r, d]
            if w >= 0:
                demand[w] += cell_hours(
                    r, d, support, need, support_since, case_worker, week, activation_weeks,
                    hours_per_stage, activation_hours, monitor_hours, coordination_hours,
                )
    return demand


@kernel
def set_worker_effects(team_rows, case_worker, effect, ratio, skill):
    """Effect of each need a worker works on: the worker's share of hours times skill."""
    for r in team_rows:
        for d in range(N_DOMAINS):
            w = case_worker[r, d]
            if w >= 0:
                effect[r, d] = ratio[w] * skill[w]


def recover(model: WijkModel) -> None:
    """Supported needs recover one stage with a hazard set by the kind and effect of support."""
    settle_cases(model, RECOVER)


def update_plans(model: WijkModel) -> None:
    """Failed network activation becomes maatwerk; severe care becomes Wlz; provisions end."""
    settle_cases(model, REVISE)


def close(model: WijkModel) -> None:
    """Close domains by the closure rule, and households with no domain left at the team."""
    settle_cases(model, CLOSE)


#: Parts of :func:`settle_cases`, as bits: effects of support without a worker's hours,
#: recovery, revision of plans, closure.
EFFECT, RECOVER, REVISE, CLOSE = 8, 1, 2, 4


def settle_cases(model: WijkModel, parts: int = EFFECT | RECOVER | REVISE | CLOSE) -> None:
    """Effects, recovery, revision of plans and closure in one pass over supported households.

    Each part reads and writes only the household's own state, so doing all parts for one
    household before the next gives the same as doing each part for all households in turn.
    """
    hh, pol = model.hh, model.cfg.policy
    rows = hh.rows_with_support()
    solved, counts = settle(
        rows, model.streams.casework, np.int64(parts), hh.support, hh.need, hh.need_since,
        hh.effect, hh.met_share, model.recovery_by_support, model.recovery_factor, hh.support_since,
        hh.alt_eligible, hh.provision_until, hh.case_worker, hh.handoff_ready, hh.relapse_until,
        hh.elderly, hh.severe_care_weeks, hh.calm_weeks, model.maatwerk_weeks, np.int64(model.week),
        np.int64(pol.maatwerk_stage), np.int64(pol.wlz_weeks_severe),
        np.int64(model.week + model.cfg.needs.relapse_weeks), np.int64(pol.stable_weeks),
        pol.closure_rule == "stable", np.int64(pol.fixed_weeks), np.int64(pol.activation_weeks),
    )
    model.end_episodes(solved)
    names = ("network_failures", "alt_failed", "maatwerk_grants", "wlz_entries")
    for name, count in zip(names, counts, strict=True):
        model.tally[name] += int(count)
    if parts & CLOSE:
        done = close_households(
            status_rows(hh.status, IN_SUPPORT), hh.case_worker, hh.handoff_ready,
            model.team.caseload,
        )
        model.tally["closures"] += done.size
        model.set_status(done, CLOSED)


@kernel
def settle(
    rows, rng, parts, support, need, need_since, effect, met_share, hazards, recovery_factor,
    support_since,
    alt_eligible, provision_until, case_worker, handoff_ready, relapse_until, elderly,
    severe_care_weeks, calm_weeks, maatwerk_weeks, week, maatwerk_stage, wlz_weeks_severe,
    relapse_end, stable_weeks, stable_rule, fixed_weeks, activation_weeks,
):
    """Per household with support, the chosen ``parts`` of the rest of the week's casework.

    * Effects: the network's met share under activation, 1 under running maatwerk or Wlz, 0
      where nobody works on light support or on maatwerk that has run out (needs with a worker
      got theirs from the worker's hours).
    * Recovery: each supported need recovers one stage with ``hazards`` by kind of support
      (rows; 0 for none and Wlz) and stage (columns), times the effect of the support and the
      domain's chronicity (one uniform from ``rng`` per recovering need, in order).
    * Revision: failed network activation becomes maatwerk, severe care of the elderly becomes
      Wlz, maatwerk provisions that run out end or are renewed.
    * Closure: needs solved or due by the closure rule end; network and maatwerk plans the team
      no longer works on are handed over. Households left without support are not visited.

    Returns the rows that solved a need by recovery, and counts of network failures, failures
    of would-be maatwerk plans, maatwerk grants and Wlz entries. Flags are combined with ``&``
    and ``|``, which is cheaper here than branching on each.
    """
    solved = np.empty(rows.size, np.int64)
    n_solved = 0
    counts = np.zeros(4, np.int64)
    domains = np.empty(N_DOMAINS, np.int64)  # the household's domains with support
    for r in rows:
        n_dom = 0
        for d in range(N_DOMAINS):
            domains[n_dom] = d
            n_dom += support[r, d] != NO_SUPPORT
        if parts & EFFECT:  # (the kinds exclude each other; selects instead of branches)
            for d in domains[:n_dom]:
                kind = support[r, d]
                unstaffed = case_worker[r, d] < 0
                value = effect[r, d]
                formal = (kind == WLZ) | ((kind == MAATWERK) & (provision_until[r, d] > week))
                activated = (F32(1.0) if unstaffed else value) * met_share[r]
                value = F32(0.0) if (kind == LIGHT) & unstaffed else value
                value = activated if kind == NETWORK else value
                value = F32(1.0) if formal else value
                value = F32(0.0) if (kind == MAATWERK) & (not formal) & unstaffed else value
                effect[r, d] = value
        if parts & RECOVER:
            any_solved = False
            for d in domains[:n_dom]:
                kind = support[r, d]
                stage = need[r, d]
                if (kind == WLZ) | (stage == 0):
                    continue
                if rng.random() < hazards[kind, stage] * effect[r, d] * recovery_factor[d]:
                    need[r, d] = stage - 1
                    if stage == 1:
                        need_since[r, d] = -1
                        any_solved = True
            solved[n_solved] = r
            n_solved += any_solved
        if parts & REVISE:
            for d in domains[:n_dom]:
                if (support[r, d] == NETWORK) & (need[r, d] >= maatwerk_stage + alt_eligible[r, d]):
                    counts[0] += 1
                    counts[1] += alt_eligible[r, d]
                    counts[2] += 1
                    support[r, d] = MAATWERK
                    support_since[r, d] = week
                    alt_eligible[r, d] = False
                    provision_until[r, d] = week + maatwerk_weeks[d]
            if ((support[r, CARE] == MAATWERK) & (elderly[r] > 0)
                    & (severe_care_weeks[r] >= wlz_weeks_severe)):
                support[r, CARE] = WLZ
                case_worker[r, CARE] = -1
                handoff_ready[r, CARE] = -1
                counts[3] += 1
            for d in domains[:n_dom]:
                if (support[r, d] == MAATWERK) & (provision_until[r, d] <= week):
                    if need[r, d] >= maatwerk_stage:
                        provision_until[r, d] = week + maatwerk_weeks[d]
                    else:
                        end_cell(r, d, support, need, case_worker, handoff_ready, effect,
                                 provision_until, relapse_until, relapse_end)
        if not parts & CLOSE:
            continue
        supported = False
        for d in domains[:n_dom]:
            supported |= support[r, d] != NO_SUPPORT
        if not supported:
            continue
        for d in range(N_DOMAINS):
            kind = support[r, d]
            stage = need[r, d]
            team_domain = case_worker[r, d] >= 0
            if (kind == NO_SUPPORT) & (not team_domain):  # nothing to close: only not calm
                calm_weeks[r, d] = 0
                continue
            calm = (kind != NO_SUPPORT) & (stage <= 1)
            calm_weeks[r, d] = (calm_weeks[r, d] + 1) * calm
            calm_for = calm_weeks[r, d]
            done = (team_domain & (stage == 0) & (kind != MAATWERK)) | (
                (kind == MAATWERK) & (stage == 0) & (calm_for >= stable_weeks)
            )
            since = week - support_since[r, d]
            if stable_rule:
                due = team_domain & (calm_for >= stable_weeks)
            else:
                due = team_domain & (since >= fixed_weeks)
            handed_over = (
                ((kind == NETWORK) | (kind == MAATWERK)) & team_domain & (since >= activation_weeks)
            )
            if ((kind == MAATWERK) & due) | (handed_over & (not due)):
                case_worker[r, d] = -1
                handoff_ready[r, d] = -1
            elif due | done:
                end_cell(r, d, support, need, case_worker, handoff_ready, effect,
                         provision_until, relapse_until, relapse_end)
            if (kind == NETWORK) & (case_worker[r, d] < 0) & (stage == 0):
                end_cell(r, d, support, need, case_worker, handoff_ready, effect,
                         provision_until, relapse_until, relapse_end)
    return solved[:n_solved].copy(), counts


@kernel
def end_cell(r, d, support, need, case_worker, handoff_ready, effect, provision_until,
             relapse_until, relapse_end):
    """End support of one need (see :func:`end_support`)."""
    case_worker[r, d] = -1
    handoff_ready[r, d] = -1
    support[r, d] = NO_SUPPORT
    effect[r, d] = F32(0.0)
    provision_until[r, d] = -1
    if need[r, d] > 0:
        relapse_until[r] = relapse_end


@kernel
def close_households(rows, case_worker, handoff_ready, caseload):
    """Households of ``rows`` with no domain at the team (returned); recount caseloads."""
    caseload[:] = 0
    done = np.empty(rows.size, np.int64)
    n_done = 0
    for r in rows:
        active = False
        for d in range(N_DOMAINS):
            active |= (case_worker[r, d] >= 0) | (handoff_ready[r, d] >= 0)
        if not active:
            done[n_done] = r
            n_done += 1
            continue
        for d in range(N_DOMAINS):
            if first_with_worker(case_worker, r, d):
                caseload[case_worker[r, d]] += 1
    return done[:n_done].copy()
