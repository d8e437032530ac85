"""State of the world as columns: households, workers and partners as numpy arrays.

Households are many, so every attribute is one array with a row per household (and a column per
life domain where the attribute is per domain). Submodels update them in compiled loops.
Workers and partners are few; they are arrays too so that team arithmetic stays vectorised, and
:mod:`wijksim.agents` offers Mesa agents as views on single rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from wijksim.codes import HOUSEHOLD_TYPES, MILD, N_DOMAINS, SIGNALLED, UNKNOWN, WAITING, WMO_ENDINGS
from wijksim.compiled import nonzero_rows


def _rows_nonzero(per_domain: np.ndarray) -> np.ndarray:
    """Rows of an int8 (n, 5) array with a non-zero entry, using its 8-byte row layout."""
    words = per_domain.base
    if words is not None and words.shape == (per_domain.shape[0], 8) and words.dtype == np.int8:
        return nonzero_rows(words.view(np.int64).ravel())
    return np.flatnonzero(per_domain.any(axis=1))  # an array replaced from outside


#: Per-domain state of a household: name -> (dtype, value when there is nothing to hold).
PER_DOMAIN: dict[str, tuple[type, int]] = {
    "need": (np.int8, 0),  # stage 0-4
    "need_since": (np.int32, -1),  # week the need began (-1: no need)
    "stage2_week": (np.int32, -1),  # week it first reached stage 2; -2: counted in time to help
    "escalated": (np.bool_, 0),  # it has reached stage 3 or 4 (an escalation counts once)
    "support": (np.int8, 0),  # kind of support (codes.SUPPORT_KINDS)
    "support_since": (np.int32, -1),  # week the support began (maatwerk: the provision starts)
    "progress_week": (np.int32, -1),  # week of the plan's start or the need's last improvement
    "plan_stage": (np.int8, 0),  # the need's stage when its plan was made
    "case_worker": (np.int32, -1),  # worker slot holding the domain, -1 none
    "handoff_ready": (np.int32, -1),  # week a pending referral or reassignment can start
    "provision": (np.int8, 0),  # the maatwerkvoorziening (codes.PROVISIONS)
    "provision_until": (np.int32, -1),  # end, review or delivery week of the provision
    "effect": (np.float32, 0),  # effectiveness of support 0-1 (set by casework)
    "calm_weeks": (np.int16, 0),  # weeks at stage <= 1 under support
    "alt_since": (np.int32, -1),  # would-be maatwerk routed otherwise in this week (-1: no)
}

#: Per-household state that a newcomer starts afresh: name -> (dtype, starting value).
PER_HOUSEHOLD: dict[str, tuple[type, float]] = {
    "status": (np.int8, UNKNOWN),  # support status (codes.STATUSES)
    "status_since": (np.int32, 0),  # week the status began
    "episode_start": (np.int32, -1),  # onset of the current episode (-1: none)
    "first_contact": (np.int32, -1),  # first contact in this episode (-1: none)
    "stage2_episode": (np.int32, -1),  # a need first reached stage 2; -2: counted to contact
    "fully_supported": (np.bool_, 0),  # every need has had support since first contact
    "severe_care_weeks": (np.int16, 0),  # weeks in a row at care stage >= 3
    "relapse_until": (np.int32, -1),  # escalation risk raised until this week
    "strain": (np.float32, 0.0),  # carer load / capacity (moving average)
    "met_share": (np.float32, 1.0),  # share of informal demand met last week
    "wmo_last_week": (np.int32, -10_000),  # last week with a running Wmo provision
    "youth_last_week": (np.int32, -10_000),  # last week with running youth care
}


@dataclass
class Households:
    """Every household's state, one row each (see docs/ODD.md, "Entities").

    The traits are set at set-up (and for a newcomer when a household is replaced); the state
    in :data:`PER_DOMAIN` and :data:`PER_HOUSEHOLD` starts at its listed value.
    """

    wijk: np.ndarray  # int16, the wijk the household lives in (rows are sorted by wijk)
    htype: np.ndarray  # int8, household type
    members: np.ndarray  # int8, persons in the household
    children: np.ndarray  # int8, members under 23
    elderly: np.ndarray  # int8, members aged 65+
    self_reliance: np.ndarray  # float32 0-1 (zelfredzaamheid)
    help_seeking: np.ndarray  # float32 0-1, propensity to ask for help
    care_capacity: np.ndarray  # float32, informal care the household can give, hours / week
    birth_week: np.ndarray  # int32, week the oldest member was born (age = (week - it) / 52)
    need: np.ndarray = field(default=None)
    need_since: np.ndarray = field(default=None)
    stage2_week: np.ndarray = field(default=None)
    escalated: np.ndarray = field(default=None)
    support: np.ndarray = field(default=None)
    support_since: np.ndarray = field(default=None)
    progress_week: np.ndarray = field(default=None)
    plan_stage: np.ndarray = field(default=None)
    case_worker: np.ndarray = field(default=None)
    handoff_ready: np.ndarray = field(default=None)
    provision: np.ndarray = field(default=None)
    provision_until: np.ndarray = field(default=None)
    effect: np.ndarray = field(default=None)
    calm_weeks: np.ndarray = field(default=None)
    alt_since: np.ndarray = field(default=None)
    status: np.ndarray = field(default=None)
    status_since: np.ndarray = field(default=None)
    episode_start: np.ndarray = field(default=None)
    first_contact: np.ndarray = field(default=None)
    stage2_episode: np.ndarray = field(default=None)
    fully_supported: np.ndarray = field(default=None)
    severe_care_weeks: np.ndarray = field(default=None)
    relapse_until: np.ndarray = field(default=None)
    strain: np.ndarray = field(default=None)
    met_share: np.ndarray = field(default=None)
    wmo_last_week: np.ndarray = field(default=None)
    youth_last_week: np.ndarray = field(default=None)

    def __post_init__(self) -> None:
        n = len(self.wijk)
        for name, (dtype, fill) in PER_DOMAIN.items():
            if getattr(self, name) is None:
                setattr(self, name, np.full((n, N_DOMAINS), fill, dtype=dtype))
        # need and support live in 8-byte rows (5 domains + 3 zero bytes), so "any domain is
        # non-zero" is one comparison of 64-bit words: see rows_with_need / rows_with_support.
        for name in ("need", "support"):
            words = np.zeros((n, 8), dtype=np.int8)
            words[:, :N_DOMAINS] = getattr(self, name)
            setattr(self, name, words[:, :N_DOMAINS])
        for name, (dtype, fill) in PER_HOUSEHOLD.items():
            if getattr(self, name) is None:
                setattr(self, name, np.full(n, fill, dtype=dtype))

    def renew(self, rows: np.ndarray, week: int) -> None:
        """Clear the state of ``rows`` for newcomers: no needs, no support, unknown to the team."""
        for name, (_, fill) in PER_DOMAIN.items():
            getattr(self, name)[rows] = fill
        for name, (_, fill) in PER_HOUSEHOLD.items():
            getattr(self, name)[rows] = fill
        self.status_since[rows] = week

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

    def rows_by_type(self) -> list[np.ndarray]:
        """Rows of each household type (ascending), by type code.

        A newcomer takes the type of the household it replaces, so the rows are found once
        (again only if ``htype`` is replaced by another array).
        """
        cached = self.__dict__.get("_rows_by_type")
        if cached is None or cached[0] is not self.htype:
            types = range(len(HOUSEHOLD_TYPES))
            cached = (self.htype, [np.flatnonzero(self.htype == t) for t in types])
            self.__dict__["_rows_by_type"] = cached
        return cached[1]

    def row(self, i: int) -> dict:
        """All state of household ``i`` as plain Python values (for inspection)."""
        return {f.name: getattr(self, f.name)[i].tolist() for f in fields(self)}

    # -------------------------------------------------------------- changes of support status

    def set_status(self, rows: np.ndarray, status: int, week: int) -> None:
        """Give households a new support status from ``week``."""
        self.status[rows] = status
        self.status_since[rows] = week

    def record_first_contact(self, rows: np.ndarray, week: int, record: WeekRecord) -> None:
        """Record the first contact of an episode in ``record``: early, and the time to contact.

        Early: the household's worst need is mild. The time to contact runs from the week a
        need of the episode first reached stage 2 (needs still mild are not waiting yet).
        """
        new = rows[self.first_contact[rows] < 0]
        self.first_contact[new] = week
        known = new[self.episode_start[new] != -1]  # -1: no episode (before week 0: < -1)
        n = record.n_wijken
        record.first_contacts += per_wijk(self.wijk[known], n)
        record.early_contacts += per_wijk(self.wijk[known[self.need[known].max(axis=1) <= MILD]],
                                          n)
        waited = known[self.stage2_episode[known] >= 0]
        record.contacted += per_wijk(self.wijk[waited], n)
        record.contact_weeks_sum += per_wijk(self.wijk[waited], n,
                                             (week - self.stage2_episode[waited]).astype(float))
        self.stage2_episode[waited] = -2

    def end_episodes(self, rows: np.ndarray, week: int) -> None:
        """Households among ``rows`` whose needs are all solved end their episode."""
        rows = rows[(self.need[rows] == 0).all(axis=1)]
        self.episode_start[rows] = -1
        self.first_contact[rows] = -1
        self.stage2_episode[rows] = -1
        self.fully_supported[rows] = False
        waiting = rows[(self.status[rows] == WAITING) | (self.status[rows] == SIGNALLED)]
        self.set_status(waiting, UNKNOWN, week)

    def release_cases(self, rows: np.ndarray) -> None:
        """Households that leave the wijk leave their workers' caseloads."""
        self.case_worker[rows] = -1
        self.handoff_ready[rows] = -1


