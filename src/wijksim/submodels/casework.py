"""Submodel 6, casework: stepped care (Wmo 2015 art. 2.3.5); hours, effects, reviews, closure.

**The plan** (made at intake, :func:`plan`). Each need the team takes up gets a route, the
lightest that can carry it:

* **Wlz** - a care need of an elderly household that stayed severe for ``wlz_weeks_severe``:
  long-term care outside the wijkteam;
* needs below ``maatwerk_stage``: **light support** by a worker of the team;
* needs at or above ``maatwerk_stage`` (would-be maatwerk): a share ``network_first`` of them
  (below crisis) get the Breda **conversation** (resident, social worker, Wmo consultant), in
  which a **network** plan is chosen when the household's network can carry the need (the care
  hours its ties can give reach ``network_carry_share`` of the household's informal demand);
  otherwise the **sociale basis** (a voorliggende or algemene voorziening) takes the need when
  it has a place in the wijk and the need is at most ``basis_max_stage``, as the Wmo asks the
  gemeente to weigh before maatwerk; else a **maatwerkvoorziening** is granted: a provision of
  the need's domain (:mod:`wijksim.submodels.provisions`) that starts ``decision_weeks`` after
  the intake (the beschikking), whatever the team's caseloads.

Light support and network activation need a worker with a free case slot (the plan then waits
for one, see intake's ``assign_workers``); the sociale basis and maatwerk do not: the team hands
them over. A would-be maatwerk case routed otherwise counts as **solved otherwise** when no
maatwerk follows within ``alt_outcome_weeks``.

**Hours and effects.** Each worker's cases ask hours (light support by stage, activation, and in
a siloed team ``coordination_hours`` for every other worker on the same household). A worker
whose cases ask more than the hours left after outreach and intake spreads them thin: every case
gets the same share. The *effect* of a worker's support is that share, times ``broad_skill`` for
a generalist on a need at ``specialist_stage`` or worse. The network's effect is the share of
informal demand it meets; the sociale basis has ``basis_effect``; a running provision and the
Wlz have effect 1. Effects shield needs from escalation (submodel 3) and drive recovery here,
with hazards by kind of support; light or basis support of a mild need (stage 1) recovers
``early_support_effect`` times as fast, by domain.

**Stepping up, reviews, closure.** Light support steps up to maatwerk when a need at or above
``maatwerk_stage`` has not improved for ``step_up_weeks``; light, network and basis support
step up when the need gets worse than it was at the plan (or outgrows the sociale basis).
Provisions are delivered, reviewed and renewed or ended by their kind (see
:mod:`~wijksim.submodels.provisions`); a maatwerk care need of an elderly household that stays
severe moves to the Wlz. A worker's domain closes when its need has been at stage 1 or lower for
``stable_weeks`` (closure rule ``stable``) or after ``fixed_weeks`` (``fixed``); closing with
need left raises the relapse risk. A household's case closes when the team holds none of its
needs and none is waiting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from wijksim.build import team as team_mod
from wijksim.codes import (
    BASIS,
    CARE,
    CLOSED,
    CRISIS,
    DURABLE,
    EPISODE,
    IN_SUPPORT,
    LIGHT,
    MAATWERK,
    N_DOMAINS,
    NETWORK,
    NO_SUPPORT,
    ONE_OFF,
    RECURRING,
    WLZ,
)
from wijksim.compiled import F32, inline, kernel, status_rows
from wijksim.state import per_wijk
from wijksim.submodels import provisions
from wijksim.submodels.informal_support import demand_inputs, household_demand

if TYPE_CHECKING:
    from wijksim.model import WijkModel


def step(model: WijkModel) -> None:
    """A week of casework: notice new needs, spend hours, recover, revise plans, close."""
    notice_new_needs(model)
    spend_hours(model, other_effects=False)
    settle_cases(model)  # effects of other support, recover, revise plans, close: one pass
    resolve_alternatives(model)


# --------------------------------------------------------------------------- plans


def plan(model: WijkModel, rows: np.ndarray, doms: np.ndarray) -> None:
    """Choose the route of each (household, domain) need: stepped care (module docstring)."""
    hh, pol, week, record = model.hh, model.cfg.policy, model.week, model.record
    if rows.size == 0:
        return
    rng = model.streams.casework
    stage = hh.need[rows, doms]
    conversation_u = rng.random(rows.size)
    wlz = (
        (doms == CARE)
        & (hh.elderly[rows] > 0)
        & (hh.severe_care_weeks[rows] >= pol.wlz_weeks_severe)
    )
    eligible = (stage >= pol.maatwerk_stage) & ~wlz
    conversation = eligible & (stage < CRISIS) & (conversation_u < pol.network_first)
    network = conversation & network_can_carry(model, rows)
    wants_basis = eligible & ~network & (stage <= pol.basis_max_stage)
    basis = take_places(hh.wijk[rows].astype(np.int64), wants_basis, basis_places_free(model))
    grant = eligible & ~network & ~basis
    kind = np.select([wlz, network, basis, grant], [WLZ, NETWORK, BASIS, MAATWERK], default=LIGHT)

    hh.support[rows, doms] = kind
    hh.support_since[rows, doms] = week
    hh.progress_week[rows, doms] = week
    hh.plan_stage[rows, doms] = stage
    hh.calm_weeks[rows, doms] = 0
    hh.effect[rows, doms] = 0
    staffed = (kind == LIGHT) | (kind == NETWORK)
    hh.case_worker[rows, doms] = -1
    hh.handoff_ready[rows, doms] = np.where(staffed, week, -1)  # waits for a worker
    failed = grant & (hh.alt_since[rows, doms] >= 0)  # maatwerk after all, within the window
    alt = hh.alt_since[rows, doms]  # a case routed otherwise keeps its window under lighter help
    hh.alt_since[rows, doms] = np.select([network | basis, grant], [week, -1], alt)
    grant_maatwerk(model, rows[grant], doms[grant])
    note_help(model, rows, doms, np.where(grant, week + pol.decision_weeks, week))

    wijk, n = hh.wijk[rows], model.n_wijken
    record.eligible_decisions += per_wijk(wijk[eligible], n)
    record.conversations += per_wijk(wijk[conversation], n)
    record.network_plans += per_wijk(wijk[network], n)
    record.basis_plans += per_wijk(wijk[basis], n)
    record.alt_maatwerk += per_wijk(wijk[grant & ~failed], n)
    record.alt_failed += per_wijk(wijk[failed], n)
    record.wlz_entries += per_wijk(wijk[wlz], n)


def network_can_carry(model: WijkModel, rows: np.ndarray) -> np.ndarray:
    """Whether each household's ties can give ``network_carry_share`` of its informal demand."""
    reach = model.reach
    if reach is None:
        return np.zeros(rows.size, dtype=bool)
    demand = household_demand(rows, demand_inputs(model))
    return reach.hours[rows] >= model.cfg.policy.network_carry_share * demand


