"""Submodel 5, intake and triage: one queue per wijkteam, within a budget of hours.

Each week a wijk's team has a budget for intake: the client hours left after outreach and the
hours its current cases ask, but never less than ``team.intake_floor_share`` of client hours.
Three kinds of task claim it in order of priority (a crisis first, then the worst need stage,
then weeks waited; follow-ups before intakes among equals):

* **follow-up** of a signal (``followup_hours``): contact is made with a chance that rises with
  help-seeking. A household with a moderate or worse need joins the queue; one with only mild
  needs accepts help with chance ``signalling.help_acceptance`` (it joins the queue) or gets
  brief advice (each mild need settles with ``brief_advice_success``) and is let go. No
  contact: the signal is lost.
* **intake** of a queued household (the onderzoek, the keukentafelgesprek; ``intake_hours``).
  It needs no free case slot: the plan is made at once (casework's :func:`plan`, stepped care)
  and only light support and network activation then wait for a worker with a free slot. An
  integrated team assesses every domain in one conversation (``extra_domain_intake_hours`` per
  domain beyond the first) and makes one plan; a siloed team's specialist assesses the worst
  domain, notices each other need with chance ``team.siloed_notice`` and refers it: after
  ``handoff_weeks`` it waits as a referral in the queue.
* **referral**: a need of a household in support that was referred (by a specialist, or because
  the household asked about it) gets its own intake: ``intake_hours`` in a siloed team (another
  specialist's intake), ``extra_domain_intake_hours`` in an integrated one (added to the plan).

Intakes later than the statutory term (``policy.research_weeks`` after the request) are
counted. Finally, light support and network plans that wait for a worker (new, or left by a
worker who quit) get free case slots, best priority first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from wijksim.build import team as team_mod
from wijksim.build.team import allocate_slots
from wijksim.codes import (
    CLOSED,
    CRISIS,
    IN_SUPPORT,
    LIGHT,
    MODERATE,
    N_DOMAINS,
    NETWORK,
    NO_SUPPORT,
    SIGNALLED,
    UNKNOWN,
    WAITING,
)
from wijksim.compiled import status_rows
from wijksim.state import per_wijk
from wijksim.submodels import casework
from wijksim.submodels.signals import unmet_stage

if TYPE_CHECKING:
    from wijksim.model import WijkModel

#: The kinds of intake task, in the order they are taken among equal priorities.
FOLLOW_UP, INTAKE, REFERRAL = range(3)


def step(model: WijkModel) -> None:
    """Follow up signals, hold intakes and take up referrals within each wijk's budget."""
    hh, cfg, week = model.hh, model.cfg.team, model.week
    households = status_rows(hh.status, SIGNALLED, WAITING)
    ref_rows, ref_doms = pending_referrals(model)
    kind = np.concatenate([np.where(hh.status[households] == SIGNALLED, FOLLOW_UP, INTAKE),
                           np.full(ref_rows.size, REFERRAL)])
    rows = np.concatenate([households, ref_rows])
    stage = np.concatenate([unmet_stage(model, households).max(axis=1),
                            hh.need[ref_rows, ref_doms]]).astype(np.int64)
    since = np.concatenate([hh.status_since[households], hh.handoff_ready[ref_rows, ref_doms]])
    waited = np.minimum(week - since, cfg.priority_wait_cap_weeks)
    priority = (stage == CRISIS) * cfg.priority_crisis + stage * cfg.priority_per_stage + waited
    cost = task_hours(model, rows, kind)

    wijk = hh.wijk[rows].astype(np.int64)
    order = np.lexsort((kind, -priority, wijk))
    fits = np.zeros(rows.size, dtype=bool)
    fits[order] = cumsum_within(wijk[order], cost[order]) <= budget_per_wijk(model)[wijk[order]]
    spent = np.bincount(wijk[fits], weights=cost[fits], minlength=model.n_wijken)
    model.record.intake_hours = spent.astype(np.float64)

    follow_up(model, rows[fits & (kind == FOLLOW_UP)])
    admit(model, rows[fits & (kind == INTAKE)])
    take = fits[kind == REFERRAL]
    take_up_referrals(model, ref_rows[take], ref_doms[take])
    assign_workers(model)


