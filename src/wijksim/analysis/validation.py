"""Pattern-oriented validation: does the model reproduce the patterns P1-P8 of DESIGN.md.

``wijksim validate [--quick]`` runs the scenarios each pattern needs on paired replicates (the
same seeds in every scenario, so differences are paired), measures each pattern's effects with
95% intervals (t-intervals over replicates), and judges each pattern by criteria fixed here in
advance (:data:`PATTERNS` and the ``_p*`` functions). It prints a table and writes a report
(``docs/validation.md`` with figures under ``docs/validation/``).

The patterns are *observed*, never used: nothing in the model reads this module or its
results. A pattern the model does not reproduce is reported as failing, with the criterion that
failed. The scenarios are the presets in ``configs/`` (``baseline``, ``early_signalling``,
``outreach``, ``integrated``, ``network_first``, ``understaffed``, ``breda_pilot``) with, where a
pattern needs it, one lever or population field changed.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from wijksim.analysis.parallel import default_workers, map_unordered
from wijksim.analysis.plots import save_figure
from wijksim.analysis.runner import atomic_write, fmt, run_model, versions
from wijksim.analysis.stats import t_interval
from wijksim.config import Config, baseline_levers, load_config, plain_value, set_dotted
from wijksim.config import validate as validate_config
from wijksim.streams import replicate_seeds

# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Scale:
    """Population, horizon and replicates of a validation."""

    name: str
    households: int
    weeks: int
    warmup_weeks: int
    replicates: int
    breda_households: int
    breda_replicates: int  # the Breda pilot is small and short; Wlz costs are lumpy
    spinup_years: int | None = None  # None: the config's own (the steady state)


FULL = Scale("full", households=5000, weeks=260, warmup_weeks=52, replicates=10,
             breda_households=3500, breda_replicates=40)
#: Quick checks the machinery: a short spin-up, so its levels are not the steady state's.
QUICK = Scale("quick", households=2500, weeks=104, warmup_weeks=26, replicates=3,
              breda_households=2000, breda_replicates=3, spinup_years=5)

#: Staffing levels (FTE per 1,000 inhabitants) of P1: enough staff and understaffed.
STAFFED, UNDERSTAFFED = 0.8, 0.3
#: Outreach shares of P3.
OUTREACH_LEVELS: tuple[float, ...] = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5)
#: Staffing levels of P6 (the baseline has 0.5).
FTE_LEVELS: tuple[float, ...] = (0.2, 0.3, 0.4, 0.5, 0.7)
#: Network strength of thin and thick networks (P8).
THIN, THICK = 0.5, 1.5
#: Relative band around a P7 target within which the base rate counts as reproduced.
P7_BAND = 0.15
#: Breda figures (DESIGN.md): trio pilot 18 of 28; pilot savings and costs over two years.
BREDA_SOLVED, BREDA_CASES = 18, 28
BREDA_SAVINGS, BREDA_COSTS = 600_000.0, 150_000.0

ALL_PARTNERS = ["supermarket", "school", "gp", "community_centre", "residents_initiative",
                "creditors"]


@dataclass(frozen=True)
class ScenarioSpec:
    """A scenario of the validation: a preset, overrides, optionally its levers reset."""

    preset: str
    overrides: tuple[tuple[str, Any], ...] = ()
    reset_levers: bool = False  # the preset's population and horizon with baseline levers
    breda: bool = False  # the Breda pilot keeps its own horizon


def scenario_specs() -> dict[str, ScenarioSpec]:
    """Every scenario the patterns use, by name."""
    specs: dict[str, ScenarioSpec] = {
        "baseline": ScenarioSpec("baseline"),
        "signalling": ScenarioSpec("early_signalling"),
        "baseline_staffed": ScenarioSpec("baseline", (("team.fte_per_1000", STAFFED),)),
        "signalling_staffed": ScenarioSpec("early_signalling",
                                           (("team.fte_per_1000", STAFFED),)),
        "baseline_understaffed": ScenarioSpec("baseline", (("team.fte_per_1000", UNDERSTAFFED),)),
        "signalling_understaffed": ScenarioSpec("early_signalling",
                                                (("team.fte_per_1000", UNDERSTAFFED),)),
        "integrated": ScenarioSpec("integrated"),
        "breda_reference": ScenarioSpec("breda_pilot", reset_levers=True, breda=True),
        "breda_pilot": ScenarioSpec("breda_pilot", breda=True),
        "network_thin": ScenarioSpec("network_first",
                                     (("population.network_strength", THIN),)),
        "baseline_thin": ScenarioSpec("baseline", (("population.network_strength", THIN),)),
        "network_thick": ScenarioSpec("network_first",
                                      (("population.network_strength", THICK),)),
        "baseline_thick": ScenarioSpec("baseline", (("population.network_strength", THICK),)),
    }
    for share in OUTREACH_LEVELS:
        specs[f"outreach_{share:g}"] = ScenarioSpec("outreach",
                                                    (("team.outreach_share", share),))
    for fte in FTE_LEVELS:
        if fte == 0.5:
            continue
        specs[f"fte_{fte:g}"] = ScenarioSpec("baseline", (("team.fte_per_1000", fte),))
    return specs


def fte_scenario(fte: float) -> str:
    """The scenario name of a P6 staffing level."""
    if fte == 0.5:
        return "baseline"
    return f"fte_{fte:g}"


def build_config(spec: ScenarioSpec, scale: Scale, configs: Path) -> Config:
    """The validated config of a scenario at a scale."""
    overrides: list[tuple[str, Any]] = list(spec.overrides)
    if spec.breda:
        overrides.append(("population.households", scale.breda_households))
    else:
        overrides += [("population.households", scale.households),
                      ("run.weeks", scale.weeks)]
    overrides += [("run.warmup_weeks", scale.warmup_weeks), ("run.warmup_levers", "baseline")]
    if scale.spinup_years is not None:
        overrides.append(("run.spinup_years", scale.spinup_years))
    cfg = load_config(configs / f"{spec.preset}.toml", overrides)
    if spec.reset_levers:
        cfg = baseline_levers(cfg)
        cfg.description = f"{spec.preset} with the baseline's levers"
    return cfg


# --------------------------------------------------------------------------- running


def _run_task(task: tuple[str, dict[str, Any], int]) -> tuple[str, int, pd.DataFrame]:
    name, data, seed = task
    frame = run_model(Config.model_validate(data), seed)
    return name, seed, frame


Progress = Callable[[int, str], None]


def run_scenarios(configs: dict[str, Config], seeds: dict[str, Sequence[int]] | Sequence[int],
                  workers: int = 1, progress: Progress | None = None) -> dict[str, pd.DataFrame]:
    """Run every scenario on its seeds (the same for all, or per scenario).

    Returns a weekly table per scenario (all replicates).
    """
    per = seeds if isinstance(seeds, dict) else {name: seeds for name in configs}
    tasks = [(name, cfg.model_dump(mode="python"), s) for name, cfg in configs.items()
             for s in per[name]]
    frames: dict[str, list[pd.DataFrame]] = {name: [] for name in configs}
    for _i, future in map_unordered(_run_task, tasks, workers):
        name, _seed, frame = future.result()
        frames[name].append(frame)
        if progress:
            progress(1, name)
    out = {}
    for name, parts in frames.items():
        ts = pd.concat(parts, ignore_index=True)
        out[name] = ts.sort_values(["seed", "week"]).reset_index(drop=True)
    return out


# --------------------------------------------------------------------------- statistics


@dataclass
class Measure:
    """One measured effect: estimate with a 95% interval, and the criterion it is judged by."""

    name: str
    label: str
    estimate: float
    ci_low: float
    ci_high: float
    unit: str = ""
    criterion: str = ""
    ok: bool | None = None  # None: reported, not judged
    detail: str = ""


class Runs:
    """The weekly tables of every scenario, with per-replicate summaries by seed."""

    def __init__(self, tables: dict[str, pd.DataFrame], configs: dict[str, Config]) -> None:
        self.tables = tables
        self.configs = configs

    def per_seed(self, scenario: str, column: str | Callable[[pd.DataFrame], pd.Series],
                 weeks: tuple[int, int] | None = None, agg: str = "mean") -> pd.Series:
        """A per-replicate (by seed) summary of a column or of a function of the weekly table.

        Over reported weeks ``weeks`` (inclusive; default all), aggregated by ``agg``.
        """
        ts = self.tables[scenario]
        if weeks is not None:
            ts = ts[(ts["week"] >= weeks[0]) & (ts["week"] <= weeks[1])]
        values = column(ts) if callable(column) else ts[column]
        frame = pd.DataFrame({"seed": ts["seed"].to_numpy(), "v": np.asarray(values, float)})
        return frame.groupby("seed")["v"].agg(agg)

    def last_year(self, scenario: str) -> tuple[int, int]:
        """The last 52 reported weeks of a scenario."""
        weeks = int(self.tables[scenario]["week"].max())
        return max(1, weeks - 51), weeks


def paired(a: pd.Series, b: pd.Series) -> tuple[float, float, float]:
    """Mean of ``b - a`` over seeds present in both, with its 95% interval."""
    both = pd.concat([a.rename("a"), b.rename("b")], axis=1).dropna()
    return t_interval((both["b"] - both["a"]).to_numpy())


def measure(name: str, label: str, est: tuple[float, float, float], unit: str = "",
            criterion: str = "", ok: bool | None = None, detail: str = "") -> Measure:
    """A :class:`Measure` from an (estimate, low, high) triple."""
    return Measure(name, label, est[0], est[1], est[2], unit, criterion, ok, detail)


def below(est: tuple[float, float, float], value: float = 0.0) -> bool:
    """The whole 95% interval lies below ``value``."""
    return bool(est[2] < value) if not math.isnan(est[2]) else bool(est[0] < value)


def above(est: tuple[float, float, float], value: float = 0.0) -> bool:
    """The whole 95% interval lies above ``value``."""
    return bool(est[1] > value) if not math.isnan(est[1]) else bool(est[0] > value)


# --------------------------------------------------------------------------- patterns


@dataclass
class PatternResult:
    """A pattern's verdict: its measures, whether it holds, and why."""

    key: str
    title: str
    statement: str
    scenarios: list[str]
    measures: list[Measure]
    holds: bool
    headline: str  # the name of the measure shown in the summary table
    note: str = ""
    figure: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def head(self) -> Measure:
        """The headline measure."""
        return next(m for m in self.measures if m.name == self.headline)


