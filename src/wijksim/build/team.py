"""The wijkteams: positions per wijk, team structure, hours and the dealing of case slots.

A *position* (slot) is a part of a wijk's FTE (about ``team.position_fte``); a worker fills it
or it is vacant. In an ``integrated`` team every worker covers all five domains with broad
skills; a household has one worker and one plan. In a ``siloed`` team each worker covers one
domain (in a team smaller than five, a few); a multi-problem household has a worker per domain.

Teams are built at set-up (and resized when a lever changes staffing); every week the submodels
read their hours here: who is at work, client hours per wijk, the share left for cases after
outreach, and the intake hours of each worker.
"""

from __future__ import annotations

import numpy as np

from wijksim.codes import N_DOMAINS
from wijksim.compiled import kernel
from wijksim.config import TeamSection
from wijksim.state import Team


def positions_per_wijk(
    cfg: TeamSection, inhabitants: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Positions per wijk and the FTE of each, at the lever's FTE per 1,000 inhabitants."""
    return positions_for(cfg.fte_per_1000 * inhabitants / 1000.0, cfg.position_fte)


def positions_for(fte: np.ndarray, position_fte: float) -> tuple[np.ndarray, np.ndarray]:
    """Positions per wijk and the FTE of each, for ``fte`` per wijk.

    The wijk's FTE is split into positions of about ``position_fte`` (at least one), all of the
    same size, so any FTE is realised exactly (in hours).
    """
    count = np.maximum(1, np.round(fte / position_fte)).astype(np.int64)
    return count, fte / count


def domain_coverage(positions: int, structure: str, weights: np.ndarray) -> np.ndarray:
    """Which domains each of a team's ``positions`` covers (a bool matrix positions x 5).

    In a siloed team every domain gets one position, and the positions beyond five are shared
    out by ``weights`` (relative shares per domain, ``team.domain_weights``).
    """
    covers = np.zeros((positions, N_DOMAINS), dtype=bool)
    if structure == "integrated":
        covers[:] = True
        return covers
    if positions < N_DOMAINS:
        for d in range(N_DOMAINS):
            covers[d % positions, d] = True
        return covers
    extra = positions - N_DOMAINS
    quota = weights * extra
    per_domain = 1 + np.floor(quota).astype(int)
    remainder = extra - (per_domain - 1).sum()
    per_domain[np.argsort(-(quota - np.floor(quota)), kind="stable")[:remainder]] += 1
    covers[np.arange(positions), np.repeat(np.arange(N_DOMAINS), per_domain)] = True
    return covers


def build_team(cfg: TeamSection, inhabitants: np.ndarray) -> Team:
    """All positions of all wijken, filled by workers at full productivity at week 0."""
    per_wijk, fte = positions_per_wijk(cfg, inhabitants)
    n = int(per_wijk.sum())
    team = Team(
        wijk=np.repeat(np.arange(len(per_wijk), dtype=np.int16), per_wijk),
        fte=np.repeat(fte, per_wijk).astype(np.float32),
        position=np.ones(n, dtype=bool),
        covers=np.zeros((n, N_DOMAINS), dtype=bool),
        filled=np.ones(n, dtype=bool),
        uid=np.arange(n, dtype=np.int64),
        start_week=np.full(n, -10_000, dtype=np.int32),
        leave_until=np.full(n, -1, dtype=np.int32),
        workload=np.ones(n, dtype=np.float32),
        hours_available=np.zeros(n, dtype=np.float32),
        hours_demanded=np.zeros(n, dtype=np.float32),
        hours_spent=np.zeros(n, dtype=np.float32),
        caseload=np.zeros(n, dtype=np.int32),
        skill=np.ones(n, dtype=np.float32),
    )
    set_structure(team, cfg)
    return team


def set_structure(team: Team, cfg: TeamSection) -> None:
    """(Re)assign domains and skills of every position for the structure in ``cfg``."""
    weights = np.asarray(cfg.domain_weights.as_list())
    team.covers[:] = False
    for w in np.unique(team.wijk):
        rows = np.flatnonzero((team.wijk == w) & team.position)
        team.covers[rows] = domain_coverage(rows.size, cfg.structure, weights)
    team.skill[:] = cfg.broad_skill if cfg.structure == "integrated" else 1.0


def add_positions(team: Team, wijk: np.ndarray, week: int, next_uid: int,
                  cfg: TeamSection) -> Team:
    """A team with extra positions appended (one per entry of ``wijk``), filled by new workers."""
    k = wijk.size
    grown = Team(
        wijk=np.concatenate([team.wijk, wijk.astype(np.int16)]),
        fte=np.concatenate([team.fte, np.ones(k, dtype=np.float32)]),
        position=np.concatenate([team.position, np.ones(k, dtype=bool)]),
        covers=np.concatenate([team.covers, np.zeros((k, N_DOMAINS), dtype=bool)]),
        filled=np.concatenate([team.filled, np.ones(k, dtype=bool)]),
        uid=np.concatenate([team.uid, np.arange(next_uid, next_uid + k, dtype=np.int64)]),
        start_week=np.concatenate([team.start_week, np.full(k, week, dtype=np.int32)]),
        leave_until=np.concatenate([team.leave_until, np.full(k, -1, dtype=np.int32)]),
        workload=np.concatenate([team.workload, np.ones(k, dtype=np.float32)]),
        hours_available=np.concatenate([team.hours_available, np.zeros(k, dtype=np.float32)]),
        hours_demanded=np.concatenate([team.hours_demanded, np.zeros(k, dtype=np.float32)]),
        hours_spent=np.concatenate([team.hours_spent, np.zeros(k, dtype=np.float32)]),
        caseload=np.concatenate([team.caseload, np.zeros(k, dtype=np.int32)]),
        skill=np.concatenate([team.skill, np.ones(k, dtype=np.float32)]),
    )
    set_structure(grown, cfg)
    return grown


def slots(team: Team, caseload_cap: int) -> np.ndarray:
    """Case slots of each position: ``caseload_cap`` per FTE, at least one."""
    return np.maximum(1, np.round(caseload_cap * team.fte)).astype(np.int64)


def active(team: Team, week: int) -> np.ndarray:
    """Positions with a worker at work (not vacant, not on leave) in ``week``."""
    return team.filled & team.position & (team.leave_until <= week)


def hours_per_wijk(team: Team, n_wijken: int) -> np.ndarray:
    """Client hours available per wijk this week."""
    return np.bincount(team.wijk, weights=team.hours_available, minlength=n_wijken)


def case_share(outreach_share: float) -> float:
    """Share of client hours left for cases (and intake) after outreach."""
    return 1.0 - outreach_share


def intake_hours_per_worker(team: Team, intake_hours: np.ndarray, n_wijken: int) -> np.ndarray:
    """This week's intake hours of each wijk (``intake_hours``) spread over its workers by hours."""
    hours = hours_per_wijk(team, n_wijken)
    per_wijk = np.divide(intake_hours, hours, out=np.zeros_like(hours), where=hours > 0)
    return team.hours_available * per_wijk[team.wijk]


def caseloads(case_worker: np.ndarray, n_slots: int) -> np.ndarray:
    """Cases per worker: distinct (household, worker) pairs in a rows x 5 matrix of slots."""
    if case_worker.size == 0:
        return np.zeros(n_slots, dtype=np.int32)
    cw = np.sort(case_worker, axis=1)
    first = np.ones_like(cw, dtype=bool)
    first[:, 1:] = cw[:, 1:] != cw[:, :-1]
    counted = cw[first & (cw >= 0)]
    return np.bincount(counted, minlength=n_slots).astype(np.int32)


def allocate_slots(
    req_group: np.ndarray,
    req_priority: np.ndarray,
    slot_group: np.ndarray,
    free: np.ndarray,
    n_groups: int,
) -> np.ndarray:
    """Give requests free case slots of workers in their group, best priority first.

    Requests are ranked within their group by descending priority; the free slots of a group's
    workers are dealt round-robin (one slot of each worker, then a second of each, ...), so
    cases spread evenly. Returns the worker slot per request, or -1 where none was free.
    """
    if req_group.size == 0:
        return np.full(0, -1, dtype=np.int64)
    order = np.lexsort((-req_priority, req_group))
    return deal_slots(order, req_group.astype(np.int64), slot_group.astype(np.int64),
                      np.maximum(free, 0).astype(np.int64), n_groups)


@kernel
def deal_slots(order, req_group, slot_group, free, n_groups):
    """Deal free slots round-robin to requests taken in ``order`` (see :func:`allocate_slots`)."""
    out = np.full(order.size, -1, np.int64)
    # the workers of each group, in ascending slot order, as a CSR list
    start = np.zeros(n_groups + 1, np.int64)
    for w in range(slot_group.size):
        start[slot_group[w] + 1] += 1
    for g in range(n_groups):
        start[g + 1] += start[g]
    fill = start[:-1].copy()
    members = np.empty(slot_group.size, np.int64)
    most = np.zeros(n_groups, np.int64)
    for w in range(slot_group.size):
        g = slot_group[w]
        members[fill[g]] = w
        fill[g] += 1
        most[g] = max(most[g], free[w])
    # each group's cursor: the round (which slot of each worker) and the next worker in it
    rnd = np.zeros(n_groups, np.int64)
    pos = start[:-1].copy()
    for i in order:
        g = req_group[i]
        while rnd[g] < most[g]:
            if pos[g] == start[g + 1]:
                rnd[g] += 1
                pos[g] = start[g]
                continue
            w = members[pos[g]]
            pos[g] += 1
            if free[w] > rnd[g]:
                out[i] = w
                break
    return out
