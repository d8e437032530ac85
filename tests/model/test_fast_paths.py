"""The fast paths give the same results as the plain code they replace.

The weekly loops are compiled by numba; ``NUMBA_DISABLE_JIT=1`` runs the very same functions
as plain Python. Compiled and plain runs must agree bit for bit, state and KPIs alike.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

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
    from wijksim.submodels.life_events import bernoulli_cells

    rng = np.random.default_rng(0)
    draws = [bernoulli_cells(400, 0.1, rng) for _ in range(3000)]
    assert all(np.all(np.diff(d) > 0) and (d.size == 0 or d[-1] < 400) for d in draws)
    counts = np.bincount(np.concatenate(draws), minlength=400) / 3000
    assert abs(counts.mean() - 0.1) < 0.005
    assert np.all(np.abs(counts - 0.1) < 0.03)  # every cell, not just on average
    sizes = np.array([d.size for d in draws])
    assert abs(sizes.var() - 400 * 0.1 * 0.9) < 6  # binomial spread: cells are independent


PLAIN_RUN = """
import pickle, sys
from dataclasses import fields
import numpy as np
from wijksim.model import WijkModel
model = WijkModel(rng=4, **{params!r})
model.run()
state = {{f.name: np.array(getattr(model.hh, f.name)) for f in fields(model.hh)}}
team = {{f.name: np.array(getattr(model.team, f.name)) for f in fields(model.team)}}
frame = model.datacollector.get_model_vars_dataframe()
pickle.dump((frame, state, team), open(sys.argv[1], "wb"))
"""

#: Small, but with every route, plan and team event: siloed and integrated, partners signalling.
PLAIN_CASES = {
    "siloed_signalling": dict(households=600, wijken=2, weeks=40, warmup_weeks=8,
                              outreach_share=0.1, network_first=0.3, fte_per_1000=0.3,
                              partners=["school", "gp", "creditors", "supermarket"]),
    "integrated_fixed": dict(households=600, wijken=2, weeks=40, warmup_weeks=8,
                             team_structure="integrated", closure_rule="fixed",
                             network_first=0.6),
}


def run_in_subprocess(params: dict, tmp_path, jit: bool):
    """Run a model in a fresh interpreter, compiled or as plain Python; return its results."""
    out = tmp_path / f"{'jit' if jit else 'plain'}.pkl"
    env = dict(os.environ, NUMBA_DISABLE_JIT="0" if jit else "1")
    subprocess.run([sys.executable, "-c", PLAIN_RUN.format(params=params), str(out)],
                   env=env, check=True)
    with open(out, "rb") as fh:
        return pickle.load(fh)


@pytest.mark.parametrize("case", sorted(PLAIN_CASES))
def test_compiled_loops_equal_plain_python(case, tmp_path):
    """Every compiled weekly loop gives exactly what the same code gives as plain Python."""
    params = PLAIN_CASES[case]
    frame, state, team = run_in_subprocess(params, tmp_path, jit=True)
    plain_frame, plain_state, plain_team = run_in_subprocess(params, tmp_path, jit=False)
    pd.testing.assert_frame_equal(frame, plain_frame, check_exact=True)
    for name in state:
        np.testing.assert_array_equal(state[name], plain_state[name], err_msg=name)
    for name in team:
        np.testing.assert_array_equal(team[name], plain_team[name], err_msg=name)
    # the runs did things worth comparing
    for column in ("admissions", "escalations", "maatwerk_grants", "network_plans",
                   "crises_per_1000"):
        assert frame[column].sum() > 0, column
    if "partners" in params:
        assert frame["signals_partner"].sum() > 0


def test_plain_python_run_is_really_uncompiled(tmp_path):
    """``NUMBA_DISABLE_JIT=1`` leaves the kernels as Python functions (so the test above bites)."""
    code = ("from wijksim.submodels import escalation; import sys; "
            "sys.exit(0 if type(escalation.move_stages).__name__ == 'function' else 3)")
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0
    env["NUMBA_DISABLE_JIT"] = "0"
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 3
