"""Submodel 9, the policy cycle: the gemeente hears the wijk and moves staff (Almere, Almelo).

After observation, each week's workload of every wijkteam (hours asked over hours available) is
kept for as long as reports take to reach the policy table. Every ``policy.cycle_weeks`` weeks
of the reported run, when ``policy.reallocate`` is on, the gemeente reviews the wijken as the
figures reach it: ``report_lag_*_weeks`` old and off by a factor ``exp(N(0, report_noise_*))``
per wijk, both by ``policy.practice_link`` (separate policy and practice teams, or merged as in
Almere). It then writes each wijk's plan for the cycle (its wijkplan): the municipal FTE, a fixed
total, is shared out in proportion to the reported demand (reported workload x the wijk's FTE),
and each wijk moves ``policy.reallocation_step`` of the way from its FTE to that target. The
workforce submodel does the rest: new positions are vacancies that are filled after the hiring
lag and start slower; closed positions are the vacant ones first, and their cases wait for
another worker (nobody is fired overnight). With ``reallocate`` off the submodel draws nothing
and changes nothing, so results are those of a model without it.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from wijksim.model import WijkModel


class Reports:
    """The weekly workload of each wijkteam, as far back as reports can lag."""

    def __init__(self, weeks: int) -> None:
        self.workload: deque[np.ndarray] = deque(maxlen=weeks + 1)

    def add(self, asked: np.ndarray, available: np.ndarray) -> None:
        """Add this week's hours asked and available per wijk."""
        self.workload.append(np.divide(asked, available, out=np.ones_like(asked, dtype=float),
                                       where=available > 0))

    def lagged(self, lag: int) -> np.ndarray:
        """The workload per wijk ``lag`` weeks ago (the oldest kept when the run is younger)."""
        return self.workload[max(len(self.workload) - 1 - lag, 0)]


def lag_and_noise(model: WijkModel) -> tuple[int, float]:
    """The reporting lag (weeks) and noise (sd of the log) of the gemeente's practice link."""
    pol = model.cfg.policy
    if pol.practice_link == "merged":
        return pol.report_lag_merged_weeks, pol.report_noise_merged
    return pol.report_lag_separate_weeks, pol.report_noise_separate


def step(model: WijkModel) -> None:
    """Keep this week's reports; at a review, write the wijkplannen and move FTE."""
    t, pol = model.record, model.cfg.policy
    model.reports.add(t.hours_asked, t.hours_available)
    week = model.reported_week
    if not pol.reallocate or week < 1 or week % pol.cycle_weeks != 0 or model.n_wijken < 2:
        return
    lag, noise = lag_and_noise(model)
    seen = model.reports.lagged(lag) * np.exp(model.streams.policy.normal(0.0, noise,
                                                                          model.n_wijken))
    fte = model.fte_per_wijk
    target = wijk_targets(fte, seen)
    new = fte + pol.reallocation_step * (target - fte)
    moved = int((np.abs(new - fte) > 1e-9).sum())
    if moved:
        model.resize_team(new)
        t.reallocations[:] += np.abs(new - fte) > 1e-9  # the week's parts hold this array
        model.kpis["reallocations"] = float(t.reallocations.sum())  # taken after observation
    model.wijkplannen.append({"week": week, "fte": new.copy(), "reported_workload": seen})


def wijk_targets(fte: np.ndarray, workload: np.ndarray) -> np.ndarray:
    """The municipal FTE shared out by reported demand (workload x FTE); the total is kept."""
    demand = np.maximum(workload, 0.0) * fte
    if demand.sum() <= 0:
        return fte.copy()
    return fte.sum() * demand / demand.sum()
