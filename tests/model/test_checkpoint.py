"""The spin-up checkpoint: a loaded spin-up continues exactly like a computed one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wijksim import checkpoint
from wijksim.model import WijkModel

SMALL = dict(households=600, wijken=2, weeks=12, warmup_weeks=3, spinup_years=2)


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """Every test here starts with an empty checkpoint folder of its own."""
    monkeypatch.setenv("WIJKSIM_CACHE", str(tmp_path / "cache"))


def run(**params) -> tuple[WijkModel, pd.DataFrame]:
    model = WijkModel(rng=5, **(SMALL | params))
    model.run()
    return model, model.datacollector.get_model_vars_dataframe()


def test_a_loaded_spin_up_gives_the_same_run_as_a_computed_one():
    cold, cold_frame = run(outreach_share=0.1, partners=["gp", "school"])
    assert not cold.spun_up_from_checkpoint
    files = list((checkpoint.cache_dir() / "spinup").glob("*.npz"))
    assert len(files) == 1
    warm, warm_frame = run(outreach_share=0.1, partners=["gp", "school"])
    assert warm.spun_up_from_checkpoint
    pd.testing.assert_frame_equal(cold_frame, warm_frame)
    for name in ("need", "support", "provision", "status", "effect", "birth_week", "strain"):
        np.testing.assert_array_equal(getattr(cold.hh, name), getattr(warm.hh, name))
    np.testing.assert_array_equal(cold.team.workload, warm.team.workload)
    assert cold.streams.casework.random() == warm.streams.casework.random()


def test_the_spin_up_is_not_reported_and_the_clock_starts_after_it():
    model, frame = run()
    assert model.start_week == 2 * 52
    assert list(frame["week"]) == list(range(-2, 13))  # three warm-up weeks, then 1..12
    assert model.steps == 15  # Mesa counts the reported run only


def test_scenarios_that_differ_in_levers_share_the_baselines_spin_up():
    run(outreach_share=0.3)
    model, _ = run(outreach_share=0.0, team_structure="integrated")
    assert model.spun_up_from_checkpoint  # the spin-up ran at the baseline's levers


def test_another_seed_or_another_rate_spins_up_again():
    base = WijkModel(rng=5, **SMALL)
    assert not base.spun_up_from_checkpoint
    assert not WijkModel(rng=6, **SMALL).spun_up_from_checkpoint
    cfg = base.scenario_config.model_copy(deep=True)
    cfg.needs.relapse_weeks = 10
    assert not WijkModel(cfg, rng=5).spun_up_from_checkpoint
    assert WijkModel(rng=5, **SMALL).spun_up_from_checkpoint
    assert len(list((checkpoint.cache_dir() / "spinup").glob("*.npz"))) == 3


def test_an_unreadable_checkpoint_is_spun_up_again_and_replaced():
    _, first = run()
    (path,) = (checkpoint.cache_dir() / "spinup").glob("*.npz")
    path.write_bytes(b"not a checkpoint")
    model, again = run()
    assert not model.spun_up_from_checkpoint
    pd.testing.assert_frame_equal(first, again)
    assert run()[0].spun_up_from_checkpoint


def test_no_spin_up_writes_no_checkpoint():
    WijkModel(rng=5, **(SMALL | {"spinup_years": 0}))
    assert not (checkpoint.cache_dir() / "spinup").exists()


def test_the_folder_keeps_the_most_recently_used_checkpoints(monkeypatch):
    monkeypatch.setattr(checkpoint, "MAX_CHECKPOINTS", 2)
    for seed in (1, 2, 3):
        WijkModel(rng=seed, **(SMALL | {"spinup_years": 1}))
    folder = checkpoint.cache_dir() / "spinup"
    assert len(list(folder.glob("*.npz"))) == 2
    assert not WijkModel(rng=1, **(SMALL | {"spinup_years": 1})).spun_up_from_checkpoint
    assert WijkModel(rng=3, **(SMALL | {"spinup_years": 1})).spun_up_from_checkpoint
