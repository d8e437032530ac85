"""Compiled loops: how the weekly submodels visit households without per-household Python.

Each submodel keeps its rules in its own module; the part that visits households is a function
decorated with :func:`kernel`, which numba compiles to machine code on first use (and caches on
disk, so later runs start at once). Random numbers always come from the model's seeded numpy
streams: either drawn in numpy before the loop and read by it, or drawn inside the loop from
the stream itself (numba runs numpy's own generator, so the numbers are the same as numpy's).

Two conventions keep compiled and plain-Python runs identical (``NUMBA_DISABLE_JIT=1`` runs the
very same functions as Python; ``tests/test_fast_paths.py`` compares both):

* float32 state (``strain``, ``met_share``, ``effect``) is computed in float32: every literal
  that meets a float32 value is written as ``F32(...)``;
* scalar parameters enter kernels as numpy scalars of a fixed type (``np.float64(x)``), never as
  bare Python floats.

Kernels with many inputs take them as named tuples of arrays and scalars (``Cases``,
``CaseRules``, ...) or by keyword, and unpack them into local variables at their start.

This module also holds the few loops several submodels share: selecting households by the
bytes of their need or support rows, and by their support status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
import numpy as np

F32 = np.float32


def kernel(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Compile ``fn`` with numba (no Python objects; cached on disk; numpy's error model)."""
    return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)


def inline(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A :func:`kernel` for one step of a loop (a rule for one household, say).

    Called from a kernel, its body is compiled into the caller (numba's IR inlining), so a
    rule can live in a function of its own at no cost. Pass it arrays, not the named tuples
    a kernel receives: a kernel unpacks those once at its start, because reading an array from
    a named tuple inside a loop takes a reference to it at every access (measured: up to ten
    times slower). Called from Python it is an ordinary kernel.
    """
    return numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")(fn)


@kernel
def nonzero_rows(words: np.ndarray) -> np.ndarray:
    """Indices of the non-zero entries of a 1-d array (ascending)."""
    out = np.empty(words.size, np.int64)
    k = 0
    for i in range(words.size):  # branch-free: households with needs are scattered
        out[k] = i
        k += words[i] != 0
    return out[:k].copy()


@kernel
def rows_in_status(status: np.ndarray, first: int, second: int) -> np.ndarray:
    """Rows whose status is ``first`` or ``second`` (pass the same code twice for one)."""
    out = np.empty(status.size, np.int64)
    k = 0
    for i in range(status.size):
        s = status[i]
        out[k] = i
        k += (s == first) | (s == second)
    return out[:k].copy()


@kernel
def status_by_wijk(status: np.ndarray, wijk: np.ndarray, n_wijken: int, n_status: int):
    """Number of households per wijk (rows) and status (columns)."""
    out = np.zeros((n_wijken, n_status), np.int64)
    for i in range(status.size):
        out[wijk[i], status[i]] += 1
    return out


def warm_up() -> None:
    """Compile (or load from the disk cache) every kernel a run uses, with two tiny runs."""
    from wijksim.model import WijkModel

    tiny = dict(households=300, wijken=2, weeks=6, warmup_weeks=2, spinup_years=0)
    WijkModel(rng=1, **tiny).run()
    WijkModel(rng=1, team_structure="integrated", partners=["school", "gp"],
              outreach_share=0.1, network_first=0.5, **tiny).run()


def status_rows(status: np.ndarray, *codes: int) -> np.ndarray:
    """Rows of households with one of (at most two) status ``codes``, ascending."""
    first, second = codes[0], codes[-1]
    return rows_in_status(status, np.int8(first), np.int8(second))


if __name__ == "__main__":  # python -m wijksim.compiled: compile ahead of the first run
    warm_up()
