"""Sweeps: designs, run identity, execution on a process pool or a Dask cluster, resume, load.

A sweep file (TOML, see docs/experiments.md) names a base scenario, a design (``grid``, ``lhs``
or ``sobol``) over dotted config fields, paired replicates (the same seeds at every design point),
overrides and, optionally, named scenarios crossed with the design::

    base = "../configs/baseline.toml"
    design = "grid"
    replicates = 5
    seed = 1
    [parameters]
    "team.outreach_share" = [0.0, 0.1, 0.2, 0.3]
    [overrides]
    "run.weeks" = 156

Every run has a deterministic identity, its *key*: a hash of its resolved config and its seed.
A finished run is written at once to ``DIR/runs/KEY.json`` (through a temporary file and a
rename), so a sweep that is killed resumes when the same command is run again: runs with a
record are skipped, failed runs are retried, and no run is done twice. ``DIR/manifest.json``
holds the sweep's definition, seeds, plan and versions; a different sweep in the same folder is
refused. ``DIR/summary.parquet`` (a row per run) is written once every run has a record;
:func:`load` reads it back as a tidy pandas table.

Runs execute in a local process pool (:func:`run_sweep` with ``workers``) or on an existing Dask
cluster (``scheduler="tcp://HOST:PORT"`` or a ``distributed.Client``); :func:`slurm_job_script`
and :func:`slurm_cluster` give the dask-jobqueue recipe for a Slurm cluster.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
import os
import sys
import time
import tomllib
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from wijksim.analysis import runner
from wijksim.analysis.parallel import (
    Terminated,
    default_workers,
    map_unordered,
    sigterm_stops,
)
from wijksim.config import Config, get_dotted, load_config
from wijksim.errors import ConfigError
from wijksim.kpis import EXTRA, KPIS
from wijksim.streams import replicate_seeds

#: The designs a sweep file may name.
DESIGNS: tuple[str, ...] = ("grid", "lhs", "sobol")
#: Keys a sweep file may have at its top level.
SWEEP_KEYS: tuple[str, ...] = (
    "base", "design", "samples", "replicates", "seed", "parameters", "overrides", "scenarios",
    "timeseries", "by_wijk", "kpis", "description",
)
#: Config fields a sweep may not set: seeds come from the sweep's ``seed`` and ``replicates``.
RESERVED: tuple[str, ...] = ("run.seed", "run.replicates", "extends", "description")
#: Version of the manifest and run-file layout.
FORMAT = 1
#: Packages whose versions go into the manifest besides :data:`wijksim.analysis.runner.VERSIONED`.
SWEEP_VERSIONED = ("dask", "distributed", "dask-jobqueue", "SALib", "rich", "typer")
#: Columns of the summary that describe a run (besides the parameters and the KPIs).
ID_COLUMNS = ("point", "scenario", "replicate", "seed", "key", "status", "error")

#: A Dask worker's name in the Slurm job script: unique per job (and per array task, each of
#: which is a job), and per process where Slurm is absent (the shell expands it at start).
SLURM_WORKER_NAME = "wijksim-${SLURM_JOB_ID:-local}-$(hostname)-$$"
#: Tables a run may write besides its record: ``runs/KEY.TABLE.parquet``.
PER_RUN_TABLES = ("timeseries", "by_wijk", "wijkplannen")

RunFn = Callable[[dict], dict]


@dataclass(frozen=True)
class Range:
    """A ``{min, max}`` parameter of an lhs or sobol design."""

    min: float
    max: float
    integer: bool = False


@dataclass
class Sweep:
    """A validated sweep file."""

    path: Path
    base: Path
    design: str = "grid"
    samples: int | None = None
    replicates: int = 1
    seed: int = 1
    parameters: dict[str, list[Any] | Range] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)
    scenarios: dict[str, dict[str, Any]] = field(default_factory=dict)
    timeseries: bool = False
    by_wijk: bool = False
    kpis: list[str] | None = None  # the KPIs stored (None: every KPI and diagnostic column)
    description: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """The sweep file as named in error messages."""
        return str(self.path)

    def definition(self) -> dict[str, Any]:
        """The sweep as plain data (for the manifest)."""
        params: dict[str, Any] = {}
        for name, spec in self.parameters.items():
            params[name] = ({"min": spec.min, "max": spec.max, "integer": spec.integer}
                            if isinstance(spec, Range) else list(spec))
        extra = {"by_wijk": True} if self.by_wijk else {}  # older manifests have no such key
        extra.update({"kpis": self.kpis} if self.kpis else {})
        return {
            **extra,
            "file": str(self.path),
            "base": str(self.base),
            "design": self.design,
            "samples": self.samples,
            "replicates": self.replicates,
            "seed": self.seed,
            "parameters": params,
            "overrides": self.overrides,
            "scenarios": self.scenarios,
            "timeseries": self.timeseries,
            "description": self.description,
        }


@dataclass(frozen=True)
class Run:
    """One simulation of a sweep: a design point, a scenario and a replicate."""

    key: str
    point: int
    scenario: str
    replicate: int
    seed: int
    params: dict[str, Any]


@dataclass
class Plan:
    """A sweep resolved into design points and runs, every config validated."""

    sweep: Sweep
    points: list[dict[str, Any]]
    seeds: list[int]
    runs: list[Run]
    configs: dict[str, dict[str, Any]]
    base_config: dict[str, Any]
    design_label: str = ""

    @property
    def identity(self) -> str:
        """A hash of every run's place and key: equal for equal sweeps."""
        rows = [[r.point, r.scenario, r.replicate, r.key] for r in self.runs]
        return _hash(rows)

    def tasks(self) -> list[dict[str, Any]]:
        """One task per distinct run key (what a worker needs), in plan order."""
        seen: dict[str, dict[str, Any]] = {}
        for run in self.runs:
            if run.key not in seen:
                seen[run.key] = {
                    "key": run.key,
                    "point": run.point,
                    "scenario": run.scenario,
                    "replicate": run.replicate,
                    "seed": run.seed,
                    "params": run.params,
                    "config": self.configs[run.key],
                    "timeseries": self.sweep.timeseries,
                    "by_wijk": self.sweep.by_wijk,
                    "kpis": self.sweep.kpis,
                }
        return list(seen.values())


