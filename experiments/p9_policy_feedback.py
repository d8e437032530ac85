"""P9 (exploratory): shorter lines between policy and practice let resources follow needs sooner.

Six wijken; from a given week the needs of wijk 1 rise (every arm has the rise). Arms: fixed
resources (no reallocation), and the policy cycle with separate or merged policy and practice
teams, reviewing every 52 or 13 weeks; paired seeds. Writes, per arm, how many weeks pass until
wijk 1's realised FTE per 1,000 is 10% above its level before the rise, and the paired effects
against fixed resources (95% intervals) on waiting lists, escalations, unmet need and workload
in wijk 1 and in the other wijken, and on the gemeente's costs.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from common import HERE, arguments, mean_ci, run, save_figure, save_table

from wijksim.analysis import sweeps
from wijksim.analysis.stats import t_interval

REFERENCE = "fixed"
STATUS_QUO = "separate_52"  # separate policy and practice teams, the annual budget round
RISING = "wijk 1"
LEVEL = "team.fte_per_1000"  # the design's parameter: the staffing of every arm
#: Resources have followed when the 13-week mean of the rising wijk's realised FTE per 1,000
#: is this much above its mean before the rise.
FOLLOWED = 1.10
#: Outcomes per group of wijken (inhabitant-weighted means of the wijken's weekly values).
OUTCOMES = {
    "waiting_list_per_1000": "waiting list per 1,000",
    "escalations_per_1000": "escalations per 1,000 per year",
    "unmet_need": "unmet need (share)",
    "workload": "workload (asked / available)",
    "fte_per_1000": "FTE per 1,000",
    "sociale_basis_budget": "sociale basis (EUR per 1,000)",
}
COSTS = ["cost_gemeente", "cost_total"]
LABELS = {**OUTCOMES, "cost_gemeente": "the gemeente's cost (EUR 1,000 per year)",
          "cost_total": "cost, all payers (EUR 1,000 per year)"}


def rise_week(name: str) -> int:
    """The reported week from which needs rise, as the sweep file sets it."""
    return int(sweeps.read_sweep(HERE / f"{name}.toml").overrides["needs.rise_from_week"])


def weeks_to_follow(wijk: pd.DataFrame, rise: int) -> float:
    """Weeks from the rise until the wijk's FTE per 1,000 has followed (NaN: not in the run)."""
    wijk = wijk.sort_values("week")
    before = wijk.loc[wijk["week"] < rise, "fte_per_1000"].mean()
    rolling = wijk["fte_per_1000"].rolling(13, min_periods=13).mean()
    after = (wijk["week"] >= rise) & (rolling >= FOLLOWED * before)
    return float(wijk.loc[after, "week"].iloc[0] - rise) if after.any() else np.nan


def group_means(by_wijk: pd.DataFrame, rise: int) -> pd.DataFrame:
    """Per run and group (the rising wijk, the others, all): outcomes after the rise, costs."""
    after = by_wijk[by_wijk["week"] >= rise]
    rising = np.where(after["wijk"] == RISING, "rising wijk", "other wijken")
    after = pd.concat([after.assign(group=rising), after.assign(group="municipality")])
    rows = []
    for (level, scenario, seed, group), part in after.groupby([LEVEL, "scenario", "seed",
                                                                "group"]):
        w = part["inhabitants"]
        row = {LEVEL: level, "scenario": scenario, "seed": seed, "group": group}
        row.update({k: float(np.average(part[k], weights=w)) for k in OUTCOMES})
        weeks = part["week"].nunique()
        row.update({c: float(part[c].sum() / weeks) for c in COSTS})  # euro per year
        rows.append(row)
    return pd.DataFrame(rows)


