"""Scenario configuration: TOML files validated by pydantic.

A scenario is a TOML file in ``configs/``. It may ``extends`` another file (a path relative to
itself); the child's tables are merged over the parent's, key by key. Every field has a default,
so the defaults *are* the baseline (reactive practice in one 5,000-household wijk). Unknown keys
and out-of-range values are errors that name the file and the field.

Every parameter is declared once, with :func:`param`: its default and range next to its unit,
description and source (and, where needed, a note on how the code uses it). Each section's
docstring introduces its table. ``scripts/gen_parameters.py`` renders docs/parameters.md from
these facts alone; ``tests/test_docs.py`` fails when a parameter lacks one of them.

The user-facing contract fields (DESIGN.md) are listed in :data:`CONTRACT`, the policy levers in
:data:`LEVERS`. ``WijkModel(**kwargs)`` accepts the flat names listed in :data:`FLAT_FIELDS`.
"""

from __future__ import annotations

import copy
import math
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import tomli_w
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from wijksim.codes import (
    CLOSURE_RULES,
    DOMAINS,
    PARTNER_KINDS,
    PROVISION_KINDS,
    PROVISIONS,
    TEAM_STRUCTURES,
)
from wijksim.errors import ConfigError

Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNeg = Annotated[float, Field(ge=0.0)]
PerType = Annotated[list[NonNeg], Field(min_length=4, max_length=4)]
PerTypeShare = Annotated[list[Share], Field(min_length=4, max_length=4)]
PerStage = Annotated[list[NonNeg], Field(min_length=5, max_length=5)]

# --------------------------------------------------------------------------- parameter facts

#: Source of a behavioural rate without an empirical value yet.
ASSUMPTION = "assumption, to be calibrated (`wijksim calibrate`)"
#: Source of a policy lever whose default has no empirical source.
LEVER = "lever (a policy choice); the default is the baseline's value, an assumption"
#: Source of a setting of the run itself.
RUN_SETTING = "run setting (no empirical source)"

#: The keys :func:`param` stores in ``json_schema_extra``; see :func:`facts`.
FACT_KEYS: tuple[str, ...] = ("unit", "source", "note", "rule", "sources_by_key")


def param(
    default: Any = PydanticUndefined,
    *,
    unit: str,
    description: str,
    source: str,
    note: str = "",
    rule: str = "",
    sources_by_key: dict[str, dict[str, str]] | None = None,
    **constraints: Any,
) -> Any:
    """A pydantic ``Field`` that carries the facts docs/parameters.md shows about a parameter.

    ``unit``, ``description`` and ``source`` are required (``"-"`` is the unit of a value
    without one). ``note`` is a remark on how the code uses the value; ``rule`` a constraint
    that a validator enforces (the ``Field`` bounds are shown anyway). ``sources_by_key``
    gives, for a table of sub-models, the source of some entries' fields where it differs from
    theirs (``{key: {field: source}}``). Bounds, ``default_factory`` and the like pass through
    to ``Field`` unchanged.
    """
    extra: dict[str, Any] = {"unit": unit, "source": source}
    if note:
        extra["note"] = note
    if rule:
        extra["rule"] = rule
    if sources_by_key:
        extra["sources_by_key"] = sources_by_key
    return Field(default, description=description, json_schema_extra=extra, **constraints)


def facts(info: FieldInfo) -> dict[str, Any]:
    """The facts :func:`param` attached to a field: description, unit, source, note, rule.

    Missing facts are empty strings (``sources_by_key`` an empty dict), so a field declared
    with a plain ``Field`` shows up as lacking them.
    """
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    out: dict[str, Any] = {"description": info.description or ""}
    for key in FACT_KEYS:
        out[key] = extra.get(key) or ({} if key == "sources_by_key" else "")
    return out


# --------------------------------------------------------------------------- tables


