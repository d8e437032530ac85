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

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from wijksim.build import team as team_mod
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
from wijksim.compiled import F32, inline, kernel, status_rows

if TYPE_CHECKING:
    from wijksim.model import WijkModel


def step(model: WijkModel) -> None:
    """A week of casework: pick up new needs, spend hours, recover, close."""
    pick_up_new_needs(model)
    spend_hours(model, other_effects=False)
    settle_cases(model)  # effects of other support, recover, update plans, close: one pass


# --------------------------------------------------------------------------- plans


def assign(model: WijkModel, rows: np.ndarray, doms: np.ndarray, workers: np.ndarray) -> None:
    """Give (household, domain) pairs a worker; pairs without a plan get one now."""
    hh = model.hh
    hh.case_worker[rows, doms] = workers
    hh.handoff_ready[rows, doms] = -1
    unplanned = hh.support[rows, doms] == NO_SUPPORT
    plan(model, rows[unplanned], doms[unplanned])


def plan(model: WijkModel, rows: np.ndarray, doms: np.ndarray) -> None:
    """Choose the kind of support for each (household, domain) pair (see module docstring)."""
    hh, pol, week, record = model.hh, model.cfg.policy, model.week, model.record
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
    hh.case_worker[rows[to_wlz], doms[to_wlz]] = -1  # the team lets go: Wlz care takes over
    hh.handoff_ready[rows[to_wlz], doms[to_wlz]] = -1
    record.eligible_decisions += int(eligible.sum())
    record.eligible_otherwise += int((eligible & network).sum())
    record.maatwerk_grants += int(grant.sum())
    record.network_plans += int(network.sum())
    record.wlz_entries += int(to_wlz.sum())


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


# --------------------------------------------------------------------------- hours


class HoursInputs(NamedTuple):
    """What the hours of a case depend on besides the case itself (one kernel argument)."""

    need: np.ndarray  # int8 (n, 5)
    support: np.ndarray  # int8 (n, 5)
    support_since: np.ndarray  # int32 (n, 5)
    case_worker: np.ndarray  # int32 (n, 5)
    week: np.int64
    activation_weeks: np.int64
    hours_per_stage: np.ndarray  # float64 (5,), light support by stage
    activation_hours: np.float64
    monitor_hours: np.float64
    coordination_hours: np.float64  # 0 in an integrated team


def hours_inputs(model: WijkModel) -> HoursInputs:
    """The :class:`HoursInputs` of this week."""
    hh, pol = model.hh, model.cfg.policy
    coordination = 0.0 if model.integrated else model.cfg.team.coordination_hours
    return HoursInputs(
        need=hh.need,
        support=hh.support,
        support_since=hh.support_since,
        case_worker=hh.case_worker,
        week=np.int64(model.week),
        activation_weeks=np.int64(pol.activation_weeks),
        hours_per_stage=model.case_hours_per_stage,
        activation_hours=np.float64(pol.activation_hours),
        monitor_hours=np.float64(pol.maatwerk_monitor_hours),
        coordination_hours=np.float64(coordination),
    )


@kernel
def hours_of_cases(rows, doms, h):
    """Hours asked by each (``rows``, ``doms``) case (``h``: :class:`HoursInputs`)."""
    need, support, support_since, case_worker = h.need, h.support, h.support_since, h.case_worker
    out = np.empty(rows.size)
    for i in range(rows.size):
        out[i] = cell_hours(
            r=rows[i], d=doms[i], need=need, support=support, support_since=support_since,
            case_worker=case_worker, week=h.week, activation_weeks=h.activation_weeks,
            hours_per_stage=h.hours_per_stage, activation_hours=h.activation_hours,
            monitor_hours=h.monitor_hours, coordination_hours=h.coordination_hours,
        )
    return out


@inline
def cell_hours(r, d, need, support, support_since, case_worker, week, activation_weeks,
               hours_per_stage, activation_hours, monitor_hours, coordination_hours):
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


@inline
def distinct_workers(case_worker, r):
    """Number of distinct workers on household ``r``."""
    count = 0
    for d in range(N_DOMAINS):
        count += first_with_worker(case_worker, r, d)
    return count


@inline
def first_with_worker(case_worker, r, d):
    """Whether domain ``d`` of household ``r`` has a worker who has no lower domain of it."""
    w = case_worker[r, d]
    first = w >= 0
    for e in range(d):
        first &= case_worker[r, e] != w
    return first


