"""Scenario configuration: TOML files validated by pydantic.

A scenario is a TOML file in ``configs/``. It may ``extends`` another file (a path relative to
itself); the child's tables are merged over the parent's, key by key. Every field has a default,
so the defaults *are* the baseline (reactive practice in one 5,000-household wijk). Unknown keys
and out-of-range values are errors that name the file and the field.

The user-facing contract fields (DESIGN.md) are ``[run] seed, weeks, warmup_weeks``,
``[population] households, wijken``, ``[team] structure, fte_per_1000, outreach_share,
caseload_cap``, ``[signalling] partners`` and ``[policy] network_first, maatwerk_stage``.
``WijkModel(**kwargs)`` accepts the flat names listed in :data:`FLAT_FIELDS`.
"""

from __future__ import annotations

import copy
import math
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from wijksim.codes import CLOSURE_RULES, DOMAINS, PARTNER_KINDS, TEAM_STRUCTURES
from wijksim.errors import ConfigError

Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNeg = Annotated[float, Field(ge=0.0)]
PerType = Annotated[list[NonNeg], Field(min_length=4, max_length=4)]
PerTypeShare = Annotated[list[Share], Field(min_length=4, max_length=4)]
PerStage = Annotated[list[NonNeg], Field(min_length=5, max_length=5)]


