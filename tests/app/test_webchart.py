"""Charts drawn in the browser: the data the server sends (ECharts options), frames pushed to the
chart widget, the shared drawing budget and the page rates under load. No browser needed."""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from helpers import ROOT

from wijksim.app import charts
from wijksim.app.i18n import tr
from wijksim.app.render_slot import RenderSlot, intervals
from wijksim.app.session import Simulation, settings_for_preset
from wijksim.app.webchart import ChartFeed, EChart, clean, json_option

CONFIGS = ROOT / "configs"


@pytest.fixture(scope="module")
def sim() -> Simulation:
    """The teaching wijk, compared with its baseline, with one lever change after week 4."""
    s = Simulation(folder=CONFIGS)
    s.reset(settings_for_preset("teaching", folder=CONFIGS))
    s.compare()
    s.step(4)
    s.set_levers(replace(s.settings.levers, fte_per_1000=1.0, structure="integrated"))
    s.step(6)
    return s


def option_of(sim: Simulation, lang: str = "en") -> dict:
    with sim.lock:
        policy = charts.history_frame(sim.history, charts.CHART_COLUMNS)
        base = charts.history_frame(sim.baseline_history, charts.CHART_COLUMNS)
    return charts.timeseries_option(policy, base, sim.lever_changes, lang)


def test_the_chart_has_every_panel_the_baseline_and_numbered_lever_changes(sim):
    option = json.loads(json_option(option_of(sim)))  # what the browser gets: valid JSON
    names = [s["name"] for s in option["series"]]
    assert names.count("this policy") == len(charts.PANELS)
    assert names.count("baseline") == len(charts.PANELS) + 1  # and the baseline's total cost
    assert len(option["grid"]) == len(option["xAxis"]) == len(charts.PANELS) + 1
    weeks = len(sim.history)
    policy = [s for s in option["series"] if s["name"] == "this policy"]
    assert all(len(s["data"]) == weeks for s in policy)
    assert policy[0]["data"][-1][0] == sim.week
    marked = [m for s in option["series"] for m in s.get("markLine", {}).get("data", [])
              if "xAxis" in m and m["label"]["formatter"] == "1"]
    assert len(marked) == len(charts.PANELS) + 1  # the change, numbered, in every panel
    assert {m["xAxis"] for m in marked} == {4.5}  # between week 4 and week 5
    assert any("markArea" in s for s in option["series"])  # the warm-up shaded
    caption = charts.lever_change_caption(sim.lever_timeline, "en")
    assert len(caption) == 1 and caption[0].startswith("1: from week 5:")
    assert "Staffing" in caption[0] and "integrated" in caption[0]


def test_the_cost_bands_stack_to_the_total(sim):
    option = option_of(sim)
    bands = {s["name"]: s for s in option["series"] if "areaStyle" in s}
    assert len(bands) == len(charts.COST_PARTS)
    top = bands[tr("en", f"kpi.{charts.COST_PARTS[-1]}")]  # the band on top: the running total
    last = top["data"][-1][1]
    frame = charts.history_frame(sim.history, charts.CHART_COLUMNS)
    expected = sum(charts.smooth(frame[c]).iloc[-1] for c in charts.COST_PARTS) / 1e6
    assert last == pytest.approx(expected, rel=1e-3)


def test_numbers_are_rounded_and_nan_is_null():
    assert clean([1234.5678, 0.000123456, float("nan"), 0.0, -2.5, math.inf]) == [
        1235.0, 0.0001235, None, 0.0, -2.5, None]
    assert clean(np.array([1.0, 2.0])) == [1.0, 2.0]
    assert json_option(None) == ""
    with pytest.raises(ValueError):
        json.dumps({"x": float("nan")}, allow_nan=False)  # why clean() is needed


def test_the_class_chart_and_small_multiples_carry_their_lines():
    option = charts.lines_option({"A": ([1, 2], [3.0, 4.0]), "B": ([1, 2], [5.0, float("nan")])},
                                 "Waiting list", "households", "en")
    assert [s["name"] for s in option["series"]] == ["A", "B"]
    assert option["series"][1]["data"] == [[1, 5.0], [2, None]]

    frame = pd.DataFrame({"week": [1, 2, 1, 2], "wijk": ["N", "N", "Z", "Z"],
                          **{k: [1.0, 2.0, 3.0, 4.0] for k in charts.WIJK_PANELS},
                          "reallocations": [0, 1, 0, 0]})
    multiples = charts.wijk_option(frame, "en")
    assert {s["name"] for s in multiples["series"]} == {"N", "Z"}
    assert len(multiples["series"]) == 2 * len(charts.WIJK_PANELS)


def test_a_feed_sets_the_attached_widget_and_nothing_once_detached():
    feed = ChartFeed()
    assert not feed.update()  # nothing attached
    widget = EChart()
    frames = iter(range(100))
    feed.make = lambda: {"series": [{"data": [[1, next(frames)]]}]}
    detach = feed.attach(widget)
    assert feed.update() and json.loads(widget.spec)["series"][0]["data"] == [[1, 0]]
    assert feed.update() and json.loads(widget.spec)["series"][0]["data"] == [[1, 1]]
    detach()
    assert not feed.update() and json.loads(widget.spec)["series"][0]["data"] == [[1, 1]]
    widget.close()


def test_the_slot_draws_one_at_a_time_within_its_duty_and_drops_stale_frames():
    slot = RenderSlot(duty=0.5)
    inside, most = [0], [0]
    lock = threading.Lock()

    def draw() -> str:
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.05)
        with lock:
            inside[0] -= 1
        return "png"

    start = time.monotonic()
    threads = [threading.Thread(target=slot.run, args=(draw,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - start
    assert most[0] == 1  # never two drawings at once
    assert took >= 4 * 0.05 + 3 * 0.05 * 0.9  # each drawing followed by as long a pause
    cancel = threading.Event()
    cancel.set()
    assert slot.run(draw, cancel) is None  # a superseded frame is not drawn


def test_page_rates_keep_every_chart_above_a_frame_a_second():
    for playing in (1, 2, 8, 25, 40):
        chart, page = intervals(playing)
        assert chart < 1.0 and page >= chart
    assert intervals(25)[1] > intervals(2)[1]  # the page renders space out with more sessions


def test_a_playing_page_counts_as_playing_until_its_tab_closes_and_its_chart_moves():
    import ipyvuetify as v
    import solara

    from wijksim.app.page import Page
    from wijksim.app.render_slot import PLAYING

    before = PLAYING.count
    _, rc = solara.render(Page(), handle_error=False)
    try:
        chart = rc.find(EChart, name="timeseries").widget
        start = json.loads(chart.spec)["series"][0]["data"][-1][0]
        rc.find(v.Btn, class_="play-button").widget.click()
        deadline = time.monotonic() + 60
        while PLAYING.count != before + 1 or json.loads(chart.spec)["series"][0]["data"][-1][0] \
                < start + 3:
            assert time.monotonic() < deadline, (PLAYING.count, chart.spec[:200])
            time.sleep(0.05)
    finally:
        rc.close()  # the tab closes while playing
    deadline = time.monotonic() + 30
    while PLAYING.count != before:
        assert time.monotonic() < deadline, PLAYING.count
        time.sleep(0.05)
