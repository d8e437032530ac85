"""Check that a Solara page renders offline: every request loopback, none failing.

Starts ``solara run APP`` on 127.0.0.1 (a free port), opens it in Debian's headless chromium through
Playwright, waits for a text to be visible, and lists every request the page made. Exit 0 when all
requests went to loopback, none failed and the text showed; 1 otherwise.

    .venv/bin/python scripts/check_solara_offline.py                 # a one-button test app
    .venv/bin/python scripts/check_solara_offline.py APP.py --expect "some text" --shot /tmp/a.png

Run ``scripts/install_solara_assets.py`` first; ``make check-offline`` does both.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium phones home at start (and fails here).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TEST_APP = '''
import solara

@solara.component
def Page():
    solara.Markdown("# Offline check\\n\\nSome *markdown* (loads mermaid and katex).")
    solara.Button("hi", color="primary", icon_name="mdi-check")
'''
LOOPBACK = ("127.0.0.1", "localhost", "[::1]", "::1")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until ``url`` answers, or fail if the server died or took too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"error: solara exited with {proc.returncode} before serving")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"error: solara did not answer on {url} within {timeout:.0f}s")


def main() -> int:
    """Run the check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", nargs="?", help="a Solara app (file or module); default: test app")
    parser.add_argument("--expect", default="hi", help="text that must become visible")
    parser.add_argument("--shot", default="/tmp/solara_offline.png", help="screenshot path")
    parser.add_argument("--settle", type=float, default=3.0,
                        help="seconds to keep watching requests after the text shows")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    tmpdir = tempfile.TemporaryDirectory(prefix="solara-check-")
    app = args.app
    if app is None:
        app = str(Path(tmpdir.name) / "offline_check_app.py")
        Path(app).write_text(TEST_APP, encoding="utf-8")

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = dict(os.environ, SOLARA_TELEMETRY_MIXPANEL_ENABLE="false")
    solara = Path(sys.executable).with_name("solara")
    log = open(Path(tmpdir.name) / "solara.log", "w+")  # noqa: SIM115 (read back at the end)
    proc = subprocess.Popen(
        [str(solara), "run", app, "--host", "127.0.0.1", "--port", str(port), "--production",
         "--no-open"], env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    requests: list[str] = []
    problems: list[str] = []
    try:
        wait_up(url, proc)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1000, "height": 600})
            page.on("request", lambda r: requests.append(r.url))
            page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} ({r.failure})"))
            page.on("response", lambda r: r.status >= 400
                    and problems.append(f"HTTP {r.status}: {r.url}"))
            page.on("console", lambda m: m.type == "error"
                    and problems.append(f"console error: {m.text}"))
            page.goto(url)
            try:
                page.get_by_text(args.expect, exact=True).first.wait_for(state="visible",
                                                                          timeout=60_000)
            except Exception as e:  # noqa: BLE001 (report, then fail)
                problems.append(f"text {args.expect!r} not visible: {e}")
            page.wait_for_timeout(args.settle * 1000)
            page.screenshot(path=args.shot, full_page=True)
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()

    # Page-internal schemes (data:, blob:) never leave the browser.
    outside = [u for u in requests
               if urlsplit(u).scheme in ("http", "https", "ws", "wss")
               and urlsplit(u).hostname not in LOOPBACK]
    problems += [f"non-loopback request: {u}" for u in outside]
    log.seek(0)
    server_errors = [ln.rstrip() for ln in log if "Could not load URL" in ln or "Traceback" in ln]
    problems += [f"server: {ln}" for ln in server_errors]

    print(f"{len(requests)} requests, {len(requests) - len(outside)} to loopback, "
          f"{len(outside)} elsewhere; screenshot: {args.shot}")
    for u in requests:
        print(f"  {u}")
    for p in problems:
        print(f"PROBLEM {p}")
    print("offline check:", "FAILED" if problems else "ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
