"""Sweeps: designs, paired seeds, run identity, resume (also after SIGKILL), failures, bad files,
Dask and Slurm backends, load() and DuckDB."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import ROOT  # noqa: E402

from wijksim import cli
from wijksim.analysis import sweeps
from wijksim.kpis import EXTRA, KPIS
from wijksim.streams import replicate_seeds

BIN = Path(sys.executable).parent
WIJKSIM = str(BIN / "wijksim")
SMALL = {"run.weeks": 10, "run.warmup_weeks": 4, "population.households": 200,
         "run.spinup_years": 2}


def sweep_text(body: str, base: str | None = None, overrides: dict | None = None) -> str:
    base = base or (ROOT / "configs" / "baseline.toml").as_posix()
    lines = [f'base = "{base}"', body.strip(), "[overrides]"]
    for key, value in {**SMALL, **(overrides or {})}.items():
        lines.append(f'"{key}" = {json.dumps(value)}')
    return "\n".join(lines) + "\n"


GRID = """
design = "grid"
replicates = 2
seed = 7
[parameters]
"team.outreach_share" = [0.0, 0.2]
"team.structure" = ["siloed", "integrated"]
"""


@pytest.fixture()
def grid_file(tmp_path: Path) -> Path:
    path = tmp_path / "grid.toml"
    path.write_text(sweep_text(GRID))
    return path


def read_runs(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "runs").glob("*.json"))]


def comparable(summary: pd.DataFrame) -> pd.DataFrame:
    return summary.sort_values(["point", "replicate"]).reset_index(drop=True)


# --------------------------------------------------------------------------- designs


def test_grid_points_and_paired_seeds(grid_file: Path):
    sweep = sweeps.read_sweep(grid_file)
    plan = sweeps.plan_sweep(sweep)
    assert plan.points == [
        {"team.outreach_share": 0.0, "team.structure": "siloed"},
        {"team.outreach_share": 0.0, "team.structure": "integrated"},
        {"team.outreach_share": 0.2, "team.structure": "siloed"},
        {"team.outreach_share": 0.2, "team.structure": "integrated"},
    ]
    assert len(plan.runs) == 8
    seeds = replicate_seeds(7, 2)
    for point in range(4):
        assert [r.seed for r in plan.runs if r.point == point] == seeds
    assert len({r.key for r in plan.runs}) == 8


def test_nested_tables_are_dotted_paths(tmp_path: Path):
    path = tmp_path / "nested.toml"
    path.write_text(sweep_text('[parameters]\nteam.outreach_share = [0.1, 0.3]\n'))
    sweep = sweeps.read_sweep(path)
    assert list(sweep.parameters) == ["team.outreach_share"]


@pytest.mark.parametrize("design", ["lhs", "sobol"])
def test_lhs_and_sobol_points_are_seeded_and_in_range(tmp_path: Path, design: str):
    body = f"""
design = "{design}"
samples = 16
seed = 3
[parameters]
"team.outreach_share" = {{min = 0.05, max = 0.25}}
"team.caseload_cap" = {{min = 10, max = 30}}
"team.fte_per_1000" = {{min = 0.4, max = 0.8}}
"""
    path = tmp_path / "s.toml"
    path.write_text(sweep_text(body))
    sweep = sweeps.read_sweep(path)
    points = sweeps.design_points(sweep)
    assert len(points) == 16
    share = np.array([p["team.outreach_share"] for p in points])
    assert share.min() >= 0.05 and share.max() <= 0.25
    assert all(isinstance(p["team.caseload_cap"], int) for p in points)
    assert {10 <= p["team.caseload_cap"] <= 30 for p in points} == {True}
    fte = np.array([p["team.fte_per_1000"] for p in points])
    if design == "lhs":  # a Latin hypercube: one point in each of the 16 strata per dimension
        strata = np.floor((fte - 0.4) / 0.4 * 16).astype(int)
        assert sorted(strata) == list(range(16))
    assert sweeps.design_points(sweep) == points  # same seed, same design
    other = sweeps.copy_sweep(sweep, seed=4)
    assert sweeps.design_points(other) != points
    plan = sweeps.plan_sweep(sweep)  # every point validates as a config
    assert len(plan.runs) == 16


def test_float_range_of_an_integer_field_is_rounded(tmp_path: Path):
    path = tmp_path / "s.toml"
    path.write_text(sweep_text('design = "lhs"\nsamples = 4\n[parameters]\n'
                               '"team.caseload_cap" = {min = 10.0, max = 30.0}\n'))
    plan = sweeps.plan_sweep(sweeps.read_sweep(path))
    assert all(isinstance(p["team.caseload_cap"], int) for p in plan.points)


def test_run_key_depends_on_config_and_seed_only(grid_file: Path, tmp_path: Path):
    plan = sweeps.plan_sweep(sweeps.read_sweep(grid_file))
    again = sweeps.plan_sweep(sweeps.read_sweep(grid_file))
    assert [r.key for r in plan.runs] == [r.key for r in again.runs]
    moved = tmp_path / "elsewhere.toml"  # same definition, other file name and description
    moved.write_text(grid_file.read_text().replace("seed = 7", 'description = "x"\nseed = 7'))
    assert sweeps.plan_sweep(sweeps.read_sweep(moved)).identity == plan.identity
    changed = tmp_path / "changed.toml"
    changed.write_text(grid_file.read_text().replace('"run.weeks" = 10', '"run.weeks" = 11'))
    other = sweeps.plan_sweep(sweeps.read_sweep(changed))
    assert not {r.key for r in other.runs} & {r.key for r in plan.runs}


def test_scenarios_are_crossed_with_the_design(tmp_path: Path):
    body = """
