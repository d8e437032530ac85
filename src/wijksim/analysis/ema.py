"""An adapter for the EMA Workbench: wijksim as an ``ema_workbench.Model``.

Uncertainties and levers are named after config fields - flat (``"outreach_share"``, see
:data:`wijksim.config.FLAT_FIELDS`), or any field as ``section__field``
(``"population__network_strength"``; two underscores for the dot, since ema-workbench 3 wants
names to be Python identifiers; the dotted ``"team.outreach_share"`` also works but makes EMA
warn) - and outcomes after KPIs (``"escalations_per_1000"``, ``"cost_total"``, ...). Each
experiment runs the base scenario with the experiment's values on ``replicates`` paired seeds
(the same seeds in every experiment: common random numbers) and reports each KPI averaged over
the reported weeks and replicates::

    from ema_workbench import RealParameter, CategoricalParameter, perform_experiments
    from wijksim.analysis.ema import make_model

    model = make_model(
        "configs/baseline.toml",
        uncertainties=[RealParameter("population__network_strength", 0.5, 1.5)],
        levers=[RealParameter("outreach_share", 0.0, 0.3),
                CategoricalParameter("team_structure", ["siloed", "integrated"])],
        outcomes=["escalations_per_1000", "cost_total"],
        replicates=2, overrides={"run.weeks": 104},
    )
    experiments, outcomes = perform_experiments(model, scenarios=8, policies=3)

ema-workbench is an optional extra (``pip install 'wijksim[ema]'``); version 3.0 needs
Python >= 3.12. Under pandas 3, ema-workbench 3.0.0's PRIM (``ema_workbench.analysis.prim``)
fails; running experiments (this adapter) works.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from wijksim.analysis.runner import run_model
from wijksim.config import FLAT_FIELDS, Config, flat_field, get_dotted, load_config, plain_value
from wijksim.errors import ConfigError
from wijksim.kpis import EXTRA, KPIS
from wijksim.streams import replicate_seeds

#: Outcomes used when none are given.
DEFAULT_OUTCOMES: tuple[str, ...] = (
    "escalations_per_1000", "time_to_help_weeks", "workload", "cost_total",
)


def field_path(name: str, source: str = "ema") -> str:
    """The dotted config field for an uncertainty or lever name (flat, section__field or dotted)."""
    dotted = flat_field(name) or name
    if "." not in dotted:
        raise ConfigError(source, name, "not a config field (use section.field or a flat name "
                          f"from {', '.join(FLAT_FIELDS)})")
    try:
        get_dotted(Config(), dotted)
    except (AttributeError, KeyError, TypeError):
        raise ConfigError(source, name, "unknown config field (see docs/parameters.md)") from None
    if dotted in ("run.seed", "run.replicates"):
        raise ConfigError(source, name, "seeds come from the adapter's seed and replicates")
    return dotted


class WijksimFunction:
    """The callable an EMA ``Model`` runs: keyword values in, KPI means out (picklable)."""

    def __init__(self, base: str | Path | None = None, outcomes: Sequence[str] = DEFAULT_OUTCOMES,
                 replicates: int = 1, seed: int = 1,
                 overrides: dict[str, Any] | None = None, spread: bool = False,
                 timeseries: bool = False) -> None:
        self.base = str(base) if base is not None else None
        self.outcomes = list(outcomes)
        self.spread = spread
        self.timeseries = timeseries
        self.seeds = replicate_seeds(seed, replicates)
        self.overrides = dict(overrides or {})
        for name in self.outcomes:
            if name not in (*KPIS, *EXTRA):
                raise ConfigError("ema", name, f"unknown KPI (known: {', '.join(KPIS)})")
        load_config(self.base, list(self.overrides.items()))  # fail early on a bad base

    def config(self, **values: Any) -> Config:
        """The resolved config of one experiment."""
        items = [*self.overrides.items()]
        items += [(field_path(k), plain_value(v)) for k, v in values.items()]
        return load_config(self.base, items)

    def __call__(self, **values: Any) -> dict[str, Any]:
        """Run the replicates of one experiment; return each outcome's mean over them.

        With ``spread``, also ``NAME_sd``: the standard deviation over the replicates of the
        run means (NaN with one replicate). With ``timeseries``, also ``NAME_weekly``: the
        weekly values averaged over the replicates (an array, one value per reported week).
        """
        cfg = self.config(**values)
        frames = [run_model(cfg, seed) for seed in self.seeds]
        out: dict[str, Any] = {}
        for name in self.outcomes:
            means = np.array([float(frame[name].mean()) for frame in frames])
            out[name] = sum(float(m) for m in means) / len(means)  # in order, as before
            if self.spread:
                out[f"{name}_sd"] = float(means.std(ddof=1)) if len(means) > 1 else math.nan
            if self.timeseries:
                out[f"{name}_weekly"] = np.mean([f[name].to_numpy(float) for f in frames], axis=0)
        return out


def make_model(
    base: str | Path | None = None,
    uncertainties: Iterable[Any] = (),
    levers: Iterable[Any] = (),
    outcomes: Iterable[Any] = DEFAULT_OUTCOMES,
    replicates: int = 1,
    seed: int = 1,
    overrides: dict[str, Any] | None = None,
    name: str = "wijksim",
    spread: bool = False,
    timeseries: bool = False,
) -> Any:
    """An ``ema_workbench.Model`` that runs wijksim.

    ``uncertainties`` and ``levers`` are EMA parameters (``RealParameter``,
    ``IntegerParameter``, ``CategoricalParameter``...) named after config fields; ``outcomes``
    are KPI names or ``ScalarOutcome`` objects named after KPIs: each the mean over the
    replicates. ``spread`` adds ``KPI_sd`` (the standard deviation over the replicates),
    ``timeseries`` ``KPI_weekly`` (an ``ArrayOutcome``: the weekly values, averaged over the
    replicates). Raises :class:`~wijksim.errors.ConfigError` on an unknown field or KPI.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "ipyparallel not installed" on import
        from ema_workbench import ArrayOutcome, Model, ScalarOutcome

    outcome_objs = [o if not isinstance(o, str) else ScalarOutcome(o) for o in outcomes]
    names = [o.name for o in outcome_objs]
    function = WijksimFunction(base, names, replicates, seed, overrides, spread, timeseries)
    model = Model(name, function=function)
    model.uncertainties = list(uncertainties)
    model.levers = list(levers)
    model.outcomes = [*outcome_objs,
                      *(ScalarOutcome(f"{n}_sd") for n in names if spread),
                      *(ArrayOutcome(f"{n}_weekly") for n in names if timeseries)]
    for parameter in [*model.uncertainties, *model.levers]:
        field_path(parameter.name)
    return model
