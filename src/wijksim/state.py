"""State of the world as columns: households, workers and partners as numpy arrays.

Households are many, so every attribute is one array with a row per household (and a column per
life domain where the attribute is per domain). Submodels update them in compiled loops.
Workers and partners are few; they are arrays too so that team arithmetic stays vectorised, and
:mod:`wijksim.agents` offers Mesa agents as views on single rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from wijksim.codes import MODERATE, N_DOMAINS, SIGNALLED, UNKNOWN, WAITING
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

    # -------------------------------------------------------------- changes of support status

    def set_status(self, rows: np.ndarray, status: int, week: int) -> None:
        """Give households a new support status from ``week``."""
        self.status[rows] = status
        self.status_since[rows] = week

    def record_first_contact(self, rows: np.ndarray, week: int, record: WeekRecord) -> None:
        """Record the first contact of an episode (time to help, early contact) in ``record``."""
        new = rows[self.first_contact[rows] < 0]
        self.first_contact[new] = week
        started = self.episode_start[new]
        known = started != -1  # -1: no episode (start weeks before week 0 are < -1)
        record.first_contacts += int(known.sum())
        record.time_to_help_sum += float((week - started[known]).sum())
        worst = self.need[new[known]].max(axis=1)
        record.early_contacts += int((worst <= MODERATE).sum())

    def end_episodes(self, rows: np.ndarray, week: int) -> None:
        """Households among ``rows`` whose needs are all solved end their episode."""
        rows = rows[(self.need[rows] == 0).all(axis=1)]
        self.episode_start[rows] = -1
        self.first_contact[rows] = -1
        waiting = rows[(self.status[rows] == WAITING) | (self.status[rows] == SIGNALLED)]
        self.set_status(waiting, UNKNOWN, week)

    def release_cases(self, rows: np.ndarray) -> None:
        """Households that leave the wijk leave their workers' caseloads."""
        self.case_worker[rows] = -1
        self.handoff_ready[rows] = -1


@dataclass(slots=True)
class WeekRecord:
    """What happened this week: the counts and sums the submodels add to, which observation reads.

    A fresh record starts every week (:meth:`wijksim.model.WijkModel.begin_week`). Its fields
    are typed and fixed (``slots``): a misspelt name is an error, not a silent zero.
    """

    n_wijken: int
    # 1. life events
    new_needs: int = 0  # needs that arose
    moves: int = 0  # households that left (moved or left the Wlz) and were replaced
    # 2. informal support
    carers: int = 0  # households giving informal care
    overloaded_carers: int = 0  # of them, with strain above the overload threshold
    carer_load: np.ndarray | None = None  # informal care hours each household gives
    # 3. escalation
    escalations: int = 0  # needs moving up to stage 3 or 4
    crises: int = 0  # needs moving up to stage 4
    crises_by_domain: np.ndarray = field(default_factory=lambda: np.zeros(N_DOMAINS))
    # 4. signals
    signals_crisis: int = 0
    signals_help: int = 0
    signals_partner: int = 0
    signals_outreach: int = 0
    # first contacts (signals and intake)
    first_contacts: int = 0  # first contacts of episodes
    time_to_help_sum: float = 0.0  # weeks from episode start to first contact, summed
    early_contacts: int = 0  # first contacts with the worst need at stage 2 or lower
    # 5. intake
    followups: int = 0  # signals followed up
    brief_advice: int = 0  # households with only mild needs advised and let go
    admissions: int = 0  # households taken into support
    wait_weeks_sum: float = 0.0  # weeks the admitted households waited, summed
    intake_hours: np.ndarray | None = None  # hours spent on follow-ups and intakes, per wijk
    # 6. casework
    eligible_decisions: int = 0  # plans for needs at the maatwerk stage (not Wlz)
    eligible_otherwise: int = 0  # of them, network plans
    network_plans: int = 0
    network_failures: int = 0  # network plans that became maatwerk
    alt_failed: int = 0  # of them, would-be maatwerk cases
    maatwerk_grants: int = 0
    wlz_entries: int = 0
    closures: int = 0  # households whose case closed
    # 7. workforce
    sick_spells: int = 0
    leavers: int = 0
    hires: int = 0
    worker_weeks: int = 0  # filled positions this week
    workload: float = 1.0  # team-wide hours asked over hours available
    # 8. costs
    costs: dict[str, float] = field(default_factory=dict)  # euro per year, by budget
    maatwerk_by_domain: np.ndarray = field(default_factory=lambda: np.zeros(N_DOMAINS, np.int64))
    wlz_clients: int = 0

    def __post_init__(self) -> None:
        if self.intake_hours is None:
            self.intake_hours = np.zeros(self.n_wijken)


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
