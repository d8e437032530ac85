"""Statistics shared by the analysis tools: the 95% t-interval of a mean over replicates."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
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
