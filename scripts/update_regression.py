"""Regenerate the regression baseline (tests/data/regression_baseline.json).

Run this only when a change to the model is *meant* to change results, and say so in the commit:
    .venv/bin/python scripts/update_regression.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from regression import BASELINE_PATH, regression_summary  # noqa: E402

if __name__ == "__main__":
    summary = regression_summary()
    BASELINE_PATH.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    print(f"wrote {BASELINE_PATH} ({len(summary['scenarios'])} scenarios)")
