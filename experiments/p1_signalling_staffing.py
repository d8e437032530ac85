"""P1: early signalling pays off only with capacity.

Early signalling (all partners engaged, 10% outreach) against reactive practice on paired
seeds, at five staffing levels. Writes the paired effects (signalling minus reactive, 95%
intervals) per staffing level as a CSV and a figure.
"""

import matplotlib.pyplot as plt
from common import arguments, effect_panel, run, save_figure, save_table

from wijksim.analysis.sweeps import paired_effects

KPIS = {
    "escalations_per_1000": "escalations per 1,000 inh./yr",
    "maatwerk_per_1000": "maatwerk per 1,000 inh.",
    "wlz_per_1000": "Wlz per 1,000 inh.",
    "waiting_list": "waiting list (households)",
    "wait_weeks": "wait (weeks)",
    "cost_total": "total cost (EUR/yr)",
}

if __name__ == "__main__":
    args = arguments("p1_signalling_staffing", __doc__)
    summary = run(args)
    effects = paired_effects(summary, "reactive", kpis=list(KPIS), by=["team.fte_per_1000"])
    save_table(effects, args)
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    for ax, (kpi, title) in zip(axes.flat, KPIS.items(), strict=True):
        effect_panel(ax, effects, "team.fte_per_1000", kpi, title)
    fig.suptitle("P1: early signalling minus reactive practice (paired, 95% intervals) "
                 "by FTE per 1,000 inhabitants")
    save_figure(fig, args)
    print(effects[effects["kpi"].isin(["escalations_per_1000", "waiting_list", "wlz_per_1000"])]
          [["team.fte_per_1000", "kpi", "mean_a", "mean_b", "diff", "ci_low", "ci_high"]]
          .to_string(index=False))