def basis_places(model: WijkModel) -> np.ndarray:
    """Places in the sociale basis per wijk, bought by its budget (the wijkplannen's)."""
    per_1000 = model.basis_budget / model.cfg.policy.basis_cost_per_place
    return np.floor(per_1000 * model.inhabitants_per_wijk / 1000.0).astype(np.int64)


def basis_places_free(model: WijkModel) -> np.ndarray:
    """Places in the sociale basis per wijk not taken by a need now."""
    hh = model.hh
    used = basis_in_use(hh.rows_with_support(), hh.support, hh.wijk, np.int64(model.n_wijken))
    return np.maximum(basis_places(model) - used, 0)


@kernel
def basis_in_use(rows, support, wijk, n_wijken):
    """Needs in the sociale basis now, per wijk (``rows``: the households with support)."""
    used = np.zeros(n_wijken, np.int64)
    for i in rows:
        for d in range(support.shape[1]):
            if support[i, d] == BASIS:
                used[wijk[i]] += 1
    return used


@kernel
def take_places(wijk, wants, free):
    """Give ``wants`` a place in their wijk while ``free`` lasts (in order); returns who got one.

    ``free`` is brought up to date.
    """
    got = np.zeros(wijk.size, np.bool_)
    for i in range(wijk.size):
        if wants[i] and free[wijk[i]] > 0:
            free[wijk[i]] -= 1
            got[i] = True
    return got