def paired(groups: pd.DataFrame) -> pd.DataFrame:
    """Each arm minus fixed resources, per group and outcome, on the same seeds (95% CI)."""
    rows = []
    keys = [LEVEL, "seed", "group"]
    reference = groups[groups["scenario"] == REFERENCE].set_index(keys)
    for (level, scenario, group), part in groups[groups["scenario"] != REFERENCE].groupby(
            [LEVEL, "scenario", "group"]):
        arm = part.set_index(keys)
        base = reference.loc[arm.index]
        for kpi in [*OUTCOMES, *COSTS]:
            diff = arm[kpi].to_numpy() - base[kpi].to_numpy()
            ci = t_interval(diff)
            rows.append({LEVEL: level, "scenario": scenario, "group": group, "kpi": kpi,
                         "mean_a": arm[kpi].mean(), "mean_b": base[kpi].mean(),
                         "diff": ci.mean, "ci_low": ci.mean - ci.half_width,
                         "ci_high": ci.mean + ci.half_width, "n": len(diff)})
    return pd.DataFrame(rows)


def follow_table(by_wijk: pd.DataFrame, rise: int) -> pd.DataFrame:
    """Per arm: in how many runs resources followed, after how many weeks (95% CI), and how
    much sooner than with separate teams and an annual review (paired, seeds where both did).

    Weeks are given only for arms where resources followed in at least half of the runs (a
    mean over the few runs that did would say little).
    """
    rising = by_wijk[by_wijk["wijk"] == RISING]
    weeks = rising.groupby([LEVEL, "scenario", "seed"]).apply(weeks_to_follow, rise,
                                                               include_groups=False)
    rows = []
    for (level, scenario), values in weeks.groupby(level=[LEVEL, "scenario"]):
        followed = values.dropna()
        row = {LEVEL: level, "scenario": scenario, "runs": len(values),
               "followed": len(followed), "weeks_to_follow": np.nan,
               "weeks_to_follow_ci": np.nan, "sooner_than_status_quo": np.nan,
               "sooner_than_status_quo_ci": np.nan}
        if len(followed) >= max(len(values) / 2, 2):
            row["weeks_to_follow"], row["weeks_to_follow_ci"] = mean_ci(followed)
            status_quo = weeks.loc[(level, STATUS_QUO)]
            both = (status_quo - values.droplevel([0, 1])).dropna()
            if scenario != STATUS_QUO and len(both) > 1:
                row["sooner_than_status_quo"], row["sooner_than_status_quo_ci"] = mean_ci(both)
        rows.append(row)
    return pd.DataFrame(rows)


#: The effects the report lists: (group, KPI) in this order.
REPORTED = (("rising wijk", "fte_per_1000"), ("rising wijk", "waiting_list_per_1000"),
            ("rising wijk", "escalations_per_1000"), ("other wijken", "waiting_list_per_1000"),
            ("municipality", "escalations_per_1000"), ("municipality", "cost_gemeente"))


