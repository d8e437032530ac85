"""Shared helpers of the tests: the repository root and small constructed models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp

from wijksim.codes import IN_SUPPORT, MAATWERK
from wijksim.model import WijkModel
from wijksim.submodels import casework, informal_support, signals

#: The repository's root folder.
ROOT = Path(__file__).resolve().parents[1]


def make(households: int = 50, **params) -> WijkModel:
    """A fresh model at week 0, with no warm-up, ready for submodel calls."""
    params.setdefault("spinup_years", 0)
    return WijkModel(rng=1, households=households, warmup_weeks=0, **params)


def clear_needs(model: WijkModel) -> None:
    """No needs, no support, nobody known to the team; traits at 0.5; empty caseloads.

    Every per-domain and per-household state is cleared as for a newcomer (``Households.renew``),
    so constructed cases start from a blank slate; the traits (type, age, capacity) stay.
    """
    hh = model.hh
    hh.renew(np.arange(hh.n), model.week)
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


# --- constructed cases -------------------------------------------------------------------------


def support(model: WijkModel, rows, dom: int, kind: int, need: int, *, worker: int = -1,
            since: int | None = None) -> None:
    """Give ``rows`` support of ``kind`` (light, network, basis) for a need in ``dom``.

    The plan was made ``since`` (default: this week) at the need's present stage; the household
    is in support.
    """
    hh = model.hh
    week = model.week if since is None else since
    hh.need[rows, dom] = need
    hh.support[rows, dom] = kind
    hh.support_since[rows, dom] = week
    hh.progress_week[rows, dom] = week
    hh.plan_stage[rows, dom] = need
    hh.case_worker[rows, dom] = worker
    hh.status[rows] = IN_SUPPORT


def grant(model: WijkModel, rows, dom: int, provision: int, need: int, *,
          since: int | None = None, until: int | None = None) -> None:
    """Give ``rows`` a maatwerkvoorziening ``provision`` in ``dom``.

    By default it started ten weeks ago and runs ten more weeks.
    """
    hh = model.hh
    hh.need[rows, dom] = need
    hh.support[rows, dom] = MAATWERK
    hh.provision[rows, dom] = provision
    hh.support_since[rows, dom] = model.week - 10 if since is None else since
    hh.provision_until[rows, dom] = model.week + 10 if until is None else until
    hh.plan_stage[rows, dom] = need
    hh.progress_week[rows, dom] = hh.support_since[rows, dom]


def settle(model: WijkModel, *parts: int) -> None:
    """Run the given parts of casework's settling (``casework.EFFECT``, ``RECOVER``, ...)."""
    casework.settle_cases(model, int(np.bitwise_or.reduce(np.array(parts))))


def set_provision(model: WijkModel, name: str, **fields) -> None:
    """Change fields of a provision in the model's config and rebuild its tables."""
    for key, value in fields.items():
        setattr(model.cfg.policy.provisions[name], key, value)
    model._derive_tables()


def with_reach(model: WijkModel) -> None:
    """Compute what each household's ties can give (informal support does it every week)."""
    model.reach = informal_support.Reach(model.net, model.hh.care_capacity)


def paired_network(n: int, askers: np.ndarray, carers: np.ndarray, weight: float) -> sp.csr_matrix:
    """A symmetric tie matrix with one tie between askers[i] and carers[i]."""
    rows = np.concatenate([askers, carers])
    cols = np.concatenate([carers, askers])
    vals = np.full(rows.size, weight, dtype=np.float32)
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, n), dtype=np.float32)
