"""P3: outreach has an optimum.

The share of workers' hours spent on outreach (0 to 40%) with all partners engaged. Writes
the mean of each KPI per outreach share (95% intervals over replicates) and the paired effect
against no outreach.
"""

import matplotlib.pyplot as plt
from common import arguments, by_level, run, save_figure, save_table

from wijksim.analysis.runner import paired_differences

KPIS = {
    "escalations_per_1000": "escalations per 1,000 inh./yr",
    "unmet_need": "households with unmet need (share)",
    "time_to_help_weeks": "time to help (weeks)",
    "wait_weeks": "wait (weeks)",
    "workload": "workload (asked / available)",
    "cost_total": "total cost (EUR/yr)",
}
X = "team.outreach_share"

if __name__ == "__main__":
    args = arguments("p3_outreach_curve", __doc__)
    summary = run(args)
    table = by_level(summary, X, list(KPIS))
    ref = summary[summary[X] == 0.0]
    for kpi in KPIS:
        diffs = [paired_differences(ref, summary[summary[X] == v], (kpi,)).iloc[0]
                 for v in table[X]]
        table[f"{kpi}_vs_none"] = [d["diff"] for d in diffs]
        table[f"{kpi}_vs_none_low"] = [d["ci_low"] for d in diffs]
        table[f"{kpi}_vs_none_high"] = [d["ci_high"] for d in diffs]
    save_table(table, args)
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    for ax, (kpi, title) in zip(axes.flat, KPIS.items(), strict=True):
        ax.errorbar(table[X], table[kpi], yerr=table[f"{kpi}_ci"], marker="o", capsize=3)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("outreach share of hours")
    fig.suptitle("P3: outcomes by outreach share (all partners engaged; means, 95% intervals)")
    save_figure(fig, args)
    best = table.loc[table["escalations_per_1000"].idxmin(), X]
    print(table[[X, "escalations_per_1000", "escalations_per_1000_ci", "unmet_need",
                 "time_to_help_weeks", "workload"]].to_string(index=False))
    print(f"lowest escalations at outreach share {best}")