def heavy_care(ts: pd.DataFrame) -> pd.Series:
    """Maatwerk and Wlz per 1,000 inhabitants."""
    return ts["maatwerk_per_1000"] + ts["wlz_per_1000"]


def _failed(measures: Sequence[Measure]) -> str:
    bad = [m for m in measures if m.ok is False]
    if not bad:
        return ""
    return "Fails on: " + "; ".join(
        f"{m.label} = {fmt(m.estimate)} [{fmt(m.ci_low)}, {fmt(m.ci_high)}] "
        f"(needed: {m.criterion})" for m in bad
    ) + "."


def p1(runs: Runs) -> PatternResult:
    """P1: early signalling pays off only with capacity."""
    ms = []
    for level, base, sig, fte in (("staffed", "baseline_staffed", "signalling_staffed", STAFFED),
                                  ("understaffed", "baseline_understaffed",
                                   "signalling_understaffed", UNDERSTAFFED)):
        esc = paired(runs.per_seed(base, "escalations_per_1000"),
                     runs.per_seed(sig, "escalations_per_1000"))
        heavy = paired(runs.per_seed(base, heavy_care), runs.per_seed(sig, heavy_care))
        wait = paired(runs.per_seed(base, "waiting_list"), runs.per_seed(sig, "waiting_list"))
        if level == "staffed":
            ms.append(measure("esc_staffed", f"escalations, signalling - reactive at {fte} FTE",
                              esc, "per 1,000 inh./yr", "interval below 0", below(esc)))
            ms.append(measure("heavy_staffed",
                              f"maatwerk + Wlz, signalling - reactive at {fte} FTE", heavy,
                              "per 1,000 inh.", "interval below 0", below(heavy)))
            wlz = paired(runs.per_seed(base, "wlz_per_1000"), runs.per_seed(sig, "wlz_per_1000"))
            ms.append(measure("wlz_staffed", f"of which Wlz, signalling - reactive at {fte} FTE",
                              wlz, "per 1,000 inh."))
            ms.append(measure("wait_staffed", f"waiting list, signalling - reactive at {fte} FTE",
                              wait, "households"))
        else:
            ms.append(measure("esc_understaffed",
                              f"escalations, signalling - reactive at {fte} FTE", esc,
                              "per 1,000 inh./yr"))
            ms.append(measure("heavy_understaffed",
                              f"maatwerk + Wlz, signalling - reactive at {fte} FTE", heavy,
                              "per 1,000 inh."))
            ms.append(measure("wait_understaffed",
                              f"waiting list, signalling - reactive at {fte} FTE", wait,
                              "households", "interval above 0", above(wait)))
    did = paired(
        runs.per_seed("signalling_staffed", "escalations_per_1000")
        - runs.per_seed("baseline_staffed", "escalations_per_1000"),
        runs.per_seed("signalling_understaffed", "escalations_per_1000")
        - runs.per_seed("baseline_understaffed", "escalations_per_1000"),
    )
    ms.append(measure("benefit_shrinks", "escalation effect understaffed minus staffed", did,
                      "per 1,000 inh./yr", "interval above 0 (the benefit shrinks or reverses)",
                      above(did)))
    holds = all(m.ok for m in ms if m.ok is not None)
    return PatternResult(
        "P1", "Early signalling pays off only with capacity",
        "With enough staff early signalling lowers escalations and heavy care; when "
        "understaffed it lengthens waiting lists and the benefit shrinks or reverses.",
        ["baseline_staffed", "signalling_staffed", "baseline_understaffed",
         "signalling_understaffed"], ms, holds, "benefit_shrinks", _failed(ms))


