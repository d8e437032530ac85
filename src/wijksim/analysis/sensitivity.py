"""Global sensitivity analysis with SALib (Sobol or Morris) through the sweep machinery.

The factors are a sweep file's ``{min, max}`` parameters; ``samples`` is SALib's base sample
size N. SALib draws the design (``SALib.sample.sobol`` with N (D + 2) points, second-order
indices off, or ``SALib.sample.morris`` with N trajectories of D + 1 points), the runs go
through :func:`wijksim.analysis.sweeps.run_sweep` (paired replicates, resumable, local or Dask), and
each chosen KPI - averaged over the replicates of a design point - is analysed with
``SALib.analyze.sobol`` (S1, ST) or ``SALib.analyze.morris`` (mu_star, sigma). Each KPI gets a
CSV and a bar plot in the output folder, and the run a report (``sensitivity_METHOD.md``) that
says how far to trust the indices:

* **intervals**: ``[low, high]`` from the bootstrap - percentiles of SALib's resamples for
  Sobol; for Morris SALib keeps only a half-width, so ``mu_star +- mu_star_conf`` (a normal
  approximation, clipped at 0);
* **sample size**: a warning when N is below what the method needs (:data:`MIN_SAMPLES`) and
  the N the tool recommends: the larger of that minimum and the N at which the widest interval
  would shrink to the target width (:data:`TARGET_HALF_WIDTH`; widths shrink as 1 / sqrt(N));
* **convergence**: the indices again from the first half of the design (N / 2) and the largest
  change;
* **seed noise**: the share of the variance of the design points' means that the replicates'
  noise alone would give (within-point variance / replicates over the variance of the means).
"""

from __future__ import annotations

import math
from collections.abc import Callable
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
#: The smallest base sample N each method needs. Sobol indices from Saltelli's design rarely
#: settle below N = 512 (Herman et al. 2013, "How effective and efficient are multiobjective
#: evolutionary algorithms..."; SALib's examples use 1024); Morris screens with 10-20
#: trajectories (Campolongo, Cariboni and Saltelli 2007).
MIN_SAMPLES: dict[str, int] = {"sobol": 512, "morris": 10}
#: The interval half-width the recommended N aims at: 0.05 of a Sobol index (indices run 0-1);
#: for Morris a tenth of the largest mu*.
TARGET_HALF_WIDTH: dict[str, float] = {"sobol": 0.05, "morris": 0.1}


@dataclass
class SensitivityResult:
    """Indices per KPI, the underlying sweep and the files written."""

    method: str
    kpis: list[str]
    sweep: sweeps.SweepResult
    indices: dict[str, pd.DataFrame] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    samples: int = 0  # SALib's N
    checks: dict[str, dict[str, float]] = field(default_factory=dict)  # per KPI
    warnings: list[str] = field(default_factory=list)

    @property
    def recommended_samples(self) -> int:
        """The N the tool recommends: the method's minimum, more if an interval is too wide."""
        wanted = [MIN_SAMPLES[self.method], self.samples]
        wanted += [c["samples_for_target"] for c in self.checks.values()]
        return max(_power_of_two(n) if self.method == "sobol" else int(n) for n in wanted)


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
    sweep = sweeps.copy_sweep(sweep, design=method)  # recorded as it is run
    x = sample(sweep, method)
    points = sweeps.scale_points(sweep, x, scaled=True)
    plan = sweeps.plan_sweep(sweep, points=points, design_label=f"salib-{method}")
    out = Path(out) if out is not None else \
        Path("results/sensitivity") / f"{sweep_file.stem}-{method}"
    swept = sweeps.run_sweep(sweep, out, workers=workers, scheduler=scheduler,
                             client=client, quiet=quiet, plan=plan, command=command)
    result = SensitivityResult(method, chosen, swept, samples=int(sweep.samples or 1))
    if result.samples < MIN_SAMPLES[method]:
        result.warnings.append(
            f"N = {result.samples} is too small for {method}: indices may fall outside 0-1 and "
            f"their intervals are wide; use at least N = {MIN_SAMPLES[method]}")
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
        half = analyse(prob, method, *first_half(x, y, method, prob["num_vars"]), sweep.seed)
        main = MAIN[method]
        table[f"{main}_half_n"] = half[main].to_numpy()
        result.checks[kpi] = checks(table, method, result.samples, swept.summary, kpi)
        result.indices[kpi] = table
        csv = out / f"sensitivity_{method}_{kpi}.csv"
        sweeps.runner.atomic_write(csv, lambda p, t=table: t.to_csv(p, index=False))
        result.files += [csv, plot(table, method, kpi, out / f"sensitivity_{method}_{kpi}.png")]
    if result.recommended_samples > result.samples and result.indices:
        result.warnings.append(
            f"the intervals at N = {result.samples} are wider than the target "
            f"({_target_text(method)}): the tool recommends N = {result.recommended_samples}")
    result.files.append(write_report(result, prob, out))
    return result


#: The index each method's checks are about.
MAIN: dict[str, str] = {"sobol": "ST", "morris": "mu_star"}