def grant_maatwerk(model: WijkModel, rows: np.ndarray, doms: np.ndarray) -> None:
    """Grant maatwerkvoorzieningen: a provision of each domain, starting after the decision."""
    hh, pol = model.hh, model.cfg.policy
    codes, weeks = provisions.draw(model.provision_table, doms, model.streams.casework)
    start = model.week + pol.decision_weeks
    hh.support[rows, doms] = MAATWERK
    hh.provision[rows, doms] = codes
    hh.support_since[rows, doms] = start
    hh.provision_until[rows, doms] = start + weeks
    model.record.maatwerk_grants += per_wijk(hh.wijk[rows], model.n_wijken)


def note_help(model: WijkModel, rows: np.ndarray, doms: np.ndarray, start: np.ndarray) -> None:
    """Time to help: from a need's first week at stage 2 to the start of its first support."""
    hh = model.hh
    waiting = hh.stage2_week[rows, doms] >= 0
    wijk, n = hh.wijk[rows[waiting]], model.n_wijken
    model.record.helped += per_wijk(wijk, n)
    weeks = (start - hh.stage2_week[rows, doms])[waiting].astype(float)
    model.record.help_weeks_sum += per_wijk(wijk, n, weeks)
    hh.stage2_week[rows[waiting], doms[waiting]] = -2


def notice_new_needs(model: WijkModel) -> None:
    """New needs of households in support that the team does not know yet.

    A worker on the household notices a new need in a domain they cover with chance
    ``own_notice_per_week`` (and plans it; in an integrated team every domain), one outside
    their domains with chance ``other_notice_per_week`` (a siloed team: it is referred).
    """
    hh, cfg = model.hh, model.cfg.team
    rows, d, own = unknown_needs_in_support(
        status_rows(hh.status, IN_SUPPORT), hh.need, hh.support, hh.case_worker, hh.handoff_ready
    )
    if rows.size == 0:
        return
    covered = np.zeros(rows.size, dtype=bool)
    if model.integrated:
        covered[:] = own >= 0
    else:
        workers = hh.case_worker[rows]
        on = workers >= 0
        covers = np.zeros(workers.shape, dtype=bool)
        covers[on] = model.team.covers[workers[on], np.repeat(d, N_DOMAINS)[on.ravel()]]
        covered = covers.any(axis=1)
    chance = np.where(covered, cfg.own_notice_per_week,
                      np.where(own >= 0, cfg.other_notice_per_week, 0.0))
    seen = model.streams.casework.random(rows.size) < chance
    planned = seen & covered
    plan(model, rows[planned], d[planned])
    referred = seen & ~covered
    hh.handoff_ready[rows[referred], d[referred]] = model.week + cfg.handoff_weeks
    model.record.referrals += per_wijk(hh.wijk[rows[referred]], model.n_wijken)


@kernel
def unknown_needs_in_support(rows, need, support, case_worker, handoff_ready):
    """Needs of ``rows`` nobody supports, holds or has referred.

    Returns (row, domain, a worker of the household or -1) for each.
    """
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
            coordination_hours=h.coordination_hours,
        )
    return out