def p2(runs: Runs) -> PatternResult:
    """P2: prevention costs first."""
    first = (1, 52)
    cost = paired(runs.per_seed("baseline", "cost_gemeente", first),
                  runs.per_seed("signalling", "cost_gemeente", first))
    total = paired(runs.per_seed("baseline", "cost_total", first),
                   runs.per_seed("signalling", "cost_total", first))
    sig = paired(runs.per_seed("baseline", "signals_per_1000", first),
                 runs.per_seed("signalling", "signals_per_1000", first))
    last = runs.last_year("baseline")
    later = paired(runs.per_seed("baseline", "cost_gemeente", last),
                   runs.per_seed("signalling", "cost_gemeente", last))
    ms = [
        measure("cost_first_year", "the gemeente's cost in the first year, signalling - "
                "reactive", cost, "EUR/yr", "interval above 0", above(cost)),
        measure("cost_total_first_year", "total cost (all payers) in the first year, "
                "signalling - reactive", total, "EUR/yr"),
        measure("signals_first_year", "signals in the first year, signalling - reactive", sig,
                "per 1,000 inh./yr", "interval above 0", above(sig)),
        measure("cost_last_year", f"the gemeente's cost in weeks {last[0]}-{last[1]}, "
                "signalling - reactive", later, "EUR/yr"),
    ]
    holds = all(m.ok for m in ms if m.ok is not None)
    return PatternResult(
        "P2", "Prevention costs first",
        "In the first year after signalling starts, costs rise (more people are found).",
        ["baseline", "signalling"], ms, holds, "cost_first_year", _failed(ms))


def p3(runs: Runs) -> PatternResult:
    """P3: outreach has an optimum."""
    zero = f"outreach_{OUTREACH_LEVELS[0]:g}"
    top = f"outreach_{OUTREACH_LEVELS[-1]:g}"
    means = {s: runs.per_seed(f"outreach_{s:g}", "escalations_per_1000").mean()
             for s in OUTREACH_LEVELS}
    best = min(means, key=means.get)
    best_name = f"outreach_{best:g}"
    ms = []
    for s in OUTREACH_LEVELS[1:]:
        d = paired(runs.per_seed(zero, "escalations_per_1000"),
                   runs.per_seed(f"outreach_{s:g}", "escalations_per_1000"))
        ms.append(measure(f"esc_{s:g}", f"escalations at outreach {s:g} minus at 0", d,
                          "per 1,000 inh./yr"))
    interior = OUTREACH_LEVELS[0] < best < OUTREACH_LEVELS[-1]
    gain = paired(runs.per_seed(zero, "escalations_per_1000"),
                  runs.per_seed(best_name, "escalations_per_1000"))
    loss = paired(runs.per_seed(best_name, "escalations_per_1000"),
                  runs.per_seed(top, "escalations_per_1000"))
    unmet = paired(runs.per_seed(best_name, "unmet_need"), runs.per_seed(top, "unmet_need"))
    ms += [
        measure("best_vs_none", f"escalations at the best share ({best:g}) minus at 0", gain,
                "per 1,000 inh./yr", "interval below 0, best share inside the range",
                interior and below(gain)),
        measure("most_vs_best", f"escalations at {OUTREACH_LEVELS[-1]:g} minus at the best "
                f"share ({best:g})", loss, "per 1,000 inh./yr", "interval above 0",
                interior and above(loss)),
        measure("unmet_most_vs_best", f"unmet need at {OUTREACH_LEVELS[-1]:g} minus at the "
                f"best share ({best:g})", unmet, "share of households"),
    ]
    holds = all(m.ok for m in ms if m.ok is not None)
    note = _failed(ms)
    if not interior:
        note = (f"The lowest escalation rate is at the edge of the range (outreach {best:g}), "
                "so there is no interior optimum. " + note)
    return PatternResult(
        "P3", "Outreach has an optimum",
        "Some outreach beats none; too much starves casework.",
        [f"outreach_{s:g}" for s in OUTREACH_LEVELS], ms, holds, "best_vs_none", note,
        extra={"best": best, "means": {f"{k:g}": v for k, v in means.items()}})


