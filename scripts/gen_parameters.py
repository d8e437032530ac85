#!/usr/bin/env python3
"""Generate docs/parameters.md from the pydantic schema in :mod:`wijksim.config`.

Every leaf field of ``Config`` (walked recursively through sections, per-domain tables and the
partner kinds) becomes a row with its dotted name, type, unit, default, allowed range,
description and source. Everything comes from the schema: types, defaults and ranges from the
annotations, and unit, description, source, notes and validator rules from each field's
:func:`wijksim.config.param` (:func:`wijksim.config.facts`); section introductions are the
section classes' docstrings. This script holds no facts about the model; it only renders, and
it refuses to render a field that lacks a unit, description or source.

Usage::

    python scripts/gen_parameters.py            # write docs/parameters.md
    python scripts/gen_parameters.py --check    # exit 1 if docs/parameters.md is out of date

``tests/test_docs.py`` runs :func:`check` in-process.
"""

from __future__ import annotations

import argparse
import difflib
import inspect
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
from wijksim.references import REFERENCES, cited

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "parameters.md"
REFERENCES_MD = ROOT / "docs" / "references.md"
BASELINE = ROOT / "configs" / "baseline.toml"
CALIBRATED = ROOT / "configs" / "calibrated.toml"
#: What a parameter's value rests on (the Kind column).
KINDS = ("sourced", "calibrated", "assumption", "lever", "setting")

STAGES = "stages 0-4"
TYPES = ", ".join(codes.HOUSEHOLD_TYPES)


@dataclass
class Leaf:
    """One row of the table: a leaf field of the config, or a table field (``table``).

    A table field is a table of sub-tables whose fields have facts of their own (the partner
    kinds); its row comes before its leaves and is not a leaf itself.
    """

    name: str
    type: str
    unit: str
    default: str
    range: str
    description: str
    source: str
    table: bool = False


#: The facts every rendered field needs (see :func:`wijksim.config.facts`).
REQUIRED = ("unit", "description", "source")


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
    if origin is dict:
        return "table"
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


def range_text(ann: Any, metadata: list[Any], rule: str = "") -> str:
    """The allowed values of a field: bounds, choices, list lengths and a validator ``rule``."""
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
    if rule:
        parts.append(rule)
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


def has_facts(model: type[BaseModel]) -> bool:
    """Whether any field of ``model`` states facts of its own (else it inherits its holder's)."""
    return any(_stated(cfgmod.facts(info)) for info in model.model_fields.values())


def _stated(facts: dict[str, Any]) -> bool:
    return any(facts[key] for key in REQUIRED)


def _require(dotted: str, facts: dict[str, Any] | None) -> dict[str, Any]:
    """``facts`` if it has a unit, description and source; else a ValueError naming the gap."""
    facts = facts or {}
    missing = [key for key in REQUIRED if not facts.get(key)]
    if missing:
        raise ValueError(
            f"{dotted}: no {', '.join(missing)} in src/wijksim/config.py (declare it with param())"
        )
    return facts


def below_text(path: tuple[str, ...]) -> str:
    """Which entry of a table a leaf is, from the keys below the field that holds the facts."""
    if len(path) == 1:
        return f"{path[0]} domain" if path[0] in codes.DOMAINS else path[0]
    if len(path) == 2:
        return f"row {path[0]}, column {path[1]}"
    return ", ".join(path)


def describe(facts: dict[str, Any], path: tuple[str, ...] = ()) -> str:
    """The description of a leaf: its field's, which entry it is, and the field's note."""
    text = facts["description"]
    if path:
        text = f"{text} - {below_text(path)}"
    if facts["note"]:
        text = f"{text}. {facts['note']}"
    return text


