#!/usr/bin/env python3
"""Generate docs/parameters.md from the pydantic schema in :mod:`wijksim.config`.

Every leaf field of ``Config`` (walked recursively through sections, per-domain tables and the
partner kinds) becomes a row with its dotted name, type, unit, default, allowed range,
description and source. Types, defaults, ranges and most descriptions come from the schema;
units, sources and the descriptions the schema lacks come from the tables in this script.

Usage::

    python scripts/gen_parameters.py            # write docs/parameters.md
    python scripts/gen_parameters.py --check    # exit 1 if docs/parameters.md is out of date

``tests/test_docs.py`` runs :func:`check` in-process.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic import BaseModel, ValidationError

from wijksim import codes
from wijksim import config as cfgmod

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "parameters.md"

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

ASSUMPTION = "assumption, to be calibrated (`wijksim calibrate`)"
LEVER = "lever (a policy choice); the default is the baseline's value, an assumption"

#: Source of each parameter: dotted name or prefix (``*`` matches any one component).
#: The longest match wins; at equal length an exact component beats ``*``.
SOURCES: dict[str, str] = {
    "description": "scenario text",
    "extends": "scenario setting",
    "run": "run setting (no empirical source)",
    "population": ASSUMPTION,
    "population.households": "scenario setting (default: one wijk of 5,000 households)",
    "population.wijken": "scenario setting (Almelo: six broad wijkteams, DESIGN.md)",
    "population.type_shares": "CBS household composition (rounded; single-parent households "
    "are not a separate type)",
    "population.children_mean": "CBS household size (children per family with children)",
    "needs": ASSUMPTION,
    "needs.onset_per_year": "assumption, calibrated against the CBS base rates of P7 "
    "(`wijksim calibrate`)",
    "informal": ASSUMPTION,
    "team": ASSUMPTION,
    "team.structure": "lever (Almelo 2020: broad integrated wijkteams); baseline siloed",
    "team.fte_per_1000": LEVER,
    "team.outreach_share": LEVER + " (Almelo aims at more outreach)",
    "team.caseload_cap": LEVER,
    "team.hours_per_fte": "CAO Sociaal Werk (36-hour full-time week)",
    "signalling": ASSUMPTION,
    "signalling.partners": "lever (Almelo: schools, community centres, residents' initiatives, "
    "supermarkets; Wgs creditors since 2021); baseline none",
    "signalling.contact_base": "Divosa target (about 20% of creditor signals lead to contact); "
    "value an assumption, to be calibrated",
    "signalling.kinds": ASSUMPTION,
    "signalling.kinds.creditors": "Divosa target (about 40 creditor signals per 1,000 "
    "inhabitants a year, about 20% contact, 7-8% accepted help); values assumptions, "
    "to be calibrated",
    "signalling.kinds.supermarket.sensitivity": "Almelo (supermarkets notice loneliness and "
    "beginning dementia); values assumptions",
    "policy": ASSUMPTION,
    "policy.network_first": LEVER + "; Breda trio pilot: 18 of 28 would-be maatwerk cases "
    "chose another solution (about 0.64)",
    "policy.maatwerk_stage": LEVER,
    "policy.closure_rule": LEVER + ' (Almelo: "let go again")',
    "policy.sociale_basis_budget": LEVER + '; Breda "Beweging naar de voorkant": about '
    "EUR 150k for about 400 cases over two years",
    "workforce": ASSUMPTION,
    "costs": "assumption",
    "costs.fte": "assumption (CAO-based estimate of the employer cost of one FTE)",
    "costs.maatwerk_per_year.care": "CBS/AEF (about EUR 4.5k per Wmo client-year)",
    "costs.maatwerk_per_year.youth": "CBS/AEF (about EUR 10k per youth-care client-year)",
    "costs.wlz_per_year": "CBS/AEF (about EUR 85k per Wlz client-year)",
}

#: Unit of each parameter (same matching as :data:`SOURCES`).
UNITS: dict[str, str] = {
    "description": "text",
    "extends": "file path",
    "run.seed": "-",
    "run.weeks": "weeks",
    "run.warmup_weeks": "weeks",
    "run.warmup_levers": "-",
    "run.replicates": "runs",
    "population.households": "households",
    "population.wijken": "wijken",
    "population.type_shares": "share 0-1",
    "population.children_mean": "persons per family",
    "population.elderly_couple_share": "share 0-1",
    "population.network_degree": "ties per household",
    "population.network_strength": "multiplier",
    "population.wijk_network_spread": "share 0-1 (+/-)",
    "population.within_wijk_share": "share 0-1",
    "population.care_capacity_hours": "hours per week",
    "population.self_reliance_mean": "scale 0-1",
    "population.help_seeking_mean": "scale 0-1",
    "population.mobility_per_year": "share per year",
    "needs.onset_per_year": "per household-year",
    "needs.coupling": "multiplier per stage of the source need",
    "needs.escalation_per_year": "per year",
    "needs.recovery_per_year": "per year",
    "needs.chronic": "share 0-1",
    "needs.crisis_recovery_per_year": "per year",
    "needs.relapse_multiplier": "multiplier",
    "needs.relapse_weeks": "weeks",
    "informal.demand_hours": "hours per week",
    "informal.recovery_boost": "multiplier",
    "informal.escalation_shield": "share 0-1",
    "informal.overload_threshold": "load / capacity",
    "informal.overload_weeks": "weeks",
    "informal.overload_hazard_multiplier": "multiplier (added to 1)",
    "team.structure": "-",
    "team.fte_per_1000": "FTE per 1,000 inhabitants",
    "team.outreach_share": "share 0-1 of client hours",
    "team.caseload_cap": "households per worker",
    "team.hours_per_fte": "hours per week",
    "team.direct_share": "share 0-1 of paid hours",
    "team.broad_skill": "effectiveness 0-1",
    "team.coordination_hours": "hours per week per case per other worker",
    "team.handoff_weeks": "weeks",
    "team.intake_hours": "hours per intake",
    "team.followup_hours": "hours per signal",
    "team.intake_floor_share": "share 0-1 of client hours",
    "team.case_hours": "hours per week",
    "team.light_recovery_per_year": "per year",
    "team.support_shield": "share 0-1",
    "team.brief_advice_success": "probability",
    "team.signal_expiry_weeks": "weeks",
    "team.outreach_find_per_hour": "per outreach hour per 1,000 inhabitants",
    "signalling.partners": "partner kinds",
    "signalling.kinds.*.reach": "share 0-1 per week",
    "signalling.kinds.*.sensitivity": "probability",
    "signalling.kinds.*.relation_start": "relation 0-1",
    "signalling.kinds.*.light_support": "multiplier on the volunteer pool, per unit relation",
    "signalling.relation_growth_per_hour": "per outreach hour",
    "signalling.relation_decay_per_week": "share per week",
    "signalling.contact_base": "probability",
    "signalling.help_seeking_per_year": "per year",
    "policy.network_first": "probability",
    "policy.maatwerk_stage": "need stage",
    "policy.closure_rule": "-",
    "policy.stable_weeks": "weeks",
    "policy.fixed_weeks": "weeks",
    "policy.sociale_basis_budget": "euro per 1,000 inhabitants per year",
    "policy.activation_weeks": "weeks",
    "policy.activation_hours": "hours per week",
    "policy.network_recovery_per_year": "per year",
    "policy.volunteer_hours_per_euro": "volunteer hours per euro",
    "policy.maatwerk_recovery_per_year": "per year",
    "policy.maatwerk_monitor_hours": "hours per week per case",
    "policy.maatwerk_weeks": "weeks",
    "policy.wlz_weeks_severe": "weeks",
    "policy.wlz_exit_per_year": "share per year",
    "workforce.sick_per_year": "spells per worker-year",
    "workforce.sick_weeks": "weeks",
    "workforce.leave_per_year": "per worker-year",
    "workforce.workload_sensitivity": "per unit of workload",
    "workforce.workload_memory_weeks": "weeks",
    "workforce.vacancy_weeks": "weeks",
    "workforce.ramp_up_weeks": "weeks",
    "workforce.new_worker_productivity": "share 0-1",
    "costs.fte": "euro per FTE-year",
    "costs.maatwerk_per_year": "euro per client-year",
    "costs.wlz_per_year": "euro per client-year",
    "costs.crisis": "euro per crisis",
}

#: Descriptions for fields whose schema has none. ``{0}``, ``{1}`` are the components that
#: matched a ``*``.
DESCRIPTIONS: dict[str, str] = {
    "description": "free text describing the scenario (shown by `wijksim scenarios`)",
    "extends": "parent scenario file, relative to this file; its tables are merged under this "
    "file's, key by key (not kept in the resolved config)",
    "population.households": "households (agents) in the municipality",
    "population.wijken": "wijken, each with its own wijkteam, partners and volunteer pool",
    "population.self_reliance_mean": "mean self-reliance (zelfredzaamheid) by household type; "
    "each household draws from a Beta distribution with this mean (clipped to 0.02-0.98)",
    "population.help_seeking_mean": "mean propensity to ask for help by household type; "
    "each household draws from a Beta distribution with this mean (clipped to 0.02-0.98)",
    "needs.coupling.*.*": "onset hazard of {1} needs x (1 + this x stage of the household's "
    "{0} need)",
    "needs.relapse_weeks": "weeks the relapse multiplier lasts after support ended with need left",
    "team.structure": "`integrated`: one worker and one plan per household, broad skills; "
    "`siloed`: a worker per domain, with coordination hours and hand-off delays",
    "team.hours_per_fte": "paid hours per week of one FTE",
    "team.signal_expiry_weeks": "weeks after which a signal that was not followed up expires",
    "signalling.kinds.*.relation_start": "relation of the {0} with the wijkteam at the start",
    "signalling.relation_decay_per_week": "share of every partner's relation lost each week",
    "policy.stable_weeks": "closure rule `stable`: weeks at stage 1 or lower before a domain "
    "closes",
    "policy.fixed_weeks": "closure rule `fixed`: weeks after which a domain closes, whatever "
    "the need",
    "workforce.workload_memory_weeks": "weeks of the moving average of a worker's workload",
    "workforce.new_worker_productivity": "productivity of a new worker in the first week, "
    "rising linearly to 1 over `ramp_up_weeks`",
    "costs.wlz_per_year": "annual cost of one Wlz client",
}

#: Remarks on how the code uses a field, appended to its description.
NOTES: dict[str, str] = {
    "policy.network_first": "Applies to every plan, also for needs below `maatwerk_stage`.",
    "team.caseload_cap": "Counts households in support per worker.",
    "team.outreach_find_per_hour": "As implemented, a needy household is found with chance "
    "1 - exp(-this x outreach hours per 1,000 inhabitants x visibility / 2), visibility 0.5-2 "
    "by stage.",
    "signalling.kinds.*.light_support": "The wijk's volunteer pool is multiplied by "
    "(1 + sum over its partners of relation x light_support), engaged or not.",
    "needs.chronic.*": "The schema allows values above 1, which would make recovery hazards "
    "negative; keep it within 0-1.",
    "run.warmup_levers": "With `baseline`, every lever in `config.LEVERS` is at its default "
    "during the warm-up and switches to the scenario's value in the first reported week.",
}

#: Constraints enforced by validators rather than by Field arguments.
EXTRA_RANGE: dict[str, str] = {
    "population.type_shares": "sum to 1",
    "signalling.partners": "no kind twice",
    "signalling.kinds": "all six kinds, no others",
}

#: Short introduction per config section (the class docstring is added in front).
INTROS: dict[str, str] = {
    "": "Top-level keys of a scenario file.",
    "run": "Length of a run and its seed. The warm-up is simulated but not reported; "
    "`replicates` paired runs use seeds derived from `seed`. Used by `model.py` and "
    "`runner.py`.",
    "population": "The households and their personal networks, drawn once at initialisation "
    "(`population.py`, `social_network.py`). Per-type lists have one value per household "
    "type, in the order single_elderly, single_adult, couple, family. Household composition "
    "follows CBS; network and trait parameters are assumptions.",
    "needs": "Onset, coupling, escalation and recovery of needs in the five life domains "
    "(`life_events.py`, `escalation.py`). Per-stage lists have one value per need stage 0-4. "
    "All rates are assumptions to be calibrated against the base rates of pattern P7.",
    "informal": "Informal care through the network and carer overload "
    "(`informal_support.py`). Assumptions.",
    "team": "The wijkteam: structure, staffing, hours and the effect of light support "
    "(`team.py`, `signals.py`, `intake.py`, `casework.py`). `structure`, `fte_per_1000`, "
    "`outreach_share` and `caseload_cap` are levers.",
    "signalling": "Early signalling (vroegsignalering): engaged partners, their reach and "
    "sensitivity, relations with the team, and residents' own help-seeking (`signals.py`, "
    "`partners.py`, `intake.py`). A partner kind in `kinds` has `reach` (per household type), "
    "`sensitivity` (per domain), `relation_start` and `light_support`.",
    "policy": "The kind of support: network first, the maatwerk threshold, closure, the "
    "sociale basis budget, maatwerk and Wlz (`casework.py`, `informal_support.py`). "
    "`network_first`, `maatwerk_stage`, `closure_rule` and `sociale_basis_budget` are levers.",
    "workforce": "Sick leave, leaving, hiring and ramp-up of workers (`workforce.py`). "
    "Assumptions, to be calibrated.",
    "costs": "Costs in euro (`costs.py`). The costs per client-year of Wmo, youth care and "
    "Wlz follow CBS/AEF; the others are assumptions.",
}

STAGES = "stages 0-4"
TYPES = ", ".join(codes.HOUSEHOLD_TYPES)


@dataclass
class Leaf:
    """One leaf field of the config with everything the table shows."""

    name: str
    type: str
    unit: str
    default: str
    range: str
    description: str
    source: str


# --------------------------------------------------------------------------- lookups


def lookup(
    table: dict[str, str], dotted: str, exact: bool = False
) -> tuple[str, tuple[str, ...]] | None:
    """Longest matching key of ``table`` for ``dotted``; also the components ``*`` matched.

    A key matches as a prefix of the dotted name (whole components), or with ``exact`` only as
    the whole name.
    """
    parts = dotted.split(".")
    best: tuple[int, int, str, tuple[str, ...]] | None = None
    for key, value in table.items():
        kparts = key.split(".")
        if len(kparts) > len(parts) or (exact and len(kparts) != len(parts)):
            continue
        if not all(k in ("*", p) for k, p in zip(kparts, parts, strict=False)):
            continue
        wild = tuple(p for k, p in zip(kparts, parts, strict=False) if k == "*")
        rank = (len(kparts), -len(wild))
        if best is None or rank > best[:2]:
            best = (*rank, value, wild)
    return None if best is None else (best[2], best[3])


def unit_of(dotted: str) -> str:
    """The unit of a field, or ``-``."""
    found = lookup(UNITS, dotted)
    return found[0] if found else "-"


def source_of(dotted: str) -> str:
    """The source of a field (``assumption`` when the tables name none)."""
    found = lookup(SOURCES, dotted)
    return found[0] if found else ASSUMPTION


# --------------------------------------------------------------------------- types and ranges


def _strip(ann: Any) -> tuple[Any, list[Any]]:
    """The bare type of an ``Annotated`` annotation and the constraints it carries."""
    constraints: list[Any] = []
    while get_origin(ann) is typing.Annotated:
        base, *meta = get_args(ann)
        for m in meta:
            constraints.extend(getattr(m, "metadata", [m]))
        ann = base
    return ann, constraints


def type_name(ann: Any) -> str:
    """A readable type for a field annotation."""
    ann, _ = _strip(ann)
    origin = get_origin(ann)
    if origin is Literal:
        return "string"
    if origin is list:
        (inner,) = get_args(ann) or (Any,)
        inner_name = type_name(inner)
        return f"list of {'strings' if inner_name == 'string' else inner_name + 's'}"
    if origin in (Union, types.UnionType):
        return " or ".join(type_name(a) for a in get_args(ann))
    return {
        int: "integer",
        float: "number",
        str: "string",
        bool: "boolean",
        type(None): "none",
    }.get(ann, getattr(ann, "__name__", str(ann)))


def bounds_text(constraints: list[Any]) -> str:
    """``0 - 1``, ``>= 0``, ``> 0, <= 10`` ... from annotated-types constraints."""
    lo = hi = None
    for c in constraints:
        if isinstance(c, at.Ge):
            lo = (">=", c.ge)
        elif isinstance(c, at.Gt):
            lo = (">", c.gt)
        elif isinstance(c, at.Le):
            hi = ("<=", c.le)
        elif isinstance(c, at.Lt):
            hi = ("<", c.lt)
    if lo and hi and lo[0] == ">=" and hi[0] == "<=":
        return f"{_num(lo[1])} - {_num(hi[1])}"
    return ", ".join(f"{b[0]} {_num(b[1])}" for b in (lo, hi) if b)


def range_text(dotted: str, ann: Any, metadata: list[Any]) -> str:
    """The allowed values of a field: bounds, choices, list lengths, validator rules."""
    ann, own = _strip(ann)
    constraints = [*metadata, *own]
    origin = get_origin(ann)
    parts: list[str] = []
    if origin is Literal:
        parts.append("one of " + ", ".join(f'`"{v}"`' for v in get_args(ann)))
    elif origin is list:
        (inner,) = get_args(ann) or (Any,)
        inner_bare, inner_constraints = _strip(inner)
        lengths = {type(c): c for c in constraints if isinstance(c, at.MinLen | at.MaxLen)}
        lo = getattr(lengths.get(at.MinLen), "min_length", None)
        hi = getattr(lengths.get(at.MaxLen), "max_length", None)
        if lo is not None and lo == hi:
            what = {4: f" ({TYPES})", 5: f" ({STAGES})"}.get(lo, "")
            parts.append(f"{lo} values{what}")
        elif lo is not None or hi is not None:
            parts.append(f"{lo or 0} to {hi if hi is not None else 'any number of'} values")
        if get_origin(inner_bare) is Literal:
            parts.append("any of " + ", ".join(f'`"{v}"`' for v in get_args(inner_bare)))
        item = bounds_text(inner_constraints)
        if item:
            parts.append(f"each {item}")
    else:
        text = bounds_text(constraints)
        if text:
            parts.append(text)
        elif ann is str:
            parts.append("any text")
    extra = EXTRA_RANGE.get(dotted)
    if extra:
        parts.append(extra)
    return "; ".join(parts) or "-"


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:,}"
    return str(value)


def default_text(value: Any) -> str:
    """A default as a TOML-like literal."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'`"{value}"`' if value else '`""`'
    if isinstance(value, float):
        return f"`{value!r}`"
    if isinstance(value, int):
        return f"`{value}`"
    if isinstance(value, list | tuple):
        items = ", ".join(f'"{v}"' if isinstance(v, str) else repr(v) for v in value)
        return f"`[{items}]`"
    return f"`{value!r}`"