@inline
def cell_hours(r, d, need, support, support_since, case_worker, week, activation_weeks,
               hours_per_stage, activation_hours, coordination_hours):
    """Hours a case asks this week.

    Light support by stage, network activation; plus coordination with every other worker on
    the household (0 in an integrated team).
    """
    kind = support[r, d]
    hours = 0.0
    if kind == LIGHT:
        hours = hours_per_stage[need[r, d]]
    elif kind == NETWORK and week - support_since[r, d] < activation_weeks:
        hours = activation_hours
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
    hh, team, cfg = model.hh, model.team, model.cfg.team
    team_rows = status_rows(hh.status, IN_SUPPORT)  # only they have workers
    demand = hours_per_worker(team_rows, team.n, hours_inputs(model))
    share = team_mod.case_share(cfg.outreach_share)
    intake = team_mod.intake_hours_per_worker(team, model.record.intake_hours, model.n_wijken)
    free = np.maximum(team.hours_available * share - intake, 0.0)
    ratio = np.divide(free, demand, out=np.ones(team.n), where=demand > 0)
    ratio = np.minimum(ratio, 1.0)
    team.hours_demanded[:] = demand
    team.hours_spent[:] = np.minimum(demand, free)
    set_worker_effects(team_rows, hh.case_worker, hh.need, hh.effect, ratio, team.skill,
                       np.int64(cfg.specialist_stage))
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
                    coordination_hours=h.coordination_hours,
                )
    return demand


@kernel
def set_worker_effects(team_rows, case_worker, need, effect, ratio, skill, specialist_stage):
    """Effect of each need a worker works on: the worker's share of hours (times skill).

    A generalist's skill applies to specialist work only: needs at ``specialist_stage`` or
    worse.
    """
    for r in team_rows:
        for d in range(N_DOMAINS):
            w = case_worker[r, d]
            if w >= 0:
                on = skill[w] if need[r, d] >= specialist_stage else F32(1.0)
                effect[r, d] = ratio[w] * on


# --------------------------------------------------------------------------- settling cases

#: Parts of :func:`settle_cases`, as bits: effects of support without a worker's hours,
#: recovery, revision of plans, closure.
EFFECT, RECOVER, REVISE, CLOSE = 8, 1, 2, 4

#: Counts :func:`settle` returns, by position.
(COUNT_GRANTS, COUNT_STEP_UPS, COUNT_ALT_FAILED, COUNT_WLZ, COUNT_TO_BASIS,
 COUNT_RENEWED) = range(6)


class Cases(NamedTuple):
    """The household arrays that settling cases reads and writes (one kernel argument)."""

    need: np.ndarray  # int8 (n, 5)
    need_since: np.ndarray  # int32 (n, 5)
    stage2_week: np.ndarray  # int32 (n, 5)
    escalated: np.ndarray  # bool (n, 5)
    support: np.ndarray  # int8 (n, 5)
    support_since: np.ndarray  # int32 (n, 5)
    progress_week: np.ndarray  # int32 (n, 5)
    plan_stage: np.ndarray  # int8 (n, 5)
    effect: np.ndarray  # float32 (n, 5)
    alt_since: np.ndarray  # int32 (n, 5)
    provision: np.ndarray  # int8 (n, 5)
    provision_until: np.ndarray  # int32 (n, 5)
    case_worker: np.ndarray  # int32 (n, 5)
    handoff_ready: np.ndarray  # int32 (n, 5)
    calm_weeks: np.ndarray  # int16 (n, 5)
    met_share: np.ndarray  # float32 (n,)
    relapse_until: np.ndarray  # int32 (n,)
    elderly: np.ndarray  # int8 (n,)
    severe_care_weeks: np.ndarray  # int16 (n,)
    wijk: np.ndarray  # int16 (n,)


class CaseRules(NamedTuple):
    """This week's parameters of settling cases (one kernel argument)."""

    hazards: np.ndarray  # float64 (kinds, stages): recovery under support, per week
    recovery_factor: np.ndarray  # float64 (2, 5): 1 - chronicity, young and elderly
    early_effect: np.ndarray  # float64 (5,): recovery multiplier of support at stage 1
    basis_effect: np.float32
    week: np.int64
    maatwerk_stage: np.int64
    basis_max_stage: np.int64
    step_up_weeks: np.int64
    decision_weeks: np.int64
    wlz_weeks_severe: np.int64
    relapse_end: np.int64  # relapse risk raised until this week when closing with need left
    stable_weeks: np.int64
    stable_rule: bool  # closure rule "stable" (else "fixed")
    fixed_weeks: np.int64
    activation_weeks: np.int64
    provisions: provisions.ProvisionTable


