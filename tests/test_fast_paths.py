"""The fast paths give the same results as the plain code they replace."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wijksim import state
from wijksim.model import WijkModel

PARAMS = dict(households=1500, wijken=2, weeks=30, warmup_weeks=10, team_structure="integrated",
              partners=["school", "gp", "creditors"], outreach_share=0.1, network_first=0.4)


def run(**extra) -> tuple[pd.DataFrame, WijkModel]:
    model = WijkModel(rng=3, **PARAMS, **extra)
    model.run()
    return model.datacollector.get_model_vars_dataframe(), model


def test_rows_nonzero_word_view_equals_plain_any(monkeypatch):
    """Selecting households by 64-bit words of their need/support rows changes nothing."""
    fast, fast_model = run()
    monkeypatch.setattr(state, "_rows_nonzero", lambda a: np.flatnonzero(a.any(axis=1)))
    plain, plain_model = run()
    pd.testing.assert_frame_equal(fast, plain)
    np.testing.assert_array_equal(fast_model.hh.need, plain_model.hh.need)
    np.testing.assert_array_equal(fast_model.hh.support, plain_model.hh.support)


def test_word_view_matches_any_after_a_run():
    _, model = run()
    hh = model.hh
    np.testing.assert_array_equal(hh.rows_with_need(), np.flatnonzero(hh.need.any(axis=1)))
    np.testing.assert_array_equal(hh.rows_with_support(), np.flatnonzero(hh.support.any(axis=1)))
    assert hh.rows_with_need().size > 0 and hh.rows_with_support().size > 0


def test_bernoulli_cells_is_a_bernoulli_draw_per_cell():
    from wijksim.life_events import bernoulli_cells

    rng = np.random.default_rng(0)
    draws = [bernoulli_cells(400, 0.1, rng) for _ in range(3000)]
    assert all(np.all(np.diff(d) > 0) and (d.size == 0 or d[-1] < 400) for d in draws)
    counts = np.bincount(np.concatenate(draws), minlength=400) / 3000
    assert abs(counts.mean() - 0.1) < 0.005
    assert np.all(np.abs(counts - 0.1) < 0.03)  # every cell, not just on average
    sizes = np.array([d.size for d in draws])
    assert abs(sizes.var() - 400 * 0.1 * 0.9) < 6  # binomial spread: cells are independent