replicates = 2
[parameters]
"team.fte_per_1000" = [0.4, 0.6]
[scenarios.reactive]
"signalling.partners" = []
[scenarios.signalling]
"signalling.partners" = ["school", "gp"]
"team.outreach_share" = 0.1
"""
    path = tmp_path / "s.toml"
    path.write_text(sweep_text(body))
    result = sweeps.run_sweep(path, tmp_path / "out", workers=1)
    s = result.summary
    assert len(s) == 2 * 2 * 2 and set(s["scenario"]) == {"reactive", "signalling"}
    effects = sweeps.paired_effects(s, "reactive", kpis=("signals_per_1000",))
    assert len(effects) == 2 and (effects["n"] == 2).all()


# --------------------------------------------------------------------------- running, resume


def test_sweep_writes_runs_manifest_and_summary(grid_file: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = sweeps.run_sweep(grid_file, out, workers=2)
    assert (result.ran, result.skipped, result.failed) == (8, 0, 0)
    runs = read_runs(out)
    assert len(runs) == 8 and {r["status"] for r in runs} == {"ok"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] and manifest["failed"] == 0 and manifest["total"] == 8
    assert manifest["seeds"] == replicate_seeds(7, 2)
    assert manifest["sweep"]["parameters"]["team.structure"] == ["siloed", "integrated"]
    for package in ("wijksim", "mesa", "numpy", "pandas", "dask", "SALib", "python"):
        assert package in manifest["versions"]
    summary = pd.read_parquet(out / "summary.parquet")
    for column in ("point", "team.outreach_share", "team.structure", "replicate", "seed",
                   "status", *KPIS):
        assert column in summary.columns, column
    assert len(summary) == 8 and (summary["status"] == "ok").all()
    assert not summary[["escalations_per_1000", "cost_total"]].isna().any().any()
    # the same paired seeds at every design point
    assert summary.groupby("point")["seed"].apply(tuple).nunique() == 1
    pd.testing.assert_frame_equal(sweeps.load(out), summary)

    # one process and two give the same results; a rerun skips everything
    single = sweeps.run_sweep(grid_file, tmp_path / "single", workers=1)
    pd.testing.assert_frame_equal(comparable(single.summary), comparable(summary))
    rerun = sweeps.run_sweep(grid_file, out, workers=2)
    assert (rerun.ran, rerun.skipped) == (0, 8)
    assert len(read_runs(out)) == 8


def test_resume_runs_only_the_missing(grid_file: Path, tmp_path: Path):
    out = tmp_path / "out"
    full = sweeps.run_sweep(grid_file, out, workers=1).summary
    for path in sorted((out / "runs").glob("*.json"))[:3]:
        path.unlink()
    (out / "summary.parquet").unlink()
    (out / "runs" / ".half-written.json.tmp").write_text("{")  # as left by a kill
    partial = sweeps.load(out)  # readable while incomplete
    assert (partial["status"] == "pending").sum() == 3
    result = sweeps.run_sweep(grid_file, out, workers=1)
    assert (result.ran, result.skipped) == (3, 5)
    assert not list((out / "runs").glob(".*"))
    pd.testing.assert_frame_equal(sweeps.load(out), full)


def test_sigkill_half_way_then_rerun_equals_uninterrupted(tmp_path: Path):
    body = """
