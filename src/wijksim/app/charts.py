"""Time-series charts of the app, drawn with matplotlib (rendered server-side, so no CDN).

One figure with six small panels: escalations, time to help, waiting list, workload, turnover
and costs by budget (stacked). The warm-up is shaded, lever changes are dotted lines, and the
baseline, when compared, is a dashed grey line in every panel.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from wijksim.app.drawing import drawn_outside_session
from wijksim.app.i18n import tr

#: The line panels: KPI column, whether to draw a reference line at 1 (workload), and the
#: weeks of the moving average (leavers are rare events, so turnover is smoothed over a quarter).
PANELS: tuple[tuple[str, bool, int], ...] = (
    ("escalations_per_1000", False, 4),
    ("time_to_help_weeks", False, 4),
    ("waiting_list", False, 4),
    ("workload", True, 4),
    ("turnover_rate", False, 13),
)
#: Cost columns stacked in the last panel, bottom to top.
COST_PARTS: tuple[str, ...] = (
    "cost_team", "cost_sociale_basis", "cost_maatwerk", "cost_wlz", "cost_crisis",
)
COST_COLOURS = ("#4c72b0", "#55a868", "#dd8452", "#8172b3", "#c44e52")
POLICY_COLOUR = "#1f5fa8"
REALLOCATION_COLOUR = "#777777"
SMOOTH_WEEKS = 4


@drawn_outside_session
def figure_png(fig: Figure) -> bytes:
    """A figure as PNG bytes (the Agg canvas; no pyplot, so safe in worker threads)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def smooth(values: pd.Series, weeks: int = SMOOTH_WEEKS) -> pd.Series:
    """A trailing moving average that skips NaN weeks (ratios with nothing to count)."""
    return values.astype(float).rolling(weeks, min_periods=1).mean()


@drawn_outside_session
def timeseries_figure(policy: pd.DataFrame, baseline: pd.DataFrame | None,
                      lever_changes: list[int], lang: str) -> Figure:
    """The six-panel chart of the policy run (and the baseline, when given)."""
    fig = Figure(figsize=(11.0, 5.6), dpi=96)
    fig.subplots_adjust(left=0.05, right=0.99, top=0.94, bottom=0.09, wspace=0.22, hspace=0.3)
    axes = fig.subplots(2, 3, sharex=True).ravel()
    has_base = baseline is not None and not baseline.empty
    for ax, (kpi, unit_line, weeks) in zip(axes, PANELS, strict=False):
        _frame_axis(ax, policy, lever_changes, lang)
        ax.set_title(tr(lang, f"kpi.{kpi}"), fontsize=10, loc="left")
        ax.set_ylabel(tr(lang, f"kpi.{kpi}.unit"), fontsize=7)
        if not policy.empty:
            ax.plot(policy["week"], smooth(policy[kpi], weeks), color=POLICY_COLOUR, lw=1.6,
                    label=tr(lang, "charts.policy"))
        if has_base:
            ax.plot(baseline["week"], smooth(baseline[kpi], weeks), color="#555555", lw=1.3,
                    ls="--", label=tr(lang, "charts.baseline"))
        if unit_line:
            ax.axhline(1.0, color="#999999", lw=0.8, ls=":")
        ax.set_ylim(bottom=0)
    ax = axes[-1]
    _frame_axis(ax, policy, lever_changes, lang)
    ax.set_title(tr(lang, "kpi.costs"), fontsize=10, loc="left")
    ax.set_ylabel(tr(lang, "charts.costs_m"), fontsize=7)
    if not policy.empty:
        parts = [smooth(policy[c]).to_numpy() / 1e6 for c in COST_PARTS]
        ax.stackplot(policy["week"], *parts, colors=COST_COLOURS, alpha=0.85,
                     labels=[tr(lang, f"kpi.{c}") for c in COST_PARTS])
        ax.legend(fontsize=6, loc="lower left", framealpha=0.8)
    if has_base:
        ax.plot(baseline["week"], smooth(baseline["cost_total"]) / 1e6, color="#222222",
                lw=1.3, ls="--", label=tr(lang, "charts.baseline"))
    ax.set_ylim(bottom=0)
    if has_base or not policy.empty:
        handles, labels = axes[0].get_legend_handles_labels()
        if has_base:
            axes[0].legend(handles, labels, fontsize=7, loc="upper left", framealpha=0.8)
    for ax in axes[3:]:
        ax.set_xlabel(tr(lang, "charts.week"), fontsize=8)
    fig.text(0.995, 0.002, tr(lang, "charts.smoothed"), ha="right", va="bottom", fontsize=6,
             color="#666666")
    if len(reallocation_weeks(policy)):
        fig.text(0.005, 0.002, f"\u25bc {tr(lang, 'charts.reallocation')}", ha="left",
                 va="bottom", fontsize=7, color=REALLOCATION_COLOUR)
    return fig