def _is_table(value: Any) -> bool:
    """Whether ``value`` is a non-empty table (dict) of sub-models."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(v, BaseModel) for v in value.values())
    )


def walk(
    instance: BaseModel,
    prefix: str = "",
    held: dict[str, Any] | None = None,
    path: tuple[str, ...] = (),
    sources: dict[str, str] | None = None,
) -> Iterator[Leaf]:
    """Every row of a pydantic model instance, depth first, in schema order.

    A field with facts of its own uses them (with its source from ``sources`` where given);
    a field without (such as a domain of a per-domain table) inherits ``held``, the facts of
    the field that holds it, ``path`` being the keys from there.
    """
    for name, info in type(instance).model_fields.items():
        dotted = f"{prefix}{name}"
        value = getattr(instance, name)
        own = cfgmod.facts(info)
        if _stated(own):
            facts, below = own, ()
            if sources and name in sources:
                facts = {**own, "source": sources[name]}
        else:
            facts, below = held, (*path, name)
        if isinstance(value, BaseModel):
            yield from walk(value, f"{dotted}.", facts, below)
        elif _is_table(value):
            yield from _walk_table(dotted, info, value, facts, below)
        else:
            yield _leaf(dotted, info, value, _require(dotted, facts), below)


def _walk_table(
    dotted: str,
    info: Any,
    value: dict[str, BaseModel],
    facts: dict[str, Any] | None,
    path: tuple[str, ...],
) -> Iterator[Leaf]:
    """The rows of a table of sub-models: its own row if its entries have facts, then theirs.

    Entries with facts of their own (partner kinds) inherit none of the table's: each of their
    fields must state its own, with ``sources_by_key`` overriding some sources per key.
    """
    by_key = (facts or {}).get("sources_by_key") or {}
    if has_facts(type(next(iter(value.values())))):
        facts = _require(dotted, facts)
        yield Leaf(
            name=dotted,
            type=type_name(info.annotation),
            unit=facts["unit"],
            default="keys " + ", ".join(f"`{key}`" for key in value),
            range=range_text(info.annotation, list(info.metadata), facts["rule"]),
            description=describe(facts, path),
            source=facts["source"],
            table=True,
        )
        facts, path = None, ()
    for key, sub in value.items():
        yield from walk(sub, f"{dotted}.{key}.", facts, (*path, key), by_key.get(key))


def _leaf(dotted: str, info: Any, value: Any, facts: dict[str, Any], path: tuple[str, ...]) -> Leaf:
    """The row of one leaf field."""
    return Leaf(
        name=dotted,
        type=type_name(info.annotation),
        unit=facts["unit"],
        default=default_text(value),
        range=range_text(info.annotation, list(info.metadata), facts["rule"]),
        description=describe(facts, path),
        source=facts["source"],
    )


def kind_of(leaf: Leaf, calibrated: dict[str, Any]) -> str:
    """What the value rests on: a lever, a calibration, a cited source, a setting, or none."""
    if leaf.name in cfgmod.LEVERS:
        return "lever"
    if _has(calibrated, leaf.name):
        return "calibrated"
    if leaf.source.startswith(("run setting", "scenario setting", "scenario text")):
        return "setting"
    return "sourced" if cited(leaf.source) else "assumption"


def _has(data: dict[str, Any], dotted: str) -> bool:
    try:
        cfgmod.get_dotted(data, dotted)
    except (AttributeError, KeyError, TypeError):
        return False
    return True


def check_citations(all_rows: list[Leaf]) -> None:
    """Refuse a source that cites a key :data:`wijksim.references.REFERENCES` lacks."""
    for row in all_rows:
        unknown = [k for k in cited(row.source) if k not in REFERENCES]
        if unknown:
            raise ValueError(f"{row.name}: cites unknown reference(s) {unknown}; add them to "
                             "src/wijksim/references.py")


def rows() -> list[Leaf]:
    """Every row of the tables: the leaves of the default config and its table fields."""
    return list(walk(cfgmod.Config()))


def leaves() -> list[Leaf]:
    """All leaf fields of the default :class:`wijksim.config.Config`."""
    return [row for row in rows() if not row.table]


def intro(cls: type) -> tuple[str, str]:
    """A section class's docstring as a heading (its first line) and an introduction (the rest)."""
    doc = inspect.cleandoc(cls.__doc__ or "")
    head, _, body = doc.partition("\n")
    return head.strip().rstrip("."), " ".join(body.split()).replace("``", "`")


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
    all_rows = rows()
    names = {row.name for row in all_rows if not row.table}
    flat = _flat_names()
    contract = cfgmod.CONTRACT
    for group, fields in (
        ("contract field", contract),
        ("lever", cfgmod.LEVERS),
        ("flat keyword target", tuple(cfgmod.FLAT_FIELDS.values())),
    ):
        missing = [f for f in fields if f not in names]
        if missing:
            raise ValueError(f"{group} not in the config schema: {', '.join(missing)}")

    check_citations(all_rows)
    defaults = cfgmod.Config()
    baseline = cfgmod.load_config(BASELINE)
    calibrated = cfgmod.read_raw(CALIBRATED)
    kinds = {row.name: kind_of(row, calibrated) for row in all_rows if not row.table}
    counts = {k: sum(v == k for v in kinds.values()) for k in KINDS}
    out: list[str] = [
        "# Parameters",
        "",
        "<!-- Generated by scripts/gen_parameters.py from the pydantic schema in "
        "src/wijksim/config.py. Do not edit by hand: change the fields (their param() facts) "
        "or the section docstrings in config.py, then run `python scripts/gen_parameters.py`. "
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
        "**What each value rests on** (the *Kind* column). Of {} parameters: {} are **sourced** "
        "(their source cites a reference of [references.md](references.md) in brackets), {} "
        "**calibrated** (fitted to the CBS figures of P7 by `wijksim calibrate`; the value in "
        "force is the *Baseline* column, set in `configs/calibrated.toml`), {} "
        "**assumptions** (no source: a modelling choice, see ODD.md), {} **levers** (policy "
        "choices) and {} **settings** (of a run or scenario). Which assumptions matter most is "
        "in [sensitivity.md](sensitivity.md).".format(len(kinds), *counts.values()),
        "",
        "**First estimate and baseline.** *First estimate* is the default in "
        "`src/wijksim/config.py`; *Baseline* is the value the shipped baseline "
        "(`configs/baseline.toml`) runs with, shown where it differs (`=`: the same).",
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
    marked = list(dict.fromkeys([*contract, *cfgmod.LEVERS, *cfgmod.FLAT_FIELDS.values()]))
    for dotted in marked:
        out.append(
            "| `{}` | {} | {} | {} | {} |".format(
                dotted,
                "yes" if dotted in contract else "",
                "yes" if dotted in cfgmod.LEVERS else "",
                ", ".join(f"`{n}`" for n in flat.get(dotted, [])),
                _cell(default_text(cfgmod.get_dotted(defaults, dotted))),
            )
        )
    out.append("")

    sections: dict[str, list[Leaf]] = {}
    for row in all_rows:
        section = row.name.split(".")[0] if "." in row.name else ""
        sections.setdefault(section, []).append(row)

    for section, section_rows in sections.items():
        head, text = intro(type(getattr(defaults, section)) if section else cfgmod.Config)
        out += [f"## `[{section}]` - {head}" if section else "## Top level", ""]
        if text:
            out += [text, ""]
        out += [
            "| Parameter | Type | Unit | First estimate | Baseline | Range | Description | Kind "
            "| Source |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for leaf in section_rows:
            tags = []
            if leaf.name in contract:
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
                        baseline_text(leaf, baseline),
                        leaf.range,
                        leaf.description,
                        kinds.get(leaf.name, ""),
                        leaf.source,
                    )
                )
                + " |"
            )
        out.append("")
    out += profile_section()
    return "\n".join(out).rstrip("\n") + "\n"


