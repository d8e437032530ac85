"""State of the world as columns: households, workers and partners as numpy arrays.

Households are many, so every attribute is one array with a row per household (and a column per
life domain where the attribute is per domain). Submodels update them in compiled loops.
Workers and partners are few; they are arrays too so that team arithmetic stays vectorised, and
:mod:`wijksim.agents` offers Mesa agents as views on single rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from wijksim.codes import N_DOMAINS, UNKNOWN
from wijksim.compiled import nonzero_rows


def _rows_nonzero(per_domain: np.ndarray) -> np.ndarray:
    """Rows of an int8 (n, 5) array with a non-zero entry, using its 8-byte row layout."""
    words = per_domain.base
    if words is not None and words.shape == (per_domain.shape[0], 8) and words.dtype == np.int8:
        return nonzero_rows(words.view(np.int64).ravel())
    return np.flatnonzero(per_domain.any(axis=1))  # an array replaced from outside


@dataclass
class Households:
    """Every household's state, one row each (see docs/ODD.md, "Entities")."""

    wijk: np.ndarray  # int16, the wijk the household lives in (rows are sorted by wijk)
    htype: np.ndarray  # int8, household type
    members: np.ndarray  # int8, persons in the household
    children: np.ndarray  # int8, members under 23
    elderly: np.ndarray  # int8, members aged 65+
    self_reliance: np.ndarray  # float32 0-1 (zelfredzaamheid)
    help_seeking: np.ndarray  # float32 0-1, propensity to ask for help
    care_capacity: np.ndarray  # float32, informal care the household can give, hours / week
    need: np.ndarray = field(default=None)  # int8 (n, 5), stage 0-4 per domain
    need_since: np.ndarray = field(default=None)  # int32 (n, 5), week the need began, -1 none
    support: np.ndarray = field(default=None)  # int8 (n, 5), kind of support per domain
    support_since: np.ndarray = field(default=None)  # int32 (n, 5)
    case_worker: np.ndarray = field(default=None)  # int32 (n, 5), worker slot or -1
    handoff_ready: np.ndarray = field(default=None)  # int32 (n, 5), week a referral can start
    provision_until: np.ndarray = field(default=None)  # int32 (n, 5), end of maatwerk
    effect: np.ndarray = field(default=None)  # float32 (n, 5), effectiveness of support 0-1
    calm_weeks: np.ndarray = field(default=None)  # int16 (n, 5), weeks at stage <= 1 in support
    alt_eligible: np.ndarray = field(default=None)  # bool (n, 5), would-be maatwerk, other plan
    status: np.ndarray = field(default=None)  # int8, support status
    status_since: np.ndarray = field(default=None)  # int32, week the status began
    episode_start: np.ndarray = field(default=None)  # int32, onset of the current episode
    first_contact: np.ndarray = field(default=None)  # int32, first contact in this episode
    severe_care_weeks: np.ndarray = field(default=None)  # int16, weeks at care stage >= 3
    relapse_until: np.ndarray = field(default=None)  # int32, raised escalation risk until
    strain: np.ndarray = field(default=None)  # float32, carer load / capacity (moving average)
    met_share: np.ndarray = field(default=None)  # float32, informal demand met last week

    def __post_init__(self) -> None:
        n = len(self.wijk)
        per_domain = {
            "need": np.int8,
            "need_since": np.int32,
            "support": np.int8,
            "support_since": np.int32,
            "case_worker": np.int32,
            "handoff_ready": np.int32,
            "provision_until": np.int32,
            "effect": np.float32,
            "calm_weeks": np.int16,
            "alt_eligible": np.bool_,
        }
        minus_one = {
            "need_since",
            "support_since",
            "case_worker",
            "handoff_ready",
            "provision_until",
        }
        for name, dtype in per_domain.items():
            if getattr(self, name) is None:
                fill = -1 if name in minus_one else 0
                setattr(self, name, np.full((n, N_DOMAINS), fill, dtype=dtype))
        # need and support live in 8-byte rows (5 domains + 3 zero bytes), so "any domain is
        # non-zero" is one comparison of 64-bit words: see rows_with_need / rows_with_support.
        for name in ("need", "support"):
            words = np.zeros((n, 8), dtype=np.int8)
            words[:, :N_DOMAINS] = getattr(self, name)
            setattr(self, name, words[:, :N_DOMAINS])
        per_household = {
            "status": (np.int8, UNKNOWN),
            "status_since": (np.int32, 0),
            "episode_start": (np.int32, -1),
            "first_contact": (np.int32, -1),
            "severe_care_weeks": (np.int16, 0),
            "relapse_until": (np.int32, -1),
            "strain": (np.float32, 0.0),
            "met_share": (np.float32, 1.0),
        }
        for name, (dtype, fill) in per_household.items():
            if getattr(self, name) is None:
                setattr(self, name, np.full(n, fill, dtype=dtype))

    @property
    def n(self) -> int:
        """Number of households."""
        return len(self.wijk)

    def rows_with_need(self) -> np.ndarray:
        """Rows of households with a need in any domain (ascending)."""
        return _rows_nonzero(self.need)

    def rows_with_support(self) -> np.ndarray:
        """Rows of households with support of any kind in any domain (ascending)."""
        return _rows_nonzero(self.support)

    def row(self, i: int) -> dict:
        """All state of household ``i`` as plain Python values (for inspection)."""
        return {f.name: getattr(self, f.name)[i].tolist() for f in fields(self)}


@dataclass
class Team:
    """Worker slots of all wijkteams: a slot is a position that a worker fills or is vacant."""

    wijk: np.ndarray  # int16, wijk of the position
    position: np.ndarray  # bool, the position exists (levers may close positions)
    covers: np.ndarray  # bool (slots, 5), domains the worker works in
    filled: np.ndarray  # bool, a worker holds the position
    uid: np.ndarray  # int64, id of the worker in the slot (a new hire gets a new id)
    start_week: np.ndarray  # int32, week the current worker started
    leave_until: np.ndarray  # int32, on sick leave until this week
    workload: np.ndarray  # float32, moving average of demanded / available hours
    hours_available: np.ndarray  # float32, client hours this week (set for the next at week end)
    hours_demanded: np.ndarray  # float32, hours asked of the worker last week
    hours_spent: np.ndarray  # float32, hours spent last week
    caseload: np.ndarray  # int32, cases held

    skill: np.ndarray  # float32, effectiveness: specialists 1, generalists their broad skill

    @property
    def n(self) -> int:
        """Number of positions."""
        return len(self.wijk)


@dataclass
class Partners:
    """Partners of the sociale basis: one of each kind per wijk (rows = wijk * kinds + kind)."""

    wijk: np.ndarray  # int16
    kind: np.ndarray  # int8, index into codes.PARTNER_KINDS
    relation: np.ndarray  # float32 0-1, relation with the wijkteam
    engaged: np.ndarray  # bool, engaged in early signalling
    signals_sent: np.ndarray  # int64, signals passed to the team so far

    @property
    def n(self) -> int:
        """Number of partners."""
        return len(self.wijk)