def p4(runs: Runs) -> PatternResult:
    """P4: integration helps multi-problem households."""
    tth = paired(runs.per_seed("baseline", "time_to_help_weeks"),
                 runs.per_seed("integrated", "time_to_help_weeks"))
    esc = paired(runs.per_seed("baseline", "escalations_per_1000"),
                 runs.per_seed("integrated", "escalations_per_1000"))
    wait = paired(runs.per_seed("baseline", "wait_weeks"),
                  runs.per_seed("integrated", "wait_weeks"))
    multi = paired(runs.per_seed("baseline", "multi_problem_escalations_per_1000"),
                   runs.per_seed("integrated", "multi_problem_escalations_per_1000"))
    support = paired(runs.per_seed("baseline", "time_to_support_weeks"),
                     runs.per_seed("integrated", "time_to_support_weeks"))
    ms = [
        measure("time_to_help", "time to help (stage 2 to first support), integrated - siloed",
                tth, "weeks", "interval below 0", below(tth)),
        measure("escalations_multi", "escalations in multi-problem households, integrated - "
                "siloed", multi, "per 1,000 inh./yr", "interval below 0", below(multi)),
        measure("escalations", "escalations (all households), integrated - siloed", esc,
                "per 1,000 inh./yr"),
        measure("time_to_support", "time from first contact to support for every need, "
                "integrated - siloed", support, "weeks"),
        measure("wait_weeks", "weeks waiting for intake, integrated - siloed", wait, "weeks"),
    ]
    holds = all(m.ok for m in ms if m.ok is not None)
    return PatternResult(
        "P4", "Integration helps multi-problem households",
        "At equal FTE, time-to-help and escalations are lower with an integrated than with a "
        "siloed team.", ["baseline", "integrated"], ms, holds, "escalations_multi", _failed(ms))


def breda_numbers(runs: Runs) -> dict[str, Any]:
    """The Breda pilot against its reference (same wijk, baseline levers), over the pilot.

    Solved otherwise: of the would-be maatwerk cases whose outcome became known during the
    pilot, those routed to the network or the sociale basis with no maatwerk
    ``policy.alt_outcome_weeks`` later. Savings: Wmo maatwerk and Wlz costs of the reference
    minus the pilot; extra costs: sociale basis and team costs of the pilot minus the
    reference; all summed over the pilot's weeks, in euro.
    """
    cfg = runs.configs["breda_pilot"]
    num, den = outcomes(runs, "breda_pilot")
    share = t_interval((num / den).to_numpy())

    def wmo_wlz(ts: pd.DataFrame) -> pd.Series:
        return (ts["cost_wmo"] + ts["cost_wlz"]) / 52.0

    def extra(ts: pd.DataFrame) -> pd.Series:
        return (ts["cost_sociale_basis"] + ts["cost_team"]) / 52.0

    def wmo_only(ts: pd.DataFrame) -> pd.Series:
        return ts["cost_wmo"] / 52.0

    wmo_saved = (runs.per_seed("breda_reference", wmo_only, agg="sum")
                 - runs.per_seed("breda_pilot", wmo_only, agg="sum"))
    ref_care = runs.per_seed("breda_reference", wmo_wlz, agg="sum")
    pilot_care = runs.per_seed("breda_pilot", wmo_wlz, agg="sum")
    savings_s = ref_care - pilot_care
    costs_s = (runs.per_seed("breda_pilot", extra, agg="sum")
               - runs.per_seed("breda_reference", extra, agg="sum"))
    cases = t_interval(runs.per_seed("breda_pilot", "admissions", agg="sum").to_numpy())
    weeks = int(runs.tables["breda_pilot"]["week"].max())
    return {
        "share": share, "savings": t_interval(savings_s.to_numpy()),
        "savings_wmo": t_interval(wmo_saved.to_numpy()),
        "savings_wlz": t_interval((savings_s - wmo_saved).to_numpy()),
        "costs": t_interval(costs_s.to_numpy()),
        "net": t_interval((savings_s - costs_s).to_numpy()),
        "ratio": float(savings_s.mean() / costs_s.mean()) if costs_s.mean() else math.nan,
        "cases": cases, "eligible": t_interval(den.to_numpy()), "weeks": weeks,
        "households": cfg.population.households, "inhabitants": float(
            runs.tables["breda_pilot"]["inhabitants"].iloc[0]),
    }


def outcomes(runs: Runs, name: str) -> tuple[pd.Series, pd.Series]:
    """Would-be maatwerk cases solved otherwise, and all whose outcome is known, per seed."""
    num = runs.per_seed(name, "alt_solved", agg="sum")
    den = runs.per_seed(name, lambda t: t["alt_solved"] + t["alt_failed"] + t["alt_maatwerk"],
                        agg="sum")
    return num, den


def p5(runs: Runs) -> PatternResult:
    """P5: network first (Breda)."""
    b = breda_numbers(runs)
    trio = BREDA_SOLVED / BREDA_CASES
    ms = [
        measure("solved_otherwise", "would-be maatwerk cases solved otherwise (no maatwerk "
                "within 26 weeks)",
                b["share"], "share", "interval above 0.5 (most)", above(b["share"], 0.5),
                f"trio pilot: {BREDA_SOLVED} of {BREDA_CASES} = {trio:.2f}"),
        measure("savings", f"Wmo + Wlz savings over {b['weeks']} weeks", b["savings"], "EUR",
                detail=f"Breda: more than EUR {BREDA_SAVINGS:,.0f}"),
        measure("savings_wmo", "of which Wmo (care maatwerk)", b["savings_wmo"], "EUR"),
        measure("savings_wlz", "of which Wlz", b["savings_wlz"], "EUR"),
        measure("costs", f"extra costs (sociale basis, team) over {b['weeks']} weeks",
                b["costs"], "EUR", detail=f"Breda: about EUR {BREDA_COSTS:,.0f}"),
        measure("net_saving", "savings minus extra costs", b["net"], "EUR",
                "interval above 0, and savings at least twice the costs",
                above(b["net"]) and b["ratio"] >= 2.0,
                f"savings / costs = {b['ratio']:.2f} (Breda: about "
                f"{BREDA_SAVINGS / BREDA_COSTS:.0f})"),
        measure("cases", f"cases admitted during the pilot ({b['households']:,} households)",
                b["cases"], "households", detail="Breda: about 400 cases over two years"),
    ]
    holds = all(m.ok for m in ms if m.ok is not None)
    return PatternResult(
        "P5", "Network first (Breda)",
        "Most cases that would get maatwerk are solved otherwise (trio pilot: 18 of 28), and a "
        "Breda-like pilot of about 400 cases over two years saves several times its cost (more "
        "than EUR 600k against about EUR 150k).", ["breda_reference", "breda_pilot"], ms, holds,
        "solved_otherwise", _failed(ms), extra={"breda": b})


