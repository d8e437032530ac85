"""`wijksim municipality import` end to end, and the per-wijk outputs of a multi-wijk run."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from helpers import ROOT

from wijksim.config import load_config
from wijksim.kpis import KPIS

WIJKSIM = str(Path(sys.executable).parent / "wijksim")
SAMPLE = ROOT / "tests" / "data" / "kwb_2020_sample.csv"


def wijksim(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([WIJKSIM, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_import_writes_a_config_that_runs_with_one_row_per_wijk(tmp_path: Path):
    out = tmp_path / "teststad.toml"
    result = wijksim("municipality", "import", str(SAMPLE), "--gemeente", "Teststad", "--out",
                     str(out), "--table", "84799NED", "--year", "2020", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = tomllib.loads(out.read_text())
    names = [w["name"] for w in data["wijken"]]
    assert names == ["Wijk 01 Oude Kern", "Wijk 02 Nieuwbouw"]  # no buurt, no empty wijk
    first = data["wijken"][0]
    assert first["households"] == 5000 and first["age_65_plus"] == 3000
    assert first["household_size"] == pytest.approx(1.9)
    assert first["low_income_share"] == pytest.approx(0.14)
    assert first["code"] == "WK999901"
    assert data["population"]["households"] == 13_500
    assert data["gemeente"] == {"name": "Teststad", "cbs_table": "84799NED", "cbs_year": 2020}
    assert "Bedrijventerrein" in out.read_text()  # said what was left out
    # it runs as it is (scaled down here for the test's sake) and reports each wijk
    run = wijksim("run", str(out), "--out", str(tmp_path / "res"), "--weeks", "3", "-q",
                  "--set", "population.households=800", "--set", "run.warmup_weeks=1",
                  "--set", "run.spinup_years=1", "--replicates", "2", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    by_wijk = pd.read_parquet(tmp_path / "res" / "by_wijk.parquet")
    ts = pd.read_parquet(tmp_path / "res" / "timeseries.parquet")
    for column in ("week", "replicate", "wijk", *KPIS):
        assert column in by_wijk.columns, column
    assert len(by_wijk) == 3 * 2 * 2
    assert set(by_wijk["wijk"]) == set(names)
    sums = by_wijk.groupby(["replicate", "week"])[["waiting_list", "cost_total"]].sum()
    merged = ts.set_index(["replicate", "week"])[["waiting_list", "cost_total"]]
    pd.testing.assert_frame_equal(sums.sort_index(), merged.sort_index(), rtol=1e-9)


def test_a_run_with_the_policy_cycle_writes_its_wijkplannen(tmp_path: Path):
    """almere_merged through the installed command: wijkplannen.parquet and moving budgets."""
    run = wijksim("run", "configs/almere_merged.toml", "--out", str(tmp_path / "res"),
                  "--weeks", "26", "-q", "--set", "population.households=3000",
                  "--set", "run.warmup_weeks=2", "--set", "run.spinup_years=1",
                  "--replicates", "1", cwd=ROOT)
    assert run.returncode == 0, run.stderr
    plans = pd.read_parquet(tmp_path / "res" / "wijkplannen.parquet")
    assert sorted(plans["week"].unique()) == [13, 26] and len(plans) == 2 * 7
    for column in ("replicate", "seed", "wijk", "fte", "fte_per_1000", "sociale_basis_budget",
                   "reported_first_contacts_per_1000", "basis_priority_care",
                   "outreach_priority_school"):
        assert column in plans.columns, column
    by_wijk = pd.read_parquet(tmp_path / "res" / "by_wijk.parquet")
    ts = pd.read_parquet(tmp_path / "res" / "timeseries.parquet")
    assert ts.loc[ts["week"] == 13, "reallocations"].item() > 0
    last = by_wijk[by_wijk["week"] == 26]
    assert last["sociale_basis_budget"].std() > 0  # the budgets moved apart
    # the municipal budget is what the gemeente set, every week
    spent = by_wijk.groupby("week")["cost_sociale_basis"].sum()
    assert spent.to_numpy() == pytest.approx(20000.0 * ts["inhabitants"].iloc[0] / 1000.0,
                                             rel=1e-9)


def test_comma_separated_decimal_point_file_is_read_the_same(tmp_path: Path):
    lines = []
    for line in SAMPLE.read_text().splitlines():
        cells = [c.replace(",", ".") for c in line.split(";")]
        lines.append(",".join(cells))
    path = tmp_path / "comma.csv"
    path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "c.toml"
    result = wijksim("municipality", "import", str(path), "--gemeente", "teststad", "--out",
                     str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert load_config(out).wijken[1].household_size == pytest.approx(2.4)


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such file"),
    ("", "is empty"),
    ("a;b;c\n1;2;3\n", "no column Gemeentenaam"),
    ('"Gemeentenaam_1";"SoortRegio_2";"WijkenEnBuurten";"HuishoudensTotaal_28"\n'
     '"Teststad";"Wijk";"Wijk 01";"veel"\n', "not a number"),
    ('"Gemeentenaam_1";"SoortRegio_2";"WijkenEnBuurten";"HuishoudensTotaal_28"\n'
     '"Elders";"Wijk";"Wijk 01";"100"\n', "no gemeente 'Teststad'"),
    ('"Gemeentenaam_1";"SoortRegio_2";"WijkenEnBuurten";"HuishoudensTotaal_28"\n'
     '"Teststad";"Wijk";"Wijk 01"\n', "3 values for 4 columns"),
])
def test_bad_files_get_one_error_line_and_exit_2(tmp_path: Path, content, message):
    path = tmp_path / "kwb.csv"
    if content is not None:
        path.write_text(content)
    out = tmp_path / "out.toml"
    result = wijksim("municipality", "import", str(path), "--gemeente", "Teststad", "--out",
                     str(out), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert message in lines[0]
    assert not out.exists()  # nothing half-written


def test_import_refuses_to_overwrite_without_force(tmp_path: Path):
    out = tmp_path / "t.toml"
    out.write_text("# mine\n")
    args = ("municipality", "import", str(SAMPLE), "--gemeente", "Teststad", "--out", str(out))
    assert wijksim(*args, cwd=tmp_path).returncode == 2
    assert out.read_text() == "# mine\n"
    assert wijksim(*args, "--force", cwd=tmp_path).returncode == 0
    assert "[[wijken]]" in out.read_text()


def test_shipped_presets_with_profiles_load(tmp_path: Path):
    for path in sorted((ROOT / "configs").glob("*.toml")):
        cfg = load_config(path)
        if cfg.wijken:
            assert cfg.gemeente.cbs_table and cfg.gemeente.cbs_year
            assert cfg.population.wijken == len(cfg.wijken)


def test_counts_with_comma_thousands_are_read_and_decimal_counts_refused(tmp_path: Path):
    head = '"Gemeentenaam_1","SoortRegio_2","WijkenEnBuurten","HuishoudensTotaal_28"\n'
    good = tmp_path / "good.csv"
    good.write_text(head + '"Teststad","Wijk","Wijk 01","23,270"\n')
    out = tmp_path / "good.toml"
    result = wijksim("municipality", "import", str(good), "--gemeente", "Teststad", "--out",
                     str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert load_config(out).wijken[0].households == 23_270
    bad = tmp_path / "bad.csv"
    bad.write_text(head.replace(",", ";") + '"Teststad";"Wijk";"Wijk 01";"2,5"\n')
    result = wijksim("municipality", "import", str(bad), "--gemeente", "Teststad", "--out",
                     str(tmp_path / "bad.toml"), cwd=tmp_path)
    assert result.returncode == 2 and "a count with decimals" in result.stderr
