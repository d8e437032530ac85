"""How fast the app steps: milliseconds per week of the default teaching wijk.

Measures what a browser session does (``wijksim.app.session.Simulation``, the page's model side):
a Reset (build the wijk and run its warm-up), then weeks one at a time as "play" steps them (the
model step plus the KPI row the page keeps), alone and with the paired baseline running
alongside ("compare"), and the two figures the page draws (time series, network view).
Target (DESIGN.md): a week of the teaching wijk in under 20 ms, so that play looks live.

    .venv/bin/python benchmarks/app_bench.py                 # teaching, 260 weeks, 3 repeats
    .venv/bin/python benchmarks/app_bench.py --preset almelo --weeks 52
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from wijksim.app import charts, network_view
from wijksim.app.session import Simulation, settings_for_preset

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 20.0


def ms_per_week(sim: Simulation, weeks: int) -> float:
    """Step ``weeks`` weeks one at a time; the median milliseconds per week."""
    times = []
    for _ in range(weeks):
        t = time.perf_counter()
        if sim.step(1) == 0:
            break
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="teaching")
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    folder = ROOT / "configs"
    settings = settings_for_preset(args.preset, folder=folder)

    resets, alone, paired, mean_alone = [], [], [], []
    for r in range(args.repeats):
        sim = Simulation(folder=folder)
        t = time.perf_counter()
        sim.reset(settings)
        resets.append(time.perf_counter() - t)
        t = time.perf_counter()
        alone.append(ms_per_week(sim, args.weeks))
        done = sim.week
        mean_alone.append((time.perf_counter() - t) * 1000 / max(done, 1))
        if r == 0:
            households, warmup = sim.model.hh.n, sim.model.warmup_weeks
        sim2 = Simulation(folder=folder)
        sim2.reset(settings)
        sim2.compare()
        paired.append(ms_per_week(sim2, args.weeks))

    sim = Simulation(folder=folder)
    sim.reset(settings)
    sim.compare()
    sim.step(52)
    fig_ts, fig_net = [], []
    for _ in range(3):
        t = time.perf_counter()
        charts.figure_png(charts.timeseries_figure(sim.frame(), sim.frame(baseline=True),
                                                   sim.lever_changes, "en"))
        fig_ts.append(time.perf_counter() - t)
        t = time.perf_counter()
        sample = network_view.cached_sample(sim)
        state = network_view.snapshot(sim.model, sample)
        charts.figure_png(network_view.network_figure(state, sample, "en"))
        fig_net.append(time.perf_counter() - t)

    best = min(alone)
    print(f"preset {args.preset}: {households:,} households, warm-up {warmup} weeks, "
          f"{args.weeks} weeks, best of {args.repeats}")
    print(f"  reset (build + warm-up):          {min(resets) * 1000:8.1f} ms")
    print(f"  one week (median):                {best:8.2f} ms   target < {TARGET_MS:.0f} ms: "
          f"{'ok' if best < TARGET_MS else 'MISSED'}")
    print(f"  one week (mean):                  {min(mean_alone):8.2f} ms")
    print(f"  one week with baseline (compare): {min(paired):8.2f} ms")
    print(f"  time-series chart (PNG):          {min(fig_ts) * 1000:8.1f} ms")
    print(f"  network view (PNG, cached layout):{min(fig_net) * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