def _count(*columns: int) -> object:
    """A tally of the week record: counts per wijk (and ``columns``), int64 zeros to start."""
    return field(default=None, metadata={"per_wijk": (np.int64, columns)})


def _sum(*columns: int) -> object:
    """A tally of the week record: sums (weeks, euro) per wijk (and ``columns``), float64."""
    return field(default=None, metadata={"per_wijk": (np.float64, columns)})


@dataclass(slots=True)
class WeekRecord:
    """What happened this week: the counts and sums the submodels add to, which observation reads.

    A fresh record starts every week (:meth:`wijksim.model.WijkModel.begin_week`). Its fields
    are typed and fixed (``slots``): a misspelt name is an error, not a silent zero. Every
    tally is kept per wijk (an array with a row per wijk, :func:`per_wijk` counts rows by
    their wijk), so a multi-wijk run can report each wijk; the municipality's figure is the
    sum.
    """

    n_wijken: int
    # 1. life events
    new_needs: np.ndarray = _count()  # needs that arose
    deaths: np.ndarray = _count()  # elderly households that died out (outside the Wlz)
    wlz_deaths: np.ndarray = _count()  # Wlz clients who died
    moves: np.ndarray = _count()  # households that moved out
    # last weeks of Wmo and youth care of the households that left, and their wijk
    left_wmo_last_week: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    left_youth_last_week: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    left_wijk: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    # 2. informal support
    carers: np.ndarray = _count()  # households giving informal care
    overloaded_carers: np.ndarray = _count()  # of them, with strain above the overload threshold
    carer_load: np.ndarray | None = None  # informal care hours each household gives
    # 3. escalation
    escalations: np.ndarray = _count()  # needs reaching stage 3 or 4 for the first time
    multi_problem_escalations: np.ndarray = _count()  # of them, in households with 2+ needs
    crises: np.ndarray = _count()  # needs moving up to stage 4
    crises_by_domain: np.ndarray = _count(N_DOMAINS)
    # 4. signals
    signals_crisis: np.ndarray = _count()
    signals_help: np.ndarray = _count()
    signals_partner: np.ndarray = _count()
    signals_outreach: np.ndarray = _count()
    signals_kept_in_touch: np.ndarray = _count()
    asked_in_support: np.ndarray = _count()  # households in support asking about a new need
    # first contacts and waits (signals, intake, casework)
    first_contacts: np.ndarray = _count()  # first contacts of episodes
    early_contacts: np.ndarray = _count()  # first contacts with the worst need at stage 1
    contacted: np.ndarray = _count()  # households whose need reached stage 2, in contact since
    contact_weeks_sum: np.ndarray = _sum()  # weeks from a need's first stage 2 to contact
    helped: np.ndarray = _count()  # needs at stage 2 that got their first support
    help_weeks_sum: np.ndarray = _sum()  # weeks from stage 2 to the start of support
    supported_all: np.ndarray = _count()  # households with support for every need
    support_weeks_sum: np.ndarray = _sum()  # weeks from first contact to support for every need
    # 5. intake
    followups: np.ndarray = _count()  # signals followed up
    brief_advice: np.ndarray = _count()  # households with only mild needs advised and let go
    admissions: np.ndarray = _count()  # households taken into support (their intake)
    wait_weeks_sum: np.ndarray = _sum()  # weeks the admitted households waited
    over_term: np.ndarray = _count()  # intakes later than the statutory term
    referrals: np.ndarray = _count()  # needs referred (another specialist, or an own ask)
    intake_hours: np.ndarray = _sum()  # hours spent on follow-ups and intakes
    # 6. casework
    eligible_decisions: np.ndarray = _count()  # plans for needs at the maatwerk stage (not Wlz)
    conversations: np.ndarray = _count()  # of them, with the Breda conversation (network first)
    network_plans: np.ndarray = _count()
    basis_plans: np.ndarray = _count()
    alt_maatwerk: np.ndarray = _count()  # would-be maatwerk cases granted maatwerk at once
    alt_failed: np.ndarray = _count()  # ... routed otherwise, maatwerk after all
    alt_solved: np.ndarray = _count()  # ... with no maatwerk alt_outcome_weeks later
    maatwerk_grants: np.ndarray = _count()
    step_ups: np.ndarray = _count()  # light, network or basis support stepped up to maatwerk
    renewals: np.ndarray = _count()  # provisions renewed at review
    to_basis: np.ndarray = _count()  # provisions moved to the algemene voorziening at review
    wlz_entries: np.ndarray = _count()
    closures: np.ndarray = _count()  # households whose case closed
    one_off_costs: np.ndarray = _sum(N_DOMAINS)  # euro of one-off provisions delivered
    wmo_endings: np.ndarray = _count(len(WMO_ENDINGS))  # Wmo clients ending, by reason
    # 7. workforce
    sick_spells: np.ndarray = _count()
    leavers: np.ndarray = _count()
    hires: np.ndarray = _count()
    reallocations: np.ndarray = _count()  # wijken whose FTE or budget the policy cycle moved
    worker_weeks: np.ndarray = _count()  # filled positions this week
    hours_asked: np.ndarray = _sum()  # hours asked of the workers with hours this week
    hours_available: np.ndarray = _sum()  # their client hours (workload: asked / available)
    # 8. costs
    costs: dict[str, np.ndarray] = field(default_factory=dict)  # euro per year, per wijk
    clients: np.ndarray = _count(5)  # clients by law (see costs)

    def __post_init__(self) -> None:
        for f in fields(self):
            per_wijk = f.metadata.get("per_wijk")
            if per_wijk is not None and getattr(self, f.name) is None:
                dtype, columns = per_wijk
                setattr(self, f.name, np.zeros((self.n_wijken, *columns), dtype=dtype))

    def total(self, name: str) -> np.ndarray:
        """A tally for the whole municipality: the sum over wijken (a count, or per column)."""
        return getattr(self, name).sum(axis=0)



#: Names of the week record's fields kept per wijk (its tallies).
TALLIES: tuple[str, ...] = tuple(f.name for f in fields(WeekRecord) if "per_wijk" in f.metadata)


def per_wijk(wijk: np.ndarray, n_wijken: int, weights: np.ndarray | None = None
             ) -> np.ndarray:
    """Count (or sum ``weights`` of) entries by their wijk: an array with a row per wijk."""
    if weights is None:
        return np.bincount(wijk, minlength=n_wijken).astype(np.int64)
    return np.bincount(wijk, weights=weights, minlength=n_wijken)


@dataclass
class Team:
    """Worker slots of all wijkteams: a slot is a position that a worker fills or is vacant."""

    wijk: np.ndarray  # int16, wijk of the position
    fte: np.ndarray  # float32, size of the position in FTE (hours = fte x hours_per_fte)
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