class Section(BaseModel):
    """Base of every config table: unknown keys are errors; assignments are validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, strict=True)


class PerDomain(Section):
    """One number per life domain."""

    care: NonNeg
    youth: NonNeg
    income: NonNeg
    debt: NonNeg
    social: NonNeg

    def as_list(self) -> list[float]:
        """Values in the order of :data:`DOMAINS`."""
        return [getattr(self, d) for d in DOMAINS]


class PerDomainShare(PerDomain):
    """One share (0-1) per life domain."""

    care: Share
    youth: Share
    income: Share
    debt: Share
    social: Share


class PerDomainPerType(Section):
    """For each life domain, one number per household type (``codes.HOUSEHOLD_TYPES``)."""

    care: PerType
    youth: PerType
    income: PerType
    debt: PerType
    social: PerType

    def as_rows(self) -> list[list[float]]:
        """A domains x household-types table."""
        return [list(getattr(self, d)) for d in DOMAINS]


class RunSection(Section):
    """Time, seed and replicates."""

    seed: int = Field(1, ge=0, description="seed of the run's random streams")
    weeks: int = Field(260, ge=1, le=5200, description="reported weeks (the horizon)")
    warmup_weeks: int = Field(52, ge=0, le=1040, description="weeks simulated before reporting")
    warmup_levers: Literal["baseline", "scenario"] = Field(
        "baseline",
        description="levers in warm-up: the baseline's (paired runs identical) or the scenario's",
    )
    replicates: int = Field(1, ge=1, le=10000, description="paired replicates for run/compare")


class PopulationSection(Section):
    """Households, their types and networks."""

    households: int = Field(5000, ge=10, le=5_000_000)
    wijken: int = Field(1, ge=1, le=500)
    type_shares: PerType = Field(
        default_factory=lambda: [0.17, 0.22, 0.30, 0.31],
        description="shares of single elderly, single adult, couple, family (CBS household types)",
    )
    children_mean: float = Field(1.8, ge=1.0, le=5.0, description="children (<23) per family")
    elderly_couple_share: Share = Field(0.3, description="couples aged 65+")
    network_degree: PerType = Field(
        default_factory=lambda: [3.0, 6.0, 7.0, 8.0], description="mean ties per household"
    )
    network_strength: float = Field(
        1.0, ge=0.0, le=3.0, description="multiplier on ties and on informal care capacity"
    )
    wijk_network_spread: Share = Field(
        0.3, description="wijken differ in network strength by up to +/- this share"
    )
    within_wijk_share: Share = Field(0.85, description="share of ties inside the own wijk")
    care_capacity_hours: PerType = Field(
        default_factory=lambda: [1.0, 4.0, 6.0, 5.0],
        description="informal care a household can give, hours per week",
    )
    self_reliance_mean: PerTypeShare = Field(default_factory=lambda: [0.45, 0.6, 0.7, 0.6])
    help_seeking_mean: PerTypeShare = Field(default_factory=lambda: [0.35, 0.3, 0.35, 0.4])
    mobility_per_year: Share = Field(
        0.06, description="households moving out per year (replaced by newcomers)"
    )

    @field_validator("type_shares")
    @classmethod
    def _shares_sum_to_one(cls, v: list[float]) -> list[float]:
        if abs(sum(v) - 1.0) > 1e-6:
            raise ValueError(f"must add up to 1 (got {sum(v):.3f})")
        return v


class NeedsSection(Section):
    """Life events, escalation and recovery of needs (stages 0 none .. 4 crisis)."""

    onset_per_year: PerDomainPerType = Field(
        default_factory=lambda: PerDomainPerType(
            care=[0.30, 0.02, 0.08, 0.02],
            youth=[0.0, 0.0, 0.0, 0.10],
            income=[0.01, 0.06, 0.03, 0.05],
            debt=[0.02, 0.05, 0.02, 0.045],
            social=[0.10, 0.06, 0.02, 0.02],
        ),
        description="new-need hazard per household-year, by domain and household type",
    )
    coupling: dict[str, PerDomain] = Field(
        default_factory=lambda: {
            "care": PerDomain(care=0, youth=0, income=0, debt=0, social=0.25),
            "youth": PerDomain(care=0, youth=0, income=0.15, debt=0.05, social=0.05),
            "income": PerDomain(care=0.05, youth=0.15, income=0, debt=0.35, social=0.1),
            "debt": PerDomain(care=0.15, youth=0.1, income=0.15, debt=0, social=0.15),
            "social": PerDomain(care=0.15, youth=0, income=0.05, debt=0, social=0),
        },
        description="row: source domain; column: target; hazard x (1 + c * stage of source)",
    )

    @field_validator("coupling")
    @classmethod
    def _coupling_rows(cls, v: dict[str, PerDomain]) -> dict[str, PerDomain]:
        if set(v) != set(DOMAINS):
            wrong = sorted(set(v) ^ set(DOMAINS))[0]
            raise ValueError(f"needs one row per domain ({', '.join(DOMAINS)}); check {wrong!r}")
        return v

    escalation_per_year: PerStage = Field(
        default_factory=lambda: [0.0, 0.9, 0.7, 0.45, 0.0],
        description="hazard of moving one stage up from stage s without effective support",
    )
    recovery_per_year: PerStage = Field(
        default_factory=lambda: [0.0, 2.0, 0.5, 0.15, 0.0],
        description="hazard of moving one stage down from stage s on one's own",
    )
    chronic: PerDomainShare = Field(
        default_factory=lambda: PerDomainShare(
            care=0.9, youth=0.5, income=0.4, debt=0.7, social=0.3
        ),
        description="how chronic needs in a domain are: every recovery hazard x (1 - chronic)",
    )
    crisis_recovery_per_year: NonNeg = Field(
        2.0, description="stage 4 falls back to 3 on its own (after the emergency)"
    )
    relapse_multiplier: NonNeg = Field(
        2.0, description="escalation hazard multiplier after a case closed with need left"
    )
    relapse_weeks: int = Field(26, ge=0, le=520)


class InformalSection(Section):
    """Informal support by the personal network and carer overload."""

    demand_hours: PerStage = Field(
        default_factory=lambda: [0.0, 1.5, 4.0, 8.0, 0.0],
        description="informal care asked per week for a need at stage s",
    )
    recovery_boost: NonNeg = Field(
        1.5, description="recovery hazard x (1 + boost * share of informal demand met)"
    )
    escalation_shield: Share = Field(
        0.5, description="escalation hazard x (1 - shield * share of informal demand met)"
    )
    overload_threshold: NonNeg = Field(1.0, description="load / capacity above which carers strain")
    overload_weeks: int = Field(8, ge=1, le=104, description="strain memory (EWMA weeks)")
    overload_hazard_multiplier: NonNeg = Field(
        2.0, description="overloaded carers' own care and social hazards x (1 + this)"
    )


class TeamSection(Section):
    """The wijkteam: structure, staffing and how hours are spent."""

    structure: Literal[TEAM_STRUCTURES] = "siloed"  # type: ignore[valid-type]
    fte_per_1000: float = Field(0.5, gt=0.0, le=10.0, description="FTE per 1,000 inhabitants")
    outreach_share: Share = Field(0.02, description="share of worker hours spent on outreach")
    caseload_cap: int = Field(22, ge=1, le=500, description="cases per worker (1 FTE)")
    hours_per_fte: float = Field(36.0, gt=0, le=60)
    direct_share: Share = Field(0.7, description="share of paid hours available for client work")
    broad_skill: Share = Field(
        0.85, description="effectiveness of a generalist in any domain (a specialist in own: 1)"
    )
    coordination_hours: NonNeg = Field(
        1.0, description="siloed: weekly hours per case for each other worker on the household"
    )
    handoff_weeks: int = Field(3, ge=0, le=52, description="siloed: delay before a referral")
    intake_hours: NonNeg = Field(3.0, description="hours per intake (assessment and plan)")
    followup_hours: NonNeg = Field(1.5, description="hours to follow up one signal")
    intake_floor_share: Share = Field(
        0.08, description="share of client hours always kept for intake and follow-up"
    )
    case_hours: PerStage = Field(
        default_factory=lambda: [0.5, 1.5, 3.0, 4.0, 6.0],
        description="weekly hours of light support for a need at stage s",
    )
    light_recovery_per_year: PerStage = Field(
        default_factory=lambda: [0.0, 4.0, 2.0, 1.0, 6.0],
        description="extra recovery hazard under fully staffed light support",
    )
    support_shield: Share = Field(
        0.85, description="escalation hazard x (1 - shield * effectiveness) while in support"
    )
    brief_advice_success: Share = Field(
        0.5, description="chance that a follow-up contact alone settles a mild need"
    )
    signal_expiry_weeks: int = Field(4, ge=1, le=52)
    outreach_find_per_hour: NonNeg = Field(
        0.02,
        description="share of a wijk's unknown needy households found per outreach hour "
        "per 1,000 inhabitants",
    )


class PartnerKind(Section):
    """One kind of partner in the sociale basis."""

    reach: PerType = Field(description="share of households of each type seen per week")
    sensitivity: PerDomain = Field(description="chance to notice a need at stage 2 when seen")
    relation_start: Share = 0.3
    light_support: Share = Field(0.0, description="share of its volunteers' time for activities")


def _default_partner_kinds() -> dict[str, PartnerKind]:
    z = {"care": 0.0, "youth": 0.0, "income": 0.0, "debt": 0.0, "social": 0.0}

    def kind(reach: list[float], rel: float = 0.3, support: float = 0.0, **sens: float):
        return PartnerKind(
            reach=reach,
            sensitivity=PerDomain(**(z | sens)),
            relation_start=rel,
            light_support=support,
        )

    return {
        "supermarket": kind([0.6, 0.4, 0.4, 0.4], care=0.15, social=0.25, debt=0.05),
        "school": kind([0.0, 0.0, 0.0, 0.8], youth=0.3, income=0.05, debt=0.05, social=0.05),
        "gp": kind([0.15, 0.05, 0.07, 0.07], rel=0.4, care=0.5, social=0.2, youth=0.1, debt=0.05),
        "community_centre": kind(
            [0.15, 0.05, 0.03, 0.05], support=0.5, social=0.4, care=0.2, income=0.1
        ),
        "residents_initiative": kind([0.08, 0.04, 0.04, 0.04], support=0.5, social=0.3, care=0.15),
        "creditors": kind([0.2, 0.2, 0.2, 0.2], rel=0.4, debt=0.35, income=0.05),
    }


class SignallingSection(Section):
    """Early signalling (vroegsignalering) with partners in the wijk."""

    partners: list[Literal[PARTNER_KINDS]] = Field(  # type: ignore[valid-type]
        default_factory=list, description="partner kinds engaged in early signalling"
    )
    kinds: dict[str, PartnerKind] = Field(default_factory=_default_partner_kinds)
    relation_growth_per_hour: NonNeg = Field(
        0.02, description="relation gain per outreach hour spent with a partner"
    )
    relation_decay_per_week: Share = Field(0.01)
    contact_base: Share = Field(
        0.35, description="chance a signal leads to contact, at no help-seeking"
    )
    help_seeking_per_year: PerStage = Field(
        default_factory=lambda: [0.0, 0.3, 2.0, 6.0, 52.0],
        description="self-referral hazard at full help-seeking propensity, by stage",
    )

    @field_validator("partners")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("lists a partner kind twice")
        return v

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, v: dict[str, PartnerKind]) -> dict[str, PartnerKind]:
        unknown = set(v) - set(PARTNER_KINDS)
        if unknown:
            raise ValueError(f"unknown partner kind {sorted(unknown)[0]!r}")
        missing = set(PARTNER_KINDS) - set(v)
        if missing:
            raise ValueError(f"missing partner kind {sorted(missing)[0]!r}")
        return v


class PolicySection(Section):
    """Policy levers about the kind of support."""

    network_first: Share = Field(
        0.0,
        description="chance that a plan first activates the network (instead of maatwerk or "
        "light support)",
    )
    maatwerk_stage: int = Field(
        2, ge=1, le=4, description="need stage at which maatwerk is granted"
    )
    closure_rule: Literal[CLOSURE_RULES] = Field(  # type: ignore[valid-type]
        "stable", description="close a case when stable for some weeks, or after a fixed period"
    )
    stable_weeks: int = Field(6, ge=1, le=104)
    fixed_weeks: int = Field(12, ge=1, le=260)
    sociale_basis_budget: NonNeg = Field(
        20000.0, description="euro per 1,000 inhabitants per year for volunteers and activities"
    )
    activation_weeks: int = Field(
        6,
        ge=1,
        le=52,
        description="weeks the team stays on a network or maatwerk plan before handing it over",
    )
    activation_hours: NonNeg = Field(2.5, description="team hours per week while activating")
    network_recovery_per_year: PerStage = Field(
        default_factory=lambda: [0.0, 3.0, 1.6, 0.8, 0.0],
        description="extra recovery hazard when network and volunteers fully carry a need",
    )
    volunteer_hours_per_euro: NonNeg = Field(
        0.05, description="volunteer hours per week bought per euro of yearly budget / 52"
    )
    maatwerk_recovery_per_year: PerStage = Field(
        default_factory=lambda: [0.0, 1.0, 0.6, 0.35, 4.0],
        description="extra recovery hazard under a maatwerkvoorziening",
    )
    maatwerk_monitor_hours: NonNeg = Field(0.3, description="team hours per week per maatwerk case")
    maatwerk_weeks: PerDomain = Field(
        default_factory=lambda: PerDomain(care=104, youth=52, income=52, debt=104, social=52),
        description="length of a granted maatwerkvoorziening",
    )
    wlz_weeks_severe: int = Field(
        26, ge=1, le=520, description="weeks at stage 3+ in care before a Wlz indication"
    )
    wlz_exit_per_year: Share = Field(0.3, description="Wlz clients leaving (death, moving)")


class WorkforceSection(Section):
    """Sick leave, leaving, hiring and ramp-up of wijkteam workers."""

    sick_per_year: NonNeg = Field(
        0.25, description="sick-leave spells per worker-year at workload 1"
    )
    sick_weeks: NonNeg = Field(6.0, description="mean sick-leave length")
    leave_per_year: NonNeg = Field(0.10, description="leaving hazard per worker-year at workload 1")
    workload_sensitivity: NonNeg = Field(
        1.5, description="hazards x exp(k * (workload - 1)) for workload 1-3"
    )
    workload_memory_weeks: int = Field(8, ge=1, le=104)
    vacancy_weeks: NonNeg = Field(13.0, description="mean weeks to fill a vacancy")
    ramp_up_weeks: int = Field(
        12, ge=0, le=104, description="weeks for a new worker to be fully productive"
    )
    new_worker_productivity: Share = Field(0.5)


class CostsSection(Section):
    """Costs in euro (per year unless said otherwise)."""

    fte: NonNeg = Field(82000.0, description="employer cost of one wijkteam FTE per year")
    maatwerk_per_year: PerDomain = Field(
        default_factory=lambda: PerDomain(
            care=4500, youth=10000, income=6000, debt=3000, social=2500
        ),
        description="annual cost of a maatwerkvoorziening per client",
    )
    wlz_per_year: NonNeg = Field(85000.0)
    crisis: PerDomain = Field(
        default_factory=lambda: PerDomain(
            care=6000, youth=9000, income=3000, debt=8000, social=2000
        ),
        description="cost of one crisis (emergency, eviction, police) by domain",
    )


class Config(Section):
    """A whole scenario."""

    description: str = ""
    extends: str | None = None
    run: RunSection = Field(default_factory=RunSection)
    population: PopulationSection = Field(default_factory=PopulationSection)
    needs: NeedsSection = Field(default_factory=NeedsSection)
    informal: InformalSection = Field(default_factory=InformalSection)
    team: TeamSection = Field(default_factory=TeamSection)
    signalling: SignallingSection = Field(default_factory=SignallingSection)
    policy: PolicySection = Field(default_factory=PolicySection)
    workforce: WorkforceSection = Field(default_factory=WorkforceSection)
    costs: CostsSection = Field(default_factory=CostsSection)

    def to_toml_dict(self) -> dict[str, Any]:
        """The resolved config as plain data, without ``extends``."""
        data = self.model_dump(mode="python", exclude={"extends"})
        return data


#: The levers of a scenario: the warm-up uses the defaults' values for these.
LEVERS: tuple[str, ...] = (
    "team.structure",
    "team.fte_per_1000",
    "team.outreach_share",
    "team.caseload_cap",
    "signalling.partners",
    "policy.network_first",
    "policy.maatwerk_stage",
    "policy.closure_rule",
    "policy.sociale_basis_budget",
)

#: Flat keyword names accepted by ``WijkModel(**kwargs)`` (and so by ``mesa.batch_run``).
FLAT_FIELDS: dict[str, str] = {
    "seed": "run.seed",
    "weeks": "run.weeks",
    "warmup_weeks": "run.warmup_weeks",
    "warmup_levers": "run.warmup_levers",
    "households": "population.households",
    "wijken": "population.wijken",
    "network_strength": "population.network_strength",
    "team_structure": "team.structure",
    "structure": "team.structure",
    "fte_per_1000": "team.fte_per_1000",
    "outreach_share": "team.outreach_share",
    "caseload_cap": "team.caseload_cap",
    "partners": "signalling.partners",
    "signalling_partners": "signalling.partners",
    "network_first": "policy.network_first",
    "maatwerk_stage": "policy.maatwerk_stage",
    "closure_rule": "policy.closure_rule",
    "sociale_basis_budget": "policy.sociale_basis_budget",
}


# --------------------------------------------------------------------------- loading


def _read_toml(path: Path) -> dict[str, Any]:
    """Read one TOML file or raise a :class:`ConfigError` naming it."""
    if not path.exists():
        raise ConfigError(str(path), "file", "no such file")
    if path.is_dir():
        raise ConfigError(str(path), "file", "is a directory, not a TOML file")
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "toml", f"invalid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "file", f"cannot read: {exc}") from None


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge ``over`` into a copy of ``base``: tables merge key by key, other values replace."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def read_raw(path: Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a scenario file with its ``extends`` chain resolved, not yet validated."""
    path = Path(path)
    resolved = path.resolve()
    if resolved in _seen:
        raise ConfigError(str(path), "extends", "circular extends")
    data = _read_toml(path)
    parent = data.get("extends")
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ConfigError(str(path), "extends", "must be a path (a string)")
    parent_path = path.parent / parent
    if not parent_path.exists():
        raise ConfigError(str(path), "extends", f"no such file {parent_path}")
    base = read_raw(parent_path, (*_seen, resolved))
    base.pop("description", None)
    merged = deep_merge(base, data)
    merged["extends"] = parent
    return merged


