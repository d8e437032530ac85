"""The app under a class: N browser sessions playing at once; how often does each page redraw?

    .venv/bin/python benchmarks/app_load.py --sessions 8 --seconds 20 --json results/load8.json

Starts ``wijksim app`` on a free loopback port (or uses ``--url`` of a started one), opens N
headless chromium sessions (Debian's ``/usr/bin/chromium``; each its own browser context, so its
own server session), presses Play in all of them, and for ``--seconds`` counts in every page the
chart updates its browser applied (``window.wijksimChartUpdates``, kept by the chart widget).
Meanwhile one more session, not counted among the N, clicks Step again and again and times each
click until the page shows the next week: the step latency a user sees while the class plays.
At the end the pages are closed while they still play (as a class leaving), and the server's log
is searched for tracebacks.

The browsers run here, on the server's cores. They run at a lower priority (``--browser-nice``,
default 10), so that they take what the server leaves, as the groups' own laptops would; with
``--browser-nice 0`` they compete with it on equal terms (a class on one computer).

Writes JSON with (a contract) ``sessions``, ``chart_updates_per_s_min`` (chart updates per second
on the slowest page) and ``step_latency_ms_median``, plus the per-page figures, and prints a table.
The server's and the browsers' CPU use are reported too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-renderer-backgrounding", "--disable-background-timer-throttling"]
#: The speed slider's values (weeks per second), as in wijksim.app.page.SPEEDS.
SPEEDS = [1, 2, 4, 8, 13, 26, 52]
DEFAULT_SPEED = 8
SETTLE_S = 3.0  # after Play, before counting
TIMEOUT_MS = 120_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(log_path: Path, *args: str) -> tuple[subprocess.Popen, str]:
    """``wijksim app [ARGS]`` on a free loopback port; returns the process and its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    wijksim = str(Path(sys.executable).parent / "wijksim")
    log = open(log_path, "w")  # noqa: SIM115 - closed when the process is stopped
    proc = subprocess.Popen([wijksim, "app", "--port", str(port), *args], stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env={**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false"})
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"error: wijksim app exited with {proc.returncode}: "
                             f"{log_path.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return proc, url
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("error: wijksim app did not answer within 120 s") from None
            time.sleep(0.3)


def stop_app(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGTERM)  # `wijksim app` execs the server: same PID
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


async def week_of(page) -> int:
    text = await page.locator(".week-label").inner_text()
    m = re.search(r"(\d+)", text)
    return int(m.group(1)) if m else -1


async def open_session(browser, url: str):
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    page = await context.new_page()
    await page.goto(url)
    await page.locator(".wijksim-echart-timeseries canvas").first.wait_for(timeout=TIMEOUT_MS)
    await page.locator(".week-label").filter(has_text=re.compile(r"\b0\b")).first.wait_for(
        timeout=TIMEOUT_MS)
    return context, page


async def set_speed(page, speed: int) -> None:
    """Move the speed slider from its default to ``speed`` with the keyboard."""
    steps = SPEEDS.index(speed) - SPEEDS.index(DEFAULT_SPEED)
    slider = page.locator(".speed [role=slider]").first
    for _ in range(abs(steps)):
        await slider.focus()
        await slider.press("ArrowRight" if steps > 0 else "ArrowLeft")


async def counts(page) -> tuple[int, float, list[float], list[float]]:
    """Timeseries chart updates applied so far, the page's clock (ms), the update times and how
    long each took the browser (ms)."""
    return tuple(await page.evaluate(
        "() => { const u = (window.wijksimChartUpdates || []).filter("
        "x => x.chart === 'timeseries'); return [u.length, performance.now(), u.map(x => x.t),"
        " u.map(x => x.ms)]; }"))


async def probe_steps(page, until: float) -> list[float]:
    """Click Step again and again until ``until`` (monotonic); the ms until each new week shows."""
    latencies = []
    while time.monotonic() < until:
        before = await week_of(page)
        start = time.monotonic()
        await page.locator(".step-button").click()
        while await week_of(page) == before:
            if time.monotonic() - start > 30:
                return latencies
            await asyncio.sleep(0.05)
        latencies.append((time.monotonic() - start) * 1000)
        await asyncio.sleep(0.3)
    return latencies


def cpu_seconds(pid: int | None) -> float | None:
    """CPU seconds used so far by process ``pid`` (the server), or None."""
    if pid is None:
        return None
    try:
        import psutil
    except ImportError:
        return None
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def browser_cpu_seconds(server_pid: int | None) -> float | None:
    """CPU seconds used so far by this process's children other than the server (the browsers
    and Playwright's driver)."""
    try:
        import psutil
    except ImportError:
        return None
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        if child.pid == server_pid:
            continue
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


async def run(url: str, sessions: int, seconds: float, speed: int,
              server_pid: int | None = None) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        opened = []
        for start in range(0, sessions + 1, 4):  # a few at a time: each page loads ~3 MB of JS
            batch = range(start, min(start + 4, sessions + 1))
            opened += await asyncio.gather(*(open_session(browser, url) for _ in batch))
        players, (probe_context, probe) = opened[:sessions], opened[sessions]
        pages = [p for _, p in players]
        if speed != DEFAULT_SPEED:
            await asyncio.gather(*(set_speed(p, speed) for p in pages))
        await asyncio.gather(*(p.locator(".play-button").click() for p in pages))
        await asyncio.sleep(SETTLE_S)
        first = await asyncio.gather(*(counts(p) for p in pages))
        weeks0 = await asyncio.gather(*(week_of(p) for p in pages))
        t0, cpu0 = time.monotonic(), cpu_seconds(server_pid)
        browsers0 = browser_cpu_seconds(server_pid)
        latencies = await probe_steps(probe, t0 + seconds)
        await asyncio.sleep(max(t0 + seconds - time.monotonic(), 0.0))
        last = await asyncio.gather(*(counts(p) for p in pages))
        weeks1 = await asyncio.gather(*(week_of(p) for p in pages))
        elapsed = time.monotonic() - t0
        cpu1 = cpu_seconds(server_pid)
        browsers1 = browser_cpu_seconds(server_pid)
        # a class leaving while the charts still update (no traceback may follow on the server)
        await asyncio.gather(*(c.close() for c, _ in players))
        await probe_context.close()
        await browser.close()

    per_page, draw_ms = [], []
    for (n0, clock0, _, _), (n1, clock1, times, took), w0, w1 in zip(first, last, weeks0, weeks1,
                                                                     strict=True):
        draw_ms += [ms for t, ms in zip(times, took, strict=True) if clock0 <= t <= clock1]
        window = sorted(t for t in times if clock0 <= t <= clock1)
        edges = [clock0, *window, clock1]
        gap = max(b - a for a, b in zip(edges, edges[1:], strict=False)) / 1000
        per_page.append({"chart_updates_per_s": round((n1 - n0) / elapsed, 3),
                         "max_gap_s": round(gap, 2), "weeks_per_s": round((w1 - w0) / elapsed, 2)})
    rates = [p["chart_updates_per_s"] for p in per_page]
    return {
        "sessions": sessions,
        "seconds": round(elapsed, 2),
        "speed_weeks_per_s": speed,
        "cores": os.cpu_count(),
        "chart_updates_per_s_min": min(rates),
        "chart_updates_per_s_median": statistics.median(rates),
        "max_gap_s_max": max(p["max_gap_s"] for p in per_page),
        "weeks_per_s_min": min(p["weeks_per_s"] for p in per_page),
        "step_latency_ms_median": round(statistics.median(latencies), 1) if latencies else None,
        "step_latency_ms_max": round(max(latencies), 1) if latencies else None,
        "step_samples": len(latencies),
        "browser_draw_ms_median": round(statistics.median(draw_ms), 1) if draw_ms else None,
        "server_cpu_per_s": (round((cpu1 - cpu0) / elapsed, 3)
                             if cpu0 is not None and cpu1 is not None else None),
        "browsers_cpu_per_s": (round((browsers1 - browsers0) / elapsed, 3)
                               if browsers0 is not None and browsers1 is not None else None),
        "load_average": round(os.getloadavg()[0], 2),
        "pages": per_page,
    }


def table(result: dict) -> str:
    lines = [f"{result['sessions']} sessions playing at {result['speed_weeks_per_s']} weeks/s, "
             f"{result['seconds']:.0f} s, {result['cores']} cores, browsers at nice "
             f"{result.get('browser_nice', 0)}",
             f"{'page':>5} {'chart updates/s':>16} {'longest gap (s)':>16} {'weeks/s':>8}"]
    for i, p in enumerate(result["pages"], 1):
        lines.append(f"{i:>5} {p['chart_updates_per_s']:>16.2f} {p['max_gap_s']:>16.2f} "
                     f"{p['weeks_per_s']:>8.2f}")
    latency = result["step_latency_ms_median"]
    lines += [f"slowest page: {result['chart_updates_per_s_min']:.2f} chart updates/s "
              f"(target >= 1); longest gap {result['max_gap_s_max']:.2f} s",
              f"step latency (another session clicking Step, {result['step_samples']} clicks): "
              f"median {'-' if latency is None else f'{latency:.0f}'} ms, "
              f"max {result['step_latency_ms_max'] or '-'} ms"]
    if result.get("server_cpu_per_s") is not None:
        lines.append(f"server process: {result['server_cpu_per_s']:.2f} CPU seconds per second")
    if result.get("browser_draw_ms_median") is not None:
        lines.append(f"a chart frame takes its browser {result['browser_draw_ms_median']:.0f} ms "
                     "(median)")
    if result.get("browsers_cpu_per_s") is not None:
        lines.append(f"browsers: {result['browsers_cpu_per_s']:.2f} CPU seconds per second; "
                     f"load average {result['load_average']:.1f} on {result['cores']} cores")
    if "server_tracebacks" in result:
        lines.append(f"tracebacks in the server log: {result['server_tracebacks']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8, help="browser sessions playing")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds of play")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--url", default=None, help="a started app (default: start one)")
    parser.add_argument("--speed", type=int, default=DEFAULT_SPEED, choices=SPEEDS,
                        help="weeks per second")
    parser.add_argument("--browser-nice", type=int, default=10, metavar="N",
                        help="run the browsers at this lower priority (0: the server's), as "
                        "if on the groups' own laptops (default 10)")
    args = parser.parse_args(argv)
    if args.sessions < 1:
        parser.error("--sessions must be at least 1")
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    if (SETTLE_S + args.seconds) * args.speed > 250:
        parser.error(f"at {args.speed} weeks/s the 260-week run ends before {args.seconds:g} s "
                     "are measured: choose a lower --speed")
    if not Path(CHROMIUM).exists():
        print(f"error: {CHROMIUM} is missing: run 'make setup'", file=sys.stderr)
        return 2
    proc, log_path = None, None
    url = args.url
    if url is None:
        log_path = Path(tempfile.mkstemp(prefix="wijksim_app_load_", suffix=".log")[1])
        proc, url = start_app(log_path)
    if args.browser_nice > 0:
        os.nice(args.browser_nice)  # this process, Playwright and chromium; not the server
    try:
        result = asyncio.run(run(url, args.sessions, args.seconds, args.speed,
                                 proc.pid if proc is not None else None))
    finally:
        if proc is not None:
            time.sleep(1.0)  # let the server see the closed pages
            stop_app(proc)
    result["browser_nice"] = args.browser_nice
    if log_path is not None:
        result["server_tracebacks"] = log_path.read_text().count("Traceback")
        log_path.unlink()
    print(table(result))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