@dataclass
class SweepResult:
    """What :func:`run_sweep` did."""

    out: Path
    summary: pd.DataFrame
    total: int
    ran: int
    skipped: int
    failed: int
    elapsed_s: float
    backend: str


# --------------------------------------------------------------------------- reading


def _hash(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _flatten(table: dict[str, Any], prefix: str = "", stop: Callable[[Any], bool] | None = None
             ) -> Iterator[tuple[str, Any]]:
    """Dotted names and values of a (possibly nested) TOML table.

    ``"team.outreach_share" = 1`` and ``team.outreach_share = 1`` (a nested table) give the
    same name. ``stop`` tells which tables are values (e.g. ``{min, max}``).
    """
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value and not (stop and stop(value)):
            yield from _flatten(value, f"{name}.", stop)
        else:
            yield name, value


def _is_range(value: Any) -> bool:
    return isinstance(value, dict) and ("min" in value or "max" in value)


def read_sweep(path: str | Path, sensitivity: bool = False) -> Sweep:
    """Read and check a sweep file; raise :class:`ConfigError` naming the file and the field.

    This checks the file's own structure; :func:`plan_sweep` then validates every run's config.
    With ``sensitivity``, the file is read for :mod:`wijksim.analysis.sensitivity`: its
    ``design`` is ignored, its parameters must be ``{min, max}`` ranges and ``samples`` is
    SALib's N.
    """
    path = Path(path)
    src = str(path)
    if not path.exists():
        raise ConfigError(src, "file", "no such file")
    if path.is_dir():
        raise ConfigError(src, "file", "is a directory, not a sweep file")
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(src, "toml", f"invalid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(src, "file", f"cannot read: {exc}") from None

    for key in raw:
        if key not in SWEEP_KEYS:
            raise ConfigError(src, key, f"unknown key (known: {', '.join(SWEEP_KEYS)})")

    base_text = raw.get("base")
    if base_text is None:
        raise ConfigError(src, "base", "missing: name the base scenario, e.g. "
                          "base = \"../configs/baseline.toml\"")
    if not isinstance(base_text, str) or not base_text:
        raise ConfigError(src, "base", "must be a path to a scenario file (a string)")
    base = path.parent / base_text
    if not base.is_file():
        raise ConfigError(src, "base", f"no such file {base}")

    design = raw.get("design", "grid")
    if design not in DESIGNS and not sensitivity:
        raise ConfigError(src, "design", f"unknown design {design!r} (known: {', '.join(DESIGNS)})")

    samples = raw.get("samples")
    if samples is not None and (not _is_int(samples) or samples < 1):
        raise ConfigError(src, "samples", f"must be a whole number of at least 1 (got {samples!r})")
    if sensitivity:
        design = "lhs"  # ranges, as for lhs; the sampling is SALib's
        if samples is None:
            raise ConfigError(src, "samples", "missing: the sensitivity analysis needs samples "
                              "(SALib's base sample size N)")
        if raw.get("scenarios"):
            raise ConfigError(src, "scenarios", "not used by the sensitivity analysis; "
                              "put the fields in [overrides]")
    elif design in ("lhs", "sobol"):
        if samples is None:
            raise ConfigError(src, "samples", f"missing: design {design} needs a number of "
                              "design points")
        if design == "sobol" and samples & (samples - 1):
            raise ConfigError(src, "samples", f"must be a power of 2 for design sobol (got "
                              f"{samples}; e.g. {1 << max(samples.bit_length() - 1, 0)})")

    replicates = raw.get("replicates", 1)
    if not _is_int(replicates) or not 1 <= replicates <= 10000:
        raise ConfigError(src, "replicates", f"must be a whole number 1-10000 (got {replicates!r})")
    seed = raw.get("seed", 1)
    if not _is_int(seed) or seed < 0:
        raise ConfigError(src, "seed", f"must be a whole number >= 0 (got {seed!r})")
    timeseries, by_wijk = (raw.get(name, False) for name in ("timeseries", "by_wijk"))
    for name, value in (("timeseries", timeseries), ("by_wijk", by_wijk)):
        if not isinstance(value, bool):
            raise ConfigError(src, name, f"must be true or false (got {value!r})")
    kpis = check_kpis(src, "kpis", raw.get("kpis"))
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(src, "description", "must be a string")

    params_raw = raw.get("parameters", {})
    if not isinstance(params_raw, dict):
        raise ConfigError(src, "parameters", "must be a table of dotted config fields")
    parameters: dict[str, list[Any] | Range] = {}
    for name, spec in _flatten(params_raw, stop=_is_range):
        where = f"parameters.{name}"
        _check_path(src, where, name)
        parameters[name] = _parameter(src, where, "sensitivity" if sensitivity else design, spec)
    if design in ("lhs", "sobol") and not parameters:
        raise ConfigError(src, "parameters", f"design {design} needs at least one "
                          "{min, max} parameter")

    overrides = _table(src, "overrides", raw.get("overrides", {}))
    scenarios_raw = raw.get("scenarios", {})
    if not isinstance(scenarios_raw, dict):
        raise ConfigError(src, "scenarios", "must be a table of named scenario tables")
    scenarios: dict[str, dict[str, Any]] = {}
    for name, table in scenarios_raw.items():
        if not isinstance(table, dict):
            raise ConfigError(src, f"scenarios.{name}", "must be a table of dotted config fields")
        scenarios[name] = _table(src, f"scenarios.{name}", table)
        for dotted in scenarios[name]:
            if dotted in parameters:
                raise ConfigError(src, f"scenarios.{name}.{dotted}",
                                  "is also a parameter of the design; set it in one place")

    return Sweep(path=path, base=base, design=design, samples=samples, replicates=replicates,
                 seed=seed, parameters=parameters, overrides=overrides, scenarios=scenarios,
                 timeseries=timeseries, by_wijk=by_wijk, kpis=kpis, description=description,
                 raw=raw)


def check_kpis(src: str, where: str, kpis: Any) -> list[str] | None:
    """The KPIs a sweep stores (a list of output columns), checked; None for all of them."""
    if kpis is None:
        return None
    if isinstance(kpis, str):
        kpis = [k.strip() for k in kpis.split(",") if k.strip()]
    if not isinstance(kpis, list) or not kpis or not all(isinstance(k, str) for k in kpis):
        raise ConfigError(src, where, "must be a list of KPI names")
    for name in kpis:
        if name not in (*KPIS, *EXTRA):
            raise ConfigError(src, where, f"unknown KPI {name!r} (see docs/ODD.md, 7.10)")
    return list(dict.fromkeys(kpis))


def _check_path(src: str, where: str, dotted: str) -> None:
    if "." not in dotted:
        raise ConfigError(src, where, "expected a dotted config field, section.field")
    if dotted in RESERVED or dotted.split(".")[0] in ("extends", "description"):
        raise ConfigError(src, where, "cannot be set by a sweep (seeds come from the sweep's "
                          "seed and replicates)")


def _table(src: str, where: str, table: Any) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(src, where, "must be a table of dotted config fields")
    out = {}
    for name, value in _flatten(table):
        _check_path(src, f"{where}.{name}", name)
        out[name] = value
    return out


def _parameter(src: str, where: str, design: str, spec: Any) -> list[Any] | Range:
    if design == "grid":
        if not isinstance(spec, list):
            raise ConfigError(src, where, "a grid parameter is a list of values")
        if not spec:
            raise ConfigError(src, where, "empty list: give at least one value")
        for i, value in enumerate(spec):
            if value in spec[:i]:
                raise ConfigError(src, where, f"lists {value!r} twice")
        return list(spec)
    if not isinstance(spec, dict) or set(spec) != {"min", "max"}:
        what = "the sensitivity analysis" if design == "sensitivity" else f"design {design}"
        raise ConfigError(src, where, f"a parameter of {what} is a table "
                          "{min = ..., max = ...}")
    lo, hi = spec["min"], spec["max"]
    for name, value in (("min", lo), ("max", hi)):
        if not _is_number(value) or not math.isfinite(value):
            raise ConfigError(src, f"{where}.{name}", f"must be a number (got {value!r})")
    if lo > hi:
        raise ConfigError(src, where, f"min > max ({lo} > {hi})")
    return Range(float(lo), float(hi), _is_int(lo) and _is_int(hi))


# --------------------------------------------------------------------------- designs


def design_rng(seed: int, purpose: int = 1) -> np.random.Generator:
    """The generator of a sweep's design (its own stream, derived from the sweep's seed)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(purpose,)))


def design_points(sweep: Sweep) -> list[dict[str, Any]]:
    """The design points of a sweep: one dict of dotted field -> value each."""
    names = list(sweep.parameters)
    if not names:
        return [{}]
    if sweep.design == "grid":
        lists = [sweep.parameters[n] for n in names]
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*lists)]
    from scipy.stats import qmc

    d = len(names)
    rng = design_rng(sweep.seed)
    n = int(sweep.samples or 1)
    if sweep.design == "lhs":
        unit = qmc.LatinHypercube(d=d, rng=rng).random(n)
    else:
        unit = qmc.Sobol(d=d, scramble=True, rng=rng).random_base2(int(math.log2(n)))
    return scale_points(sweep, unit)


def scale_points(sweep: Sweep, unit: np.ndarray, scaled: bool = False) -> list[dict[str, Any]]:
    """Turn an (n, d) array into design points over the sweep's ``{min, max}`` parameters.

    ``unit`` is in [0, 1) unless ``scaled`` (then it already holds parameter values).
    Integer parameters (both bounds whole numbers) are rounded.
    """
    points = []
    ranges = [sweep.parameters[n] for n in sweep.parameters]
    for row in np.asarray(unit, dtype=float):
        point = {}
        for name, spec, u in zip(sweep.parameters, ranges, row, strict=True):
            assert isinstance(spec, Range)
            value = float(u) if scaled else spec.min + float(u) * (spec.max - spec.min)
            point[name] = int(round(value)) if spec.integer else value
        points.append(point)
    return points


def run_key(config: dict[str, Any], seed: int) -> str:
    """A run's identity: a hash of its resolved config (every field) and its seed."""
    return _hash({"config": config, "seed": int(seed)})[:24]


def _config_data(cfg: Config, seed: int) -> dict[str, Any]:
    """A run's resolved config as JSON-able data: seed set, description left out."""
    data = cfg.model_dump(mode="json", exclude={"extends", "description"})
    data["run"]["seed"] = int(seed)
    data["run"]["replicates"] = 1
    return data


def plan_sweep(sweep: Sweep, points: list[dict[str, Any]] | None = None,
               design_label: str | None = None) -> Plan:
    """Resolve a sweep into runs, validating every design point's config before anything runs.

    ``points`` replaces the sweep's own design (the sensitivity analysis passes SALib's).
    """
    points = design_points(sweep) if points is None else points
    seeds = replicate_seeds(sweep.seed, sweep.replicates)
    scenarios = sweep.scenarios or {"": {}}
    runs: list[Run] = []
    configs: dict[str, dict[str, Any]] = {}
    try:
        base_cfg = load_config(sweep.base, list(sweep.overrides.items()))
    except ConfigError as exc:
        raise _blame(sweep, exc, {"overrides": sweep.overrides}) from None
    _round_integers(sweep, base_cfg, points)
    for point_id, point in enumerate(points):
        for scenario, fields in scenarios.items():
            overrides = [*sweep.overrides.items(), *fields.items(), *point.items()]
            try:
                cfg = load_config(sweep.base, overrides)
            except ConfigError as exc:
                raise _blame(sweep, exc, {"parameters": point, f"scenarios.{scenario}": fields,
                                          "overrides": sweep.overrides}, point_id) from None
            for replicate, seed in enumerate(seeds):
                data = _config_data(cfg, seed)
                key = run_key(data, seed)
                configs[key] = data
                runs.append(Run(key, point_id, scenario, replicate, seed, dict(point)))
    return Plan(sweep, points, seeds, runs, configs,
                base_cfg.model_dump(mode="json", exclude={"extends"}),
                design_label or sweep.design)


def _round_integers(sweep: Sweep, base_cfg: Config, points: list[dict[str, Any]]) -> None:
    """Round ``{min, max}`` samples of whole-number config fields (strict validation)."""
    for name, spec in sweep.parameters.items():
        if not isinstance(spec, Range) or spec.integer:
            continue
        try:
            current = get_dotted(base_cfg, name)
        except (AttributeError, KeyError, TypeError):
            continue  # an unknown field: load_config reports it
        if _is_int(current):
            for point in points:
                point[name] = int(round(point[name]))


def _blame(sweep: Sweep, exc: ConfigError, tables: dict[str, dict[str, Any]],
           point: int | None = None) -> ConfigError:
    """Re-address a config error to the sweep file's table that set the field."""
    if exc.source not in ("--set", str(sweep.base)):
        return exc  # the base file (or a file it extends) is itself at fault
    for table, fields in tables.items():
        for dotted in fields:
            if exc.field == dotted or exc.field.startswith(dotted + ".") or \
                    dotted.startswith(exc.field + "."):
                message = exc.message
                if message == "unknown key":
                    message = "unknown config field (see docs/parameters.md)"
                if point is not None and table == "parameters":
                    message += f" (design point {point})"
                return ConfigError(sweep.source, f"{table}.{dotted}", message)
    if exc.source == "--set":
        return ConfigError(sweep.source, exc.field, exc.message)
    return exc


# --------------------------------------------------------------------------- one run


def execute_run(task: dict[str, Any]) -> dict[str, Any]:
    """Run one task (in a worker); return its record. Never raises: errors become "failed"."""
    start = time.perf_counter()
    record: dict[str, Any] = {k: task[k] for k in ("key", "point", "scenario", "replicate",
                                                    "seed", "params", "config")}
    try:
        cfg = Config.model_validate(task["config"])
        frame, by_wijk, plans = runner.run_model_full(cfg, int(task["seed"]))
        chosen = task.get("kpis")
        if chosen:  # only the KPIs asked for, in the record and the tables
            frame = frame[[c for c in frame.columns if c not in (*KPIS, *EXTRA) or c in chosen]]
            if by_wijk is not None:
                by_wijk = by_wijk[[c for c in by_wijk.columns
                                   if c not in (*KPIS, *EXTRA) or c in chosen]]
        record["status"] = "ok"
        record["error"] = None
        record["kpis"] = runner.kpi_means(frame)
        record["weeks"] = int(frame["week"].max())
        if task.get("timeseries"):
            record["timeseries"] = frame
        if task.get("by_wijk"):
            record["by_wijk"], record["wijkplannen"] = by_wijk, plans
    except Exception as exc:  # noqa: BLE001 - a failed run is recorded, not raised
        record.update(failed_fields(exc))
    record["elapsed_s"] = round(time.perf_counter() - start, 4)
    record["host"] = os.uname().nodename
    return record


def failed_fields(exc: BaseException) -> dict[str, Any]:
    """The fields of a failed run's record."""
    return {
        "status": "failed",
        "error": f"{type(exc).__name__}: {exc}",
        "traceback": "".join(traceback.format_exception(exc)),
        "kpis": {},
    }


# --------------------------------------------------------------------------- files


def runs_dir(out: Path) -> Path:
    """The folder of run records."""
    return Path(out) / "runs"


def write_record(out: Path, record: dict[str, Any]) -> None:
    """Write a run's record (and its time series, if any) at once: temporary file, rename.

    The time series goes first, so a record on disk means the run is complete.
    """
    folder = runs_dir(out)
    for table in PER_RUN_TABLES:
        frame = record.pop(table, None)
        if frame is not None:
            runner.atomic_write(folder / f"{record['key']}.{table}.parquet",
                                lambda p, frame=frame: frame.to_parquet(p, index=False))
            record[f"has_{table}"] = True  # checked on resume
    text = json.dumps(record, indent=1, default=_json_default) + "\n"
    runner.atomic_write(folder / f"{record['key']}.json", lambda p: p.write_text(text))


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON-able: {type(value).__name__}")


#: Fields every run record has.
RECORD_FIELDS = ("key", "point", "replicate", "seed", "status", "kpis")


def read_records(out: Path, problems: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Every sound run record in ``DIR/runs`` by key.

    A damaged record is left out, so that a resume does its run again, and said in
    ``problems``: a file that is not JSON, JSON that is not a record, a record whose key is not
    its file's name or (when it holds its config) not the hash of its config and seed, and an
    ``"ok"`` record whose time-series or per-wijk table is missing or cannot be read.
    """
    records = {}
    folder = runs_dir(out)
    if not folder.is_dir():
        return records
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith("."):
            continue
        problem = None
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            record, problem = None, "not readable JSON"
        if problem is None:
            problem = record_problem(record, path)
        if problem is not None:
            if problems is not None:
                problems.append(f"{path} is damaged ({problem}); its run is done again")
            continue
        records[record["key"]] = record
    return records


def find_record(out: Path, key: str) -> dict[str, Any]:
    """The sound record of the run ``key`` (or a unique prefix of it) in a sweep folder."""
    folder = runs_dir(out)
    if not folder.is_dir():
        raise ConfigError(str(out), "SWEEP_DIR", "holds no sweep (no runs/ folder)")
    matches = sorted(p for p in folder.glob(f"{key}*.json") if not p.name.startswith("."))
    if not matches:
        raise ConfigError(str(out), "KEY", f"no run {key!r} in {folder}")
    if len(matches) > 1:
        raise ConfigError(str(out), "KEY", f"{key!r} names {len(matches)} runs; give more of "
                          "the key")
    path = matches[0]
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        record = None
    problem = record_problem(record, path)
    if problem is not None:
        raise ConfigError(str(path), "KEY", f"the record is damaged ({problem})")
    if record["status"] != "ok":
        raise ConfigError(str(path), "KEY", f"the run has status {record['status']!r}")
    return record


def record_config(record: dict[str, Any], out: Path) -> Config:
    """The resolved config a run record holds (records of older sweeps hold none)."""
    if "config" not in record:
        raise ConfigError(str(out), "KEY", "the record holds no config (written by an older "
                          "wijksim): run the sweep again into a new folder")
    try:
        return Config.model_validate(record["config"])
    except ValueError as exc:
        raise ConfigError(str(out), "KEY", f"the record's config does not validate: "
                          f"{str(exc).splitlines()[0]}") from None


def record_problem(record: Any, path: Path) -> str | None:
    """What is wrong with the run record read from ``path`` (None when it is sound)."""
    if not isinstance(record, dict) or any(f not in record for f in RECORD_FIELDS):
        return "not a run record"
    if record["key"] != path.stem:
        return f"its key {record['key']!r} is not its file's name"
    if "config" in record and run_key(record["config"], record["seed"]) != record["key"]:
        return "its config and seed do not give its key"
    if record["status"] == "ok":
        for table in PER_RUN_TABLES:
            if not record.get(f"has_{table}"):
                continue
            table_path = path.with_name(f"{path.stem}.{table}.parquet")
            try:
                pq.read_metadata(table_path)
            except (OSError, ValueError, pa.ArrowException):
                return f"its {table} table is missing or truncated"
    return None


def _clean_temporaries(out: Path) -> None:
    """Remove half-written temporary files left by a killed sweep."""
    folder = runs_dir(out)
    if folder.is_dir():
        for path in folder.glob(".*"):
            path.unlink(missing_ok=True)


def versions() -> dict[str, str]:
    """Versions of Python, wijksim and the packages that shape or run a sweep."""
    return runner.versions(SWEEP_VERSIONED)


def manifest_path(out: Path) -> Path:
    """Where a sweep's manifest lives."""
    return Path(out) / "manifest.json"


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest in ``out``, or None."""
    path = manifest_path(out)
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def check_out(plan: Plan, out: Path, source: str | None = None) -> dict[str, Any] | None:
    """Refuse an output folder that holds another sweep; return its manifest if it is ours."""
    src = source or plan.sweep.source
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ConfigError(src, "--out", f"{out} exists and is not a folder")
    manifest = read_manifest(out)
    if manifest is None:
        if runs_dir(out).is_dir() and any(runs_dir(out).iterdir()):
            raise ConfigError(src, "--out", f"{out}/runs holds runs but no manifest.json; "
                              "use another --out folder")
        return None
    if manifest.get("identity") != plan.identity and not extends(manifest, plan):
        other = manifest.get("sweep", {}).get("file", "?")
        raise ConfigError(src, "--out", f"{out} holds a different sweep ({other}, "
                          f"{len(manifest.get('runs', []))} runs); the sweep file or its base "
                          "changed: use another --out folder or remove it")
    return manifest


def extends(manifest: dict[str, Any], plan: Plan) -> bool:
    """Whether ``plan`` is the manifest's sweep grown in place: more replicates or more points.

    The old design points come first in the new plan, unchanged (more replicates; or a Sobol
    design with a larger N, whose first points are the smaller design's), and every run of the
    old plan, key and all, is in the new one.
    """
    new = {(r.point, r.scenario, r.replicate, r.seed, r.key) for r in plan.runs}
    old = {tuple(run) for run in manifest.get("runs", [])}
    points = manifest.get("points") or []
    return plan.points[:len(points)] == points and bool(old) and old < new


def _manifest(plan: Plan, command: list[str] | None, previous: dict | None) -> dict[str, Any]:
    sweep = plan.sweep
    return {
        "format": FORMAT,
        "identity": plan.identity,
        "sweep": sweep.definition(),
        "sweep_text": sweep.path.read_text() if sweep.path.is_file() else None,
        "design": plan.design_label,
        "seeds": plan.seeds,
        "points": plan.points,
        "runs": [[r.point, r.scenario, r.replicate, r.seed, r.key] for r in plan.runs],
        "base_config": plan.base_config,
        "base_config_hash": _hash(plan.base_config)[:24],
        "versions": (previous or {}).get("versions") or versions(),
        "git": (previous or {}).get("git") or runner.git_commit(),
        "command": command or sys.argv,
        "created": (previous or {}).get("created")
        or datetime.now(UTC).isoformat(timespec="seconds"),
        "sessions": (previous or {}).get("sessions", []),
        "complete": False,
        "total": len(plan.runs),
        "finished": 0,
        "failed": 0,
    }


def _write_json(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=1, default=_json_default) + "\n"
    runner.atomic_write(path, lambda p: p.write_text(text))


# --------------------------------------------------------------------------- summary & load


def summary_table(plan: Plan, records: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """A row per run of the plan (finished or not): ids, parameters, status and KPIs."""
    rows = []
    for run in plan.runs:
        record = records.get(run.key, {})
        row: dict[str, Any] = {"point": run.point}
        if plan.sweep.scenarios:
            row["scenario"] = run.scenario
        row.update(run.params)
        row.update({
            "replicate": run.replicate,
            "seed": run.seed,
            "key": run.key,
            "status": record.get("status", "pending"),
            "error": record.get("error"),
        })
        kpis = record.get("kpis") or {}
        for column in plan.sweep.kpis or (*KPIS, *EXTRA):
            value = kpis.get(column)
            row[column] = float("nan") if value is None else value
        row["weeks"] = record.get("weeks")
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["weeks"] = frame["weeks"].astype("Int64")
    frame["error"] = frame["error"].astype("string")
    return frame


def load(out: str | Path, timeseries: bool = False, table: str | None = None) -> pd.DataFrame:
    """The tidy results of a sweep folder: a row per run (or per run and week).

    Reads ``DIR/summary.parquet`` when the sweep is complete; otherwise builds the same table
    from the manifest and the run records written so far (unfinished runs have status
    ``"pending"``). With ``timeseries=True``, a row per run and reported week (for sweeps with
    ``timeseries = true``), with the run's ids and parameters. ``table="by_wijk"`` gives a row
    per run, reported week and wijk, ``table="wijkplannen"`` a row per run, review and wijk (for
    sweeps with ``by_wijk = true``; runs without reviews have no plans).
    """
    out = Path(out)
    summary_file = out / "summary.parquet"
    if summary_file.is_file():
        summary = pd.read_parquet(summary_file)
    else:
        manifest = read_manifest(out)
        if manifest is None:
            raise FileNotFoundError(f"{out} holds no sweep (no manifest.json)")
        summary = _summary_from_manifest(manifest, read_records(out))
    table = "timeseries" if timeseries else table
    if table is None:
        return summary
    if table not in PER_RUN_TABLES:
        raise ValueError(f"table must be one of {', '.join(PER_RUN_TABLES)} (got {table!r})")
    ids = [c for c in summary.columns if c not in (*KPIS, *EXTRA, "weeks", "error")]
    frames = []
    for row in summary[summary["status"] == "ok"][ids].itertuples(index=False):
        path = runs_dir(out) / f"{row.key}.{table}.parquet"
        if not path.is_file():
            if table == "wijkplannen":
                continue  # no review wrote a plan
            flag = "timeseries" if table == "timeseries" else "by_wijk"
            raise FileNotFoundError(f"{path}: no {table} table (set {flag} = true in the "
                                    "sweep file; by_wijk needs several wijken)")
        ts = pd.read_parquet(path).drop(columns=["seed"])
        for name, value in reversed(list(zip(ids, row, strict=True))):
            ts.insert(0, name, [value] * len(ts) if isinstance(value, list) else value)
        frames.append(ts)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ids)


def _summary_from_manifest(manifest: dict[str, Any], records: dict[str, dict]) -> pd.DataFrame:
    sweep = manifest["sweep"]
    fake = Sweep(path=Path(sweep["file"]), base=Path(sweep["base"]),
                 scenarios=sweep.get("scenarios") or {}, kpis=sweep.get("kpis"))
    points = manifest["points"]
    runs = [Run(key, point, scenario, replicate, seed, points[point])
            for point, scenario, replicate, seed, key in manifest["runs"]]
    plan = Plan(fake, points, manifest["seeds"], runs, {}, manifest.get("base_config", {}))
    return summary_table(plan, records)


# --------------------------------------------------------------------------- execution


class Reporter:
    """Progress callbacks of a sweep (the CLI shows a rich progress bar)."""

    def start(self, total: int, todo: int, backend: str) -> None:
        """Called once before the first run."""

    def advance(self, record: dict[str, Any]) -> None:
        """Called after each run's record is written."""

    def stop(self) -> None:
        """Called at the end (also when interrupted)."""

    def warn(self, message: str) -> None:
        """A problem the sweep works around (a damaged record): on stderr, always."""
        print(f"warning: {message}", file=sys.stderr)


class RichReporter(Reporter):
    """A rich progress bar with counts, failures and ETA, on stderr."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.progress = None
        self.task = None
        self.failed = 0

    def start(self, total: int, todo: int, backend: str) -> None:
        """Show the bar."""
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("runs"), TextColumn("{task.fields[failed]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(stderr=True), disable=self.quiet, transient=True,
        )
        self.progress.start()
        self.task = self.progress.add_task(f"sweep ({backend})", total=todo, failed="")

    def advance(self, record: dict[str, Any]) -> None:
        """One run done."""
        if record.get("status") == "failed":
            self.failed += 1
        if self.progress is not None:
            self.progress.update(self.task, advance=1,
                                 failed=f"[red]{self.failed} failed[/]" if self.failed else "")

    def stop(self) -> None:
        """Remove the bar."""
        if self.progress is not None:
            self.progress.stop()


def run_local(tasks: list[dict], workers: int, run_fn: RunFn) -> Iterator[dict]:
    """Run tasks in a local process pool (in this process when ``workers`` is 1).

    Yields each record as its run finishes; a task whose worker failed (e.g. the process died)
    yields a "failed" record.
    """
    for i, future in map_unordered(run_fn, tasks, workers):
        try:
            yield future.result()
        except Exception as exc:  # noqa: BLE001 - e.g. a worker process died
            yield {**_ids(tasks[i]), **failed_fields(exc)}


def run_dask(tasks: list[dict], client: Any, run_fn: RunFn) -> Iterator[dict]:
    """Run tasks on a Dask cluster, yielding each record as it arrives (``as_completed``)."""
    from distributed import as_completed

    futures = {}
    for task in tasks:
        future = client.submit(run_fn, task, pure=False)
        futures[future.key] = (future, task)
    for future in as_completed([f for f, _ in futures.values()], loop=client.loop):
        task = futures[future.key][1]
        try:
            record = future.result()
        except Exception as exc:  # noqa: BLE001 - e.g. a lost worker or an unpicklable error
            record = {**_ids(task), **failed_fields(exc)}
        future.release()
        yield record


def _ids(task: dict) -> dict:
    return {k: task[k] for k in ("key", "point", "scenario", "replicate", "seed", "params")}


def connect(scheduler: str, source: str = "--scheduler", timeout: float = 10.0) -> Any:
    """A ``distributed.Client`` for a scheduler address, or a ConfigError if none answers."""
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError(source, scheduler, "dask.distributed is not installed (pip install "
                          "'wijksim[sweep]')") from None
    try:
        return Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError(source, scheduler,
                          f"cannot connect to the Dask scheduler: {exc}") from None


def run_sweep(
    sweep: Sweep | str | Path,
    out: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    quiet: bool = True,
    reporter: Reporter | None = None,
    run_fn: RunFn = execute_run,
    plan: Plan | None = None,
    command: list[str] | None = None,
    replicates: int | None = None,
    kpis: list[str] | None = None,
    csv: bool = False,
) -> SweepResult:
    """Run (or resume) a sweep into ``out``; return its summary.

    ``replicates`` replaces the file's (a finished sweep grows in place: its runs are kept and
    only the new replicates run); ``kpis`` the KPIs stored; ``csv`` adds ``summary.csv``.

    Everything is checked before anything is written: the sweep file, every run's config, and
    that ``out`` holds no other sweep. Runs whose record is in ``out/runs`` are skipped; failed
    runs are retried. ``scheduler`` (an address) or ``client`` (a ``distributed.Client``) runs
    on Dask, otherwise a local process pool of ``workers`` (default: number of cores).
    """
    t0 = time.perf_counter()
    if plan is None:
        sweep = sweep if isinstance(sweep, Sweep) else read_sweep(sweep)
        changes: dict[str, Any] = {}
        if replicates is not None:
            changes["replicates"] = replicates
        if kpis is not None:
            changes["kpis"] = check_kpis(sweep.source, "--kpis", kpis)
        plan = plan_sweep(copy_sweep(sweep, **changes) if changes else sweep)
    out = Path(out)
    previous = check_out(plan, out)
    own_client = None
    if client is None and scheduler:
        client = own_client = connect(scheduler)
    backend = f"dask {getattr(client.scheduler, 'address', scheduler)}" if client is not None \
        else f"local x{workers or default_workers()}"
    reporter = reporter or RichReporter(quiet)
    try:
        out.mkdir(parents=True, exist_ok=True)
        manifest = _manifest(plan, command, previous)
        _write_json(manifest_path(out), manifest)
        _clean_temporaries(out)
        problems: list[str] = []
        records = read_records(out, problems)
        for problem in problems:
            reporter.warn(problem)
        tasks = plan.tasks()
        done = {k for k, r in records.items() if r.get("status") == "ok"}
        todo = [t for t in tasks if t["key"] not in done]
        if todo:  # a summary from an earlier session would be stale until this one completes
            (out / "summary.parquet").unlink(missing_ok=True)
        session = {"started": datetime.now(UTC).isoformat(timespec="seconds"),
                   "backend": backend, "to_run": len(todo), "skipped": len(tasks) - len(todo)}
        reporter.start(len(tasks), len(todo), backend)
        ran = 0
        try:
            stream = run_dask(todo, client, run_fn) if client is not None else \
                run_local(todo, workers or default_workers(), run_fn)
            with sigterm_stops():  # scripts calling run_sweep too: SIGTERM leaves no worker
                for record in stream:
                    write_record(out, record)
                    records[record["key"]] = record
                    ran += 1
                    reporter.advance(record)
        except (KeyboardInterrupt, Terminated):
            done = sum(r.get("status") == "ok" for r in records.values())
            reporter.warn(f"interrupted: {done} of {len(tasks)} runs are done and kept in "
                          f"{out}; run the same command again to resume")
            raise
        finally:
            reporter.stop()
            session["ran"] = ran
            session["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
            session["elapsed_s"] = round(time.perf_counter() - t0, 3)
            manifest["sessions"].append(session)
            _finish_manifest(out, manifest, plan, records)
    finally:
        if own_client is not None:
            own_client.close()
    summary = summary_table(plan, records)
    complete = bool((summary["status"] != "pending").all())
    if complete:
        runner.write_table(summary, out / "summary.parquet", csv=csv)
    failed = int((summary["status"] == "failed").sum())
    return SweepResult(out, summary, len(plan.runs), ran, len(tasks) - len(todo), failed,
                       time.perf_counter() - t0, backend)


def _finish_manifest(out: Path, manifest: dict, plan: Plan, records: dict[str, dict]) -> None:
    statuses = [records.get(r.key, {}).get("status") for r in plan.runs]
    manifest["finished"] = sum(s in ("ok", "failed") for s in statuses)
    manifest["failed"] = sum(s == "failed" for s in statuses)
    manifest["complete"] = manifest["finished"] == len(plan.runs)
    manifest["failed_runs"] = sorted({r.key for r, s in zip(plan.runs, statuses, strict=True)
                                      if s == "failed"})
    _write_json(manifest_path(out), manifest)


# --------------------------------------------------------------------------- paired effects


def paired_effects(summary: pd.DataFrame, reference: str, kpis: Iterable[str] = KPIS,
                   by: list[str] | None = None, column: str = "scenario") -> pd.DataFrame:
    """Paired differences (each scenario minus ``reference``) per design point, with 95% CIs.

    Runs are paired by seed within each group of ``by`` columns (default: the design point).
    """
    from wijksim.analysis.runner import paired_differences

    by = by or ["point"]
    ok = summary[summary["status"] == "ok"]
    rows = []
    for group, frame in ok.groupby(by, sort=True):
        group = group if isinstance(group, tuple) else (group,)
        ref = frame[frame[column] == reference]
        for name in frame[column].unique():
            if name == reference:
                continue
            diff = paired_differences(ref, frame[frame[column] == name], tuple(kpis))
            diff.insert(0, column, name)
            for col, value in zip(reversed(by), reversed(group), strict=True):
                diff.insert(0, col, value)
            rows.append(diff)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


# --------------------------------------------------------------------------- Slurm


def slurm_job_script(scheduler: str | None = None, **kwargs: Any) -> str:
    """A Slurm job script (dask-jobqueue) that starts Dask workers able to run wijksim.

    With ``scheduler`` (``tcp://HOST:PORT`` of a scheduler you started, e.g. on the login node),
    the script's workers connect to it: submit it with ``sbatch`` (or ``sbatch --array=1-N``)
    and run ``wijksim sweep ... --scheduler ADDRESS``. Without it, a :func:`slurm_cluster` is
    built and its ``job_script()`` returned. ``kwargs`` go to dask-jobqueue (``queue``,
    ``account``, ``walltime``, ``cores``, ``processes``, ``memory``, ``job_extra_directives``...).
    """
    options = _slurm_defaults(kwargs)
    if scheduler is None:
        cluster = slurm_cluster(**kwargs)
        try:
            return cluster.job_script()
        finally:
            cluster.close()
    from dask_jobqueue.slurm import SLURMJob

    return SLURMJob(scheduler=scheduler, name=SLURM_WORKER_NAME, **options).job_script()


def slurm_cluster(**kwargs: Any) -> Any:
    """A dask-jobqueue ``SLURMCluster`` for wijksim sweeps (one worker process per core).

    Defaults: ``cores=1, processes=1, memory="2GB", walltime="02:00:00"``, the job name
    ``wijksim`` and this Python as the workers' interpreter (the same venv must be visible on
    the compute nodes). Pass ``scheduler_options={"interface": "ib0"}`` or similar so that
    compute nodes reach the scheduler. Then ``cluster.scale(jobs=N)`` and
    ``run_sweep(SWEEP, OUT, client=cluster.get_client())``.
    """
    from dask_jobqueue import SLURMCluster

    return SLURMCluster(**_slurm_defaults(kwargs))


def _slurm_defaults(kwargs: dict[str, Any]) -> dict[str, Any]:
    options = {"cores": 1, "processes": 1, "memory": "2GB", "walltime": "02:00:00",
               "job_name": "wijksim", "python": sys.executable}
    options.update(kwargs)
    return options


def copy_sweep(sweep: Sweep, **changes: Any) -> Sweep:
    """A copy of a sweep with some fields changed (scripts use it to scale a study down)."""
    new = copy.deepcopy(sweep)
    for name, value in changes.items():
        if not hasattr(new, name):
            raise AttributeError(name)
        setattr(new, name, value)
    return new


def report(result: SweepResult, console: Any, quiet: bool = False) -> None:
    """Print what a sweep did: runs done, skipped and failed, and where the results are."""
    ok = int((result.summary["status"] == "ok").sum())
    pending = int((result.summary["status"] == "pending").sum())
    rate = result.ran / result.elapsed_s if result.elapsed_s > 0 else float("nan")
    if not quiet:
        console.print(f"sweep: {result.total} runs ({ok} ok, {result.failed} failed"
                      f"{f', {pending} pending' if pending else ''}); {result.ran} run now "
                      f"({rate:.2f} runs/s on {result.backend}), {result.skipped} already done")
    if result.failed:
        console.print(f"[red]{result.failed} run(s) failed[/]: their records in "
                      f"{runs_dir(result.out)}/ have status \"failed\" with the error; run the "
                      "same command again to retry them")
    if not quiet and not pending:
        console.print(f"results in [bold]{result.out}[/]: summary.parquet, manifest.json, runs/")
