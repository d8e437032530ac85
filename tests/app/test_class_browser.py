"""Issue 14 in a real browser: charts that keep up under load (benchmarks/app_load.py with two
sessions) and the class exercise (a lecturer and three groups; a wrong code refused).

One `wijksim app --join-code KLAS-7` on a loopback port serves the module (started and stopped
by benchmarks/app_load.py's helpers); its log must hold no traceback at the end, although the
load benchmark closes its tabs while they play.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(420)]

from helpers import ROOT  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
import app_load  # noqa: E402

OUTPUT = ROOT / "tests" / "output"
CODE = "KLAS-7"
WAIT = 90_000  # ms


@pytest.fixture(scope="module")
def server():
    OUTPUT.mkdir(parents=True, exist_ok=True)
    log = OUTPUT / "class_server.log"
    proc, url = app_load.start_app(log, "--join-code", CODE.lower())
    try:
        yield url
    finally:
        app_load.stop_app(proc)
    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=app_load.CHROMIUM, args=app_load.CHROMIUM_ARGS)
        yield b
        b.close()


def test_the_load_benchmark_runs_and_the_charts_update(server, tmp_path):
    out = tmp_path / "load.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "app_load.py"), "--sessions", "2",
         "--seconds", "4", "--json", str(out), "--url", server],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(out.read_text())
    assert {"sessions", "chart_updates_per_s_min", "step_latency_ms_median"} <= figures.keys()
    assert figures["sessions"] == 2 and len(figures["pages"]) == 2
    assert figures["chart_updates_per_s_min"] > 0  # every page's chart was redrawn
    assert all(p["weeks_per_s"] > 0 for p in figures["pages"])  # and played
    assert figures["step_latency_ms_median"] is not None and figures["step_samples"] >= 1
    assert "chart updates/s" in result.stdout and "slowest page" in result.stdout


def open_page(browser, url: str):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.goto(url)
    page.locator(".kpi-value").first.wait_for(state="visible", timeout=WAIT)
    page.locator(".week-label").filter(has_text=re.compile(r"Week 0 van")).wait_for(timeout=WAIT)
    return context, page


def join(page, group: str, code: str | None = None) -> None:
    if code is not None:
        page.locator(".class-code input").fill(code)
    page.locator(".class-group input").fill(group)
    page.locator(".class-join").click()


def table_rows(page) -> list[list[str]]:
    rows = page.locator(".class-table tr[data-group]")
    return [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]


def test_a_lecturer_sees_three_groups_side_by_side_and_a_wrong_code_is_refused(server, browser):
    ctx, lecturer = open_page(browser, server)
    contexts = [ctx]
    try:
        lecturer.locator(".class-open").click()
        lecturer.locator(".class-title").filter(has_text=CODE).wait_for(timeout=WAIT)
        assert "?class=KLAS-7" in lecturer.locator(".lecturer-view").inner_text()

        def more_staff(page) -> None:  # staffing to its maximum
            page.locator(".lever-fte_per_1000 [role=slider]").focus()
            page.keyboard.press("End")
            page.locator(".lever-value-fte_per_1000").filter(has_text="2,00").wait_for(
                timeout=WAIT)

        def integrated(page) -> None:
            page.locator(".structure-integrated").click()
            page.locator(".lever-value-structure").filter(has_text="integraal").wait_for(
                timeout=WAIT)

        def partners(page) -> None:
            for kind in ("school", "huisarts", "supermarkt"):
                page.get_by_text(kind, exact=True).click()
            page.locator(".lever-partners .lever-label").filter(has_text="3/6").wait_for(
                timeout=WAIT)

        groups = []
        for name in ("Groep A", "Groep B", "Groep C"):  # each step for all three, in turn
            ctx, page = open_page(browser, server + f"?class={CODE.lower()}")
            contexts.append(ctx)
            assert page.locator(".class-code input").input_value() == CODE.lower()  # the link's
            join(page, name)
            groups.append((name, page))
        for (name, page), levers in zip(groups, (more_staff, integrated, partners), strict=True):
            page.locator(".class-joined").filter(has_text=name).wait_for(timeout=WAIT)
            # the class's wijk and seed: no preset, seed or size to change
            page.locator(".settings-panel").wait_for(state="detached", timeout=WAIT)
            page.locator(".week-label").filter(has_text="Week 0 van").wait_for(timeout=WAIT)
            page.locator(".reset-button:not([disabled])").wait_for(timeout=WAIT)
            levers(page)
            page.locator(".year-button").click()
        for _, page in groups:
            page.locator(".week-label").filter(has_text="Week 52 van").wait_for(timeout=WAIT)

        deadline = WAIT / 1000

        def ready() -> bool:
            rows = table_rows(lecturer)
            return len(rows) == 3 and all(r[1].startswith("52/") for r in rows)

        start = time.monotonic()
        while not ready():
            assert time.monotonic() - start < deadline, table_rows(lecturer)
            lecturer.wait_for_timeout(250)
        rows = table_rows(lecturer)
        assert [r[0] for r in rows] == ["Groep A", "Groep B", "Groep C"]
        assert len({r[2] for r in rows}) == 3  # three sets of levers
        assert len({tuple(r[3:]) for r in rows}) == 3, rows  # and three sets of results
        assert all(re.search(r"\d", cell) for r in rows for cell in r[3:])
        chart = json.loads(lecturer.evaluate(
            "() => JSON.stringify((window.wijksimChartUpdates || []).filter("
            "u => u.chart === 'class').length)"))
        assert chart >= 1  # the class chart was drawn in the browser

        ctx, stranger = open_page(browser, server)
        contexts.append(ctx)
        join(stranger, "Indringer", code="KLAS-8")
        stranger.locator(".class-error").filter(has_text="Toegang geweigerd").wait_for(
            timeout=WAIT)
        assert stranger.locator(".class-joined").count() == 0
        assert stranger.locator(".class-table").count() == 0
        assert len(table_rows(lecturer)) == 3  # nobody was added
        OUTPUT.mkdir(parents=True, exist_ok=True)
        lecturer.screenshot(path=str(OUTPUT / "class_lecturer.png"), full_page=False)
    finally:
        for ctx in contexts:
            ctx.close()
