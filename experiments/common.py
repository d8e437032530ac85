"""Shared plumbing of the experiment scripts: arguments, running a sweep, saving outputs.

Each script in this folder runs one sweep file of this folder through the sweep machinery
(:func:`wijksim.analysis.sweeps.run_sweep`: resumable, local process pool or Dask), then writes a
CSV and a figure into ``--out`` (default ``results/experiments/NAME``). Run a script again to
resume or to redraw from the finished runs. ``--quick`` scales a study down (a small wijk, a
spin-up of 3 years instead of decades, few weeks, two replicates) to check the pipeline in
seconds; ``--tiny`` scales it down further (a smaller wijk, fewer weeks, at most two values of
each parameter: the tests run every script so). Their numbers mean nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from rich.console import Console  # noqa: E402

from wijksim.analysis import sweeps  # noqa: E402
from wijksim.analysis.stats import t_interval  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
console = Console()
ALL_PARTNERS = ["supermarket", "school", "gp", "community_centre", "residents_initiative",
                "creditors"]
QUICK = {"population.households": 300, "run.weeks": 12, "run.warmup_weeks": 8,
         "run.spinup_years": 3}
TINY = {"population.households": 150, "run.weeks": 8, "run.warmup_weeks": 4, "run.spinup_years": 2}
#: Values of each grid parameter a --tiny run keeps (the first and the last).
TINY_LEVELS = 2


def arguments(name: str, doc: str | None) -> argparse.Namespace:
    """Parse the common options of an experiment script."""
    parser = argparse.ArgumentParser(prog=f"experiments/{name}.py",
                                     description=(doc or "").strip().splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "experiments" / name,
                        help="output folder (default: results/experiments/NAME)")
    parser.add_argument("--workers", type=int, default=None,
                        help="local worker processes (default: number of cores)")
    parser.add_argument("--scheduler", default=None, help="Dask scheduler tcp://HOST:PORT")
    parser.add_argument("--replicates", type=int, default=None,
                        help="paired replicates (default: the sweep file's)")
    parser.add_argument("--quick", action="store_true",
                        help="a small version to check the pipeline (numbers mean nothing)")
    parser.add_argument("--tiny", action="store_true",
                        help="a smaller version still, with at most two values per parameter "
                        "(for tests; numbers mean nothing)")
    args = parser.parse_args()
    args.name = name
    return args


def run(args: argparse.Namespace, sweep_name: str | None = None,
        min_replicates: int = 2) -> pd.DataFrame:
    """Run (or resume) ``experiments/SWEEP_NAME.toml`` into ``args.out/sweep``; its summary.

    ``--quick`` and ``--tiny`` keep ``min_replicates`` (what the script's analysis needs).
    """
    sweep = scaled(sweeps.read_sweep(HERE / f"{sweep_name or args.name}.toml"), args,
                   min_replicates)
    out = args.out / ("sweep-tiny" if args.tiny else "sweep-quick" if args.quick else "sweep")
    result = sweeps.run_sweep(sweep, out, workers=args.workers, scheduler=args.scheduler,
                              quiet=False)
    sweeps.report(result, console)
    ok = result.summary[result.summary["status"] == "ok"]
    args.sweep_out = out
    return ok


def scaled(sweep: sweeps.Sweep, args: argparse.Namespace, min_replicates: int = 2) -> sweeps.Sweep:
    """The sweep as ``--quick``, ``--tiny`` and ``--replicates`` ask (unchanged without them)."""
    changes: dict = {}
    if args.quick or args.tiny:
        changes["overrides"] = {**sweep.overrides, **(TINY if args.tiny else QUICK)}
        changes["replicates"] = max(2, min_replicates)
    if args.tiny:
        changes["parameters"] = {
            name: [spec[0], spec[-1]] if isinstance(spec, list) and len(spec) > TINY_LEVELS
            else spec for name, spec in sweep.parameters.items()}
        if sweep.samples:
            changes["samples"] = min(sweep.samples, TINY_LEVELS)
    if args.replicates:
        changes["replicates"] = args.replicates
    return sweeps.copy_sweep(sweep, **changes) if changes else sweep


def timeseries(args: argparse.Namespace) -> pd.DataFrame:
    """The weekly series of the sweep just run (its file has ``timeseries = true``)."""
    ts = sweeps.load(args.sweep_out, timeseries=True)
    return ts[ts["status"] == "ok"]


def save_table(frame: pd.DataFrame, args: argparse.Namespace, name: str | None = None) -> Path:
    """Write a CSV into the output folder."""
    path = args.out / f"{name or args.name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    console.print(f"table  {path}")
    return path


def save_figure(fig: plt.Figure, args: argparse.Namespace, name: str | None = None) -> Path:
    """Write a PNG into the output folder."""
    path = args.out / f"{name or args.name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    console.print(f"figure {path}")
    return path


def mean_ci(values: pd.Series) -> tuple[float, float]:
    """Mean and half-width of its 95% t-interval."""
    ci = t_interval(values.to_numpy(float))
    return ci.mean, ci.half_width


def by_level(frame: pd.DataFrame, level: str, kpis: list[str]) -> pd.DataFrame:
    """Per value of ``level``: each KPI's mean and 95% half-width over replicates."""
    rows = []
    for value, group in frame.groupby(level, sort=True):
        row = {level: value, "n": len(group)}
        for kpi in kpis:
            row[kpi], row[f"{kpi}_ci"] = mean_ci(group[kpi])
        rows.append(row)
    return pd.DataFrame(rows)


def effect_panel(ax: plt.Axes, table: pd.DataFrame, x: str, kpi: str, title: str,
                 label: str | None = None) -> None:
    """A paired effect with its 95% interval against a design parameter."""
    sub = table[table["kpi"] == kpi].sort_values(x)
    err = np.vstack([sub["diff"] - sub["ci_low"], sub["ci_high"] - sub["diff"]])
    ax.errorbar(sub[x], sub["diff"], yerr=err, marker="o", capsize=3, label=label)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(x)