def budget_per_wijk(model: WijkModel) -> np.ndarray:
    """Hours for follow-ups and intakes: what cases and outreach leave, at least a floor."""
    team, n_wijken = model.team, model.n_wijken
    hours = team_mod.hours_per_wijk(team, n_wijken)
    cases = np.bincount(team.wijk, weights=team.hours_demanded, minlength=n_wijken)
    left = hours * team_mod.case_share(model.cfg.team.outreach_share) - cases
    return np.maximum(hours * model.cfg.team.intake_floor_share, left)


def task_hours(model: WijkModel, rows: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Hours each task takes (see the module docstring)."""
    cfg = model.cfg.team
    extra = cfg.extra_domain_intake_hours
    if model.integrated:
        domains = (unmet_stage(model, rows) > 0).sum(axis=1)
        intake = cfg.intake_hours + extra * np.maximum(domains - 1, 0)
        referral = extra
    else:
        intake = np.full(rows.size, cfg.intake_hours)
        referral = cfg.intake_hours
    return np.select([kind == FOLLOW_UP, kind == INTAKE], [cfg.followup_hours, intake],
                     referral).astype(np.float64)


def pending_referrals(model: WijkModel) -> tuple[np.ndarray, np.ndarray]:
    """Referred needs of households in support whose time has come (rows, domains).

    A referral whose need has gone meanwhile is dropped.
    """
    hh, week = model.hh, model.week
    rows = status_rows(hh.status, IN_SUPPORT)
    ready = hh.handoff_ready[rows]
    referred = ((ready >= 0) & (hh.case_worker[rows] < 0)
                & (hh.support[rows] == NO_SUPPORT))
    gone = referred & (hh.need[rows] == 0)
    r, d = np.nonzero(gone)
    hh.handoff_ready[rows[r], d] = -1
    r, d = np.nonzero(referred & ~gone & (ready <= week))
    return rows[r], d


def cumsum_within(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Running sums of ``values`` that restart at each new group (``groups`` sorted)."""
    if values.size == 0:
        return values.astype(np.float64)
    total = np.cumsum(values, dtype=np.float64)
    start = np.searchsorted(groups, groups, side="left")
    return total - (total[start] - values[start])


def follow_up(model: WijkModel, rows: np.ndarray) -> None:
    """Try to contact signalled households; queue the moderate, and the mild that accept help."""
    hh, rng, week, record = model.hh, model.streams.intake, model.week, model.record
    record.followups += per_wijk(hh.wijk[rows], model.n_wijken)
    if rows.size == 0:
        return
    base = model.cfg.signalling.contact_base
    u = rng.random((2, rows.size))
    contact = u[0] < base + (1.0 - base) * hh.help_seeking[rows]
    hh.set_status(rows[~contact], UNKNOWN, week)
    reached = rows[contact]
    hh.record_first_contact(reached, week, record)
    worst = unmet_stage(model, reached).max(axis=1)
    accepts = (worst >= MODERATE) | (u[1][contact] < model.cfg.signalling.help_acceptance)
    hh.set_status(reached[accepts], WAITING, week)
    mild = reached[~accepts]
    settle = rng.random((mild.size, N_DOMAINS)) < model.cfg.team.brief_advice_success
    settled = settle & (hh.need[mild] == 1)
    r, d = np.nonzero(settled)
    hh.need[mild[r], d] = 0
    hh.need_since[mild[r], d] = -1
    hh.stage2_week[mild[r], d] = -1
    hh.escalated[mild[r], d] = False
    record.brief_advice += per_wijk(hh.wijk[mild], model.n_wijken)
    hh.end_episodes(mild, week)
    hh.set_status(mild, CLOSED, week)


def admit(model: WijkModel, rows: np.ndarray) -> None:
    """Intake of queued households: their needs get a plan (all at once in an integrated team)."""
    hh, week, record, rng = model.hh, model.week, model.record, model.streams.intake
    waited = week - hh.status_since[rows]
    wijk, n = hh.wijk[rows], model.n_wijken
    record.admissions += per_wijk(wijk, n)
    record.wait_weeks_sum += per_wijk(wijk, n, waited.astype(float))
    record.over_term += per_wijk(wijk[waited > model.cfg.policy.research_weeks], n)
    hh.set_status(rows, IN_SUPPORT, week)
    unmet = unmet_stage(model, rows)
    if not model.integrated:  # the specialist of the worst domain; other needs are noticed or not
        primary = np.argmax(unmet, axis=1)
        others = unmet.copy()
        others[np.arange(rows.size), primary] = 0
        noticed = (others > 0) & (rng.random(others.shape) < model.cfg.team.siloed_notice)
        r, d = np.nonzero(noticed)
        hh.handoff_ready[rows[r], d] = week + model.cfg.team.handoff_weeks
        record.referrals += per_wijk(wijk[r], n)
        unmet = np.where(np.arange(N_DOMAINS) == primary[:, None], unmet, 0)
    r, d = np.nonzero(unmet > 0)
    casework.plan(model, rows[r], d)


def take_up_referrals(model: WijkModel, rows: np.ndarray, doms: np.ndarray) -> None:
    """Referred needs get their intake and a plan."""
    model.hh.handoff_ready[rows, doms] = -1
    casework.plan(model, rows, doms)


def request_workers(
    model: WijkModel,
    rows: np.ndarray,
    domain: np.ndarray,
    priority: np.ndarray,
) -> np.ndarray:
    """A worker slot for each (household, domain) request with free case slots, or -1.

    A worker's slots are ``team.caseload_cap`` per FTE of the position; taken slots raise the
    caseloads.
    """
    team = model.team
    cap = team_mod.slots(team, model.cfg.team.caseload_cap)
    free = np.where(team_mod.active(team, model.week), cap - team.caseload, 0)
    out = np.full(rows.size, -1, dtype=np.int64)
    wijk = model.hh.wijk[rows].astype(np.int64)
    passes = (
        [np.arange(rows.size)]
        if model.integrated
        else [np.flatnonzero(domain == d) for d in range(N_DOMAINS)]
    )
    for d, idx in enumerate(passes):
        if idx.size == 0:
            continue
        covering = team.covers[:, d] if not model.integrated else np.ones(team.n, bool)
        f = np.where(covering, free, 0)
        got = allocate_slots(
            wijk[idx], priority[idx], team.wijk.astype(np.int64), f, model.n_wijken
        )
        out[idx] = got
        taken = got[got >= 0]
        free = free - np.bincount(taken, minlength=team.n)
    team.caseload += np.bincount(out[out >= 0], minlength=team.n).astype(np.int32)
    return out


def assign_workers(model: WijkModel) -> None:
    """Light support and network plans waiting for a worker get one with a free slot.

    In an integrated team a household's own worker takes its new domains; other requests are
    dealt free slots by priority (``team.priority_per_stage`` points a stage), per domain in a
    siloed team.
    """
    hh, per_stage = model.hh, model.cfg.team.priority_per_stage
    rows = status_rows(hh.status, IN_SUPPORT)
    ready = hh.handoff_ready[rows]
    kind = hh.support[rows]
    local, d = np.nonzero((ready >= 0) & (ready <= model.week) & (hh.case_worker[rows] < 0)
                          & ((kind == LIGHT) | (kind == NETWORK)))
    r = rows[local]
    if r.size == 0:
        return
    worker = np.full(r.size, -1, dtype=np.int64)
    if model.integrated:
        own = hh.case_worker[r].max(axis=1)
        worker[own >= 0] = own[own >= 0]
    need = np.flatnonzero(worker < 0)
    if need.size and model.integrated:
        households, inverse = np.unique(r[need], return_inverse=True)
        prio = hh.need[households].max(axis=1).astype(np.int64) * per_stage
        got = request_workers(model, households, np.zeros_like(households), prio)
        worker[need] = got[inverse]
    elif need.size:
        prio = hh.need[r[need], d[need]].astype(np.int64) * per_stage
        worker[need] = request_workers(model, r[need], d[need], prio)
    ok = worker >= 0
    hh.case_worker[r[ok], d[ok]] = worker[ok]
    hh.handoff_ready[r[ok], d[ok]] = -1
