"""Shared helpers of the tests: the repository root and small constructed models."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from wijksim.codes import N_DOMAINS, NO_SUPPORT, UNKNOWN
from wijksim.model import WijkModel

#: The repository's root folder.
ROOT = Path(__file__).resolve().parents[1]


def make(households: int = 50, **params) -> WijkModel:
    """A fresh model at week 0, with no warm-up, ready for submodel calls."""
    model = WijkModel(rng=1, households=households, warmup_weeks=0, **params)
    model.tally_crisis_by_domain = np.zeros(N_DOMAINS)  # set per week by WijkModel.step
    return model


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