def cases_of(model: WijkModel) -> Cases:
    """The household arrays as :class:`Cases`."""
    hh = model.hh
    return Cases(
        need=hh.need, need_since=hh.need_since, stage2_week=hh.stage2_week,
        escalated=hh.escalated, support=hh.support, support_since=hh.support_since,
        progress_week=hh.progress_week, plan_stage=hh.plan_stage, effect=hh.effect,
        alt_since=hh.alt_since,
        provision=hh.provision, provision_until=hh.provision_until, case_worker=hh.case_worker,
        handoff_ready=hh.handoff_ready, calm_weeks=hh.calm_weeks, met_share=hh.met_share,
        relapse_until=hh.relapse_until, elderly=hh.elderly,
        severe_care_weeks=hh.severe_care_weeks, wijk=hh.wijk,
    )


def rules_of(model: WijkModel) -> CaseRules:
    """This week's :class:`CaseRules`."""
    cfg, week = model.cfg, model.week
    pol = cfg.policy
    return CaseRules(
        hazards=model.recovery_by_support,
        recovery_factor=model.recovery_factor,
        early_effect=np.asarray(cfg.team.early_support_effect.as_list(), dtype=np.float64),
        basis_effect=F32(pol.basis_effect),
        week=np.int64(week),
        maatwerk_stage=np.int64(pol.maatwerk_stage),
        basis_max_stage=np.int64(pol.basis_max_stage),
        step_up_weeks=np.int64(pol.step_up_weeks),
        decision_weeks=np.int64(pol.decision_weeks),
        wlz_weeks_severe=np.int64(pol.wlz_weeks_severe),
        relapse_end=np.int64(week + cfg.needs.relapse_weeks),
        stable_weeks=np.int64(pol.stable_weeks),
        stable_rule=pol.closure_rule == "stable",
        fixed_weeks=np.int64(pol.fixed_weeks),
        activation_weeks=np.int64(pol.activation_weeks),
        provisions=model.provision_table,
    )


def settle_cases(model: WijkModel, parts: int = EFFECT | RECOVER | REVISE | CLOSE) -> None:
    """Effects, recovery, revision of plans and closure in one pass over supported households.

    Each part reads and writes only the household's own state (and, for moves to the sociale
    basis, the wijk's free places), so doing all parts for one household before the next gives
    the same as doing each part for all households in turn (tests call single parts, e.g.
    ``settle_cases(model, RECOVER)``).
    """
    hh, record = model.hh, model.record
    solved, counts, one_off_euros = settle(
        hh.rows_with_support(), model.streams.casework, np.int64(parts), cases_of(model),
        rules_of(model), basis_places_free(model),
    )
    record.one_off_costs += one_off_euros
    hh.end_episodes(solved, model.week)
    record.maatwerk_grants += counts[:, COUNT_GRANTS]
    record.step_ups += counts[:, COUNT_STEP_UPS]
    record.alt_failed += counts[:, COUNT_ALT_FAILED]
    record.wlz_entries += counts[:, COUNT_WLZ]
    record.to_basis += counts[:, COUNT_TO_BASIS]
    record.renewals += counts[:, COUNT_RENEWED]
    if parts & CLOSE:
        done = close_households(
            status_rows(hh.status, IN_SUPPORT), hh.case_worker, hh.handoff_ready,
            model.team.caseload,
        )
        record.closures += per_wijk(hh.wijk[done], model.n_wijken)
        hh.set_status(done, CLOSED, model.week)


