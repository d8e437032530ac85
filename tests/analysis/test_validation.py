"""Validation: statistics, pattern verdicts on known data, the report, and `validate --quick`."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import ROOT  # noqa: E402

from wijksim.analysis import validation as val
from wijksim.config import Config

WIJKSIM = str(Path(sys.executable).parent / "wijksim")
SEEDS = [11, 12, 13, 14]


def wijksim(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([WIJKSIM, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def table(**columns: list[float]) -> pd.DataFrame:
    """A weekly table: two weeks per seed, each column constant within a seed."""
    rows = []
    for i, seed in enumerate(SEEDS):
        for week in (1, 2):
            rows.append({"seed": seed, "week": week, **{k: v[i] for k, v in columns.items()}})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- statistics


def test_paired_uses_seed_pairs():
    a = pd.Series([1.0, 2.0, 3.0], index=[1, 2, 3])
    b = pd.Series([2.0, 3.5, 3.5, 99.0], index=[1, 2, 3, 4])  # seed 4 has no partner
    mean, low, high = val.paired(a, b)
    assert mean == pytest.approx(1.0) and low < 1.0 < high


# --------------------------------------------------------------------------- verdicts


def _p4_runs(better: bool) -> val.Runs:
    sign = -1.0 if better else 1.0
    base = table(time_to_help_weeks=[10, 12, 11, 13], escalations_per_1000=[20, 21, 19, 22],
                 multi_problem_escalations_per_1000=[6, 7, 5, 6],
                 time_to_support_weeks=[3, 3, 4, 3], wait_weeks=[2, 2, 2, 2])
    integ = base.copy()
    integ["time_to_help_weeks"] += sign * np.array([2.0, 2.5, 1.5, 2.0, 2.0, 2.5, 1.5, 2.0])
    integ["escalations_per_1000"] += sign * 3.0 + np.linspace(-0.2, 0.2, 8)
    integ["multi_problem_escalations_per_1000"] += sign * 1.5 + np.linspace(-0.2, 0.2, 8)
    return val.Runs({"baseline": base, "integrated": integ}, {})


def test_p4_holds_when_integration_is_better_and_fails_honestly_otherwise():
    good = val.p4(_p4_runs(better=True))
    assert good.holds and good.head().estimate < 0 and good.head().ci_high < 0
    bad = val.p4(_p4_runs(better=False))
    assert not bad.holds
    assert "time to help" in bad.note and "interval below 0" in bad.note


def test_breda_share_is_solved_otherwise_over_cases_with_a_known_outcome():
    n = len(SEEDS)
    pilot = table(alt_solved=[8] * n, alt_failed=[2] * n, alt_maatwerk=[2] * n,
                  eligible_decisions=[15] * n, inhabitants=[1000] * n,
                  cost_wmo=[104_000] * n, cost_wlz=[52_000] * n,
                  cost_sociale_basis=[52_000] * n, cost_team=[0] * n, admissions=[5] * n)
    ref = pilot.copy()
    ref["cost_wmo"] = 156_000.0
    ref["cost_wlz"] = 104_000.0
    ref["cost_sociale_basis"] = 26_000.0
    cfg = Config()
    runs = val.Runs({"breda_pilot": pilot, "breda_reference": ref},
                    {"breda_pilot": cfg, "breda_reference": cfg})
    b = val.breda_numbers(runs)
    assert b["share"][0] == pytest.approx(8 / 12)  # not over the 15 decisions
    # two weeks, per week: Wmo 52,000 / 52 and Wlz 52,000 / 52 saved; sociale basis 26,000 / 52
    assert b["savings"][0] == pytest.approx(2 * 104_000 / 52)
    assert b["savings_wmo"][0] == pytest.approx(2 * 52_000 / 52)
    assert b["savings_wlz"][0] == pytest.approx(2 * 52_000 / 52)
    assert b["costs"][0] == pytest.approx(2 * 26_000 / 52)
    assert b["cases"][0] == 10 and b["eligible"][0] == 24  # summed over the two weeks


def test_notes_survive_regeneration(tmp_path: Path):
    path = tmp_path / "validation.md"
    path.write_text(f"old\n{val.NOTES_BEGIN}\nMy analysis.\n{val.NOTES_END}\n")
    assert val._old_notes(path) == "My analysis."
    assert val.check_patterns(["p3", "P3", "P1"]) == ["P3", "P1"]
    with pytest.raises(Exception, match="unknown pattern"):
        val.check_patterns(["P9"])


def test_the_model_never_reads_validation_or_calibration():
    """No module of the model imports the validation or calibration (only the CLI does)."""
    allowed = {"cli.py", "validation.py", "calibration.py"}
    for path in (ROOT / "src" / "wijksim").rglob("*.py"):
        if path.name in allowed:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
            for name in names:
                assert "validation" not in name and "calibration" not in name, (path, name)


# --------------------------------------------------------------------------- validate --quick


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("validation")
    report = out / "validation.md"
    # two replicates, the fewest that give an interval: this checks the machinery, not levels
    result = wijksim("validate", "--quick", "--replicates", "2", "--report", str(report),
                     "--config", str(ROOT / "configs" / "baseline.toml"), cwd=out)
    return result, report


def test_validate_quick_prints_every_pattern_with_an_interval_and_a_verdict(quick):
    result, _ = quick
    assert result.returncode == 0, result.stderr
    for key in val.PATTERNS:
        assert key in result.stdout
    assert "patterns hold" in result.stdout


def test_validate_quick_writes_report_figures_and_json(quick):
    _, report = quick
    text = report.read_text()
    for key in val.PATTERNS:
        assert f"## {key} " in text
    assert "## Closing note" in text and val.NOTES_BEGIN in text
    data = json.loads((report.parent / "validation" / "validation.json").read_text())
    assert [p["key"] for p in data["patterns"]] == list(val.PATTERNS)
    for p in data["patterns"]:
        assert isinstance(p["holds"], bool)
        head = next(m for m in p["measures"] if m["name"] == p["headline"])
        assert head["estimate"] is not None
        assert head["ci_low"] is None or head["ci_low"] <= head["estimate"] <= head["ci_high"]
        if not p["holds"]:
            assert p["note"], f"{p['key']} fails without saying why"
        png = report.parent / p["figure"]
        assert png.suffix == ".png" and png.stat().st_size > 5000
    assert data["scale"]["name"] == "quick" and len(data["seeds"]) == 2


def test_validate_rejects_an_unknown_pattern(tmp_path: Path):
    result = wijksim("validate", "--quick", "--pattern", "P9", "--report",
                     str(tmp_path / "v.md"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: --pattern: P9: unknown pattern")
    assert not (tmp_path / "v.md").exists()


def test_validate_help_lists_the_options(tmp_path: Path):
    result = wijksim("validate", "--help", cwd=tmp_path)
    assert result.returncode == 0
    for option in ("--quick", "--pattern", "--replicates", "--report", "--strict",
                   "--write-docs"):
        assert option in result.stdout
    assert "results/validation/validation.md" in " ".join(result.stdout.split())


def test_the_shipped_report_is_replaced_only_when_asked(tmp_path: Path):
    both = wijksim("validate", "--write-docs", "--report", str(tmp_path / "v.md"), "--config",
                   str(ROOT / "configs" / "baseline.toml"), cwd=tmp_path)
    assert both.returncode == 2 and "give one of them, not both" in both.stderr
    assert not (tmp_path / "v.md").exists() and not (tmp_path / "docs").exists()
    config = wijksim("calibrate", "--write-config", "--write", str(tmp_path / "c.toml"),
                     "--quick", cwd=ROOT)
    assert config.returncode == 2 and "give one of them, not both" in config.stderr
