"""The studies in experiments/: every sweep file validates; every script runs end to end."""

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
           "p8_network_strength", "p9_policy_feedback", "paired_vs_independent"]


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


#: Columns of a table of paired effects (sweeps.paired_effects).
EFFECTS = {"scenario", "kpi", "mean_a", "mean_b", "diff", "ci_low", "ci_high", "n"}
#: Per script: each CSV it writes with columns it must have, and its figures besides NAME.png.
OUTPUTS: dict[str, tuple[dict[str, set[str]], list[str]]] = {
    "p1_signalling_staffing": ({"p1_signalling_staffing": EFFECTS | {"team.fte_per_1000"}}, []),
    "p2_costs_over_time": ({
        "p2_costs_over_time": {"year", "seeds", "cost_total_diff", "cost_total_ci",
                               "cost_crisis_diff", "cost_crisis_ci"},
        "p2_costs_over_time_weekly": {"week", "cost_total_mean", "cost_total_sem"},
    }, []),
    "p3_outreach_curve": ({"p3_outreach_curve": {
        "team.outreach_share", "n", "escalations_per_1000", "escalations_per_1000_ci",
        "escalations_per_1000_vs_none", "escalations_per_1000_vs_none_low",
        "escalations_per_1000_vs_none_high", "workload", "cost_total_ci"}}, []),
    "p4_integrated_vs_siloed": ({"p4_integrated_vs_siloed": EFFECTS | {"team.fte_per_1000"}},
                                []),
    "p5_network_first_pilot": ({"p5_network_first_pilot": {"quantity", "mean", "ci_low",
                                                           "ci_high"}}, []),
    "p6_staffing_tipping_point": ({"p6_staffing_tipping_point": {
        "team.fte_per_1000", "n", "workload", "workload_ci", "workload_last_year",
        "staff_last_year_ratio", "turnover_rate", "waiting_list"}}, ["p6_workload_over_time"]),
    "p8_network_strength": ({"p8_network_strength": EFFECTS | {"population.network_strength"}},
                            []),
    "p9_policy_feedback": ({
        "p9_policy_feedback": EFFECTS | {"group", "team.fte_per_1000"},
        "p9_weeks_to_follow": {"team.fte_per_1000", "scenario", "runs", "followed",
                               "sooner_than_status_quo",
                               "weeks_to_follow",
                               "weeks_to_follow_ci"},
    }, []),
    "paired_vs_independent": ({"paired_vs_independent": {
        "runs_per_arm", "kpi", "effect", "paired_width", "independent_width", "ratio"}}, []),
}


def test_every_script_has_its_expected_outputs():
    assert sorted(OUTPUTS) == sorted(SCRIPTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_a_study_runs_end_to_end(name: str, tmp_path: Path):
    """The script on a tiny version of its sweep writes its tables and figures."""
    out = tmp_path / name
    result = subprocess.run(
        [sys.executable, str(ROOT / "experiments" / f"{name}.py"), "--tiny", "--workers", "1",
         "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    tables, figures = OUTPUTS[name]
    for table_name, columns in tables.items():
        table = pd.read_csv(out / f"{table_name}.csv")
        assert len(table) > 0, table_name
        assert columns <= set(table.columns), (table_name, columns - set(table.columns))
        if "n" in table.columns:  # two paired replicates (a KPI may be NaN in a tiny run)
            assert table["n"].max() == 2 and table["n"].between(0, 2).all(), table_name
    for figure in [name, *figures]:
        assert (out / f"{figure}.png").read_bytes()[:4] == b"\x89PNG", figure
    # at most two values of each grid parameter (the first and the last)
    summary = sweeps.load(out / "sweep-tiny")
    for parameter, values in sweeps.read_sweep(ROOT / "experiments" / f"{name}.toml") \
            .parameters.items():
        assert set(summary[parameter]) == {values[0], values[-1]}, parameter


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
