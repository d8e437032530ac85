"""Teacher notes that hold true (issue 14, item 6): every "What to notice / What to try" note has
a checkable expectation in src/wijksim/app/teaching.toml, and each runs here on 4 paired seeds.

A failure means the model no longer shows what a note says: then the note is rewritten (and its
expectation with it), never the model. The runs are small (3,000 households; 6,000 with several
wijken), start from cached spin-ups, and share each warm-up between the runs of a seed.
scripts/check_teaching_notes.py prints the same figures.
"""

from __future__ import annotations

import pytest
from helpers import ROOT

from wijksim.app.session import list_presets, load_preset
from wijksim.app.teaching import (
    PARTS,
    CheckRunner,
    Expectation,
    all_notes,
    expectations,
    hidden_presets,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

CONFIGS = ROOT / "configs"
TAUGHT = [p for p in list_presets(CONFIGS) if p in all_notes() and p not in hidden_presets()
          and (all_notes()[p]["en"].notice or all_notes()[p]["en"].try_)]
NOTES = [(preset, f"{part}.{i}") for preset in TAUGHT for part in PARTS
         for i in range(1, len(getattr(all_notes()[preset]["en"],
                                       "try_" if part == "try" else part)) + 1)]


@pytest.fixture(scope="module")
def runner() -> CheckRunner:
    return CheckRunner()


def test_every_note_has_an_expectation_and_only_scenarios_are_taught():
    assert {"teaching", "baseline", "early_signalling", "understaffed", "almelo"} <= set(TAUGHT)
    assert "calibrated" in hidden_presets() and "calibrated" not in all_notes()
    assert hidden_presets() <= set(list_presets(CONFIGS))  # no stale names
    for preset in TAUGHT:
        notes = all_notes()[preset]["en"]
        checked = {e.note for e in expectations(preset)}
        wanted = {f"notice.{i}" for i in range(1, len(notes.notice) + 1)} | {
            f"try.{i}" for i in range(1, len(notes.try_) + 1)}
        assert checked == wanted, f"{preset}: notes without a check {wanted - checked}, " \
                                  f"checks without a note {checked - wanted}"
    results = [e for p in TAUGHT for e in expectations(p)]
    run = [e for e in results if not e.about]
    assert len(run) >= 2 * (len(results) - len(run))  # most notes are claims about results


@pytest.mark.parametrize(("preset", "note"), NOTES, ids=[f"{p}-{n}" for p, n in NOTES])
def test_the_note_holds(runner, preset, note):
    cfg = load_preset(preset, CONFIGS)
    checks = [e for e in expectations(preset) if e.note == note]
    if all(e.about for e in checks):
        assert all(len(e.about) > 10 for e in checks)  # says what the note is about instead
        return
    results = [runner.check(cfg, e) for e in checks if not e.about]
    failed = [r.line() for r in results if not r.holds]
    text = all_notes()[preset]["en"]
    shown = text.notice if note.startswith("notice") else text.try_
    assert not failed, (f"{preset} {note} no longer holds - rewrite the note: "
                        f"{shown[int(note.split('.')[1]) - 1]!r}\n" + "\n".join(failed))


def test_a_false_note_is_caught(runner):
    """The checker is no rubber stamp: the opposite of true notes fails."""
    cfg = load_preset("early_signalling", CONFIGS)
    false = [Expectation(note="x", against="baseline", kpi="signals_per_1000", direction="down"),
             Expectation(note="x", kpi="workload", below=0.5),
             Expectation(note="x", change={"outreach_share": 0.02}, kpi="partner_relation",
                         direction="same", min_change=0.1)]
    for exp in false:
        result = runner.check(cfg, exp)
        assert not result.holds and sum(result.agree) <= 1, result.line()