@kernel
def settle(rows, rng, parts, c, rules, basis_free):
    """Per household with support, the chosen ``parts`` of the rest of the week's casework.

    ``c`` holds the household arrays (:class:`Cases`), ``rules`` the week's parameters
    (:class:`CaseRules`), ``basis_free`` the free places of the sociale basis per wijk.
    Households left without support are not visited. The parts:

    * **effects** of support that no worker's hours set: a network plan the share of informal
      demand met (times the worker's effect while a worker activates it); the sociale basis
      ``basis_effect``; a provision that runs (it has started and is not a one-off still being
      delivered) and the Wlz 1; light support without a worker, and a provision not yet
      started, 0;
    * **recovery**: each supported need recovers one stage with ``rules.hazards`` by kind of
      support and stage (0 for none and Wlz; a provision's own ``recovery`` multiplier on
      maatwerk), times the effect of the support, the domain's ``1 - chronicity`` and, for light
      or basis support of a mild need, the domain's early-support effect (one uniform from
      ``rng`` per recovering need, in order);
    * **revision**: light support stuck at or above the maatwerk stage for ``step_up_weeks``,
      and light, network or basis support whose need got worse than at the plan (or outgrew the
      sociale basis), step up to maatwerk (:func:`step_up`); maatwerk care of an elderly
      household that stays severe moves to the Wlz; provisions reach their delivery, review or
      end (:func:`review`);
    * **closure**: light support ends by the closure rule (or when solved); a network plan is
      handed over after activation and ends when solved; the sociale basis ends when the need
      is solved; a provision ends when its need has been solved for ``stable_weeks``.

    Returns the rows that solved a need (by recovery or a delivered adaptation), the counts
    named ``COUNT_*`` and the one-off costs of the provisions delivered (euro, by domain), each
    with a row per wijk.
    """
    # The structured arguments are unpacked once: reading a named tuple's array inside the loop
    # would take a reference to it at every access.
    need, support, support_since = c.need, c.support, c.support_since
    effect, calm_weeks, provision = c.effect, c.calm_weeks, c.provision
    provision_until, case_worker = c.provision_until, c.case_worker
    progress_week, plan_stage, met_share = c.progress_week, c.plan_stage, c.met_share
    elderly, severe_care_weeks = c.elderly, c.severe_care_weeks
    hazards, recovery_factor = rules.hazards, rules.recovery_factor
    early_effect, basis_effect = rules.early_effect, rules.basis_effect
    prov_kind, prov_recovery = rules.provisions.kind, rules.provisions.recovery
    week, maatwerk_stage = rules.week, rules.maatwerk_stage
    basis_max_stage, step_up_weeks = rules.basis_max_stage, rules.step_up_weeks
    stable_weeks, fixed_weeks = rules.stable_weeks, rules.fixed_weeks
    stable_rule, activation_weeks = rules.stable_rule, rules.activation_weeks
    solved = np.empty(rows.size, np.int64)
    n_solved = 0
    n_wijken = basis_free.size
    all_counts = np.zeros((n_wijken, 6), np.int64)  # per wijk
    all_euros = np.zeros((n_wijken, N_DOMAINS))  # one-off costs of deliveries, by domain
    domains = np.empty(N_DOMAINS, np.int64)  # the household's domains with support
    wijk = c.wijk
    current = wijk[rows[0]] if rows.size else 0
    counts, euros = all_counts[current], all_euros[current]
    for r in rows:
        if wijk[r] != current:  # rows are sorted by wijk: the tallies of the next wijk
            current = wijk[r]
            counts, euros = all_counts[current], all_euros[current]
        n_dom = 0
        for d in range(N_DOMAINS):
            domains[n_dom] = d
            n_dom += support[r, d] != NO_SUPPORT
        any_solved = False
        if parts & EFFECT:
            for d in domains[:n_dom]:
                kind = support[r, d]
                unstaffed = case_worker[r, d] < 0
                value = effect[r, d]
                if kind == LIGHT:
                    value = F32(0.0) if unstaffed else value
                elif kind == NETWORK:  # activated by the worker, then carried by the network
                    activating = week - support_since[r, d] < activation_weeks
                    value = (value if activating else F32(1.0)) * met_share[r]
                    value = F32(0.0) if activating & unstaffed else value
                elif kind == BASIS:
                    value = basis_effect
                elif kind == MAATWERK:
                    runs = (support_since[r, d] <= week) & (prov_kind[provision[r, d]] != ONE_OFF)
                    value = F32(1.0) if runs else F32(0.0)
                elif kind == WLZ:
                    value = F32(1.0)
                effect[r, d] = value
        if parts & RECOVER:
            for d in domains[:n_dom]:
                kind = support[r, d]
                stage = need[r, d]
                if (kind == WLZ) | (stage == 0):
                    continue
                old = 1 if elderly[r] > 0 else 0
                hazard = hazards[kind, stage] * effect[r, d] * recovery_factor[old, d]
                if kind == MAATWERK:
                    hazard *= prov_recovery[provision[r, d]]
                if ((kind == LIGHT) | (kind == BASIS)) & (stage == 1):
                    hazard *= early_effect[d]
                if rng.random() < hazard:
                    need[r, d] = stage - 1
                    progress_week[r, d] = week
                    if stage == 1:
                        need_solved(r, d, c)
                        any_solved = True
        if parts & REVISE:
            for d in domains[:n_dom]:
                kind = support[r, d]
                if (kind == LIGHT) | (kind == NETWORK) | (kind == BASIS):
                    stage = need[r, d]
                    worse = stage > plan_stage[r, d]
                    stuck = (kind == LIGHT) & (week - progress_week[r, d] >= step_up_weeks)
                    too_much = (kind == BASIS) & (stage > basis_max_stage)
                    if (stage >= maatwerk_stage) & (worse | stuck | too_much):
                        step_up(r, d, rng, c, rules, counts)
            if ((support[r, CARE] == MAATWERK) & (elderly[r] > 0)
                    & (severe_care_weeks[r] >= rules.wlz_weeks_severe)):
                to_wlz(r, c, counts)
            for d in domains[:n_dom]:
                if ((support[r, d] == MAATWERK) & (support_since[r, d] <= week)
                        & (provision_until[r, d] <= week)):
                    any_solved |= review(r, d, rng, c, rules, basis_free, counts, euros)
        solved[n_solved] = r
        n_solved += any_solved
        if not parts & CLOSE:
            continue
        for d in range(N_DOMAINS):
            kind = support[r, d]
            stage = need[r, d]
            if kind == NO_SUPPORT:
                calm_weeks[r, d] = 0
                continue
            calm = stage <= 1
            calm_weeks[r, d] = (calm_weeks[r, d] + 1) * calm
            calm_for = calm_weeks[r, d]
            since = week - support_since[r, d]
            ending = False
            if kind == LIGHT:
                due = (calm_for >= stable_weeks) if stable_rule else (since >= fixed_weeks)
                ending = (stage == 0) | (due & (case_worker[r, d] >= 0))
            elif kind == NETWORK:
                if (case_worker[r, d] >= 0) & (since >= rules.activation_weeks):
                    case_worker[r, d] = -1  # handed over: the network carries the need
                    c.handoff_ready[r, d] = -1
                ending = stage == 0
            elif kind == BASIS:
                ending = stage == 0
            elif kind == MAATWERK:
                ending = (stage == 0) & (calm_for >= stable_weeks) & (since >= 0)
            if ending:
                end_support(r, d, c, rules.relapse_end)
    return solved[:n_solved].copy(), all_counts, all_euros


