"""P6: the workload spiral.

Staffing from 0.2 to 0.8 FTE per 1,000 inhabitants. Below some level, workload -> leaving ->
fewer staff -> more workload? Writes per staffing level the mean workload, turnover,
vacancies and waiting list, and the staff present in the last year relative to the first
reported weeks (from the weekly series).
"""

import matplotlib.pyplot as plt
import pandas as pd
from common import arguments, by_level, mean_ci, run, save_figure, save_table, timeseries

KPIS = ["workload", "turnover_rate", "vacancies", "waiting_list", "wait_weeks",
        "escalations_per_1000"]
X = "team.fte_per_1000"

if __name__ == "__main__":
    args = arguments("p6_staffing_tipping_point", __doc__)
    summary = run(args)
    table = by_level(summary, X, KPIS)
    ts = timeseries(args)
    last = int(ts["week"].max())
    staff = ts.groupby([X, "seed"]).apply(
        lambda g: g.loc[g["week"] > last - 52, "workers"].mean()
        / max(g.loc[g["week"] <= 4, "workers"].mean(), 1e-9), include_groups=False,
    ).rename("staff_ratio").reset_index()
    load_last = ts[ts["week"] > last - 52].groupby([X, "seed"])["workload"].mean() \
        .rename("workload_last_year").reset_index()
    extra = []
    for value, group in staff.merge(load_last).groupby(X):
        row = {X: value}
        row["staff_last_year_ratio"], row["staff_last_year_ratio_ci"] = \
            mean_ci(group["staff_ratio"])
        row["workload_last_year"], row["workload_last_year_ci"] = \
            mean_ci(group["workload_last_year"])
        extra.append(row)
    table = table.merge(pd.DataFrame(extra), on=X)
    save_table(table, args)
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    panels = [("workload_last_year", "workload in the last year"),
              ("staff_last_year_ratio", "staff in the last year / at start"),
              ("turnover_rate", "turnover (per year)"), ("vacancies", "vacancies"),
              ("waiting_list", "waiting list"), ("escalations_per_1000", "escalations / 1,000")]
    for ax, (kpi, title) in zip(axes.flat, panels, strict=True):
        ax.errorbar(table[X], table[kpi], yerr=table[f"{kpi}_ci"], marker="o", capsize=3)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("FTE per 1,000 inhabitants")
    fig.suptitle("P6: staffing level and the workload spiral (means, 95% intervals)")
    save_figure(fig, args)
    weekly = ts.groupby([X, "week"])["workload"].mean().unstack(0)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    weekly.rolling(8, min_periods=1).mean().plot(ax=ax, cmap="viridis")
    ax.set_title("workload over time by FTE per 1,000 (8-week mean)")
    ax.set_xlabel("reported week")
    save_figure(fig, args, "p6_workload_over_time")
    print(table[[X, "workload", "workload_last_year", "staff_last_year_ratio", "turnover_rate",
                 "vacancies", "waiting_list"]].to_string(index=False))