def markdown(follow: pd.DataFrame, effects: pd.DataFrame) -> str:
    """The two tables of docs/validation.md's P9 section, from this run."""

    def interval(mean: float, low: float, high: float, digits: int) -> str:
        return f"{mean:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"

    lines = ["| FTE per 1,000 | arm | runs in which FTE followed | weeks until it followed | "
             f"weeks sooner than {STATUS_QUO} (paired) |", "| ---: | --- | ---: | --- | --- |"]
    for row in follow.to_dict("records"):
        weeks, half = row["weeks_to_follow"], row["weeks_to_follow_ci"]
        shown = ("-" if np.isnan(weeks) else f"{weeks:.0f}" if np.isnan(half)
                 else interval(weeks, weeks - half, weeks + half, 0))
        gain, gain_ci = row["sooner_than_status_quo"], row["sooner_than_status_quo_ci"]
        sooner = "-" if np.isnan(gain) else interval(gain, gain - gain_ci, gain + gain_ci, 0)
        lines.append(f"| {row[LEVEL]:g} | {row['scenario']} | {row['followed']} of "
                     f"{row['runs']} | {shown} | {sooner} |")
    lines += ["", "| FTE per 1,000 | arm | " + " | ".join(
        f"{group}: {LABELS[kpi]}" for group, kpi in REPORTED) + " |",
        "| ---: | --- |" + " --- |" * len(REPORTED)]
    for (level, scenario), part in effects.groupby([LEVEL, "scenario"], sort=True):
        cells = []
        for group, kpi in REPORTED:
            row = part[(part["group"] == group) & (part["kpi"] == kpi)].iloc[0]
            scale, digits = (1e3, 0) if kpi.startswith("cost_") else (1.0, 2)
            cells.append(interval(row["diff"] / scale, row["ci_low"] / scale,
                                  row["ci_high"] / scale, digits))
        lines.append(f"| {level:g} | {scenario} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def figure(by_wijk: pd.DataFrame, effects: pd.DataFrame, rise: int, args) -> None:
    """Per staffing level: wijk 1's FTE and waiting list over time, and the paired effects."""
    levels = sorted(by_wijk[LEVEL].unique(), reverse=True)
    fig, grid = plt.subplots(len(levels), 3, figsize=(15, 4.2 * len(levels)), squeeze=False)
    for axes, level in zip(grid, levels, strict=True):
        rising = by_wijk[(by_wijk["wijk"] == RISING) & (by_wijk[LEVEL] == level)]
        for scenario, part in rising.groupby("scenario"):
            mean = part.groupby("week")[["fte_per_1000", "waiting_list_per_1000"]].mean()
            smooth = mean.rolling(8, min_periods=1).mean()
            axes[0].plot(smooth.index, smooth["fte_per_1000"], label=scenario)
            axes[1].plot(smooth.index, smooth["waiting_list_per_1000"], label=scenario)
        for ax, title in zip(axes[:2], ["wijk 1: realised FTE per 1,000",
                                        "wijk 1: waiting list per 1,000"], strict=True):
            ax.axvline(rise, color="grey", linestyle=":", linewidth=0.9)
            ax.set_title(f"{title} (8-week mean), {level} FTE per 1,000", fontsize=10)
            ax.set_xlabel("reported week")
        axes[0].legend(fontsize=8)
        sub = effects[(effects["kpi"] == "escalations_per_1000") & (effects[LEVEL] == level)]
        labels = [f"{s}, {g}" for s, g in zip(sub["scenario"], sub["group"], strict=True)]
        y = np.arange(len(sub))
        axes[2].errorbar(sub["diff"], y, xerr=[sub["diff"] - sub["ci_low"],
                                               sub["ci_high"] - sub["diff"]], fmt="o", capsize=3)
        axes[2].set_yticks(y, labels, fontsize=7)
        axes[2].axvline(0, color="black", linewidth=0.6)
        axes[2].set_title("escalations per 1,000/yr vs fixed (paired, 95%)", fontsize=10)
    fig.suptitle("P9: needs rise in wijk 1; do resources follow, and what does it buy?")
    save_figure(fig, args)


if __name__ == "__main__":
    args = arguments("p9_policy_feedback", __doc__)
    run(args)
    by_wijk = sweeps.load(args.sweep_out, table="by_wijk")
    by_wijk = by_wijk[by_wijk["status"] == "ok"]
    # --quick and --tiny runs end before the rise: their windows start half-way (no meaning)
    rise = min(rise_week(args.name), int(by_wijk["week"].max()) // 2)
    effects = paired(group_means(by_wijk, rise))
    follow = follow_table(by_wijk, rise)
    save_table(effects, args)
    save_table(follow, args, "p9_weeks_to_follow")
    figure(by_wijk, effects, rise, args)
    report = args.out / f"{args.name}.md"
    report.write_text(markdown(follow, effects))
    print(f"report {report}")
    print(follow.to_string(index=False))
    print(effects[effects["kpi"].isin(["waiting_list_per_1000", "escalations_per_1000",
                                       "fte_per_1000", "cost_gemeente"])]
          [[LEVEL, "scenario", "group", "kpi", "mean_a", "mean_b", "diff", "ci_low", "ci_high"]]
          .to_string(index=False))
