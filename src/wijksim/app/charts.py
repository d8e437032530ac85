"""Time-series charts of the app, drawn with matplotlib (rendered server-side, so no CDN).

One figure with six small panels: escalations, time to help, waiting list, workload, turnover
and costs by budget (stacked). The warm-up is shaded, lever changes are dotted lines, and the
baseline, when compared, is a dashed grey line in every panel.
"""

from __future__ import annotations

import io
from typing import Any

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
#: The columns the time-series chart reads.
CHART_COLUMNS: tuple[str, ...] = ("week", *(k for k, _, _ in PANELS), *COST_PARTS, "cost_total",
                                  "reallocations")


@drawn_outside_session
def figure_png(fig: Figure) -> bytes:
    """A figure as PNG bytes (the Agg canvas; no pyplot, so safe in worker threads)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def history_frame(rows: list[dict[str, float]], columns: tuple[str, ...]) -> pd.DataFrame:
    """The weekly rows' ``columns`` as a DataFrame (cheaper than every KPI of every week)."""
    return pd.DataFrame({c: np.fromiter((r.get(c, np.nan) for r in rows), float, len(rows))
                         for c in columns})


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


# --------------------------------------------------------------------------- browser charts
# ECharts options (plain data: lists of numbers and labels) for wijksim.app.webchart.EChart.
# The panels, series, smoothing, lever-change markers and baseline are those of the matplotlib
# figure above, which stays for the PNG download.

GRID_COLUMNS = 3
BASELINE_COLOUR = "#555555"
LEVER_COLOUR = "#c44e52"
WARMUP_FILL = "#f0f0f0"