def spend_hours(model: WijkModel, other_effects: bool = True) -> None:
    """Workers spend their hours on their cases; set the effect of every supported need.

    With ``other_effects=False`` only needs with a worker get their effect here; the effects of
    other support are then left to :func:`settle_cases` (as in the weekly step, one pass less).
    """
    hh, team = model.hh, model.team
    team_rows = status_rows(hh.status, IN_SUPPORT)  # only they have workers
    demand = hours_per_worker(team_rows, team.n, hours_inputs(model))
    share = team_mod.case_share(model.cfg.team.outreach_share)
    intake = team_mod.intake_hours_per_worker(team, model.record.intake_hours, model.n_wijken)
    free = np.maximum(team.hours_available * share - intake, 0.0)
    ratio = np.divide(free, demand, out=np.ones(team.n), where=demand > 0)
    ratio = np.minimum(ratio, 1.0)
    team.hours_demanded[:] = demand
    team.hours_spent[:] = np.minimum(demand, free)
    set_worker_effects(team_rows, hh.case_worker, hh.effect, ratio, team.skill)
    if other_effects:
        settle_cases(model, EFFECT)


@kernel
def hours_per_worker(rows, n_workers, h):
    """Hours each worker's cases among ``rows`` ask this week (``h``: :class:`HoursInputs`)."""
    need, support, support_since, case_worker = h.need, h.support, h.support_since, h.case_worker
    demand = np.zeros(n_workers)
    for r in rows:
        for d in range(case_worker.shape[1]):
            w = case_worker[r, d]
            if w >= 0:
                demand[w] += cell_hours(
                    r=r, d=d, need=need, support=support, support_since=support_since,
                    case_worker=case_worker, week=h.week, activation_weeks=h.activation_weeks,
                    hours_per_stage=h.hours_per_stage, activation_hours=h.activation_hours,
                    monitor_hours=h.monitor_hours, coordination_hours=h.coordination_hours,
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


# --------------------------------------------------------------------------- settling cases

#: Parts of :func:`settle_cases`, as bits: effects of support without a worker's hours,
#: recovery, revision of plans, closure.
EFFECT, RECOVER, REVISE, CLOSE = 8, 1, 2, 4


class Cases(NamedTuple):
    """The household arrays that settling cases reads and writes (one kernel argument)."""

    need: np.ndarray  # int8 (n, 5)
    need_since: np.ndarray  # int32 (n, 5)
    support: np.ndarray  # int8 (n, 5)
    support_since: np.ndarray  # int32 (n, 5)
    effect: np.ndarray  # float32 (n, 5)
    alt_eligible: np.ndarray  # bool (n, 5)
    provision_until: np.ndarray  # int32 (n, 5)
    case_worker: np.ndarray  # int32 (n, 5)
    handoff_ready: np.ndarray  # int32 (n, 5)
    calm_weeks: np.ndarray  # int16 (n, 5)
    met_share: np.ndarray  # float32 (n,)
    relapse_until: np.ndarray  # int32 (n,)
    elderly: np.ndarray  # int8 (n,)
    severe_care_weeks: np.ndarray  # int16 (n,)


class CaseRules(NamedTuple):
    """This week's parameters of settling cases (one kernel argument)."""

    hazards: np.ndarray  # float64 (kinds, stages): recovery under support, per week
    recovery_factor: np.ndarray  # float64 (5,): 1 - chronicity per domain
    maatwerk_weeks: np.ndarray  # int32 (5,): length of a provision per domain
    week: np.int64
    maatwerk_stage: np.int64
    wlz_weeks_severe: np.int64
    relapse_end: np.int64  # relapse risk raised until this week when closing with need left
    stable_weeks: np.int64
    stable_rule: bool  # closure rule "stable" (else "fixed")
    fixed_weeks: np.int64
    activation_weeks: np.int64


def cases_of(model: WijkModel) -> Cases:
    """The household arrays as :class:`Cases`."""
    hh = model.hh
    return Cases(
        need=hh.need, need_since=hh.need_since, support=hh.support,
        support_since=hh.support_since, effect=hh.effect, alt_eligible=hh.alt_eligible,
        provision_until=hh.provision_until, case_worker=hh.case_worker,
        handoff_ready=hh.handoff_ready, calm_weeks=hh.calm_weeks, met_share=hh.met_share,
        relapse_until=hh.relapse_until, elderly=hh.elderly,
        severe_care_weeks=hh.severe_care_weeks,
    )


def rules_of(model: WijkModel) -> CaseRules:
    """This week's :class:`CaseRules`."""
    pol, week = model.cfg.policy, model.week
    return CaseRules(
        hazards=model.recovery_by_support,
        recovery_factor=model.recovery_factor,
        maatwerk_weeks=model.maatwerk_weeks,
        week=np.int64(week),
        maatwerk_stage=np.int64(pol.maatwerk_stage),
        wlz_weeks_severe=np.int64(pol.wlz_weeks_severe),
        relapse_end=np.int64(week + model.cfg.needs.relapse_weeks),
        stable_weeks=np.int64(pol.stable_weeks),
        stable_rule=pol.closure_rule == "stable",
        fixed_weeks=np.int64(pol.fixed_weeks),
        activation_weeks=np.int64(pol.activation_weeks),
    )


def settle_cases(model: WijkModel, parts: int = EFFECT | RECOVER | REVISE | CLOSE) -> None:
    """Effects, recovery, revision of plans and closure in one pass over supported households.

    Each part reads and writes only the household's own state, so doing all parts for one
    household before the next gives the same as doing each part for all households in turn
    (tests call single parts, e.g. ``settle_cases(model, RECOVER)``).
    """
    hh, record = model.hh, model.record
    solved, counts = settle(
        hh.rows_with_support(), model.streams.casework, np.int64(parts), cases_of(model),
        rules_of(model),
    )
    hh.end_episodes(solved, model.week)
    record.network_failures += int(counts[0])
    record.alt_failed += int(counts[1])
    record.maatwerk_grants += int(counts[2])
    record.wlz_entries += int(counts[3])
    if parts & CLOSE:
        done = close_households(
            status_rows(hh.status, IN_SUPPORT), hh.case_worker, hh.handoff_ready,
            model.team.caseload,
        )
        record.closures += done.size
        hh.set_status(done, CLOSED, model.week)


@kernel
def settle(rows, rng, parts, c, rules):
    """Per household with support, the chosen ``parts`` of the rest of the week's casework.

    ``c`` holds the household arrays (:class:`Cases`), ``rules`` the week's parameters
    (:class:`CaseRules`). Households left without support are not visited. The parts:

    * **effects** of support that no worker's hours set: the network's met share under
      activation, 1 under running maatwerk or Wlz, 0 where nobody works on light support or on
      maatwerk that has run out (needs with a worker got theirs from the worker's hours);
    * **recovery**: each supported need recovers one stage with ``rules.hazards`` by kind of
      support (0 for none and Wlz) and stage, times the effect of the support and the domain's
      ``1 - chronicity`` (one uniform from ``rng`` per recovering need, in order);
    * **revision**: failed network activation becomes maatwerk, severe care of the elderly
      becomes Wlz, maatwerk provisions that run out end or are renewed;
    * **closure**: needs solved or due by the closure rule end; network and maatwerk plans the
      team no longer works on are handed over.

    Returns the rows that solved a need by recovery, and counts of network failures, failures
    of would-be maatwerk plans, maatwerk grants and Wlz entries. Flags are combined with ``&``
    and ``|``, which is cheaper here than branching on each.
    """
    # The structured arguments are unpacked once: reading a named tuple's array inside the loop
    # would take a reference to it at every access.
    need, need_since, support, support_since = c.need, c.need_since, c.support, c.support_since
    effect, calm_weeks, alt_eligible = c.effect, c.calm_weeks, c.alt_eligible
    provision_until, case_worker, handoff_ready = c.provision_until, c.case_worker, c.handoff_ready
    met_share, relapse_until = c.met_share, c.relapse_until
    elderly, severe_care_weeks = c.elderly, c.severe_care_weeks
    hazards, recovery_factor = rules.hazards, rules.recovery_factor
    maatwerk_weeks, week, relapse_end = rules.maatwerk_weeks, rules.week, rules.relapse_end
    maatwerk_stage, stable_weeks = rules.maatwerk_stage, rules.stable_weeks
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
                    & (severe_care_weeks[r] >= rules.wlz_weeks_severe)):
                support[r, CARE] = WLZ
                case_worker[r, CARE] = -1
                handoff_ready[r, CARE] = -1
                counts[3] += 1
            for d in domains[:n_dom]:
                if (support[r, d] == MAATWERK) & (provision_until[r, d] <= week):
                    if need[r, d] >= maatwerk_stage:
                        provision_until[r, d] = week + maatwerk_weeks[d]
                    else:
                        end_support(r=r, d=d, need=need, support=support,
                                    case_worker=case_worker, handoff_ready=handoff_ready,
                                    effect=effect, provision_until=provision_until,
                                    relapse_until=relapse_until, relapse_end=relapse_end)
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
            if rules.stable_rule:
                due = team_domain & (calm_for >= stable_weeks)
            else:
                due = team_domain & (since >= rules.fixed_weeks)
            handed_over = (
                ((kind == NETWORK) | (kind == MAATWERK)) & team_domain
                & (since >= rules.activation_weeks)
            )
            ending = False
            if ((kind == MAATWERK) & due) | (handed_over & (not due)):
                case_worker[r, d] = -1
                handoff_ready[r, d] = -1
            elif due | done:
                ending = True
            if (kind == NETWORK) & (case_worker[r, d] < 0) & (stage == 0):
                ending = True
            if ending:
                end_support(r=r, d=d, need=need, support=support, case_worker=case_worker,
                            handoff_ready=handoff_ready, effect=effect,
                            provision_until=provision_until, relapse_until=relapse_until,
                            relapse_end=relapse_end)
    return solved[:n_solved].copy(), counts


@kernel
def end_support(r, d, need, support, case_worker, handoff_ready, effect, provision_until,
                relapse_until, relapse_end):
    """Support of one need ends; need left over raises the household's relapse risk."""
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
