"""How much narrower is a policy effect's 95% interval with paired seeds?

Early signalling minus reactive practice, 40 seeds per scenario. For R runs per arm (2R runs in
all), the paired interval uses the same R seeds in both arms (a t-interval on the differences);
the independent one uses R seeds for reactive practice and R other seeds for signalling (a
Welch interval). Averaged over 200 random draws of the seeds, the script reports each KPI's mean
interval width both ways and their ratio, as a CSV and a figure.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from common import arguments, run, save_figure, save_table
from scipy import stats

from wijksim.analysis.stats import t_interval
from wijksim.analysis.sweeps import design_rng

KPIS = ["escalations_per_1000", "time_to_help_weeks", "waiting_list", "maatwerk_per_1000",
        "wlz_per_1000", "workload", "signals_per_1000", "unmet_need", "cost_total",
        "cost_maatwerk"]
SIZES = (5, 10, 20)
DRAWS = 200


def paired_width(a: np.ndarray, b: np.ndarray) -> float:
    ci = t_interval(b - a)
    return ci.high - ci.low


def welch_width(a: np.ndarray, b: np.ndarray) -> float:
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = np.sqrt(va + vb)
    if se == 0:
        return 0.0
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return 2 * stats.t.ppf(0.975, df) * se


if __name__ == "__main__":
    args = arguments("paired_vs_independent", __doc__)
    summary = run(args, min_replicates=4)  # two draws of two seeds in a scaled-down run
    wide = summary.pivot_table(index="seed", columns="scenario", values=KPIS)
    seeds = wide.index.to_numpy()
    rng = design_rng(707, purpose=3)
    rows = []
    for r in [r for r in SIZES if 2 * r <= len(seeds)] or [len(seeds) // 2]:
        widths = {k: ([], []) for k in KPIS}
        for _ in range(DRAWS):
            pick = rng.permutation(len(seeds))
            same, other = pick[:r], pick[r:2 * r]
            for kpi in KPIS:
                a = wide[(kpi, "reactive")].to_numpy()
                b = wide[(kpi, "signalling")].to_numpy()
                widths[kpi][0].append(paired_width(a[same], b[same]))
                widths[kpi][1].append(welch_width(a[same], b[other]))
        for kpi in KPIS:
            p, i = np.mean(widths[kpi][0]), np.mean(widths[kpi][1])
            diff = (wide[(kpi, "signalling")] - wide[(kpi, "reactive")]).mean()
            rows.append({"runs_per_arm": r, "kpi": kpi, "effect": diff, "paired_width": p,
                         "independent_width": i, "ratio": p / i if i > 0 else np.nan})
    table = pd.DataFrame(rows)
    save_table(table, args)
    r = max(table["runs_per_arm"])
    sub = table[table["runs_per_arm"] == r].reset_index(drop=True)
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [3, 2]})
    pos = np.arange(len(sub))
    axes[0].barh(pos - 0.2, sub["independent_width"] / sub["independent_width"], 0.4,
                 label="independent seeds", color="tab:grey")
    axes[0].barh(pos + 0.2, sub["ratio"], 0.4, label="paired seeds", color="tab:blue")
    axes[0].set_yticks(pos, sub["kpi"])
    axes[0].invert_yaxis()
    axes[0].set_xlabel("width of the 95% interval of the effect (independent = 1)")
    axes[0].set_title(f"{r} runs per arm ({2 * r} runs), mean of {DRAWS} draws")
    axes[0].legend(loc="lower right", fontsize=8)
    for size, group in table.groupby("runs_per_arm"):
        axes[1].plot(group["kpi"], group["ratio"], marker="o", linestyle="", label=f"R = {size}")
    axes[1].tick_params(axis="x", rotation=75)
    axes[1].set_ylabel("paired / independent width")
    axes[1].set_yscale("log")
    axes[1].legend(fontsize=8)
    axes[1].set_title("ratio by runs per arm")
    fig.suptitle("Early signalling minus reactive practice: paired against independent seeds")
    save_figure(fig, args)
    print(table.pivot_table(index="kpi", columns="runs_per_arm", values="ratio").round(3)
          .to_string())
    med = sub["ratio"].median()
    print(f"median ratio (paired / independent) over {len(sub)} KPIs at R = {r}: {med:.3f}")
