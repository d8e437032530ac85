"""Helpers for the sweep tests, importable by worker processes (tests/ is on sys.path)."""

from __future__ import annotations

from wijksim.analysis.sweeps import execute_run


def fail_on_integrated(task: dict) -> dict:
    """Run a task, except that integrated teams raise inside the worker."""
    if task["params"].get("team.structure") == "integrated":
        raise RuntimeError(f"injected failure at seed {task['seed']}")
    return execute_run(task)
