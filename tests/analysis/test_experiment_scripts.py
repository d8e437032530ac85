"""The studies in experiments/: every sweep file validates; a script runs end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from helpers import ROOT  # noqa: E402

from wijksim.analysis import sweeps

SWEEPS = sorted((ROOT / "experiments").glob("*.toml"))
SCRIPTS = ["p1_signalling_staffing", "p2_costs_over_time", "p3_outreach_curve",
           "p4_integrated_vs_siloed", "p5_network_first_pilot", "p6_staffing_tipping_point",
           "p8_network_strength", "paired_vs_independent"]


def test_every_study_has_a_script_and_a_sweep_file():
    for name in SCRIPTS:
        assert (ROOT / "experiments" / f"{name}.py").is_file(), name
        assert (ROOT / "experiments" / f"{name}.toml").is_file(), name
    assert (ROOT / "experiments" / "ema_example.py").is_file()


@pytest.mark.parametrize("path", SWEEPS, ids=[p.stem for p in SWEEPS])
def test_sweep_files_validate_and_fit_a_few_minutes(path: Path):
    sweep = sweeps.read_sweep(path)
    assert sweep.base.resolve().parent == (ROOT / "configs").resolve()
    plan = sweeps.plan_sweep(sweep)
    assert 10 <= len(plan.runs) <= 120  # about a run per second on 2 cores at 5,000 households


def test_a_study_runs_end_to_end(tmp_path: Path):
    out = tmp_path / "p4"
    result = subprocess.run(
        [sys.executable, str(ROOT / "experiments" / "p4_integrated_vs_siloed.py"), "--quick",
         "--workers", "2", "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out / "p4_integrated_vs_siloed.csv")
    assert set(table["team.fte_per_1000"]) == {0.4, 0.5, 0.7}
    assert {"time_to_help_weeks", "escalations_per_1000"} <= set(table["kpi"])
    assert (table["n"] == 2).all()
    assert (out / "p4_integrated_vs_siloed.png").read_bytes()[:4] == b"\x89PNG"


def test_the_sweep_file_example_in_the_docs_is_valid(tmp_path: Path):
    text = (ROOT / "docs" / "experiments.md").read_text()
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    folder = tmp_path / "experiments"
    folder.mkdir()
    (tmp_path / "configs").symlink_to(ROOT / "configs")
    path = folder / "example.toml"
    path.write_text(example)
    plan = sweeps.plan_sweep(sweeps.read_sweep(path))
    assert len(plan.points) == 8 and len(plan.runs) == 8 * 2 * 5
