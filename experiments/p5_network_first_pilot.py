"""P5: network first (Breda "Beweging naar de voorkant").

The Breda-like pilot (network first, a larger sociale basis budget; configs/breda_pilot.toml,
two years) against regular practice in the same wijk on paired seeds. Reports the share of
would-be maatwerk cases solved otherwise - routed to the network or the sociale basis and no
maatwerk 26 weeks later, over the cases whose outcome is known (trio pilot: 18 of 28, 64%) -
the pilot's savings on Wmo maatwerk (gemeente) and Wlz (Wlz fund) against its extra costs over
the two years, and both scaled to 400 cases.
"""

import matplotlib.pyplot as plt
import pandas as pd
from common import arguments, mean_ci, run, save_figure, save_table

if __name__ == "__main__":
    args = arguments("p5_network_first_pilot", __doc__)
    summary = run(args)
    years = summary["weeks"].astype(float) / 52.0
    totals = summary.assign(
        wmo=summary["cost_wmo"] * years,
        wlz=summary["cost_wlz"] * years,
        basis=summary["cost_sociale_basis"] * years,
        team=summary["cost_team"] * years,
        crisis=summary["cost_crisis"] * years,
        decisions=summary["eligible_decisions"] * summary["weeks"],
        known=(summary["alt_solved"] + summary["alt_failed"] + summary["alt_maatwerk"])
        * summary["weeks"],
        otherwise=summary["alt_solved"] * summary["weeks"],
    )
    wide = totals.pivot_table(index="seed", columns="scenario",
                              values=["wmo", "wlz", "basis", "team", "crisis", "decisions",
                                      "known", "otherwise", "cost_total"])
    per_seed = pd.DataFrame({
        "savings_wmo": wide[("wmo", "regular")] - wide[("wmo", "pilot")],
        "savings_wlz": wide[("wlz", "regular")] - wide[("wlz", "pilot")],
        "extra_sociale_basis": wide[("basis", "pilot")] - wide[("basis", "regular")],
        "extra_team": wide[("team", "pilot")] - wide[("team", "regular")],
        "savings_crisis": wide[("crisis", "regular")] - wide[("crisis", "pilot")],
        "pilot_decisions": wide[("decisions", "pilot")],
        "solved_otherwise_share": wide[("otherwise", "pilot")] / wide[("known", "pilot")],
        "regular_otherwise_share": wide[("otherwise", "regular")]
        / wide[("known", "regular")],
        "total_cost_diff": wide[("cost_total", "pilot")] - wide[("cost_total", "regular")],
    })
    per_seed["savings_maatwerk_wlz"] = per_seed["savings_wmo"] + per_seed["savings_wlz"]
    per_seed["extra_costs"] = per_seed["extra_sociale_basis"] + per_seed["extra_team"].clip(0)
    per_seed["savings_per_case"] = per_seed["savings_maatwerk_wlz"] / per_seed["pilot_decisions"]
    per_seed["costs_per_case"] = per_seed["extra_costs"] / per_seed["pilot_decisions"]
    rows = []
    for column in per_seed.columns:
        mean, half = mean_ci(per_seed[column])
        rows.append({"quantity": column, "mean": mean, "ci_low": mean - half,
                     "ci_high": mean + half})
    table = pd.DataFrame(rows)
    scaled = {"savings_400_cases": per_seed["savings_per_case"] * 400,
              "costs_400_cases": per_seed["costs_per_case"] * 400}
    for name, values in scaled.items():
        mean, half = mean_ci(values)
        table.loc[len(table)] = {"quantity": name, "mean": mean, "ci_low": mean - half,
                                 "ci_high": mean + half}
    save_table(table, args)
    q = table.set_index("quantity")["mean"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    axes[0].bar(["trio pilot\n(18 of 28)", "model: pilot", "model: regular"],
                [18 / 28, q["solved_otherwise_share"], q["regular_otherwise_share"]],
                color=["grey", "tab:green", "tab:blue"])
    axes[0].set_title("would-be maatwerk cases solved otherwise (share)")
    axes[0].set_ylim(0, 1)
    axes[1].bar(["Breda: saved", "Breda: cost", "model: saved", "model: cost"],
                [600_000, 150_000, q["savings_400_cases"], q["costs_400_cases"]],
                color=["grey", "lightgrey", "tab:green", "tab:red"])
    axes[1].set_title("two years, scaled to 400 cases (EUR)")
    fig.suptitle("P5: network-first pilot against regular practice (paired seeds)")
    save_figure(fig, args)
    print(table.to_string(index=False))
