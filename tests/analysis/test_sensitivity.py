"""Sensitivity analysis: SALib sampling and analysis through the sweep machinery."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("SALib")

from helpers import ROOT  # noqa: E402

from wijksim import cli
from wijksim.analysis import sensitivity, sweeps  # noqa: E402

BODY = f"""
base = "{(ROOT / 'configs' / 'baseline.toml').as_posix()}"
samples = 4
replicates = 2
seed = 5
[parameters]
"team.outreach_share" = {{min = 0.0, max = 0.3}}
"population.network_strength" = {{min = 0.5, max = 1.5}}
[overrides]
"run.weeks" = 10
"run.warmup_weeks" = 4
"run.spinup_years" = 2
"population.households" = 200
"""


@pytest.fixture()
def sens_file(tmp_path: Path) -> Path:
    path = tmp_path / "sens.toml"
    path.write_text(BODY)
    return path


def test_sobol_analysis_recovers_a_known_function():
    prob = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    from SALib.sample import sobol

    x = sobol.sample(prob, 256, calc_second_order=False, seed=1)
    y = 4 * x[:, 0] + 1 * x[:, 1]  # c has no effect; a has 16/17 of the variance
    table = sensitivity.analyse(prob, "sobol", x, y, seed=1)
    s1 = dict(zip(table["parameter"], table["S1"], strict=True))
    assert s1["a"] == pytest.approx(16 / 17, abs=0.05)
    assert s1["b"] == pytest.approx(1 / 17, abs=0.05)
    assert abs(s1["c"]) < 0.02
    assert (table["S1_conf"] >= 0).all()
    assert (table["S1_low"] <= table["S1"]).all() and (table["S1"] <= table["S1_high"]).all()


def test_checks_report_seed_noise_and_the_change_at_half_n():
    prob = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1]] * 2}
    from SALib.sample import sobol

    x = sobol.sample(prob, 512, calc_second_order=False, seed=1)
    y = 4 * x[:, 0] + x[:, 1]
    table = sensitivity.analyse(prob, "sobol", x, y, seed=1)
    half = sensitivity.analyse(prob, "sobol", *sensitivity.first_half(x, y, "sobol", 2), seed=1)
    table["ST_half_n"] = half["ST"].to_numpy()
    assert len(sensitivity.first_half(x, y, "sobol", 2)[1]) == 256 * 4  # N/2 base samples
    # two replicates per point: noise of sd 1 on point means spread with variance 4
    rng = np.random.default_rng(3)
    means = rng.normal(0, 2, 200)
    summary = pd.DataFrame({"point": np.repeat(np.arange(200), 2), "status": "ok",
                            "k": np.repeat(means, 2) + rng.normal(0, 1, 400)})
    share = sensitivity.seed_noise_share(summary, "k")
    assert share == pytest.approx(0.5 / 4.5, abs=0.04)  # (1 / 2) / (4 + 1 / 2)
    check = sensitivity.checks(table, "sobol", 512, summary, "k")
    assert check["change_at_half_n"] < 0.05 and check["widest_half_width"] < 0.1


def test_morris_analysis_ranks_a_known_function():
    prob = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1]] * 2}
    from SALib.sample import morris

    x = morris.sample(prob, 20, num_levels=4, seed=2)
    y = 3 * x[:, 0] + 0.0 * x[:, 1]
    table = sensitivity.analyse(prob, "morris", x, y, seed=2).set_index("parameter")
    assert table.loc["a", "mu_star"] == pytest.approx(3.0)
    assert table.loc["b", "mu_star"] == pytest.approx(0.0)


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_sensitivity_command(method: str, sens_file: Path, tmp_path: Path, capsys):
    out = tmp_path / method
    with pytest.raises(SystemExit) as exc:
        cli.main(["sensitivity", str(sens_file), "--method", method, "--kpi", "workload",
                  "--kpi", "cost_total", "--out", str(out), "--workers", "2"])
    assert exc.value.code == 0
    printed = capsys.readouterr().out
    headings = ("S1 95%", "ST 95%", "ST at N/2") if method == "sobol" else \
        ("mu* 95%", "sigma", "mu* at N/2")
    for heading in headings:
        assert heading in printed
    # N = 4 is too small for either method: the tool says so and recommends an N
    minimum = sensitivity.MIN_SAMPLES[method]
    assert f"use at least N = {minimum}" in printed
    report = (out / f"sensitivity_{method}.md").read_text()
    recommended = int(report.split("Recommended N: **")[1].split("**")[0])
    assert recommended >= minimum and "seed noise" in report
    columns = ("S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high", "ST_half_n") \
        if method == "sobol" else ("mu_star", "mu_star_low", "mu_star_high", "sigma",
                                   "mu_star_half_n")
    n_points = 4 * (2 + 2) if method == "sobol" else 4 * (2 + 1)
    summary = sweeps.load(out)
    assert len(summary) == n_points * 2 and (summary["status"] == "ok").all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["design"] == f"salib-{method}" and manifest["sweep"]["design"] == method
    for kpi in ("workload", "cost_total"):
        table = pd.read_csv(out / f"sensitivity_{method}_{kpi}.csv")
        assert list(table["parameter"]) == ["team.outreach_share", "population.network_strength"]
        for column in columns:
            assert np.isfinite(table[column]).all(), (kpi, column)
        png = out / f"sensitivity_{method}_{kpi}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # outreach drives the team's workload in this wijk: the analysis must say so
    table = pd.read_csv(out / f"sensitivity_{method}_workload.csv").set_index("parameter")
    main = "ST" if method == "sobol" else "mu_star"
    assert table.loc["team.outreach_share", main] > table.loc["population.network_strength",
                                                               main]
    # resumable: the same command again runs nothing
    again = sensitivity.run_sensitivity(sens_file, method, ["workload"], out, workers=1)
    assert again.sweep.ran == 0 and again.sweep.skipped > 0
    if method == "sobol":  # the recommended N, in the same folder: only the new points run
        sens_file.write_text(BODY.replace("samples = 4", "samples = 8"))
        grown = sensitivity.run_sensitivity(sens_file, method, ["workload"], out, workers=2)
        assert grown.sweep.skipped == n_points * 2 and grown.sweep.ran == n_points * 2
        bigger = sweeps.load(out)
        assert len(bigger) == 2 * n_points * 2 and (bigger["status"] == "ok").all()
        old = bigger[bigger["point"] < n_points].reset_index(drop=True)
        pd.testing.assert_frame_equal(old[["point", "replicate", "workload"]],
                                      summary[["point", "replicate", "workload"]])


def test_same_seed_same_design(sens_file: Path):
    sweep = sweeps.read_sweep(sens_file, sensitivity=True)
    a = sensitivity.sample(sweep, "sobol")
    np.testing.assert_array_equal(a, sensitivity.sample(sweep, "sobol"))
    assert a.shape == (16, 2)
    other = sensitivity.sample(sweeps.copy_sweep(sweep, seed=6), "sobol")
    assert not np.array_equal(a, other)


@pytest.mark.parametrize("args, field", [
    (["--method", "fast"], "--method: fast"),
    (["--kpi", "happiness"], "--kpi: happiness"),
])
def test_bad_arguments_exit_2(args, field, sens_file: Path, tmp_path: Path, capsys):
    out = tmp_path / "o"
    with pytest.raises(SystemExit) as exc:
        cli.main(["sensitivity", str(sens_file), "--out", str(out), *args])
    assert exc.value.code == 2
    assert capsys.readouterr().err.startswith(f"error: {field}")
    assert not out.exists()


@pytest.mark.parametrize("change, field", [
    (('"team.outreach_share" = {min = 0.0, max = 0.3}', '"team.outreach_share" = [0.0, 0.3]'),
     "parameters.team.outreach_share"),
    (("samples = 4", "samples = 6"), "samples"),
    (("samples = 4\n", ""), "samples"),
])
def test_bad_sensitivity_files_exit_2(change, field, sens_file: Path, tmp_path: Path, capsys):
    sens_file.write_text(BODY.replace(*change))
    out = tmp_path / "o"
    with pytest.raises(SystemExit) as exc:
        cli.main(["sensitivity", str(sens_file), "--out", str(out)])
    assert exc.value.code == 2
    assert capsys.readouterr().err.startswith(f"error: {sens_file}: {field}: ")
    assert not out.exists()


def test_help(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["sensitivity", "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for option in ("--method", "--kpi", "--out", "--workers", "--scheduler"):
        assert option in text