def _panel_grids(n: int, columns: int = GRID_COLUMNS, top: float = 9.0,
                 bottom: float = 7.0) -> list[dict[str, str]]:
    """Grid boxes (percent of the chart) for ``n`` panels in rows of ``columns``."""
    rows = -(-n // columns)
    height = (100.0 - top - bottom) / rows
    width = 100.0 / columns
    grids = []
    for i in range(n):
        r, c = divmod(i, columns)
        grids.append({"left": f"{c * width + 4.2:.1f}%", "width": f"{width - 6.5:.1f}%",
                      "top": f"{top + r * height + 7.5:.1f}%",
                      "height": f"{height - 14.0:.1f}%"})
    return grids


def lever_change_labels(changes: list[int]) -> list[str]:
    """The markers' labels: lever changes numbered from 1 in the order they happened."""
    return [str(i + 1) for i in range(len(changes))]


def _axis_pair(i: int, lo: float, hi: float, week_label: str,
               show_week: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    x = {"type": "value", "gridIndex": i, "min": lo, "max": hi, "minInterval": 1,
         "axisLabel": {"fontSize": 10, "showMinLabel": False, "showMaxLabel": False},
         "splitLine": {"lineStyle": {"color": "#eeeeee"}},
         "name": week_label if show_week else "", "nameLocation": "middle", "nameGap": 22,
         "nameTextStyle": {"fontSize": 10}}
    y = {"type": "value", "gridIndex": i, "min": 0,  # the unit is the panel title's subtext
         "axisLabel": {"fontSize": 10}, "splitLine": {"lineStyle": {"color": "#eeeeee"}}}
    return x, y


def _markers(i: int, first: float, changes: list[int], moved: np.ndarray, lang: str,
             unit_line: bool) -> dict[str, Any]:
    """Warm-up shading, numbered lever-change lines, reallocations and the workload line at 1."""
    lines: list[dict[str, Any]] = [
        {"xAxis": week + 0.5, "lineStyle": {"color": LEVER_COLOUR, "type": "dotted", "width": 1.5},
         "label": {"formatter": label, "position": "end", "color": LEVER_COLOUR,
                   "fontWeight": "bold", "fontSize": 11}}
        for week, label in zip(changes, lever_change_labels(changes), strict=True)]
    lines += [{"xAxis": float(w), "lineStyle": {"color": REALLOCATION_COLOUR, "type": "dashed",
                                                "width": 1},
               "label": {"formatter": "\u25bc", "position": "end", "color": REALLOCATION_COLOUR}}
              for w in moved]
    if unit_line:
        lines.append({"yAxis": 1.0, "lineStyle": {"color": "#999999", "type": "dotted"},
                      "label": {"show": False}})
    out: dict[str, Any] = {"markLine": {"silent": True, "symbol": "none", "data": lines,
                                        "animation": False}}
    if first <= 0:
        out["markArea"] = {"silent": True, "itemStyle": {"color": WARMUP_FILL},
                           "label": {"color": "#888888", "fontSize": 9, "position": "insideTop"},
                           "data": [[{"xAxis": first - 0.5, "name": tr(lang, "charts.warmup")},
                                     {"xAxis": 0.5}]]}
    return out


def timeseries_option(policy: pd.DataFrame, baseline: pd.DataFrame | None,
                      lever_changes: list[int], lang: str) -> dict[str, Any]:
    """The six panels of :func:`timeseries_figure` as an ECharts option (data only).

    Escalations, time to help, waiting list, workload (with the line at 1), turnover and the
    stacked costs by budget; the baseline as dashed grey lines when given; the warm-up shaded;
    every lever change a dotted red line numbered from 1 (:func:`lever_change_labels`); the
    gemeente's reallocations as grey dashed lines with a triangle.
    """
    from wijksim.app.webchart import clean

    has_base = baseline is not None and not baseline.empty
    first = float(policy["week"].iloc[0]) if not policy.empty else 0.0
    last = float(policy["week"].iloc[-1]) if not policy.empty else 52.0
    lo, hi = first - 0.5, max(last, 52.0) + 0.5
    weeks = clean(policy["week"]) if not policy.empty else []
    base_weeks = clean(baseline["week"]) if has_base else []
    moved = reallocation_weeks(policy)
    policy_name, base_name = tr(lang, "charts.policy"), tr(lang, "charts.baseline")
    n = len(PANELS) + 1
    grids = _panel_grids(n)
    titles, xs, ys, series = [], [], [], []
    for i, (kpi, unit_line, smooth_weeks) in enumerate(PANELS):
        titles.append({"text": tr(lang, f"kpi.{kpi}"), "left": grids[i]["left"],
                       "top": f"{float(grids[i]['top'][:-1]) - 7.5:.1f}%",
                       "subtext": tr(lang, f"kpi.{kpi}.unit"), "itemGap": 5,
                       "subtextStyle": {"fontSize": 10, "color": "#666666"},
                       "textStyle": {"fontSize": 12, "fontWeight": 600, "lineHeight": 16}})
        x, y = _axis_pair(i, lo, hi, tr(lang, "charts.week"),
                          i >= GRID_COLUMNS)
        xs.append(x)
        ys.append(y)
        values = clean(smooth(policy[kpi], smooth_weeks)) if not policy.empty else []
        series.append({"name": policy_name, "type": "line", "xAxisIndex": i, "yAxisIndex": i,
                       "data": [list(p) for p in zip(weeks, values, strict=True)],
                       "showSymbol": False, "lineStyle": {"color": POLICY_COLOUR, "width": 2},
                       "itemStyle": {"color": POLICY_COLOUR}, "z": 3,
                       **_markers(i, first, lever_changes, moved, lang, unit_line)})
        if has_base:
            values = clean(smooth(baseline[kpi], smooth_weeks))
            series.append({"name": base_name, "type": "line", "xAxisIndex": i, "yAxisIndex": i,
                           "data": [list(p) for p in zip(base_weeks, values, strict=True)],
                           "showSymbol": False, "itemStyle": {"color": BASELINE_COLOUR},
                           "lineStyle": {"color": BASELINE_COLOUR, "width": 1.5,
                                         "type": "dashed"}})
    i = n - 1
    titles.append({"text": tr(lang, "kpi.costs"), "left": grids[i]["left"],
                   "top": f"{float(grids[i]['top'][:-1]) - 7.5:.1f}%",
                   "subtext": tr(lang, "charts.costs_m"), "itemGap": 5,
                   "subtextStyle": {"fontSize": 10, "color": "#666666"},
                   "textStyle": {"fontSize": 12, "fontWeight": 600, "lineHeight": 16}})
    x, y = _axis_pair(i, lo, hi, tr(lang, "charts.week"), True)
    xs.append(x)
    ys.append(y)
    cost_names = [tr(lang, f"kpi.{c}") for c in COST_PARTS]
    # Stacked by hand: each band is drawn as the running total down to 0, the largest first,
    # so that every band shows its own part (ECharts' own stacking is by data index).
    parts = ([smooth(policy[c]).to_numpy(float) / 1e6 for c in COST_PARTS]
             if not policy.empty else [np.zeros(0)] * len(COST_PARTS))
    totals = np.cumsum(np.nan_to_num(np.vstack(parts)), axis=0) if len(weeks) else parts
    for j in reversed(range(len(COST_PARTS))):
        colour = COST_COLOURS[j]
        extra = _markers(i, first, lever_changes, moved, lang, False) if j == 0 else {}
        series.append({"name": cost_names[j], "type": "line", "xAxisIndex": i, "yAxisIndex": i,
                       "showSymbol": False, "z": 2 + (len(COST_PARTS) - j) / 10,
                       "data": [list(p) for p in zip(weeks, clean(totals[j]), strict=True)],
                       "lineStyle": {"width": 0.5, "color": colour},
                       "itemStyle": {"color": colour},
                       "areaStyle": {"color": colour, "opacity": 1.0}, **extra})
    if has_base:
        values = clean(smooth(baseline["cost_total"]) / 1e6)
        series.append({"name": base_name, "type": "line", "xAxisIndex": i, "yAxisIndex": i,
                       "data": [list(p) for p in zip(base_weeks, values, strict=True)],
                       "showSymbol": False, "itemStyle": {"color": "#222222"},
                       "lineStyle": {"color": "#222222", "width": 1.5, "type": "dashed"}})
    legend = [policy_name, *([base_name] if has_base else []), *cost_names]
    return {
        "animation": False,
        "title": titles,
        "grid": grids,
        "xAxis": xs,
        "yAxis": ys,
        "series": series,
        "legend": {"data": legend, "top": 0, "left": "center", "itemHeight": 10,
                   "textStyle": {"fontSize": 11}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "line"}, "confine": True},
        "toolbox": {"right": 6, "top": 0, "feature": {"saveAsImage": {
            "title": "PNG", "name": "wijksim_chart", "pixelRatio": 2}}},
    }


def wijk_option(frame: pd.DataFrame, lang: str) -> dict[str, Any]:
    """The small multiples of a multi-wijk run (:func:`wijk_figure`) as an ECharts option."""
    from wijksim.app.webchart import clean

    n = len(WIJK_PANELS)
    grids = _panel_grids(n, columns=n, top=12.0, bottom=12.0)
    moved = reallocation_weeks(frame.groupby("week", as_index=False)["reallocations"].sum()
                               if "reallocations" in frame else frame)
    lo = float(frame["week"].min()) - 0.5 if not frame.empty else 0.5
    hi = max(float(frame["week"].max()) if not frame.empty else 52.0, 52.0) + 0.5
    titles, xs, ys, series, names = [], [], [], [], []
    for i, kpi in enumerate(WIJK_PANELS):
        titles.append({"text": tr(lang, f"kpi.{kpi}"), "left": grids[i]["left"],
                       "top": "2%",
                       "textStyle": {"fontSize": 11, "fontWeight": 600, "lineHeight": 15},
                       "subtext": tr(lang, f"kpi.{kpi}.unit"), "itemGap": 5,
                       "subtextStyle": {"fontSize": 9, "color": "#666666"}})
        x, y = _axis_pair(i, lo, hi, tr(lang, "charts.week"), True)
        xs.append(x)
        ys.append(y)
        for k, (name, part) in enumerate(frame.groupby("wijk", sort=False)):
            names.append(str(name))
            extra = _markers(i, 1.0, [], moved, lang, False) if k == 0 else {}
            series.append({"name": str(name), "type": "line", "xAxisIndex": i, "yAxisIndex": i,
                           "showSymbol": False,
                           "data": [list(p) for p in zip(clean(part["week"]),
                                                         clean(smooth(part[kpi])), strict=True)],
                           **extra})
    return {"animation": False, "title": titles, "grid": grids, "xAxis": xs, "yAxis": ys,
            "series": series, "tooltip": {"trigger": "axis", "confine": True},
            "legend": {"data": list(dict.fromkeys(names)), "bottom": 0}}


def lines_option(lines: dict[str, tuple[list[float], list[float]]], title: str, unit: str,
                 lang: str) -> dict[str, Any]:
    """One panel, one line per name (the class exercise: a line per group)."""
    from wijksim.app.webchart import clean

    series = [{"name": name, "type": "line", "showSymbol": False,
               "data": [list(p) for p in zip(clean(x), clean(y), strict=True)]}
              for name, (x, y) in lines.items()]
    return {"animation": False, "title": {"text": title, "textStyle": {"fontSize": 13}},
            "grid": {"left": 56, "right": 18, "top": 58, "bottom": 40},
            "xAxis": {"type": "value", "min": 1, "minInterval": 1, "name": tr(lang, "charts.week"),
                      "nameLocation": "middle", "nameGap": 24},
            "yAxis": {"type": "value", "min": 0, "name": unit},
            "series": series, "legend": {"data": list(lines), "top": 26},
            "tooltip": {"trigger": "axis", "confine": True}}


def lever_change_caption(timeline: list[tuple[int, Any]], lang: str) -> list[str]:
    """One line per lever change, numbered as the chart's markers: week and what moved.

    ``timeline`` is the session's ``lever_timeline``: (first week, levers) pairs, the first
    being the levers the run started with.
    """
    from wijksim.app.i18n import fmt_number

    def shown(name: str, value: Any) -> str:
        if name == "structure":
            return tr(lang, f"structure.{value}")
        if name == "partners":
            return ", ".join(tr(lang, f"partner.{k}") for k in value) or "-"
        if name in ("outreach_share", "network_first"):
            return fmt_number(float(value) * 100, lang, 0) + "%"
        if name == "reallocate":
            return tr(lang, f"reallocate.{'on' if value else 'off'}")
        if name == "practice_link":
            return tr(lang, f"practice_link.{value}")
        if isinstance(value, float):
            return fmt_number(value, lang, 2)
        return str(value)

    lines = []
    for i in range(1, len(timeline)):
        (_, before), (start, after) = timeline[i - 1], timeline[i]
        moved = [f"{tr(lang, f'lever.{name}.label')} {shown(name, getattr(before, name))} "
                 f"\u2192 {shown(name, getattr(after, name))}"
                 for name in ("fte_per_1000", "outreach_share", "structure", "partners",
                              "network_first", "maatwerk_stage", "reallocate",
                              "practice_link", "cycle_weeks")
                 if getattr(before, name) != getattr(after, name)]
        lines.append(tr(lang, "charts.change_line", n=i, week=start,
                        what="; ".join(moved)))
    return lines