replicates = 4
seed = 11
[parameters]
"team.outreach_share" = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25]
"team.structure" = ["siloed", "integrated"]
"""
    sweep_file = tmp_path / "kill.toml"
    sweep_file.write_text(sweep_text(body, overrides={"run.weeks": 26,
                                                      "population.households": 300,
                                                      "run.spinup_years": 3}))
    total = 6 * 2 * 4
    out = tmp_path / "killed"
    command = [WIJKSIM, "sweep", str(sweep_file), "--out", str(out), "--workers", "2", "-q"]
    proc = subprocess.Popen(command, cwd=tmp_path, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if len(list((out / "runs").glob("*.json"))) >= 4:
                break
            time.sleep(0.005)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    before = len(list((out / "runs").glob("*.json")))
    assert proc.returncode == -signal.SIGKILL
    assert 4 <= before < total, f"not killed half-way: {before} of {total} runs"
    assert not (out / "summary.parquet").exists()

    rerun = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    last = manifest["sessions"][-1]
    assert last["skipped"] >= before and last["ran"] + last["skipped"] == total
    runs = read_runs(out)
    assert len(runs) == total and len({r["key"] for r in runs}) == total  # none duplicated
    resumed = pd.read_parquet(out / "summary.parquet")

    clean = sweeps.run_sweep(sweep_file, tmp_path / "clean", workers=2).summary
    pd.testing.assert_frame_equal(comparable(resumed), comparable(clean))


def test_chosen_kpis_csv_and_replicates_added_in_place(tmp_path: Path):
    path = tmp_path / "grow.toml"
    path.write_text(sweep_text('replicates = 2\ntimeseries = true\n[parameters]\n'
                               '"team.outreach_share" = [0.0, 0.2]\n'))
    out = tmp_path / "out"
    base = [WIJKSIM, "sweep", str(path), "--out", str(out), "--workers", "2", "-q"]
    first = subprocess.run([*base, "--kpis", "workload,cost_total", "--csv"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    summary = pd.read_parquet(out / "summary.parquet")
    assert {"workload", "cost_total"} <= set(summary.columns)
    assert not set(summary.columns) & (set(KPIS) - {"workload", "cost_total"})
    assert pd.read_csv(out / "summary.csv").shape == summary.shape
    record = read_runs(out)[0]
    assert set(record["kpis"]) == {"workload", "cost_total"}
    ts = sweeps.load(out, timeseries=True)
    assert "escalations_per_1000" not in ts.columns and "workload" in ts.columns
    # two more replicates, in place: only the new runs run, the old ones stay as they were
    grown = subprocess.run([*base, "--kpis", "workload,cost_total", "--replicates", "4"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert grown.returncode == 0, grown.stderr
    last = json.loads((out / "manifest.json").read_text())["sessions"][-1]
    assert last["skipped"] == 4 and last["ran"] == 4
    bigger = sweeps.load(out)
    assert len(bigger) == 8 and sorted(bigger["replicate"].unique()) == [0, 1, 2, 3]
    old = bigger[bigger["replicate"] < 2].reset_index(drop=True)
    pd.testing.assert_frame_equal(comparable(old), comparable(summary))
    bad = subprocess.run([*base, "--kpis", "happiness"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode == 2 and "--kpis: unknown KPI 'happiness'" in bad.stderr


def session_processes(sid: int) -> list[int]:
    """PIDs of the live processes in session ``sid`` (a sweep's own and its workers)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # session id; zombies are dead
            pids.append(int(stat.parent.name))
    return pids


def signal_midway(command: list[str], cwd: Path, sig: int) -> tuple[subprocess.Popen, str, bool]:
    """Start a sweep, send ``sig`` to its main process once two of its 24 runs are written.

    Returns the process, its stderr and whether the signal came with runs still to do.
    """
    out = Path(command[command.index("--out") + 1])
    # As from a terminal: SIGINT neither ignored nor blocked, even when this test's process has
    # it so (exec keeps both; a sweep started with '&' from a script has SIGINT ignored too)
    as_at_a_terminal = [sys.executable, "-c", "import os, signal, sys; signal.signal("
                        "signal.SIGINT, signal.SIG_DFL); signal.pthread_sigmask(signal.SIG_UNBLOCK,"
                        " {signal.SIGINT, signal.SIGTERM}); os.execv(sys.argv[1], sys.argv[1:])"]
    proc = subprocess.Popen([*as_at_a_terminal, *command], cwd=cwd, start_new_session=True,
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        done = 0
        while time.monotonic() < deadline and proc.poll() is None:
            done = len(list((out / "runs").glob("*.json")))
            if done >= 2:
                break
            time.sleep(0.01)
        assert len(session_processes(proc.pid)) >= 3  # the sweep, the forkserver, workers
        midway = done < 20 and not (out / "summary.parquet").exists()
        os.kill(proc.pid, sig)  # the main process only, as Slurm or a shell's kill does
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    return proc, err, midway


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_the_workers_keeps_the_runs_and_says_how_to_resume(sig, code,
                                                                          tmp_path: Path):
    sweep_file = tmp_path / "stop.toml"
    sweep_file.write_text(sweep_text("replicates = 6\nseed = 3\n[parameters]\n"
                                     '"team.outreach_share" = [0.0, 0.1, 0.2, 0.3]\n',
                                     overrides={"run.weeks": 30}))
    for attempt in range(3):  # on a starved machine the sweep may end before the signal
        out = tmp_path / f"stopped{attempt}"
        command = [WIJKSIM, "sweep", str(sweep_file), "--out", str(out), "--workers", "2", "-q"]
        proc, err, midway = signal_midway(command, tmp_path, sig)
        if midway:
            break
    assert midway, "the sweep ended before the signal three times"
    assert proc.returncode == code, err
    assert "run the same command again to resume" in err
    deadline = time.monotonic() + 10
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(proc.pid) == []  # no orphaned worker
    kept = len(list((out / "runs").glob("*.json")))
    assert 2 <= kept < 24
    rerun = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    last = json.loads((out / "manifest.json").read_text())["sessions"][-1]
    assert last["skipped"] == kept and last["ran"] == 24 - kept


def test_timeseries_are_kept_when_asked(tmp_path: Path):
    path = tmp_path / "ts.toml"
    path.write_text(sweep_text('timeseries = true\nreplicates = 2\n[parameters]\n'
                               '"team.outreach_share" = [0.0, 0.2]\n'))
    out = tmp_path / "out"
    sweeps.run_sweep(path, out, workers=1)
    ts = sweeps.load(out, timeseries=True)
    assert len(ts) == 2 * 2 * 10 and sorted(ts["week"].unique()) == list(range(1, 11))
    assert {"point", "team.outreach_share", "replicate", "seed", "cost_total"} <= set(ts.columns)
    summary = sweeps.load(out)
    means = ts.groupby(["point", "replicate"])["cost_total"].mean().to_numpy()
    np.testing.assert_allclose(means, summary.sort_values(["point", "replicate"])["cost_total"])


def test_per_wijk_tables_and_wijkplannen_are_kept_when_asked(tmp_path: Path):
    path = tmp_path / "wijken.toml"
    path.write_text(sweep_text('by_wijk = true\nreplicates = 2\n[scenarios.fixed]\n'
                               '"policy.reallocate" = false\n[scenarios.plans]\n'
                               '"policy.reallocate" = true\n"policy.cycle_weeks" = 4\n',
                               overrides={"population.wijken": 3}))
    out = tmp_path / "out"
    sweeps.run_sweep(path, out, workers=1)
    by_wijk = sweeps.load(out, table="by_wijk")
    assert len(by_wijk) == 2 * 2 * 10 * 3
    assert {"scenario", "replicate", "week", "wijk", "fte_per_1000",
            "sociale_basis_budget"} <= set(by_wijk.columns)
    plans = sweeps.load(out, table="wijkplannen")
    assert set(plans["scenario"]) == {"plans"}  # the fixed arm writes none
    assert sorted(plans["week"].unique()) == [4, 8] and len(plans) == 2 * 2 * 3
    assert not sweeps.load(out, table="by_wijk")[lambda f: f["scenario"] == "fixed"][
        "sociale_basis_budget"].sub(20000.0).abs().gt(1e-6).any()
    with pytest.raises(ValueError, match="table must be one of"):
        sweeps.load(out, table="nonsense")


# --------------------------------------------------------------------------- failures


def test_failed_runs_are_recorded_and_retried(grid_file: Path, tmp_path: Path):
    from sweep_helpers import fail_on_integrated

    out = tmp_path / "out"
    result = sweeps.run_sweep(grid_file, out, workers=2, run_fn=fail_on_integrated)
    assert result.failed == 4 and result.ran == 8
    failed = [r for r in read_runs(out) if r["status"] == "failed"]
    assert len(failed) == 4
    for record in failed:
        assert record["params"]["team.structure"] == "integrated"
        assert record["seed"] in replicate_seeds(7, 2)
        assert f"injected failure at seed {record['seed']}" in record["error"]
        assert "RuntimeError" in record["traceback"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["failed"] == 4 and len(manifest["failed_runs"]) == 4
    summary = pd.read_parquet(out / "summary.parquet")
    assert (summary["status"] == "failed").sum() == 4
    assert summary.loc[summary["status"] == "failed", "cost_total"].isna().all()

    retry = sweeps.run_sweep(grid_file, out, workers=2)
    assert (retry.ran, retry.skipped, retry.failed) == (4, 4, 0)
    assert (pd.read_parquet(out / "summary.parquet")["status"] == "ok").all()
    assert json.loads((out / "manifest.json").read_text())["failed"] == 0


def test_cli_reports_failures_with_exit_1(grid_file: Path, tmp_path: Path, capsys, monkeypatch):
    from sweep_helpers import fail_on_integrated

    real = sweeps.run_sweep

    def patched(*args, **kwargs):
        return real(*args, run_fn=fail_on_integrated, **kwargs)

    monkeypatch.setattr(sweeps, "run_sweep", patched)
    with pytest.raises(SystemExit) as exc:
        cli.main(["sweep", str(grid_file), "--out", str(tmp_path / "o"), "--workers", "1"])
    assert exc.value.code == 1
    out = capsys.readouterr().out
    assert "4 failed" in out and "4 run(s) failed" in out


# --------------------------------------------------------------------------- bad input


def run_cli(args: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        cli.main(args)
    return exc.value.code, capsys.readouterr().err


BAD = {
    "unknown path": ('[parameters]\n"team.outreach_shar" = [0.1]\n',
                     "parameters.team.outreach_shar", "unknown config field"),
    "empty list": ('[parameters]\n"team.outreach_share" = []\n',
                   "parameters.team.outreach_share", "empty list"),
    "min > max": ('design = "lhs"\nsamples = 4\n[parameters]\n'
                  '"team.outreach_share" = {min = 0.3, max = 0.1}\n',
                  "parameters.team.outreach_share", "min > max"),
    "unknown design": ('design = "factorial"\n', "design", "unknown design"),
    "bad samples": ('design = "lhs"\nsamples = 0\n[parameters]\n'
                    '"team.outreach_share" = {min = 0.1, max = 0.3}\n', "samples", "at least 1"),
    "sobol not power of 2": ('design = "sobol"\nsamples = 50\n[parameters]\n'
                             '"team.outreach_share" = {min = 0.1, max = 0.3}\n', "samples",
                             "power of 2"),
    "lhs without samples": ('design = "lhs"\n[parameters]\n'
                            '"team.outreach_share" = {min = 0.1, max = 0.3}\n', "samples",
                            "missing"),
    "out of range value": ('[parameters]\n"team.outreach_share" = [0.1, 1.5]\n',
                           "parameters.team.outreach_share", "less than or equal to 1"),
    "list for lhs": ('design = "lhs"\nsamples = 4\n[parameters]\n'
                     '"team.outreach_share" = [0.1]\n', "parameters.team.outreach_share",
                     "{min = ..., max = ...}"),
    "seed as parameter": ('[parameters]\n"run.seed" = [1, 2]\n', "parameters.run.seed",
                          "cannot be set"),
    "unknown key": ('replicate = 3\n', "replicate", "unknown key"),
    "bad override": ('[parameters]\n"team.outreach_share" = [0.1]\n',
                     "overrides.team.structure", "integrated"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_sweep_files_exit_2_with_one_line_and_write_nothing(case, tmp_path, capsys):
    body, field, message = BAD[case]
    path = tmp_path / "bad.toml"
    overrides = {"team.structure": "matrix"} if case == "bad override" else None
    path.write_text(sweep_text(body, overrides=overrides))
    out = tmp_path / "out"
    code, err = run_cli(["sweep", str(path), "--out", str(out)], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {path}: {field}: "), lines[0]
    assert message in lines[0], lines[0]
    assert not out.exists()


@pytest.mark.parametrize("case", ["missing base", "base not found", "invalid toml", "no file"])
def test_bad_files_exit_2(case, tmp_path, capsys):
    path = tmp_path / "bad.toml"
    if case == "missing base":
        path.write_text('design = "grid"\n[parameters]\n"team.outreach_share" = [0.1]\n')
        field = "base"
    elif case == "base not found":
        path.write_text(sweep_text("", base="nope.toml"))
        field = "base"
    elif case == "invalid toml":
        path.write_text('base = "x.toml"\n[parameters\n')
        field = "toml"
    else:
        field = "file"
    out = tmp_path / "out"
    code, err = run_cli(["sweep", str(path), "--out", str(out)], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert err.startswith(f"error: {path}: {field}: ")
    assert not out.exists()


def test_a_different_sweep_in_the_folder_is_refused(grid_file: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    sweeps.run_sweep(grid_file, out, workers=1)
    before = {p.name: p.stat().st_mtime_ns for p in out.rglob("*")}
    # another seed is another sweep (more replicates would be added in place, see below)
    grid_file.write_text(grid_file.read_text().replace("seed = 7", "seed = 8"))
    code, err = run_cli(["sweep", str(grid_file), "--out", str(out)], capsys)
    assert code == 2
    assert err.startswith(f"error: {grid_file}: --out: ") and "different sweep" in err
    assert {p.name: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_cli_sweep_as_a_user_runs_it(grid_file: Path, tmp_path: Path):
    out = tmp_path / "cli-out"
    result = subprocess.run([WIJKSIM, "sweep", str(grid_file), "--out", str(out),
                             "--workers", "2"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert "8 runs (8 ok, 0 failed)" in result.stdout
    assert len(sweeps.load(out)) == 8
    helps = subprocess.run([WIJKSIM, "sweep", "--help"], capture_output=True, text=True)
    for option in ("--out", "--workers", "--scheduler", "--slurm-jobscript"):
        assert option in helps.stdout


def test_one_sweep_run_is_redone_bit_for_bit_by_hand(tmp_path: Path):
    """`wijksim rerun SWEEP_DIR KEY` from the run's record: the same summary row, exactly."""
    path = tmp_path / "two.toml"
    path.write_text(sweep_text('replicates = 2\nseed = 5\n[parameters]\n'
                               '"team.outreach_share" = [0.0, 0.2]\n'))
    out = tmp_path / "out"
    made = subprocess.run([WIJKSIM, "sweep", str(path), "--out", str(out), "--workers", "2",
                           "-q"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    summary = sweeps.load(out)
    row = summary[(summary["point"] == 1) & (summary["replicate"] == 1)].iloc[0]
    record = json.loads((out / "runs" / f"{row['key']}.json").read_text())
    assert record["config"]["run"]["seed"] == record["seed"] == row["seed"]
    assert record["config"]["team"]["outreach_share"] == 0.2
    manifest = json.loads((out / "manifest.json").read_text())
    assert "extends" not in manifest["base_config"] and manifest["base_config_hash"]
    assert "numba" in manifest["versions"] and "elapsed_s" in manifest["sessions"][-1]
    again = subprocess.run([WIJKSIM, "rerun", str(out), row["key"][:10], "--out",
                            str(tmp_path / "again")], cwd=tmp_path, capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "KPIs identical" in again.stdout
    redone = pd.read_parquet(tmp_path / "again" / "summary.parquet").iloc[0]
    for column in (*KPIS, *EXTRA):  # bit for bit: one aggregation for run and sweep
        a, b = row[column], redone[column]
        assert a == b or (np.isnan(a) and np.isnan(b)), column
    meta = json.loads((tmp_path / "again" / "meta.json").read_text())
    assert meta["rerun_of"]["key"] == row["key"] and meta["elapsed_s"] > 0
    assert len(meta["config_hash"]) == 24 and "numba" in meta["versions"]
    bad = subprocess.run([WIJKSIM, "rerun", str(out), "nokey"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.startswith("error: ")
    assert len(bad.stderr.strip().splitlines()) == 1


def test_damaged_run_files_are_done_again_with_a_warning(tmp_path: Path):
    path = tmp_path / "ts.toml"
    path.write_text(sweep_text('timeseries = true\nreplicates = 3\n'))
    out = tmp_path / "out"
    command = [WIJKSIM, "sweep", str(path), "--out", str(out), "--workers", "1", "-q"]
    assert subprocess.run(command, cwd=tmp_path, timeout=300).returncode == 0
    before = sweeps.load(out)
    keys = list(before["key"])
    runs = out / "runs"
    (runs / f"{keys[0]}.json").write_text("{}")  # JSON, but not a record
    moved = json.loads((runs / f"{keys[1]}.json").read_text())  # another run's record
    (runs / f"{keys[1]}.json").write_text(json.dumps({**moved, "key": keys[2]}))
    table = runs / f"{keys[2]}.timeseries.parquet"  # a truncated time series
    table.write_bytes(table.read_bytes()[:200])
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 3, result.stderr
    assert "not a run record" in warnings[0] or "not a run record" in result.stderr
    assert "truncated" in result.stderr and "is not its file's name" in result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sessions"][-1]["to_run"] == 3
    pd.testing.assert_frame_equal(comparable(sweeps.load(out)), comparable(before))
    assert len(sweeps.load(out, timeseries=True)) == 3 * 10


# --------------------------------------------------------------------------- DuckDB


def test_duckdb_reads_the_summary_and_the_run_files(grid_file: Path, tmp_path: Path):
    duckdb = pytest.importorskip("duckdb")
    out = tmp_path / "out"
    sweeps.run_sweep(grid_file, out, workers=1)
    frame = sweeps.load(out)
    con = duckdb.connect()
    rows = con.execute(
        f"""SELECT "team.structure" AS structure, avg(cost_total) AS cost, count(*) AS n
            FROM read_parquet('{out}/summary.parquet') WHERE status = 'ok'
            GROUP BY structure ORDER BY structure"""
    ).fetchall()
    expected = frame.groupby("team.structure")["cost_total"].mean()
    assert [r[0] for r in rows] == ["integrated", "siloed"]
    for structure, cost, n in rows:
        assert n == 4 and cost == pytest.approx(expected[structure])
    n_runs = con.execute(
        f"SELECT count(*) FROM read_json_auto('{out}/runs/*.json') WHERE status = 'ok'"
    ).fetchone()[0]
    assert n_runs == 8


# --------------------------------------------------------------------------- Slurm


def test_slurm_job_script_for_a_scheduler():
    pytest.importorskip("dask_jobqueue")
    script = sweeps.slurm_job_script("tcp://login1:8786", queue="normal", account="proj42",
                                     walltime="01:30:00", cores=4, processes=4,
                                     memory="8GB",
                                     job_extra_directives=["--output=wijksim-%j.out"])
    for line in ("#SBATCH -J wijksim", "#SBATCH -p normal", "#SBATCH -A proj42",
                 "#SBATCH -t 01:30:00", "#SBATCH --cpus-per-task=4", "#SBATCH --mem=",
                 "#SBATCH --output=wijksim-%j.out"):
        assert line in script, line
    assert "distributed.cli.dask_worker tcp://login1:8786" in script
    assert "--nworkers 4" in script and sys.executable in script


def test_slurm_cluster_job_script_without_slurm():
    pytest.importorskip("dask_jobqueue")
    script = sweeps.slurm_job_script(
        queue="short", walltime="00:20:00", memory="2GB",
        scheduler_options={"host": "127.0.0.1", "dashboard_address": "127.0.0.1:0"},
    )
    assert "#SBATCH -p short" in script and "#SBATCH -t 00:20:00" in script
    assert "#SBATCH -J wijksim" in script
    assert "tcp://127.0.0.1:" in script


def test_cli_slurm_jobscript(grid_file: Path, capsys):
    pytest.importorskip("dask_jobqueue")
    with pytest.raises(SystemExit) as exc:
        cli.main(["sweep", str(grid_file), "--scheduler", "tcp://login1:8786",
                  "--slurm-jobscript"])
    assert exc.value.code == 0
    assert "#SBATCH -J wijksim" in capsys.readouterr().out
    code, err = run_cli(["sweep", str(grid_file), "--slurm-jobscript"], capsys)
    assert code == 2 and "needs --scheduler" in err


# --------------------------------------------------------------------------- Dask


def test_workers_from_the_slurm_script_have_their_own_names(dask_cluster: str,
                                                            tmp_path: Path):
    """Two workers started from one generated job script both join (a job array's case)."""
    pytest.importorskip("dask_jobqueue")
    from distributed import Client

    script = sweeps.slurm_job_script(dask_cluster)
    line = script.strip().splitlines()[-1]
    assert "distributed.cli.dask_worker" in line and "${SLURM_JOB_ID" in line
    line += " --host 127.0.0.1 --dashboard-address 127.0.0.1:0"  # loopback only, here
    procs = [subprocess.Popen(["bash", "-c", line], cwd=tmp_path, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "SLURM_JOB_ID": str(job)})
             for job in (101, 102)]
    try:
        with Client(dask_cluster, timeout=30) as client:
            client.wait_for_workers(4, timeout=90)  # the fixture's two and these two
            names = {w["name"] for w in client.scheduler_info()["workers"].values()}
        assert {n for n in names if str(n).startswith("wijksim-10")} and len(names) == 4
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """A real dask scheduler and two workers on 127.0.0.1, stopped by PID at the end."""
    pytest.importorskip("distributed")
    folder = tmp_path_factory.mktemp("dask")
    sched_file = folder / "scheduler.json"
    procs = []

    def start(args: list[str], name: str) -> subprocess.Popen:
        log = open(folder / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(args, cwd=folder, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        procs.append((proc, log))
        return proc

    try:
        start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
               "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(sched_file)],
              "scheduler")
        deadline = time.monotonic() + 60
        while not sched_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sched_file.exists(), (folder / "scheduler.log").read_text()
        for i in range(2):
            start([str(BIN / "dask"), "worker", "--host", "127.0.0.1", "--dashboard-address",
                   "127.0.0.1:0", "--nworkers", "1", "--nthreads", "1", "--scheduler-file",
                   str(sched_file)], f"worker{i}")
        from distributed import Client

        address = json.loads(sched_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=90)
            hosts = {w["host"] for w in client.scheduler_info()["workers"].values()}
        assert hosts == {"127.0.0.1"}
        yield address
    finally:
        for proc, _ in reversed(procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc, log in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            log.close()


@pytest.mark.cluster
def test_dask_cluster_gives_the_local_results(dask_cluster: str, grid_file: Path,
                                              tmp_path: Path):
    out = tmp_path / "dask"
    result = subprocess.run([WIJKSIM, "sweep", str(grid_file), "--out", str(out),
                             "--scheduler", dask_cluster], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"on dask {dask_cluster}" in result.stdout
    remote = sweeps.load(out)
    local = sweeps.run_sweep(grid_file, tmp_path / "local", workers=2).summary
    pd.testing.assert_frame_equal(comparable(remote), comparable(local))
    hosts = {r["host"] for r in read_runs(out)}
    assert hosts  # every record says where it ran
    # resume on Dask: a rerun skips everything
    again = sweeps.run_sweep(grid_file, out, scheduler=dask_cluster)
    assert (again.ran, again.skipped) == (0, 8)


@pytest.mark.cluster
def test_dask_records_a_worker_failure(dask_cluster: str, grid_file: Path, tmp_path: Path):
    from distributed import Client

    def boom(task: dict) -> dict:
        if task["replicate"] == 1:
            raise ValueError("raised on a dask worker")
        return sweeps.execute_run(task)

    with Client(dask_cluster, timeout=30) as client:
        result = sweeps.run_sweep(grid_file, tmp_path / "o", client=client, run_fn=boom)
    assert result.failed == 4
    failed = result.summary[result.summary["status"] == "failed"]
    assert set(failed["replicate"]) == {1}
    assert failed["error"].str.contains("raised on a dask worker").all()


def test_unreachable_scheduler_is_exit_2_and_writes_nothing(grid_file, tmp_path, capsys,
                                                            monkeypatch):
    pytest.importorskip("distributed")
    real = sweeps.connect
    monkeypatch.setattr(sweeps, "connect", lambda s, **k: real(s, timeout=1.0))
    out = tmp_path / "out"
    code, err = run_cli(["sweep", str(grid_file), "--out", str(out), "--scheduler",
                         "tcp://127.0.0.1:9"], capsys)
    assert code == 2 and "cannot connect to the Dask scheduler" in err
    assert not out.exists()
