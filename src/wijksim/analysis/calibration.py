"""Calibration: fit base rates so that the baseline reproduces the Dutch figures of pattern P7.

``wijksim calibrate [CONFIG]`` (see docs/calibration.md) works in four steps:

1. **Targets** (:data:`TARGETS`), as CBS counts them: Wmo clients over a year about 72 per
   1,000 inhabitants (CBS 2024), youth care over a year about 10% of under-23s (CBS 2023),
   problematic debts about 7.6% of households (CBS 2020), Wlz elderly care about 10 per 1,000
   inhabitants (CBS 84529NED), and the Wmo flows: about 30% of clients end each year, 15-20%
   of them by death. Each is the model's KPI averaged over the reported weeks of CONFIG
   (the baseline, from its steady state: the spin-up). One side condition
   (:data:`CONSTRAINTS`): the mean wait for intake is at most the Wmo's legal term of six
   weeks. The costs per client-year (:data:`COST_TARGETS`, CBS/AEF) are checked, not fitted:
   they follow from the provisions' costs. Every measure is the model's observation
   (:mod:`wijksim.submodels.observation`, read from its DataCollector frame): nothing here
   recomputes a KPI.
2. **Screen**: a Morris elementary-effects screen (SALib) of the candidate parameters
   (:data:`CANDIDATES`: onset hazards, chronicity, mortality, renewal of provisions,
   help-seeking, maatwerk and Wlz rules, ...)
   on ``log(model / target)`` of every target, on common random numbers (the same seeds at
   every point).
3. **Fit** by simulated method of moments: minimise ``1/2 sum_k r_k^2`` with
   ``r_k = log(m_k / t_k) / log(1 + tol_k)`` (one-sided for the side condition) plus a weak
   pull towards the starting values, over the candidates chosen by forward selection: first
   the most influential candidate of each target (by the screen); while a target stays outside
   its tolerance, the next one in that target's ranking joins (at most ``max_params``). Each
   round fits the continuous candidates with ``scipy.optimize.least_squares`` (trust-region
   reflective, bounded to the candidates' ranges; a forward-difference Jacobian whose runs are
   done in parallel) and then moves the integer ones to their best neighbour. Every evaluation
   uses the same seeds (common random numbers). The search stops when it converges or the
   budget (model runs) is spent; the best point evaluated is kept.
4. **Check and write**: the fitted config is run on fresh seeds; the fitted values (every
   candidate, fitted or kept) go to a TOML file that the baseline extends
   (``configs/calibrated.toml``), and a report (markdown, JSON, tables, figures) to a folder.

Nothing here changes the model: calibration only chooses parameter values in a config file.
"""

from __future__ import annotations

import copy
import json
import math
import os
import time
import tomllib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from wijksim.analysis.parallel import default_workers, map_unordered, process_pool
from wijksim.analysis.runner import atomic_write, observed, versions
from wijksim.analysis.stats import t_interval
from wijksim.config import Config, get_dotted, load_config, set_dotted, validate
from wijksim.errors import ConfigError
from wijksim.streams import replicate_seeds

# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Target:
    """A base rate the baseline should reproduce: a KPI averaged over the reported weeks."""

    kpi: str
    value: float
    unit: str
    source: str
    label: str
    tolerance: float = 0.10  # relative; the residual's scale and the "fit achieved" band
    at_most: bool = False  # one-sided: only values above the target count as a miss

    def miss(self, m: float) -> float:
        """The residual of a model value: ``log(m / value) / log(1 + tolerance)``.

        Zero below the target when ``at_most``; a zero or missing value counts as a tenth of
        the target (none for ``at_most``: nothing to wait for).
        """
        if not (m > 0):
            if self.at_most:
                return 0.0
            m = self.value / 10.0
        r = math.log(m / self.value) / math.log(1.0 + self.tolerance)
        return max(r, 0.0) if self.at_most else r


#: The fitted targets: P7's base rates as CBS counts them (persons over a year where CBS counts
#: so), and the flows of Wmo clients.
TARGETS: tuple[Target, ...] = (
    Target("wmo_clients_year_per_1000", 72.0, "per 1,000 inhabitants",
           "CBS 2024 (table 86050NED): 1,284,680 Wmo clients with a maatwerkvoorziening in the "
           "year, 72 per 1,000 inhabitants", "Wmo clients in a year"),
    Target("youth_care_year_share", 0.10, "share of under-23s",
           "CBS 2023, jeugdhulp (about one in ten young people under 23 in the year)",
           "youth care in a year"),
    Target("debt_share", 0.076, "share of households",
           "CBS 2020, problematische schulden (7.6% of households)", "problematic debts"),
    Target("wlz_per_1000", 10.0, "per 1,000 inhabitants",
           "CBS 84529NED: Wlz elderly care (zzp verpleging en verzorging), about 1% of "
           "inhabitants; the model's Wlz is elderly care only (all Wlz, with disability and "
           "mental health care, is 2%)", "Wlz elderly care"),
    Target("wmo_ending_rate", 0.30, "endings per client per year",
           "Wmo flows: roughly 30% of Wmo clients end each year", "Wmo endings",
           tolerance=0.15),
    Target("wmo_death_share", 0.175, "share of Wmo endings",
           "Wmo flows: deaths are 15-20% of the endings", "endings by death", tolerance=0.25),
)

#: Side conditions of the fit (not patterns): the baseline team meets the Wmo's legal term.
CONSTRAINTS: tuple[Target, ...] = (
    Target("wait_weeks", 6.0, "weeks",
           "Wmo 2015 art. 2.3.2: the investigation after a request takes at most six weeks",
           "wait for intake", tolerance=0.25, at_most=True),
)

#: Everything the objective scores: the targets and the side conditions.
FIT_TARGETS: tuple[Target, ...] = TARGETS + CONSTRAINTS


@dataclass(frozen=True)
class CostTarget:
    """A cost per client-year of P7: checked from the model, not fitted.

    ``cost`` and ``clients`` are the model's KPIs (euro per year; clients per 1,000
    inhabitants at a week): the cost per client-year is their ratio. The costs come from the
    provisions' ``cost_per_year`` (and the Wlz's), set to these estimates.
    """

    name: str
    value: float
    cost: str
    clients: str
    source: str
    label: str


#: The costs per client of P7.
COST_TARGETS: tuple[CostTarget, ...] = (
    CostTarget("cost_per_client_wmo", 4500.0, "cost_wmo", "wmo_per_1000",
               "CBS/AEF estimate (about EUR 4.5k per Wmo client a year)", "Wmo"),
    CostTarget("cost_per_client_youth", 10000.0, "cost_youth", "youth_care_share",
               "CBS/AEF estimate (about EUR 10k per youth-care client a year)", "youth care"),
    CostTarget("cost_per_client_wlz", 85000.0, "cost_wlz", "wlz_per_1000",
               "CBS/AEF estimate (about EUR 85k per Wlz client a year)", "Wlz"),
)

# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class Factor:
    """A candidate parameter: a dotted config field and its range.

    ``kind = "scale"`` multiplies the starting config's value (a number or a list, element by
    element) by a multiplier in ``[low, high]``; ``kind = "value"`` sets the value itself. The
    range is searched in unit coordinates ``u`` in 0-1, on a log scale when ``log``.
    """

    name: str
    path: str
    kind: str
    low: float
    high: float
    log: bool = False
    integer: bool = False
    description: str = ""

    def _from_unit(self, u: float) -> float:
        u = min(max(float(u), 0.0), 1.0)
        if self.log:
            return math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        return self.low + u * (self.high - self.low)

    def _to_unit(self, v: float) -> float:
        if self.log:
            span = math.log(self.high) - math.log(self.low)
            u = (math.log(max(v, 1e-12)) - math.log(self.low)) / span
        else:
            u = (v - self.low) / (self.high - self.low)
        return min(max(u, 0.0), 1.0)

    def value(self, u: float, start: Any) -> Any:
        """The field's value at unit coordinate ``u``, given its starting value."""
        x = self._from_unit(u)
        if self.kind == "scale":
            if isinstance(start, list):
                return [float(v) * x for v in start]
            return float(start) * x
        return int(round(x)) if self.integer else float(x)

    def start_unit(self, start: Any) -> float:
        """Unit coordinate of the starting config (multiplier 1 for ``scale``)."""
        return self._to_unit(1.0 if self.kind == "scale" else float(start))

    def display(self, u: float, start: Any) -> str:
        """The value at ``u`` for tables: the multiplier and the result, or the value."""
        v = self.value(u, start)
        if self.kind == "scale":
            shown = ", ".join(f"{x:.3g}" for x in v) if isinstance(v, list) else f"{v:.3g}"
            return f"x{self._from_unit(u):.3g} -> {shown}"
        return f"{v}" if self.integer else f"{v:.4g}"


#: The candidate parameters screened (and, the most influential, fitted).
CANDIDATES: tuple[Factor, ...] = (
    Factor("onset_care", "needs.onset_per_year.care", "scale", 1 / 3, 3.0, log=True,
           description="new care needs per household-year (all household types)"),
    Factor("onset_youth", "needs.onset_per_year.youth", "scale", 1 / 4, 4.0, log=True,
           description="new youth needs per household-year (families)"),
    Factor("onset_debt", "needs.onset_per_year.debt", "scale", 1 / 3, 3.0, log=True,
           description="new debt needs per household-year (all household types)"),
    Factor("chronic_care", "needs.chronic.care", "value", 0.6, 0.98,
           description="chronicity of care needs (recovery x (1 - chronic))"),
    Factor("chronic_youth", "needs.chronic.youth", "value", 0.2, 0.9,
           description="chronicity of youth needs"),
    Factor("chronic_debt", "needs.chronic.debt", "value", 0.3, 0.95,
           description="chronicity of debts"),
    Factor("death_care", "population.death_care_multiplier", "scale", 0.7, 2.5, log=True,
           description="death hazard of the elderly by care stage"),
    Factor("renewal_hh", "policy.provisions.huishoudelijke_hulp.renewal", "value", 0.4, 0.98,
           description="renewal of household help at review"),
    Factor("renewal_aids", "policy.provisions.hulpmiddel.renewal", "value", 0.5, 0.99,
           description="renewal of aids (hulpmiddelen) at review"),
    Factor("renewal_youth", "policy.provisions.jeugdhulp.renewal", "value", 0.05, 0.8,
           description="renewal of a youth care episode"),
    Factor("help_seeking", "signalling.help_seeking_per_year", "scale", 0.5, 2.0, log=True,
           description="self-referral hazards by stage"),
    Factor("maatwerk_recovery", "policy.maatwerk_recovery_per_year", "scale", 0.25, 2.0,
           log=True, description="recovery hazards under a maatwerkvoorziening"),
    Factor("wlz_weeks_severe", "policy.wlz_weeks_severe", "value", 26.0, 156.0, integer=True,
           description="weeks of severe care need before a Wlz indication"),
    Factor("wlz_exit", "policy.wlz_exit_per_year", "value", 0.25, 0.5,
           description="death hazard of Wlz clients per year"),
    Factor("escalation", "needs.escalation_per_year", "scale", 0.5, 2.0, log=True,
           description="escalation hazards by stage"),
)

#: Moments recorded for every run besides the targets (diagnostics, drift, costs).
DIAGNOSTICS: tuple[str, ...] = (
    "workload", "waiting_list", "wait_weeks", "unmet_need", "maatwerk_per_1000",
    "wmo_per_1000", "youth_care_share", "escalations_per_1000", "time_to_help_weeks",
    "non_maatwerk_share", "basis_per_1000", "cost_wmo", "cost_youth", "cost_wlz",
    "debt_relief_per_1000", "wmo_to_wlz_rate", "inhabitants",
)

#: Weight of the pull towards the starting values, per unit coordinate.
PRIOR_WEIGHT = 0.2
#: Forward-difference step of the Jacobian, in unit coordinates.
DIFF_STEP = 0.05


class BudgetExhaustedError(Exception):
    """The run budget does not allow the next batch of evaluations."""


# --------------------------------------------------------------------------- config helpers


def apply_factors(
    data: dict[str, Any], factors: Sequence[Factor], units: Sequence[float]
) -> dict[str, Any]:
    """A copy of ``data`` with each factor set to its value at unit coordinate ``units[i]``."""
    out = copy.deepcopy(data)
    for f, u in zip(factors, units, strict=True):
        set_dotted(out, f.path, f.value(u, get_dotted(data, f.path)))
    return out


def round_fields(data: dict[str, Any], factors: Sequence[Factor],
                 digits: int = 4) -> dict[str, Any]:
    """``data`` with the factors' fields rounded to ``digits`` significant digits (as written)."""
    out = copy.deepcopy(data)
    for f in factors:
        v = get_dotted(out, f.path)
        if isinstance(v, list):
            set_dotted(out, f.path, [_sig(x, digits) for x in v])
        elif isinstance(v, float):
            set_dotted(out, f.path, _sig(v, digits))
    return out


def _sig(x: float, digits: int) -> float:
    return float(f"{x:.{digits}g}") if x else 0.0


# --------------------------------------------------------------------------- simulation


def simulate(data: dict[str, Any], seed: int) -> dict[str, float]:
    """Run one replicate of a config (plain data) and return its moments.

    For each target and diagnostic KPI, as the model observes it (its DataCollector frame,
    :mod:`wijksim.submodels.observation`): its mean over the reported weeks (``name``), over
    the first and the last 52 reported weeks (``name@first``, ``name@last``). And the cost per
    client-year of :data:`COST_TARGETS`: the mean cost over the mean clients.
    """
    from wijksim.model import WijkModel  # imported here: worker processes import it once

    cfg = Config.model_validate(data)
    model = WijkModel(cfg, rng=seed)
    model.run()
    frame = observed(model, seed)
    out: dict[str, float] = {}
    for name in [t.kpi for t in TARGETS] + list(DIAGNOSTICS):
        col = frame[name].to_numpy(np.float64)
        out[name] = _nanmean(col)
        out[f"{name}@first"] = _nanmean(col[:52])
        out[f"{name}@last"] = _nanmean(col[-52:])
    return out | cost_per_client(out, model)


