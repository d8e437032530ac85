"""Determinism: seeds, paired runs, mesa.batch_run, flat parameters and agent views."""

from __future__ import annotations

from dataclasses import fields

import mesa
import numpy as np
import pandas as pd
import pytest

from wijksim.agents import Partner, Resident, Worker
from wijksim.codes import DOMAINS, PARTNER_KINDS
from wijksim.config import load_config
from wijksim.errors import ConfigError
from wijksim.model import WijkModel
from wijksim.state import Households, Partners, Team

SMALL = {"households": 800, "wijken": 2, "warmup_weeks": 6, "weeks": 14, "spinup_years": 3}
SCENARIO = {
    "team_structure": "integrated",
    "fte_per_1000": 3.0,
    "outreach_share": 0.3,
    "partners": list(PARTNER_KINDS),
    "network_first": 0.8,
}


def run(**params) -> WijkModel:
    model = WijkModel(**params)
    model.run()
    return model


def kpis(model: WijkModel) -> pd.DataFrame:
    return model.datacollector.get_model_vars_dataframe()


def assert_same_state(a: WijkModel, b: WijkModel) -> None:
    for cls, x, y in (
        (Households, a.hh, b.hh),
        (Team, a.team, b.team),
        (Partners, a.partners, b.partners),
    ):
        for f in fields(cls):
            np.testing.assert_array_equal(getattr(x, f.name), getattr(y, f.name), err_msg=f.name)
    assert (a.net != b.net).nnz == 0


def test_same_seed_same_config_is_identical_bit_for_bit():
    a = run(rng=5, **SMALL, **SCENARIO)
    b = run(rng=5, **SMALL, **SCENARIO)
    da, db = kpis(a), kpis(b)
    assert len(da) == SMALL["warmup_weeks"] + SMALL["weeks"]
    pd.testing.assert_frame_equal(da, db, check_exact=True)
    # NaN in the same places, and every other value the same bits
    np.testing.assert_array_equal(da.to_numpy().view(np.uint64), db.to_numpy().view(np.uint64))
    assert_same_state(a, b)


def test_different_seeds_differ():
    a = run(rng=5, **SMALL)
    b = run(rng=6, **SMALL)
    assert not kpis(a).equals(kpis(b))
    assert not np.array_equal(a.hh.htype, b.hh.htype)


def test_seed_from_config_equals_rng_keyword():
    cfg = load_config(None, [("run.seed", 9)], **SMALL)
    a = run(config=cfg)
    b = run(rng=9, **SMALL)
    pd.testing.assert_frame_equal(kpis(a), kpis(b), check_exact=True)
    assert a.scenario_config.run.seed == 9


def test_string_seed_equals_integer_seed():
    a = run(rng="7", **SMALL)
    b = run(rng=7, **SMALL)
    c = run(seed=" 7 ", **SMALL)
    pd.testing.assert_frame_equal(kpis(a), kpis(b), check_exact=True)
    pd.testing.assert_frame_equal(kpis(c), kpis(b), check_exact=True)
    assert a.scenario_config.run.seed == 7


@pytest.mark.parametrize("bad", ["seven", "7.5", [1, 2]])
def test_bad_seed_raises(bad):
    with pytest.raises(ValueError):
        WijkModel(rng=bad, households=50)


def test_unknown_flat_parameter_raises():
    with pytest.raises(ConfigError) as info:
        WijkModel(rng=1, households=50, outreach=0.2)
    assert info.value.field == "outreach"


def test_flat_parameter_out_of_range_raises():
    with pytest.raises(ConfigError) as info:
        WijkModel(rng=1, households=50, outreach_share=1.5)
    assert info.value.field == "team.outreach_share"


# --------------------------------------------------------------------------- paired runs


def test_paired_runs_identical_through_warmup_then_diverge():
    base = run(rng=3, **SMALL)
    scen = run(rng=3, **SMALL, **SCENARIO)
    db, ds = kpis(base), kpis(scen)
    assert list(db["week"]) == list(ds["week"])
    warm = db["week"] <= 0
    assert warm.sum() == SMALL["warmup_weeks"]
    pd.testing.assert_frame_equal(db[warm], ds[warm], check_exact=True)
    assert not db[~warm].equals(ds[~warm])
    # the scenario's levers are on after the warm-up
    assert scen.cfg.team.structure == "integrated"
    assert scen.cfg.team.outreach_share == 0.3
    assert base.cfg.team.structure == "siloed"
    assert ds.loc[~warm, "cost_team"].iloc[-1] > db.loc[~warm, "cost_team"].iloc[-1]