@kernel
def need_solved(r, d, c):
    """A need falls to stage 0: its markers of onset, stage 2 and escalation are reset."""
    c.need_since[r, d] = -1
    c.stage2_week[r, d] = -1
    c.escalated[r, d] = False


@kernel
def to_wlz(r, c, counts):
    """Maatwerk care of an elderly household that stayed severe moves to the Wlz."""
    c.support[r, CARE] = WLZ
    c.provision[r, CARE] = 0
    c.provision_until[r, CARE] = -1
    c.case_worker[r, CARE] = -1
    c.handoff_ready[r, CARE] = -1
    counts[COUNT_WLZ] += 1


@kernel
def step_up(r, d, rng, c, rules, counts):
    """Light, network or basis support does not suffice: a maatwerkvoorziening is granted."""
    code = provisions.pick(rules.provisions, d, rng.random())
    start = rules.week + rules.decision_weeks
    c.support[r, d] = MAATWERK
    c.provision[r, d] = code
    c.support_since[r, d] = start
    c.provision_until[r, d] = start + provisions.term(rules.provisions, code, rng.random())
    c.progress_week[r, d] = rules.week
    c.case_worker[r, d] = -1
    c.handoff_ready[r, d] = -1
    c.effect[r, d] = F32(0.0)
    counts[COUNT_GRANTS] += 1
    counts[COUNT_STEP_UPS] += 1
    if c.alt_since[r, d] >= 0:
        counts[COUNT_ALT_FAILED] += 1
        c.alt_since[r, d] = -1


