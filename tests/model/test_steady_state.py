"""The baseline stays level: after its spin-up, no stock drifts over ten years."""

from __future__ import annotations

import pytest
from helpers import ROOT

from wijksim.analysis.runner import run_replicates
from wijksim.analysis.stats import DRIFT_TOLERANCE, EQUILIBRIUM_KPIS, drift
from wijksim.config import load_config


@pytest.fixture(scope="module")
def ten_years():
    """The baseline (its own size and spin-up) over ten reported years, one replicate."""
    cfg = load_config(ROOT / "configs" / "baseline.toml", [("run.weeks", 520)])
    return run_replicates(cfg, replicates=1).timeseries


def test_the_baselines_stocks_stay_level_over_ten_years(ten_years):
    trend = drift(ten_years)
    assert set(trend) == set(EQUILIBRIUM_KPIS)
    moving = {k: round(v["relative_per_year"], 4) for k, v in trend.items() if not v["steady"]}
    assert not moving, f"drift per year beyond {DRIFT_TOLERANCE:.0%} of the mean: {moving}"


def test_the_first_and_last_year_agree(ten_years):
    """A second look at the same thing: the last year is within 10% of the first."""
    first = ten_years[ten_years["week"] <= 52].mean(numeric_only=True)
    last = ten_years[ten_years["week"] > 520 - 52].mean(numeric_only=True)
    for kpi in ("wmo_clients_year_per_1000", "youth_care_year_share", "debt_share",
                "wlz_per_1000"):
        assert abs(last[kpi] / first[kpi] - 1) < 0.10, (kpi, first[kpi], last[kpi])


def test_drift_flags_a_rising_stock():
    """The diagnostic itself: a stock that rises 5% a year is not steady; a flat one is."""
    import numpy as np
    import pandas as pd

    weeks = np.arange(1, 521)
    frame = pd.DataFrame({"week": weeks, "wmo_per_1000": 50 * (1 + 0.05 * weeks / 52),
                          "debt_share": np.full(weeks.size, 0.07)})
    trend = drift(frame, ("wmo_per_1000", "debt_share"))
    assert not trend["wmo_per_1000"]["steady"]
    assert trend["wmo_per_1000"]["per_year"] == pytest.approx(2.5)
    assert trend["debt_share"]["steady"]
