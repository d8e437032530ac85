"""Submodel 3, escalation and recovery of needs.

Every need at stage 1-3 may move one stage up (escalation) or down (recovery) each week.
Escalation is shielded by informal help (``met_share``) and by effective support (``effect``,
set by casework last week); it is raised after a case was closed with need left (relapse) and
for households of low self-reliance. Recovery on one's own depends on self-reliance and is
sped up by informal help. A need's first move to stage 3 or 4 counts as an escalation (once per
need, until it is solved); every move to stage 4 is a crisis (eviction, emergency, police),
which costs money and forces contact with the team (submodel 4). A crisis passes back to stage
3 after a while. Needs under Wlz do not move. Escalation also notes when a need first reaches
stage 2, where the time to help and the time to contact start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from wijksim.codes import CARE, CRISIS, MODERATE, N_DOMAINS, NO_SUPPORT, SEVERE, WLZ
from wijksim.compiled import F32, kernel

if TYPE_CHECKING:
    from wijksim.model import WijkModel


class NeedArrays(NamedTuple):
    """The household arrays escalation reads and writes (one kernel argument)."""

    need: np.ndarray  # int8 (n, 5)
    need_since: np.ndarray  # int32 (n, 5)
    stage2_week: np.ndarray  # int32 (n, 5)
    escalated: np.ndarray  # bool (n, 5)
    support: np.ndarray  # int8 (n, 5)
    effect: np.ndarray  # float32 (n, 5)
    progress_week: np.ndarray  # int32 (n, 5)
    met_share: np.ndarray  # float32 (n,)
    self_reliance: np.ndarray  # float32 (n,)
    elderly: np.ndarray  # int8 (n,): members aged 65+
    wijk: np.ndarray  # int16 (n,): the household's wijk (counts are per wijk)
    relapse_until: np.ndarray  # int32 (n,)
    first_contact: np.ndarray  # int32 (n,)
    stage2_episode: np.ndarray  # int32 (n,)


class EscalationRules(NamedTuple):
    """This week's parameters of escalation and recovery (one kernel argument)."""

    week: np.int64
    escalation_per_week: np.ndarray  # float64 by stage
    recovery_per_week: np.ndarray  # float64 by stage
    recovery_factor: np.ndarray  # float64 (2, domains): 1 - chronicity, young and elderly
    crisis_recovery: np.float64
    relapse_multiplier: np.float64
    escalation_shield: np.float32
    support_shield: np.float32
    recovery_boost: np.float32
    frailty_base: np.float32
    frailty_per_reliance: np.float32
    own_recovery_base: np.float32


def step(model: WijkModel) -> None:
    """Move needs up or down one stage by their weekly hazards."""
    hh, cfg, record = model.hh, model.cfg, model.record
    arrays = NeedArrays(
        need=hh.need, need_since=hh.need_since, stage2_week=hh.stage2_week,
        escalated=hh.escalated, support=hh.support, effect=hh.effect,
        progress_week=hh.progress_week, met_share=hh.met_share, self_reliance=hh.self_reliance,
        elderly=hh.elderly, wijk=hh.wijk,
        relapse_until=hh.relapse_until, first_contact=hh.first_contact,
        stage2_episode=hh.stage2_episode,
    )
    rules = EscalationRules(
        week=np.int64(model.week), escalation_per_week=model.escalation_per_week,
        recovery_per_week=model.recovery_per_week, recovery_factor=model.recovery_factor,
        crisis_recovery=np.float64(model.crisis_recovery_per_week),
        relapse_multiplier=np.float64(cfg.needs.relapse_multiplier),
        escalation_shield=F32(cfg.informal.escalation_shield),
        support_shield=F32(cfg.team.support_shield),
        recovery_boost=F32(cfg.informal.recovery_boost),
        frailty_base=F32(cfg.needs.frailty_base),
        frailty_per_reliance=F32(cfg.needs.frailty_per_reliance),
        own_recovery_base=F32(cfg.needs.own_recovery_base),
    )
    counts, solved = move_stages(hh.rows_with_need(), model.streams.escalation, arrays, rules,
                                 record.crises_by_domain)
    record.escalations += counts[0]
    record.multi_problem_escalations += counts[1]
    record.crises += counts[2]
    record.helped += counts[3]  # reached stage 2 already supported: time to help 0
    record.contacted += counts[4]  # reached stage 2 already in contact: time to contact 0
    hh.end_episodes(solved, model.week)
    count_severe_care_weeks(hh.need, hh.severe_care_weeks)