def p6(runs: Runs) -> PatternResult:
    """P6: the workload spiral."""
    rows = {}
    for fte in FTE_LEVELS:
        name = fte_scenario(fte)
        last = runs.last_year(name)
        rows[fte] = {
            "workload_last": t_interval(runs.per_seed(name, "workload", last).to_numpy()),
            "workload_first": t_interval(runs.per_seed(name, "workload", (1, 52)).to_numpy()),
            "turnover": t_interval(runs.per_seed(name, "turnover_rate").to_numpy()),
            "vacancies": t_interval(runs.per_seed(name, "vacancies", last).to_numpy()),
            "waiting_last": t_interval(runs.per_seed(name, "waiting_list", last).to_numpy()),
        }
    low = FTE_LEVELS[0]
    base_name, low_name = "baseline", fte_scenario(low)
    last = runs.last_year(base_name)
    rise = paired(runs.per_seed(low_name, "workload", (1, 52)),
                  runs.per_seed(low_name, "workload", last))
    turnover = paired(runs.per_seed(base_name, "turnover_rate"),
                      runs.per_seed(low_name, "turnover_rate"))
    stable = [f for f in FTE_LEVELS if f >= 0.5]
    stable_ok = all(rows[f]["workload_last"][0] <= 1.0 for f in stable)
    stable_rise = paired(runs.per_seed(base_name, "workload", (1, 52)),
                         runs.per_seed(base_name, "workload", last))
    ms = [
        measure("workload_rise_low", f"workload in the last minus the first year at {low} FTE",
                rise, "asked/available", "interval above 0 (the spiral)", above(rise)),
        measure("turnover_low", f"turnover at {low} FTE minus at 0.5 FTE", turnover,
                "per year", "interval above 0", above(turnover)),
        measure("workload_last_low", f"workload in the last year at {low} FTE",
                rows[low]["workload_last"], "asked/available", "above 1",
                rows[low]["workload_last"][0] > 1.0),
        measure("workload_stable", "workload in the last year at 0.5 FTE",
                rows[0.5]["workload_last"], "asked/available",
                "at most 1 at 0.5 FTE and above", stable_ok),
        measure("workload_rise_base", "workload in the last minus the first year at 0.5 FTE",
                stable_rise, "asked/available"),
    ]
    tipping = next((f for f in FTE_LEVELS if rows[f]["workload_last"][0] <= 1.0), None)
    holds = all(m.ok for m in ms if m.ok is not None)
    return PatternResult(
        "P6", "Workload spiral",
        "Below some staffing level, workload -> leaving -> fewer staff -> more workload, a "
        "tipping point; above it the team is stable.",
        [fte_scenario(f) for f in FTE_LEVELS], ms, holds, "workload_rise_low", _failed(ms),
        extra={"levels": {f"{k:g}": v for k, v in rows.items()}, "tipping": tipping})


def p7(runs: Runs) -> PatternResult:
    """P7: base rates at baseline (the calibration targets)."""
    from wijksim.analysis.calibration import COST_TARGETS, TARGETS

    ms = []
    for t in TARGETS:
        est = t_interval(runs.per_seed("baseline", t.kpi).to_numpy())
        rel = est[0] / t.value - 1.0
        ms.append(measure(t.kpi, f"{t.label} ({t.unit}), target {fmt(t.value)}", est, t.unit,
                          f"within {P7_BAND:.0%} of {fmt(t.value)}", abs(rel) <= P7_BAND,
                          f"{rel:+.0%} off; {t.source}"))
    ts = runs.tables["baseline"]
    for c in COST_TARGETS:
        if c.clients == "youth_care_share":  # a share of under-23s
            clients = ts[c.clients] * ts["under_23"]
        else:  # per 1,000 inhabitants
            clients = ts[c.clients] * ts["inhabitants"] / 1000.0
        per = (ts[c.cost] / clients.where(clients > 0)).to_numpy()
        frame = pd.DataFrame({"seed": ts["seed"], "v": per}).groupby("seed")["v"].mean()
        est = t_interval(frame.to_numpy())
        ms.append(measure(c.name, f"cost per client-year, {c.label}", est, "EUR/yr",
                          f"within {P7_BAND:.0%} of {fmt(c.value)}",
                          abs(est[0] / c.value - 1) <= P7_BAND, c.source))
    holds = all(m.ok for m in ms if m.ok is not None)
    return PatternResult(
        "P7", "Base rates at baseline",
        "Wmo maatwerk about 72 per 1,000 inhabitants; youth care about 10% of under-23s; "
        "problematic debts about 7.6% of households; Wlz about 2% of inhabitants; annual cost "
        "per client about EUR 4.5k Wmo, 10k youth, 85k Wlz.", ["baseline"], ms, holds,
        "wmo_clients_year_per_1000", _failed(ms))


def p8(runs: Runs) -> PatternResult:
    """P8: informal care has limits."""
    def solved_share(name: str) -> pd.Series:
        num, den = outcomes(runs, name)
        return num / den

    share = paired(solved_share("network_thick"), solved_share("network_thin"))
    d_thin = (runs.per_seed("network_thin", "carer_overload_share")
              - runs.per_seed("baseline_thin", "carer_overload_share"))
    d_thick = (runs.per_seed("network_thick", "carer_overload_share")
               - runs.per_seed("baseline_thick", "carer_overload_share"))
    overload = paired(d_thick, d_thin)
    fail = paired(runs.per_seed("network_thick", "alt_failed", agg="sum"),
                  runs.per_seed("network_thin", "alt_failed", agg="sum"))
    ms = [
        measure("solved_thin_minus_thick", "share solved otherwise, thin minus thick networks",
                share, "share", "interval below 0", below(share)),
        measure("overload_thin_minus_thick",
                "carer overload added by network first, thin minus thick networks", overload,
                "share of carers", "interval above 0", above(overload)),
        measure("failures_thin_minus_thick", "would-be maatwerk cases routed otherwise that got "
                "maatwerk after all, thin minus thick networks", fail, "cases"),
        measure("overload_added_thin", "carer overload added by network first, thin networks",
                t_interval(d_thin.to_numpy()), "share of carers"),
    ]
    holds = all(m.ok for m in ms if m.ok is not None)
    return PatternResult(
        "P8", "Informal care has limits",
        "Network-first works less well, and overloads carers more, where networks are thin.",
        ["baseline_thin", "network_thin", "baseline_thick", "network_thick"], ms, holds,
        "solved_thin_minus_thick", _failed(ms))


