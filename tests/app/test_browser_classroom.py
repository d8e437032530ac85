"""The app in class, in a real browser (issue 14): typing that is kept while the model runs, a
link that reproduces a scenario, presentation mode at 1280x720, and tabs closed mid-redraw.

Marked ``browser``; one `wijksim app` for the module (its log: tests/output/classroom_server.log,
which must hold no traceback). Helpers and the browser come from test_browser.
"""

from __future__ import annotations

import re

import pytest
import test_browser
from test_browser import OUTPUT, WAIT, eventually, open_app, serve_app, wait_text

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
