"""Shared helpers of the tests: the repository root and small constructed models."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from wijksim.codes import NO_SUPPORT, UNKNOWN
from wijksim.model import WijkModel
from wijksim.submodels import casework, informal_support, signals

#: The repository's root folder.
ROOT = Path(__file__).resolve().parents[1]


def make(households: int = 50, **params) -> WijkModel:
    """A fresh model at week 0, with no warm-up, ready for submodel calls."""
    params.setdefault("spinup_years", 0)
    return WijkModel(rng=1, households=households, warmup_weeks=0, **params)


def clear_needs(model: WijkModel) -> None:
    hh = model.hh
    hh.need[:] = 0
    hh.need_since[:] = -1
    hh.support[:] = NO_SUPPORT
    hh.case_worker[:] = -1
    hh.handoff_ready[:] = -1
    hh.effect[:] = 0
    hh.status[:] = UNKNOWN
    hh.episode_start[:] = -1
    hh.first_contact[:] = -1
    hh.relapse_until[:] = -1
    hh.strain[:] = 0
    hh.met_share[:] = 1
    hh.self_reliance[:] = 0.5
    hh.help_seeking[:] = 0.5
    model.team.caseload[:] = 0


def integrated(households: int = 2000, **params) -> WijkModel:
    model = make(households, team_structure="integrated", fte_per_1000=2.0, **params)
    clear_needs(model)
    return model


# --- independent or convenience views used by the tests only ------------------------------------


def caseloads(case_worker: np.ndarray, n_slots: int) -> np.ndarray:
    """Cases per worker: distinct (household, worker) pairs in a rows x 5 matrix of slots.

    Counted with numpy, independently of the compiled recount in casework.close_households.
    """
    if case_worker.size == 0:
        return np.zeros(n_slots, dtype=np.int32)
    cw = np.sort(case_worker, axis=1)
    first = np.ones_like(cw, dtype=bool)
    first[:, 1:] = cw[:, 1:] != cw[:, :-1]
    counted = cw[first & (cw >= 0)]
    return np.bincount(counted, minlength=n_slots).astype(np.int32)


def case_hours(model: WijkModel, rows: np.ndarray, doms: np.ndarray) -> np.ndarray:
    """Weekly hours asked by each (household, domain) case."""
    return casework.hours_of_cases(rows, doms, casework.hours_inputs(model))


def demand_hours(model: WijkModel) -> np.ndarray:
    """Informal care hours each household asks this week."""
    return informal_support.household_demand(np.arange(model.hh.n),
                                             informal_support.demand_inputs(model))


def partner_signal_chance(
    model: WijkModel, rows: np.ndarray, unmet: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Chance that any engaged partner signals each household, and the likeliest partner row."""
    partners = model.partners
    reach, sens, _ = model.partner_tables
    relation = partners.relation * partners.engaged
    k = reach.shape[0]
    p_any = np.zeros(rows.size, np.float32)
    source = np.zeros(rows.size, np.int64)
    for i, r in enumerate(rows):
        w = model.hh.wijk[r]
        p_any[i], kind = signals.partner_chance(
            unmet[i].astype(np.int8), model.hh.htype[r], relation[w * k:], reach, sens,
            signals.stage_visibility(model.cfg.signalling),
        )
        source[i] = w * k + kind
    return p_any, source