#: The patterns in order, each a function of the runs.
PATTERNS: dict[str, Callable[[Runs], PatternResult]] = {
    "P1": p1, "P2": p2, "P3": p3, "P4": p4, "P5": p5, "P6": p6, "P7": p7, "P8": p8,
}


def needed_scenarios(patterns: Sequence[str]) -> list[str]:
    """The scenarios the given patterns use."""
    need: dict[str, list[str]] = {
        "P1": ["baseline_staffed", "signalling_staffed", "baseline_understaffed",
               "signalling_understaffed"],
        "P2": ["baseline", "signalling"],
        "P3": [f"outreach_{s:g}" for s in OUTREACH_LEVELS],
        "P4": ["baseline", "integrated"],
        "P5": ["breda_reference", "breda_pilot"],
        "P6": [fte_scenario(f) for f in FTE_LEVELS],
        "P7": ["baseline"],
        "P8": ["baseline_thin", "network_thin", "baseline_thick", "network_thick"],
    }
    out: list[str] = []
    for p in patterns:
        for s in need[p]:
            if s not in out:
                out.append(s)
    return out


# --------------------------------------------------------------------------- the whole run


@dataclass
class Validation:
    """The outcome of :func:`validate`."""

    scale: Scale
    seeds: list[int]
    patterns: list[PatternResult]
    configs: dict[str, Config]
    runs: Runs
    base_config: Path
    seconds: float = 0.0


def validate(base_config: str | Path = "configs/baseline.toml", quick: bool = False,
             patterns: Sequence[str] | None = None, replicates: int | None = None,
             seed: int = 1, workers: int | None = None, progress: Progress | None = None,
             overrides: Sequence[tuple[str, Any]] = ()) -> Validation:
    """Run the scenarios of the chosen patterns (default all) and judge every pattern.

    ``overrides`` (``--set``) apply to every scenario after its preset and pattern settings.
    """
    t0 = time.time()
    base_config = Path(base_config)
    scale = QUICK if quick else FULL
    if replicates is not None:
        scale = replace(scale, replicates=replicates,
                        breda_replicates=max(replicates, scale.breda_replicates))
    chosen = list(patterns) if patterns else list(PATTERNS)
    configs_dir = base_config.parent
    specs = scenario_specs()
    configs = {}
    for name in needed_scenarios(chosen):
        spec = specs[name]
        if spec.preset == "baseline":
            spec = ScenarioSpec(base_config.stem, spec.overrides, spec.reset_levers, spec.breda)
        cfg = build_config(spec, scale, configs_dir)
        if overrides:
            data = cfg.model_dump(mode="python")
            for key, value in overrides:
                set_dotted(data, key, value)
            cfg = validate_config(data, "--set")
        configs[name] = cfg
    seeds = replicate_seeds(seed, scale.replicates)
    breda_seeds = replicate_seeds(seed, scale.breda_replicates)
    w = workers if workers is not None else min(default_workers(), 8)
    plan = {name: breda_seeds if specs[name].breda else seeds for name in configs}
    tables = run_scenarios(configs, plan, w, progress)
    runs = Runs(tables, configs)
    results = [PATTERNS[p](runs) for p in chosen]
    return Validation(scale, seeds, results, configs, runs, base_config, time.time() - t0)


def total_runs(quick: bool, patterns: Sequence[str] | None = None,
               replicates: int | None = None) -> int:
    """Model runs of a validation (for a progress bar)."""
    scale = QUICK if quick else FULL
    reps = replicates if replicates is not None else scale.replicates
    breda = max(reps, scale.breda_replicates)
    specs = scenario_specs()
    names = needed_scenarios(list(patterns) if patterns else list(PATTERNS))
    return sum(breda if specs[n].breda else reps for n in names)


# --------------------------------------------------------------------------- formatting


def summary_rows(result: Validation) -> list[dict[str, Any]]:
    """A row per pattern: headline effect, interval, verdict."""
    rows = []
    for p in result.patterns:
        m = p.head()
        rows.append({"pattern": p.key, "title": p.title, "measure": m.label,
                     "estimate": m.estimate, "ci_low": m.ci_low, "ci_high": m.ci_high,
                     "unit": m.unit, "holds": p.holds})
    return rows


# --------------------------------------------------------------------------- figures


def _effects(fig: Any, cell: Any, ms: Sequence[Measure], title: str) -> None:
    """Small multiples: each measure on its own axis, estimate with its 95% interval."""
    grid = cell.subgridspec(len(ms), 1, hspace=1.4)
    for i, m in enumerate(ms):
        ax = fig.add_subplot(grid[i])
        color = "#2a9d8f" if m.ok else ("#e76f51" if m.ok is False else "#8d99ae")
        lo = m.estimate - m.ci_low if not math.isnan(m.ci_low) else 0.0
        hi = m.ci_high - m.estimate if not math.isnan(m.ci_high) else 0.0
        ax.errorbar([m.estimate], [0], xerr=[[lo], [hi]], fmt="o", color=color, capsize=4)
        ax.axvline(0, color="black", lw=0.6)
        span = max(abs(m.estimate) + hi, abs(m.estimate) + lo, 1e-9) * 1.15
        left = min(-0.05 * span, m.estimate - lo - 0.05 * span)
        ax.set_xlim(left, max(0.05 * span, m.estimate + hi + 0.05 * span))
        ax.set_yticks([])
        ax.tick_params(axis="x", labelsize=7)
        ax.set_title(f"{_short(m.label, 70)} ({m.unit})", fontsize=7.5, loc="left", pad=2)
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        if i == 0:
            ax.text(0, 1.0, title + "\n\n", transform=ax.transAxes, fontsize=9,
                    va="bottom")