# --------------------------------------------------------------------------- walking the schema


def describe(dotted: str, own: str | None, parent: str) -> str:
    """The description of a field: the schema's, else the script's, else the parent's."""
    text = own
    if not text:
        found = lookup(DESCRIPTIONS, dotted, exact=True)
        if found and (found[0].count("{") == 0 or found[1]):
            text = found[0].format(*found[1])
    last = dotted.rsplit(".", 1)[-1]
    if not text and parent and last in codes.DOMAINS:
        text = f"{parent} - {last} domain"
    if not text:
        text = parent
    found_note = lookup(NOTES, dotted, exact=True)
    note = found_note[0] if found_note else ""
    if note:
        text = f"{text}. {note}" if text else note
    return text or "(no description)"


def walk(instance: BaseModel, prefix: str = "", parent: str = "") -> Iterator[Leaf]:
    """Every leaf field of a pydantic model instance, depth first, in schema order."""
    for name, info in type(instance).model_fields.items():
        dotted = f"{prefix}{name}"
        value = getattr(instance, name)
        desc = info.description or ""
        if isinstance(value, BaseModel):
            yield from walk(value, f"{dotted}.", describe(dotted, desc, parent))
            continue
        if (
            isinstance(value, dict)
            and value
            and all(isinstance(v, BaseModel) for v in value.values())
        ):
            text = describe(dotted, desc, parent)
            for key, sub in value.items():
                yield from walk(sub, f"{dotted}.{key}.", text)
            continue
        yield Leaf(
            name=dotted,
            type=type_name(info.annotation),
            unit=unit_of(dotted),
            default=default_text(value),
            range=range_text(dotted, info.annotation, list(info.metadata)),
            description=describe(dotted, desc, parent),
            source=source_of(dotted),
        )


