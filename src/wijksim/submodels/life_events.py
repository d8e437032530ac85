"""Submodel 1, life events: new needs arise; households leave and newcomers take their place.

**New needs.** A household without a need in a domain gets one with a weekly hazard that depends
on its type (``needs.onset_per_year``; the care needs of every household with a member aged 65+
- single elderly and elderly couples - at the single elderly's rate, rising with age:
``needs.care_onset_age_slope``) and its wijk (a wijk profile's low-income share,
:mod:`wijksim.build.profiles`), and rises with the stages of its needs in other domains
(``needs.coupling``: debt -> stress -> care, income <-> debt, youth <-> income, ...; damped by a
joint plan while an integrated team supports the household) and with carer overload (care and
social). Hazards are sampled by thinning: candidates are drawn per household type and domain at
a fixed upper-bound rate and accepted with probability hazard / bound. The candidates depend
only on the seed and the population, so paired scenarios share them.

**Departures.** Elderly households die with a hazard that rises with age (Gompertz) and with the
stage of their care need; Wlz clients die at ``policy.wlz_exit_per_year``; every household moves
out at its type's ``population.mobility_per_year``. A newcomer of the same type takes the
dwelling (so stocks and flows balance): new traits, no needs, unknown to the team.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from wijksim.build.population import death_hazard, newcomer_traits, renew_households
from wijksim.codes import (
    CARE,
    COUPLE,
    DEATH,
    DOMAINS,
    END_DEATH,
    END_MOVED,
    HOUSEHOLD_TYPES,
    IN_SUPPORT,
    MAATWERK,
    MILD,
    MODERATE,
    MOVE,
    N_DOMAINS,
    NEVER,
    SINGLE_ELDERLY,
    SOCIAL,
    WLZ,
    WLZ_DEATH,
)
from wijksim.compiled import F32, kernel
from wijksim.state import per_wijk

if TYPE_CHECKING:
    from wijksim.model import WijkModel

#: Highest age (years) used for the bound of the death hazard; older households always qualify
#: as candidates, and their hazard is capped at the bound.
BOUND_AGE = 110.0


def hazard_tables(model: WijkModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weekly onset hazards and bounds (types x domains), and the coupling (domains x domains).

    The bound of a type and domain is the highest hazard such a household can have: its onset,
    times the age factor cap (care of elderly types), times the coupling lift with every other
    need at stage 4, times the carer-overload boost (care and social), times the highest wijk
    factor (``model.onset_factor``, from wijk profiles).
    """
    needs = model.cfg.needs
    onset = np.array(needs.onset_per_year.as_rows(), dtype=np.float64).T / 52.0
    coupling = np.array([needs.coupling[d].as_list() for d in DOMAINS], dtype=np.float64)
    worst = 1.0 + 4.0 * coupling.sum(axis=0)
    overload = np.ones(N_DOMAINS)
    overload[[CARE, SOCIAL]] += model.cfg.informal.overload_hazard_multiplier
    base = onset.copy()  # care of elderly couples: the elderly's rate (and its age factor)
    base[COUPLE, CARE] = max(onset[COUPLE, CARE], onset[SINGLE_ELDERLY, CARE])
    age = np.ones((len(HOUSEHOLD_TYPES), N_DOMAINS))
    age[[SINGLE_ELDERLY, COUPLE], CARE] = needs.care_onset_age_cap
    wijk = model.onset_factor.max(axis=0)  # the wijk with the highest onset (1 if alike)
    bound = np.minimum(base * age * worst * overload * wijk, 1.0)
    return onset, coupling, bound


def step(model: WijkModel) -> None:
    """Draw this week's new needs and departures."""
    new_needs(model)
    departures(model)


