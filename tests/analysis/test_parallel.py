"""The one process pool of the analysis tools (wijksim.analysis.parallel)."""

from __future__ import annotations

import multiprocessing

import pytest

from wijksim.analysis import parallel


def test_one_start_method_for_every_pool():
    context = parallel.mp_context()
    assert context is parallel.mp_context()
    methods = multiprocessing.get_all_start_methods()
    assert context.get_start_method() == ("forkserver" if "forkserver" in methods else "spawn")
    with parallel.process_pool(0) as pool:  # at least one worker
        assert pool._mp_context is context
        assert pool._max_workers == 1


def test_one_worker_runs_here_in_order_and_hands_errors_over():
    seen = []

    def task(x: int) -> int:
        seen.append(x)
        if x == 2:
            raise ValueError("two")
        return x * 10

    stream = parallel.map_unordered(task, [1, 2, 3], workers=1)
    i, future = next(stream)
    assert (i, future.result(), seen) == (0, 10, [1])  # each task runs when asked for
    i, future = next(stream)
    assert i == 1 and isinstance(future.exception(), ValueError)
    assert [(i, f.result()) for i, f in stream] == [(2, 30)]


def test_a_pool_runs_every_task_once():
    tasks = [(i, i) for i in range(6)]
    done = {i: f.result() for i, f in parallel.map_unordered(_square, tasks, workers=2)}
    assert done == {i: i * i for i in range(6)}


def test_a_given_pool_is_kept_and_errors_come_back_per_task():
    with parallel.process_pool(2) as pool:
        results = dict(parallel.map_unordered(_fails_on_three, [1, 3, 5], pool=pool))
        assert results[0].result() == 1 and results[2].result() == 5
        with pytest.raises(ValueError, match="three"):
            results[1].result()
        # the pool still works for the next batch
        assert [f.result() for _i, f in parallel.map_unordered(_square, [(2, 2)], pool=pool)] \
            == [4]


def _square(task: tuple[int, int]) -> int:
    return task[0] * task[1]


def _fails_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x
