"""The regression baseline: a seeded summary stored in the repo must be reproduced exactly.

If a change is meant to change results, regenerate it with scripts/update_regression.py and
say so in the commit message.
"""

from __future__ import annotations

import json
import math

import pytest
from regression import BASELINE_PATH, regression_summary


@pytest.fixture(scope="module")
def current() -> dict:
    return regression_summary()


def test_baseline_file_exists():
    assert BASELINE_PATH.exists(), "run scripts/update_regression.py to create the baseline"


def test_summary_matches_baseline(current):
    stored = json.loads(BASELINE_PATH.read_text())
    assert stored["scenarios"].keys() == current["scenarios"].keys()
    for name, kpis in stored["scenarios"].items():
        for kpi, values in kpis.items():
            now = current["scenarios"][name][kpi]
            for a, b in zip(values, now, strict=True):
                if a is None:
                    assert b is None, f"{name}.{kpi}: was NaN, now {b}"
                else:
                    assert b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (
                        f"{name}.{kpi}: stored {a}, now {b}"
                    )


def test_scenarios_differ(current):
    """The regression scenarios exercise different levers, so their results differ."""
    s = current["scenarios"]
    assert s["signalling"]["signals_per_1000"] != s["baseline"]["signals_per_1000"]
    nf = s["integrated_network_first"]["non_maatwerk_share"]
    assert nf != s["baseline"]["non_maatwerk_share"]
