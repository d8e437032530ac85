"""Submodel 7, workforce: workload, sick leave, leaving, vacancies and new workers.

A worker's workload is the hours asked of them (cases, outreach, intake, and a share of the
wijk's backlog of intakes and follow-ups, to be cleared within ``backlog_weeks``) over the
client hours they have, as a moving average over ``workload_memory_weeks``. Above 1 it raises
the weekly hazards of sick leave and of leaving by ``exp(k * (workload - 1))``. A worker who
leaves leaves a vacancy, filled after ``vacancy_weeks`` on average by a new worker who starts at
``new_worker_productivity`` and reaches full productivity over ``ramp_up_weeks``; the cases of
a leaver go back to the team for reassignment. Sick workers keep their cases but spend no hours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from wijksim.build import team as team_mod
from wijksim.codes import SIGNALLED, STATUSES, WAITING
from wijksim.compiled import kernel, status_by_wijk
from wijksim.state import per_wijk

if TYPE_CHECKING:
    from wijksim.model import WijkModel

def step(model: WijkModel) -> None:
    """Update workloads, then sick leave, leaving, hiring, and next week's hours."""
    update_workload(model)
    sick_leave(model)
    leaving(model)
    hiring(model)
    model.team.hours_available[:] = available_hours(model)


def available_hours(model: WijkModel) -> np.ndarray:
    """Client hours per position for the coming week (0 when vacant or on leave)."""
    team, cfg, week = model.team, model.cfg, model.week + 1
    ramp = cfg.workforce.ramp_up_weeks
    prod = cfg.workforce.new_worker_productivity
    tenure = week - team.start_week
    productivity = (
        np.where(tenure >= ramp, 1.0, prod + (1.0 - prod) * tenure / max(ramp, 1))
        if ramp > 0
        else np.ones(team.n)
    )
    active = team.filled & team.position & (team.leave_until <= week)
    hours = cfg.team.hours_per_fte * team.fte * cfg.team.direct_share * productivity
    return np.where(active, hours, 0.0).astype(np.float32)


def backlog_hours(model: WijkModel) -> np.ndarray:
    """Intake and follow-up hours still waiting per wijk."""
    hh, cfg = model.hh, model.cfg.team
    counts = status_by_wijk(hh.status, hh.wijk, model.n_wijken, len(STATUSES))
    return counts[:, WAITING] * cfg.intake_hours + counts[:, SIGNALLED] * cfg.followup_hours


def update_workload(model: WijkModel) -> None:
    """Workload this week and its moving average per worker."""
    team = model.team
    avail = team.hours_available.astype(np.float64)
    wijk_hours = per_wijk(team.wijk, model.n_wijken, avail)
    share = np.divide(
        avail, wijk_hours[team.wijk], out=np.zeros_like(avail), where=wijk_hours[team.wijk] > 0
    )
    backlog = backlog_hours(model)[team.wijk] / model.cfg.workforce.backlog_weeks * share
    asked = (
        team.hours_demanded
        + avail * model.cfg.team.outreach_share
        + team_mod.intake_hours_per_worker(team, model.record.intake_hours, model.n_wijken)
        + backlog
    )
    now = np.divide(asked, avail, out=np.zeros_like(avail), where=avail > 0)
    active = avail > 0
    model.record.hours_asked += per_wijk(team.wijk[active], model.n_wijken, asked[active])
    model.record.hours_available += wijk_hours
    memory = model.cfg.workforce.workload_memory_weeks
    team.workload[active] += ((now[active] - team.workload[active]) / memory).astype(np.float32)


def stress(model: WijkModel) -> np.ndarray:
    """Hazard multiplier per worker from workload above 1."""
    excess = np.clip(model.team.workload - 1.0, 0.0, 2.0)
    return np.exp(model.cfg.workforce.workload_sensitivity * excess)


def sick_leave(model: WijkModel) -> None:
    """Workers fall ill with a hazard raised by workload; spells last ``sick_weeks`` on average."""
    team, cfg, rng = model.team, model.cfg.workforce, model.streams.workforce
    u, length = rng.random(team.n), rng.geometric(1.0 / max(cfg.sick_weeks, 1.0), team.n)
    at_work = team.filled & team.position & (team.leave_until <= model.week)
    p = 1.0 - np.exp(-cfg.sick_per_year / 52.0 * stress(model))
    ill = at_work & (u < p)
    team.leave_until[ill] = model.week + length[ill]
    model.record.sick_spells += per_wijk(team.wijk[ill], model.n_wijken)


def leaving(model: WijkModel) -> None:
    """Workers quit with a hazard raised by workload; their cases go back to the team."""
    team, cfg, rng = model.team, model.cfg.workforce, model.streams.workforce
    u = rng.random(team.n)
    p = 1.0 - np.exp(-cfg.leave_per_year / 52.0 * stress(model))
    quit_ = team.filled & team.position & (u < p)
    slots = np.flatnonzero(quit_)
    model.record.leavers += per_wijk(team.wijk[slots], model.n_wijken)
    model.record.worker_weeks += per_wijk(team.wijk[team.filled & team.position], model.n_wijken)
    vacate(model, slots)


def vacate(model: WijkModel, slots: np.ndarray) -> None:
    """Empty these positions; their cases wait for another worker."""
    if slots.size == 0:
        return
    team, hh = model.team, model.hh
    team.filled[slots] = False
    team.caseload[slots] = 0
    team.workload[slots] = 1.0
    leaving = np.zeros(team.n, dtype=np.bool_)
    leaving[slots] = True
    orphan_cases(hh.case_worker, hh.handoff_ready, leaving, np.int32(model.week))


@kernel
def orphan_cases(case_worker, handoff_ready, leaving, week):
    """Cases of workers who leave wait for another worker from this week."""
    for r in range(case_worker.shape[0]):
        for d in range(case_worker.shape[1]):
            w = case_worker[r, d]
            if w >= 0 and leaving[w]:
                case_worker[r, d] = -1
                handoff_ready[r, d] = week


def hiring(model: WijkModel) -> None:
    """Vacancies are filled after ``vacancy_weeks`` on average; new workers start slower."""
    team, cfg, rng = model.team, model.cfg.workforce, model.streams.workforce
    u = rng.random(team.n)
    vacant = team.position & ~team.filled
    hired = vacant & (u < 1.0 / max(cfg.vacancy_weeks, 1.0))
    slots = np.flatnonzero(hired)
    team.filled[slots] = True
    team.uid[slots] = model.next_worker_uid + np.arange(slots.size)
    model.next_worker_uid += slots.size
    team.start_week[slots] = model.week + 1
    team.leave_until[slots] = -1
    team.workload[slots] = 1.0
    model.record.hires += per_wijk(team.wijk[slots], model.n_wijken)
