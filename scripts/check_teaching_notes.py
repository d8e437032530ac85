"""Run every teacher note's expectation (src/wijksim/app/teaching.toml) and print the results.

    python scripts/check_teaching_notes.py [PRESET ...]

A line per expectation: the note, the KPI and what it should do, arm A's and arm B's mean over
the paired seeds and how many seeds agree; notes about the app are listed as such. Exit code 1
when a note does not hold (tests/app/test_teaching_notes.py runs the same checks).
"""

from __future__ import annotations

import sys
import time

from wijksim.app.session import list_presets, load_preset
from wijksim.app.teaching import CheckRunner, all_notes, expectations, hidden_presets


def main(names: list[str]) -> int:
    """Check the notes of ``names`` (default: every preset with notes)."""
    runner = CheckRunner()
    presets = names or [p for p in list_presets() if p in all_notes()
                        and p not in hidden_presets()]
    failed = 0
    for preset in presets:
        cfg = load_preset(preset)
        start = time.monotonic()
        print(f"== {preset}")
        for exp in expectations(preset):
            if exp.about:
                print(f"  {exp.note}: about {exp.about}")
                continue
            result = runner.check(cfg, exp)
            failed += not result.holds
            print(f"  {'ok  ' if result.holds else 'FAIL'} {result.line()}")
        print(f"  ({time.monotonic() - start:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
