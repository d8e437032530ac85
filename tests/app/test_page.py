"""The Solara page rendered without a browser (solara.render): controls, KPIs, language,
input checks, levers, comparison, download, and separate state per session."""

from __future__ import annotations

import io
import json
import os
import re
import time
from collections.abc import Callable

import pandas as pd
import pytest

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")

import ipyvuetify as v  # noqa: E402
import ipywidgets  # noqa: E402
import solara  # noqa: E402
from helpers import ROOT  # noqa: E402
from solara.components.file_download import FileDownloadWidget  # noqa: E402
from solara.widgets import widgets as solara_widgets  # noqa: E402

from wijksim.app.i18n import TEXTS  # noqa: E402
from wijksim.app.page import Page  # noqa: E402
from wijksim.app.picker import PresetPicker  # noqa: E402
from wijksim.app.webchart import EChart  # noqa: E402

TIMEOUT = 30
SPIN_UP = 180  # a seed not run before: the spin-up of decades is simulated once, then cached


@pytest.fixture()
def page():
    box, rc = solara.render(Page(), handle_error=False)
    yield rc
    rc.close()


def wait_until(check: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    """Poll ``check`` (the worker thread steps the model in the background)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (ValueError, AssertionError):  # widget not (yet) there
            pass
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def week_text(rc) -> str:
    return rc.find(v.Html, class_="week-label").widget.children[0]


def click(rc, css: str) -> None:
    rc.find(v.Btn, class_=css).widget.click()


def html_blocks(rc, css: str) -> list:
    """The solara.HTML widgets whose class list includes ``css``."""
    return [w for w in rc.find(solara_widgets.HTML).widgets
            if css in (w.attributes or {}).get("class", "").split()]


def html_of(rc, css: str) -> str:
    blocks = html_blocks(rc, css)
    assert len(blocks) == 1, f"{len(blocks)} blocks with class {css}"
    return blocks[0].unsafe_innerHTML


def kpi_html(rc, kpi: str) -> str:
    return html_of(rc, f"kpi-{kpi}")


def kpi_number(rc, kpi: str) -> str:
    return re.search(r"data-kpi='[a-z_0-9]+'>([^<]*)<", kpi_html(rc, kpi)).group(1)


def all_widgets(rc) -> list:
    """Every widget under the page's root, depth first."""
    out, stack = [], list(rc.find().widgets)
    while stack:
        w = stack.pop()
        out.append(w)
        stack.extend(c for c in (getattr(w, "children", None) or [])
                     if isinstance(c, ipywidgets.Widget))
    return out


def texts(rc) -> str:
    """Every piece of visible text on the page (labels, buttons, HTML blocks), joined."""
    out: list[str] = []
    for w in all_widgets(rc):
        out.extend(c for c in (getattr(w, "children", None) or []) if isinstance(c, str))
        for attr in ("label", "unsafe_innerHTML", "placeholder", "messages", "hint"):
            value = getattr(w, attr, None)
            if isinstance(value, str):
                out.append(value)
        if isinstance(w, v.Select):
            out.extend(str(i) for i in w.items or [])
    return "\n".join(out)


def alert_text(rc) -> str:
    return " ".join(str(c) for a in rc.find(v.Alert).widgets for c in a.children)


def switch_language(rc, code: str) -> None:
    toggle = rc.find(v.BtnToggle, class_="lang-switch").widget
    toggle.v_model = ["nl", "en"].index(code)


def preset_picker(rc) -> PresetPicker:
    return rc.find(PresetPicker).widget


def wait_idle(rc) -> None:
    wait_until(lambda: not rc.find(v.Btn, class_="reset-button").widget.disabled, "idle")


def test_first_render_shows_week_zero_kpis_charts_network_and_notes(page):
    assert week_text(page) == "Week 0 van 260"
    for kpi in ("escalations_per_1000", "time_to_help_weeks", "waiting_list", "workload",
                "turnover_rate"):
        assert re.fullmatch(r"[\d.,%–]+", kpi_number(page, kpi)), kpi
    costs = html_of(page, "kpi-costs")
    assert "Wlz" in costs and "€" in costs
    wait_until(lambda: len(page.find(ipywidgets.Image).widgets) == 1, "the network view")
    (image,) = page.find(ipywidgets.Image).widgets
    assert image.value[:4] == b"\x89PNG" and len(image.value) > 10_000
    # the time series are drawn in the browser: the page holds their data (the warm-up weeks)
    option = json.loads(page.find(EChart, name="timeseries").widget.spec)
    policy = [s for s in option["series"] if s["name"] == "dit beleid"]
    assert len(policy) == 5 and all(len(s["data"]) > 10 for s in policy)
    notes = texts(page)
    assert "Wat valt op" in notes and "Wat kun je proberen" in notes
    assert preset_picker(page).value == "teaching"


def test_step_and_a_year_advance_the_week_and_change_the_kpis(page):
    before = {k: kpi_html(page, k) for k in ("escalations_per_1000", "waiting_list", "workload")}
    costs_before = html_of(page, "kpi-costs")
    click(page, "step-button")
    wait_until(lambda: week_text(page) == "Week 1 van 260", "week 1")
    click(page, "year-button")
    wait_until(lambda: week_text(page) == "Week 53 van 260", "week 53")
    after = {k: kpi_html(page, k) for k in before}
    assert after != before or html_of(page, "kpi-costs") != costs_before
    # Reset goes back to week 0 with the same levers
    click(page, "reset-button")
    wait_until(lambda: week_text(page) == "Week 0 van 260", "reset to week 0")


def test_play_runs_weeks_and_pause_stops(page):
    click(page, "play-button")
    wait_until(lambda: int(re.search(r"\d+", week_text(page)).group()) >= 3, "playing")
    click(page, "play-button")  # now "Pause"
    wait_until(lambda: "Afspelen" in page.find(v.Btn, class_="play-button").widget.children,
               "paused")
    time.sleep(1.5)  # a step under way when Pause was clicked finishes
    stopped_at = week_text(page)
    time.sleep(1.0)
    assert week_text(page) == stopped_at


def test_language_switch_changes_every_label(page):
    nl_page = texts(page)
    switch_language(page, "en")
    wait_until(lambda: week_text(page) == "Week 0 of 260", "English week label")
    en_page = texts(page)
    assert "Play" in page.find(v.Btn, class_="play-button").widget.children
    assert "What to notice" in en_page and "Wat valt op" not in en_page

    def only(lang: str, other: str) -> set[str]:
        return {t for k, t in TEXTS[lang].items()
                if "{" not in t and t != TEXTS[other][k] and len(t) > 3
                and t not in TEXTS[other].values()}

    nl_only, en_only = only("nl", "en"), only("en", "nl")
    left_in_english = sorted(t for t in nl_only if t in en_page)
    assert not left_in_english, f"Dutch labels left after switching: {left_in_english}"
    assert len([t for t in en_only if t in en_page]) >= 30
    assert len([t for t in nl_only if t in nl_page]) >= 30
    switch_language(page, "nl")
    wait_until(lambda: week_text(page) == "Week 0 van 260", "back to Dutch")


def test_letters_in_the_seed_are_refused_with_a_message(page):
    click(page, "step-button")
    wait_until(lambda: week_text(page) == "Week 1 van 260", "week 1")
    seed = page.find(v.TextField, class_="seed-input").widget
    seed.v_model = "12abc"
    seed.fire_event("keyup.enter", None)
    wait_until(lambda: seed.error, "field error")
    click(page, "reset-button")
    wait_until(lambda: "12abc" in alert_text(page), "the message")
    assert "heel getal" in alert_text(page)
    time.sleep(0.3)
    assert week_text(page) == "Week 1 van 260"  # nothing was reset
    switch_language(page, "en")
    wait_until(lambda: "whole number" in alert_text(page), "message in English")
    seed = page.find(v.TextField, class_="seed-input").widget
    seed.v_model = "7"
    seed.fire_event("keyup.enter", None)
    click(page, "reset-button")
    wait_until(lambda: week_text(page) == "Week 0 of 260", "reset with seed 7")
    wait_until(lambda: not alert_text(page), "no message")


def test_typed_seed_is_kept_while_playing_and_applied_on_enter(page):
    def in_force() -> str:
        return " ".join(w.children[0] for w in page.find(v.Html).widgets
                        if "in-force" in (w.class_ or "").split())

    assert "seed 1," in in_force()
    click(page, "play-button")
    seed = page.find(v.TextField, class_="seed-input").widget
    seed.v_model = "123456"
    start = int(re.search(r"\d+", week_text(page)).group())
    wait_until(lambda: int(re.search(r"\d+", week_text(page)).group()) >= start + 4,
               "the page redrawn for four more weeks")
    assert seed.v_model == "123456" and "seed 1," in in_force()
    assert "Nog niet toegepast" in texts(page)
    seed.fire_event("keyup.enter", None)
    wait_until(lambda: "seed 123456," in in_force(), "the seed in force")
    wait_until(lambda: week_text(page) == "Week 0 van 260", "started again")
    assert seed.v_model == "123456" and "Nog niet toegepast" not in texts(page)


def test_households_out_of_range_is_refused(page):
    field = page.find(v.TextField, class_="households-input").widget
    field.v_model = "5"
    field.fire_event("keyup.enter", None)
    click(page, "reset-button")
    wait_until(lambda: "100" in alert_text(page), "the message")
    assert "50.000" in alert_text(page)  # numbers written the Dutch way


def test_levers_apply_to_the_run_and_show_in_the_csv(page):
    slider = page.find(v.Slider).widgets
    assert len(slider) >= 4
    fte_slider = [w for w in slider if w.max == 2.0 and w.step == 0.05][0]
    fte_slider.v_model = 1.0
    wait_until(lambda: "1,00" in html_blocks(page, "lever-label")[0].unsafe_innerHTML, "label")
    checkbox = [w for w in page.find(v.Checkbox).widgets if w.label == "school"][0]
    checkbox.v_model = True
    click(page, "step-button")
    wait_until(lambda: week_text(page) == "Week 1 van 260", "week 1")
    download = csv_download(page)
    download.request_download = True
    wait_until(lambda: download.bytes, "CSV bytes")
    df = pd.read_csv(io.BytesIO(download.bytes), sep=";", decimal=",")  # Dutch, as the page
    assert list(df["week"]) == [1]
    assert df.loc[0, "fte_per_1000"] == 1.0 and df.loc[0, "partners"] == "school"
    assert "Wachtlijst (huishoudens)" in df.columns  # label and unit in the page's language
    assert download.filename == "wijksim_teaching_seed1_nl.csv"


def csv_download(rc):
    """The CSV download (the page also offers chart PNGs and, after a comparison, the brief)."""
    widgets = [w for w in rc.find(FileDownloadWidget).widgets if w.filename.endswith(".csv")]
    assert len(widgets) == 1
    return widgets[0]


def test_structure_toggle_and_preset_choice(page):
    toggle = page.find(v.BtnToggle, class_="structure-switch").widget
    toggle.v_model = 1  # integrated
    wait_until(lambda: "integraal" in html_blocks(page, "lever-label")[1].unsafe_innerHTML,
               "label")
    preset_picker(page).vue_pick("early_signalling")
    wait_until(lambda: week_text(page) == "Week 0 van 260", "preset built")
    wait_idle(page)
    boxes = {w.label: w.v_model for w in page.find(v.Checkbox).widgets}
    assert all(boxes.values()) and len(boxes) == 6  # the preset engages every partner
    assert preset_picker(page).value == "early_signalling"
    wait_until(lambda: "Vroegsignalering met alle partners" in texts(page), "its teacher notes")


def test_comparison_shows_policy_baseline_and_difference(page):
    checkbox = [w for w in page.find(v.Checkbox).widgets if w.label == "schuldeisers (Wgs)"][0]
    checkbox.v_model = True
    click(page, "year-button")
    wait_until(lambda: week_text(page) == "Week 52 van 260", "a year")
    click(page, "compare-button")
    wait_until(lambda: html_blocks(page, "compare-result"), "comparison table")
    table = html_of(page, "compare-result")
    assert "dit beleid" in table and "basislijn" in table and "verschil" in table
    assert "data-kpi='signals_per_1000'" in table
    row = re.search(r"data-kpi='signals_per_1000'>(.*?)</tr>", table).group(1)
    assert "+" in row  # creditors add signals
    wait_until(lambda: "basislijn" in kpi_html(page, "waiting_list"), "baseline on cards")
    click(page, "step-button")  # both models step on
    wait_until(lambda: "laatste 13 weken" in texts(page), "the cards' window")
    # the table shows what the cards show: the same window, the same numbers
    table = html_of(page, "compare-result")
    card = kpi_number(page, "waiting_list")
    row = re.search(r"data-kpi='waiting_list'>(.*?)</tr>", table).group(1)
    assert card in row


def test_a_preset_without_teacher_notes_shows_its_description(tmp_path, monkeypatch):
    from wijksim.app.page import TeacherPanel

    (tmp_path / "mine.toml").write_text('description = "My own wijk, for a workshop."\n')
    monkeypatch.setenv("WIJKSIM_CONFIGS", str(tmp_path))
    _, rc = solara.render(TeacherPanel("en", "mine"), handle_error=False)
    try:
        shown = texts(rc)
        assert "My own wijk, for a workshop." in shown
        assert "No teaching notes" in shown and "What to notice" not in shown
    finally:
        rc.close()


def test_two_sessions_keep_their_own_state():
    _, one = solara.render(Page(), handle_error=False)
    _, two = solara.render(Page(), handle_error=False)
    try:
        click(one, "year-button")
        wait_until(lambda: week_text(one) == "Week 52 van 260", "session one ran a year")
        switch_language(two, "en")
        wait_until(lambda: week_text(two) == "Week 0 of 260", "session two in English")
        assert week_text(one) == "Week 52 van 260"
        assert week_text(two) == "Week 0 of 260"
    finally:
        one.close()
        two.close()


@pytest.fixture()
def short_page(tmp_path, monkeypatch):
    """The page on a teaching preset of 30 weeks and a short spin-up (paired runs take time)."""
    (tmp_path / "teaching.toml").write_text(
        f'extends = "{(ROOT / "configs" / "teaching.toml").as_posix()}"\n'
        '[run]\nweeks = 30\nspinup_years = 3\n')
    monkeypatch.setenv("WIJKSIM_CONFIGS", str(tmp_path))
    box, rc = solara.render(Page(), handle_error=False)
    yield rc
    rc.close()


def test_paired_comparison_with_a_saved_scenario_and_the_brief(short_page):
    page = short_page
    wait_idle(page)
    name = page.find(v.TextField, class_="save-name").widget
    name.v_model = "reactief"
    click(page, "save-button")
    wait_until(lambda: "reactief" in page.find(v.Select, class_="reference-select").widget.items,
               "the saved scenario to choose")
    click(page, "step-button")
    wait_until(lambda: week_text(page) == "Week 1 van 30", "week 1")
    checkbox = [w for w in page.find(v.Checkbox).widgets if w.label == "schuldeisers (Wgs)"][0]
    checkbox.v_model = True
    page.find(v.Select, class_="reference-select").widget.v_model = "reactief"
    page.find(v.Select, class_="seeds-select").widget.v_model = 2
    wait_idle(page)
    click(page, "paired-button")
    wait_until(lambda: html_blocks(page, "paired-result"), "the paired comparison", 240)
    table = html_of(page, "paired-result")
    assert "reactief" in table and "policy" in table and "95%-interval" in table
    assert "data-kpi='cost_gemeente'" in table
    assert "2 gepaarde seeds" in texts(page)
    def brief_downloads() -> list:
        return [w for w in page.find(FileDownloadWidget).widgets if w.filename.endswith(".html")]

    wait_until(lambda: len(brief_downloads()) == 1, "the brief's download")
    brief = brief_downloads()
    brief[0].request_download = True
    wait_until(lambda: brief[0].bytes, "the brief", 120)
    html = brief[0].bytes.decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Notitie: policy vergeleken met reactief" in html
    charts = [w for w in page.find(FileDownloadWidget).widgets if w.filename.endswith(".png")]
    assert charts  # the chart as PNG
    charts[0].request_download = True
    wait_until(lambda: charts[0].bytes, "the PNG")
    assert bytes(charts[0].bytes[:4]) == b"\x89PNG"


def test_a_multi_wijk_preset_has_a_wijk_picker_and_small_multiples(tmp_path, monkeypatch):
    (tmp_path / "twee.toml").write_text(
        'description = "two wijken"\n[run]\nweeks = 20\nwarmup_weeks = 2\nspinup_years = 1\n'
        '[population]\nhouseholds = 600\n\n[[wijken]]\nname = "Noord"\nhouseholds = 200\n\n'
        '[[wijken]]\nname = "Zuid"\nhouseholds = 400\nlow_income_share = 0.2\n')
    (tmp_path / "teaching.toml").write_text(
        'description = "one"\n[run]\nweeks = 20\nwarmup_weeks = 2\nspinup_years = 1\n'
        '[population]\nhouseholds = 300\n')
    monkeypatch.setenv("WIJKSIM_CONFIGS", str(tmp_path))
    _, rc = solara.render(Page(), handle_error=False)
    try:
        wait_idle(rc)
        preset_picker(rc).vue_pick("twee")
        wait_until(lambda: week_text(rc) == "Week 0 van 20", "two wijken built")
        wait_idle(rc)
        click(rc, "step-button")
        wait_until(lambda: week_text(rc) == "Week 1 van 20", "week 1")
        picker = rc.find(v.Select, class_="wijk-select").widget
        assert picker.items == ["hele gemeente", "Noord", "Zuid"]
        # the policy cycle's levers: reallocate, merged teams, review every 13 weeks
        for name, index, shown in (("reallocate", 0, "aan"), ("practice_link", 1, "samengevoegd"),
                                   ("cycle_weeks", 0, "13")):
            rc.find(v.BtnToggle, class_=f"{name}-switch").widget.v_model = index
            wait_until(lambda n=name, t=shown: any(
                f"lever-value-{n}'>{t}" in b.unsafe_innerHTML
                for b in html_blocks(rc, "lever-label")), name)
        click(rc, "year-button")  # to the end: week 20, a review in week 13
        wait_until(lambda: week_text(rc) == "Week 20 van 20", "week 20")
        wait_idle(rc)
        download = csv_download(rc)
        download.request_download = True
        wait_until(lambda: download.bytes, "CSV bytes")
        df = pd.read_csv(io.BytesIO(download.bytes), sep=";", decimal=",")
        later = df[df["week"] >= 2]  # the levers apply from the next week on
        assert set(later["practice_link"]) == {"merged"} and set(later["cycle_weeks"]) == {13}
        moved = df.filter(like="Herverdelingen").iloc[:, 0]
        assert moved[df["week"] == 13].item() > 0 and moved[df["week"] != 13].sum() == 0
        multiples = json.loads(rc.find(EChart, name="wijken").widget.spec)  # drawn in the browser
        assert {s["name"] for s in multiples["series"]} == {"Noord", "Zuid"}
        picker.v_model = "Zuid"
        wait_until(lambda: rc.find(v.Select, class_="wijk-select").widget.v_model == "Zuid",
                   "Zuid chosen")
    finally:
        rc.close()


def lever_shown(rc, name: str) -> str:
    """The value a lever's label shows (e.g. '0,80')."""
    label = next(b.unsafe_innerHTML for b in html_blocks(rc, "lever-label")
                 if f"lever-value-{name}'" in b.unsafe_innerHTML)
    return re.search(rf"lever-value-{name}'>([^<]*?) ?<", label).group(1)


def in_force(rc) -> str:
    return " ".join(w.children[0] for w in rc.find(v.Html).widgets
                    if "in-force" in (w.class_ or "").split())


def test_back_to_the_preset_and_the_same_preset_again_restore_levers_and_seed(page):
    fte = [w for w in page.find(v.Slider).widgets if w.max == 2.0 and w.step == 0.05][0]
    fte.v_model = 1.2
    seed = page.find(v.TextField, class_="seed-input").widget
    seed.v_model = "7"
    seed.fire_event("keyup.enter", None)
    wait_until(lambda: "seed 7," in in_force(page), "seed 7 in force", SPIN_UP)
    assert lever_shown(page, "fte_per_1000") == "1,20"
    click(page, "restore-button")
    wait_until(lambda: "seed 1," in in_force(page), "the preset's seed")
    assert lever_shown(page, "fte_per_1000") == "0,50" and seed.v_model == "1"
    fte.v_model = 0.8
    wait_until(lambda: lever_shown(page, "fte_per_1000") == "0,80", "a lever moved again")
    preset_picker(page).vue_pick("teaching")  # the preset on the page, chosen again
    wait_until(lambda: lever_shown(page, "fte_per_1000") == "0,50", "the preset's levers")
    wait_idle(page)
    assert week_text(page) == "Week 0 van 260"


@pytest.fixture()
def routed():
    """The page as the server shows it: under Solara's router, opened with a link."""
    def open_with(query: str):
        root = solara.RoutingProvider(children=[Page()], routes=[solara.Route("/")],
                                      pathname=f"/?{query}")
        _, rc = solara.render(root, handle_error=False)
        opened.append(rc)
        return rc

    opened: list = []
    yield open_with
    for rc in opened:
        rc.close()


def location(rc) -> str:
    return rc.find(solara_widgets.Navigator).widget.location


def test_the_page_reads_its_url_and_keeps_it_in_step(routed):
    rc = routed("preset=teaching&seed=7&fte_per_1000=0.8&partners=school,gp&outreach_share=lots")
    assert lever_shown(rc, "fte_per_1000") == "0,80" and "seed 7," in in_force(rc)
    boxes = {w.label for w in rc.find(v.Checkbox).widgets if w.v_model}
    assert boxes == {"school", "huisarts"}
    assert lever_shown(rc, "outreach_share") == "2"  # the preset's, the bad value ignored
    notice = alert_text(rc)
    assert "outreach_share=lots" in notice and "Traceback" not in notice
    # a lever moved: the URL follows, with every lever in it
    fte = [w for w in rc.find(v.Slider).widgets if w.max == 2.0 and w.step == 0.05][0]
    fte.v_model = 1.1
    wait_until(lambda: "fte_per_1000=1.1&" in location(rc), "the URL to follow the lever")
    assert "preset=teaching&seed=7&" in location(rc)
    assert "partners=school,gp&" in location(rc)
    # the browser's back button: the page takes up the URL it goes back to
    rc.find(solara_widgets.Navigator).widget.location = "/?preset=teaching&seed=1"
    wait_until(lambda: "seed 1," in in_force(rc), "the scenario of the URL gone back to")
    assert lever_shown(rc, "fte_per_1000") == "0,50" and not alert_text(rc)
    assert location(rc) == "/?preset=teaching&seed=1"  # not written again: forward still works


def test_the_picker_names_presets_in_the_pages_language_and_leaves_out_non_scenarios(page):
    items = preset_picker(page).items
    names = [i["value"] for i in items]
    assert "calibrated" not in names and names[0] == "teaching" and "almelo" in names
    shown = {i["value"]: i["text"] for i in items}
    assert shown["teaching"] == "Leswijk (3.000 huishoudens)"
    assert all(i["text"] != i["value"] and i["description"] for i in items)
    switch_language(page, "en")
    wait_until(lambda: preset_picker(page).items[0]["text"] == "Teaching wijk (3,000 households)",
               "titles in English")
    english = {i["value"]: i["description"] for i in preset_picker(page).items}
    assert english["baseline"].startswith("Reactive practice")
    assert "For the teacher: Teaching wijk" in texts(page)
