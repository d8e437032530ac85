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

from wijksim.state import CARE, CRISIS, SEVERE, WLZ

if TYPE_CHECKING:
    from wijksim.model import WijkModel


def step(model: WijkModel) -> None:
    """Move needs up or down one stage by their weekly hazards."""
    hh, cfg, rng = model.hh, model.cfg, model.streams.escalation
    needy = hh.rows_with_need()
    local, dom = np.nonzero(hh.need[needy] > 0)
    rows = needy[local]
    u = rng.random(rows.size)
    keep = hh.support[rows, dom] != WLZ
    rows, dom, u = rows[keep], dom[keep], u[keep]
    stage = hh.need[rows, dom]

    met = hh.met_share[rows]
    reliance = hh.self_reliance[rows]
    relapse = np.where(hh.relapse_until[rows] > model.week, cfg.needs.relapse_multiplier, 1.0)
    esc = (
        model.escalation_per_week[stage]
        * (1.0 - cfg.informal.escalation_shield * met)
        * (1.0 - cfg.team.support_shield * hh.effect[rows, dom])
        * relapse
        * (1.3 - 0.6 * reliance)
    )
    rec = (
        model.recovery_per_week[stage]
        * model.recovery_factor[dom]
        * (0.5 + reliance)
        * (1.0 + cfg.informal.recovery_boost * met)
    )
    rec = np.where(stage == CRISIS, model.crisis_recovery_per_week, rec)
    up = u < esc
    down = ~up & (u < esc + rec)

    new_stage = stage + up.astype(np.int8) - down.astype(np.int8)
    hh.need[rows, dom] = new_stage
    escalated = up & (new_stage >= SEVERE)
    crisis = up & (new_stage == CRISIS)
    model.tally["escalations"] += int(escalated.sum())
    model.tally["crises"] += int(crisis.sum())
    np.add.at(model.tally_crisis_by_domain, dom[crisis], 1)
    solved = down & (new_stage == 0)
    hh.need_since[rows[solved], dom[solved]] = -1
    model.end_episodes(rows[solved])
    severe_care = hh.need[:, CARE] >= SEVERE
    hh.severe_care_weeks[:] = np.where(severe_care, hh.severe_care_weeks + 1, 0)