def test_scenario_levers_in_warmup_differ_from_the_start():
    base = run(rng=3, **{**SMALL, "warmup_levers": "scenario"})
    scen = run(rng=3, **{**SMALL, "warmup_levers": "scenario"}, **SCENARIO)
    warm = kpis(base)["week"] <= 0
    assert not kpis(base)[warm].equals(kpis(scen)[warm])
    assert scen.cfg is scen.scenario_config


def test_paired_scenarios_share_life_event_draws():
    """Common random numbers: the life-event stream is consumed alike under any levers."""
    a = run(rng=4, households=300, warmup_weeks=0, weeks=30, spinup_years=2)
    b = run(rng=4, households=300, warmup_weeks=0, weeks=30, spinup_years=2, **SCENARIO)
    assert a.streams.life_events.bit_generator.state == b.streams.life_events.bit_generator.state
    assert a.streams.casework.bit_generator.state != b.streams.casework.bit_generator.state


def test_warmup_switch_happens_once_at_week_zero():
    model = WijkModel(rng=2, **SMALL, **SCENARIO)
    for _ in range(SMALL["warmup_weeks"]):
        model.step()
        assert model.cfg.team.structure == "siloed"  # baseline levers in warm-up
    n_before = model.team.n
    model.step()
    assert model.cfg is model.scenario_config
    assert model.cfg.team.structure == "integrated"
    assert model.team.covers.all()
    assert model.team.n >= n_before  # more FTE: positions opened
    assert len(model.workers) == model.team.n


# --------------------------------------------------------------------------- batch_run


def _batch():
    return mesa.batch_run(
        WijkModel,
        parameters={"outreach_share": [0.0, 0.2], "spinup_years": 2},
        rng=[1, 2],
        max_steps=10,
        number_processes=1,
        display_progress=False,
    )


def test_batch_run_works_with_flat_parameters():
    first = _batch()
    assert len(first) == 4
    assert sorted(r["outreach_share"] for r in first) == [0.0, 0.0, 0.2, 0.2]
    for r in first:
        assert r["Step"] == 10
        assert r["seed"] in (1, 2)
        assert r["week"] == 10 - 52  # still in the default warm-up
        assert r["cost_total"] > 0
    second = _batch()
    key = lambda r: (r["outreach_share"], r["seed"])  # noqa: E731
    a = {key(r): r for r in first}
    b = {key(r): r for r in second}
    assert a.keys() == b.keys()
    for k in a:
        ra, rb = a[k], b[k]
        assert ra.keys() == rb.keys()
        for name in ra:
            if name == "RunId":
                continue
            va, vb = ra[name], rb[name]
            assert va == vb or (va != va and vb != vb), (k, name)  # NaN == NaN here
    # different seeds give different results
    assert a[(0.0, 1)]["cost_total"] != a[(0.0, 2)]["cost_total"]


def test_batch_run_levers_take_effect_without_warmup():
    rows = mesa.batch_run(
        WijkModel,
        parameters={
            "households": 300,
            "warmup_weeks": 0,
            "spinup_years": 2,
            "fte_per_1000": [0.5, 4.0],
            "team_structure": "integrated",
        },
        rng=[3],
        max_steps=5,
        number_processes=1,
        display_progress=False,
    )
    cost = {r["fte_per_1000"]: r["cost_team"] for r in rows}
    assert cost[4.0] > cost[0.5]


def test_unseeded_models_draw_and_record_a_fresh_seed():
    small = {"households": 300, "warmup_weeks": 0, "weeks": 3, "spinup_years": 0}
    a, b = run(**small), run(**small)
    assert a.seed != b.seed  # Mesa's convention: no seed, a random run
    assert a.scenario_config.run.seed == a.seed and b.cfg.run.seed == b.seed
    assert not kpis(a).equals(kpis(b))
    assert set(kpis(a)["seed"]) == {a.seed}  # recorded with every week
    again = run(rng=a.seed, **small)  # and it can be repeated
    pd.testing.assert_frame_equal(kpis(again), kpis(a), check_exact=True)
    rows = mesa.batch_run(WijkModel, parameters=small, rng=[None, None], max_steps=3,
                          number_processes=1, display_progress=False)
    assert len({r["seed"] for r in rows}) == 2 and None not in {r["seed"] for r in rows}


