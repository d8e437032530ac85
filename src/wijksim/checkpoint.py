"""The spin-up to the steady state, stored as a checkpoint that runs, sweeps and the app reuse.

A run starts from the baseline's stationary state: after set-up the model runs
``run.spinup_years`` years at the levers of its warm-up (the baseline's), unreported, so that
slow stocks settle (the ages of the elderly and their chronic care needs take decades). The
state at the end - every household, position and partner array, the random streams and the
counts over the last year - is saved under a key made of the config in force during the
spin-up, the seed, the spin-up length and the model's code. The next run with that key loads it
instead of spinning up again, and continues exactly as if it had spun up itself (a test checks
that both give identical results).

Checkpoints live in ``$WIJKSIM_CACHE`` (default ``~/.cache/wijksim``, or
``$XDG_CACHE_HOME/wijksim``), in ``spinup/``; each is written to a temporary name first and
then renamed, so a killed run leaves no half-written checkpoint, and two processes that spin up
the same key at once both write the same file. The folder keeps the :data:`MAX_CHECKPOINTS`
most recently used checkpoints (a calibration or a sensitivity analysis spins up a new config
at every point); older ones are removed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from wijksim.files import atomic_write

if TYPE_CHECKING:
    from wijksim.model import WijkModel

#: Checkpoints kept in the folder; the least recently used go first.
MAX_CHECKPOINTS = 256

#: Source folders and files whose code shapes results (the analysis tools and the app do not).
MODEL_SOURCES = ("model.py", "state.py", "codes.py", "config.py", "compiled.py", "streams.py",
                 "build", "submodels")


def cache_dir() -> Path:
    """The folder of checkpoints: ``$WIJKSIM_CACHE``, else the user's cache folder."""
    env = os.environ.get("WIJKSIM_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "wijksim"


@cache
def code_version() -> str:
    """A hash of the model's source code (a change of any rule makes old checkpoints unused)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in MODEL_SOURCES:
        path = root / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def key(model: WijkModel, weeks: int) -> str:
    """The checkpoint key: the config in force during the spin-up, the seed, weeks and code."""
    data = model.cfg.to_toml_dict()
    data.pop("run", None)  # seed, horizon and warm-up do not change the spin-up itself
    blob = json.dumps({"config": data, "seed": model.seed, "weeks": weeks,
                       "code": code_version()}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def path_for(model: WijkModel, weeks: int) -> Path:
    """Where the checkpoint of this model's spin-up lives."""
    return cache_dir() / "spinup" / f"{key(model, weeks)}.npz"


def spin_up(model: WijkModel, weeks: int,
            progress: Callable[[int, int], None] | None = None) -> bool:
    """Bring ``model`` to the end of its spin-up: load the checkpoint, or run and save it.

    Returns whether a checkpoint was loaded. ``progress(week, weeks)`` is told every 52 weeks
    of a spin-up that runs.
    """
    path = path_for(model, weeks)
    if path.exists():
        try:
            load(model, path)
            os.utime(path)  # recently used
            return True
        except (OSError, ValueError, KeyError):  # unreadable: spin up again and replace it
            pass
    while model.week < weeks:
        model.spin_week()
        if progress is not None and (model.week % 52 == 0 or model.week == weeks):
            progress(model.week, weeks)
    save(model, path)
    prune(path.parent)
    return False


def prune(folder: Path, keep: int | None = None) -> None:
    """Remove all but the ``keep`` (default :data:`MAX_CHECKPOINTS`) most recently used."""
    keep = MAX_CHECKPOINTS if keep is None else keep
    dated = []
    for path in folder.glob("[!.]*.npz"):  # not the temporary files of a write in progress
        try:
            dated.append((path.stat().st_mtime, path))
        except FileNotFoundError:  # removed meanwhile by another process
            continue
    for _, old in sorted(dated, reverse=True)[keep:]:
        old.unlink(missing_ok=True)


def state_of(model: WijkModel) -> dict[str, Any]:
    """Everything a run needs to continue: arrays, streams, counts over the year, scalars."""
    out: dict[str, Any] = {}
    for prefix, obj in (("hh", model.hh), ("team", model.team), ("partners", model.partners)):
        for f in fields(obj):
            out[f"{prefix}.{f.name}"] = np.ascontiguousarray(getattr(obj, f.name))
    streams = {name: gen.bit_generator.state for name, gen in model.streams.items()}
    out["streams"] = np.array(json.dumps(streams))
    out.update(model.ledger.state())
    out["scalars"] = np.array([model.week, model.next_worker_uid], dtype=np.int64)
    return out


def save(model: WijkModel, path: Path) -> None:
    """Write the model's state to ``path`` (through a temporary name)."""
    state = state_of(model)

    def write(tmp: Path) -> None:
        with tmp.open("wb") as f:
            np.savez(f, **state)

    atomic_write(path, write)


def load(model: WijkModel, path: Path) -> None:
    """Put the state saved in ``path`` into ``model`` (its arrays are filled in place)."""
    with np.load(path) as data:
        saved = {name: data[name] for name in data.files}
    for prefix, obj in (("hh", model.hh), ("team", model.team), ("partners", model.partners)):
        for f in fields(obj):
            target = getattr(obj, f.name)
            value = saved[f"{prefix}.{f.name}"]
            if target.shape != value.shape:
                raise ValueError(f"{prefix}.{f.name}: shape {value.shape}, not {target.shape}")
            target[...] = value
    for name, state in json.loads(str(saved["streams"])).items():
        model.streams[name].bit_generator.state = state
    model.ledger.restore(saved)
    model.week, model.next_worker_uid = (int(v) for v in saved["scalars"])
    model.reach = None  # informal support sums the ties' reach again (the same sums)
