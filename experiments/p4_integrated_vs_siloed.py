"""P4: integration helps multi-problem households.

Integrated against siloed wijkteams at equal FTE (three staffing levels), paired seeds. Writes
the paired effects (integrated minus siloed, 95% intervals).
"""

import matplotlib.pyplot as plt
from common import arguments, effect_panel, run, save_figure, save_table

from wijksim.analysis.sweeps import paired_effects

KPIS = {
    "time_to_help_weeks": "time to help (weeks)",
    "escalations_per_1000": "escalations per 1,000 inh./yr",
    "wait_weeks": "wait (weeks)",
    "workload": "workload (asked / available)",
    "unmet_need": "unmet need (share)",
    "cost_total": "total cost (EUR/yr)",
}

if __name__ == "__main__":
    args = arguments("p4_integrated_vs_siloed", __doc__)
    summary = run(args)
    effects = paired_effects(summary, "siloed", kpis=list(KPIS), by=["team.fte_per_1000"])
    save_table(effects, args)
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    for ax, (kpi, title) in zip(axes.flat, KPIS.items(), strict=True):
        effect_panel(ax, effects, "team.fte_per_1000", kpi, title)
    fig.suptitle("P4: integrated minus siloed team at equal FTE (paired, 95% intervals)")
    save_figure(fig, args)
    print(effects[effects["kpi"].isin(["time_to_help_weeks", "escalations_per_1000"])]
          [["team.fte_per_1000", "kpi", "mean_a", "mean_b", "diff", "ci_low", "ci_high"]]
          .to_string(index=False))
