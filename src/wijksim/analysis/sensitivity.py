"""Global sensitivity analysis with SALib (Sobol or Morris) through the sweep machinery.

The factors are a sweep file's ``{min, max}`` parameters; ``samples`` is SALib's base sample
size N. SALib draws the design (``SALib.sample.sobol`` with N (D + 2) points, second-order
indices off, or ``SALib.sample.morris`` with N trajectories of D + 1 points), the runs go
through :func:`wijksim.analysis.sweeps.run_sweep` (paired replicates, resumable, local or Dask), and
each chosen KPI - averaged over the replicates of a design point - is analysed with
``SALib.analyze.sobol`` (S1, S1_conf, ST, ST_conf) or ``SALib.analyze.morris`` (mu_star,
mu_star_conf, sigma). Each KPI gets a CSV and a bar plot in the output folder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wijksim.analysis import sweeps
from wijksim.errors import ConfigError
from wijksim.kpis import EXTRA, KPIS

METHODS: tuple[str, ...] = ("sobol", "morris")
DEFAULT_KPIS: tuple[str, ...] = (
    "escalations_per_1000", "cost_total", "time_to_help_weeks", "workload",
)
#: Columns of the index table per method.
COLUMNS: dict[str, tuple[str, ...]] = {
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
    "morris": ("mu_star", "mu_star_conf", "sigma", "mu"),
}
MORRIS_LEVELS = 4
RESAMPLES = 200


@dataclass
class SensitivityResult:
    """Indices per KPI, the underlying sweep and the files written."""

    method: str
    kpis: list[str]
    sweep: sweeps.SweepResult
    indices: dict[str, pd.DataFrame] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


def problem(sweep: sweeps.Sweep) -> dict[str, Any]:
    """SALib's problem definition from the sweep's ``{min, max}`` parameters."""
    names = list(sweep.parameters)
    bounds = []
    for name in names:
        spec = sweep.parameters[name]
        assert isinstance(spec, sweeps.Range)
        if spec.min == spec.max:
            raise ConfigError(sweep.source, f"parameters.{name}", "min = max: a factor needs a "
                              "range; move a fixed value to [overrides]")
        bounds.append([spec.min, spec.max])
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def salib_seed(seed: int) -> int:
    """The seed of SALib's sampling and bootstrap (its own stream of the sweep's seed)."""
    return int(sweeps.design_rng(seed, purpose=2).integers(2**31 - 1))


def sample(sweep: sweeps.Sweep, method: str) -> np.ndarray:
    """SALib's design for the sweep's factors (an array of parameter values, one row a run)."""
    prob = problem(sweep)
    n = int(sweep.samples or 1)
    seed = salib_seed(sweep.seed)
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(prob, n, calc_second_order=False, seed=seed)
    from SALib.sample import morris

    return morris.sample(prob, n, num_levels=MORRIS_LEVELS, seed=seed)


def check_args(sweep_file: Path, method: str, kpis: list[str] | None) -> list[str]:
    """Validate method and KPI names (ConfigError on a bad one); return the KPIs."""
    if method not in METHODS:
        raise ConfigError("--method", method, f"unknown method (known: {', '.join(METHODS)})")
    chosen = list(kpis or DEFAULT_KPIS)
    for name in chosen:
        if name not in (*KPIS, *EXTRA):
            raise ConfigError("--kpi", name, f"unknown KPI (known: {', '.join(KPIS)})")
    return chosen


def run_sensitivity(
    sweep_file: str | Path,
    method: str = "sobol",
    kpis: list[str] | None = None,
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    quiet: bool = True,
    command: list[str] | None = None,
) -> SensitivityResult:
    """Sample, run (resumable) and analyse; write a CSV and a PNG per KPI into ``out``."""
    sweep_file = Path(sweep_file)
    chosen = check_args(sweep_file, method, kpis)
    sweep = sweeps.read_sweep(sweep_file, sensitivity=True)
    if method == "sobol" and sweep.samples & (sweep.samples - 1):
        raise ConfigError(sweep.source, "samples", f"must be a power of 2 for Sobol (got "
                          f"{sweep.samples})")
    x = sample(sweep, method)
    points = sweeps.scale_points(sweep, x, scaled=True)
    plan = sweeps.plan_sweep(sweep, points=points, design_label=f"salib-{method}")
    out = Path(out) if out is not None else \
        Path("results/sensitivity") / f"{sweep_file.stem}-{method}"
    swept = sweeps.run_sweep(sweep, out, workers=workers, scheduler=scheduler,
                             client=client, quiet=quiet, plan=plan, command=command)
    result = SensitivityResult(method, chosen, swept)
    if (swept.summary["status"] == "pending").any():
        return result
    prob = problem(sweep)
    means = point_means(swept.summary, len(points), chosen)
    for kpi in chosen:
        y = means[kpi].to_numpy(float)
        if np.isnan(y).any():
            result.skipped[kpi] = (f"no value at {int(np.isnan(y).sum())} of {len(y)} design "
                                   "points (failed runs, or a KPI with nothing to count)")
            continue
        table = analyse(prob, method, x, y, sweep.seed)
        result.indices[kpi] = table
        csv = out / f"sensitivity_{method}_{kpi}.csv"
        sweeps.runner.atomic_write(csv, lambda p, t=table: t.to_csv(p, index=False))
        result.files += [csv, plot(table, method, kpi, out / f"sensitivity_{method}_{kpi}.png")]
    return result


def point_means(summary: pd.DataFrame, n_points: int, kpis: list[str]) -> pd.DataFrame:
    """Each KPI averaged over the successful replicates of each design point, in point order."""
    ok = summary[summary["status"] == "ok"]
    means = ok.groupby("point")[kpis].mean()
    return means.reindex(range(n_points))


def analyse(prob: dict[str, Any], method: str, x: np.ndarray, y: np.ndarray,
            seed: int) -> pd.DataFrame:
    """SALib analysis of one output; a row per factor."""
    rng_seed = salib_seed(seed)
    if method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(prob, y, calc_second_order=False, num_resamples=RESAMPLES,
                            conf_level=0.95, seed=rng_seed)
    else:
        from SALib.analyze import morris

        res = morris.analyze(prob, x, y, num_resamples=RESAMPLES, conf_level=0.95,
                             num_levels=MORRIS_LEVELS, seed=rng_seed)
    table = pd.DataFrame({"parameter": prob["names"]})
    for column in COLUMNS[method]:
        table[column] = np.asarray(res[column], dtype=float)
    return table


def plot(table: pd.DataFrame, method: str, kpi: str, path: Path) -> Path:
    """A bar plot of the indices with their 95% intervals."""
    from matplotlib.figure import Figure

    from wijksim.analysis.plots import save_figure

    fig = Figure(figsize=(7, 0.6 + 0.55 * len(table)))
    ax = fig.subplots()
    pos = np.arange(len(table))
    if method == "sobol":
        pairs = (("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total ST"))
    else:
        pairs = (("mu_star", "mu_star_conf", "mu*"), ("sigma", None, "sigma"))
    height = 0.38
    for i, (col, conf, label) in enumerate(pairs):
        err = table[conf] if conf else None
        ax.barh(pos + (i - 0.5) * height, table[col], height, xerr=err, capsize=3, label=label)
    ax.set_yticks(pos, table["parameter"])
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_title(f"{'Sobol' if method == 'sobol' else 'Morris'} indices for {kpi} (95% intervals)")
    ax.legend(loc="lower right")
    return save_figure(fig, path)


def report(result: SensitivityResult, console: Any, quiet: bool = False) -> None:
    """Print the sweep's counts and a rich table of the indices per KPI."""
    from rich.table import Table

    sweeps.report(result.sweep, console, quiet)
    if quiet:
        return
    for kpi, table in result.indices.items():
        title = (f"{kpi}: Sobol indices (first order S1, total ST; 95% intervals)"
                 if result.method == "sobol" else
                 f"{kpi}: Morris mu* and sigma (95% interval of mu*)")
        out = Table(title=title)
        out.add_column("parameter")
        for column in COLUMNS[result.method]:
            out.add_column(column, justify="right")
        for row in table.itertuples(index=False):
            out.add_row(row.parameter, *(_fmt(getattr(row, c)) for c in COLUMNS[result.method]))
        console.print(out)
    for kpi, reason in result.skipped.items():
        console.print(f"[yellow]{kpi}: not analysed[/]: {reason}")
    if result.files:
        console.print(f"indices and plots in [bold]{result.sweep.out}[/]: "
                      f"sensitivity_{result.method}_*.csv, *.png")


def _fmt(value: float) -> str:
    if value is None or math.isnan(value):
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"