@kernel
def move_stages(rows, rng, a, rules, crises_by_domain):
    """Each need of ``rows`` (one uniform from ``rng`` each, in order) moves up, down or stays.

    ``a`` holds the household arrays (:class:`NeedArrays`), ``rules`` the week's parameters
    (:class:`EscalationRules`). A need's first move to stage 3 or 4 is an escalation (counted
    once until the need is solved); every move to 4 is a crisis. A need's first week at stage
    2 is noted for the time to help (and, for its household, the time to contact). Returns
    counts (escalations, of which in households with needs in two or more domains, crises,
    needs reaching stage 2 already supported, households reaching it already in contact) and
    the rows of households that solved a need this week.
    """
    # The structured arguments are unpacked once: reading a named tuple's array inside the loop
    # would take a reference to it at every access.
    need, need_since, stage2_week, escalated = a.need, a.need_since, a.stage2_week, a.escalated
    support, effect, progress_week = a.support, a.effect, a.progress_week
    met_share, self_reliance, relapse_until = a.met_share, a.self_reliance, a.relapse_until
    elderly, wijk = a.elderly, a.wijk
    first_contact, stage2_episode = a.first_contact, a.stage2_episode
    week, escalation_per_week = rules.week, rules.escalation_per_week
    recovery_per_week, recovery_factor = rules.recovery_per_week, rules.recovery_factor
    escalation_shield, support_shield = rules.escalation_shield, rules.support_shield
    recovery_boost, crisis_recovery = rules.recovery_boost, rules.crisis_recovery
    frailty_base, frailty_per_reliance = rules.frailty_base, rules.frailty_per_reliance
    own_recovery_base, relapse_multiplier = rules.own_recovery_base, rules.relapse_multiplier
    counts = np.zeros((5, crises_by_domain.shape[0]), np.int64)
    solved = np.empty(rows.size, np.int64)
    n_solved = 0
    domains = np.empty(N_DOMAINS, np.int64)
    for r in rows:
        met = met_share[r]
        reliance = self_reliance[r]
        relapse = relapse_multiplier if relapse_until[r] > week else np.float64(1.0)
        shield_informal = F32(1.0) - escalation_shield * met
        frailty = frailty_base - frailty_per_reliance * reliance
        own = own_recovery_base + reliance
        boost = F32(1.0) + recovery_boost * met
        old = 1 if elderly[r] > 0 else 0
        w = wijk[r]
        any_solved = False
        n_dom = 0
        for d in range(N_DOMAINS):  # the household's domains with a need
            domains[n_dom] = d
            n_dom += need[r, d] > 0
        for d in domains[:n_dom]:
            stage = need[r, d]
            ud = rng.random()
            if support[r, d] == WLZ:
                continue
            shield_support = F32(1.0) - support_shield * effect[r, d]
            esc = escalation_per_week[stage] * shield_informal * shield_support * relapse
            esc = esc * frailty
            rec = recovery_per_week[stage] * recovery_factor[old, d] * own * boost
            rec = crisis_recovery if stage == CRISIS else rec
            up = ud < esc
            down = (ud >= esc) & (ud < esc + rec)
            new_stage = stage + up - down
            need[r, d] = new_stage
            if up & (new_stage >= SEVERE) & (not escalated[r, d]):
                escalated[r, d] = True
                counts[0, w] += 1
                counts[1, w] += n_dom >= 2
            crisis = up & (new_stage == CRISIS)
            counts[2, w] += crisis
            crises_by_domain[w, d] += crisis
            if up & (new_stage == MODERATE):
                helped, contacted = reach_stage_two(
                    r=r, d=d, week=week, support=support, stage2_week=stage2_week,
                    first_contact=first_contact, stage2_episode=stage2_episode,
                )
                counts[3, w] += helped
                counts[4, w] += contacted
            if down:
                progress_week[r, d] = week
            if down & (stage == 1):
                need_since[r, d] = -1
                stage2_week[r, d] = -1
                escalated[r, d] = False
                any_solved = True
        solved[n_solved] = r
        n_solved += any_solved
    return counts, solved[:n_solved].copy()


@kernel
def reach_stage_two(r, d, week, support, stage2_week, first_contact, stage2_episode):
    """A need reaches stage 2: note the week, or count no wait where help is already there.

    The week is noted for the need (time to help) and for its household (time to contact), the
    first time only; a need already supported, or a household already in contact, counts as
    helped or contacted at once. Returns (helped at once, contacted at once).
    """
    helped = 0
    contacted = 0
    if stage2_week[r, d] == -1:
        if support[r, d] != NO_SUPPORT:
            stage2_week[r, d] = -2
            helped = 1
        else:
            stage2_week[r, d] = week
    if stage2_episode[r] == -1:
        if first_contact[r] >= 0:
            stage2_episode[r] = -2
            contacted = 1
        else:
            stage2_episode[r] = week
    return helped, contacted


@kernel
def count_severe_care_weeks(need: np.ndarray, severe_care_weeks: np.ndarray) -> None:
    """Weeks in a row each household's care need has been severe or worse (0 when not)."""
    for i in range(need.shape[0]):
        severe_care_weeks[i] = (severe_care_weeks[i] + 1) * (need[i, CARE] >= SEVERE)