def leaves() -> list[Leaf]:
    """All leaf fields of the default :class:`wijksim.config.Config`."""
    return list(walk(cfgmod.Config()))


def partial_tables_rejected() -> bool:
    """Whether a per-domain table given only in part fails validation (no per-key defaults)."""
    try:
        cfgmod.Config.model_validate({"costs": {"crisis": {"care": 1.0}}})
    except ValidationError:
        return True
    return False


# --------------------------------------------------------------------------- rendering


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _flat_names() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for flat, dotted in cfgmod.FLAT_FIELDS.items():
        out.setdefault(dotted, []).append(flat)
    return out


def render() -> str:
    """The whole of docs/parameters.md."""
    all_leaves = leaves()
    names = {leaf.name for leaf in all_leaves}
    flat = _flat_names()
    for group, fields in (
        ("contract field", CONTRACT),
        ("lever", cfgmod.LEVERS),
        ("flat keyword target", tuple(cfgmod.FLAT_FIELDS.values())),
    ):
        missing = [f for f in fields if f not in names]
        if missing:
            raise ValueError(f"{group} not in the config schema: {', '.join(missing)}")

    defaults = cfgmod.Config()
    out: list[str] = [
        "# Parameters",
        "",
        "<!-- Generated by scripts/gen_parameters.py from the pydantic schema in "
        "src/wijksim/config.py. Do not edit by hand: change config.py or the tables in the "
        "script, then run `python scripts/gen_parameters.py`. "
        "tests/test_docs.py fails when this file is out of date. -->",
        "",
        "Every field of a wijksim scenario config, generated from the schema in "
        "`src/wijksim/config.py`. A scenario is a TOML file in `configs/` with the sections "
        "below as tables (`[team]`, `[policy]`, ...); every field has a default, and the "
        "defaults are the baseline (reactive practice in one wijk of 5,000 households). "
        "On the command line `--set section.field=value` overrides a field; "
        "`WijkModel(**kwargs)` and `mesa.batch_run` take the flat keyword names listed below. "
        "Unknown keys and values out of range are errors. How each parameter is used is "
        "described in [ODD.md](ODD.md); Dutch terms are explained in the "
        "[glossary](glossary.md).",
        "",
        "**Sources.** Be aware that most behavioural rates are *assumptions* that still have to "
        "be calibrated (`wijksim calibrate`) against the patterns in DESIGN.md (P7: CBS base "
        "rates). Values with an empirical source are marked CBS, AEF, Divosa, CAO, or the "
        "Breda and Almelo figures of DESIGN.md.",
        "",
        "**Marks.** **contract**: a field users' scripts rely on (DESIGN.md; its name will not "
        "change). **lever**: a policy lever (`config.LEVERS`); with "
        '`run.warmup_levers = "baseline"` it is at its default during the warm-up. '
        "**flat**: the keyword name(s) for `WijkModel(**kwargs)` (`config.FLAT_FIELDS`).",
        "",
    ]
    if partial_tables_rejected():
        out += [
            "**Tables given in full.** A per-domain table (such as `costs.crisis`), a row of "
            "`needs.onset_per_year` or `needs.coupling`, and a partner kind in "
            "`signalling.kinds` must currently be given with all their keys: a partial table "
            "replaces the default table and fails validation (`Field required`).",
            "",
        ]

    out += ["## Contract fields, levers and flat names", ""]
    out += [
        "| Field | Contract | Lever | Flat keyword names | Default |",
        "|---|---|---|---|---|",
    ]
    marked = list(dict.fromkeys([*CONTRACT, *cfgmod.LEVERS, *cfgmod.FLAT_FIELDS.values()]))
    for dotted in marked:
        out.append(
            "| `{}` | {} | {} | {} | {} |".format(
                dotted,
                "yes" if dotted in CONTRACT else "",
                "yes" if dotted in cfgmod.LEVERS else "",
                ", ".join(f"`{n}`" for n in flat.get(dotted, [])),
                _cell(default_text(cfgmod.get_dotted(defaults, dotted))),
            )
        )
    out.append("")

    sections: dict[str, list[Leaf]] = {}
    for leaf in all_leaves:
        section = leaf.name.split(".")[0] if "." in leaf.name else ""
        sections.setdefault(section, []).append(leaf)

    for section, rows in sections.items():
        if section:
            cls = type(getattr(defaults, section))
            doc = (cls.__doc__ or "").strip().splitlines()[0].rstrip(".")
            out += [f"## `[{section}]` - {doc}", ""]
        else:
            out += ["## Top level", ""]
        intro = INTROS.get(section)
        if intro:
            out += [intro, ""]
        out += [
            "| Parameter | Type | Unit | Default | Range | Description | Source |",
            "|---|---|---|---|---|---|---|",
        ]
        for leaf in rows:
            tags = []
            if leaf.name in CONTRACT:
                tags.append("**contract**")
            if leaf.name in cfgmod.LEVERS:
                tags.append("**lever**")
            if leaf.name in flat:
                tags.append("flat " + ", ".join(f"`{n}`" for n in flat[leaf.name]))
            name = f"`{leaf.name}`" + ("<br>" + " · ".join(tags) if tags else "")
            out.append(
                "| "
                + " | ".join(
                    _cell(x)
                    for x in (
                        name,
                        leaf.type,
                        leaf.unit,
                        leaf.default,
                        leaf.range,
                        leaf.description,
                        leaf.source,
                    )
                )
                + " |"
            )
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def check(path: Path = OUTPUT) -> bool:
    """Whether ``path`` holds exactly what :func:`render` produces now."""
    return path.is_file() and path.read_text(encoding="utf-8") == render()


def main(argv: list[str] | None = None) -> int:
    """Write docs/parameters.md, or with ``--check`` report whether it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the file is out of date; write nothing"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="file to write or check")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        if current == text:
            print(f"{args.output} is up to date")
            return 0
        diff = difflib.unified_diff(
            current.splitlines(), text.splitlines(), "current", "generated", lineterm="", n=0
        )
        print(f"{args.output} is out of date; run: python scripts/gen_parameters.py")
        for i, line in enumerate(diff):
            if i >= 40:
                print("...")
                break
            print(line)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(leaves())} parameters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