def _defaults() -> dict[str, Any]:
    data = Config().model_dump()
    data.pop("extends")
    return data


def parse_value(text: str) -> Any:
    """Read a ``--set`` value as a TOML value; a bare word is a string."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def set_dotted(data: dict[str, Any], dotted: str, value: Any, source: str = "--set") -> None:
    """Set ``section.field`` (any depth) in raw config data, creating tables as needed."""
    parts = dotted.split(".")
    if not all(parts):
        raise ConfigError(source, dotted, "expected section.field")
    node = data
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError(source, dotted, f"{part} is not a table")
        node = child
    node[parts[-1]] = value


def parse_set(items: list[str] | None) -> list[tuple[str, Any]]:
    """Parse ``section.field=value`` strings from the command line."""
    out = []
    for item in items or []:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError("--set", item, "expected section.field=value")
        if "." not in key:
            raise ConfigError("--set", key, "expected section.field=value (a dotted field name)")
        out.append((key, parse_value(raw.strip())))
    return out


def validate(data: dict[str, Any], source: str) -> Config:
    """Validate raw data into a :class:`Config`, turning the first problem into a ConfigError."""
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "config"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif "input" in err and err["type"] not in ("missing",):
            msg = f"{msg} (got {err['input']!r})"
        raise ConfigError(source, field, msg) from None


def load_config(
    path: str | Path | None = None,
    overrides: list[tuple[str, Any]] | None = None,
    **flat: Any,
) -> Config:
    """Load a scenario file (or the defaults), apply ``--set`` overrides and flat keywords.

    Raises :class:`ConfigError` on any problem, naming the file and the field.
    """
    source = str(path) if path is not None else "defaults"
    data = read_raw(Path(path)) if path is not None else {}
    data = deep_merge(_DEFAULTS, data)  # so a table can be set in part (costs.crisis.care)
    for key, value in overrides or []:
        set_dotted(data, key, value)
    _set_flat(data, flat, source)
    return validate(data, source)


def with_flat(cfg: Config, **flat: Any) -> Config:
    """A validated copy of ``cfg`` with flat keyword parameters (``WijkModel(**kwargs)``) set."""
    if not flat:
        return cfg.model_copy(deep=True)
    data = cfg.model_dump()
    _set_flat(data, flat, "parameters")
    return validate(data, "parameters")


def _set_flat(data: dict[str, Any], flat: dict[str, Any], source: str) -> None:
    for name, value in flat.items():
        if name not in FLAT_FIELDS:
            raise ConfigError(source, name, f"unknown parameter (known: {', '.join(FLAT_FIELDS)})")
        set_dotted(data, FLAT_FIELDS[name], plain_value(value), source)


def plain_value(value: Any, *, nan_as_none: bool = False) -> Any:
    """Plain Python data from numpy scalars and arrays, tuples and nested containers.

    numpy scalars become Python numbers (as ``mesa.batch_run`` passes them), arrays and tuples
    lists, mapping keys strings, at any depth; with ``nan_as_none`` a NaN becomes ``None`` (for
    JSON). Anything else is returned as it is.
    """
    if isinstance(value, dict):
        return {str(k): plain_value(v, nan_as_none=nan_as_none) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [plain_value(v, nan_as_none=nan_as_none) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if nan_as_none and isinstance(value, float) and math.isnan(value):
        return None
    return value


def get_dotted(cfg: Config | dict[str, Any], dotted: str) -> Any:
    """Read ``section.field`` (any depth) from a config or from raw config data (nested dicts).

    Raises ``AttributeError`` or ``KeyError`` for a field that is not there.
    """
    node: Any = cfg
    for part in dotted.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return node


def baseline_levers(cfg: Config) -> Config:
    """A copy of ``cfg`` with every lever at its default (baseline) value."""
    defaults = Config()
    data = cfg.model_dump()
    for dotted in LEVERS:
        section, field = dotted.split(".")
        data[section][field] = copy.deepcopy(getattr(getattr(defaults, section), field))
    return Config.model_validate(data)


def dump_toml(cfg: Config) -> str:
    """Write a resolved config as TOML text (read back by :func:`load_config`)."""
    return tomli_w.dumps(cfg.to_toml_dict())


_DEFAULTS: dict[str, Any] = _defaults()
