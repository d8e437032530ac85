"""The EMA Workbench adapter: uncertainties and levers named after config fields, outcomes
after KPIs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    ema_workbench = pytest.importorskip("ema_workbench")

from wijksim.analysis.ema import make_model  # noqa: E402
from wijksim.analysis.runner import run_model  # noqa: E402
from wijksim.config import load_config
from wijksim.errors import ConfigError  # noqa: E402
from wijksim.streams import replicate_seeds  # noqa: E402

SMALL = {"run.weeks": 10, "run.warmup_weeks": 4, "population.households": 200,
         "run.spinup_years": 2}


def test_perform_experiments_runs_wijksim():
    from ema_workbench import CategoricalParameter, RealParameter, perform_experiments

    model = make_model(
        None,
        uncertainties=[RealParameter("population__network_strength", 0.5, 1.5)],
        levers=[RealParameter("outreach_share", 0.0, 0.3),  # a flat name works too
                CategoricalParameter("team_structure", ["siloed", "integrated"])],
        outcomes=["workload", "cost_total"], replicates=2, seed=3, overrides=SMALL,
    )
    experiments, outcomes = perform_experiments(
        model, scenarios=3, policies=2, uncertainty_sampling_kwargs={"rng": 1},
        lever_sampling_kwargs={"rng": 2},
    )
    assert len(experiments) == 6
    assert set(outcomes) == {"workload", "cost_total"}
    assert outcomes["workload"].shape == (6,) and np.isfinite(outcomes["workload"]).all()
    # each outcome is the mean over the paired replicates of a direct wijksim run
    row = experiments.iloc[4]
    cfg = load_config(None, [*SMALL.items(),
                             ("population.network_strength",
                              float(row["population__network_strength"])),
                             ("team.outreach_share", float(row["outreach_share"])),
                             ("team.structure", str(row["team_structure"]))])
    direct = np.mean([run_model(cfg, s)["workload"].mean() for s in replicate_seeds(3, 2)])
    assert outcomes["workload"][4] == pytest.approx(direct, rel=1e-12)
    # outreach raises the team's workload: the adapter must pass the lever through
    order = np.argsort(experiments["outreach_share"].to_numpy())
    assert outcomes["workload"][order[-1]] > outcomes["workload"][order[0]]


def test_spread_and_weekly_series_on_request():
    from ema_workbench import RealParameter, perform_experiments

    model = make_model(None, uncertainties=[RealParameter("outreach_share", 0.0, 0.3)],
                       outcomes=["workload"], replicates=2, seed=3, overrides=SMALL,
                       spread=True, timeseries=True)
    experiments, outcomes = perform_experiments(model, scenarios=2,
                                                uncertainty_sampling_kwargs={"rng": 1})
    assert set(outcomes) == {"workload", "workload_sd", "workload_weekly"}
    assert outcomes["workload_weekly"].shape == (2, 10)  # an experiment's weeks
    cfg = load_config(None, [*SMALL.items(), ("team.outreach_share",
                                              float(experiments.iloc[0]["outreach_share"]))])
    runs = [run_model(cfg, s)["workload"] for s in replicate_seeds(3, 2)]
    assert outcomes["workload_sd"][0] == pytest.approx(np.std([r.mean() for r in runs], ddof=1))
    np.testing.assert_allclose(outcomes["workload_weekly"][0], np.mean(runs, axis=0))


def test_names_map_to_config_fields():
    from wijksim.analysis.ema import field_path

    assert field_path("outreach_share") == "team.outreach_share"
    assert field_path("population__network_strength") == "population.network_strength"
    assert field_path("policy.maatwerk_stage") == "policy.maatwerk_stage"
    with pytest.raises(ConfigError):
        field_path("run__seed")


def test_unknown_names_are_config_errors():
    from ema_workbench import RealParameter

    with pytest.raises(ConfigError, match="unknown config field"):
        make_model(None, uncertainties=[RealParameter("team__outreach", 0.0, 1.0)])
    with pytest.raises(ConfigError, match="unknown KPI"):
        make_model(None, outcomes=["happiness"])
