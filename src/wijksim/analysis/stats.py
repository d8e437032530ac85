"""Statistics shared by the analysis tools.

The 95% t-interval of a mean over replicates, and the drift of a run's stocks (is it in its
steady state?).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats


class Interval(NamedTuple):
    """A mean with the bounds of its confidence interval (NaN where they cannot be known)."""

    mean: float
    low: float
    high: float

    @property
    def half_width(self) -> float:
        """Half the interval's width (NaN without an interval)."""
        return (self.high - self.low) / 2.0


def t_interval(values: Iterable[float] | np.ndarray, level: float = 0.95) -> Interval:
    """Mean and t-interval of the mean of ``values`` (NaNs dropped).

    The half-width is ``t((1 + level) / 2, n - 1) * sd / sqrt(n)`` with the sample standard
    deviation (``ddof=1``); the bounds are NaN for fewer than two values, and the mean too for
    none. (Written out rather than ``scipy.stats.t.interval`` so the bounds are exactly
    ``mean -/+ half``, as the tools have always reported them.)
    """
    v = np.asarray(values if isinstance(values, np.ndarray) else list(values), dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return Interval(math.nan, math.nan, math.nan)
    mean = float(v.mean())
    if v.size < 2:
        return Interval(mean, math.nan, math.nan)
    half = float(stats.t.ppf((1.0 + level) / 2.0, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size))
    return Interval(mean, mean - half, mean + half)


#: The stocks whose drift tells whether a run is in its steady state (P7's base rates, counted
#: at a week and over a year, and the team's workload).
EQUILIBRIUM_KPIS: tuple[str, ...] = (
    "wmo_per_1000",
    "wmo_clients_year_per_1000",
    "youth_care_share",
    "youth_care_year_share",
    "debt_share",
    "wlz_per_1000",
    "workload",
)

#: A stock drifts when its trend moves it by more than this share of its mean per year.
DRIFT_TOLERANCE = 0.02


def drift(ts: pd.DataFrame, kpis: tuple[str, ...] = EQUILIBRIUM_KPIS) -> dict[str, dict]:
    """The trend of each stock over the reported weeks: change per year, absolute and relative.

    A least-squares line through the weekly means over replicates (``ts`` has ``week`` and the
    KPI columns); ``relative`` is the change per year over the mean, ``steady`` whether it stays
    within :data:`DRIFT_TOLERANCE`. Works on any run: a scenario's levers switch at week 1, so
    only the baseline is expected to be level.
    """
    out: dict[str, dict] = {}
    weekly = ts.groupby("week").mean(numeric_only=True)
    years = weekly.index.to_numpy(dtype=float) / 52.0
    for kpi in kpis:
        if kpi not in weekly:
            continue
        y = weekly[kpi].to_numpy(dtype=float)
        ok = ~np.isnan(y)
        if ok.sum() < 2:
            continue
        slope = float(np.polyfit(years[ok], y[ok], 1)[0])
        mean = float(y[ok].mean())
        relative = slope / abs(mean) if mean else math.nan
        out[kpi] = {"per_year": slope, "mean": mean, "relative_per_year": relative,
                    "steady": bool(abs(relative) <= DRIFT_TOLERANCE)}
    return out