def first_half(x: np.ndarray, y: np.ndarray, method: str, d: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """The design and outputs of the first N / 2 base samples (Sobol) or trajectories (Morris).

    Both SALib designs are blocks per base sample (D + 2 rows for Sobol without second-order
    indices, D + 1 for a Morris trajectory), so the first half of the blocks is a design of
    its own.
    """
    block = d + 2 if method == "sobol" else d + 1
    n = len(y) // block
    rows = max(n // 2, 1) * block
    return x[:rows], y[:rows]


def checks(table: pd.DataFrame, method: str, samples: int, summary: pd.DataFrame,
           kpi: str) -> dict[str, float]:
    """How far to trust one KPI's indices: widest interval, change at N / 2, seed noise."""
    main = MAIN[method]
    half_width = float((table[f"{main}_high"] - table[f"{main}_low"]).max() / 2)
    change = float((table[main] - table[f"{main}_half_n"]).abs().max())
    scale = 1.0 if method == "sobol" else max(float(table[main].abs().max()), 1e-12)
    target = TARGET_HALF_WIDTH[method] * scale
    needed = samples * (half_width / target) ** 2 if half_width > 0 else samples
    return {"widest_half_width": half_width, "change_at_half_n": change,
            "relative_change_at_half_n": change / scale,
            "samples_for_target": float(math.ceil(needed)),
            "seed_noise_share": seed_noise_share(summary, kpi)}


def seed_noise_share(summary: pd.DataFrame, kpi: str) -> float:
    """Share of the variance of the design points' means due to the replicates' noise alone.

    The noise variance / replicates over the variance of the point means (NaN with one
    replicate: the noise cannot be told apart from the factors then). With paired seeds (the
    same at every point) the noise is the point x seed interaction: a seed's effect shared by
    every point cancels between points, so it is not counted.
    """
    ok = summary[summary["status"] == "ok"]
    groups = ok.groupby("point")[kpi]
    reps = groups.count()
    if reps.min() < 2:
        return float("nan")
    total = float(groups.mean().var(ddof=1))
    if "seed" in ok and ok.groupby("point")["seed"].nunique().max() == ok["seed"].nunique():
        # paired seeds (the same at every point): a seed's effect common to all points
        # cancels between them; the noise is what is left, the point x seed interaction
        table = ok.pivot_table(index="point", columns="seed", values=kpi).dropna()
        resid = (table - table.mean(axis=1).to_numpy()[:, None] - table.mean(axis=0).to_numpy()
                 + float(table.to_numpy().mean()))
        dof = max((table.shape[0] - 1) * (table.shape[1] - 1), 1)
        within = float((resid.to_numpy() ** 2).sum() / dof / table.shape[1])
    else:
        within = float(groups.var(ddof=1).mean() / reps.mean())
    return within / total if total > 0 else float("nan")


def _power_of_two(n: float) -> int:
    return 1 << max(int(math.ceil(math.log2(max(n, 1)))), 0)


def _target_text(method: str) -> str:
    return ("half-width 0.05 of an index" if method == "sobol"
            else "half-width a tenth of the largest mu*")


def point_means(summary: pd.DataFrame, n_points: int, kpis: list[str]) -> pd.DataFrame:
    """Each KPI averaged over the successful replicates of each design point, in point order."""
    ok = summary[summary["status"] == "ok"]
    means = ok.groupby("point")[kpis].mean()
    return means.reindex(range(n_points))


def analyse(prob: dict[str, Any], method: str, x: np.ndarray, y: np.ndarray,
            seed: int) -> pd.DataFrame:
    """SALib analysis of one output; a row per factor."""
    rng_seed = salib_seed(seed)
    table = pd.DataFrame({"parameter": prob["names"]})
    if method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(prob, y, calc_second_order=False, num_resamples=RESAMPLES,
                            conf_level=0.95, seed=rng_seed, keep_resamples=True)
        for column in COLUMNS[method]:
            table[column] = np.asarray(res[column], dtype=float)
        for index in ("S1", "ST"):  # percentile intervals of the bootstrap resamples
            resamples = np.asarray(res[f"{index}_conf_all"], dtype=float)
            table[f"{index}_low"] = np.nanpercentile(resamples, 2.5, axis=0)
            table[f"{index}_high"] = np.nanpercentile(resamples, 97.5, axis=0)
        return table
    from SALib.analyze import morris

    res = morris.analyze(prob, x, y, num_resamples=RESAMPLES, conf_level=0.95,
                         num_levels=MORRIS_LEVELS, seed=rng_seed)
    for column in COLUMNS[method]:
        table[column] = np.asarray(res[column], dtype=float)
    table["mu_star_low"] = np.maximum(table["mu_star"] - table["mu_star_conf"], 0.0)
    table["mu_star_high"] = table["mu_star"] + table["mu_star_conf"]
    return table


def plot(table: pd.DataFrame, method: str, kpi: str, path: Path) -> Path:
    """A bar plot of the indices with their 95% intervals."""
    from matplotlib.figure import Figure

    from wijksim.analysis.plots import save_figure

    fig = Figure(figsize=(7, 0.6 + 0.55 * len(table)))
    ax = fig.subplots()
    pos = np.arange(len(table))
    if method == "sobol":
        pairs = (("S1", True, "first order S1"), ("ST", True, "total ST"))
    else:
        pairs = (("mu_star", True, "mu*"), ("sigma", False, "sigma"))
    height = 0.38
    for i, (col, interval, label) in enumerate(pairs):
        err = (np.vstack([table[col] - table[f"{col}_low"], table[f"{col}_high"] - table[col]])
               .clip(min=0) if interval else None)
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
        check = result.checks[kpi]
        title = (f"{kpi}: Sobol indices (first order S1, total ST; 95% bootstrap intervals)"
                 if result.method == "sobol" else
                 f"{kpi}: Morris mu* and sigma (95% interval of mu*)")
        out = Table(title=title, caption=_check_text(result.method, check))
        out.add_column("parameter")
        for name, _ in SHOWN[result.method]:
            out.add_column(name, justify="right")
        for row in table.to_dict("records"):
            out.add_row(row["parameter"], *(show(row) for _, show in SHOWN[result.method]))
        console.print(out)
    for kpi, reason in result.skipped.items():
        console.print(f"[yellow]{kpi}: not analysed[/]: {reason}")
    for warning in result.warnings:
        console.print(f"[yellow]warning[/]: {warning}")
    if result.files:
        console.print(f"indices, plots and the report in [bold]{result.sweep.out}[/]: "
                      f"sensitivity_{result.method}_*.csv, *.png, sensitivity_{result.method}.md")


def _interval(row: dict[str, float], index: str) -> str:
    return f"[{_fmt(row[f'{index}_low'])}, {_fmt(row[f'{index}_high'])}]"


#: The columns of the printed and written tables: heading, how a row shows it.
SHOWN: dict[str, tuple[tuple[str, Callable[[dict[str, float]], str]], ...]] = {
    "sobol": (("S1", lambda r: _fmt(r["S1"])), ("S1 95%", lambda r: _interval(r, "S1")),
              ("ST", lambda r: _fmt(r["ST"])), ("ST 95%", lambda r: _interval(r, "ST")),
              ("ST at N/2", lambda r: _fmt(r["ST_half_n"]))),
    "morris": (("mu*", lambda r: _fmt(r["mu_star"])),
               ("mu* 95%", lambda r: _interval(r, "mu_star")),
               ("sigma", lambda r: _fmt(r["sigma"])), ("mu", lambda r: _fmt(r["mu"])),
               ("mu* at N/2", lambda r: _fmt(r["mu_star_half_n"]))),
}


def _check_text(method: str, check: dict[str, float]) -> str:
    """One line on how far to trust a KPI's indices."""
    noise = check["seed_noise_share"]
    change = (f"{check['change_at_half_n']:.3f}" if method == "sobol"
              else f"{check['relative_change_at_half_n']:.0%} of the largest mu*")
    return (f"widest 95% half-width {_fmt(check['widest_half_width'])}; largest change from "
            f"N/2 to N {change}; seed noise "
            f"{'-' if math.isnan(noise) else f'{noise:.0%}'} of the variance between design "
            "points")


def write_report(result: SensitivityResult, prob: dict[str, Any], out: Path) -> Path:
    """``sensitivity_METHOD.md``: design, warnings, and per KPI the indices and checks."""
    sweep, method = result.sweep, result.method
    replicates = int(sweep.summary.groupby("point").size().max()) if len(sweep.summary) else 0
    lines = [f"# Sensitivity analysis: {'Sobol' if method == 'sobol' else 'Morris'}", "",
             f"Design: SALib {method}, N = {result.samples} "
             f"({'base samples' if method == 'sobol' else 'trajectories'}), "
             f"{prob['num_vars']} factors, {sweep.summary['point'].nunique()} design points x "
             f"{replicates} replicates = {sweep.total} runs. Each KPI is averaged over the "
             "replicates of a design point before the analysis.", "",
             f"Recommended N: **{result.recommended_samples}** (method minimum "
             f"{MIN_SAMPLES[method]}; target {_target_text(method)}).", ""]
    lines += [f"- **Warning.** {w}" for w in result.warnings] + ([""] if result.warnings else [])
    for kpi, table in result.indices.items():
        lines += [f"## {kpi}", "", _check_text(method, result.checks[kpi]) + ".", "",
                  "| parameter | " + " | ".join(name for name, _ in SHOWN[method]) + " |",
                  "| --- |" + " ---: |" * len(SHOWN[method])]
        for row in table.to_dict("records"):
            lines.append(f"| {row['parameter']} | "
                         + " | ".join(show(row) for _, show in SHOWN[method]) + " |")
        lines.append("")
    for kpi, reason in result.skipped.items():
        lines += [f"## {kpi}", "", f"Not analysed: {reason}.", ""]
    path = out / f"sensitivity_{method}.md"
    text = "\n".join(lines)
    sweeps.runner.atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path


def _fmt(value: float) -> str:
    if value is None or math.isnan(value):
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"