def bernoulli_cells(cells: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Indices in ``range(cells)`` each chosen with probability ``p``, ascending, in O(chosen).

    The gaps between chosen cells are geometric: cumulative sums of geometric draws give the
    same distribution as a Bernoulli draw per cell without drawing one number per cell.
    """
    if p <= 0 or cells == 0:
        return np.empty(0, dtype=np.int64)
    expected = cells * p
    chunks, last = [], -1
    while last < cells - 1:
        k = int(expected + 6.0 * np.sqrt(expected) + 16)
        pos = last + np.cumsum(rng.geometric(p, size=k))
        chunks.append(pos)
        last = int(pos[-1])
    out = np.concatenate(chunks)
    return out[out < cells]


def candidates_by_type(type_rows: list[np.ndarray], bound: np.ndarray,
                       rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Rows drawn per household type with the type's probability ``bound[type]``.

    ``type_rows`` holds the rows of each type (:meth:`Households.rows_by_type`). Returns the
    rows and the index of the bound column each was drawn for (``bound`` may be types x columns;
    a 1-d bound is one column). Types never change, so how many numbers are drawn depends only
    on the seed and the population.
    """
    table = bound.reshape(bound.shape[0], -1)
    rows, cols = [], []
    for ty in range(table.shape[0]):
        of_type = type_rows[ty]
        for col in range(table.shape[1]):
            picked = of_type[bernoulli_cells(of_type.size, table[ty, col], rng)]
            rows.append(picked)
            cols.append(np.full(picked.size, col, np.int64))
    return np.concatenate(rows), np.concatenate(cols)


def new_needs(model: WijkModel) -> None:
    """New needs by household type and age, raised by other needs and by carer overload."""
    hh, rng, cfg = model.hh, model.streams.life_events, model.cfg
    onset, coupling, bound = model.onset_tables
    rows, dom = candidates_by_type(hh.rows_by_type(), bound, rng)
    u = rng.random(rows.size)
    sudden = rng.random(rows.size) < cfg.needs.sudden_onset_share
    damping = cfg.team.joint_plan_damping if model.integrated else 0.0
    new, contacted = accept_onsets(
        rows=rows, dom=dom, u=u, sudden=sudden, need=hh.need, need_since=hh.need_since,
        stage2_week=hh.stage2_week, episode_start=hh.episode_start,
        stage2_episode=hh.stage2_episode, htype=hh.htype, elderly=hh.elderly,
        birth_week=hh.birth_week, status=hh.status, strain=hh.strain, onset=onset,
        coupling=coupling, bound=bound, overload_threshold=F32(cfg.informal.overload_threshold),
        overload_boost=np.float64(1.0 + cfg.informal.overload_hazard_multiplier),
        age_slope=np.float64(cfg.needs.care_onset_age_slope),
        age_cap=np.float64(cfg.needs.care_onset_age_cap),
        joint_damping=np.float64(damping), week=np.int64(model.week),
        first_contact=hh.first_contact, wijk=hh.wijk, n_wijken=np.int64(model.n_wijken),
        wijk_factor=model.onset_factor,
    )
    model.record.new_needs += new
    model.record.contacted += contacted  # sudden onsets in households already in contact


@kernel
def accept_onsets(
    rows, dom, u, sudden, need, need_since, stage2_week, episode_start, stage2_episode, htype,
    elderly, birth_week, status, strain, onset, coupling, bound, overload_threshold,
    overload_boost, age_slope, age_cap, joint_damping, week, first_contact, wijk, n_wijken,
    wijk_factor,
):
    """Accept each candidate (row, domain) with probability hazard / bound.

    The hazard is the onset rate of the household's type (times its wijk's ``wijk_factor``, from
    wijk profiles), for care needs of elderly households times the age factor, lifted by its
    needs in other domains (coupling; damped by a joint plan while an integrated team supports
    it) and, for care and social needs, by carer overload.
    Returns, per wijk, the new needs and the households already in contact that a sudden onset
    brought to stage 2 (their time to contact is 0).
    """
    hit = np.zeros(rows.size, np.bool_)
    for i in range(rows.size):  # first decide on every candidate, from last week's needs
        r, d = rows[i], dom[i]
        if need[r, d] != 0:
            continue
        lift = 0.0
        for e in range(need.shape[1]):
            lift += need[r, e] * coupling[e, d]
        if status[r] == IN_SUPPORT:
            lift *= 1.0 - joint_damping
        boost = 1.0
        if strain[r] > overload_threshold and d in (CARE, SOCIAL):
            boost = overload_boost
        base = onset[htype[r], d]
        if d == CARE and elderly[r] > 0:  # the elderly's rate, rising with age
            age = (week - birth_week[r]) / 52.0
            base = onset[SINGLE_ELDERLY, CARE] * min(np.exp(age_slope * (age - 75.0)), age_cap)
        base = base * wijk_factor[wijk[r], d]
        hit[i] = u[i] * bound[htype[r], d] < base * (1.0 + lift) * boost
    new = np.zeros(n_wijken, np.int64)
    contacted = np.zeros(n_wijken, np.int64)
    for i in range(rows.size):  # then the new needs arise
        if hit[i]:
            r, d = rows[i], dom[i]
            need[r, d] = MODERATE if sudden[i] else MILD
            need_since[r, d] = week
            if sudden[i]:
                stage2_week[r, d] = week
                if (stage2_episode[r] == -1) & (first_contact[r] >= 0):
                    stage2_episode[r] = -2
                    contacted[wijk[r]] += 1
                elif stage2_episode[r] == -1:
                    stage2_episode[r] = week
            if episode_start[r] == NEVER:  # episodes may have begun before week 0
                episode_start[r] = week
            new[wijk[r]] += 1
    return new, contacted


def departure_bounds(model: WijkModel) -> np.ndarray:
    """Weekly upper bound of the departure hazard per household type."""
    pop, pol = model.cfg.population, model.cfg.policy
    mobility = np.asarray(pop.mobility_per_year)
    worst = death_hazard(pop, np.array([BOUND_AGE]), np.array([4]), np.array([False]))[0]
    death = np.zeros(len(HOUSEHOLD_TYPES))
    death[0] = max(worst, pol.wlz_exit_per_year)  # single elderly (Wlz clients are elderly)
    death[COUPLE] = max(worst * pop.couple_death_share, pol.wlz_exit_per_year)
    return np.minimum((mobility + death) / 52.0, 1.0)


def departures(model: WijkModel) -> None:
    """Deaths and moves; newcomers of the same type take the dwellings."""
    hh, rng, cfg, week = model.hh, model.streams.mobility, model.cfg, model.week
    bound = departure_bounds(model)
    rows, _ = candidates_by_type(hh.rows_by_type(), bound, rng)
    u = rng.random(rows.size)
    traits = newcomer_traits(hh, rows, cfg, rng)
    reason = departure_reasons(model, rows, u * bound[hh.htype[rows]] * 52.0)
    leave = reason >= 0
    gone, first = np.unique(rows[leave], return_index=True)
    why = reason[leave][first]
    record, n, wijk = model.record, model.n_wijken, hh.wijk[gone]
    record.deaths += per_wijk(wijk[why == DEATH], n)
    record.wlz_deaths += per_wijk(wijk[why == WLZ_DEATH], n)
    record.moves += per_wijk(wijk[why == MOVE], n)
    if gone.size:
        record_leavers(model, gone, why)
        hh.release_cases(gone)
        renew_households(hh, gone, *(t[leave][first] for t in traits), week)


def record_leavers(model: WijkModel, rows: np.ndarray, why: np.ndarray) -> None:
    """Note in the week record what leaves with these households.

    Their Wmo provisions end (by death or move), and their last weeks of Wmo and youth care
    stay counted in the counts over a year.
    """
    hh, record, n = model.hh, model.record, model.n_wijken
    wmo = running_wmo(hh, rows, model.week)
    wijk = hh.wijk[rows]
    record.wmo_endings[:, END_DEATH] += per_wijk(wijk[wmo & (why != MOVE)], n)
    record.wmo_endings[:, END_MOVED] += per_wijk(wijk[wmo & (why == MOVE)], n)
    record.left_wijk = np.concatenate([record.left_wijk, wijk])
    record.left_wmo_last_week = np.concatenate([record.left_wmo_last_week,
                                                hh.wmo_last_week[rows]])
    record.left_youth_last_week = np.concatenate([record.left_youth_last_week,
                                                  hh.youth_last_week[rows]])


def running_wmo(hh, rows: np.ndarray, week: int) -> np.ndarray:
    """Whether each of ``rows`` has a Wmo maatwerk provision (care or social) running."""
    kinds = hh.support[rows][:, [CARE, SOCIAL]]
    started = hh.support_since[rows][:, [CARE, SOCIAL]] <= week
    return ((kinds == MAATWERK) & started).any(axis=1)


def departure_reasons(model: WijkModel, rows: np.ndarray, draw: np.ndarray) -> np.ndarray:
    """Why each candidate leaves (codes.DEPARTURES), or -1 if it stays.

    ``draw`` is a uniform on the candidate's bound, as a yearly rate: the household dies if it
    falls below its death hazard (Wlz clients: the Wlz exit hazard), else moves if it falls
    below death + mobility.
    """
    hh, pop = model.hh, model.cfg.population
    htype = hh.htype[rows]
    old = hh.elderly[rows] > 0
    age = (model.week - hh.birth_week[rows]) / 52.0
    death = np.where(old, death_hazard(pop, np.minimum(age, BOUND_AGE), hh.need[rows, CARE],
                                       htype == COUPLE), 0.0)
    wlz = hh.support[rows, CARE] == WLZ
    death = np.where(wlz, model.cfg.policy.wlz_exit_per_year, death)
    move = death + np.asarray(pop.mobility_per_year)[htype]
    return np.select([draw < death, draw < move], [np.where(wlz, WLZ_DEATH, DEATH), MOVE], -1)
