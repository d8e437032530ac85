"""The public API: what `from wijksim import ...` gives, and the residents as Mesa agents."""

import subprocess
import sys

import numpy as np
from mesa.agent import AgentSet

import wijksim
from wijksim import Partner, Resident, WijkModel, Worker, load_config, run_replicates


def test_public_names_import_from_the_package():
    assert set(wijksim.__all__) == {
        "WijkModel", "Resident", "Worker", "Partner", "load_config", "run_replicates",
    }
    for name in wijksim.__all__:
        assert callable(getattr(wijksim, name))
    assert "WijkModel" in dir(wijksim)


def test_unknown_name_is_an_attribute_error():
    try:
        wijksim.NoSuchThing  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_import_wijksim_alone_does_not_load_the_model():
    code = "import sys, wijksim; sys.exit(3 if 'wijksim.model' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_load_config_and_run_replicates_from_the_package():
    cfg = load_config(None, [("population.households", 200), ("run.weeks", 3),
                             ("run.warmup_weeks", 0)])
    result = run_replicates(cfg, replicates=2)
    assert list(result.summary["replicate"]) == [0, 1]
    assert len(result.timeseries) == 6


def test_residents_is_an_agentset_of_every_household_built_on_first_access():
    model = WijkModel(rng=3, households=400, weeks=4, warmup_weeks=0)
    assert len(model.agents_by_type.get(Resident, [])) == 0  # not built by the model itself
    residents = model.residents
    assert isinstance(residents, AgentSet)
    assert len(residents) == model.hh.n
    assert len(model.agents_by_type[Resident]) == model.hh.n
    assert model.residents is residents  # built once
    assert {r.row for r in residents} == set(range(model.hh.n))
    assert len(model.agents_by_type[Worker]) == model.team.n
    assert len(model.agents_by_type[Partner]) == model.partners.n


def test_residents_stay_views_on_the_current_state():
    model = WijkModel(rng=3, households=400, weeks=30, warmup_weeks=0)
    residents = model.residents
    model.run()
    stages = np.array([list(r.needs.values()) for r in residents])
    np.testing.assert_array_equal(stages, model.hh.need)
    assert model.resident(7) is next(r for r in residents if r.row == 7)
