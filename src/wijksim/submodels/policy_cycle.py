"""Submodel 9, the policy cycle: the gemeente hears the wijk and writes wijkplannen.

After observation, what each wijkteam reports is kept for as long as reports take to reach the
policy table: its first contacts (aanmeldingen) and workload every week and, while
``policy.reallocate`` is on, the demand for the sociale basis (needs at a stage the basis
serves, by domain) and the signals each partner has passed. Every ``policy.cycle_weeks`` weeks
of the reported run, with ``reallocate`` on, the gemeente reviews the wijken as the figures
reach it: ``report_lag_*_weeks`` old and each figure off by a factor ``exp(N(0,
report_noise_*))``, both by ``policy.practice_link`` (separate policy and practice teams, or
merged as in Almere). It then writes each wijk's plan for the cycle (its wijkplan), by three
rules, each moving ``policy.reallocation_step`` of the way from what is to its target:

* **FTE** - the municipal FTE, a fixed total, is shared out in proportion to the first
  contacts (aanmeldingen: households that came to the team) each team reports over the last
  cycle (a formation that follows the demand at the team's door). The workforce submodel does the
  rest: new positions are vacancies filled after the hiring lag and start slower; closed
  positions are the vacant ones first, and their cases wait for another worker (nobody is
  fired overnight).
* **Sociale-basis budget** - the municipal budget (euro per year), a fixed total, is shared out
  in proportion to each wijk's reported demand for the basis. Within a wijk the plan names the
  domains it aims the basis at (their shares of that demand: growing domains get more); the
  places themselves are one pool open to every domain, so they follow the domains' demand as
  it comes (see ODD 7.13).
* **Outreach priorities** - within a wijk, the outreach hours that go to engaged partners are
  split by priority (mean 1); a partner's target priority is the growth of its reported signals
  (this cycle's over the previous cycle's) relative to the wijk's other engaged partners.

With ``reallocate`` off the submodel draws nothing and changes nothing, so results are those of
a model without it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from wijksim.codes import BASIS, DOMAINS, NO_SUPPORT, PARTNER_KINDS

if TYPE_CHECKING:
    from wijksim.model import WijkModel

#: Weeks of reports kept: the longest lag and two of the longest cycles (signal growth).
KEPT_WEEKS = 104 + 2 * 520 + 1


@dataclass
class Report:
    """What the wijkteams report in one week."""

    workload: np.ndarray  # float64 per wijk: hours asked / hours available
    first_contacts: np.ndarray  # int64 per wijk: households that came into contact (aanmeldingen)
    basis_demand: np.ndarray | None = None  # int64 (wijken, domains), with reallocate on
    signals_sent: np.ndarray | None = None  # int64 per partner, so far (with reallocate on)


class Reports:
    """The weekly reports of each wijkteam, as far back as reviews look."""

    def __init__(self, weeks: int = KEPT_WEEKS) -> None:
        self.weeks: deque[Report] = deque(maxlen=weeks)

    def add(self, report: Report) -> None:
        """Keep this week's report."""
        self.weeks.append(report)

    def lagged(self, lag: int) -> Report:
        """The report of ``lag`` weeks ago (the oldest kept when the run is younger)."""
        return self.weeks[max(len(self.weeks) - 1 - lag, 0)]

    def first_contacts(self, lag: int, weeks: int) -> np.ndarray:
        """First contacts per wijk in the ``weeks`` weeks that end ``lag`` weeks ago."""
        back = range(lag, min(lag + weeks, len(self.weeks)))
        return np.sum([self.lagged(k).first_contacts for k in back], axis=0)

    def full(self, lag: int) -> Report:
        """The report of ``lag`` weeks ago, or the first after it that has every figure."""
        for back in range(lag, -1, -1):
            report = self.lagged(back)
            if report.basis_demand is not None:
                return report
        return self.lagged(0)


