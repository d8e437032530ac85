"""`wijksim brief`: a self-contained page for a council memo, run as a user would."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

WIJKSIM = str(Path(sys.executable).parent / "wijksim")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SMALL = """
description = "{text}"
[run]
weeks = 8
warmup_weeks = 2
spinup_years = 2
[population]
households = 400
[gemeente]
name = "Teststad"
"""


def wijksim(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([WIJKSIM, *args], cwd=cwd, capture_output=True, text=True, timeout=400)


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("brief")
    (folder / "reactive.toml").write_text(SMALL.format(text="the reference"))
    (folder / "signalling.toml").write_text(
        SMALL.format(text="partners signal early")
        + '[signalling]\npartners = ["school", "gp", "creditors"]\n[team]\noutreach_share = 0.1\n'
    )
    return folder


@pytest.fixture(scope="module")
def pages(scenarios: Path) -> dict[str, str]:
    out = {}
    for lang in ("nl", "en"):
        path = scenarios / f"brief_{lang}.html"
        result = wijksim("brief", "reactive.toml", "signalling.toml", "--out", str(path),
                         "--replicates", "2", "--lang", lang, cwd=scenarios)
        assert result.returncode == 0, result.stderr
        out[lang] = path.read_text(encoding="utf-8")
    return out


def test_brief_leads_with_the_gemeente_budget_and_says_per_year(pages):
    nl, en = pages["nl"], pages["en"]
    assert "Notitie: signalling vergeleken met reactive" in nl
    assert "Brief: signalling compared with reactive" in en
    costs = nl[nl.index('id="costs"'):nl.index('id="headline"')]
    assert costs.index("Budget gemeente") < costs.index("Betaald door anderen")
    assert costs.index("Kosten gemeente") < costs.index("Kosten Wlz")
    assert "per jaar" in costs and "over 0,2 jaar" in costs  # 8 weeks, a decimal comma
    assert "x € 1.000" in nl and "x EUR 1,000" in en
    assert "Teststad" in nl


def test_brief_names_the_levers_that_differ_and_how_to_reproduce(pages):
    page = pages["en"]
    levers = page[page.index('id="levers"'):page.index('id="costs"')]
    assert "signalling.partners" in levers and "team.outreach_share" in levers
    assert "run.weeks" not in levers  # the same in both
    assert re.search(r"Seeds \(2\): \d+, \d+", page)
    assert "wijksim brief reactive.toml signalling.toml" in page
    assert page.count("<details>") == 2  # both configs, in full


def test_brief_shows_the_patterns_the_levers_bear_on(pages):
    page = pages["en"]
    part = page[page.index("How far the model"):page.index('id="all"')]
    for key in ("P1", "P2", "P3", "P7"):  # partners -> P1, P2; outreach -> P3; always P7
        assert f"<td>{key}</td>" in part or "No validation report" in part
    assert "<td>P5</td>" not in part  # network first did not change


@pytest.mark.browser
@pytest.mark.timeout(240)
def test_brief_renders_in_chromium_with_nothing_off_the_machine(scenarios, pages):
    from playwright.sync_api import sync_playwright

    path = scenarios / "brief_nl.html"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        assert page.locator("h1").inner_text().startswith("Notitie")
        box = page.locator("#chart").bounding_box()
        assert box is not None and box["width"] > 300  # the embedded chart is drawn
        assert page.evaluate("document.querySelector('#chart').naturalWidth") > 300
        rows = page.locator("#costs tbody tr").count()
        assert rows >= 12
        pdf = scenarios / "brief.pdf"
        page.pdf(path=str(pdf))  # prints to PDF as a browser would
        assert pdf.stat().st_size > 10_000
        browser.close()
    off = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert off == [], off


@pytest.mark.parametrize(("args", "message"), [
    (("reactive.toml",), "give two scenario files"),
    (("reactive.toml", "signalling.toml", "--lang", "fr"), "choose nl or en"),
    (("reactive.toml", "signalling.toml", "--window", "from:99"), "outside weeks"),
    (("reactive.toml", "missing.toml"), "no such file"),
])
def test_bad_brief_input_is_one_error_line(scenarios: Path, args, message):
    out = scenarios / "bad.html"
    result = wijksim("brief", *args, "--out", str(out), "--replicates", "2", cwd=scenarios)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
    assert not out.exists()