def plot_pattern(p: PatternResult, runs: Runs, path: Path) -> Path:
    """A figure for one pattern (effects with intervals, and a curve or time series)."""
    fig = Figure(figsize=(13, max(4.2, 0.62 * len(p.measures) + 1.2)))
    outer = fig.add_gridspec(1, 2, width_ratios=[1.1, 1], wspace=0.25)
    _effects(fig, outer[0], p.measures,
             "Effects with 95% intervals (green: criterion met; red: not; grey: reported)")
    ax = fig.add_subplot(outer[1])
    if p.key == "P2":
        for name in ("baseline", "signalling"):
            g = runs.tables[name].groupby("week")["cost_total"].mean().rolling(4, 1).mean()
            ax.plot(g.index, g / 1e6, label=name)
        ax.axvspan(1, 52, color="orange", alpha=0.1, label="first year")
        ax.set_ylabel("total cost, EUR million per year")
        ax.set_xlabel("reported week")
    elif p.key == "P3":
        levels = list(OUTREACH_LEVELS)
        for kpi, label in (("escalations_per_1000", "escalations per 1,000 / yr"),):
            vals = [t_interval(runs.per_seed(f"outreach_{s:g}", kpi).to_numpy()) for s in levels]
            ax.errorbar(levels, [v[0] for v in vals],
                        yerr=[[v[0] - v[1] for v in vals], [v[2] - v[0] for v in vals]],
                        marker="o", capsize=3, label=label)
        ax.set_xlabel("team.outreach_share")
        ax.set_ylabel("escalations per 1,000 inhabitants per year")
    elif p.key == "P6":
        for fte in FTE_LEVELS:
            g = runs.tables[fte_scenario(fte)].groupby("week")["workload"].mean()
            ax.plot(g.index, g.rolling(8, 1).mean(), label=f"{fte:g} FTE/1,000")
        ax.axhline(1.0, color="black", lw=0.8, ls="--")
        ax.set_ylabel("workload (asked / available)")
        ax.set_xlabel("reported week")
    elif p.key == "P7":
        from wijksim.analysis.calibration import TARGETS

        ratios = [m.estimate / t.value for m, t in zip(p.measures, TARGETS, strict=False)]
        ax.bar([t.label for t in TARGETS], ratios, color="#457b9d")
        ax.axhline(1.0, color="black", lw=0.8)
        ax.axhspan(1 - P7_BAND, 1 + P7_BAND, color="green", alpha=0.1)
        ax.set_ylabel("model / target")
    elif p.key == "P5":
        b = p.extra["breda"]
        ax.bar(["savings\nWmo + Wlz", "extra\ncosts"], [b["savings"][0] / 1e3,
                                                          b["costs"][0] / 1e3],
               color=["#2a9d8f", "#e76f51"], label="model")
        ax.scatter(["savings\nWmo + Wlz", "extra\ncosts"],
                   [BREDA_SAVINGS / 1e3, BREDA_COSTS / 1e3], color="black", zorder=3,
                   label="Breda pilot")
        ax.set_ylabel(f"EUR thousand over {b['weeks']} weeks")
        ax.set_title(f"solved otherwise: model {b['share'][0]:.2f}, trio pilot "
                     f"{BREDA_SOLVED / BREDA_CASES:.2f}", fontsize=9)
    else:
        names = p.scenarios
        for name in names:
            g = runs.tables[name].groupby("week")["escalations_per_1000"].mean()
            ax.plot(g.index, g.rolling(8, 1).mean(), label=name)
        ax.set_ylabel("escalations per 1,000 inhabitants per year")
        ax.set_xlabel("reported week")
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)
    fig.suptitle(f"{p.key} {p.title}: {'holds' if p.holds else 'does not hold'}", y=1.05)
    return save_figure(fig, path, dpi=100)


def _short(label: str, width: int = 42) -> str:
    return label if len(label) <= width else label[: width - 1] + "..."


# --------------------------------------------------------------------------- report

NOTES_BEGIN = "<!-- notes:begin (kept when the report is regenerated) -->"
NOTES_END = "<!-- notes:end -->"


def write_report(result: Validation, path: Path, command: str = "wijksim validate") -> list[Path]:
    """Write the markdown report, its figures and a JSON of every measure; returns the files."""
    path = Path(path)
    img_dir = figure_dir(path)
    written = []
    for p in result.patterns:
        fig = plot_pattern(p, result.runs, img_dir / f"{p.key.lower()}.png")
        p.figure = os.path.relpath(fig, path.parent)
        written.append(fig)
    data = {
        "scale": asdict(result.scale), "seeds": result.seeds, "seconds": result.seconds,
        "created": datetime.now(UTC).isoformat(timespec="seconds"), "versions": versions(),
        "base_config": str(result.base_config), "command": command,
        "patterns": [{
            "key": p.key, "title": p.title, "holds": p.holds, "headline": p.headline,
            "note": p.note, "figure": p.figure, "extra": plain_value(p.extra, nan_as_none=True),
            "measures": [plain_value(asdict(m), nan_as_none=True) for m in p.measures],
        } for p in result.patterns],
    }
    js = img_dir / "validation.json"
    atomic_write(js, lambda q: q.write_text(json.dumps(data, indent=2) + "\n"))
    written.append(js)
    old_notes = _old_notes(path)
    text = render_markdown(result, command, old_notes)
    atomic_write(path, lambda q: q.write_text(text, encoding="utf-8"))
    written.append(path)
    return written


def figure_dir(report: Path) -> Path:
    """Folder of a report's figures: ``validation/`` next to ``validation.md``."""
    report = Path(report)
    name = "validation" if report.stem == "validation" else f"{report.stem}_figures"
    return report.parent / name


def check_patterns(names: Sequence[str] | None) -> list[str] | None:
    """Validate pattern names from the command line (``p3`` or ``P3``)."""
    from wijksim.errors import ConfigError

    if not names:
        return None
    out = []
    for name in names:
        key = name.strip().upper()
        if key not in PATTERNS:
            raise ConfigError("--pattern", name, f"unknown pattern (known: {', '.join(PATTERNS)})")
        if key not in out:
            out.append(key)
    return out


def print_result(result: Validation, console: Any) -> None:
    """Print the per-pattern table (rich) and the closing note."""
    from rich.table import Table

    s = result.scale
    table = Table(title=f"Patterns P1-P8 ({s.name}: {s.replicates} paired replicates, "
                  f"{s.households:,} households, {s.weeks} weeks)")
    for col in ("pattern", "measured effect", "estimate", "95% interval", "holds"):
        table.add_column(col, justify="right" if col in ("estimate", "95% interval") else "left")
    for p in result.patterns:
        m = p.head()
        table.add_row(f"{p.key} {p.title}", f"{m.label} ({m.unit})", fmt(m.estimate),
                      f"[{fmt(m.ci_low)}, {fmt(m.ci_high)}]",
                      "[green]yes[/]" if p.holds else "[red]no[/]")
    console.print(table)
    for p in result.patterns:
        if not p.holds:
            console.print(f"[red]{p.key}[/] {p.note}")


