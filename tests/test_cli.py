"""The command line, run as a user would: the installed `wijksim` in a fresh folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from helpers import ROOT  # noqa: E402

from wijksim.config import load_config
from wijksim.kpis import KPIS, REPORTED

WIJKSIM = str(Path(sys.executable).parent / "wijksim")
SMALL = """
description = "a small test wijk"
[run]
weeks = 8
warmup_weeks = 4
spinup_years = 3
[population]
households = 300
"""


def wijksim(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([WIJKSIM, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    return path


@pytest.mark.parametrize("sub", ["", "run", "compare", "scenarios"])
def test_help(sub: str, tmp_path: Path):
    result = wijksim(*([sub] if sub else []), "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "Usage" in result.stdout
    if sub == "run":
        for option in ("--out", "--seed", "--weeks", "--replicates", "--set", "--csv"):
            assert option in result.stdout


def test_run_writes_the_contract_outputs(small: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = wijksim("run", str(small), "--out", str(out), "--replicates", "2", "--csv",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "escalations_per_1000" in result.stdout
    ts = pd.read_parquet(out / "timeseries.parquet")
    summary = pd.read_parquet(out / "summary.parquet")
    for column in ("week", "replicate", "seed", *KPIS):
        assert column in ts.columns, column
    for column in ("replicate", "seed", *KPIS):
        assert column in summary.columns, column
    assert len(ts) == 8 * 2 and sorted(ts["week"].unique()) == list(range(1, 9))
    assert len(summary) == 2 and summary["seed"].nunique() == 2
    # the summary is the mean over the reported weeks
    first = ts[ts["replicate"] == 0]
    assert summary.loc[0, "waiting_list"] == pytest.approx(first["waiting_list"].mean())
    assert (out / "timeseries.csv").exists() and (out / "summary.csv").exists()
    meta = json.loads((out / "meta.json").read_text())
    assert meta["seed"] == 1 and len(meta["replicate_seeds"]) == 2
    assert {"wijksim", "mesa", "numpy", "python"} <= meta["versions"].keys()
    resolved = load_config(out / "config.toml")
    assert resolved.population.households == 300 and resolved.run.replicates == 2
    plots = list((out / "plots").glob("*.png"))
    assert plots and all(p.stat().st_size > 1000 for p in plots)


def test_run_is_reproducible_and_seed_matters(small: Path, tmp_path: Path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, seed in ((a, "5"), (b, "5"), (c, "6")):
        assert wijksim("run", str(small), "--out", str(out), "--seed", seed, "-q",
                       cwd=tmp_path).returncode == 0
    ta, tb, tc = (pd.read_parquet(x / "timeseries.parquet") for x in (a, b, c))
    pd.testing.assert_frame_equal(ta, tb)
    assert not ta[list(KPIS)].equals(tc[list(KPIS)])


def test_set_and_weeks_override(small: Path, tmp_path: Path):
    out = tmp_path / "o"
    result = wijksim("run", str(small), "--out", str(out), "--weeks", "3", "-q",
                     "--set", "team.structure=integrated", "--set", "team.outreach_share=0.3",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    cfg = load_config(out / "config.toml")
    assert cfg.team.structure == "integrated" and cfg.team.outreach_share == 0.3
    assert cfg.run.weeks == 3
    assert pd.read_parquet(out / "timeseries.parquet")["week"].max() == 3
    # the written config says what the command line changed (its text is not stale)
    assert "Changed on the command line: team.structure = 'integrated'" in cfg.description
    assert "run.weeks = 3" in cfg.description


BAD = {
    "invalid_toml": ("[run\nweeks = 3", None, "invalid TOML"),
    "wrong_type": ("[run]\nweeks = 'many'", None, "run.weeks"),
    "out_of_range": ("[team]\noutreach_share = 1.5", None, "team.outreach_share"),
    "unknown_key": ("[team]\nstaff = 3", None, "team.staff"),
    "unknown_section": ("[teams]\nstructure = 'siloed'", None, "teams"),
    "bad_structure": ("[team]\nstructure = 'matrix'", None, "team.structure"),
    "bad_partner": ("[signalling]\npartners = ['bakery']", None, "signalling.partners"),
    "missing_extends": ("extends = 'nope.toml'", None, "extends"),
    "bad_set_syntax": (SMALL, ["--set", "team.outreach_share"], "--set"),
    "bad_set_field": (SMALL, ["--set", "team.nonsense=1"], "team.nonsense"),
    "bad_set_value": (SMALL, ["--set", "policy.maatwerk_stage=9"], "policy.maatwerk_stage"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_line_exit_2_nothing_written(case: str, tmp_path: Path):
    text, extra, field = BAD[case]
    path = tmp_path / "bad.toml"
    path.write_text(text)
    out = tmp_path / "never"
    result = wijksim("run", str(path), "--out", str(out), *(extra or []), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and field in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_missing_file(tmp_path: Path):
    result = wijksim("run", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "o"),
                     cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: ") and "nope.toml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_bad_option_value_is_exit_2(small: Path, tmp_path: Path):
    result = wijksim("run", str(small), "--replicates", "0", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("error: ")


def test_compare_prints_paired_differences(small: Path, tmp_path: Path):
    other = tmp_path / "policy.toml"
    other.write_text('extends = "small.toml"\n[team]\nstructure = "integrated"\n')
    out = tmp_path / "cmp"
    result = wijksim("compare", str(small), str(other), "--replicates", "3", "--out", str(out),
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "95% interval" in result.stdout and "workload" in result.stdout
    diff = pd.read_parquet(out / "differences_policy.parquet")
    assert list(diff["kpi"]) == list(REPORTED)  # the contract KPIs, then the measures
    assert "cost_gemeente" in result.stdout
    assert {"mean_a", "mean_b", "diff", "ci_low", "ci_high", "n"} <= set(diff.columns)
    a = pd.read_parquet(out / "small" / "summary.parquet")
    b = pd.read_parquet(out / "policy" / "summary.parquet")
    assert list(a["seed"]) == list(b["seed"])  # paired: the same seeds
    row = diff.set_index("kpi").loc["workload"]
    assert row["diff"] == pytest.approx((b["workload"] - a["workload"]).mean())
    assert row["ci_low"] <= row["diff"] <= row["ci_high"]


def test_compare_needs_two(small: Path, tmp_path: Path):
    result = wijksim("compare", str(small), cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("error: ")


def test_scenarios_lists_every_preset(tmp_path: Path):
    shutil.copytree(ROOT / "configs", tmp_path / "configs")
    result = wijksim("scenarios", cwd=tmp_path)
    assert result.returncode == 0
    for path in (ROOT / "configs").glob("*.toml"):
        assert path.name in result.stdout


REQUIRED_PRESETS = ("baseline", "early_signalling", "outreach", "integrated", "network_first",
                    "understaffed", "almelo", "breda_pilot")


@pytest.mark.parametrize("name", REQUIRED_PRESETS)
def test_presets_validate_and_describe(name: str):
    cfg = load_config(ROOT / "configs" / f"{name}.toml")
    assert len(cfg.description) > 40


def test_preset_levers():
    get = lambda n: load_config(ROOT / "configs" / f"{n}.toml")  # noqa: E731
    base = get("baseline")
    assert base.population.households == 5000 and base.team.structure == "siloed"
    assert base.signalling.partners == [] and base.policy.network_first == 0
    assert get("integrated").team.structure == "integrated"
    assert get("early_signalling").signalling.partners
    assert get("network_first").policy.network_first > 0
    assert get("understaffed").team.fte_per_1000 < base.team.fte_per_1000
    almelo = get("almelo")
    assert almelo.population.wijken == 6 and almelo.team.structure == "integrated"
    assert get("outreach").team.outreach_share > base.team.outreach_share
