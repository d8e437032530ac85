"""Running scenarios: replicates, paired comparisons, and writing the outputs of DESIGN.md.

``run_replicates`` runs N paired seeds (derived from one seed with
:func:`wijksim.streams.replicate_seeds`) and returns a tidy time series (a row per reported week
and replicate) and a summary (a row per replicate: every KPI averaged over the reported weeks).
``paired_differences`` turns two such summaries with the same seeds into mean differences with
95% intervals. ``write_run`` puts a run's files in an output folder; every file is written to a
temporary name first and renamed, so a folder never holds half a file.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from wijksim.analysis.stats import DRIFT_TOLERANCE, drift, t_interval
from wijksim.config import Config, dump_toml
from wijksim.files import atomic_write
from wijksim.kpis import COLUMNS, EXTRA, KPIS
from wijksim.model import WijkModel
from wijksim.streams import replicate_seeds
from wijksim.submodels import observation, policy_cycle

#: Packages whose versions go into every meta.json.
VERSIONED = ("wijksim", "mesa", "numpy", "numba", "llvmlite", "scipy", "pandas", "pyarrow",
             "networkx", "pydantic")

Progress = Callable[[int], None]


@dataclass
class RunResult:
    """The outputs of one scenario run with replicates."""

    config: Config
    seeds: list[int]
    timeseries: pd.DataFrame
    summary: pd.DataFrame
    by_wijk: pd.DataFrame | None = None  # a multi-wijk run: a row per week, replicate and wijk
    wijkplannen: pd.DataFrame | None = None  # the policy cycle's plans: a row per review and wijk
    elapsed_s: float | None = None  # wall time of the replicates


def run_model(cfg: Config, seed: int, advance: Progress | None = None) -> pd.DataFrame:
    """Run one replicate; return its reported weeks (week 1 .. weeks) as a DataFrame."""
    return run_model_by_wijk(cfg, seed, advance)[0]


def run_model_by_wijk(cfg: Config, seed: int, advance: Progress | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Run one replicate; its reported weeks, and per wijk when it has more than one."""
    frame, by_wijk, _ = run_model_full(cfg, seed, advance)
    return frame, by_wijk


def run_model_full(cfg: Config, seed: int, advance: Progress | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None]:
    """Run one replicate: its reported weeks, per wijk (several wijken) and its wijkplannen."""
    model = WijkModel(cfg, rng=seed)
    while model.running:
        model.step()
        if advance is not None:
            advance(1)
    return (observed(model, seed), observed_by_wijk(model, seed),
            policy_cycle.plans_frame(model, seed))


def observed_by_wijk(model: WijkModel, seed: int) -> pd.DataFrame | None:
    """Each wijk's KPIs over the reported weeks (None for a single wijk).

    A row per week and wijk: ``seed``, ``week``, ``wijk`` (its name) and every output column,
    computed from the wijk's own counts as the municipality's are from the sums.
    """
    kept = [(week, parts) for week, parts in model.wijk_history if week >= 1]
    if model.n_wijken < 2 or not kept:
        return None
    values = observation.wijk_kpis([parts for _, parts in kept])
    weeks = np.array([week for week, _ in kept])
    n = model.n_wijken
    frame = pd.DataFrame({
        "seed": seed,
        "week": np.repeat(weeks, n).astype("int64"),
        "wijk": np.tile(np.array(model.cfg.wijk_names(), dtype=object), len(weeks)),
        **{name: np.asarray(values[name], np.float64).ravel() for name in COLUMNS},
    })
    # each wijk's staffing and sociale-basis budget per 1,000 (the policy cycle moves them)
    frame["fte_per_1000"] = frame["fte_per_1000_realised"]
    frame["sociale_basis_budget"] = frame["cost_sociale_basis"] / frame["inhabitants"] * 1000.0
    return frame


def observed(model: WijkModel, seed: int) -> pd.DataFrame:
    """The model's observation (its DataCollector frame) over the reported weeks, with the seed."""
    frame = model.datacollector.get_model_vars_dataframe()
    frame = frame[frame["week"] >= 1].reset_index(drop=True)
    frame.insert(0, "seed", frame.pop("seed").astype("int64"))  # the model's own reporter
    return frame


def run_replicates(
    cfg: Config, replicates: int | None = None, seed: int | None = None,
    advance: Progress | None = None,
) -> RunResult:
    """Run ``replicates`` paired replicates of a scenario (defaults from ``[run]``)."""
    n = replicates if replicates is not None else cfg.run.replicates
    base = seed if seed is not None else cfg.run.seed
    seeds = replicate_seeds(base, n)
    start = time.perf_counter()
    frames, wijk_frames, plan_frames = [], [], []
    for i, s in enumerate(seeds):
        frame, by_wijk, plans = run_model_full(cfg, s, advance)
        frame.insert(0, "replicate", i)
        frames.append(frame)
        for part, kept in ((by_wijk, wijk_frames), (plans, plan_frames)):
            if part is not None:
                part.insert(0, "replicate", i)
                kept.append(part)
    result = combine(cfg, seeds, frames, concat(wijk_frames))
    result.wijkplannen = concat(plan_frames)
    result.elapsed_s = round(time.perf_counter() - start, 3)
    return result


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame | None:
    """The frames one under the other (None when there are none)."""
    return pd.concat(frames, ignore_index=True) if frames else None


