"""P8: informal care has limits.

Network first against regular practice (paired seeds) in wijken whose networks range from
thin (0.5 x ties and care capacity) to strong (1.5 x). Writes the paired effects by network
strength.
"""

import matplotlib.pyplot as plt
from common import arguments, effect_panel, run, save_figure, save_table

from wijksim.analysis.sweeps import paired_effects

KPIS = {
    "maatwerk_per_1000": "maatwerk per 1,000 inh.",
    "non_maatwerk_share": "solved without maatwerk (share)",
    "escalations_per_1000": "escalations per 1,000 inh./yr",
    "carer_overload_share": "overloaded carers (share)",
    "unmet_need": "unmet need (share)",
    "cost_total": "total cost (EUR/yr)",
}
X = "population.network_strength"

if __name__ == "__main__":
    args = arguments("p8_network_strength", __doc__)
    summary = run(args)
    effects = paired_effects(summary, "regular", kpis=list(KPIS), by=[X])
    save_table(effects, args)
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    for ax, (kpi, title) in zip(axes.flat, KPIS.items(), strict=True):
        effect_panel(ax, effects, X, kpi, title)
    fig.suptitle("P8: network first minus regular practice by network strength "
                 "(paired, 95% intervals)")
    save_figure(fig, args)
    print(effects[effects["kpi"].isin(["maatwerk_per_1000", "escalations_per_1000",
                                       "carer_overload_share"])]
          [[X, "kpi", "mean_a", "diff", "ci_low", "ci_high"]].to_string(index=False))
