"""The documentation matches the code: parameters.md, the ODD's headings, submodels and KPIs."""

from __future__ import annotations

import importlib.util
import re
import sys
from typing import Any

import pytest
from helpers import ROOT  # noqa: E402

from wijksim import config as cfgmod
from wijksim.codes import PARTNER_KINDS
from wijksim.config import Config
from wijksim.kpis import KPIS

DOCS = ROOT / "docs"
GENERATOR = ROOT / "scripts" / "gen_parameters.py"
KPI_GENERATOR = ROOT / "scripts" / "gen_kpis.py"

ODD_HEADINGS = [
    "## 1. Purpose and patterns",
    "## 2. Entities, state variables, and scales",
    "## 3. Process overview and scheduling",
    "## 4. Design concepts",
    "## 5. Initialization",
    "## 6. Input data",
    "## 7. Submodels",
]
SUBMODELS = [
    "life_events",
    "informal_support",
    "escalation",
    "signals",
    "intake",
    "casework",
    "workforce",
    "costs",
    "observation",
]


def _load_script(path):
    """Import a script under scripts/ as a module, for the length of a test module."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


@pytest.fixture(scope="module")
def generator():
    yield from _load_script(GENERATOR)


@pytest.fixture(scope="module")
def kpi_generator():
    yield from _load_script(KPI_GENERATOR)


@pytest.fixture(scope="module")
def odd() -> str:
    return (DOCS / "ODD.md").read_text(encoding="utf-8")


def _is_section(info: Any) -> bool:
    return isinstance(info.annotation, type) and issubclass(info.annotation, cfgmod.Section)


def _parameter_fields() -> list[tuple[str, str, Any]]:
    """(class, field, FieldInfo) of every parameter: section fields, partner-kind fields and
    the top-level keys of a scenario."""
    classes = [*cfgmod.SECTIONS, cfgmod.PartnerKind]
    fields = [
        (cls.__name__, name, info) for cls in classes for name, info in cls.model_fields.items()
    ]
    fields += [
        ("Config", name, info)
        for name, info in Config.model_fields.items()
        if not _is_section(info)
    ]
    return fields


def _leaf_names(data: Any, prefix: str = "") -> list[str]:
    """Dotted names of every leaf of the default config, from its plain data."""
    if isinstance(data, dict):
        out = []
        for key, value in data.items():
            out += _leaf_names(value, f"{prefix}{key}.")
        return out
    return [prefix.rstrip(".")]


def test_parameters_md_is_up_to_date(generator):
    assert generator.check(DOCS / "parameters.md"), (
        "docs/parameters.md is out of date: run `python scripts/gen_parameters.py`"
    )


def test_generator_check_mode_fails_on_stale_file(generator, tmp_path):
    stale = tmp_path / "parameters.md"
    stale.write_text("# Parameters\n", encoding="utf-8")
    assert generator.main(["--check", "--output", str(stale)]) == 1
    assert generator.main(["--output", str(stale)]) == 0
    assert generator.main(["--check", "--output", str(stale)]) == 0


def test_sources_cite_known_references_and_each_value_has_a_kind(generator):
    leaf = generator.Leaf("x.y", "number", "-", "1", "", "", "[No-such-key] somewhere")
    with pytest.raises(ValueError, match="No-such-key"):
        generator.check_citations([leaf])
    text = (DOCS / "parameters.md").read_text(encoding="utf-8")
    refs = (DOCS / "references.md").read_text(encoding="utf-8")
    calibrated = cfgmod.read_raw(generator.CALIBRATED)
    for row in generator.leaves():
        kind = generator.kind_of(row, calibrated)
        assert kind in generator.KINDS
        if kind == "sourced":  # a sourced value names where it comes from
            assert all(f"**[{key}]**" in refs for key in generator.cited(row.source)), row.name
    assert "| calibrated |" in text and "| sourced |" in text and "Baseline" in text


def test_the_screen_covers_the_assumptions_and_its_report_is_shipped():
    import importlib.util

    spec = importlib.util.spec_from_file_location("screen", ROOT / "scripts" /
                                                  "screen_assumptions.py")
    screen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(screen)
    ranges = screen.factors()
    assert len(ranges) > 100
    assert not set(ranges) & set(cfgmod.LEVERS)  # levers are choices, not assumptions
    assert not any(name.startswith("run.") for name in ranges)
    for low, high, _ in ranges.values():
        assert low < high
    text = (DOCS / "sensitivity.md").read_text(encoding="utf-8")
    for kpi in screen.KPIS:
        assert f"## {kpi}" in text
    assert f"of the {len(ranges)} numeric parameters" in text  # the shipped report is current


def test_every_leaf_config_field_is_in_parameters_md():
    text = (DOCS / "parameters.md").read_text(encoding="utf-8")
    names = _leaf_names(Config().model_dump(mode="python"))
    assert len(names) > 100
    missing = [name for name in names if f"`{name}`" not in text]
    assert not missing, f"not in docs/parameters.md: {missing}"


def test_generator_walks_every_leaf(generator):
    walked = {leaf.name for leaf in generator.leaves()}
    assert walked == set(_leaf_names(Config().model_dump(mode="python")))


def test_sections_lists_every_section_of_config():
    sections = [info.annotation for info in Config.model_fields.values() if _is_section(info)]
    assert sections == list(cfgmod.SECTIONS)


def test_every_parameter_has_unit_source_and_description():
    """Each field states its own description, unit and source in config.py (via param())."""
    fields = _parameter_fields()
    assert len(fields) > 80
    gaps = []
    for owner, name, info in fields:
        facts = cfgmod.facts(info)
        missing = [key for key in ("description", "unit", "source") if not facts[key].strip()]
        if missing:
            gaps.append(f"{owner}.{name}: no {', '.join(missing)}")
    assert not gaps, "declare these fields with config.param(...):\n" + "\n".join(gaps)


def test_partner_kind_sources_name_real_kinds_and_fields():
    by_key = cfgmod.facts(cfgmod.SignallingSection.model_fields["kinds"])["sources_by_key"]
    assert by_key is cfgmod.PARTNER_KIND_SOURCES
    for kind, sources in by_key.items():
        assert kind in PARTNER_KINDS
        assert set(sources) <= set(cfgmod.PartnerKind.model_fields), kind
        assert all(text.strip() for text in sources.values()), kind


def test_generator_renders_the_partner_kind_sources(generator):
    by_name = {leaf.name: leaf for leaf in generator.leaves()}
    for kind, sources in cfgmod.PARTNER_KIND_SOURCES.items():
        for field, source in sources.items():
            rows = [
                leaf
                for name, leaf in by_name.items()
                if name.startswith(f"signalling.kinds.{kind}.{field}")
            ]
            assert rows and all(leaf.source == source for leaf in rows), (kind, field)


def test_generator_refuses_a_field_without_facts(generator, monkeypatch):
    info = cfgmod.TeamSection.model_fields["handoff_weeks"]
    monkeypatch.setattr(info, "json_schema_extra", None)
    with pytest.raises(ValueError, match="team.handoff_weeks: no unit, source"):
        generator.leaves()


def test_odd_has_the_seven_headings_in_order(odd):
    level2 = [line.rstrip() for line in odd.splitlines() if re.match(r"## \S", line)]
    assert level2 == ODD_HEADINGS


@pytest.mark.parametrize("module", SUBMODELS)
def test_every_submodel_has_a_subsection_in_the_odd(odd, module):
    assert (ROOT / "src" / "wijksim" / "submodels" / f"{module}.py").is_file()
    submodels = odd.split("## 7. Submodels", 1)[1]
    headings = [line for line in submodels.splitlines() if line.startswith("### ")]
    assert any(f"`submodels/{module}.py`" in h for h in headings), f"no ODD section: {module}"


@pytest.mark.parametrize("kpi", KPIS)
def test_every_kpi_is_defined_in_the_odd(odd, kpi):
    rows = [line for line in odd.splitlines() if line.startswith(f"| `{kpi}` |")]
    assert rows, f"KPI {kpi} has no row in the ODD's KPI table"


def test_odd_kpi_tables_are_up_to_date(kpi_generator):
    assert kpi_generator.check(DOCS / "ODD.md"), (
        "the KPI tables in docs/ODD.md are out of date: run `python scripts/gen_kpis.py`"
    )


def test_odd_kpi_tables_sit_in_section_7_10(odd):
    section = odd.split("### 7.10 ", 1)[1].split("\n### ", 1)[0]
    assert section.count("<!-- kpi-table:start -->") == 1
    assert section.count("<!-- kpi-table:end -->") == 1


def test_kpi_generator_check_mode_fails_on_stale_block(kpi_generator, odd, tmp_path):
    doc = tmp_path / "ODD.md"
    stale = odd.replace("| `waiting_list` | households |", "| `waiting_list` | people |")
    assert stale != odd
    doc.write_text(stale, encoding="utf-8")
    assert kpi_generator.main(["--check", "--output", str(doc)]) == 1
    assert doc.read_text(encoding="utf-8") == stale  # --check writes nothing
    assert kpi_generator.main(["--output", str(doc)]) == 0
    assert kpi_generator.main(["--check", "--output", str(doc)]) == 0
    assert doc.read_text(encoding="utf-8") == kpi_generator.render(odd)  # only the block


def test_kpi_generator_needs_its_markers(kpi_generator, tmp_path):
    doc = tmp_path / "ODD.md"
    doc.write_text("# ODD\n\nno markers\n", encoding="utf-8")
    assert kpi_generator.main(["--check", "--output", str(doc)]) == 2
    assert kpi_generator.main(["--output", str(doc)]) == 2
    assert not kpi_generator.check(doc)