def workload(asked: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Hours asked over hours available per wijk (1 where none are available)."""
    return np.divide(asked, available, out=np.ones_like(asked, dtype=float), where=available > 0)


def basis_demand(model: WijkModel) -> np.ndarray:
    """Needs the sociale basis serves, per wijk and domain.

    Needs at stage 1 .. ``policy.basis_max_stage`` with no support or in the basis.
    """
    hh = model.hh
    rows = hh.rows_with_need()
    need, support = hh.need[rows], hh.support[rows]
    served = ((need >= 1) & (need <= model.cfg.policy.basis_max_stage)
              & ((support == NO_SUPPORT) | (support == BASIS)))
    out = np.zeros((model.n_wijken, len(DOMAINS)), np.int64)
    np.add.at(out, hh.wijk[rows].astype(np.int64), served.astype(np.int64))
    return out


def lag_and_noise(model: WijkModel) -> tuple[int, float]:
    """The reporting lag (weeks) and noise (sd of the log) of the gemeente's practice link."""
    pol = model.cfg.policy
    if pol.practice_link == "merged":
        return pol.report_lag_merged_weeks, pol.report_noise_merged
    return pol.report_lag_separate_weeks, pol.report_noise_separate


def step(model: WijkModel) -> None:
    """Keep this week's reports; at a review, write the wijkplannen and move resources."""
    t, pol = model.record, model.cfg.policy
    if model.week < model.start_week:  # the spin-up reports nothing (a checkpoint holds none)
        return
    report = Report(workload(t.hours_asked, t.hours_available),
                    t.first_contacts.copy())
    if pol.reallocate and model.n_wijken > 1:
        report.basis_demand = basis_demand(model)
        report.signals_sent = model.partners.signals_sent.copy()
    model.reports.add(report)
    week = model.output_week
    if not pol.reallocate or week < 1 or week % pol.cycle_weeks != 0 or model.n_wijken < 2:
        return
    review(model, week)


def review(model: WijkModel, week: int) -> None:
    """Read the reports as they reach the table, write the wijkplannen and carry them out."""
    pol, t = model.cfg.policy, model.record
    lag, noise = lag_and_noise(model)
    draw = model.streams.policy.normal
    lagged = model.reports.lagged(lag)
    seen = (model.reports.first_contacts(lag, pol.cycle_weeks)
            * np.exp(draw(0.0, noise, model.n_wijken)))
    full = model.reports.full(lag)
    demand = full.basis_demand * np.exp(draw(0.0, noise, model.n_wijken))[:, None]
    growth = signal_growth(model.reports, lag, pol.cycle_weeks)
    growth = growth * np.exp(draw(0.0, noise, growth.size))

    step_ = pol.reallocation_step
    fte = model.fte_per_wijk
    new_fte = fte + step_ * (share_out(fte.sum(), seen) - fte)
    euros = model.basis_budget * model.inhabitants_per_wijk / 1000.0
    new_euros = euros + step_ * (share_out(euros.sum(), demand.sum(axis=1)) - euros)
    new_budget = new_euros * 1000.0 / np.maximum(model.inhabitants_per_wijk, 1e-9)
    engaged = model.partners.engaged
    priority = model.outreach_priority
    target = priority_targets(growth, model.partners.wijk, engaged, model.n_wijken)
    new_priority = np.where(engaged, priority + step_ * (target - priority), priority)

    moved = (np.abs(new_fte - fte) > 1e-9) | (np.abs(new_budget - model.basis_budget) > 1e-6)
    if (np.abs(new_fte - fte) > 1e-9).any():
        model.resize_team(new_fte)
    model.basis_budget = new_budget
    model.outreach_priority = new_priority
    t.reallocations[:] += moved  # the week's parts hold this array
    model.kpis["reallocations"] = float(t.reallocations.sum())  # taken after observation
    model.wijkplannen.append({
        "week": week, "fte": new_fte.copy(), "sociale_basis_budget": new_budget.copy(),
        "reported_first_contacts": seen, "reported_workload": lagged.workload,
        "reported_basis_demand": demand.sum(axis=1),
        "basis_priority": domain_shares(demand), "outreach_priority": new_priority.copy(),
    })


def share_out(total: float, demand: np.ndarray) -> np.ndarray:
    """``total`` shared out in proportion to ``demand`` (evenly when there is none)."""
    demand = np.maximum(demand, 0.0)
    if demand.sum() <= 0:
        return np.full(demand.size, total / demand.size)
    return total * demand / demand.sum()


def domain_shares(demand: np.ndarray) -> np.ndarray:
    """Each domain's share of a wijk's reported demand for the basis (even when none)."""
    total = demand.sum(axis=1, keepdims=True)
    even = np.full_like(demand, 1.0 / demand.shape[1], dtype=np.float64)
    return np.divide(demand, total, out=even, where=total > 0)


def signal_growth(reports: Reports, lag: int, cycle: int) -> np.ndarray:
    """Each partner's signals in the last reported cycle over the cycle before (+1 each)."""
    now, one, two = (reports.full(lag + k * cycle).signals_sent for k in range(3))
    return (now - one + 1.0) / (np.maximum(one - two, 0) + 1.0)


def priority_targets(growth: np.ndarray, wijk: np.ndarray, engaged: np.ndarray,
                     n_wijken: int) -> np.ndarray:
    """Outreach priorities by signal growth, relative to the wijk's engaged partners (mean 1)."""
    weight = np.where(engaged, growth, 0.0)
    total = np.bincount(wijk, weights=weight, minlength=n_wijken)
    count = np.bincount(wijk, weights=engaged, minlength=n_wijken)
    mean = np.divide(total, count, out=np.ones(n_wijken), where=count > 0)[wijk]
    return np.where(engaged & (mean > 0), growth / np.where(mean > 0, mean, 1.0), 1.0)


def plans_frame(model: WijkModel, seed: int) -> pd.DataFrame | None:
    """The wijkplannen written so far: a row per review and wijk (None without any)."""
    if not model.wijkplannen:
        return None
    names = model.cfg.wijk_names()
    per_1000 = 1000.0 / np.maximum(model.inhabitants_per_wijk, 1e-9)
    kinds = model.partners.kind.reshape(model.n_wijken, -1)[0]
    rows = []
    for plan in model.wijkplannen:
        priority = plan["outreach_priority"].reshape(model.n_wijken, -1)
        for w, name in enumerate(names):
            row = {"seed": seed, "week": int(plan["week"]), "wijk": name,
                   "fte": float(plan["fte"][w]),
                   "fte_per_1000": float(plan["fte"][w] * per_1000[w]),
                   "sociale_basis_budget": float(plan["sociale_basis_budget"][w]),
                   "reported_first_contacts_per_1000": float(
                       plan["reported_first_contacts"][w] * per_1000[w]),
                   "reported_workload": float(plan["reported_workload"][w]),
                   "reported_basis_demand_per_1000": float(
                       plan["reported_basis_demand"][w] * per_1000[w])}
            row.update({f"basis_priority_{d}": float(plan["basis_priority"][w, i])
                        for i, d in enumerate(DOMAINS)})
            row.update({f"outreach_priority_{PARTNER_KINDS[k]}": float(priority[w, j])
                        for j, k in enumerate(kinds)})
            rows.append(row)
    return pd.DataFrame(rows)
