"""PNG plots of runs and comparisons (matplotlib, no display needed).

Figures are :class:`matplotlib.figure.Figure` objects drawn through their own axes and saved
as PNG by the Agg renderer, without pyplot: nothing here selects a backend or keeps figures in
pyplot's state, so plotting leaves the caller's backend (a notebook's, say) alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from wijksim.kpis import get as kpi_entry

#: The KPIs on the main panel, in panel order (titles and units from :mod:`wijksim.kpis`).
MAIN_KPIS: tuple[str, ...] = (
    "escalations_per_1000",
    "time_to_help_weeks",
    "waiting_list",
    "workload",
    "turnover_rate",
    "maatwerk_per_1000",
    "signals_per_1000",
    "carer_overload_share",
    "cost_total",
)
#: The cost columns stacked in the costs plot, bottom to top.
COST_PARTS = ("cost_team", "cost_maatwerk", "cost_wlz", "cost_sociale_basis", "cost_crisis")


def _weekly(ts: pd.DataFrame, kpi: str, smooth: int = 4) -> pd.DataFrame:
    """Mean, min and max over replicates per week, smoothed over ``smooth`` weeks."""
    g = ts.groupby("week")[kpi].agg(["mean", "min", "max"])
    return g.rolling(smooth, min_periods=1).mean()


def save_figure(fig: Figure, path: Path, dpi: int = 110) -> Path:
    """Save a figure as PNG through a temporary name and return the path.

    A figure pyplot made (one with a manager) is closed, so pyplot lets go of it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp, dpi=dpi, bbox_inches="tight")
    if fig.canvas.manager is not None and "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close(fig)
    tmp.replace(path)
    return path


def plot_run(ts: pd.DataFrame, out: Path, title: str = "") -> list[Path]:
    """The main KPIs over time, and costs by budget; returns the files written."""
    return [
        plot_lines({"scenario": ts}, out / "kpis.png", title),
        plot_costs(ts, out / "costs.png", title),
    ]


def plot_lines(runs: dict[str, pd.DataFrame], path: Path, title: str = "") -> Path:
    """One panel per main KPI; a line (mean) and band (min-max over replicates) per scenario."""
    fig = Figure(figsize=(14, 10), layout="constrained")
    axes = fig.subplots(3, 3, sharex=True)
    for ax, kpi in zip(axes.flat, MAIN_KPIS, strict=True):
        for name, ts in runs.items():
            w = _weekly(ts, kpi)
            ax.plot(w.index, w["mean"], label=name)
            ax.fill_between(w.index, w["min"], w["max"], alpha=0.2)
        ax.set_title(kpi_entry(kpi).label(), fontsize=10)
        ax.set_ylabel(kpi_entry(kpi).unit(), fontsize=8)
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("week")
    if len(runs) > 1:
        axes.flat[0].legend(fontsize=8)
    fig.suptitle(title or "wijksim", fontsize=12)
    return save_figure(fig, path)


def plot_costs(ts: pd.DataFrame, path: Path, title: str = "") -> Path:
    """Costs by budget over time (mean over replicates), stacked."""
    mean = ts.groupby("week")[list(COST_PARTS)].mean().rolling(4, min_periods=1).mean()
    fig = Figure(figsize=(9, 5))
    ax = fig.subplots()
    ax.stackplot(mean.index, *(mean[c] / 1e6 for c in COST_PARTS),
                 labels=[kpi_entry(c).label() for c in COST_PARTS])
    ax.set_ylabel("million euro per year")
    ax.set_xlabel("week")
    ax.set_title(f"Costs by budget - {title}" if title else "Costs by budget")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    return save_figure(fig, path)


def plot_differences(diff: pd.DataFrame, path: Path, title: str = "") -> Path:
    """Mean paired difference per KPI with its 95% interval, as relative change of A."""
    d = diff.dropna(subset=["diff"]).copy()
    base = d["mean_a"].abs().where(d["mean_a"].abs() > 1e-12)
    d["rel"] = d["diff"] / base * 100
    d["lo"] = (d["diff"] - d["ci_low"]) / base * 100
    d["hi"] = (d["ci_high"] - d["diff"]) / base * 100
    d = d.dropna(subset=["rel"])
    fig = Figure(figsize=(9, 0.35 * len(d) + 1.5))
    ax = fig.subplots()
    colors = ["tab:green" if v < 0 else "tab:red" for v in d["rel"]]
    ax.barh(d["kpi"], d["rel"], xerr=[d["lo"].fillna(0), d["hi"].fillna(0)], color=colors,
            alpha=0.7)
    ax.axvline(0, color="black", lw=0.8)
    ax.invert_yaxis()
    ax.set_xlabel("change against A (%), with 95% interval of the paired difference")
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    return save_figure(fig, path)