def baseline_text(leaf: Leaf, baseline: cfgmod.Config) -> str:
    """The baseline's value of a leaf where it differs from the first estimate (else ``=``)."""
    if leaf.table:
        return ""
    try:
        shown = default_text(cfgmod.get_dotted(baseline, leaf.name))
    except (AttributeError, KeyError, TypeError):
        return ""
    return "=" if shown == leaf.default else shown


def render_references() -> str:
    """docs/references.md: every reference with the parameters that cite it."""
    citing: dict[str, list[str]] = {key: [] for key in REFERENCES}
    for row in rows():
        for key in cited(row.source):
            citing[key].append(row.name)
    out = ["# References", "",
           "<!-- Generated by scripts/gen_parameters.py from src/wijksim/references.py. -->", "",
           "The sources that parameters cite, by key. A parameter's source in "
           "[parameters.md](parameters.md) cites a key in brackets (`[CBS-KWB-2020]`); the "
           "facts live in `src/wijksim/references.py`.", ""]
    for key, text in REFERENCES.items():
        names = citing[key]
        shown = ", ".join(f"`{n}`" for n in names[:12]) + (
            f" and {len(names) - 12} more" if len(names) > 12 else "")
        out += [f"- **[{key}]** {text}" + (f" Cited by: {shown}." if names else "")]
    return "\n".join(out) + "\n"


def profile_section() -> list[str]:
    """The fields of a ``[[wijken]]`` profile (a list, empty by default, so not walked above)."""
    head, text = intro(cfgmod.WijkProfile)
    out = [f"## `[[wijken]]` - {head}", "", text, "",
           "| Parameter | Type | Unit | Default | Range | Description | Source |",
           "|---|---|---|---|---|---|---|"]
    for name, info in cfgmod.WijkProfile.model_fields.items():
        facts = _require(f"wijken.{name}", cfgmod.facts(info))
        default = "required" if info.is_required() else default_text(info.default)
        cells = (f"`wijken[].{name}`", type_name(info.annotation), facts["unit"], default,
                 range_text(info.annotation, list(info.metadata), facts["rule"]),
                 describe(facts, ()), facts["source"])
        out.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    out.append("")
    return out


def check(path: Path = OUTPUT) -> bool:
    """Whether ``path`` (and references.md next to it) holds what the generator writes now."""
    refs = path.parent / REFERENCES_MD.name
    return (path.is_file() and path.read_text(encoding="utf-8") == render()
            and refs.is_file() and refs.read_text(encoding="utf-8") == render_references())


def main(argv: list[str] | None = None) -> int:
    """Write docs/parameters.md, or with ``--check`` report whether it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the file is out of date; write nothing"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="file to write or check")
    args = parser.parse_args(argv)
    text = render()
    refs = args.output.parent / REFERENCES_MD.name
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        refs_ok = refs.is_file() and refs.read_text(encoding="utf-8") == render_references()
        if current == text and refs_ok:
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
    refs.write_text(render_references(), encoding="utf-8")
    print(f"wrote {args.output} ({len(leaves())} parameters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
