"""City-scale benchmark of wijksim, side by side with a Mesa yardstick.

For each population size (default 5,000, 50,000 and 200,000 households; 520 weeks) a fresh
subprocess runs the model and reports: set-up seconds, household-weeks per second in the weekly
loop (data collection included), whole-run seconds (set-up, loop, writing the outputs of
``wijksim run``: parquet tables, config, meta and plots), peak memory (RSS) and the loop cost per
household-week relative to 5,000 households. The spin-up to the steady state (``run.spinup_years``
of the baseline, in an empty cache) is timed on its own (``spin-up s``) and not in the run: the
loop is timed from the steady state, and a later run of the same config and seed loads the
spin-up's checkpoint instead of paying for it again. The yardstick (an idiomatic
object-per-agent Mesa model, see yardstick.py) runs in the same invocation and our throughput is
printed as a ratio to its agent-steps per second.

    .venv/bin/python benchmarks/bench.py                      # the full table (a few minutes)
    .venv/bin/python benchmarks/bench.py --sizes 5000 --weeks 104 --json out.json
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGETS = {"loop_household_weeks_per_s": 20e6, "run_s": 15.0, "peak_rss_mb": 2048, "ratio": 1.3}


def measure_one(households: int, weeks: int, wijken: int) -> dict:
    """Run one city in this process and return its figures (called in a fresh subprocess)."""
    import os

    os.environ["WIJKSIM_CACHE"] = tempfile.mkdtemp(prefix="wijksim-bench-")  # an empty cache
    from wijksim.analysis.runner import RunResult, summarise, write_run
    from wijksim.config import load_config
    from wijksim.model import WijkModel

    cfg = load_config(ROOT / "configs" / "baseline.toml", [
        ("population.households", households), ("population.wijken", wijken),
        ("run.weeks", weeks), ("run.warmup_weeks", 0),
    ])
    start = time.perf_counter()
    model = WijkModel(cfg, rng=1, spin_up=False)
    setup = time.perf_counter() - start
    spin_start = time.perf_counter()
    model.spin_up()
    spin = time.perf_counter() - spin_start
    loop_start = time.perf_counter()
    while model.running:
        model.step()
    loop = time.perf_counter() - loop_start
    frame = model.datacollector.get_model_vars_dataframe()
    frame.insert(0, "seed", 1)
    frame.insert(0, "replicate", 0)
    with tempfile.TemporaryDirectory() as tmp:
        write_run(Path(tmp), RunResult(cfg, [1], frame, summarise(frame)), ["bench"])
    total = time.perf_counter() - start - spin
    return {
        "households": households,
        "weeks": weeks,
        "wijken": wijken,
        "setup_s": setup,
        "spinup_s": spin,
        "spinup_years": cfg.run.spinup_years,
        "loop_s": loop,
        "loop_household_weeks_per_s": households * weeks / loop,
        "run_s": total,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure(households: int, weeks: int) -> dict:
    """Measure one size in a fresh interpreter, so peak memory is that run's own."""
    wijken = max(1, round(households / 7700))
    code = (f"import json, sys; sys.path.insert(0, {str(HERE)!r}); import bench; "
            f"print(json.dumps(bench.measure_one({households}, {weeks}, {wijken})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run the benchmark and print (and optionally save) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000, 200000])
    parser.add_argument("--weeks", type=int, default=520)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()

    sys.path.insert(0, str(HERE))
    from yardstick import agent_steps_per_second

    yard = agent_steps_per_second()
    rows = []
    for n in args.sizes:
        print(f"running {n:,} households x {args.weeks} weeks ...", file=sys.stderr, flush=True)
        rows.append(measure(n, args.weeks))
    base = next((r for r in rows if r["households"] == min(args.sizes)), rows[0])
    base_cost = base["loop_s"] / (base["households"] * base["weeks"])
    for r in rows:
        cost = r["loop_s"] / (r["households"] * r["weeks"])
        r["cost_per_household_vs_smallest"] = cost / base_cost
        r["yardstick_agent_steps_per_s"] = yard
        r["ratio_to_yardstick"] = r["loop_household_weeks_per_s"] / yard

    print(f"\nYardstick (Mesa, an object per agent, Boltzmann wealth on a network): "
          f"{yard:,.0f} agent-steps/s")
    header = (f"{'households':>10} {'weeks':>5} {'set-up s':>8} {'spin-up s':>9} "
              f"{'loop hh-wk/s':>14} "
              f"{'x yardstick':>11} {'run s':>7} {'peak MB':>8} {'cost/hh':>8}")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['households']:>10,} {r['weeks']:>5} {r['setup_s']:>8.2f} "
              f"{r['spinup_s']:>9.1f} "
              f"{r['loop_household_weeks_per_s']:>14,.0f} {r['ratio_to_yardstick']:>11.1f} "
              f"{r['run_s']:>7.1f} {r['peak_rss_mb']:>8.0f} "
              f"{r['cost_per_household_vs_smallest']:>8.2f}")
    print(f"\nTargets at 200,000 x 520: >= {TARGETS['loop_household_weeks_per_s']:,.0f} "
          f"hh-weeks/s, run <= {TARGETS['run_s']:.0f} s, peak < {TARGETS['peak_rss_mb']} MB, "
          f"cost per household <= {TARGETS['ratio']}x that at 5,000")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