@kernel
def review(r, d, rng, c, rules, basis_free, counts, euros):
    """A provision reaches its delivery, review or planned end (see the provisions module).

    Returns whether a delivered adaptation solved the need (``euros`` gets its one-off cost).
    """
    t = rules.provisions
    code = c.provision[r, d]
    kind = t.kind[code]
    if kind == ONE_OFF:  # delivered: the adaptation compensates one stage of the need
        euros[d] += t.one_off_cost[code]
        solved = False
        if c.need[r, d] > 0:
            c.need[r, d] -= 1
            if c.need[r, d] == 0:
                need_solved(r, d, c)
                solved = True
        end_support(r, d, c, c.relapse_until[r])  # done as planned: no raised relapse risk
        return solved
    stage = c.need[r, d]
    if stage == 0:
        end_support(r, d, c, rules.relapse_end)
        return False
    renew = rng.random() < t.renewal[code]
    if kind == EPISODE:
        renew &= stage >= rules.maatwerk_stage
    if renew:
        c.provision_until[r, d] = rules.week + provisions.term(t, code, rng.random())
        counts[COUNT_RENEWED] += 1
        return False
    w = c.wijk[r]
    to_basis = ((kind == RECURRING) | (kind == DURABLE)) & (rng.random() < t.to_basis[code])
    if to_basis & (basis_free[w] > 0) & (stage <= rules.basis_max_stage):
        basis_free[w] -= 1
        c.support[r, d] = BASIS
        c.provision[r, d] = 0
        c.provision_until[r, d] = -1
        c.support_since[r, d] = rules.week
        c.progress_week[r, d] = rules.week
        c.plan_stage[r, d] = stage
        counts[COUNT_TO_BASIS] += 1
        return False
    end_support(r, d, c, rules.relapse_end)
    return False


@kernel
def end_support(r, d, c, relapse_end):
    """Support of one need ends; need left over raises the household's relapse risk."""
    c.case_worker[r, d] = -1
    c.handoff_ready[r, d] = -1
    c.support[r, d] = NO_SUPPORT
    c.provision[r, d] = 0
    c.effect[r, d] = F32(0.0)
    c.provision_until[r, d] = -1
    if c.need[r, d] > 0:
        c.relapse_until[r] = relapse_end


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


def resolve_alternatives(model: WijkModel) -> None:
    """Count would-be maatwerk cases solved otherwise.

    A case routed otherwise with no maatwerk ``alt_outcome_weeks`` later is solved otherwise.
    """
    model.record.alt_solved += count_solved_otherwise(
        model.hh.alt_since, np.int64(model.week - model.cfg.policy.alt_outcome_weeks),
        model.hh.wijk, np.int64(model.n_wijken),
    )


@kernel
def count_solved_otherwise(alt_since, cutoff, wijk, n_wijken):
    """Cells routed otherwise at or before ``cutoff``: counted (per wijk) and cleared."""
    count = np.zeros(n_wijken, np.int64)
    for r in range(alt_since.shape[0]):
        for d in range(alt_since.shape[1]):
            if (alt_since[r, d] >= 0) & (alt_since[r, d] <= cutoff):
                alt_since[r, d] = -1
                count[wijk[r]] += 1
    return count
