"""Teacher notes per preset ("What to notice / What to try"), each with a checkable expectation.

The texts live in ``teaching.toml`` next to this module (package data): a table per preset with
an ``nl`` and an ``en`` sub-table, each with ``title`` (the preset's name in the picker),
``summary`` (one line), ``notice`` and ``try`` (lists of short paragraphs), and a ``check``
sub-table whose ``notice`` and ``try`` lists hold, note by note, what the model must show for
the note to be true (an :class:`Expectation`). ``hidden`` lists files in ``configs/`` that are no
scenario (left out of the app's picker).

:meth:`CheckRunner.check` runs an expectation on paired seeds: arm A (the preset, or the preset
with the baseline's levers) against arm B (the preset with the note's lever change), both from
the same state at the end of the warm-up, and tells per seed whether the KPI moved the way the
note says (or lies on the side of a bound). tests/app/test_teaching_notes.py runs every note
this way.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from wijksim import checkpoint
from wijksim.codes import PARTNER_KINDS
from wijksim.config import Config, baseline_levers, with_flat
from wijksim.model import WijkModel

#: The parts of a note, in the order the page shows them.
PARTS: tuple[str, ...] = ("notice", "try")
#: Seeds of a check unless told otherwise, and how many must agree with the note.
CHECK_SEEDS: tuple[int, ...] = (1, 2, 3, 4)
AGREE = 3
#: Households of a check run, one wijk and several (a smaller preset runs at its own size).
CHECK_HOUSEHOLDS = 3000
CHECK_HOUSEHOLDS_MULTI = 6000


@dataclass(frozen=True)
class TeachingNotes:
    """The notes of one preset in one language."""

    summary: str
    notice: tuple[str, ...]
    try_: tuple[str, ...]
    title: str = ""


@dataclass(frozen=True)
class Expectation:
    """What a note says the model shows, in a form a test can run.

    ``about`` set: the note is about using the app or about how the preset is set up (which
    button, what a chart shows, how many wijken), not about results, and nothing runs.
    Otherwise the KPI ``kpi`` (``a+b`` sums KPIs, a name in :data:`METRICS` is read from the
    model's state; ``over`` divides by another), averaged over reported weeks
    ``from_week``..``weeks``, either moves the way ``direction`` says (``up``/``down``, arm B
    against arm A, by more than ``min_change`` of A's value; ``same``: by no more than that) or,
    in arm B, lies ``above`` / ``below`` a bound. Arm A is the preset (``against = "preset"``)
    or the preset with the baseline's levers (``"baseline"``); arm B is the preset with
    ``change`` (flat lever names; ``partners = "all"``) from week ``change_week`` on; ``given``
    changes both arms.
    """

    note: str  # "notice.2", "try.1"
    kpi: str = ""
    over: str = ""
    direction: str = ""
    above: float | None = None
    below: float | None = None
    min_change: float = 0.0
    against: str = "preset"
    change: dict[str, Any] = field(default_factory=dict)
    given: dict[str, Any] = field(default_factory=dict)
    change_week: int = 1
    weeks: int = 52
    from_week: int = 1
    about: str = ""

    @classmethod
    def read(cls, note: str, data: dict[str, Any]) -> Expectation:
        """An expectation from its TOML table (unknown keys are errors)."""
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"{note}: unknown keys {sorted(unknown)}")
        exp = cls(note=note, **data)
        if not exp.about:
            if not exp.kpi or (exp.direction not in ("up", "down", "same")
                               and exp.above is None and exp.below is None):
                raise ValueError(f"{note}: needs a kpi and a direction or a bound")
            if exp.against not in ("preset", "baseline") or exp.from_week > exp.weeks:
                raise ValueError(f"{note}: bad against or weeks")
        return exp


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    text = resources.files("wijksim.app").joinpath("teaching.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@lru_cache(maxsize=1)
def all_notes() -> dict[str, dict[str, TeachingNotes]]:
    """Every preset's notes: ``{preset: {lang: TeachingNotes}}`` (read once, read-only)."""
    out: dict[str, dict[str, TeachingNotes]] = {}
    for preset, tables in _data().items():
        if not isinstance(tables, dict):
            continue
        out[preset] = {
            lang: TeachingNotes(
                summary=str(body["summary"]).strip(),
                notice=tuple(str(s).strip() for s in body.get("notice", ())),
                try_=tuple(str(s).strip() for s in body.get("try", ())),
                title=str(body.get("title", "")).strip(),
            )
            for lang, body in tables.items() if lang != "check"
        }
    return out


def notes_for(preset: str, lang: str) -> TeachingNotes | None:
    """The notes of ``preset`` in ``lang``, or ``None`` when none were written."""
    return all_notes().get(preset, {}).get(lang)


def hidden_presets() -> frozenset[str]:
    """Config files that are no scenario (a calibration the presets build on)."""
    return frozenset(_data().get("hidden", ()))


def expectations(preset: str) -> list[Expectation]:
    """The expectations of a preset's notes (``notice.1``, ..., ``try.1``, ...).

    A note may carry several (a list of tables): it holds when all of them do.
    """
    checks = _data().get(preset, {}).get("check", {})
    out = []
    for part in PARTS:
        for i, data in enumerate(checks.get(part, ()), start=1):
            for one in (data if isinstance(data, list) else [data]):
                out.append(Expectation.read(f"{part}.{i}", one))
    return out


def _severe_share(model: WijkModel, few: bool) -> float:
    """Share of households with a severe or crisis need, among those with few ties or not.

    Few ties: the quarter of households with the fewest ties in the social network.
    """
    ties = np.diff(model.net.indptr)
    rows = ties <= np.quantile(ties, 0.25) if few else ties > np.quantile(ties, 0.25)
    severe = model.hh.need.max(axis=1) >= 3
    return float(severe[rows].mean()) if rows.any() else float("nan")


#: Measures of the model's state a note may name as its ``kpi`` (beyond the weekly KPIs).
METRICS = {
    "severe_share_few_ties": lambda m: _severe_share(m, True),
    "severe_share_more_ties": lambda m: _severe_share(m, False),
}


# --------------------------------------------------------------------------- running a check


@dataclass(frozen=True)
class CheckResult:
    """A check on paired seeds: arm A's and B's value per seed, and whether the note holds."""

    expectation: Expectation
    seeds: tuple[int, ...]
    a: tuple[float, ...]
    b: tuple[float, ...]
    agree: tuple[bool, ...]
    holds: bool

    def line(self) -> str:
        """One line for a report: the note, the means and how many seeds agree."""
        e = self.expectation
        what = e.direction or (f"> {e.above}" if e.above is not None else f"< {e.below}")
        return (f"{e.note}: {e.kpi}{'/' + e.over if e.over else ''} {what}: "
                f"A {np.mean(self.a):.4g}, B {np.mean(self.b):.4g}; "
                f"{sum(self.agree)}/{len(self.agree)} seeds agree")


def check_size(cfg: Config) -> int:
    """Households of a check run: the preset's own, at most 3,000 (6,000 with several wijken)."""
    several = max(len(cfg.wijken), int(cfg.population.wijken)) > 1
    return min(int(cfg.population.households),
               CHECK_HOUSEHOLDS_MULTI if several else CHECK_HOUSEHOLDS)


def _flat_change(change: dict[str, Any]) -> dict[str, Any]:
    out = dict(change)
    if out.get("partners") == "all":
        out["partners"] = list(PARTNER_KINDS)
    elif isinstance(out.get("partners"), str):
        out["partners"] = [k for k in out["partners"].split(",") if k]
    return out


def _start_key(cfg: Config, seed: int) -> str:
    """What the state at the end of the warm-up depends on: the config without levers or run."""
    data = baseline_levers(cfg).to_toml_dict()
    for part in ("run", "description", "extends"):
        data.pop(part, None)
    return json.dumps({"config": data, "seed": seed}, sort_keys=True, default=str)


class CheckRunner:
    """Runs expectations; the state after each warm-up is built once and copied per arm.

    With ``store`` (the default), a check's result is kept in the checkpoint cache
    (``$WIJKSIM_CACHE/notes``), keyed by everything it depends on: the expectation, the preset's
    resolved config, the seeds, this module and the model's source code
    (:func:`wijksim.checkpoint.code_version`). A change to any of them runs the check again;
    otherwise the same runs would give the same numbers.
    """

    def __init__(self, store: bool = True) -> None:
        self.store = store
        self.starts: dict[str, WijkModel] = {}
        self.arms: dict[str, list[dict[str, float]]] = {}

    def start(self, cfg: Config, seed: int) -> WijkModel:
        """The model at the end of its warm-up (reported week 0), at the baseline's levers."""
        key = _start_key(cfg, seed)
        if key not in self.starts:
            model = WijkModel(baseline_levers(cfg), rng=seed)
            while model.reported_week < 0:
                model.step()
            self.starts[key] = model
        return self.starts[key]

    def arm(self, cfg: Config, seed: int, weeks: int, late: Config | None = None,
            late_week: int = 1) -> list[dict[str, float]]:
        """Weekly KPIs of ``cfg``'s levers (``late``'s from ``late_week``) over ``weeks``."""
        key = json.dumps([cfg.to_toml_dict(), late.to_toml_dict() if late else None,
                          late_week, seed, weeks], sort_keys=True, default=str)
        if key not in self.arms:
            model = copy.deepcopy(self.start(cfg, seed))
            rows = []
            for week in range(1, weeks + 1):
                levers = late if late is not None and week >= late_week else cfg
                if model.cfg is not levers:
                    model.scenario_config = levers
                    model.apply_levers(levers)
                model.step()
                row = {k: float(v) for k, v in model.kpis.items()}
                rows.append(row | {name: f(model) for name, f in METRICS.items()})
            self.arms[key] = rows
        return self.arms[key]

    def check(self, cfg: Config, exp: Expectation,
              seeds: tuple[int, ...] = CHECK_SEEDS) -> CheckResult:
        """Run ``exp`` for a preset's resolved config ``cfg`` on ``seeds`` (paired)."""
        path = _result_path(cfg, exp, seeds)
        if self.store and path.exists():
            try:
                saved = json.loads(path.read_text())
                return _judge(exp, tuple(seeds), saved["a"], saved["b"])
            except (OSError, ValueError, KeyError):
                pass
        a_vals, b_vals = self._run(cfg, exp, seeds)
        if self.store:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"a": a_vals, "b": b_vals}))
        return _judge(exp, tuple(seeds), a_vals, b_vals)

    def _run(self, cfg: Config, exp: Expectation,
             seeds: tuple[int, ...]) -> tuple[list[float], list[float]]:
        """Arm A's and B's value of ``exp`` per seed."""
        cfg = with_flat(cfg, households=check_size(cfg))
        a_cfg = baseline_levers(cfg) if exp.against == "baseline" else cfg
        if exp.given:
            cfg = with_flat(cfg, **_flat_change(exp.given))
            a_cfg = with_flat(a_cfg, **_flat_change(exp.given))
        changed = with_flat(cfg, **_flat_change(exp.change)) if exp.change else cfg
        late = exp.change_week > 1
        a_vals, b_vals = [], []
        for seed in seeds:
            a_rows = self.arm(a_cfg, seed, exp.weeks)
            b_rows = (self.arm(cfg, seed, exp.weeks, changed, exp.change_week) if late
                      else self.arm(changed, seed, exp.weeks))
            a_vals.append(_value(a_rows, exp))
            b_vals.append(_value(b_rows, exp))
        return a_vals, b_vals


