"""The seeded runs behind the regression baseline (shared by the test and the update script)."""

from __future__ import annotations

import math
from pathlib import Path

from wijksim.analysis.runner import run_replicates
from wijksim.config import load_config
from wijksim.kpis import KPIS

BASELINE_PATH = Path(__file__).parent / "data" / "regression_baseline.json"

#: Small, fast scenarios that together touch every submodel and lever.
SCENARIOS: dict[str, list[tuple[str, object]]] = {
    "baseline": [],
    "signalling": [
        ("team.outreach_share", 0.1),
        ("signalling.partners", ["supermarket", "school", "gp", "community_centre",
                                 "residents_initiative", "creditors"]),
    ],
    "integrated_network_first": [("team.structure", "integrated"), ("policy.network_first", 0.6)],
    "understaffed_fixed_closure": [("team.fte_per_1000", 0.25), ("policy.closure_rule", "fixed")],
}
COMMON: list[tuple[str, object]] = [
    ("population.households", 1500), ("population.wijken", 2),
    ("run.weeks", 52), ("run.warmup_weeks", 26), ("run.seed", 11),
]


def regression_summary() -> dict:
    """KPI means of each scenario (2 replicates), as plain JSON-able numbers."""
    out = {}
    for name, overrides in SCENARIOS.items():
        cfg = load_config(None, COMMON + overrides)
        summary = run_replicates(cfg, replicates=2).summary
        out[name] = {
            kpi: [None if math.isnan(v) else float(v) for v in summary[kpi]] for kpi in KPIS
        }
    return {"scenarios": out}