def _old_notes(path: Path) -> str:
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    m = re.search(re.escape(NOTES_BEGIN) + r"\n(.*?)" + re.escape(NOTES_END), text, re.S)
    return m.group(1).strip() if m else ""


def render_markdown(result: Validation, command: str, notes: str = "") -> str:
    """The validation report as markdown."""
    s = result.scale
    held = sum(p.holds for p in result.patterns)
    lines = [
        "# Validation: patterns P1-P8",
        "",
        f"<!-- Generated by `{command}` ({s.name} scale). The block between the notes markers "
        "is kept when the report is regenerated; the rest is overwritten. -->",
        "",
        f"**{held} of {len(result.patterns)} patterns hold** at the {s.name} scale: "
        f"{s.replicates} paired replicates (seeds {', '.join(map(str, result.seeds[:3]))}"
        f"{', ...' if len(result.seeds) > 3 else ''}), {s.households:,} households "
        f"({s.breda_households:,} in the Breda pilot, with {s.breda_replicates} replicates), "
        f"a spin-up of {next(iter(result.configs.values())).run.spinup_years} years and "
        f"{s.warmup_weeks} weeks warm-up with the "
        f"baseline's levers, then {s.weeks} reported weeks (the Breda pilot: its own "
        f"{result.configs.get('breda_pilot').run.weeks if 'breda_pilot' in result.configs else 104}"
        f"). Base config: `{result.base_config}`. Run time {result.seconds:.0f} s.",
        "",
        "The patterns are DESIGN.md's; each is judged by the criteria in "
        "`src/wijksim/analysis/validation.py`, set when the patterns were written and not tuned "
        "to the results (the notes say what changed after the first full run). Effects are paired "
        "differences (scenario minus reference, same seeds) averaged over the reported weeks "
        "unless said otherwise, with 95% t-intervals over replicates. Nothing in the model reads "
        "these results: the patterns must emerge from the mechanisms in docs/ODD.md.",
        "",
        "| pattern | headline measure | effect | 95% interval | holds |",
        "| --- | --- | ---: | --- | :---: |",
    ]
    for p in result.patterns:
        m = p.head()
        lines.append(f"| {p.key} {p.title} | {m.label} ({m.unit}) | {fmt(m.estimate)} | "
                     f"[{fmt(m.ci_low)}, {fmt(m.ci_high)}] | {'yes' if p.holds else '**no**'} |")
    lines.append("")
    for p in result.patterns:
        lines += [f"## {p.key} {p.title}: {'holds' if p.holds else 'does not hold'}", "",
                  f"*Pattern.* {p.statement}", "",
                  f"*Scenarios.* {', '.join(f'`{n}`' for n in p.scenarios)} "
                  f"({_describe(p.scenarios, result)}).", "",
                  "| measure | effect | 95% interval | unit | criterion | met |",
                  "| --- | ---: | --- | --- | --- | :---: |"]
        for m in p.measures:
            met = "" if m.ok is None else ("yes" if m.ok else "**no**")
            crit = m.criterion or "(reported)"
            if m.detail:
                crit += f"; {m.detail}"
            lines.append(f"| {m.label} | {fmt(m.estimate)} | [{fmt(m.ci_low)}, "
                         f"{fmt(m.ci_high)}] | {m.unit} | {crit} | {met} |")
        lines.append("")
        lines += _extra_table(p)
        if p.note:
            lines += [p.note, ""]
        if p.figure:
            lines += [f"![{p.key}]({p.figure})", ""]
    failing = [p for p in result.patterns if not p.holds]
    lines += ["## Closing note", ""]
    if failing:
        lines.append("Patterns the model does not reproduce at this scale, and the criterion "
                     "that failed:")
        lines.append("")
        for p in failing:
            lines.append(f"- **{p.key} {p.title}.** {p.note or 'see its section.'}")
        lines.append("")
    else:
        lines += ["Every pattern holds at this scale.", ""]
    lines += ["### Notes", "", NOTES_BEGIN, notes or "(none yet)", NOTES_END, ""]
    return "\n".join(lines)


def _extra_table(p: PatternResult) -> list[str]:
    """Per-level tables of P3 (escalations by outreach share) and P6 (by staffing)."""
    if p.key == "P3" and "means" in p.extra:
        out = ["| outreach share | " + " | ".join(p.extra["means"]) + " |",
               "| --- | " + " | ".join("---:" for _ in p.extra["means"]) + " |",
               "| escalations per 1,000 inh./yr | "
               + " | ".join(fmt(v) for v in p.extra["means"].values()) + " |", ""]
        return out
    if p.key == "P6" and "levels" in p.extra:
        out = ["| FTE per 1,000 | workload, first year | workload, last year | turnover per year "
               "| vacancies, last year | waiting list, last year |",
               "| ---: | ---: | ---: | ---: | ---: | ---: |"]
        for level, v in p.extra["levels"].items():
            out.append(f"| {level} | {fmt(v['workload_first'][0])} | "
                       f"{fmt(v['workload_last'][0])} | {fmt(v['turnover'][0])} | "
                       f"{fmt(v['vacancies'][0])} | {fmt(v['waiting_last'][0])} |")
        tip = p.extra.get("tipping")
        out += ["", f"Lowest staffing level with a last-year workload of at most 1: "
                f"{tip if tip is not None else 'none'} FTE per 1,000 inhabitants.", ""]
        return out
    return []


def _describe(names: Sequence[str], result: Validation) -> str:
    specs = scenario_specs()
    parts = []
    for n in names:
        spec = specs[n]
        what = f"`{spec.preset}.toml`"
        if spec.overrides:
            what += " with " + ", ".join(f"{k} = {v}" for k, v in spec.overrides)
        if spec.reset_levers:
            what += " with the baseline's levers"
        parts.append(f"{n}: {what}")
    return "; ".join(parts)