def _judge(exp: Expectation, seeds: tuple[int, ...], a_vals: list[float],
           b_vals: list[float]) -> CheckResult:
    """Whether the note holds: on ``AGREE`` of the seeds (all, if fewer), and on the means."""
    a_vals = [float("nan") if v is None else float(v) for v in a_vals]
    b_vals = [float("nan") if v is None else float(v) for v in b_vals]
    agree = tuple(_agrees(a, b, exp) for a, b in zip(a_vals, b_vals, strict=True))
    holds = sum(agree) >= min(AGREE, len(seeds)) and _agrees(
        float(np.mean(a_vals)), float(np.mean(b_vals)), exp)
    return CheckResult(exp, seeds, tuple(a_vals), tuple(b_vals), agree, holds)


def _result_path(cfg: Config, exp: Expectation, seeds: tuple[int, ...]) -> Path:
    """Where the result of ``exp`` for ``cfg`` on ``seeds`` is kept (see :class:`CheckRunner`)."""
    own = hashlib.sha256(resources.files("wijksim.app").joinpath("teaching.py").read_bytes())
    blob = json.dumps({"config": cfg.to_toml_dict(), "expectation": exp.__dict__,
                       "seeds": list(seeds), "code": checkpoint.code_version(),
                       "checker": own.hexdigest()}, sort_keys=True, default=str)
    name = hashlib.sha256(blob.encode()).hexdigest()[:32]
    return checkpoint.cache_dir() / "notes" / f"{name}.json"


def _value(rows: list[dict[str, float]], exp: Expectation) -> float:
    """The KPI (a sum of KPIs, or a ratio) averaged over the expectation's weeks."""
    chosen = rows[exp.from_week - 1:exp.weeks]

    def mean(expr: str) -> float:
        values = np.array([sum(r[k] for k in expr.split("+")) for r in chosen], dtype=float)
        return float(np.nanmean(values)) if np.isfinite(values).any() else float("nan")

    value = mean(exp.kpi)
    return value / mean(exp.over) if exp.over else value


def _agrees(a: float, b: float, exp: Expectation) -> bool:
    """Whether B against A (or B against the bound) is what the note says."""
    if not (np.isfinite(a) and np.isfinite(b)):
        return False
    if exp.direction == "same":
        return abs(b - a) <= exp.min_change * abs(a)
    if exp.direction:
        diff = b - a if exp.direction == "up" else a - b
        return diff > exp.min_change * abs(a) and diff > 0
    if exp.above is not None and not b > exp.above:
        return False
    return exp.below is None or b < exp.below
