"""Submodel 5, intake and triage: one queue per wijkteam.

Each week a wijk's team has a budget for intake: the client hours left after outreach and the
hours its current cases ask, but never less than ``team.intake_floor_share`` of client hours.
Tasks are taken in order of priority (a crisis first, then the worst need stage, then weeks
waited): following up a signal costs ``followup_hours``, an intake ``intake_hours``.

* A follow-up makes contact with a chance that rises with help-seeking. A household with a
  moderate or worse need joins the queue; one with only mild needs gets brief advice (each mild
  need settles with ``brief_advice_success``) and is let go. No contact: the signal is lost.
* An intake needs a free case slot (``caseload_cap``) with a worker who covers the household's
  worst domain (any worker in an integrated team). The plan for each domain is then made by
  casework (submodel 6). In a siloed team the other domains are referred on and start after
  ``handoff_weeks``.

Referrals and cases left by a worker who quit are also (re)assigned here, to free slots.
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
    MODERATE,
    N_DOMAINS,
    SIGNALLED,
    UNKNOWN,
    WAITING,
)
from wijksim.compiled import status_rows
from wijksim.submodels import casework
from wijksim.submodels.signals import unmet_stage

if TYPE_CHECKING:
    from wijksim.model import WijkModel


def step(model: WijkModel) -> None:
    """Follow up signals and admit households from the queue, within each wijk's budget."""
    hh, cfg, week = model.hh, model.cfg.team, model.week
    budget = budget_per_wijk(model)
    rows = status_rows(hh.status, SIGNALLED, WAITING)
    is_followup = hh.status[rows] == SIGNALLED
    worst = unmet_stage(model, rows).max(axis=1)
    waited = np.minimum(week - hh.status_since[rows], cfg.priority_wait_cap_weeks)
    priority = (
        (worst == CRISIS) * cfg.priority_crisis
        + worst.astype(np.int64) * cfg.priority_per_stage
        + waited
    )
    cost = np.where(is_followup, cfg.followup_hours, cfg.intake_hours)

    # Tasks claim the budget by priority (follow-ups first among equals); intakes need a slot.
    wijk = hh.wijk[rows].astype(np.int64)
    queued = ~is_followup
    slot = np.full(rows.size, -1, dtype=np.int64)
    slot[queued] = request_workers(
        model, rows[queued], primary_domain(model, rows[queued]), priority[queued], commit=False
    )
    candidate = is_followup | (slot >= 0)
    order = np.lexsort((~is_followup, -priority, wijk))
    order = order[candidate[order]]
    fits = np.zeros(rows.size, dtype=bool)
    fits[order] = cumsum_within(wijk[order], cost[order]) <= budget[wijk[order]]

    followed = rows[fits & is_followup]
    follow_up(model, followed)
    take = fits & queued
    admitted = admit(model, rows[take], slot[take])
    hours = np.bincount(hh.wijk[followed], minlength=model.n_wijken) * cfg.followup_hours
    hours = hours + np.bincount(hh.wijk[admitted], minlength=model.n_wijken) * cfg.intake_hours
    model.record.intake_hours = hours.astype(np.float64)
    assign_pending(model)


def budget_per_wijk(model: WijkModel) -> np.ndarray:
    """Hours for follow-ups and intakes: what cases and outreach leave, at least a floor."""
    team, n_wijken = model.team, model.n_wijken
    hours = team_mod.hours_per_wijk(team, n_wijken)
    cases = np.bincount(team.wijk, weights=team.hours_demanded, minlength=n_wijken)
    left = hours * team_mod.case_share(model.cfg.team.outreach_share) - cases
    return np.maximum(hours * model.cfg.team.intake_floor_share, left)


def primary_domain(model: WijkModel, rows: np.ndarray) -> np.ndarray:
    """The domain of each household's worst unsupported need (its intake domain)."""
    return np.argmax(unmet_stage(model, rows), axis=1)


def cumsum_within(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Running sums of ``values`` that restart at each new group (``groups`` sorted)."""
    if values.size == 0:
        return values.astype(np.float64)
    total = np.cumsum(values, dtype=np.float64)
    start = np.searchsorted(groups, groups, side="left")
    return total - (total[start] - values[start])


def follow_up(model: WijkModel, rows: np.ndarray) -> None:
    """Try to contact signalled households; queue the moderate, advise and let go the mild."""
    hh, rng, week, record = model.hh, model.streams.intake, model.week, model.record
    record.followups += rows.size
    if rows.size == 0:
        return
    base = model.cfg.signalling.contact_base
    contact = rng.random(rows.size) < base + (1.0 - base) * hh.help_seeking[rows]
    lost = rows[~contact]
    hh.set_status(lost, UNKNOWN, week)
    reached = rows[contact]
    hh.record_first_contact(reached, week, record)
    worst = unmet_stage(model, reached).max(axis=1)
    serious = worst >= MODERATE
    hh.set_status(reached[serious], WAITING, week)
    mild = reached[~serious]
    settle = rng.random((mild.size, N_DOMAINS)) < model.cfg.team.brief_advice_success
    settled = settle & (hh.need[mild] == 1)
    r, d = np.nonzero(settled)
    hh.need[mild[r], d] = 0
    hh.need_since[mild[r], d] = -1
    record.brief_advice += mild.size
    hh.end_episodes(mild, week)
    hh.set_status(mild, CLOSED, week)


def admit(model: WijkModel, rows: np.ndarray, worker: np.ndarray) -> np.ndarray:
    """Take queued households into support with the workers found for them."""
    hh = model.hh
    model.team.caseload += np.bincount(worker, minlength=model.team.n).astype(np.int32)
    model.record.admissions += rows.size
    model.record.wait_weeks_sum += float((model.week - hh.status_since[rows]).sum())
    hh.set_status(rows, IN_SUPPORT, model.week)
    unmet = unmet_stage(model, rows)
    if model.integrated:
        r, d = np.nonzero(unmet > 0)
        casework.assign(model, rows[r], d, worker[r])
    else:
        primary = np.argmax(unmet, axis=1)
        casework.assign(model, rows, primary, worker)
        unmet[np.arange(rows.size), primary] = 0
        r, d = np.nonzero(unmet > 0)
        hh.handoff_ready[rows[r], d] = model.week + model.cfg.team.handoff_weeks
    return rows


def request_workers(
    model: WijkModel,
    rows: np.ndarray,
    domain: np.ndarray,
    priority: np.ndarray,
    commit: bool = True,
) -> np.ndarray:
    """A worker slot for each (household, domain) request with free case slots, or -1.

    With ``commit`` the slots are taken (caseloads rise); without, they are only found.
    """
    team = model.team
    free = np.where(team_mod.active(team, model.week), model.cfg.team.caseload_cap - team.caseload,
                    0)
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
    if commit:
        team.caseload += np.bincount(out[out >= 0], minlength=team.n).astype(np.int32)
    return out


def assign_pending(model: WijkModel) -> None:
    """Assign referred domains (siloed hand-offs) and orphaned cases whose time has come."""
    hh, per_stage = model.hh, model.cfg.team.priority_per_stage
    rows = status_rows(hh.status, IN_SUPPORT)  # only they have hand-offs pending
    ready = hh.handoff_ready[rows]
    local, d = np.nonzero((ready >= 0) & (ready <= model.week) & (hh.case_worker[rows] < 0))
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
    casework.assign(model, r[ok], d[ok], worker[ok])
