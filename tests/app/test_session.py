"""The app's model side without any UI: levers, input checks, runs, comparison, CSV, texts,
and the start-up checks of `wijksim app`."""

from __future__ import annotations

import io
import itertools
import math
import os
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")

from helpers import ROOT  # noqa: E402

from wijksim.app import launch  # noqa: E402
from wijksim.app.i18n import TEXTS, fmt_euro, fmt_number, tr  # noqa: E402
from wijksim.app.session import (  # noqa: E402
    CYCLES,
    LEVER_SPECS,
    PRACTICE_LINKS,
    STRUCTURES,
    InputError,
    Levers,
    Settings,
    Simulation,
    build_model,
    list_presets,
    parse_whole,
    run_timeline,
    settings_for_preset,
)
from wijksim.app.teaching import all_notes, notes_for  # noqa: E402
from wijksim.codes import PARTNER_KINDS, WAITING
from wijksim.config import load_config
from wijksim.errors import ConfigError  # noqa: E402
from wijksim.kpis import COLUMNS, KPIS, REPORTED  # noqa: E402
from wijksim.kpis import get as kpi_entry  # noqa: E402

CONFIGS = ROOT / "configs"
WIJKSIM = str(Path(sys.executable).parent / "wijksim")


def extreme_levers() -> list[Levers]:
    """Every combination of the extreme values of every lever the page offers (64).

    The policy cycle's levers take their values in turn (each value with many others).
    """
    spec = LEVER_SPECS
    return [
        Levers(structure=s, fte_per_1000=f, outreach_share=o, partners=p, network_first=n,
               maatwerk_stage=int(m), reallocate=bool(i % 2),
               practice_link=PRACTICE_LINKS[i // 2 % 2], cycle_weeks=CYCLES[-(i // 4 % 2)])
        for i, (s, f, o, p, n, m) in enumerate(itertools.product(
            STRUCTURES,
            (spec["fte_per_1000"].lo, spec["fte_per_1000"].hi),
            (spec["outreach_share"].lo, spec["outreach_share"].hi),
            ((), PARTNER_KINDS),
            (spec["network_first"].lo, spec["network_first"].hi),
            (spec["maatwerk_stage"].lo, spec["maatwerk_stage"].hi),
        ))
    ]


def opposite(lev: Levers) -> Levers:
    """Every lever at its other extreme."""
    spec = LEVER_SPECS

    def other(name: str, value: float) -> float:
        return spec[name].hi if value == spec[name].lo else spec[name].lo

    return Levers(
        structure="siloed" if lev.structure == "integrated" else "integrated",
        fte_per_1000=other("fte_per_1000", lev.fte_per_1000),
        outreach_share=other("outreach_share", lev.outreach_share),
        partners=() if lev.partners else PARTNER_KINDS,
        network_first=other("network_first", lev.network_first),
        maatwerk_stage=int(other("maatwerk_stage", lev.maatwerk_stage)),
        reallocate=not lev.reallocate,
        practice_link="merged" if lev.practice_link == "separate" else "separate",
        cycle_weeks=CYCLES[0] if lev.cycle_weeks == CYCLES[-1] else CYCLES[-1],
    )


# --------------------------------------------------------------------------- robustness


@pytest.fixture()
def short_spin_up(monkeypatch):
    """Presets with a 2-year spin-up: for tests of the levers' machinery, not of levels."""
    from wijksim.app import session

    original = session.load_preset

    def load(name, folder=None):
        cfg = original(name, folder)
        cfg.run.spinup_years = 2
        return cfg

    monkeypatch.setattr(session, "load_preset", load)


@pytest.mark.usefixtures("short_spin_up")
def test_every_extreme_lever_combination_runs_and_switches_live():
    combos = extreme_levers()
    assert len(combos) == 64
    for lev in combos:
        sim = Simulation(folder=CONFIGS)
        sim.reset(Settings(preset="teaching", seed=3, households=400, levers=lev))
        assert sim.week == 0 and sim.history, lev
        assert sim.step(4) == 4
        sim.set_levers(opposite(lev))  # the page applies lever changes at the next week
        assert sim.step(3) == 3
        assert sim.model.cfg.team.structure == opposite(lev).structure
        assert sim.week == 7
        row = sim.history[-1]
        assert row["week"] == 7
        assert row["cost_total"] > 0 and math.isfinite(row["workload"]), lev
        # the row is this week's state of the running model: its waiting list is the
        # households waiting now, a whole number no larger than the wijk
        waiting = int((sim.model.hh.status == WAITING).sum())
        assert row["waiting_list"] == waiting <= sim.model.hh.n, lev
        assert sim.model.cfg.signalling.partners == list(opposite(lev).partners)


@pytest.mark.usefixtures("short_spin_up")
def test_every_preset_builds_with_page_levers_and_steps():
    presets = list_presets(CONFIGS)
    assert presets[0] == "teaching"
    assert {"baseline", "early_signalling", "almelo", "breda_pilot"} <= set(presets)
    for name in presets:
        settings = settings_for_preset(name, folder=CONFIGS)
        cfg = load_config(CONFIGS / f"{name}.toml")
        assert settings.levers == Levers.from_config(cfg)
        model = build_model(settings, CONFIGS, spin_up=False)  # the preset at its own size
        assert model.hh.n == cfg.population.households and model.week == 0
        sim = Simulation(folder=CONFIGS)
        sim.reset(replace(settings, households=300))
        assert sim.step(2) == 2


def test_teaching_preset_is_a_small_baseline_wijk():
    cfg = load_config(CONFIGS / "teaching.toml")
    assert cfg.extends == "baseline.toml"
    assert 1000 <= cfg.population.households <= 5000
    # it starts from the baseline's steady state (a spin-up of decades), not from set-up
    assert cfg.run.spinup_years >= 20 and len(cfg.description) > 40
    assert Levers.from_config(cfg) == Levers.from_config(load_config(CONFIGS / "baseline.toml"))


def test_unknown_preset_is_a_config_error():
    with pytest.raises(ConfigError):
        build_model(Settings(preset="no_such_preset"), CONFIGS)
    with pytest.raises(ConfigError):
        build_model(Settings(preset="../configs/baseline"), CONFIGS)


# --------------------------------------------------------------------------- inputs


@pytest.mark.parametrize("text", ["abc", "12a", "-1", "1.5", "", " ", "１２", "4294967296", "1e3"])
def test_bad_seed_text_is_refused(text: str):
    with pytest.raises(InputError) as info:
        parse_whole(text, 0, 2**32 - 1, "seed")
    message = tr("en", info.value.key, **info.value.values)
    assert message.startswith("seed: enter a whole number from 0 to 4294967295")
    assert tr("nl", info.value.key, **info.value.values).startswith("seed: vul een heel getal")


@pytest.mark.parametrize(("text", "value"), [("0", 0), (" 42 ", 42), ("1_000", 1000)])
def test_good_seed_text_is_read(text: str, value: int):
    assert parse_whole(text, 0, 2**32 - 1, "seed") == value


def test_households_may_be_empty_but_not_out_of_range():
    assert parse_whole("", 100, 50_000, "households", optional=True) is None
    assert parse_whole("2500", 100, 50_000, "households", optional=True) == 2500
    for bad in ("50", "60000", "many"):
        with pytest.raises(InputError):
            parse_whole(bad, 100, 50_000, "households", optional=True)


# --------------------------------------------------------------------------- runs


@pytest.fixture()
def sim() -> Simulation:
    s = Simulation(folder=CONFIGS)
    s.reset(replace(settings_for_preset("teaching", folder=CONFIGS), households=800))
    return s


def test_reset_runs_the_warmup_and_stops_at_the_horizon(sim: Simulation):
    assert sim.week == 0 and len(sim.history) == sim.model.warmup_weeks
    assert [r["week"] for r in sim.history][-1] == 0
    assert sim.step(sim.horizon + 10) == sim.horizon
    assert not sim.running and sim.step(1) == 0


def test_reset_spins_up_once_and_reports_progress(tmp_path, monkeypatch):
    """The first Reset runs the spin-up with progress; the next loads it from its checkpoint."""
    monkeypatch.setenv("WIJKSIM_CACHE", str(tmp_path))
    settings = replace(settings_for_preset("teaching", folder=CONFIGS), households=300)
    seen: list[tuple[int, int]] = []
    first = Simulation(folder=CONFIGS)
    first.reset(settings, progress=lambda done, total: seen.append((done, total)))
    model = first.model
    total = model.start_week + model.warmup_weeks
    assert model.start_week > 0 and not model.spun_up_from_checkpoint
    assert seen[-1] == (total, total) and all(t == total for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert any(d == 52 for d, _ in seen)  # the spin-up's years are counted
    again = Simulation(folder=CONFIGS)
    again.reset(settings)
    assert again.model.spun_up_from_checkpoint
    same = pd.DataFrame(again.history).equals(pd.DataFrame(first.history))
    assert same  # the same steady state, the same warm-up


def test_lever_change_applies_from_the_next_week(sim: Simulation):
    sim.step(5)
    workers_before = sim.model.team.position.sum()
    sim.set_levers(replace(sim.settings.levers, fte_per_1000=2.0, structure="integrated"))
    assert sim.model.cfg.team.structure == "siloed"  # not before the week boundary
    sim.step(1)
    assert sim.model.team.position.sum() > workers_before
    assert sim.model.cfg.team.structure == "integrated"
    assert sim.lever_changes == [5]
    assert sim.levers_in_week(5).fte_per_1000 == 0.5
    assert sim.levers_in_week(6).fte_per_1000 == 2.0


def test_lever_change_at_week_zero_is_taken_up_by_the_warmup_switch(sim: Simulation):
    sim.set_levers(replace(sim.settings.levers, outreach_share=0.3))
    sim.step(1)
    assert sim.model.cfg.team.outreach_share == 0.3
    assert sim.lever_changes == []  # the run's own levers: no change to mark


def test_comparison_is_paired_and_shows_the_difference(sim: Simulation):
    sim.set_levers(replace(sim.settings.levers, partners=PARTNER_KINDS, outreach_share=0.2))
    sim.step(10)
    sim.compare()
    # the baseline ran its warm-up and caught up to the same week
    assert sim.baseline.reported_week == sim.week == 10
    warm = sim.frame().query("week <= 0")
    base_warm = sim.frame(baseline=True).query("week <= 0")
    assert len(warm) == sim.model.warmup_weeks
    assert warm.equals(base_warm)  # same seed, same warm-up: identical state at week 0
    sim.step(20)
    assert sim.baseline.reported_week == 30
    table = sim.comparison().set_index("kpi")
    assert table.attrs["weeks"] == 30
    assert list(table.index) == list(REPORTED)  # the contract KPIs, then the measures
    assert table.loc["signals_per_1000", "difference"] > 0  # partners signal
    assert table.loc["cost_total", "difference"] == pytest.approx(
        table.loc["cost_total", "policy"] - table.loc["cost_total", "baseline"])
    sim.stop_comparing()
    assert not sim.comparing


def test_same_levers_as_baseline_give_zero_difference(sim: Simulation):
    sim.compare()
    sim.step(8)
    table = sim.comparison()
    assert (table["difference"].fillna(0) == 0).all()


def test_csv_has_a_row_per_reported_week_and_scenario(sim: Simulation):
    assert pd.read_csv(io.StringIO(sim.csv())).empty  # nothing reported yet
    sim.step(3)
    sim.set_levers(replace(sim.settings.levers, network_first=0.5))
    sim.compare()
    sim.step(2)
    df = pd.read_csv(io.StringIO(sim.csv()))
    assert len(df) == 10
    assert df.groupby("scenario")["week"].apply(list).to_dict() == {
        "baseline": [1, 2, 3, 4, 5], "policy": [1, 2, 3, 4, 5]}
    for column in ("preset", "seed", "team_structure", "network_first"):
        assert column in df.columns
    for kpi in KPIS:  # label and unit in the header
        unit = "euro per week" if kpi.startswith("cost_") else kpi_entry(kpi).unit("en")
        assert f"{kpi_entry(kpi).label('en')} ({unit})" in df.columns, kpi
    pol = df[df.scenario == "policy"].set_index("week")
    assert pol.loc[3, "network_first"] == 0.0 and pol.loc[4, "network_first"] == 0.5
    assert (df[df.scenario == "baseline"]["network_first"] == 0).all()


def test_card_values_average_the_last_weeks(sim: Simulation):
    sim.step(20)
    cards = sim.card_values(window=13)
    expected = pd.DataFrame(sim.history[-13:])["waiting_list"].mean()
    assert cards["waiting_list"] == pytest.approx(expected)


# --------------------------------------------------------------------------- texts


def test_both_languages_have_the_same_labels():
    assert set(TEXTS) == {"nl", "en"}
    assert set(TEXTS["nl"]) == set(TEXTS["en"])
    same = [k for k in TEXTS["nl"] if TEXTS["nl"][k] == TEXTS["en"][k] and len(TEXTS["nl"][k]) > 12]
    assert not same, f"labels not translated: {same}"
    for key in TEXTS["nl"]:  # placeholders match
        assert sorted(_fields(TEXTS["nl"][key])) == sorted(_fields(TEXTS["en"][key])), key


def _fields(text: str) -> list[str]:
    import string

    return [f for _, f, _, _ in string.Formatter().parse(text) if f]


def test_every_lever_kpi_and_partner_has_a_label():
    for lang in ("nl", "en"):
        for name in (*LEVER_SPECS, "structure", "partners"):
            for part in ("label", "unit", "help"):
                tr(lang, f"lever.{name}.{part}")
        for kind in PARTNER_KINDS:
            assert tr(lang, f"partner.{kind}")
        for column in COLUMNS:  # every output column, from the KPI table
            assert tr(lang, f"kpi.{column}") == kpi_entry(column).label(lang)
            assert tr(lang, f"kpi.{column}.unit") == kpi_entry(column).unit(lang)
        for group in ("kpi.costs", "kpi.costs.unit"):  # a group title the app keeps itself
            assert tr(lang, group)
    assert tr("nl", "kpi.waiting_list") == "Wachtlijst"
    assert tr("en", "kpi.time_to_help_weeks.unit") == (
        "weeks from a moderate need to its first support")


#: Presets with teacher notes (the scenario presets; base files such as a calibration need none).
TAUGHT = ("teaching", "baseline", "early_signalling", "outreach", "integrated", "network_first",
          "understaffed", "almelo", "breda_pilot", "almere", "almere_merged", "city_200k")


def test_scenario_presets_have_teacher_notes_in_both_languages():
    notes = all_notes()
    presets = set(list_presets(CONFIGS))
    assert set(TAUGHT) <= presets
    assert set(notes) <= presets, f"notes for missing presets: {set(notes) - presets}"
    for name in TAUGHT:
        assert set(notes.get(name, {})) == {"nl", "en"}, name
        nl, en = notes_for(name, "nl"), notes_for(name, "en")
        assert nl.summary and en.summary and nl.summary != en.summary
        assert nl.title and en.title and "_" not in nl.title + en.title  # names for people
        assert len(nl.notice) == len(en.notice) >= 2, name
        assert len(nl.try_) == len(en.try_) >= 2, name
    for name, langs in notes.items():  # never in one language only
        assert set(langs) == {"nl", "en"}, name
    assert notes_for("no_such_preset", "en") is None


def test_numbers_are_written_the_dutch_or_english_way():
    assert fmt_number(1234.5, "nl", 1) == "1.234,5"
    assert fmt_number(1234.5, "en", 1) == "1,234.5"
    assert fmt_number(float("nan"), "en") == "–"
    assert fmt_euro(2_500_000, "nl") == "2.500"  # thousands of euro, one style
    assert fmt_euro(2_500_000, "en") == "2,500"
    assert fmt_euro(56_000, "en") == "56"


# --------------------------------------------------------------------------- wijksim app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_host_and_port_checks():
    assert launch.check_host("127.0.0.1")[1] == "127.0.0.1"
    assert launch.check_host("localhost")[1] in ("127.0.0.1", "::1")
    assert launch.is_loopback("127.0.0.1") and not launch.is_loopback("0.0.0.0")
    for bad in ("", "bad host!", "a" * 300):
        with pytest.raises(launch.AppError):
            launch.check_host(bad)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(launch.AppError, match="cannot listen"):
            launch.check_port(socket.AF_INET, "127.0.0.1", port, "127.0.0.1")


def test_server_command_binds_the_host_in_production_mode():
    cmd = launch.server_command("127.0.0.1", 8765)
    assert cmd[:3] == [sys.executable, "-m", "wijksim.app.access"]  # solara run behind the gate
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1" and cmd[cmd.index("--port") + 1] == "8765"
    from wijksim.app import access

    source = Path(access.__file__).read_text()
    assert '"wijksim.app.page"' in source and '"--production"' in source


def test_assets_are_installed_here():
    assert launch.required_assets(), "no asset packages found in Solara's template"
    assert launch.missing_assets() == []


def run_app(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([WIJKSIM, "app", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


@pytest.mark.parametrize("args", [["--port", "http"], ["--host", "no such host!"]])
def test_app_command_refuses_bad_host_or_port(args: list[str]):
    result = run_app(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr


def test_app_command_refuses_to_start_without_assets(tmp_path: Path):
    result = run_app("--port", str(free_port()),
                     env={"SOLARA_ASSETS_PROXY_CACHE_DIR": str(tmp_path / "empty")})
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: app: assets:")
    assert "make setup" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_slider_moved_through_values_between_weeks_applies_only_the_last(sim: Simulation):
    """Keyboard steps 0.5 -> 0.55 -> ... -> 1.0 give what a jump to 1.0 gives."""
    other = Simulation(folder=CONFIGS)
    other.reset(sim.settings)
    for s in (sim, other):
        s.step(3)
    for value in np.arange(0.55, 1.0001, 0.05):
        sim.set_levers(replace(sim.settings.levers, fte_per_1000=round(float(value), 2)))
    other.set_levers(replace(other.settings.levers, fte_per_1000=1.0))
    for s in (sim, other):
        s.step(6)
    assert sim.lever_changes == other.lever_changes == [3]
    pd.testing.assert_frame_equal(sim.frame(), other.frame())


def test_moving_a_slider_back_before_the_week_ends_changes_nothing(sim: Simulation):
    sim.step(2)
    before = sim.settings.levers
    sim.set_levers(replace(before, outreach_share=0.4))
    sim.set_levers(before)
    sim.step(1)
    assert sim.lever_changes == []


def test_dutch_csv_has_semicolons_decimal_commas_and_costs_per_week(sim: Simulation):
    sim.step(4)
    text = sim.csv("nl")
    df = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    head = f"{kpi_entry('cost_gemeente').label('nl')} (euro per week)"
    assert head in df.columns
    per_year = sim.frame(reported_only=True)["cost_gemeente"]
    assert df[head].sum() == pytest.approx(per_year.sum() / 52.0)  # a sum means euro spent
    assert f"{kpi_entry('waiting_list').label('nl')} ({kpi_entry('waiting_list').unit('nl')})" \
        in df.columns
    assert "," in text.splitlines()[1]  # decimal commas


def test_paired_comparison_against_a_saved_scenario_with_intervals(sim: Simulation):
    sim.save_scenario("reactive")
    sim.step(2)
    sim.set_levers(replace(sim.settings.levers, partners=PARTNER_KINDS, outreach_share=0.2))
    sim.step(1)
    seen = []
    sim.paired_compare("reactive", seeds=3, window="all",
                       progress=lambda done, total: seen.append((done, total)))
    table = sim.paired.table.set_index("kpi")
    assert sim.paired.names == ("reactive", "policy")
    assert table.loc["signals_per_1000", "n"] == 3
    assert table.loc["signals_per_1000", "ci_low"] > 0  # partners signal, on every seed
    assert sim.paired.results[1].timeseries.query("week == 2")["signals_partner"].sum() == 0
    assert seen and seen[-1][1] == 2 * 3 * (sim.horizon + sim.model.warmup_weeks)
    assert seen[-1][0] <= seen[-1][1]  # never past 100%
    html = sim.brief_html("en")
    assert "Brief: policy compared with reactive" in html
    assert "signalling.partners" in html
    assert "Lever changes during the run of policy" in html and "week 3: " in html
    # the same comparison from the last lever change on
    sim.paired_compare("reactive", seeds=3, window="since-change")
    assert sim.paired.first == 3


def test_paired_comparison_with_the_baseline_of_the_same_levers_is_zero(sim: Simulation):
    sim.paired_compare(seeds=2)
    table = sim.paired.table
    assert (table["diff"].fillna(0) == 0).all()


def test_a_multi_wijk_run_shows_each_wijk_and_its_network(tmp_path: Path):
    (tmp_path / "twee.toml").write_text(
        'description = "two wijken"\n[run]\nweeks = 10\nwarmup_weeks = 2\nspinup_years = 1\n'
        '[population]\nhouseholds = 600\n\n[[wijken]]\nname = "Noord"\nhouseholds = 200\n\n'
        '[[wijken]]\nname = "Zuid"\nhouseholds = 400\n')
    sim = Simulation(folder=tmp_path)
    sim.reset(Settings(preset="twee", seed=2))
    sim.step(3)
    frame = sim.wijk_frame()
    assert list(frame["wijk"].unique()) == ["Noord", "Zuid"] and len(frame) == 6
    both = frame.groupby("week")["waiting_list"].sum().to_numpy()
    np.testing.assert_array_equal(both, sim.frame(reported_only=True)["waiting_list"].to_numpy())
    from wijksim.app import network_view

    south = network_view.cached_sample(sim, 1)
    assert south.wijk == 1 and (sim.model.hh.wijk[south.rows] == 1).all()
    assert network_view.cached_sample(sim, 0).wijk == 0


def test_the_paired_baseline_resets_every_lever_not_only_the_pages():
    """breda_pilot raises the sociale-basis budget: the baseline reference must not keep it."""
    sim = Simulation(folder=CONFIGS)
    sim.reset(Settings(preset="breda_pilot", seed=3, households=400))
    ref = sim.reference("baseline")
    assert ref.config(CONFIGS).policy.sociale_basis_budget == load_config(
        None).policy.sociale_basis_budget
    assert sim.current().config(CONFIGS).policy.sociale_basis_budget > ref.config(
        CONFIGS).policy.sociale_basis_budget


def test_a_paired_run_replays_the_interactive_run_exactly(sim: Simulation):
    """Seed by seed, the replay of the page's scenario is the page's own run (a change at week 0
    and one later), so a comparison's numbers belong to what the user ran."""
    sim.set_levers(replace(sim.settings.levers, outreach_share=0.15))  # at week 0
    sim.step(3)
    sim.set_levers(replace(sim.settings.levers, fte_per_1000=1.0, structure="integrated"))
    sim.step(4)
    replay = run_timeline(sim.current(), [sim.settings.seed], CONFIGS)
    mine = sim.frame(reported_only=True)
    theirs = replay.timeseries.query("week <= 7").reset_index(drop=True)
    for kpi in ("waiting_list", "cost_total", "escalations_per_1000", "workload"):
        np.testing.assert_array_equal(theirs[kpi].to_numpy(), mine[kpi].to_numpy(), kpi)