class Section(BaseModel):
    """Base of every config table: unknown keys are errors; assignments are validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, strict=True)


class PerDomain(Section):
    """One number per life domain (the facts are those of the field that holds the table)."""

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


# --------------------------------------------------------------------------- sections


class RunSection(Section):
    """Time, seed and replicates.

    Length of a run and its seed. The warm-up is simulated but not reported; ``replicates``
    paired runs use seeds derived from ``seed``. Used by ``model.py`` and
    ``analysis/runner.py``.
    """

    seed: int = param(
        1, ge=0, unit="-", description="seed of the run's random streams", source=RUN_SETTING
    )
    weeks: int = param(
        260,
        ge=1,
        le=5200,
        unit="weeks",
        description="reported weeks (the horizon)",
        source=RUN_SETTING,
    )
    spinup_years: int = param(
        30,
        ge=0,
        le=100,
        unit="years",
        description="years simulated at the warm-up's levers before the warm-up, to reach the "
        "steady state; stored as a checkpoint (in $WIJKSIM_CACHE) that later runs with the "
        "same config and seed reuse",
        source=RUN_SETTING + "; long enough for the slowest stocks (the elderly's ages and "
        "chronic care needs) to settle: the baseline's drift is reported in meta.json",
    )
    warmup_weeks: int = param(
        52,
        ge=0,
        le=1040,
        unit="weeks",
        description="weeks simulated after the spin-up and before reporting, at the baseline's "
        "levers (see warmup_levers)",
        source=RUN_SETTING,
    )
    warmup_levers: Literal["baseline", "scenario"] = param(
        "baseline",
        unit="-",
        description="levers in warm-up: the baseline's (paired runs identical) or the scenario's",
        source=RUN_SETTING,
        note="With `baseline`, every lever in `config.LEVERS` is at its default during the "
        "warm-up and switches to the scenario's value in the first reported week.",
    )
    replicates: int = param(
        1,
        ge=1,
        le=10000,
        unit="runs",
        description="paired replicates for run/compare",
        source=RUN_SETTING,
    )


class PopulationSection(Section):
    """Households, their types and networks.

    The households and their personal networks, drawn once at initialisation
    (``build/population.py``, ``build/social_network.py``). Per-type lists have one value per
    household type, in the order single_elderly, single_adult, couple, family. Household
    composition follows CBS; network and trait parameters are assumptions.
    """

    households: int = param(
        5000,
        ge=10,
        le=5_000_000,
        unit="households",
        description="households (agents) in the municipality",
        source="scenario setting (default: one wijk of 5,000 households)",
    )
    wijken: int = param(
        1,
        ge=1,
        le=500,
        unit="wijken",
        description="wijken, each with its own wijkteam, partners and volunteer pool",
        source="scenario setting ([Almelo]: six broad wijkteams)",
    )
    type_shares: PerType = param(
        default_factory=lambda: [0.17, 0.22, 0.30, 0.31],
        unit="share 0-1",
        description="shares of single elderly, single adult, couple, family (CBS household types)",
        source="[CBS-71486] CBS household composition (rounded; single-parent households are not a "
        "separate type)",
        rule="sum to 1",
    )
    children_mean: float = param(
        1.8,
        ge=1.0,
        le=5.0,
        unit="persons per family",
        description="children (<23) per family",
        source="[CBS-71486] CBS household size (children per family with children)",
    )
    elderly_couple_share: Share = param(
        0.3, unit="share 0-1", description="couples aged 65+", source=ASSUMPTION
    )
    network_degree: PerType = param(
        default_factory=lambda: [3.0, 6.0, 7.0, 8.0],
        unit="ties per household",
        description="mean ties per household",
        source=ASSUMPTION,
    )
    network_strength: float = param(
        1.0,
        ge=0.0,
        le=3.0,
        unit="multiplier",
        description="multiplier on ties and on informal care capacity",
        source=ASSUMPTION,
    )
    wijk_network_spread: Share = param(
        0.3,
        unit="share 0-1 (+/-)",
        description="wijken differ in network strength by up to +/- this share",
        source=ASSUMPTION,
    )
    within_wijk_share: Share = param(
        0.85,
        unit="share 0-1",
        description="share of ties inside the own wijk",
        source=ASSUMPTION,
    )
    care_capacity_hours: PerType = param(
        default_factory=lambda: [1.0, 4.0, 6.0, 5.0],
        unit="hours per week",
        description="informal care a household can give, hours per week",
        source=ASSUMPTION,
    )
    self_reliance_mean: PerTypeShare = param(
        default_factory=lambda: [0.45, 0.6, 0.7, 0.6],
        unit="scale 0-1",
        description="mean self-reliance (zelfredzaamheid) by household type; each household "
        "draws from a Beta distribution with this mean (clipped to 0.02-0.98)",
        source=ASSUMPTION,
    )
    help_seeking_mean: PerTypeShare = param(
        default_factory=lambda: [0.35, 0.3, 0.35, 0.4],
        unit="scale 0-1",
        description="mean propensity to ask for help by household type; each household draws "
        "from a Beta distribution with this mean (clipped to 0.02-0.98)",
        source=ASSUMPTION,
    )
    mobility_per_year: PerTypeShare = param(
        default_factory=lambda: [0.03, 0.14, 0.07, 0.06],
        unit="share per year",
        description="households moving out per year, by type (each replaced by a newcomer of "
        "the same type)",
        source="[CBS-moves] CBS (about one household in ten moves a year; young single adults "
               "most, the "
        "elderly least); values by type an assumption",
    )
    death_per_year_at_65: Share = param(
        0.009,
        unit="per year",
        description="death hazard of a 65-year-old (Gompertz intercept); elderly households "
        "only (single elderly, couples 65+)",
        source="[CBS-life-tables] CBS life tables (about 0.9% of 65-year-olds die within a year)",
    )
    death_doubling_years: float = param(
        7.5,
        gt=1.0,
        le=30.0,
        unit="years of age",
        description="years of age over which the death hazard doubles (Gompertz slope "
        "ln 2 / this)",
        source="[CBS-life-tables] CBS life tables (mortality doubles about every 7-8 years after "
               "65)",
    )
    death_care_multiplier: PerStage = param(
        default_factory=lambda: [1.0, 1.3, 2.0, 3.5, 6.0],
        unit="multiplier by care stage",
        description="death hazard of an elderly household x this, by the stage of its care need",
        source="assumption (frailty: people with a severe care need die sooner)",
    )
    couple_death_share: Share = param(
        0.5,
        unit="share 0-1",
        description="an elderly couple's household ends at this share of a single elderly "
        "household's death hazard (a surviving partner stays on)",
        source="assumption",
    )
    elderly_entry_age: float = param(
        6.0,
        ge=0.0,
        le=30.0,
        unit="years above 65 (mean)",
        description="newcomers of an elderly type are 65 plus an exponential number of years "
        "with this mean; the initial ages follow the stationary distribution this gives",
        source="assumption",
    )

    @field_validator("type_shares")
    @classmethod
    def _shares_sum_to_one(cls, v: list[float]) -> list[float]:
        if abs(sum(v) - 1.0) > 1e-6:
            raise ValueError(f"must add up to 1 (got {sum(v):.3f})")
        return v
    wijk_size_spread: Share = param(
        0.2,
        unit="share 0-1 (+/-)",
        description="wijken differ in number of households: relative sizes drawn uniformly "
        "within 1 +/- this share",
        source=ASSUMPTION,
    )
    tie_weights: Annotated[list[Share], Field(min_length=3, max_length=3)] = param(
        default_factory=lambda: [0.3, 0.6, 0.9],
        unit="weight 0-1",
        description="weight of a tie with a neighbour, a friend, a family member (the share of "
        "a carer's capacity the tie can draw on)",
        source=ASSUMPTION,
    )
    tie_shares: Annotated[list[Share], Field(min_length=3, max_length=3)] = param(
        default_factory=lambda: [0.4, 0.35, 0.25],
        unit="share 0-1",
        description="shares of neighbour, friend and family ties",
        source=ASSUMPTION,
        rule="sum to 1",
    )
    trait_concentration: float = param(
        8.0,
        gt=0.0,
        le=1000.0,
        unit="Beta concentration (a + b)",
        description="how closely households' self-reliance and help-seeking follow their "
        "type's mean (higher: less spread)",
        source=ASSUMPTION,
    )
    capacity_shape: float = param(
        4.0,
        gt=0.0,
        le=1000.0,
        unit="Gamma shape",
        description="spread of informal care capacity between households of a type: capacity "
        "x Gamma(shape, 1/shape), mean 1 (higher: less spread)",
        source=ASSUMPTION,
    )

    reference_age_65_share: Share = param(
        0.196,
        unit="share 0-1 of inhabitants",
        description="inhabitants aged 65+ in the population the type shares describe (the "
        "Netherlands); a wijk profile's 65+ share relative to it scales its elderly households",
        source="[CBS-37296] CBS StatLine 37296ned, Bevolking op 1 januari 2020: 3.41 of 17.41 "
               "million "
        "inhabitants aged 65 or over",
    )
    reference_low_income_share: Share = param(
        0.08,
        unit="share 0-1 of households",
        description="households with a low income in the population the onset rates describe "
        "(the Netherlands); a wijk profile's share relative to it scales its income and debt "
        "onsets (``needs.low_income_relative_risk``)",
        source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten 2020 (84799NED), Nederland: "
               "households with "
        "a low income, about 8% (rounded; assumption where a wijk's year differs)",
    )
    reference_household_size: float = param(
        2.14,
        gt=1.0,
        le=6.0,
        unit="persons per household",
        description="average household size of the population the type shares and "
        "``children_mean`` describe (the Netherlands); with a wijk profile's singles and "
        "households without children it scales the wijk's children per family",
        source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten 2020 (84799NED), Nederland: "
               "gemiddelde "
        "huishoudensgrootte 2.14",
    )

    @field_validator("tie_shares")
    @classmethod
    def _tie_shares_sum_to_one(cls, v: list[float]) -> list[float]:
        if abs(sum(v) - 1.0) > 1e-6:
            raise ValueError(f"must add up to 1 (got {sum(v):.3f})")
        return v


class NeedsSection(Section):
    """Life events, escalation and recovery of needs (stages 0 none .. 4 crisis).

    Onset, coupling, escalation and recovery of needs in the five life domains
    (``submodels/life_events.py``, ``submodels/escalation.py``). Per-stage lists have one value
    per need stage 0-4. All rates are assumptions to be calibrated against the base rates of
    pattern P7.
    """

    onset_per_year: PerDomainPerType = param(
        default_factory=lambda: PerDomainPerType(
            care=[1.0, 0.067, 0.067, 0.067],
            youth=[0.0, 0.0, 0.0, 0.32],
            income=[0.01, 0.06, 0.03, 0.05],
            debt=[0.045, 0.11, 0.045, 0.10],
            social=[0.10, 0.06, 0.02, 0.02],
        ),
        unit="per household-year",
        description="new-need hazard per household-year, by domain and household type (care: "
        "households with a member aged 65+ all have the single elderly's rate, at age 75)",
        source="assumption, calibrated against the CBS base rates of P7 (`wijksim calibrate`)",
    )
    coupling: dict[str, PerDomain] = param(
        default_factory=lambda: {
            "care": PerDomain(care=0, youth=0, income=0, debt=0, social=0.25),
            "youth": PerDomain(care=0, youth=0, income=0.15, debt=0.05, social=0.05),
            "income": PerDomain(care=0.05, youth=0.15, income=0, debt=0.35, social=0.1),
            "debt": PerDomain(care=0.15, youth=0.1, income=0.15, debt=0, social=0.15),
            "social": PerDomain(care=0.15, youth=0, income=0.05, debt=0, social=0),
        },
        unit="multiplier per stage of the source need",
        description="onset hazard of needs in the target domain (column) x (1 + this x stage "
        "of the household's need in the source domain (row))",
        source=ASSUMPTION,
    )

    @field_validator("coupling")
    @classmethod
    def _coupling_rows(cls, v: dict[str, PerDomain]) -> dict[str, PerDomain]:
        if set(v) != set(DOMAINS):
            wrong = sorted(set(v) ^ set(DOMAINS))[0]
            raise ValueError(f"needs one row per domain ({', '.join(DOMAINS)}); check {wrong!r}")
        return v

    @field_validator("escalation_per_year")
    @classmethod
    def _no_escalation_beyond_crisis(cls, v: list[float]) -> list[float]:
        if v[-1] != 0.0:
            raise ValueError("must end with 0: a crisis (stage 4) cannot escalate further")
        return v

    escalation_per_year: PerStage = param(
        default_factory=lambda: [0.0, 0.9, 0.5, 0.45, 0.0],
        unit="per year",
        description="hazard of moving one stage up from stage s without effective support",
        source=ASSUMPTION,
    )
    recovery_per_year: PerStage = param(
        default_factory=lambda: [0.0, 2.0, 0.5, 0.15, 0.0],
        unit="per year",
        description="hazard of moving one stage down from stage s on one's own",
        source=ASSUMPTION,
    )
    chronic: PerDomainShare = param(
        default_factory=lambda: PerDomainShare(
            care=0.9, youth=0.54, income=0.4, debt=0.7, social=0.3
        ),
        unit="share 0-1",
        description="how chronic needs in a domain are: every recovery hazard x (1 - chronic)",
        source=ASSUMPTION,
    )
    care_chronic_young: Share = param(
        0.6,
        unit="share 0-1",
        description="chronicity of care needs of households without a member aged 65+ (a "
        "temporary illness, recovery after an accident); `chronic.care` is the elderly's",
        source="assumption",
    )
    crisis_recovery_per_year: NonNeg = param(
        2.0,
        unit="per year",
        description="stage 4 falls back to 3 on its own (after the emergency)",
        source=ASSUMPTION,
    )
    relapse_multiplier: NonNeg = param(
        2.0,
        unit="multiplier",
        description="escalation hazard multiplier after a case closed with need left",
        source=ASSUMPTION,
    )
    relapse_weeks: int = param(
        26,
        ge=0,
        le=520,
        unit="weeks",
        description="weeks the relapse multiplier lasts after support ended with need left",
        source=ASSUMPTION,
    )
    sudden_onset_share: Share = param(
        0.2,
        unit="share 0-1",
        description="share of new needs that start at stage 2 (a sudden event such as job loss "
        "or an accident); the rest start at stage 1",
        source=ASSUMPTION,
    )
    frailty_base: NonNeg = param(
        1.3,
        unit="multiplier",
        description="escalation hazard x (frailty_base - frailty_per_reliance x self-reliance): "
        "households of low self-reliance escalate more",
        source=ASSUMPTION,
    )
    frailty_per_reliance: NonNeg = param(
        0.6,
        unit="multiplier per unit of self-reliance",
        description="see frailty_base",
        source=ASSUMPTION,
        rule="at most frailty_base (the factor stays >= 0)",
    )
    care_onset_age_slope: NonNeg = param(
        0.09,
        unit="per year of age",
        description="care onset of elderly households x exp(slope x (age - 75)), capped by "
        "care_onset_age_cap",
        source="[CBS-Wmo] CBS (Wmo use rises from about 8% at 65-74 to over half at 85+); value an "
        "assumption",
    )
    care_onset_age_cap: float = param(
        4.0,
        ge=1.0,
        le=20.0,
        unit="multiplier",
        description="highest age factor on the care onset of elderly households",
        source="assumption",
    )
    low_income_relative_risk: PerDomain = param(
        default_factory=lambda: PerDomain(care=1.0, youth=1.5, income=3.0, debt=3.0,
                                          social=1.5),
        unit="relative risk",
        description="onset of a need in a household with a low income relative to one "
        "without; with a wijk profile's low-income share it scales the wijk's onsets "
        "(build/profiles.py)",
        source="assumption (direction from CBS and Nibud: income and problematic-debt needs "
        "concentrate in households with a low income); a wijk without a profile is unaffected",
    )
    own_recovery_base: NonNeg = param(
        0.5,
        unit="multiplier",
        description="recovery on one's own x (own_recovery_base + self-reliance)",
        source=ASSUMPTION,
    )
    rise_wijk: int = param(
        0,
        ge=0,
        unit="wijk number (1 = the first; 0 = none)",
        description="a wijk whose needs rise from ``rise_from_week`` (a new estate, a closing "
        "facility): its onsets in every domain are multiplied by ``rise_factor``",
        source="scenario setting (the P9 experiment, experiments/p9_policy_feedback.py)",
    )
    rise_from_week: int = param(
        52,
        ge=1,
        unit="reported week",
        description="the reported week (as the outputs number it: 1 is the first) from which "
        "the needs of ``rise_wijk`` rise",
        source="scenario setting",
    )
    rise_factor: float = param(
        1.0,
        gt=0.0,
        le=10.0,
        unit="multiplier",
        description="onsets of needs in ``rise_wijk`` from ``rise_from_week``, relative to before",
        source="scenario setting",
    )

    @model_validator(mode="after")
    def _frailty_not_negative(self) -> NeedsSection:
        if self.frailty_per_reliance > self.frailty_base:
            raise ValueError("frailty_per_reliance must not exceed frailty_base")
        return self


class InformalSection(Section):
    """Informal support by the personal network and carer overload.

    Informal care through the network and carer overload (``submodels/informal_support.py``).
    Assumptions.
    """

    demand_hours: PerStage = param(
        default_factory=lambda: [0.0, 1.5, 4.0, 8.0, 0.0],
        unit="hours per week",
        description="informal care asked per week for a need at stage s",
        source=ASSUMPTION,
    )
    recovery_boost: NonNeg = param(
        1.5,
        unit="multiplier",
        description="recovery hazard x (1 + boost * share of informal demand met)",
        source=ASSUMPTION,
    )
    escalation_shield: Share = param(
        0.5,
        unit="share 0-1",
        description="escalation hazard x (1 - shield * share of informal demand met)",
        source=ASSUMPTION,
    )
    overload_threshold: NonNeg = param(
        1.0,
        unit="load / capacity",
        description="load / capacity above which carers strain",
        source=ASSUMPTION,
    )
    overload_weeks: int = param(
        8,
        ge=1,
        le=104,
        unit="weeks",
        description="strain memory (EWMA weeks)",
        source=ASSUMPTION,
    )
    overload_hazard_multiplier: NonNeg = param(
        2.0,
        unit="multiplier (added to 1)",
        description="overloaded carers' own care and social hazards x (1 + this)",
        source=ASSUMPTION,
    )
    max_stretch: float = param(
        2.0,
        ge=1.0,
        le=10.0,
        unit="multiple of capacity",
        description="how far carers stretch: a household asks each tie at most this multiple "
        "of its share, and a carer gives at most this multiple of its capacity in all",
        source=ASSUMPTION,
    )
    activation_demand: NonNeg = param(
        2.0,
        unit="multiplier",
        description="informal hours asked by a need under network activation, relative to the "
        "same need without support",
        source=ASSUMPTION,
    )
    basis_demand_share: Share = param(
        0.6,
        unit="share 0-1",
        description="informal hours still asked by a need the sociale basis supports (meals, "
        "a cleaning service, activities), relative to the same need without support",
        source=ASSUMPTION,
    )
    formal_demand_share: Share = param(
        0.25,
        unit="share 0-1",
        description="informal hours still asked by a need under maatwerk or Wlz care, relative "
        "to the same need without support",
        source=ASSUMPTION,
    )


class TeamSection(Section):
    """The wijkteam: structure, staffing and how hours are spent.

    The wijkteam: structure, staffing, hours and the effect of light support (``build/team.py``,
    ``submodels/signals.py``, ``submodels/intake.py``, ``submodels/casework.py``).
    ``structure``, ``fte_per_1000``, ``outreach_share`` and ``caseload_cap`` are levers.
    """

    structure: Literal[TEAM_STRUCTURES] = param(  # type: ignore[valid-type]
        "siloed",
        unit="-",
        description="`integrated`: one worker and one plan per household, broad skills; "
        "`siloed`: a worker per domain, with coordination hours and hand-off delays",
        source="lever ([Almelo] 2020: broad integrated wijkteams); baseline siloed",
    )
    fte_per_1000: float = param(
        0.5,
        gt=0.0,
        le=10.0,
        unit="FTE per 1,000 inhabitants",
        description="FTE per 1,000 inhabitants",
        source=LEVER,
    )
    outreach_share: Share = param(
        0.02,
        unit="share 0-1 of client hours",
        description="share of worker hours spent on outreach",
        source=LEVER + " (Almelo aims at more outreach)",
    )
    caseload_cap: int = param(
        22,
        ge=1,
        le=500,
        unit="households per worker",
        description="cases per worker (1 FTE)",
        source=LEVER,
        note="Counts households in support per worker.",
    )
    hours_per_fte: float = param(
        36.0,
        gt=0,
        le=60,
        unit="hours per week",
        description="paid hours per week of one FTE",
        source="[CAO-SW] CAO Sociaal Werk (36-hour full-time week)",
    )
    direct_share: Share = param(
        0.7,
        unit="share 0-1 of paid hours",
        description="share of paid hours available for client work",
        source=ASSUMPTION,
    )
    broad_skill: Share = param(
        0.85,
        unit="effectiveness 0-1",
        description="effectiveness of a generalist in any domain (a specialist in own: 1)",
        source=ASSUMPTION,
    )
    coordination_hours: NonNeg = param(
        1.0,
        unit="hours per week per case per other worker",
        description="siloed: weekly hours per case for each other worker on the household",
        source=ASSUMPTION,
    )
    handoff_weeks: int = param(
        3,
        ge=0,
        le=52,
        unit="weeks",
        description="siloed: delay before a referral",
        source=ASSUMPTION,
    )
    intake_hours: NonNeg = param(
        3.0,
        unit="hours per intake",
        description="hours per intake (assessment and plan)",
        source=ASSUMPTION,
    )
    followup_hours: NonNeg = param(
        1.5,
        unit="hours per signal",
        description="hours to follow up one signal",
        source=ASSUMPTION,
    )
    intake_floor_share: Share = param(
        0.08,
        unit="share 0-1 of client hours",
        description="share of client hours always kept for intake and follow-up",
        source=ASSUMPTION,
    )
    case_hours: PerStage = param(
        default_factory=lambda: [0.5, 1.5, 3.0, 4.0, 6.0],
        unit="hours per week",
        description="weekly hours of light support for a need at stage s",
        source=ASSUMPTION,
    )
    light_recovery_per_year: PerStage = param(
        default_factory=lambda: [0.0, 4.0, 2.0, 1.0, 6.0],
        unit="per year",
        description="extra recovery hazard under fully staffed light support",
        source=ASSUMPTION,
    )
    support_shield: Share = param(
        0.85,
        unit="share 0-1",
        description="escalation hazard x (1 - shield * effectiveness) while in support",
        source=ASSUMPTION,
    )
    brief_advice_success: Share = param(
        0.5,
        unit="probability",
        description="chance that a follow-up contact alone settles a mild need",
        source=ASSUMPTION,
    )
    signal_expiry_weeks: int = param(
        4,
        ge=1,
        le=52,
        unit="weeks",
        description="weeks after which a signal that was not followed up expires",
        source=ASSUMPTION,
    )
    outreach_find_per_hour: NonNeg = param(
        0.02,
        unit="per outreach hour per 1,000 inhabitants",
        description="share of a wijk's unknown needy households found per outreach hour "
        "per 1,000 inhabitants",
        source=ASSUMPTION,
        note="As implemented, a needy household is found with chance 1 - exp(-this x outreach "
        "hours per 1,000 inhabitants x visibility / 2), visibility 0.5-2 by stage.",
    )
    position_fte: float = param(
        0.8,
        gt=0.0,
        le=1.0,
        unit="FTE per position",
        description="typical size of a wijkteam position: a wijk's FTE is split into "
        "round(FTE / this) positions (at least one) of equal size, so any FTE per 1,000 is "
        "realised in hours",
        source="assumption (part-time work is common in Dutch social work)",
    )
    siloed_notice: Share = param(
        0.4,
        unit="probability",
        description="siloed team: chance that the specialist at an intake notices a need "
        "outside their own domain (it is then referred: a new intake in the other "
        "specialist's queue)",
        source="assumption",
    )
    own_notice_per_week: Share = param(
        0.5,
        unit="probability per week",
        description="chance per week that a household's worker notices a new need in a domain "
        "they cover (integrated: every domain)",
        source="assumption",
    )
    other_notice_per_week: Share = param(
        0.05,
        unit="probability per week",
        description="siloed team: chance per week that a worker notices a new need of the "
        "household outside their domains (then referred)",
        source="assumption",
    )
    extra_domain_intake_hours: NonNeg = param(
        1.0,
        unit="hours per extra domain",
        description="integrated intake: extra hours for each domain beyond the first (one "
        "conversation, one plan); a siloed team holds a full intake per domain",
        source="assumption",
    )
    joint_plan_damping: Share = param(
        0.5,
        unit="share 0-1",
        description="integrated team: while a household is in support, the coupling between "
        "its domains (needs raising needs elsewhere) x (1 - this): one plan for the household",
        source="assumption (integraal werken: one household, one plan)",
    )
    keep_in_touch_weeks: int = param(
        26,
        ge=0,
        le=260,
        unit="weeks",
        description="integrated team: weeks after closing a case in which it keeps in touch",
        source="assumption (Almelo: let go, but stay within reach)",
    )
    keep_in_touch_per_week: Share = param(
        0.1,
        unit="probability per week",
        description="integrated team: chance per week of noticing a new need of a household it "
        "closed recently (a signal to follow up)",
        source="assumption",
    )
    specialist_stage: int = param(
        3,
        ge=1,
        le=4,
        unit="need stage",
        description="needs at this stage or worse are specialist work: a generalist works on "
        "them at broad_skill, on lighter needs at full effect",
        source="assumption",
    )
    early_support_effect: PerDomain = param(
        default_factory=lambda: PerDomain(care=0.5, youth=2.0, income=1.5, debt=3.0, social=1.5),
        unit="multiplier",
        description="recovery under light or basis support of a mild (stage 1) need x this, by "
        "domain: early help can solve an arrear or a family problem, but hardly a chronic care "
        "need of the elderly, where early contact mostly brings support forward",
        source="assumption (Wgs vroegsignalering: an early payment arrangement keeps arrears "
        "from becoming problematic debt; preventive youth and family support)",
    )
    priority_crisis: int = param(
        100,
        ge=0,
        le=10_000,
        unit="priority points",
        description="intake priority of a household in crisis, on top of its stage points",
        source=ASSUMPTION,
    )
    priority_per_stage: int = param(
        10,
        ge=0,
        le=1000,
        unit="priority points per stage",
        description="intake priority per stage of the household's worst unmet need",
        source=ASSUMPTION,
    )
    priority_wait_cap_weeks: int = param(
        9,
        ge=0,
        le=520,
        unit="weeks (1 point each)",
        description="weeks of waiting that count in the intake priority (1 point a week, up to "
        "this cap)",
        source=ASSUMPTION,
    )
    domain_weights: PerDomainShare = param(
        default_factory=lambda: PerDomainShare(
            care=0.3, youth=0.2, income=0.15, debt=0.2, social=0.15
        ),
        unit="share 0-1",
        description="siloed team: relative share of positions per domain (beyond one each)",
        source=ASSUMPTION,
        rule="sum to 1",
    )

    @field_validator("domain_weights")
    @classmethod
    def _weights_sum_to_one(cls, v: PerDomainShare) -> PerDomainShare:
        total = sum(v.as_list())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"must add up to 1 (got {total:.3f})")
        return v


class PartnerKind(Section):
    """One kind of partner in the sociale basis."""

    reach: PerType = param(
        unit="share 0-1 per week",
        description="share of households of each type seen per week",
        source=ASSUMPTION,
    )
    sensitivity: PerDomain = param(
        unit="probability",
        description="chance to notice a need at stage 2 when seen",
        source=ASSUMPTION,
    )
    relation_start: Share = param(
        0.3,
        unit="relation 0-1",
        description="relation of this kind of partner with the wijkteam at the start",
        source=ASSUMPTION,
    )
    light_support: Share = param(
        0.0,
        unit="multiplier on the volunteer pool, per unit relation",
        description="share of its volunteers' time for activities",
        source=ASSUMPTION,
        note="The wijk's volunteer pool is multiplied by (1 + sum over its partners of "
        "relation x light_support), engaged or not.",
    )


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


_CREDITORS_SOURCE = (
    "[Divosa-vroegsignalering] Divosa target (about 40 creditor signals per 1,000 inhabitants a "
    "year, about 20% contact, "
    "7-8% accepted help); values assumptions, to be calibrated"
)

#: Sources of partner-kind fields that differ from :class:`PartnerKind`'s: kind -> field -> source.
PARTNER_KIND_SOURCES: dict[str, dict[str, str]] = {
    "supermarket": {
        "sensitivity": "[Almelo] Almelo (supermarkets notice loneliness and beginning dementia); "
        "values assumptions",
    },
    "creditors": dict.fromkeys(PartnerKind.model_fields, _CREDITORS_SOURCE),
}


class SignallingSection(Section):
    """Early signalling (vroegsignalering) with partners in the wijk.

    Early signalling (vroegsignalering): engaged partners, their reach and sensitivity,
    relations with the team, and residents' own help-seeking (``submodels/signals.py``,
    ``build/partners.py``, ``submodels/intake.py``). A partner kind in ``kinds`` has ``reach``
    (per household type), ``sensitivity`` (per domain), ``relation_start`` and
    ``light_support``.
    """

    partners: list[Literal[PARTNER_KINDS]] = param(  # type: ignore[valid-type]
        default_factory=list,
        unit="partner kinds",
        description="partner kinds engaged in early signalling",
        source="lever (Almelo: schools, community centres, residents' initiatives, "
        "supermarkets; Wgs creditors since 2021); baseline none",
        rule="no kind twice",
    )
    kinds: dict[str, PartnerKind] = param(
        default_factory=_default_partner_kinds,
        unit="-",
        description="reach, sensitivity, starting relation and light support of every partner "
        "kind, engaged or not",
        source=ASSUMPTION,
        rule="all six kinds, no others",
        sources_by_key=PARTNER_KIND_SOURCES,
    )
    relation_growth_per_hour: NonNeg = param(
        0.02,
        unit="per outreach hour",
        description="relation gain per outreach hour spent with a partner",
        source=ASSUMPTION,
    )
    relation_decay_per_week: Share = param(
        0.01,
        unit="share per week",
        description="share of every partner's relation lost each week",
        source=ASSUMPTION,
    )
    contact_base: Share = param(
        0.35,
        unit="probability",
        description="chance a signal leads to contact, at no help-seeking",
        source="[Divosa-vroegsignalering] Divosa target (about 20% of creditor signals lead to "
               "contact); value an "
        "assumption, to be calibrated",
    )
    help_acceptance: Share = param(
        0.4,
        unit="probability",
        description="chance that a household with only mild needs, contacted after a signal, "
        "accepts help (it joins the queue; otherwise it gets brief advice)",
        source="[Divosa-vroegsignalering] Divosa (of about 20% of creditor signals that lead to "
               "contact, 7-8% lead to "
        "accepted help: about 0.4); value to be calibrated",
    )
    help_seeking_per_year: PerStage = param(
        default_factory=lambda: [0.0, 0.3, 2.0, 6.0, 52.0],
        unit="per year",
        description="self-referral hazard at full help-seeking propensity, by stage",
        source=ASSUMPTION,
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
    stage_visibility: PerStage = param(
        default_factory=lambda: [0.0, 0.5, 1.0, 1.5, 2.0],
        unit="multiplier by stage",
        description="how visible a need at stage s is to partners and outreach: a partner's "
        "sensitivity (given at stage 2) x this",
        source=ASSUMPTION,
    )
    outreach_partner_share: Share = param(
        0.5,
        unit="share 0-1",
        description="share of a wijk's outreach hours spent with its engaged partners (building "
        "relations); the rest finds households directly (all of it with no partner engaged)",
        source=ASSUMPTION,
    )
    outreach_visibility: Share = param(
        0.5,
        unit="multiplier",
        description="outreach notices a need at this fraction of its stage visibility",
        source=ASSUMPTION,
    )


class Provision(Section):
    """One maatwerkvoorziening: its domain, how it runs, how long, and what it costs."""

    domain: Literal[DOMAINS] = param(  # type: ignore[valid-type]
        unit="-",
        description="the life domain of the need it serves",
        source="[Wmo-2015] [Jeugdwet] [Participatiewet] [Wgs]",
    )
    kind: Literal[PROVISION_KINDS] = param(  # type: ignore[valid-type]
        unit="-",
        description="one_off (delivered, then done: the need falls one stage), durable (runs "
        "until no longer needed, rare reviews), recurring (reviewed at intervals), episode "
        "(a planned period)",
        source="[Wmo-practice] Wmo practice (woningaanpassing, hulpmiddel, huishoudelijke hulp, "
               "begeleiding)",
    )
    grant_share: Share = param(
        unit="share 0-1",
        description="share of the domain's maatwerk grants that are this provision",
        source="assumption (CBS Wmo statistics: household help and aids are the most common "
        "Wmo provisions)",
    )
    weeks_min: int = param(
        ge=1,
        le=520,
        unit="weeks",
        description="shortest delivery time (one_off), review interval (durable, recurring) or "
        "planned length (episode); drawn uniformly between min and max",
        source="assumption",
    )
    weeks_max: int = param(
        ge=1,
        le=520,
        unit="weeks",
        description="longest delivery time, review interval or planned length",
        source="assumption",
    )
    renewal: Share = param(
        unit="probability",
        description="chance that a review (or the end of an episode) renews the provision while "
        "the need is still there",
        source="assumption, to be calibrated against the Wmo flows (about 30% of clients end "
        "a year)",
    )
    to_basis: Share = param(
        0.0,
        unit="share 0-1",
        description="of the provisions not renewed with need left, the share moved to the "
        "algemene voorziening (sociale basis) if it has a place",
        source="assumption (many gemeenten moved household help to an algemene voorziening)",
    )
    cost_per_year: NonNeg = param(
        unit="euro per client-year",
        description="what the provision costs the gemeente while it runs",
        source="assumption, averaging to the CBS/AEF cost per client-year (Wmo about EUR 4.5k, "
        "youth about EUR 10k)",
    )
    one_off_cost: NonNeg = param(
        0.0,
        unit="euro",
        description="cost at delivery (one_off provisions)",
        source="assumption",
    )
    recovery: NonNeg = param(
        1.0,
        unit="multiplier",
        description="recovery under this provision: maatwerk_recovery_per_year x this",
        source="assumption",
    )

    @model_validator(mode="after")
    def _weeks_in_order(self) -> Provision:
        if self.weeks_max < self.weeks_min:
            raise ValueError("weeks_max must not be below weeks_min")
        return self


def _default_provisions() -> dict[str, Provision]:
    def prov(domain: str, kind: str, share: float, weeks: tuple[int, int], renewal: float,
             cost: float, to_basis: float = 0.0, one_off: float = 0.0,
             recovery: float = 1.0) -> Provision:
        return Provision(domain=domain, kind=kind, grant_share=share, weeks_min=weeks[0],
                         weeks_max=weeks[1], renewal=renewal, to_basis=to_basis,
                         cost_per_year=cost, one_off_cost=one_off, recovery=recovery)

    return {
        "woningaanpassing": prov("care", "one_off", 0.10, (8, 26), 0.0, 0.0, one_off=6000.0,
                                 recovery=0.0),
        "hulpmiddel": prov("care", "durable", 0.35, (156, 260), 0.98, 1500.0, recovery=0.3),
        "huishoudelijke_hulp": prov("care", "recurring", 0.40, (52, 156), 0.97, 4500.0,
                                    to_basis=0.6, recovery=0.5),
        "begeleiding": prov("care", "episode", 0.15, (26, 52), 0.4, 9000.0, recovery=1.5),
        "jeugdhulp": prov("youth", "episode", 1.0, (26, 78), 0.3, 10000.0),
        "re_integratie": prov("income", "episode", 1.0, (26, 78), 0.3, 6000.0),
        "schuldhulp": prov("debt", "episode", 1.0, (52, 104), 0.2, 3000.0, recovery=1.5),
        "dagbesteding": prov("social", "recurring", 1.0, (52, 104), 0.7, 7000.0, to_basis=0.5,
                             recovery=0.5),
    }


class PolicySection(Section):
    """Policy levers about the kind of support.

    The kind of support: network first, the maatwerk threshold, closure, the sociale basis
    budget, maatwerk and Wlz (``submodels/casework.py``, ``submodels/informal_support.py``).
    ``network_first``, ``maatwerk_stage``, ``closure_rule`` and ``sociale_basis_budget`` are
    levers. The policy cycle (``submodels/policy_cycle.py``): ``cycle_weeks``,
    ``practice_link`` and ``reallocate`` are levers; which reported figures steer is an
    assumption: FTE follows the first contacts (aanmeldingen) each wijkteam reports over the
    cycle, the sociale-basis budget follows the needs the basis serves (stage 1 ..
    ``basis_max_stage``, no support or in the basis), outreach follows the growth of each
    partner's signals; the lags and noise are assumptions about how long and how distorted the
    way from the wijk to the council table is, not measurements.
    """

    network_first: Share = param(
        0.0,
        unit="share 0-1 of eligible cases",
        description="share of would-be maatwerk cases below crisis that get the Breda "
        "conversation (resident, social worker, Wmo consultant) at intake; in it a network plan "
        "is chosen when the household's network can carry the need, else the sociale basis, "
        "else maatwerk",
        source=LEVER + "; [Breda] Breda trio pilot: 18 of 28 would-be maatwerk cases chose another "
        "solution (about 0.64), an outcome the model must produce, not a setting",
    )
    maatwerk_stage: int = param(
        2,
        ge=1,
        le=4,
        unit="need stage",
        description="need stage at which maatwerk is granted",
        source=LEVER,
    )
    closure_rule: Literal[CLOSURE_RULES] = param(  # type: ignore[valid-type]
        "stable",
        unit="-",
        description="close a case when stable for some weeks, or after a fixed period",
        source=LEVER + ' (Almelo: "let go again")',
    )
    stable_weeks: int = param(
        6,
        ge=1,
        le=104,
        unit="weeks",
        description="closure rule `stable`: weeks at stage 1 or lower before a domain closes",
        source=ASSUMPTION,
    )
    fixed_weeks: int = param(
        12,
        ge=1,
        le=260,
        unit="weeks",
        description="closure rule `fixed`: weeks after which a domain closes, whatever the need",
        source=ASSUMPTION,
    )
    sociale_basis_budget: NonNeg = param(
        20000.0,
        unit="euro per 1,000 inhabitants per year",
        description="euro per 1,000 inhabitants per year for the sociale basis: volunteers, "
        "activities and the places of the voorliggende and algemene voorzieningen",
        source=LEVER + '; [Breda] Breda "Beweging naar de voorkant": about EUR 150k for about 400 '
        "cases over two years",
    )
    cycle_weeks: int = param(
        52,
        ge=1,
        le=520,
        unit="weeks",
        description="the gemeente reviews what the wijkteams report every this many weeks (the "
        "policy cycle, submodels/policy_cycle.py)",
        source=LEVER + "; the annual budget round ([Almere], [Almelo]'s wijkplannen)",
    )
    practice_link: Literal["separate", "merged"] = param(
        "separate",
        unit="-",
        description="how what happens in the wijk reaches policy: separate teams (a long "
        "reporting lag, noisy figures) or merged policy and practice teams (Almere: wijkwerkers "
        "in policy meetings; a short lag, less noise)",
        source=LEVER + "; [Almere] merged its policy and practice teams",
    )
    reallocate: bool = param(
        False,
        unit="-",
        description="at each review write the wijkplannen: move wijkteam FTE and sociale-basis "
        "budget between wijken towards the reported workload and demand, and each wijk's "
        "outreach towards the partners whose signals grow, within fixed municipal totals",
        source=LEVER,
    )
    report_lag_separate_weeks: int = param(
        26,
        ge=0,
        le=104,
        unit="weeks",
        description="how old the figures are that reach the policy table at a review, with "
        "separate policy and practice teams",
        source="assumption (what happens in the field often does not reach the council table "
        "in time, DESIGN.md: about half a year)",
    )
    report_lag_merged_weeks: int = param(
        4,
        ge=0,
        le=104,
        unit="weeks",
        description="the same with merged teams (wijkwerkers in the policy meetings)",
        source="assumption (Almere's merged teams: about a month)",
    )
    report_noise_separate: NonNeg = param(
        0.3,
        unit="sd of the log",
        description="how far a wijk's reported workload is off with separate teams: x exp(N(0, "
        "sd)) per wijk and review",
        source="assumption",
    )
    report_noise_merged: NonNeg = param(
        0.1,
        unit="sd of the log",
        description="the same with merged teams",
        source="assumption",
    )
    reallocation_step: Share = param(
        0.25,
        unit="share 0-1 of the gap",
        description="share of the gap between a wijk's FTE (sociale-basis budget, outreach "
        "priorities) and its target (the municipal total shared out by reported demand) closed "
        "at a review",
        source="assumption (budgets move in steps; nobody is fired overnight)",
    )
    activation_weeks: int = param(
        6,
        ge=1,
        le=52,
        unit="weeks",
        description="weeks a worker activates a network plan before handing it over to the "
        "network",
        source=ASSUMPTION,
    )
    activation_hours: NonNeg = param(
        2.5,
        unit="hours per week",
        description="team hours per week while activating",
        source=ASSUMPTION,
    )
    network_recovery_per_year: PerStage = param(
        default_factory=lambda: [0.0, 3.0, 1.6, 0.8, 0.0],
        unit="per year",
        description="extra recovery hazard when network and volunteers fully carry a need",
        source=ASSUMPTION,
    )
    volunteer_hours_per_euro: NonNeg = param(
        0.05,
        unit="volunteer hours per euro",
        description="volunteer hours per week bought per euro of yearly budget / 52",
        source=ASSUMPTION,
    )
    maatwerk_recovery_per_year: PerStage = param(
        default_factory=lambda: [0.0, 0.25, 0.15, 0.1, 4.0],
        unit="per year",
        description="extra recovery hazard under a maatwerkvoorziening",
        source=ASSUMPTION,
    )
    provisions: dict[str, Provision] = param(
        default_factory=_default_provisions,
        unit="-",
        description="the maatwerkvoorzieningen: domain, kind, share of grants, duration or "
        "review interval, renewal, move to the algemene voorziening, cost, recovery",
        source="[Wmo-2015] [Jeugdwet] [Participatiewet] [Wgs]; values assumptions",
        rule="one entry per provision of codes.PROVISIONS; grant shares add up to 1 per domain",
    )
    decision_weeks: int = param(
        2,
        ge=0,
        le=26,
        unit="weeks",
        description="from the intake (onderzoek) to the start of a granted maatwerkvoorziening "
        "(the beschikking)",
        source="[Wmo-2015] Wmo 2015 art. 2.3.5 (a decision within two weeks of the application)",
    )
    research_weeks: int = param(
        6,
        ge=1,
        le=52,
        unit="weeks",
        description="statutory term of the onderzoek after a request for support; intakes "
        "later than this are counted as over term",
        source="[Wmo-2015] Wmo 2015 art. 2.3.2 (onderzoek within six weeks of the melding)",
    )
    step_up_weeks: int = param(
        8,
        ge=1,
        le=104,
        unit="weeks",
        description="light support steps up to maatwerk when a need at or above maatwerk_stage "
        "has not improved for this long; light, network and basis support also step up when "
        "the need gets worse than it was at the plan (or outgrows the sociale basis)",
        source="assumption (stepped care: a heavier route when the lighter one does not "
        "suffice)",
    )
    alt_outcome_weeks: int = param(
        26,
        ge=1,
        le=260,
        unit="weeks",
        description="a would-be maatwerk case given another route counts as solved otherwise "
        "when no maatwerk follows within this many weeks",
        source="assumption (the pilots' follow-up period)",
    )
    network_carry_share: NonNeg = param(
        1.0,
        unit="share of demand",
        description="in the conversation, the network can carry a need when the care hours its "
        "ties can give reach this share of the need's informal demand",
        source="assumption",
    )
    basis_cost_per_place: float = param(
        1500.0,
        gt=0.0,
        unit="euro per place-year",
        description="places in the sociale basis (voorliggende and algemene voorzieningen: "
        "activities, meals, a cleaning service, the light route of schuldhulp) the budget buys: "
        "sociale_basis_budget / this per 1,000 inhabitants",
        source="assumption",
    )
    basis_max_stage: int = param(
        2,
        ge=1,
        le=3,
        unit="need stage",
        description="the sociale basis carries needs up to this stage",
        source="assumption (algemene voorzieningen suit mild and moderate needs)",
    )
    basis_effect: Share = param(
        0.6,
        unit="effect 0-1",
        description="effectiveness of basis support (shields escalation and drives recovery "
        "like a worker's effect)",
        source="assumption",
    )
    basis_recovery_per_year: PerStage = param(
        default_factory=lambda: [0.0, 2.0, 1.0, 0.3, 0.0],
        unit="per year",
        description="extra recovery hazard under basis support at full effect",
        source="assumption",
    )
    wlz_weeks_severe: int = param(
        104,
        ge=1,
        le=520,
        unit="weeks",
        description="weeks at stage 3+ in care before a Wlz indication (the CIZ indicates "
        "Wlz care when permanent supervision is needed; most people with a severe care need live "
        "at home with Wmo, wijkverpleging and mantelzorg for a long time first)",
        source="assumption, calibrated against the Wlz elderly-care stock (CBS 84529NED)",
    )
    wlz_exit_per_year: Share = param(
        0.36,
        unit="share per year",
        description="death hazard of a Wlz client (the household is replaced by a newcomer)",
        source="[CIZ-Vektis] Wlz elderly care lasts about 2.5-3 years (CIZ/Vektis); value to be "
               "calibrated",
    )

    @field_validator("provisions")
    @classmethod
    def _provisions_complete(cls, v: dict[str, Provision]) -> dict[str, Provision]:
        names = set(PROVISIONS[1:])
        if set(v) != names:
            wrong = sorted(set(v) ^ names)[0]
            raise ValueError(f"needs one entry per provision ({', '.join(PROVISIONS[1:])}); "
                             f"check {wrong!r}")
        for domain in DOMAINS:
            shares = [p.grant_share for p in v.values() if p.domain == domain]
            if not shares:
                raise ValueError(f"no provision for domain {domain!r}")
            if abs(sum(shares) - 1.0) > 1e-6:
                raise ValueError(f"grant shares of {domain!r} add up to {sum(shares):.3f}, not 1")
        return v


class WorkforceSection(Section):
    """Sick leave, leaving, hiring and ramp-up of wijkteam workers.

    Sick leave, leaving, hiring and ramp-up of workers (``submodels/workforce.py``).
    Assumptions, to be calibrated.
    """

    sick_per_year: NonNeg = param(
        0.25,
        unit="spells per worker-year",
        description="sick-leave spells per worker-year at workload 1",
        source=ASSUMPTION,
    )
    sick_weeks: NonNeg = param(
        6.0, unit="weeks", description="mean sick-leave length", source=ASSUMPTION
    )
    leave_per_year: NonNeg = param(
        0.10,
        unit="per worker-year",
        description="leaving hazard per worker-year at workload 1",
        source=ASSUMPTION,
    )
    workload_sensitivity: NonNeg = param(
        1.5,
        unit="per unit of workload",
        description="hazards x exp(k * (workload - 1)) for workload 1-3",
        source=ASSUMPTION,
    )
    workload_memory_weeks: int = param(
        8,
        ge=1,
        le=104,
        unit="weeks",
        description="weeks of the moving average of a worker's workload",
        source=ASSUMPTION,
    )
    vacancy_weeks: NonNeg = param(
        13.0, unit="weeks", description="mean weeks to fill a vacancy", source=ASSUMPTION
    )
    ramp_up_weeks: int = param(
        12,
        ge=0,
        le=104,
        unit="weeks",
        description="weeks for a new worker to be fully productive",
        source=ASSUMPTION,
    )
    new_worker_productivity: Share = param(
        0.5,
        unit="share 0-1",
        description="productivity of a new worker in the first week, rising linearly to 1 over "
        "`ramp_up_weeks`",
        source=ASSUMPTION,
    )
    backlog_weeks: float = param(
        13.0,
        gt=0.0,
        le=104.0,
        unit="weeks",
        description="the team feels its backlog of intakes and follow-ups as work to be done "
        "within this many weeks (adds to workload)",
        source=ASSUMPTION,
    )


class CostsSection(Section):
    """Costs in euro (per year unless said otherwise).

    Costs in euro (``submodels/costs.py``). The cost of each maatwerkvoorziening is in
    ``[policy.provisions.<name>]``; the Wlz cost per client-year follows CBS/AEF; the others are
    assumptions.
    """

    fte: NonNeg = param(
        82000.0,
        unit="euro per FTE-year",
        description="employer cost of one wijkteam FTE per year",
        source="assumption (CAO-based estimate of the employer cost of one FTE)",
    )
    wlz_per_year: NonNeg = param(
        85000.0,
        unit="euro per client-year",
        description="annual cost of one Wlz client",
        source="[CBS-AEF-Wlz] CBS/AEF (about EUR 85k per Wlz client-year)",
    )
    crisis: PerDomain = param(
        default_factory=lambda: PerDomain(
            care=6000, youth=9000, income=3000, debt=8000, social=2000
        ),
        unit="euro per crisis",
        description="cost of one crisis (emergency, eviction, police) by domain",
        source="assumption",
    )
    crisis_gemeente_share: PerDomainShare = param(
        default_factory=lambda: PerDomainShare(
            care=0.2, youth=0.5, income=0.3, debt=0.5, social=0.2
        ),
        unit="share 0-1",
        description="share of a crisis's cost the gemeente pays (shelter, crisis youth care, "
        "eviction prevention); the rest falls to police, hospitals and others",
        source="assumption",
    )




class WijkProfile(Section):
    """One wijk as CBS's Kerncijfers wijken en buurten describe it.

    The figures are CBS's counts for the wijk (``wijksim municipality import`` writes them);
    ``build/profiles.py`` turns them into the wijk's household types, children per family and
    onset of income and debt needs. A figure left out takes the national make-up
    (``[population]``'s type shares and reference figures).
    """

    name: str = param(..., unit="text", description="the wijk's name (as CBS writes it)",
                      source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten: WijkenEnBuurten",
                      min_length=1)
    code: str = param("", unit="code", description="CBS's code of the wijk (WK...)",
                      source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten: Codering")
    households: int = param(..., ge=1, unit="households",
                            description="private households in the wijk",
                            source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten: "
                                   "HuishoudensTotaal")
    inhabitants: int | None = param(None, ge=1, unit="persons",
                                    description="inhabitants of the wijk",
                                    source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten: "
                                           "AantalInwoners")
    age_65_plus: int | None = param(None, ge=0, unit="persons",
                                    description="inhabitants aged 65 or over",
                                    source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten: "
                                           "k_65JaarOfOuder")
    age_0_15: int | None = param(None, ge=0, unit="persons", description="inhabitants aged 0-14",
                                 source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten: "
                                        "k_0Tot15Jaar")
    age_15_25: int | None = param(None, ge=0, unit="persons",
                                  description="inhabitants aged 15-24",
                                  source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten: "
                                         "k_15Tot25Jaar")
    age_25_45: int | None = param(None, ge=0, unit="persons",
                                  description="inhabitants aged 25-44",
                                  source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten: "
                                         "k_25Tot45Jaar")
    age_45_65: int | None = param(None, ge=0, unit="persons",
                                  description="inhabitants aged 45-64",
                                  source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten: "
                                         "k_45Tot65Jaar")
    single_person: int | None = param(
        None, ge=0, unit="households", description="one-person households",
        source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten: Eenpersoonshuishoudens")
    without_children: int | None = param(
        None, ge=0, unit="households",
        description="multi-person households without children living at home",
        source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten: HuishoudensZonderKinderen")
    with_children: int | None = param(
        None, ge=0, unit="households", description="households with children living at home",
        source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten: HuishoudensMetKinderen")
    household_size: float | None = param(
        None, gt=0.0, le=10.0, unit="persons per household",
        description="average household size",
        source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten: GemiddeldeHuishoudensgrootte")
    low_income_share: Share | None = param(
        None, unit="share 0-1 of households", description="households with a low income",
        source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten: HuishoudensMetEenLaagInkomen "
               "(percent / 100)")


class GemeenteSection(Section):
    """The municipality a scenario describes (shown in the app, the brief and by_wijk tables)."""

    name: str = param("", unit="text", description="the gemeente's name",
                      source="scenario setting (CBS: Gemeentenaam)")
    cbs_table: str = param("", unit="StatLine table id",
                           description="the CBS table the wijk profiles come from",
                           source="scenario setting (e.g. 84799NED, Kerncijfers wijken en "
                           "buurten 2020)")
    cbs_year: int | None = param(None, ge=1990, le=2100, unit="year",
                                 description="the year of the CBS figures",
                                 source="scenario setting")


#: The section classes, in the order of :class:`Config`'s tables.
SECTIONS: tuple[type[Section], ...] = (
    RunSection,
    PopulationSection,
    NeedsSection,
    InformalSection,
    TeamSection,
    SignallingSection,
    PolicySection,
    WorkforceSection,
    CostsSection,
    GemeenteSection,
)


class Config(Section):
    """A whole scenario.

    Top-level keys of a scenario file.
    """

    description: str = param(
        "",
        unit="text",
        description="free text describing the scenario (shown by `wijksim scenarios`)",
        source="scenario text",
    )
    extends: str | None = param(
        None,
        unit="file path",
        description="parent scenario file, relative to this file (or ``preset:NAME``, a preset "
        "of `wijksim scenarios`); its tables are merged under this file's, key by key (not "
        "kept in the resolved config)",
        source="scenario setting",
    )
    run: RunSection = Field(default_factory=RunSection)
    population: PopulationSection = Field(default_factory=PopulationSection)
    needs: NeedsSection = Field(default_factory=NeedsSection)
    informal: InformalSection = Field(default_factory=InformalSection)
    team: TeamSection = Field(default_factory=TeamSection)
    signalling: SignallingSection = Field(default_factory=SignallingSection)
    policy: PolicySection = Field(default_factory=PolicySection)
    workforce: WorkforceSection = Field(default_factory=WorkforceSection)
    costs: CostsSection = Field(default_factory=CostsSection)
    gemeente: GemeenteSection = Field(default_factory=GemeenteSection)
    wijken: list[WijkProfile] = param(
        default_factory=list,
        unit="[[wijken]] tables",
        description="wijk profiles from CBS (optional): with them, the municipality has one "
        "wijk per profile (``population.wijken`` follows their number), the households are "
        "shared out by the profiles' households (scaled to ``population.households``), and "
        "each wijk's make-up follows its profile",
        source="[CBS-KWB-2020] CBS Kerncijfers wijken en buurten (`wijksim municipality import`)",
    )

    @model_validator(mode="before")
    @classmethod
    def _wijken_follow_profiles(cls, data: Any) -> Any:
        """With wijk profiles, the number of wijken is the number of profiles."""
        if isinstance(data, dict) and data.get("wijken"):
            population = dict(data.get("population") or {})
            population["wijken"] = len(data["wijken"])
            data = {**data, "population": population}
        return data

    @model_validator(mode="after")
    def _rise_wijk_exists(self) -> Config:
        if self.needs.rise_wijk > self.population.wijken:
            raise ValueError(f"needs.rise_wijk: {self.needs.rise_wijk} is not a wijk (the "
                             f"municipality has {self.population.wijken})")
        return self

    @model_validator(mode="after")
    def _profile_names_unique(self) -> Config:
        names = [w.name for w in self.wijken]
        if len(set(names)) != len(names):
            raise ValueError("wijken: every [[wijken]] profile needs its own name")
        return self

    def wijk_names(self) -> list[str]:
        """The wijken's names: the profiles', else "wijk 1", "wijk 2", ..."""
        if self.wijken:
            return [w.name for w in self.wijken]
        return [f"wijk {i + 1}" for i in range(self.population.wijken)]

    def to_toml_dict(self) -> dict[str, Any]:
        """The resolved config as plain data, without ``extends`` (and no empty fields)."""
        data = self.model_dump(mode="python", exclude={"extends"})
        data["wijken"] = [{k: v for k, v in w.items() if v is not None} for w in data["wijken"]]
        data["gemeente"] = {k: v for k, v in data["gemeente"].items() if v is not None}
        return data


#: Config fields that users' scripts rely on (DESIGN.md, "Interfaces users will rely on").
CONTRACT: tuple[str, ...] = (
    "run.seed",
    "run.weeks",
    "run.warmup_weeks",
    "population.households",
    "population.wijken",
    "team.structure",
    "team.fte_per_1000",
    "team.outreach_share",
    "team.caseload_cap",
    "signalling.partners",
    "policy.network_first",
    "policy.maatwerk_stage",
)

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
    "policy.reallocate",
    "policy.practice_link",
    "policy.cycle_weeks",
)

#: Flat keyword names accepted by ``WijkModel(**kwargs)`` (and so by ``mesa.batch_run``).
FLAT_FIELDS: dict[str, str] = {
    "seed": "run.seed",
    "weeks": "run.weeks",
    "warmup_weeks": "run.warmup_weeks",
    "spinup_years": "run.spinup_years",
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
    "reallocate": "policy.reallocate",
    "practice_link": "policy.practice_link",
    "cycle_weeks": "policy.cycle_weeks",
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


#: ``extends = "preset:NAME"`` names a preset of ``wijksim scenarios`` instead of a path.
PRESET = "preset:"


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
    if parent.startswith(PRESET):  # a preset shipped with wijksim, wherever this file is
        from wijksim.presets import scenario_dir

        parent_path = scenario_dir() / f"{parent.removeprefix(PRESET).removesuffix('.toml')}.toml"
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


def flat_field(name: str) -> str | None:
    """The dotted config field of a flat keyword (None when it names none).

    A name in :data:`FLAT_FIELDS`, or any field as ``section__field`` (two underscores for each
    dot: ``costs__crisis__care``).
    """
    if name in FLAT_FIELDS:
        return FLAT_FIELDS[name]
    if "__" in name.strip("_"):
        return name.replace("__", ".")
    return None


def _set_flat(data: dict[str, Any], flat: dict[str, Any], source: str) -> None:
    for name, value in flat.items():
        dotted = flat_field(name)
        if dotted is None:
            raise ConfigError(source, name, "unknown parameter (a flat name: "
                              f"{', '.join(FLAT_FIELDS)}; or any field as section__field)")
        try:
            get_dotted(_DEFAULTS, dotted)
        except (AttributeError, KeyError, TypeError):
            raise ConfigError(source, name, f"unknown config field {dotted} (see "
                              "docs/parameters.md)") from None
        set_dotted(data, dotted, plain_value(value), source)


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


def flatten(cfg: Config) -> dict[str, Any]:
    """Every field of a config by its dotted name (tables of tables too; lists as values)."""
    out: dict[str, Any] = {}

    def walk(node: Any, prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            else:
                out[f"{prefix}{key}"] = value

    walk(cfg.to_toml_dict(), "")
    return out


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
