"""Local parallel runs: the one process pool of sweeps, calibration and validation.

Worker processes start by ``forkserver`` where the platform has it (else ``spawn``), never by a
plain ``fork`` of a process that may hold threads (a Dask client, a progress bar, numba's
threading layer). The forkserver imports :data:`PRELOAD` once, so each worker forks with the
model already imported. The start method is chosen once per process (:func:`mp_context`).

:func:`map_unordered` runs a function over tasks and yields each finished one at once (so a
sweep writes every run as it finishes), in this process when one worker is asked for.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from multiprocessing.context import BaseContext
from types import FrameType


class Terminated(BaseException):  # noqa: N818 - a signal, like KeyboardInterrupt
    """SIGTERM arrived (a timeout, ``kill``, Slurm's preemption): stop as on Ctrl-C."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def sigterm_stops() -> Iterator[None]:
    """Within the block SIGTERM raises :class:`Terminated`, so ``finally`` blocks run.

    The pools then stop their workers and the sweep keeps every finished run. Outside the main
    thread (a signal handler cannot be set there) it does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)

#: Modules the forkserver imports once (the model and pandas, through the runner).
PRELOAD: tuple[str, ...] = ("wijksim.analysis.runner",)


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@functools.cache
def mp_context() -> BaseContext:
    """The multiprocessing context of every pool: forkserver (preloading the model) or spawn."""
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(list(PRELOAD))
    return context


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes (at least one) started by :func:`mp_context`."""
    return ProcessPoolExecutor(max_workers=max(1, int(workers)), mp_context=mp_context())


def map_unordered[T, R](
    fn: Callable[[T], R], tasks: Sequence[T], workers: int = 1,
    pool: ProcessPoolExecutor | None = None,
) -> Iterator[tuple[int, Future[R]]]:
    """Run ``fn`` on every task; yield ``(index, future)`` as each task finishes.

    The future is done: ``future.result()`` gives the result or raises the task's error, so
    each caller decides what a failure means. Tasks run on ``pool`` when given (it is left
    running), else on a new pool of at most ``workers`` processes (shut down at the end), else
    - one worker, or a single task - here, one after the other. If the caller stops early,
    the tasks not yet started are cancelled.
    """
    if pool is None and (workers <= 1 or len(tasks) <= 1):
        yield from _in_process(fn, tasks)
        return
    own = pool is None
    executor = pool if pool is not None else process_pool(min(workers, len(tasks)))
    futures: dict[Future[R], int] = {}
    try:
        futures = {executor.submit(fn, task): i for i, task in enumerate(tasks)}
        for future in as_completed(futures):
            yield futures[future], future
    except (KeyboardInterrupt, Terminated):
        stop_workers(executor)  # do not wait for the runs in progress
        raise
    finally:
        for future in futures:
            future.cancel()
        if own:
            executor.shutdown(wait=True, cancel_futures=True)


def stop_workers(executor: ProcessPoolExecutor) -> None:
    """Terminate a pool's worker processes now (on Ctrl-C or SIGTERM), leaving none behind."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


def _in_process[T, R](
    fn: Callable[[T], R], tasks: Sequence[T]
) -> Iterator[tuple[int, Future[R]]]:
    """Run each task here when it is asked for, as a finished future."""
    for i, task in enumerate(tasks):
        future: Future[R] = Future()
        try:
            future.set_result(fn(task))
        except Exception as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        yield i, future
