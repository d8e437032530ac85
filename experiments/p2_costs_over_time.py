"""P2: prevention costs first.

Weekly costs after early signalling starts (reported week 1; the warm-up runs with reactive
practice, so both arms start from the same state), paired with reactive practice on the same
seeds. Writes the weekly paired difference in costs (total and by budget) and a table per year.
"""

import matplotlib.pyplot as plt
import pandas as pd
from common import arguments, mean_ci, run, save_figure, save_table, timeseries

PARTS = ["cost_total", "cost_team", "cost_maatwerk", "cost_wlz", "cost_sociale_basis",
         "cost_crisis"]

if __name__ == "__main__":
    args = arguments("p2_costs_over_time", __doc__)
    run(args)
    ts = timeseries(args)
    wide = ts.pivot_table(index=["seed", "week"], columns="scenario", values=PARTS)
    diff = {p: (wide[(p, "signalling")] - wide[(p, "reactive")]).rename(p) for p in PARTS}
    diff = pd.concat(diff.values(), axis=1).reset_index()
    diff["year"] = (diff["week"] - 1) // 52 + 1
    weekly = diff.groupby("week")[PARTS].agg(["mean", "sem"])
    yearly_rows = []
    for year, group in diff.groupby("year"):
        per_seed = group.groupby("seed")[PARTS].mean()
        row = {"year": int(year), "seeds": len(per_seed)}
        for p in PARTS:
            row[f"{p}_diff"], row[f"{p}_ci"] = mean_ci(per_seed[p])
        yearly_rows.append(row)
    yearly = pd.DataFrame(yearly_rows)
    save_table(yearly, args)
    save_table(weekly.reset_index().set_axis(
        ["week", *[f"{p}_{s}" for p in PARTS for s in ("mean", "sem")]], axis=1), args,
        "p2_costs_over_time_weekly")
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    smooth = weekly.rolling(4, min_periods=1).mean()
    m, s = smooth[("cost_total", "mean")], smooth[("cost_total", "sem")]
    axes[0].plot(smooth.index, m, label="signalling - reactive")
    axes[0].fill_between(smooth.index, m - 1.96 * s, m + 1.96 * s, alpha=0.3)
    axes[0].axhline(0, color="black", linewidth=0.6)
    for year_end in range(52, int(smooth.index.max()), 52):
        axes[0].axvline(year_end, color="grey", linestyle=":", linewidth=0.8)
    axes[0].set_title("total cost difference (EUR/yr, 4-week mean, 95% band)")
    axes[0].set_xlabel("week after signalling starts")
    for p in PARTS[1:]:
        axes[1].plot(smooth.index, smooth[(p, "mean")], label=p.removeprefix("cost_"))
    axes[1].axhline(0, color="black", linewidth=0.6)
    axes[1].set_title("difference by budget (EUR/yr)")
    axes[1].set_xlabel("week after signalling starts")
    axes[1].legend(fontsize=8)
    fig.suptitle("P2: costs after early signalling starts, paired with reactive practice")
    save_figure(fig, args)
    print(yearly[["year", "cost_total_diff", "cost_total_ci", "cost_team_diff",
                  "cost_maatwerk_diff", "cost_crisis_diff"]].to_string(index=False))
