"""Sweep throughput: 100 runs of a 5,000-household wijk x 260 weeks on 2 local processes
(target: within 60 s), then the same sweep on a Dask cluster over loopback.

    .venv/bin/python benchmarks/sweep_bench.py [--runs 100] [--workers 2] [--json FILE]

Reports runs per second for each backend (wall time of run_sweep, including starting the
process pool; the Dask cluster is started before the clock starts) and checks that both
backends give the same results. Not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from wijksim.analysis import sweeps

ROOT = Path(__file__).resolve().parents[1]


def sweep_file(folder: Path, runs: int, households: int, weeks: int) -> Path:
    points = 4 if runs % 4 == 0 else 1
    path = folder / "bench.toml"
    values = ", ".join(str(v) for v in [0.02, 0.05, 0.1, 0.15][:points])
    path.write_text(f"""base = "{(ROOT / 'configs' / 'baseline.toml').as_posix()}"
design = "grid"
replicates = {runs // points}
seed = 42
[parameters]
"team.outreach_share" = [{values}]
[overrides]
"population.households" = {households}
"run.weeks" = {weeks}
""")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-dask", action="store_true", help="local backend only")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    args = parser.parse_args()

    report: dict = {"runs": args.runs, "households": args.households, "weeks": args.weeks,
                    "workers": args.workers, "cpus": os.cpu_count(),
                    "python": platform.python_version(), "versions": sweeps.versions()}
    with tempfile.TemporaryDirectory(prefix="wijksim-bench-") as tmp:
        folder = Path(tmp)
        path = sweep_file(folder, args.runs, args.households, args.weeks)
        t0 = time.perf_counter()
        local = sweeps.run_sweep(path, folder / "local", workers=args.workers, quiet=False)
        wall = time.perf_counter() - t0
        per_run = local.summary.shape[0]
        records = sweeps.read_records(folder / "local")
        cpu = sum(r["elapsed_s"] for r in records.values())
        overhead = wall - cpu / min(args.workers, len(records))
        report["local"] = {"seconds": round(wall, 2), "runs_per_s": round(per_run / wall, 3),
                           "mean_run_s": round(cpu / len(records), 3),
                           "overhead_s": round(overhead, 2),
                           "target_60s_met": wall <= 60.0}
        print(f"local  x{args.workers}: {per_run} runs in {wall:.1f} s = "
              f"{per_run / wall:.2f} runs/s (a run: {cpu / len(records):.2f} s; machinery and pool "
              f"start-up: {overhead:.1f} s; "
              f"target 60 s: {'met' if wall <= 60 else 'NOT met'})")
        if not args.no_dask:
            from distributed import Client, LocalCluster

            with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                              host="127.0.0.1", dashboard_address=None) as cluster, \
                    Client(cluster) as client:
                client.wait_for_workers(args.workers)
                t0 = time.perf_counter()
                remote = sweeps.run_sweep(path, folder / "dask", client=client,
                                          quiet=False)
                wall = time.perf_counter() - t0
            same = remote.summary.sort_values("key").reset_index(drop=True).equals(
                local.summary.sort_values("key").reset_index(drop=True))
            report["dask"] = {"seconds": round(wall, 2), "runs_per_s": round(per_run / wall, 3),
                              "same_results_as_local": bool(same)}
            print(f"dask   x{args.workers} (loopback): {per_run} runs in {wall:.1f} s = "
                  f"{per_run / wall:.2f} runs/s; same results as local: {same}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"written {args.json}")
    return 0


if __name__ == "__main__":
    pd.set_option("display.width", 120)
    sys.exit(main())