def cost_per_client(moments: dict[str, float], model: Any) -> dict[str, float]:
    """The cost per client-year of each :data:`COST_TARGETS` from the mean cost and clients."""
    out = {}
    for c in COST_TARGETS:
        clients = moments[c.clients]
        if c.clients == "youth_care_share":  # a share of under-23s
            clients = clients * model.under_23
        else:  # per 1,000 inhabitants
            clients = clients * model.inhabitants / 1000.0
        out[c.name] = moments[c.cost] / clients if clients > 0 else math.nan
    return out


def _nanmean(values: np.ndarray) -> float:
    ok = ~np.isnan(values)
    return float(values[ok].mean()) if ok.any() else math.nan


def _simulate_task(task: tuple[dict[str, Any], int]) -> dict[str, float]:
    return simulate(*task)


Progress = Callable[[int, str], None]


class Evaluator:
    """Runs configs on common seeds, in parallel, within a budget of model runs.

    ``evaluate(datas)`` runs every config on every seed and returns the moments averaged over
    the seeds (and each seed's moments under ``"per_seed"``). Results are cached by config.
    """

    def __init__(self, seeds: Sequence[int], workers: int = 1, budget: int | None = None,
                 progress: Progress | None = None) -> None:
        self.seeds = list(seeds)
        self.workers = max(1, int(workers))
        self.budget = budget
        self.used = 0
        self.progress = progress
        self._pool: ProcessPoolExecutor | None = None
        self._cache: dict[str, dict[str, Any]] = {}

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def _pool_or_none(self) -> ProcessPoolExecutor | None:
        """The worker pool, started at first use and kept for every batch (none for 1 worker)."""
        if self.workers <= 1:
            return None
        if self._pool is None:
            self._pool = process_pool(self.workers)
        return self._pool

    def remaining(self) -> float:
        """Model runs left in the budget (infinite without a budget)."""
        return math.inf if self.budget is None else self.budget - self.used

    def evaluate(self, datas: Sequence[dict[str, Any]], seeds: Sequence[int] | None = None,
                 label: str = "", charge: bool = True) -> list[dict[str, Any]]:
        """Moments of each config averaged over ``seeds`` (default: the common seeds)."""
        seeds = list(seeds) if seeds is not None else self.seeds
        keys = [json.dumps(d, sort_keys=True, default=str) + repr(seeds) for d in datas]
        unique: dict[str, int] = {}  # configs not in the cache, each once
        for i, key in enumerate(keys):
            if key not in self._cache:
                unique.setdefault(key, i)
        runs = len(unique) * len(seeds)
        if charge and runs > self.remaining():
            raise BudgetExhaustedError(f"{runs} runs needed, {self.remaining()} left")
        tasks = [(datas[i], s) for i in unique.values() for s in seeds]
        results: list[dict[str, float] | None] = [None] * len(tasks)
        for j, future in map_unordered(_simulate_task, tasks, self.workers,
                                       self._pool_or_none()):
            results[j] = future.result()
            self._tick(label)
        if charge:
            self.used += runs
        for n, (key, _i) in enumerate(unique.items()):
            per_seed = results[n * len(seeds):(n + 1) * len(seeds)]
            frame = pd.DataFrame(per_seed)
            mean = {k: _nanmean(frame[k].to_numpy(float)) for k in frame.columns}
            self._cache[key] = {**mean, "per_seed": per_seed}
        return [self._cache[k] for k in keys]

    def _tick(self, label: str) -> None:
        if self.progress is not None:
            self.progress(1, label)


# --------------------------------------------------------------------------- objective


def residuals(moments: dict[str, float],
              targets: Sequence[Target] = FIT_TARGETS) -> np.ndarray:
    """``log(model / target) / log(1 + tolerance)`` per target (a miss of one tolerance is 1)."""
    return np.asarray([t.miss(moments.get(t.kpi, math.nan)) for t in targets])


def objective(moments: dict[str, float], targets: Sequence[Target] = FIT_TARGETS) -> float:
    """Half the sum of squared target residuals (without the prior pull)."""
    r = residuals(moments, targets)
    return 0.5 * float(r @ r)


# --------------------------------------------------------------------------- screen