def _frame_axis(ax, policy: pd.DataFrame, lever_changes: list[int], lang: str) -> None:
    """Common styling: warm-up shading, lever-change lines, small ticks."""
    ax.tick_params(labelsize=7)
    ax.grid(True, color="#eeeeee", lw=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not policy.empty:
        first = float(policy["week"].iloc[0])
        if first <= 0:
            ax.axvspan(first - 0.5, 0.5, color="#f0f0f0", lw=0)
            ax.text(first, 1.0, tr(lang, "charts.warmup"), transform=ax.get_xaxis_transform(),
                    fontsize=6, color="#888888", va="top")
        last = float(policy["week"].iloc[-1])
        ax.set_xlim(first - 0.5, max(last, 52) + 0.5)
    for week in lever_changes:
        ax.axvline(week + 0.5, color="#c44e52", lw=0.9, ls=":")
    weeks = reallocation_weeks(policy)
    if len(weeks):  # the gemeente's reviews that moved resources: ticks at the top
        ax.plot(weeks, np.ones(len(weeks)), transform=ax.get_xaxis_transform(), ls="none",
                marker="v", ms=4, color=REALLOCATION_COLOUR, clip_on=False)


def reallocation_weeks(frame: pd.DataFrame) -> np.ndarray:
    """The weeks in which the policy cycle moved resources between wijken."""
    if frame.empty or "reallocations" not in frame:
        return np.zeros(0)
    return frame.loc[frame["reallocations"] > 0, "week"].to_numpy(float)


#: KPIs of the comparison table and which way is better: -1 lower, +1 higher, 0 neither.
COMPARE_KPIS: dict[str, int] = {
    "escalations_per_1000": -1,
    "time_to_help_weeks": -1,
    "early_contact_share": 1,
    "waiting_list": -1,
    "workload": -1,
    "turnover_rate": -1,
    "signals_per_1000": 0,
    "maatwerk_per_1000": 0,
    "non_maatwerk_share": 0,
    "unmet_need": -1,
    "carer_overload_share": -1,
    "cost_team": 0,
    "cost_maatwerk": -1,
    "cost_wlz": -1,
    "cost_sociale_basis": 0,
    "cost_crisis": -1,
    "cost_total": -1,
    "cost_gemeente": -1,  # of the total, what the gemeente pays (not the Wlz fund)
}


def difference_colour(kpi: str, difference: float) -> str:
    """Green when the policy is better than the baseline on ``kpi``, red when worse."""
    direction = COMPARE_KPIS.get(kpi, 0)
    if direction == 0 or not np.isfinite(difference) or abs(difference) < 1e-9:
        return "inherit"
    return "#2e7d32" if difference * direction > 0 else "#c62828"


#: Small multiples of a multi-wijk run: rates that compare wijken of different sizes.
WIJK_PANELS: tuple[str, ...] = ("waiting_list_per_1000", "wmo_per_1000", "workload",
                                "escalations_per_1000", "fte_per_1000_realised")


@drawn_outside_session
def wijk_figure(frame: pd.DataFrame, lang: str) -> Figure:
    """One panel per rate in :data:`WIJK_PANELS`, a line per wijk (a multi-wijk run)."""
    fig = Figure(figsize=(13.0, 4.2), dpi=96)
    fig.subplots_adjust(left=0.04, right=0.86, top=0.9, bottom=0.12, wspace=0.3)
    axes = fig.subplots(1, len(WIJK_PANELS), sharex=True)
    moved = reallocation_weeks(frame.groupby("week", as_index=False)["reallocations"].sum()
                               if "reallocations" in frame else frame)
    for ax, kpi in zip(axes, WIJK_PANELS, strict=True):
        for name, part in frame.groupby("wijk", sort=False):
            ax.plot(part["week"], smooth(part[kpi]), lw=1.2, label=str(name))
        ax.plot(moved, np.ones(len(moved)), transform=ax.get_xaxis_transform(), ls="none",
                marker="v", ms=4, color=REALLOCATION_COLOUR, clip_on=False)
        ax.set_title(tr(lang, f"kpi.{kpi}"), fontsize=9, loc="left")
        ax.set_ylabel(tr(lang, f"kpi.{kpi}.unit"), fontsize=7)
        ax.set_xlabel("week", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    axes[-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    return fig
