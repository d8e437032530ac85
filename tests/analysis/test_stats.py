"""The one t-interval of the analysis tools (wijksim.analysis.stats)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from wijksim.analysis.runner import paired_differences
from wijksim.analysis.stats import t_interval


def test_interval_is_a_t_interval_and_drops_nans():
    mean, low, high = t_interval([1.0, 2.0, 3.0, float("nan")])
    assert mean == 2.0
    assert high - mean == pytest.approx(4.302653 * 1.0 / np.sqrt(3), rel=1e-5)
    assert low == pytest.approx(2 * mean - high)
    # the same as scipy's own interval of a mean
    lo, hi = stats.t.interval(0.95, 2, loc=2.0, scale=stats.sem([1.0, 2.0, 3.0]))
    assert (low, high) == pytest.approx((lo, hi), rel=1e-12)


def test_interval_needs_two_values_and_takes_any_sequence():
    one = t_interval(pd.Series([5.0, np.nan]))
    assert one.mean == 5.0 and math.isnan(one.low) and math.isnan(one.high)
    assert math.isnan(one.half_width)
    assert all(math.isnan(x) for x in t_interval([]))
    assert all(math.isnan(x) for x in t_interval(np.array([np.nan, np.nan])))
    ci = t_interval(v for v in (1.0, 3.0))
    assert ci.half_width == pytest.approx(ci.high - ci.mean)


def test_interval_level():
    wide, narrow = t_interval([1.0, 2.0, 4.0], 0.99), t_interval([1.0, 2.0, 4.0], 0.9)
    assert wide.low < narrow.low < narrow.high < wide.high


def test_paired_differences_use_the_interval():
    a = pd.DataFrame({"seed": [1, 2, 3, 4], "k": [1.0, 2.0, 3.0, 4.0]})
    b = pd.DataFrame({"seed": [4, 3, 2, 1], "k": [4.5, 3.0, 3.5, 1.0]})  # paired by seed
    row = paired_differences(a, b, ("k",)).iloc[0]
    assert tuple(row[["diff", "ci_low", "ci_high"]]) == tuple(t_interval([0.0, 1.5, 0.0, 0.5]))
    assert row["n"] == 4


def test_report_number_style():
    from wijksim.analysis import report

    assert report.show("waiting_list", 999.7) == "1,000"  # not 1e+03
    assert report.show("cost_gemeente", -400.0, signed=True) == "0"  # no "-0" or "+0"
    assert report.show("cost_gemeente", 1_234_567.0, "nl") == "1.235"
    assert report.show("unmet_need", 0.012, "en", signed=True) == "+1.2 pp"
    assert report.interval("unmet_need", 0.012, 0.034, "nl") == "[1,2%; 3,4%]"
    assert report.years_text(5.0, "nl") == "5,0"