def combine(cfg: Config, seeds: list[int], frames: list[pd.DataFrame],
            by_wijk: pd.DataFrame | None = None) -> RunResult:
    """The replicates' frames (each with its ``replicate`` column) as one :class:`RunResult`."""
    ts = pd.concat(frames, ignore_index=True)
    ts["week"] = ts["week"].astype("int64")
    return RunResult(cfg, list(seeds), ts, summarise(ts), by_wijk)


def summarise(ts: pd.DataFrame) -> pd.DataFrame:
    """A row per replicate: each KPI averaged over the reported weeks (NaN weeks skipped).

    Each row is :func:`kpi_means` of the replicate's weeks: the one aggregation that sweeps
    use too, so a run and a sweep point with the same config and seed give the same numbers.
    """
    rows = []
    for (replicate, seed), weeks in ts.groupby(["replicate", "seed"], sort=True):
        rows.append({"replicate": replicate, "seed": seed, **kpi_means(weeks),
                     "weeks": int(weeks["week"].max())})
    return pd.DataFrame(rows)


def kpi_means(frame: pd.DataFrame) -> dict[str, float]:
    """Each KPI (and diagnostic column) of one run averaged over its weeks (NaN weeks skipped)."""
    columns = [c for c in (*KPIS, *EXTRA) if c in frame.columns]
    return {c: float(v) for c, v in frame[columns].mean().items()}


def config_hash(cfg: Config) -> str:
    """A hash of a resolved config (every field but the free-text description)."""
    data = cfg.model_dump(mode="json", exclude={"extends", "description"})
    blob = json.dumps(data, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:24]


def git_commit() -> dict[str, str | bool] | None:
    """The checkout wijksim runs from: its commit and whether files differ (None: no checkout)."""
    root = Path(__file__).resolve().parents[3]
    if not (root / ".git").exists():
        return None
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": head, "modified": bool(dirty)}


def paired_differences(
    a: pd.DataFrame, b: pd.DataFrame, kpis: tuple[str, ...] = KPIS
) -> pd.DataFrame:
    """Per KPI: means of A and B, mean paired difference B - A, and its 95% interval.

    Replicates are paired by seed; the interval is a t-interval on the paired differences
    (NaN when fewer than two replicates).
    """
    merged = a.merge(b, on="seed", suffixes=("_a", "_b"))
    rows = []
    for kpi in kpis:
        da, db = merged[f"{kpi}_a"].to_numpy(float), merged[f"{kpi}_b"].to_numpy(float)
        diff = db - da
        n = int((~np.isnan(diff)).sum())
        ci = t_interval(diff)
        rows.append({
            "kpi": kpi,
            "mean_a": float(np.nanmean(da)) if n else float("nan"),
            "mean_b": float(np.nanmean(db)) if n else float("nan"),
            "diff": ci.mean,
            "ci_low": ci.low,
            "ci_high": ci.high,
            "n": n,
        })
    return pd.DataFrame(rows)


def fmt(value: float) -> str:
    """A number for a table: thousands separators for big values, 3 significant digits else."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


# --------------------------------------------------------------------------- writing


def versions(extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Versions of Python and the packages that shape results (and any ``extra`` ones)."""
    out = {"python": platform.python_version()}
    for name in (*VERSIONED, *extra):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def write_table(frame: pd.DataFrame, path: Path, csv: bool) -> list[Path]:
    """Write a DataFrame as parquet (and a CSV twin when asked)."""
    atomic_write(path, lambda p: frame.to_parquet(p, index=False))
    written = [path]
    if csv:
        twin = path.with_suffix(".csv")
        atomic_write(twin, lambda p: frame.to_csv(p, index=False))
        written.append(twin)
    return written


def write_meta(out: Path, result: RunResult, command: list[str], extra: dict | None = None) -> None:
    """meta.json: seeds, versions, command and time."""
    meta = {
        "seed": result.seeds[0],
        "replicate_seeds": result.seeds,
        "replicates": len(result.seeds),
        "weeks": result.config.run.weeks,
        "warmup_weeks": result.config.run.warmup_weeks,
        "spinup_years": result.config.run.spinup_years,
        "equilibrium": {
            "what": "trend of each stock over the reported weeks (least squares on the weekly "
            "means over replicates); steady: within "
            f"{DRIFT_TOLERANCE:.0%} of its mean per year",
            "drift": drift(result.timeseries),
        },
        "config_hash": config_hash(result.config),
        "elapsed_s": result.elapsed_s,
        "versions": versions(),
        "git": git_commit(),
        "command": command,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **(extra or {}),
    }
    atomic_write(out / "meta.json", lambda p: p.write_text(json.dumps(meta, indent=2) + "\n"))


def write_run(out: Path, result: RunResult, command: list[str] | None = None,
              csv: bool = False, plots: bool = True, extra: dict | None = None) -> list[Path]:
    """Write a run's outputs: timeseries, summary, by_wijk (several wijken), config, meta, plots."""
    from wijksim.analysis import plots as plots_mod

    out.mkdir(parents=True, exist_ok=True)
    written = write_table(result.timeseries, out / "timeseries.parquet", csv)
    written += write_table(result.summary, out / "summary.parquet", csv)
    if result.by_wijk is not None:
        written += write_table(result.by_wijk, out / "by_wijk.parquet", csv)
    if result.wijkplannen is not None:
        written += write_table(result.wijkplannen, out / "wijkplannen.parquet", csv)
    atomic_write(out / "config.toml", lambda p: p.write_text(dump_toml(result.config)))
    write_meta(out, result, command or sys.argv, extra)
    if plots:
        written += plots_mod.plot_run(result.timeseries, out / "plots", result.config.description)
    return written