def test_a_numpy_generator_is_accepted_as_rng():
    small = {"households": 300, "warmup_weeks": 0, "weeks": 3, "spinup_years": 0}
    a = run(rng=np.random.default_rng(11), **small)
    b = run(rng=np.random.default_rng(11), **small)
    assert a.seed == b.seed
    pd.testing.assert_frame_equal(kpis(a), kpis(b), check_exact=True)
    c = run(rng=np.random.SeedSequence(11), **small)
    assert isinstance(c.seed, int)


def test_every_config_field_is_a_flat_keyword_as_section__field():
    model = WijkModel(rng=1, households=300, spin_up=False, population__network_strength=0.7,
                      costs__crisis__care=1234.0, policy__cycle_weeks=13)
    cfg = model.scenario_config
    assert cfg.population.network_strength == 0.7 and cfg.costs.crisis.care == 1234.0
    assert cfg.policy.cycle_weeks == 13
    with pytest.raises(ConfigError, match="team.no_such_field"):
        WijkModel(rng=1, spin_up=False, team__no_such_field=1)
    with pytest.raises(ConfigError, match="unknown parameter"):
        WijkModel(rng=1, spin_up=False, nonsense=1)


def test_batch_run_with_period_minus_one_returns_the_last_week_not_a_mean():
    """What README says: data_collection_period=-1 gives the last collected week's values."""
    params = {"households": 300, "warmup_weeks": 0, "spinup_years": 0}
    rows = mesa.batch_run(WijkModel, parameters=params, rng=[4], max_steps=6,
                          data_collection_period=-1, number_processes=1,
                          display_progress=False)
    model = WijkModel(rng=4, **params)
    for _ in range(6):
        model.step()
    last = kpis(model).iloc[-1]
    assert len(rows) == 1 and rows[0]["week"] == last["week"]
    assert rows[0]["cost_total"] == last["cost_total"]


# --------------------------------------------------------------------------- agents


def test_resident_is_a_lazy_mesa_agent_view():
    model = WijkModel(rng=1, households=200, warmup_weeks=0, weeks=5)
    model.run()
    n_agents = len(model.agents)
    assert n_agents == model.team.n + model.partners.n  # workers and partners only
    i = int(np.flatnonzero(model.hh.need.any(axis=1))[0])
    r = model.resident(i)
    assert isinstance(r, Resident) and isinstance(r, mesa.Agent)
    assert len(model.agents) == n_agents + 1
    again = model.resident(i)
    assert again is r
    assert len(model.agents) == n_agents + 1
    assert r.needs == dict(zip(DOMAINS, model.hh.need[i].tolist(), strict=True))
    assert sum(r.needs.values()) > 0
    assert r.row == i
    assert r.state()["need"] == model.hh.need[i].tolist()
    assert set(r.ties) == set(model.net[i].indices.tolist())
    # a view: it follows the arrays
    model.hh.need[i, 0] = 4
    assert r.needs["care"] == 4
    with pytest.raises(IndexError):
        model.resident(model.hh.n)
    with pytest.raises(IndexError):
        model.resident(-1)


def test_workers_and_partners_are_agents_on_their_rows():
    model = WijkModel(rng=1, households=300, wijken=2, partners=["school"], warmup_weeks=0)
    assert all(isinstance(w, Worker) for w in model.workers)
    assert [w.slot for w in model.workers] == list(range(model.team.n))
    assert [p.index for p in model.partner_agents] == list(range(model.partners.n))
    engaged = [p.kind for p in model.partner_agents if p.engaged]
    assert engaged == ["school", "school"]
    assert {p.wijk for p in model.partner_agents} == {0, 1}
    assert all(isinstance(p, Partner) for p in model.partner_agents)
    assert all(w.filled for w in model.workers)
