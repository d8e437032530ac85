"""Submodel 3, escalation and recovery of needs.

Every need at stage 1-3 may move one stage up (escalation) or down (recovery) each week.
Escalation is shielded by informal help (``met_share``) and by effective support (``effect``,
set by casework last week); it is raised after a case was closed with need left (relapse) and
for households of low self-reliance. Recovery on one's own depends on self-reliance and is
sped up by informal help. Reaching stage 3 counts as an escalation; reaching stage 4 is a crisis
(eviction, emergency, police), which costs money and forces contact with the team (submodel 4).
A crisis passes back to stage 3 after a while. Needs under Wlz do not move.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from wijksim.codes import CARE, CRISIS, N_DOMAINS, SEVERE, WLZ
from wijksim.compiled import F32, kernel

if TYPE_CHECKING:
    from wijksim.model import WijkModel


def step(model: WijkModel) -> None:
    """Move needs up or down one stage by their weekly hazards."""
    hh, cfg = model.hh, model.cfg
    record = model.record
    escalations, crises, solved = move_stages(
        rows=hh.rows_with_need(), rng=model.streams.escalation, need=hh.need,
        support=hh.support, need_since=hh.need_since, met_share=hh.met_share,
        self_reliance=hh.self_reliance, relapse_until=hh.relapse_until, effect=hh.effect,
        week=np.int64(model.week), escalation_per_week=model.escalation_per_week,
        recovery_per_week=model.recovery_per_week, recovery_factor=model.recovery_factor,
        crisis_recovery=np.float64(model.crisis_recovery_per_week),
        relapse_multiplier=np.float64(cfg.needs.relapse_multiplier),
        escalation_shield=F32(cfg.informal.escalation_shield),
        support_shield=F32(cfg.team.support_shield),
        recovery_boost=F32(cfg.informal.recovery_boost),
        crises_by_domain=record.crises_by_domain,
        frailty_base=F32(cfg.needs.frailty_base),
        frailty_per_reliance=F32(cfg.needs.frailty_per_reliance),
        own_recovery_base=F32(cfg.needs.own_recovery_base),
    )
    record.escalations += escalations
    record.crises += crises
    hh.end_episodes(solved, model.week)
    count_severe_care_weeks(hh.need, hh.severe_care_weeks)


@kernel
def move_stages(
    rows, rng, need, support, need_since, met_share, self_reliance, relapse_until, effect, week,
    escalation_per_week, recovery_per_week, recovery_factor, crisis_recovery, relapse_multiplier,
    escalation_shield, support_shield, recovery_boost, crises_by_domain, frailty_base,
    frailty_per_reliance, own_recovery_base,
):
    """Each need of ``rows`` (one uniform from ``rng`` each, in order) moves up, down or stays.

    Returns the number of escalations (to stage 3 or 4), of crises, and the rows of households
    that solved a need this week (candidates for the end of their episode).
    """
    escalations = 0
    crises = 0
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
            esc = escalation_per_week[stage] * shield_informal * shield_support * relapse * frailty
            rec = recovery_per_week[stage] * recovery_factor[d] * own * boost
            rec = crisis_recovery if stage == CRISIS else rec
            up = ud < esc
            down = (ud >= esc) & (ud < esc + rec)
            new_stage = stage + up - down
            need[r, d] = new_stage
            escalations += up & (new_stage >= SEVERE)
            crisis = up & (new_stage == CRISIS)
            crises += crisis
            crises_by_domain[d] += crisis
            if down & (stage == 1):
                need_since[r, d] = -1
                any_solved = True
        solved[n_solved] = r
        n_solved += any_solved
    return escalations, crises, solved[:n_solved].copy()


@kernel
def count_severe_care_weeks(need: np.ndarray, severe_care_weeks: np.ndarray) -> None:
    """Weeks in a row each household's care need has been severe or worse (0 when not)."""
    for i in range(need.shape[0]):
        severe_care_weeks[i] = (severe_care_weeks[i] + 1) * (need[i, CARE] >= SEVERE)
