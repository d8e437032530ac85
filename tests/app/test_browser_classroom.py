"""The app in class, in a real browser (issue 14): typing that is kept while the model runs, a
link that reproduces a scenario, presentation mode at 1280x720, and tabs closed mid-redraw.

Marked ``browser``; one `wijksim app` for the module (its log: tests/output/classroom_server.log,
which must hold no traceback). Helpers and the browser come from test_browser.
"""

from __future__ import annotations

import re

import pytest
import test_browser
from test_browser import (
    OUTPUT,
    WAIT,
    eventually,
    kpi_values,
    open_app,
    serve_app,
    slide_to,
    wait_text,
)

browser = test_browser.browser  # the chromium fixture, one per module

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

LOG = OUTPUT / "classroom_server.log"


@pytest.fixture(scope="module")
def server():
    """The app for this module; its log must hold no traceback afterwards."""
    with serve_app(LOG) as url:
        yield url
    server_log = LOG.read_text()
    assert "Traceback" not in server_log, server_log


def week_number(page) -> int:
    return int(re.search(r"Week (-?\d+)", page.locator(".week-label").inner_text()).group(1))


def test_typing_is_kept_while_the_model_runs_and_applied_on_confirm(server, browser):
    context, page, traffic, _ = open_app(browser, server)
    try:
        in_force = page.locator(".in-force")
        assert re.search(r"seed 1\b", in_force.inner_text())
        # while playing: every redraw of the page leaves the typed text alone
        page.locator(".play-button").click()
        eventually(page, lambda: week_number(page) >= 2, "the model to play")
        seed = page.locator(".seed-input input")
        seed.click()
        seed.press("Control+a")
        seed.type("123456", delay=60)
        started = week_number(page)
        eventually(page, lambda: week_number(page) >= started + 4, "four more weeks")
        assert seed.input_value() == "123456"
        assert re.search(r"seed 1\b", in_force.inner_text())  # not applied yet
        page.locator(".pending-hint").wait_for(timeout=WAIT)
        seed.press("Enter")  # confirmed: the run starts again with it
        wait_text(page, ".in-force", r"seed 123456\b")
        wait_text(page, ".week-label", r"Week 0 van")
        assert seed.input_value() == "123456"

        # during "1 year" (the page redraws as the year runs): households typed, then Apply
        page.locator(".year-button").click()
        households = page.locator(".households-input input")
        households.click()
        households.type("2000", delay=60)
        wait_text(page, ".week-label", r"Week 52 van")
        assert households.input_value() == "2000"
        assert "2.000 huishoudens" not in in_force.inner_text()
        page.locator(".apply-button").click()
        wait_text(page, ".in-force", r"seed 123456, 2\.000 huishoudens")
        wait_text(page, ".week-label", r"Week 0 van")
        assert households.input_value() == "2000" and seed.input_value() == "123456"
    finally:
        context.close()
    assert not traffic.outside() and not traffic.problems, traffic.problems


def levers_shown(page) -> dict[str, str]:
    """What the lever panel shows: each lever's value and the engaged partners."""
    shown = {name: page.locator(f".lever-value-{name}").inner_text()
             for name in ("fte_per_1000", "outreach_share", "structure")}
    shown["partners"] = ",".join(
        label for label in page.locator(".lever-partners .v-input--is-label-active label")
        .all_inner_texts())
    return shown


def test_a_link_reproduces_the_scenario_and_the_preset_can_be_restored(server, browser):
    context, page, traffic, _ = open_app(browser, server)
    slide_to(page.locator(".lever-fte_per_1000 [role=slider]"), 0.8)
    page.locator(".structure-integrated").click()
    page.get_by_text("school", exact=True).click()
    eventually(page, lambda: all(part in page.url for part in (
        "preset=teaching", "seed=1&", "fte_per_1000=0.8&", "team_structure=integrated",
        "partners=school&")), "the URL to hold the levers")
    link, levers = page.url, levers_shown(page)
    assert "0,80" in levers["fte_per_1000"] and levers["partners"] == "school"
    page.locator(".year-button").click()
    wait_text(page, ".week-label", r"Week 52 van")
    eventually(page, lambda: not page.locator(".controls .v-progress-linear").count(), "idle")
    numbers = kpi_values(page)

    # the choice of the same preset again restores its levers (and the URL follows)
    page.locator(".preset-select").click()
    page.locator(".preset-item-teaching").click()
    wait_text(page, ".lever-value-fte_per_1000", r"0,50")
    eventually(page, lambda: "fte_per_1000=0.5&" in page.url, "the URL back at the preset")
    context.close()

    # the link in a fresh browser context: the same levers, and after a year the same numbers
    fresh, page, traffic_2, _ = open_app(browser, link)
    try:
        assert levers_shown(page) == levers
        page.locator(".year-button").click()
        wait_text(page, ".week-label", r"Week 52 van")
        eventually(page, lambda: kpi_values(page) == numbers, "the same KPI cards")
        # back to the preset: its levers and seed
        page.locator(".restore-button").click()
        wait_text(page, ".week-label", r"Week 0 van")
        wait_text(page, ".lever-value-structure", r"verkokerd")
        assert "0,50" in page.locator(".lever-value-fte_per_1000").inner_text()
        eventually(page, lambda: "team_structure=siloed" in page.url, "the URL to follow")
    finally:
        fresh.close()
    for t in (traffic, traffic_2):
        assert not t.outside() and not t.problems, t.problems


def test_a_link_with_bad_values_opens_with_a_notice(server, browser):
    context, page, traffic, _ = open_app(
        browser, server + "?preset=nonsense&seed=-4&outreach_share=0.2&fte_per_1000=lots")
    try:
        notice = page.locator(".link-notice")
        notice.wait_for(timeout=WAIT)
        text = notice.inner_text()
        assert "preset=nonsense" in text and "seed=-4" in text and "fte_per_1000=lots" in text
        assert "Traceback" not in page.locator("body").inner_text()
        assert "20" in page.locator(".lever-value-outreach_share").inner_text()  # the good one
        assert re.search(r"seed 1\b", page.locator(".in-force").inner_text())
    finally:
        context.close()


def test_closing_tabs_while_charts_redraw_logs_no_traceback(server, browser):
    """Tabs closed while playing, at moments spread over the charts' redraw interval.

    The race itself is reproduced in tests/app/test_drawing.py; here the whole server is checked.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    closes = 0
    try:
        for round_ in range(1):  # the race itself: test_drawing.py
            pages = [context.new_page() for _ in range(4)]
            for page in pages:
                page.goto(server)
            for page in pages:
                page.locator(".network-chart img").wait_for(timeout=WAIT)
                page.locator(".play-button").click()
            eventually(pages[-1], lambda p=pages[-1]: week_number(p) >= 3, "the tabs to play")
            for i, page in enumerate(pages):  # 0.13 s apart: across a redraw
                page.wait_for_timeout(130 * (i + round_ * len(pages)) % 1000 + 50)
                page.close()
                closes += 1
        context.new_page().wait_for_timeout(3000)  # the server notices the closed sockets
    finally:
        context.close()
    log = LOG.read_text()
    assert closes == 4
    assert "Traceback" not in log and "no known context" not in log, log[-3000:]
