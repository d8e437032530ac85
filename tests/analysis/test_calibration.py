"""Calibration: factors, residuals, selection, the SMM fit on a known problem, writing, the CLI."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import ROOT  # noqa: E402

from wijksim.analysis import calibration as cal
from wijksim.analysis.runner import run_model
from wijksim.config import Config, get_dotted, load_config

WIJKSIM = str(Path(sys.executable).parent / "wijksim")
BY_NAME = {f.name: f for f in cal.CANDIDATES}


def wijksim(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([WIJKSIM, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


# --------------------------------------------------------------------------- factors


def test_scale_factor_starts_at_multiplier_one_and_keeps_the_shape():
    f = BY_NAME["onset_care"]
    start = [0.3, 0.02, 0.08, 0.02]
    u = f.start_unit(start)
    assert 0 < u < 1
    assert f.value(u, start) == pytest.approx(start)
    assert f.value(1.0, start) == pytest.approx([v * f.high for v in start])
    assert f.value(0.0, start) == pytest.approx([v * f.low for v in start])
    # log scale: the middle of the unit range is the geometric mean of the bounds
    assert f.value(0.5, [1.0])[0] == pytest.approx(math.sqrt(f.low * f.high))


def test_value_factor_rounds_integers_and_clips():
    f = BY_NAME["wlz_weeks_severe"]
    assert isinstance(f.value(0.5, 104), int)
    assert f.value(0.0, 104) == 26 and f.value(1.0, 104) == 156 and f.value(2.0, 104) == 156
    assert f.value(f.start_unit(104), 104) == 104
    g = BY_NAME["wlz_exit"]
    assert g.start_unit(5.0) == 1.0 and g.start_unit(-1.0) == 0.0


def test_apply_factors_changes_only_its_fields():
    data = Config().model_dump(mode="python")
    factors = [BY_NAME["onset_youth"], BY_NAME["chronic_care"]]
    out = cal.apply_factors(data, factors, [1.0, 0.0])
    youth = data["needs"]["onset_per_year"]["youth"][3]
    assert out["needs"]["onset_per_year"]["youth"][3] == pytest.approx(youth * 4.0)
    assert out["needs"]["chronic"]["care"] == pytest.approx(0.6)
    assert data["needs"]["chronic"]["care"] == 0.9  # the input is not modified
    out["needs"]["onset_per_year"]["youth"] = data["needs"]["onset_per_year"]["youth"]
    out["needs"]["chronic"]["care"] = 0.9
    assert out == data


def test_a_factor_can_reach_into_a_provision():
    data = Config().model_dump(mode="python")
    out = cal.apply_factors(data, [BY_NAME["renewal_hh"]], [1.0])
    assert out["policy"]["provisions"]["huishoudelijke_hulp"]["renewal"] == pytest.approx(0.98)
    Config.model_validate(out)


def test_every_candidate_is_a_config_field_and_no_lever():
    from wijksim.config import LEVERS

    data = Config().model_dump(mode="python")
    for f in cal.CANDIDATES:
        get_dotted(data, f.path)  # raises if missing
        assert f.path not in LEVERS and f.low < f.high


def test_every_target_and_cost_check_is_a_model_column():
    from wijksim.kpis import COLUMNS

    for t in cal.FIT_TARGETS:
        assert t.kpi in COLUMNS
    for c in cal.COST_TARGETS:
        assert c.cost in COLUMNS and c.clients in COLUMNS


# --------------------------------------------------------------------------- objective


def test_residuals_are_misses_in_tolerances():
    at_target = {t.kpi: t.value for t in cal.TARGETS}
    assert np.allclose(cal.residuals(at_target), 0.0)
    assert cal.objective(at_target) == 0.0
    t0 = cal.TARGETS[0]
    one_off = dict(at_target, **{t0.kpi: t0.value * (1 + t0.tolerance)})
    assert cal.residuals(one_off)[0] == pytest.approx(1.0)
    missing = dict(at_target, **{t0.kpi: float("nan")})
    assert cal.residuals(missing)[0] < -10
    assert cal.off_targets(one_off) == [] and cal.off_targets(missing) == [t0.kpi]
    assert cal.off_targets(dict(at_target, **{t0.kpi: t0.value * 1.2})) == [t0.kpi]


def _screen(rankings: dict[str, list[str]]) -> pd.DataFrame:
    rows = []
    for kpi, names in rankings.items():
        for i, name in enumerate(names):
            rows.append({"factor": name, "output": kpi, "mu_star": 10.0 - i, "mu": 0.0,
                         "sigma": 0.0, "mu_star_conf": 0.0})
    return pd.DataFrame(rows)


def test_selection_takes_one_distinct_factor_per_target_then_the_next_ones():
    screen = _screen({
        "wmo_clients_year_per_1000": ["onset_care", "chronic_care", "renewal_hh"],
        "youth_care_year_share": ["onset_youth", "chronic_youth"],
        "debt_share": ["onset_debt", "chronic_debt"],
        "wlz_per_1000": ["onset_care", "escalation", "wlz_exit"],
    })
    chosen = [f.name for f in cal.select_factors(screen, cal.CANDIDATES, share=math.inf)]
    assert sorted(chosen) == sorted(["onset_care", "onset_youth", "onset_debt", "escalation"])
    current = [BY_NAME[n] for n in chosen]
    added = cal.next_factors(screen, cal.CANDIDATES, current,
                             ["wmo_clients_year_per_1000", "wlz_per_1000"], max_params=8)
    assert sorted(f.name for f in added) == ["chronic_care", "wlz_exit"]
    assert len(cal.next_factors(screen, cal.CANDIDATES, current,
                                ["wmo_clients_year_per_1000"], 4)) == 0


# --------------------------------------------------------------------------- fit on a known problem


class FakeEvaluator(cal.Evaluator):
    """Moments as a known function of the config: onset_care drives Wmo, wlz_exit drives Wlz."""

    def evaluate(self, datas, seeds=None, label="", charge=True):
        seeds = list(seeds) if seeds is not None else self.seeds
        runs = len(datas) * len(seeds)
        if charge and runs > self.remaining():
            raise cal.BudgetExhaustedError("spent")
        if charge:
            self.used += runs
        out = []
        for d in datas:
            care = d["needs"]["onset_per_year"]["care"][0] / 0.75
            youth = d["needs"]["onset_per_year"]["youth"][3] / 0.35
            debt = d["needs"]["onset_per_year"]["debt"][1] / 0.11
            exit_ = d["policy"]["wlz_exit_per_year"]
            m = {"wmo_clients_year_per_1000": 36.0 * care,
                 "youth_care_year_share": 0.05 * youth**0.9, "debt_share": 0.03 * debt,
                 "wlz_per_1000": 7.5 * 0.36 / exit_, "wmo_ending_rate": 0.3,
                 "wmo_death_share": 0.175}
            out.append({**m, "per_seed": [m] * len(seeds)})
        return out


def test_forward_fit_adds_the_next_factor_and_reaches_the_targets():
    data = Config().model_dump(mode="python")
    # escalation is ranked above wlz_exit for Wlz, but does nothing here: round 1 leaves Wlz
    # off target, so the forward selection must add wlz_exit and fit again.
    screen = _screen({
        "wmo_clients_year_per_1000": ["onset_care"], "youth_care_year_share": ["onset_youth"],
        "debt_share": ["onset_debt"], "wlz_per_1000": ["onset_care", "escalation", "wlz_exit"],
        "wmo_ending_rate": ["renewal_hh"], "wmo_death_share": ["death_care"],
    })
    ev = FakeEvaluator([1], budget=400)
    selected, result, rounds = cal.forward_fit(ev, data, screen, cal.CANDIDATES)
    assert len(rounds) >= 2
    assert "wlz_per_1000" in rounds[0]["off_targets"]
    assert "wlz_exit" in [f.name for f in selected]
    assert result.best_objective < 0.5 * result.history.loc[0, "objective"]
    assert cal.off_targets(result.best_targets) == []
    fitted = cal.apply_factors(data, selected, result.best)
    assert fitted["policy"]["wlz_exit_per_year"] == pytest.approx(0.27, rel=0.1)
    assert fitted["needs"]["onset_per_year"]["care"][0] == pytest.approx(1.5, rel=0.1)
    assert ev.used <= 400


def test_fit_stops_when_the_budget_is_spent():
    data = Config().model_dump(mode="python")
    ev = FakeEvaluator([1, 2], budget=9)
    result = cal.fit(ev, data, [BY_NAME["onset_care"], BY_NAME["wlz_exit"]])
    assert result.stopped == "budget spent"
    assert ev.used <= 9 and len(result.history) >= 1


# --------------------------------------------------------------------------- writing


def test_calibrated_file_holds_whole_tables_and_loads(tmp_path: Path):
    data = Config().model_dump(mode="python")
    data["needs"]["chronic"]["youth"] = 0.77
    data["needs"]["onset_per_year"]["debt"] = [0.1, 0.2, 0.3, 0.4]
    data["team"]["fte_per_1000"] = 0.9  # a lever: never written
    cfg = Config.model_validate(data)
    path = tmp_path / "calibrated.toml"
    cal.write_calibrated(path, cfg, cal.CANDIDATES, "Calibrated for a test\nsecond line")
    text = path.read_text()
    assert text.startswith("# Calibrated for a test\n# second line\n")
    assert "fte_per_1000" not in text and "[needs.chronic]" in text
    child = tmp_path / "baseline.toml"
    child.write_text('extends = "calibrated.toml"\n[team]\noutreach_share = 0.05\n')
    loaded = load_config(child)
    assert loaded.needs.chronic.youth == 0.77 and loaded.needs.chronic.care == 0.9
    assert loaded.policy.provisions["huishoudelijke_hulp"].renewal == (
        Config().policy.provisions["huishoudelijke_hulp"].renewal)
    assert loaded.needs.onset_per_year.debt == [0.1, 0.2, 0.3, 0.4]
    assert loaded.team.fte_per_1000 == 0.5 and loaded.team.outreach_share == 0.05
    assert loaded.costs.wlz_per_year == 85000.0


def test_docs_block_is_replaced_and_the_rest_kept(tmp_path: Path):
    doc = tmp_path / "calibration.md"
    doc.write_text(f"# Calibration\n\nnarrative\n\n{cal.DOCS_BEGIN}\nold\n{cal.DOCS_END}\n\ntail\n")
    cal.update_docs(doc, "new block")
    text = doc.read_text()
    assert "narrative" in text and "tail" in text and "new block" in text and "old" not in text


# --------------------------------------------------------------------------- command line


def test_calibrate_quick_writes_a_config_that_loads_and_a_report(tmp_path: Path):
    shutil_copy = (ROOT / "configs" / "baseline.toml").read_text()
    base = tmp_path / "baseline.toml"
    text = shutil_copy.replace('extends = "calibrated.toml"\n', "")
    base.write_text(text + "\n[needs.chronic]\nyouth = 0.31\n")
    out, report = tmp_path / "fitted.toml", tmp_path / "report"
    result = wijksim("calibrate", str(base), "--quick", "--workers", "1", "--write", str(out),
                     "--report", str(report), "--set", "population.households=300",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Fit achieved" in result.stdout
    fitted = load_config(out)
    # without --refine every candidate starts from the first estimates in config.py
    if "chronic_youth" not in json.loads((report / "calibration.json").read_text())["selected"]:
        assert fitted.needs.chronic.youth == Config().needs.chronic.youth
    meta = json.loads((report / "calibration.json").read_text())
    assert meta["selected"] and meta["runs"] <= 40 + 2
    assert meta["best_objective"] <= meta["start_objective"]
    history = pd.read_csv(report / "history.csv")
    assert history["objective"].min() <= history["objective"].iloc[0]
    for name in ("report.md", "screen.csv", "fit.csv", "fit.png", "screen.png"):
        assert (report / name).stat().st_size > 100, name
    assert "Quick mode" in (report / "report.md").read_text()


@pytest.mark.parametrize(("args", "field"), [
    (["nowhere.toml"], "file"),
    (["--quick", "--budget", "3"], "budget"),
    (["--quick", "--set", "team.fte_per_1000=-1"], "team.fte_per_1000"),
])
def test_calibrate_bad_input_is_one_line_and_writes_nothing(tmp_path: Path, args, field):
    shutil_copy = (ROOT / "configs").resolve()
    cfg_args = [] if args[0].endswith(".toml") else [str(shutil_copy / "baseline.toml")]
    result = wijksim("calibrate", *cfg_args, *args, "--report", str(tmp_path / "r"),
                     cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and field in lines[0]
    assert not (tmp_path / "r").exists()


class IntegerEvaluator(FakeEvaluator):
    """Wlz is on target at 60 weeks of severe care before an indication; the rest is met."""

    def evaluate(self, datas, seeds=None, label="", charge=True):
        out = super().evaluate(datas, seeds, label, charge)
        for d, m in zip(datas, out, strict=True):
            weeks = d["policy"]["wlz_weeks_severe"]
            m["wlz_per_1000"] = 10.0 * (1 - 0.01 * abs(weeks - 60))
            m["wmo_clients_year_per_1000"], m["youth_care_year_share"] = 72.0, 0.1
            m["debt_share"] = 0.076
        return out


def test_integer_search_walks_to_the_best_integer():
    data = Config().model_dump(mode="python")
    factors = [BY_NAME["wlz_weeks_severe"]]
    ev = IntegerEvaluator([1], budget=200)
    units = {"wlz_weeks_severe": factors[0].start_unit(56)}
    (m,) = ev.evaluate([data])
    new, moments, rows = cal.integer_search(ev, data, factors, units, m)
    assert factors[0].value(new["wlz_weeks_severe"], None) == 60
    assert moments["wlz_per_1000"] == pytest.approx(10.0)
    assert rows and all(r["kind"] == "integer" for r in rows)


def test_calibrate_help_lists_the_options(tmp_path: Path):
    result = wijksim("calibrate", "--help", cwd=tmp_path)
    assert result.returncode == 0
    for option in ("--budget", "--quick", "--write", "--report", "--docs", "--set"):
        assert option in result.stdout


def test_simulate_reports_targets_drift_and_costs_per_client():
    cfg = load_config(None, [("population.households", 400), ("run.warmup_weeks", 4),
                             ("run.weeks", 60), ("run.spinup_years", 2)])
    m = cal.simulate(cfg.model_dump(mode="python"), 3)
    for t in cal.FIT_TARGETS:
        assert t.kpi in m and f"{t.kpi}@first" in m and f"{t.kpi}@last" in m
    # the cost per Wlz client-year is the Wlz price; a youth client costs its provision
    assert m["cost_per_client_wlz"] == pytest.approx(cfg.costs.wlz_per_year)
    youth = cfg.policy.provisions["jeugdhulp"].cost_per_year
    assert m["cost_per_client_youth"] == pytest.approx(youth, rel=0.02)
    # the same seed gives the same moments (common random numbers)
    again = cal.simulate(cfg.model_dump(mode="python"), 3)
    assert pd.Series(again).equals(pd.Series(m))


def test_simulate_reads_the_models_own_observation():
    cfg = load_config(None, [("population.households", 400), ("run.warmup_weeks", 4),
                             ("run.weeks", 60), ("run.spinup_years", 2)])
    m = cal.simulate(cfg.model_dump(mode="python"), 5)
    frame = run_model(cfg, 5)  # the KPIs as `wijksim run` reports them
    for name in [t.kpi for t in cal.FIT_TARGETS] + list(cal.DIAGNOSTICS):
        for key, rows in ((name, frame), (f"{name}@first", frame[:52]),
                          (f"{name}@last", frame[-52:])):
            assert m[key] == pytest.approx(rows[name].mean(), rel=1e-12, nan_ok=True), key