def morris_screen(evaluator: Evaluator, data: dict[str, Any], factors: Sequence[Factor],
                  trajectories: int, seed: int = 1, levels: int = 4,
                  seeds: Sequence[int] | None = None) -> pd.DataFrame:
    """Morris elementary effects of every factor on ``log(model / target)`` of every target.

    Returns a row per (factor, output) with ``mu_star``, ``mu``, ``sigma`` and
    ``mu_star_conf``; outputs are the targets' KPIs, plus their drift (last minus first
    reported year, relative to the target) and the team's workload as diagnostics.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    problem = {"num_vars": len(factors), "names": [f.name for f in factors],
               "bounds": [[0.0, 1.0]] * len(factors)}
    x = morris_sample.sample(problem, N=trajectories, num_levels=levels, seed=seed)
    points = [apply_factors(data, factors, row) for row in x]
    moments = evaluator.evaluate(points, seeds=seeds, label="screen")
    outputs: dict[str, np.ndarray] = {}
    for t in CONSTRAINTS:
        vals = np.array([m[t.kpi] for m in moments], dtype=float)
        outputs[t.kpi] = np.log(np.maximum(np.nan_to_num(vals, nan=0.0), t.value / 10) / t.value)
    for t in TARGETS:
        vals = np.array([m[t.kpi] for m in moments], dtype=float)
        outputs[t.kpi] = np.log(np.maximum(np.nan_to_num(vals, nan=0.0), t.value / 10) / t.value)
        drift = np.array([m[f"{t.kpi}@last"] - m[f"{t.kpi}@first"] for m in moments])
        outputs[f"{t.kpi}:drift"] = np.nan_to_num(drift / t.value)
    outputs["workload"] = np.nan_to_num(np.array([m["workload"] for m in moments]))
    rows = []
    for name, y in outputs.items():
        si = morris_analyze.analyze(problem, x, y, num_levels=levels, seed=seed)
        for k, f in enumerate(factors):
            rows.append({
                "factor": f.name, "output": name, "mu_star": float(si["mu_star"][k]),
                "mu": float(si["mu"][k]), "sigma": float(si["sigma"][k]),
                "mu_star_conf": float(si["mu_star_conf"][k]),
            })
    return pd.DataFrame(rows)


def select_factors(screen: pd.DataFrame, factors: Sequence[Factor], max_params: int = 6,
                   share: float = 0.5) -> list[Factor]:
    """The factors to fit, chosen from the screen.

    For each target the most influential factor not yet chosen, then any factor whose
    ``mu_star`` on some target is at least ``share`` of that target's best, most influential
    first; at most ``max_params``.
    """
    by_name = {f.name: f for f in factors}
    targets = [t.kpi for t in FIT_TARGETS]
    chosen: list[str] = []
    table = screen[screen["output"].isin(targets)]
    for kpi in targets:
        ranked = table[table["output"] == kpi].sort_values("mu_star", ascending=False)
        for name in ranked["factor"]:
            if name not in chosen:
                chosen.append(name)
                break
    extra = []
    for kpi in targets:
        sub = table[table["output"] == kpi]
        best = sub["mu_star"].max()
        for row in sub.itertuples():
            if row.factor not in chosen and best > 0 and row.mu_star >= share * best:
                extra.append((row.mu_star / best, row.factor))
    for _score, name in sorted(extra, reverse=True):
        if name not in chosen:
            chosen.append(name)
    chosen = chosen[:max_params]
    return [by_name[n] for n in by_name if n in chosen]


# --------------------------------------------------------------------------- fit


@dataclass
class FitResult:
    """The outcome of :func:`fit`."""

    factors: list[Factor]
    start: list[float]
    best: list[float]
    best_objective: float
    start_objective: float
    history: pd.DataFrame
    stopped: str
    start_moments: dict[str, Any] = field(default_factory=dict)
    best_targets: dict[str, float] = field(default_factory=dict)
    moments: dict[str, float] = field(default_factory=dict)


def fit(evaluator: Evaluator, data: dict[str, Any], factors: Sequence[Factor],
        start: dict[str, float] | None = None, prior_weight: float = PRIOR_WEIGHT,
        diff_step: float = DIFF_STEP, max_steps: int = 25, label: str = "fit") -> FitResult:
    """Simulated method of moments: fit ``factors`` of ``data`` to :data:`FIT_TARGETS`.

    ``scipy.optimize.least_squares`` (trust-region reflective, unit bounds) minimises the
    target residuals plus ``prior_weight * (u - u_data)``, a weak pull towards the values in
    ``data``; it starts from ``start`` (unit coordinates by factor name; default: the values in
    ``data``). The Jacobian is a forward difference whose runs are evaluated in one parallel
    batch (integer factors step by at least one unit). Stops at convergence, after
    ``max_steps`` steps, or when the evaluator's budget cannot pay for the next batch; returns
    the best point evaluated (by the full objective, prior included).
    """
    factors = list(factors)
    u_data = np.array([f.start_unit(get_dotted(data, f.path)) for f in factors])
    u_start = np.array([(start or {}).get(f.name, u) for f, u in zip(factors, u_data,
                                                                       strict=True)])
    history: list[dict[str, Any]] = []

    def point(u: np.ndarray) -> dict[str, Any]:
        return apply_factors(data, factors, u)

    def record(u: np.ndarray, moments: dict[str, Any], kind: str) -> None:
        row = {"evaluation": len(history), "kind": kind, "runs_used": evaluator.used,
               "objective": objective(moments)}
        row.update({f.name: float(x) for f, x in zip(factors, u, strict=True)})
        row.update({t.kpi: moments.get(t.kpi, math.nan) for t in FIT_TARGETS})
        history.append(row)

    def full_residuals(u: np.ndarray, moments: dict[str, Any]) -> np.ndarray:
        return np.concatenate([residuals(moments), prior_weight * (u - u_data)])

    def fun(u: np.ndarray) -> np.ndarray:
        (m,) = evaluator.evaluate([point(u)], label=label)
        record(u, m, "step")
        return full_residuals(u, m)

    def steps(u: np.ndarray) -> np.ndarray:
        h = np.empty(len(factors))
        for j, f in enumerate(factors):
            hj = max(diff_step, 1.0 / (f.high - f.low)) if f.integer else diff_step
            h[j] = hj if u[j] + hj <= 1.0 else -hj  # step inwards at the upper bound
        return h

    def jac(u: np.ndarray) -> np.ndarray:
        h = steps(u)
        shifted = [u + h[j] * np.eye(len(u))[j] for j in range(len(u))]
        base, *moved = evaluator.evaluate([point(u)] + [point(s) for s in shifted],
                                          label=label)
        r0 = full_residuals(u, base)
        cols = []
        for s, m, hj in zip(shifted, moved, h, strict=True):
            record(s, m, "jacobian")
            cols.append((full_residuals(s, m) - r0) / hj)
        return np.column_stack(cols)

    m0: dict[str, Any] = {}
    try:
        (m0,) = evaluator.evaluate([point(u_start)], label=label)
        record(u_start, m0, "start")
        result = optimize.least_squares(
            fun, u_start, jac=jac, bounds=(0.0, 1.0), method="trf", x_scale=1.0,
            xtol=1e-3, ftol=1e-3, gtol=1e-4, max_nfev=max_steps,
        )
        stopped = {0: "step limit", 1: "converged (gradient)", 2: "converged (objective)",
                   3: "converged (parameters)", 4: "converged"}.get(result.status,
                                                                   result.message)
    except BudgetExhaustedError:
        stopped = "budget spent"
    hist = pd.DataFrame(history)
    if hist.empty:
        raise BudgetExhaustedError("the budget does not cover one evaluation of the start")
    cols = [f.name for f in factors]
    total = hist["objective"] + 0.5 * prior_weight**2 * (
        (hist[cols].to_numpy() - u_data) ** 2
    ).sum(axis=1)
    best_row = hist.loc[total.idxmin()]
    best = [float(best_row[c]) for c in cols]
    return FitResult(
        factors=factors, start=[float(x) for x in u_start], best=best,
        best_objective=float(best_row["objective"]),
        start_objective=float(hist.loc[0, "objective"]), history=hist, stopped=stopped,
        start_moments=m0,
        best_targets={t.kpi: float(best_row[t.kpi]) for t in FIT_TARGETS},
    )


def off_targets(moments: dict[str, float]) -> list[str]:
    """The targets (and side conditions) whose model value is outside their tolerance."""
    return [t.kpi for t in FIT_TARGETS
            if abs(t.miss(moments.get(t.kpi, math.nan))) > 1.0 + 1e-9]


def integer_search(evaluator: Evaluator, data: dict[str, Any], factors: Sequence[Factor],
                   units: dict[str, float], moments: dict[str, Any], label: str = "fit",
                   reach: int = 2) -> tuple[dict[str, float], dict[str, Any], list[dict]]:
    """Improve the integer factors by trying their neighbours (up to ``reach`` units away).

    A gradient step cannot move an integer factor (a small step rounds to the same value), so
    each pass evaluates, in one parallel batch, every neighbour of every integer factor with
    the others held, and moves to the best one if it lowers the objective. Passes repeat while
    they improve. Returns the new units, their moments and history rows.
    """
    ints = [f for f in factors if f.integer]
    rows: list[dict[str, Any]] = []
    current, best_m = dict(units), moments
    while ints:
        candidates = []
        for f in ints:
            v = f.value(current[f.name], None)
            for k in range(-reach, reach + 1):
                if k and f.low <= v + k <= f.high:
                    candidates.append({**current, f.name: f._to_unit(v + k)})
        if not candidates:
            break
        points = [apply_factors(data, factors, [c[f.name] for f in factors])
                  for c in candidates]
        try:
            results = evaluator.evaluate(points, label=label)
        except BudgetExhaustedError:
            break
        for c, m in zip(candidates, results, strict=True):
            rows.append({"kind": "integer", "runs_used": evaluator.used,
                         "objective": objective(m), **c,
                         **{t.kpi: m.get(t.kpi, math.nan) for t in FIT_TARGETS}})
        best = min(range(len(results)), key=lambda i: objective(results[i]))
        if objective(results[best]) >= objective(best_m) - 1e-9:
            break
        current, best_m = candidates[best], results[best]
    return current, best_m, rows


def forward_fit(evaluator: Evaluator, data: dict[str, Any], screen: pd.DataFrame,
                factors: Sequence[Factor], max_params: int = 8,
                log: Callable[[str], None] | None = None) -> tuple[list[Factor], FitResult,
                                                                   list[dict[str, Any]]]:
    """Fit with forward selection of the factors, guided by the screen.

    Start with one factor per target (:func:`select_factors` without extras). A round fits
    the continuous factors with :func:`fit` (the integer ones held), then moves the integer
    ones with :func:`integer_search`. While a target stays outside its tolerance and the budget
    allows, the next factor of that target's screen ranking is added and another round starts
    from the best point so far.

    Returns the fitted factors, the fit (its history holds every round) and a summary per
    round.
    """
    selected = select_factors(screen, factors, max_params, share=math.inf)
    units: dict[str, float] = {}
    rounds: list[dict[str, Any]] = []
    histories: list[pd.DataFrame] = []
    first: FitResult | None = None
    moments: dict[str, Any] = {}
    stopped = "no round"
    while True:
        label = f"fit, round {len(rounds) + 1}"
        for f in selected:
            units.setdefault(f.name, f.start_unit(get_dotted(data, f.path)))
        ints = [f for f in selected if f.integer]
        cont = [f for f in selected if not f.integer]
        held = apply_factors(data, ints, [units[f.name] for f in ints])
        try:
            if cont:
                result = fit(evaluator, held, cont, start=units, label=label)
                first = first or result
                histories.append(result.history.assign(round=len(rounds) + 1))
                units.update(zip([f.name for f in cont], result.best, strict=True))
                stopped = result.stopped
            (moments,) = evaluator.evaluate(
                [apply_factors(data, selected, [units[f.name] for f in selected])], label=label)
        except BudgetExhaustedError:
            if first is None:
                raise
            stopped = "budget spent"
            break
        if ints:
            units, moments, rows = integer_search(evaluator, data, selected, units, moments,
                                                  label)
            if rows:
                histories.append(pd.DataFrame(rows).assign(round=len(rounds) + 1))
        off = off_targets(moments)
        rounds.append({"round": len(rounds) + 1, "factors": [f.name for f in selected],
                       "objective": objective(moments), "stopped": stopped,
                       "off_targets": off, "runs_used": evaluator.used})
        if log:
            log(f"round {len(rounds)}: {', '.join(f.name for f in selected)}; objective "
                f"{objective(moments):.3g}; off: {', '.join(off) or 'none'}")
        added = next_factors(screen, factors, selected, off, max_params)
        next_cost = 2 * (len(selected) + len(added) + 1) * len(evaluator.seeds)
        if not off or not added or evaluator.remaining() < next_cost:
            break
        selected = [f for f in factors if f in selected or f in added]
    if first is None:  # only integer factors: no gradient fit ran
        start_m = evaluator.evaluate([data], label="fit")[0]
        first = FitResult([], [], [], objective(start_m), objective(start_m), pd.DataFrame(),
                          stopped, start_moments=start_m)
    history = pd.concat(histories, ignore_index=True) if histories else pd.DataFrame()
    history["evaluation"] = range(len(history))
    u_data = [f.start_unit(get_dotted(data, f.path)) for f in selected]
    final = FitResult(
        factors=list(selected), start=u_data, best=[units[f.name] for f in selected],
        best_objective=objective(moments), start_objective=first.start_objective,
        history=history, stopped=stopped, start_moments=first.start_moments,
        best_targets={t.kpi: float(moments.get(t.kpi, math.nan)) for t in FIT_TARGETS},
    )
    return list(selected), final, rounds


def next_factors(screen: pd.DataFrame, factors: Sequence[Factor], chosen: Sequence[Factor],
                 off: Sequence[str], max_params: int) -> list[Factor]:
    """For each off target, the next factor of its screen ranking not yet chosen."""
    names = {f.name for f in chosen}
    added: list[str] = []
    for kpi in off:
        ranked = screen[screen["output"] == kpi].sort_values("mu_star", ascending=False)
        for name in ranked["factor"]:
            if name not in names and name not in added:
                added.append(name)
                break
    room = max(0, max_params - len(names))
    added = added[:room]
    return [f for f in factors if f.name in added]


# --------------------------------------------------------------------------- check


def fit_table(moments: dict[str, Any], seeds: int) -> pd.DataFrame:
    """Each target against the model: mean over replicates, 95% interval, relative error."""
    per_seed = pd.DataFrame(moments["per_seed"])
    rows = []
    for t in TARGETS:
        vals = per_seed[t.kpi].to_numpy(float)
        rows.append(_row(t.kpi, t.label, t.unit, t.value, vals, t.tolerance, "fitted"))
    for t in CONSTRAINTS:
        vals = per_seed[t.kpi].to_numpy(float)
        row = _row(t.kpi, t.label, t.unit, t.value, vals, t.tolerance, "side condition, at most")
        row["within"] = bool(abs(t.miss(row["model"])) <= 1.0)
        rows.append(row)
    for c in COST_TARGETS:
        vals = per_seed[c.name].to_numpy(float)
        rows.append(_row(c.name, f"cost per client-year, {c.label}", "EUR per year", c.value,
                         vals, 0.15, "check"))
    return pd.DataFrame(rows)


def _row(name: str, label: str, unit: str, target: float, vals: np.ndarray, tol: float,
         kind: str) -> dict[str, Any]:
    mean, low, high = t_interval(vals)
    rel = mean / target - 1.0
    return {"target": name, "label": label, "unit": unit, "value": target, "model": mean,
            "ci_low": low, "ci_high": high, "relative_error": rel,
            "tolerance": tol, "within": bool(abs(rel) <= tol), "kind": kind}


# --------------------------------------------------------------------------- writing


def calibrated_tables(cfg: Config, factors: Sequence[Factor]) -> dict[str, Any]:
    """The fields calibration owns, as nested TOML tables, taken from ``cfg``.

    Every candidate's field (fitted or kept; a per-domain table is written whole).
    """
    data = cfg.model_dump(mode="python")
    paths = [f.path for f in factors]
    out: dict[str, Any] = {}
    for path in paths:
        parts = path.split(".")
        owner = parts[:-1] if len(parts) >= 3 else parts  # per-domain tables are written whole
        node_out = out
        for part in owner[:-1]:
            node_out = node_out.setdefault(part, {})
        node_out[owner[-1]] = copy.deepcopy(get_dotted(data, ".".join(owner)))
    return out


def to_toml(data: dict[str, Any]) -> str:
    """TOML text of nested tables of numbers, strings and lists of numbers (arrays inline)."""
    lines: list[str] = []

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        raise TypeError(f"cannot write {type(v).__name__} as a TOML value")

    def table(node: dict[str, Any], prefix: str) -> None:
        scalars = {k: v for k, v in node.items() if not isinstance(v, dict)}
        tables = {k: v for k, v in node.items() if isinstance(v, dict)}
        if prefix and scalars:
            lines.append(f"[{prefix}]")
        for k, v in scalars.items():
            lines.append(f"{k} = {value(v)}")
        if scalars:
            lines.append("")
        for k, v in tables.items():
            table(v, f"{prefix}.{k}" if prefix else k)

    table(data, "")
    text = "\n".join(lines).rstrip("\n") + "\n"
    tomllib.loads(text)  # must read back
    return text


def write_calibrated(path: Path, cfg: Config, factors: Sequence[Factor], header: str) -> None:
    """Write the calibrated fields as a TOML file (no ``extends``), read back and validated."""
    tables = calibrated_tables(cfg, factors)
    body = to_toml({"description": header.splitlines()[0], **tables})
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    text = comment + "\n" + body
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    load_config(path)  # a written file that does not load would be a bug: fail loudly


# --------------------------------------------------------------------------- the whole run


@dataclass
class Settings:
    """What ``wijksim calibrate`` does; see :func:`settings_for`."""

    trajectories: int = 6
    screen_seeds: int = 1
    fit_seeds: int = 2
    check_seeds: int = 5
    budget: int = 300
    max_params: int = 8
    seed: int = 1
    workers: int = 2
    quick: bool = False
    refine: bool = False  # start from CONFIG's values instead of the defaults' first estimates
    overrides: list[tuple[str, Any]] = field(default_factory=list)


def settings_for(quick: bool, budget: int | None = None, workers: int | None = None,
                 seed: int = 1) -> Settings:
    """Default settings (about 15-20 minutes on 2 cores, most of it spin-ups) or quick ones.

    Quick: a small wijk, a short horizon, a tiny budget; it checks the machinery and is not a
    calibration.
    """
    w = workers if workers is not None else min(default_workers(), 8)
    if quick:
        s = Settings(trajectories=2, screen_seeds=1, fit_seeds=1, check_seeds=2, budget=40,
                     max_params=4, seed=seed, workers=w, quick=True,
                     overrides=[("population.households", 600), ("run.spinup_years", 3),
                                ("run.warmup_weeks", 26), ("run.weeks", 52)])
    else:  # the baseline from its steady state; three reported years are enough to average
        s = Settings(seed=seed, workers=w, overrides=[("run.weeks", 156)])
    if budget is not None:
        s.budget = budget
    return s


@dataclass
class Calibration:
    """Everything a calibration produced."""

    config_path: Path | None
    settings: Settings
    base: Config
    fitted: Config
    screen: pd.DataFrame
    selected: list[Factor]
    fit: FitResult
    rounds: list[dict[str, Any]]
    table: pd.DataFrame
    check_moments: dict[str, Any]
    start_moments: dict[str, Any]
    seconds: float
    runs: int


def screen_runs(settings: Settings, n_factors: int = len(CANDIDATES)) -> int:
    """Model runs of the Morris screen."""
    return settings.trajectories * (n_factors + 1) * settings.screen_seeds


def total_runs(settings: Settings) -> int:
    """Upper bound of the model runs of a calibration (budget plus check), for a progress bar."""
    return settings.budget + settings.check_seeds


def calibrate(config: str | Path | None, settings: Settings,
              progress: Progress | None = None,
              factors: Sequence[Factor] = CANDIDATES) -> Calibration:
    """Screen, select, fit and check; returns the result without writing anything."""
    t0 = time.time()
    base = load_config(config, settings.overrides)
    data = base.model_dump(mode="python")
    defaults = Config().model_dump(mode="python")
    if not settings.refine:  # start every candidate from the first estimates of config.py
        for f in factors:
            set_dotted(data, f.path, copy.deepcopy(get_dotted(defaults, f.path)))
    base = validate(data, str(config) if config is not None else "defaults")
    seeds = replicate_seeds(settings.seed, settings.fit_seeds)
    needed = screen_runs(settings, len(factors)) + 2 * settings.fit_seeds
    if needed > settings.budget:
        raise ConfigError("--budget", "budget",
                          f"{settings.budget} runs do not cover the screen "
                          f"({screen_runs(settings, len(factors))} runs) and a first fit step; "
                          "raise --budget or use --quick")
    with Evaluator(seeds, settings.workers, settings.budget, progress) as ev:
        screen = morris_screen(ev, data, factors, settings.trajectories, seed=settings.seed,
                               seeds=seeds[: settings.screen_seeds])
        selected, result, rounds = forward_fit(ev, data, screen, factors, settings.max_params)
        fitted_data = round_fields(apply_factors(data, selected, result.best), selected)
        fitted = validate(fitted_data, "calibration")
        check_seeds = replicate_seeds(settings.seed + 1000, settings.check_seeds)
        check = ev.evaluate([fitted_data], seeds=check_seeds, label="check", charge=False)[0]
        runs = ev.used + len(check_seeds)
    result.moments = {k: v for k, v in check.items() if k != "per_seed"}
    return Calibration(
        config_path=Path(config) if config is not None else None, settings=settings, base=base,
        fitted=fitted, screen=screen, selected=list(selected), fit=result, rounds=rounds,
        table=fit_table(check, settings.check_seeds), check_moments=check,
        start_moments=result.start_moments, seconds=time.time() - t0, runs=runs,
    )


# --------------------------------------------------------------------------- report

DOCS_BEGIN = "<!-- calibration:begin (generated by `wijksim calibrate --docs`; do not edit) -->"
DOCS_END = "<!-- calibration:end -->"


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float | np.floating):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.3g}"
    return str(value)


def header_text(cal: Calibration, command: str) -> str:
    """The comment block at the top of the calibrated config."""
    s = cal.settings
    lines = [
        "Calibrated base rates: the baseline reproduces the CBS figures of P7 (wijksim calibrate)",
        "",
        f"Written on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `{command}`.",
        "Do not edit by hand: run `wijksim calibrate` again (see docs/calibration.md).",
        ("QUICK MODE: a machinery check on a small wijk with a tiny budget, not a calibration."
         if s.quick else
         "configs/baseline.toml extends this file, and every other preset extends the baseline."),
        f"Calibrated config: {cal.config_path or 'defaults'}"
        + (f" with {', '.join(f'{k}={v}' for k, v in s.overrides)}" if s.overrides else ""),
        "Start: " + ("the config's own values (--refine)." if s.refine else
                     "the first estimates in config.py (the defaults)."),
        f"Method: Morris screen ({s.trajectories} trajectories), then simulated method of moments "
        f"(scipy least_squares) on {s.fit_seeds} common seed(s); {cal.runs} model runs, "
        f"{cal.seconds:.0f} s; stopped: {cal.fit.stopped}.",
        f"Fitted: {', '.join(f.name for f in cal.selected)}.",
        "The other candidates keep their starting values; the costs per client-year are",
        "checked against the CBS/AEF figures of P7, not fitted.",
        "Fit achieved (check on fresh seeds):",
    ]
    for row in cal.table.itertuples():
        if row.kind.startswith("side condition"):
            lines.append(f"  {row.target}: model {_fmt(row.model)}, at most {_fmt(row.value)} "
                         f"({'met' if row.within else 'NOT met'})")
        else:
            lines.append(f"  {row.target}: model {_fmt(row.model)} vs target {_fmt(row.value)} "
                         f"({row.relative_error:+.1%})")
    return "\n".join(lines)


def screen_table(screen: pd.DataFrame) -> pd.DataFrame:
    """mu* of every candidate (rows) on every output (columns)."""
    return screen.pivot(index="factor", columns="output", values="mu_star")


def render_report(cal: Calibration, command: str, figures: dict[str, str] | None = None) -> str:
    """The calibration report as markdown (also the generated block of docs/calibration.md)."""
    s = cal.settings
    fit_ = cal.fit
    figures = figures or {}
    start_data = cal.base.model_dump(mode="python")
    lines = [
        f"Calibrated `{cal.config_path or 'defaults'}`"
        + (f" with {', '.join(f'`{k} = {v}`' for k, v in s.overrides)}" if s.overrides else "")
        + f" on {datetime.now(UTC):%Y-%m-%d}: {cal.runs} model runs in {cal.seconds:.0f} s "
        f"({s.workers} worker(s)); budget {s.budget} runs; Morris screen with "
        f"{s.trajectories} trajectories on {s.screen_seeds} seed(s); fit on {s.fit_seeds} "
        f"common seed(s); check on {s.check_seeds} fresh seeds; the candidates start from "
        + ("the config's own values (`--refine`)" if s.refine else
           "the first estimates in `config.py`")
        + f". Command: `{command}`."
        + (" **Quick mode: a small wijk and a tiny budget; this checks the machinery and is not "
           "a calibration.**" if s.quick else ""),
        "",
        "**Fit achieved** (the fitted config on fresh seeds: mean over replicates with a 95% "
        "interval; *fitted* targets within their tolerance count as reproduced):",
        "",
        "| target | source | target value | model | 95% interval | off by | tolerance | within |",
        "| --- | --- | ---: | ---: | --- | ---: | ---: | :---: |",
    ]
    sources = {t.kpi: t.source for t in FIT_TARGETS} | {c.name: c.source for c in COST_TARGETS}
    for row in cal.table.itertuples():
        lines.append(
            f"| {row.label} ({row.unit}; {row.kind}) | {sources.get(row.target, '')} | "
            f"{_fmt(row.value)} | {_fmt(row.model)} | [{_fmt(row.ci_low)}, {_fmt(row.ci_high)}]"
            f" | {row.relative_error:+.1%} | {row.tolerance:.0%} | "
            f"{'yes' if row.within else '**no**'} |")
    lines += [
        "",
        f"Objective (half the sum of squared residuals, in tolerances): {fit_.start_objective:.3g} "
        f"at the start, {fit_.best_objective:.3g} fitted; {len(fit_.history)} evaluations; "
        f"stopped: {fit_.stopped}.",
        "",
        "**Fitted values** (the other candidates keep their starting values; all are written to "
        "the calibrated config):",
        "",
        "| parameter | field | start | fitted | range |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f, u in zip(fit_.factors, fit_.best, strict=True):
        start = get_dotted(start_data, f.path)
        rng = (f"x{f.low:.3g} - x{f.high:.3g}" if f.kind == "scale"
               else f"{f.low:g} - {f.high:g}")
        lines.append(f"| {f.name} | `{f.path}` | {_fmt_value(start)} | "
                     f"{f.display(u, start)} | {rng} |")
    lines += [
        "",
        "**Diagnostics** (check seeds; first and last reported year):",
        "",
        "| quantity | start config | fitted config | fitted, first year | fitted, last year |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    m0, m1 = cal.start_moments, cal.check_moments
    for name in [t.kpi for t in TARGETS] + list(DIAGNOSTICS):
        lines.append(f"| `{name}` | {_fmt(m0.get(name))} | {_fmt(m1.get(name))} | "
                     f"{_fmt(m1.get(f'{name}@first'))} | {_fmt(m1.get(f'{name}@last'))} |")
    lines += [
        "",
        "**Morris screen** (mu*: mean absolute elementary effect on log(model / target) over the "
        "candidate's whole range; `:drift` is last minus first reported year relative to the "
        "target; `workload` in its own units):",
        "",
    ]
    table = screen_table(cal.screen)
    first_cols = [t.kpi for t in FIT_TARGETS]
    cols = first_cols + [c for c in table.columns if c not in first_cols]
    lines.append("| candidate | " + " | ".join(f"`{c}`" for c in cols) + " | fitted |")
    lines.append("| --- | " + " | ".join("---:" for _ in cols) + " | :---: |")
    chosen = {f.name for f in cal.selected}
    order = table[first_cols].max(axis=1).sort_values(ascending=False).index
    for name in order:
        vals = " | ".join(f"{table.loc[name, c]:.2f}" for c in cols)
        lines.append(f"| {name} | {vals} | {'yes' if name in chosen else ''} |")
    lines.append("")
    for key, label in (("fit", "Fit achieved"), ("screen", "Morris screen"),
                       ("objective", "Objective during the fit")):
        if key in figures:
            lines += [f"![{label}]({figures[key]})", ""]
    return "\n".join(lines)


def print_result(cal: Calibration, console: Any) -> None:
    """Print the fit achieved and the fitted values (rich tables)."""
    from rich.table import Table

    table = Table(title=f"Fit achieved ({cal.settings.check_seeds} fresh seeds; objective "
                  f"{cal.fit.start_objective:.3g} -> {cal.fit.best_objective:.3g}, "
                  f"stopped: {cal.fit.stopped})")
    for col in ("target", "target value", "model", "95% interval", "off by", "within"):
        table.add_column(col, justify="left" if col == "target" else "right")
    for row in cal.table.itertuples():
        table.add_row(f"{row.label} ({row.kind})", _fmt(row.value), _fmt(row.model),
                      f"[{_fmt(row.ci_low)}, {_fmt(row.ci_high)}]", f"{row.relative_error:+.1%}",
                      "[green]yes[/]" if row.within else "[red]no[/]")
    console.print(table)
    start = cal.base.model_dump(mode="python")
    values = Table(title="Fitted parameters")
    for col in ("parameter", "field", "start", "fitted"):
        values.add_column(col)
    for f, u in zip(cal.fit.factors, cal.fit.best, strict=True):
        v = get_dotted(start, f.path)
        values.add_row(f.name, f.path, _fmt_value(v), f.display(u, v))
    console.print(values)


def _fmt_value(v: Any) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(f"{x:.3g}" for x in v) + "]"
    return _fmt(v) if isinstance(v, float) else str(v)


def plot_calibration(cal: Calibration, folder: Path, prefix: str = "") -> dict[str, Path]:
    """Figures: fit achieved, the Morris screen, the objective over evaluations."""
    from matplotlib.figure import Figure

    from wijksim.analysis.plots import save_figure

    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}

    def save(fig: Figure, key: str) -> None:
        out[key] = save_figure(fig, folder / f"{prefix}{key}.png", dpi=100)

    fitted = cal.table[cal.table["kind"] == "fitted"]
    fig = Figure(figsize=(7, 3.5))
    ax = fig.subplots()
    ratio = fitted["model"] / fitted["value"]
    err = np.vstack([np.nan_to_num((fitted["model"] - fitted["ci_low"]) / fitted["value"]),
                     np.nan_to_num((fitted["ci_high"] - fitted["model"]) / fitted["value"])])
    start = [cal.start_moments.get(t.kpi, math.nan) / t.value for t in TARGETS]
    x = np.arange(len(fitted))
    ax.bar(x - 0.2, start, 0.4, color="#bbbbbb", label="start")
    ax.bar(x + 0.2, ratio, 0.4, yerr=err, capsize=4, color="#2a9d8f", label="fitted")
    ax.axhline(1, color="black", lw=0.8)
    for i, t in enumerate(TARGETS):  # each target's tolerance
        ax.fill_between([i - 0.45, i + 0.45], 1 - t.tolerance, 1 + t.tolerance, color="green",
                        alpha=0.1, lw=0)
    ax.set_xticks(x, fitted["label"])
    ax.set_ylabel("model / target")
    ax.legend()
    ax.set_title("P7 base rates and flows: model over target (band: tolerance)")
    save(fig, "fit")

    table = screen_table(cal.screen)[[t.kpi for t in TARGETS]]
    table = table.loc[table.max(axis=1).sort_values().index]
    fig = Figure(figsize=(7, 5))
    ax = fig.subplots()
    left = np.zeros(len(table))
    for col in table.columns:
        ax.barh(table.index, table[col], left=left, label=col)
        left += table[col].to_numpy()
    ax.set_xlabel("Morris mu* on log(model / target), stacked over targets")
    ax.legend(fontsize=8)
    ax.set_title("Screen: influence of each candidate")
    save(fig, "screen")

    h = cal.fit.history
    fig = Figure(figsize=(7, 3.5))
    ax = fig.subplots()
    steps = h[h["kind"].isin(["start", "step"])]
    ints = h[h["kind"] == "integer"]
    ax.plot(h["runs_used"], h["objective"], ".", color="#bbbbbb", label="all evaluations")
    ax.plot(steps["runs_used"], steps["objective"], "o-", color="#e76f51",
            label="least-squares steps")
    if not ints.empty:
        ax.plot(ints["runs_used"], ints["objective"], "s", color="#457b9d", ms=4,
                label="integer neighbours")
    ax.set_yscale("log")
    ax.set_xlabel("model runs used")
    ax.set_ylabel("objective")
    ax.legend()
    ax.set_title("Simulated method of moments: objective")
    save(fig, "objective")
    return out


def write_outputs(cal: Calibration, config_out: Path, report_dir: Path,
                  docs: Path | None = None, command: str = "wijksim calibrate") -> list[Path]:
    """Write the calibrated config, the report folder and (optionally) the docs block."""
    written: list[Path] = []
    write_calibrated(config_out, cal.fitted, CANDIDATES, header_text(cal, command))
    written.append(config_out)
    report_dir.mkdir(parents=True, exist_ok=True)
    figs = plot_calibration(cal, report_dir)
    written += list(figs.values())
    for name, frame in (("screen", cal.screen), ("history", cal.fit.history),
                        ("fit", cal.table)):
        path = report_dir / f"{name}.csv"
        atomic_write(path, lambda p, f=frame: f.to_csv(p, index=False))
        written.append(path)
    report = "# Calibration report\n\n" + render_report(
        cal, command, {k: p.name for k, p in figs.items()})
    atomic_write(report_dir / "report.md", lambda p: p.write_text(report, encoding="utf-8"))
    written.append(report_dir / "report.md")
    meta = {
        "config": str(cal.config_path), "calibrated_config": str(config_out),
        "settings": {**asdict(cal.settings), "overrides": [list(o) for o in
                                                          cal.settings.overrides]},
        "selected": [f.name for f in cal.selected],
        "fitted": {f.path: get_dotted(cal.fitted.model_dump(mode="python"), f.path)
                   for f in cal.selected},
        "start_objective": cal.fit.start_objective, "best_objective": cal.fit.best_objective,
        "stopped": cal.fit.stopped, "runs": cal.runs, "seconds": cal.seconds,
        "fit": json.loads(cal.table.to_json(orient="records")),
        "versions": versions(("SALib",)), "command": command,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    atomic_write(report_dir / "calibration.json",
                 lambda p: p.write_text(json.dumps(meta, indent=2, default=str) + "\n"))
    written.append(report_dir / "calibration.json")
    if docs is not None:
        img = docs.parent / "img"
        doc_figs = plot_calibration(cal, img, prefix="calibration_")
        written += list(doc_figs.values())
        rel = {k: os.path.relpath(p, docs.parent) for k, p in doc_figs.items()}
        update_docs(docs, render_report(cal, command, rel))
        written.append(docs)
    return written


def update_docs(path: Path, block: str) -> None:
    """Replace the generated block of docs/calibration.md (appended if it has none)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Calibration\n"
    new = f"{DOCS_BEGIN}\n{block}\n{DOCS_END}"
    if DOCS_BEGIN in text and DOCS_END in text:
        head, rest = text.split(DOCS_BEGIN, 1)
        _, tail = rest.split(DOCS_END, 1)
        text = head + new + tail
    else:
        text = text.rstrip("\n") + "\n\n" + new + "\n"
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
