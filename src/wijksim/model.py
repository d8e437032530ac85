"""The wijksim model: a municipality's households, wijkteams and partners, week by week.

``WijkModel.step`` is the weekly schedule of DESIGN.md; each line is one ODD submodel, in a
module of the same name. Household state lives in arrays (:mod:`wijksim.state`); every submodel
updates all households in compiled loops (:mod:`wijksim.compiled`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from wijksim.agents import Partner, Resident, Worker
from wijksim.build import partners as partners_mod
from wijksim.build import team as team_mod
from wijksim.build.population import draw_households, initial_needs
from wijksim.build.social_network import build_network
from wijksim.codes import (
    IN_SUPPORT,
    LIGHT,
    MAATWERK,
    MODERATE,
    N_DOMAINS,
    NETWORK,
    SIGNALLED,
    UNKNOWN,
    WAITING,
    WLZ,
)
from wijksim.config import Config, baseline_levers, load_config, with_flat
from wijksim.kpis import COLUMNS
from wijksim.streams import Streams
from wijksim.submodels import (
    casework,
    escalation,
    informal_support,
    intake,
    life_events,
    observation,
    signals,
    workforce,
)


def _seed_from(value: Any) -> int:
    """An integer seed from what Mesa, batch_run or a text box may hand us."""
    if isinstance(value, str):
        value = value.strip()
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"seed must be a whole number, got {value!r}") from None


class WijkModel(mesa.Model):
    """Households with needs and networks, wijkteam workers, partners; one step is one week.

    Build it from a config (a :class:`~wijksim.config.Config`, a TOML path, or nothing for the
    baseline) and flat keyword overrides, e.g. ``WijkModel(rng=1, outreach_share=0.2)`` - the
    form ``mesa.batch_run`` uses. The seed is ``rng`` (or ``seed``), else ``[run] seed``.
    """

    def __init__(
        self,
        config: Config | str | Path | None = None,
        *,
        rng: Any = None,
        seed: Any = None,
        **params: Any,
    ) -> None:
        cfg = config if isinstance(config, Config) else load_config(config)
        cfg = with_flat(cfg, **params)
        chosen = rng if rng is not None else seed
        seed_int = _seed_from(chosen if chosen is not None else cfg.run.seed)
        cfg.run.seed = seed_int
        super().__init__(rng=seed_int)
        self.scenario_config = cfg
        self.warmup_weeks = cfg.run.warmup_weeks
        self.weeks = cfg.run.weeks
        switch = self.warmup_weeks > 0 and cfg.run.warmup_levers == "baseline"
        self.cfg = baseline_levers(cfg) if switch else cfg
        self.streams = Streams(seed_int)
        self.week = 0
        self.tally: Counter = Counter()
        self.next_worker_uid = 0
        self.carer_load: np.ndarray | None = None
        self.reach = None  # informal_support.Reach: what each household reaches through ties
        self.carers = (0, 0)  # carers with a load last week, and how many of them overloaded
        self.workload_now = 1.0
        self.intake_hours_spent = np.zeros(cfg.population.wijken)
        self.kpis: dict[str, float] = {}
        self.tally_crisis_by_domain = np.zeros(N_DOMAINS)
        self._residents: dict[int, Resident] = {}
        self._set_up()
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "week": lambda m: m.week + 1 - m.warmup_weeks,
                **{k: (lambda m, k=k: m.kpis[k]) for k in COLUMNS},
            }
        )

    # ------------------------------------------------------------------ set-up

    def _set_up(self) -> None:
        """Initialisation: households, network, teams and partners (ODD "Initialization")."""
        cfg = self.cfg
        self.hh, wijk_strength = draw_households(cfg, self.streams.population)
        initial_needs(self.hh, cfg, self.streams.population)
        self.n_wijken = cfg.population.wijken
        self.inhabitants_per_wijk = np.bincount(
            self.hh.wijk, weights=self.hh.members, minlength=self.n_wijken
        )
        self.inhabitants = float(self.inhabitants_per_wijk.sum())
        self.under_23 = float(self.hh.children.sum())
        self.net = build_network(self.hh, wijk_strength, cfg, self.streams.network)
        self.team = team_mod.build_team(
            cfg, self.inhabitants_per_wijk, cfg.team.fte_per_1000, cfg.team.structure
        )
        self.next_worker_uid = self.team.n
        self.partners = partners_mod.build_partners(cfg, self.n_wijken)
        self._derive_tables()
        self.team.hours_available[:] = workforce.available_hours(self) if self.team.n else 0
        self.workers = [Worker(self, s) for s in range(self.team.n)]
        self.partner_agents = [Partner(self, i) for i in range(self.partners.n)]

    def _derive_tables(self) -> None:
        """Weekly rates and cost vectors from the config (recomputed when levers switch)."""
        cfg = self.cfg
        per_week = lambda values: np.asarray(values, dtype=np.float64) / 52.0  # noqa: E731
        self.onset_tables = life_events.hazard_tables(self)
        self.escalation_per_week = per_week(cfg.needs.escalation_per_year)
        self.recovery_per_week = per_week(cfg.needs.recovery_per_year)
        self.crisis_recovery_per_week = cfg.needs.crisis_recovery_per_year / 52.0
        self.help_seeking_per_week = per_week(cfg.signalling.help_seeking_per_year)
        # recovery under support: kinds of support (rows; none and Wlz 0) x stages
        self.recovery_by_support = np.zeros((WLZ + 1, len(self.recovery_per_week)))
        self.recovery_by_support[LIGHT] = per_week(cfg.team.light_recovery_per_year)
        self.recovery_by_support[NETWORK] = per_week(cfg.policy.network_recovery_per_year)
        self.recovery_by_support[MAATWERK] = per_week(cfg.policy.maatwerk_recovery_per_year)
        self.case_hours_per_stage = np.asarray(cfg.team.case_hours, dtype=np.float64)
        self.informal_demand_per_stage = np.asarray(cfg.informal.demand_hours, dtype=np.float32)
        self.maatwerk_weeks = np.maximum(np.asarray(cfg.policy.maatwerk_weeks.as_list()), 1).astype(
            np.int32
        )
        self.maatwerk_cost = np.asarray(cfg.costs.maatwerk_per_year.as_list())
        self.crisis_cost = np.asarray(cfg.costs.crisis.as_list())
        self.partner_tables = partners_mod.tables(cfg)
        self.integrated = cfg.team.structure == "integrated"
        self.recovery_factor = 1.0 - np.asarray(cfg.needs.chronic.as_list(), dtype=np.float64)

    # ------------------------------------------------------------------ the week

    def step(self) -> None:
        """One week, in the fixed order of the ODD's process overview."""
        if self.week == self.warmup_weeks and self.cfg is not self.scenario_config:
            self.apply_levers(self.scenario_config)
        self.tally.clear()
        self.tally_crisis_by_domain = np.zeros(N_DOMAINS)
        life_events.step(self)  # 1. new needs arise; households move
        informal_support.step(self)  # 2. networks help; carers strain
        escalation.step(self)  # 3. needs escalate or recover
        signals.step(self)  # 4. partners, residents, outreach and crises signal
        intake.step(self)  # 5. follow-up, triage and intake
        casework.step(self)  # 6. workers spend their hours; cases close
        workforce.step(self)  # 7. workload, sick leave, leaving, hiring
        self.kpis = observation.kpis(self)  # 8. costs and observation
        self.datacollector.collect(self)
        self.week += 1
        if self.week >= self.warmup_weeks + self.weeks:
            self.running = False

    def run(self) -> None:
        """Run warm-up and horizon to the end."""
        while self.running:
            self.step()

    # ------------------------------------------------------------------ levers

    def apply_levers(self, cfg: Config) -> None:
        """Switch to the levers of ``cfg`` (at the end of the warm-up)."""
        old = self.cfg
        self.cfg = cfg
        self._derive_tables()
        partners_mod.set_engaged(self.partners, cfg.signalling.partners)
        if cfg.team.fte_per_1000 != old.team.fte_per_1000:
            self._resize_team(cfg.team.fte_per_1000)
        if cfg.team.structure != old.team.structure or cfg.team.broad_skill != old.team.broad_skill:
            team_mod.set_structure(self.team, cfg.team.structure, cfg.team.broad_skill)
            self._reassign_all_cases()

    def _resize_team(self, fte_per_1000: float) -> None:
        """Open or close positions to reach the new staffing level in every wijk."""
        target = team_mod.positions_per_wijk(fte_per_1000, self.inhabitants_per_wijk)
        current = np.bincount(self.team.wijk[self.team.position], minlength=self.n_wijken)
        extra = np.repeat(np.arange(self.n_wijken), np.maximum(target - current, 0))
        if extra.size:
            self.team = team_mod.add_positions(
                self.team,
                extra,
                self.week,
                self.next_worker_uid,
                self.cfg.team.structure,
                self.cfg.team.broad_skill,
            )
            self.next_worker_uid += extra.size
            self.workers += [Worker(self, s) for s in range(len(self.workers), self.team.n)]
        for w in np.flatnonzero(target < current):
            rows = np.flatnonzero((self.team.wijk == w) & self.team.position)
            order = rows[np.lexsort((-rows, self.team.filled[rows]))]
            closing = order[: current[w] - target[w]]
            workforce.vacate(self, closing)
            self.team.position[closing] = False
        team_mod.set_structure(self.team, self.cfg.team.structure, self.cfg.team.broad_skill)
        self.team.hours_available[:] = workforce.available_hours(self)

    def _reassign_all_cases(self) -> None:
        """After a change of team structure every case waits for a worker of the new kind."""
        held = self.hh.case_worker >= 0
        self.hh.case_worker[held] = -1
        self.hh.handoff_ready[held] = self.week
        self.team.caseload[:] = 0

    # ------------------------------------------------------------------ helpers for submodels

    def set_status(self, rows: np.ndarray, status: int) -> None:
        """Give households a new support status from this week."""
        self.hh.status[rows] = status
        self.hh.status_since[rows] = self.week

    def first_contact(self, rows: np.ndarray) -> None:
        """Record first contact of an episode (time to help, early contact)."""
        hh = self.hh
        new = rows[hh.first_contact[rows] < 0]
        hh.first_contact[new] = self.week
        started = hh.episode_start[new]
        known = started != -1  # -1: no episode (start weeks before week 0 are < -1)
        self.tally["first_contacts"] += int(known.sum())
        self.tally["time_to_help_sum"] += float((self.week - started[known]).sum())
        worst = hh.need[new[known]].max(axis=1)
        self.tally["early_contacts"] += int((worst <= MODERATE).sum())

    def end_episodes(self, rows: np.ndarray) -> None:
        """Households whose needs are all solved end their episode."""
        hh = self.hh
        rows = rows[(hh.need[rows] == 0).all(axis=1)]
        hh.episode_start[rows] = -1
        hh.first_contact[rows] = -1
        waiting = rows[(hh.status[rows] == WAITING) | (hh.status[rows] == SIGNALLED)]
        self.set_status(waiting, UNKNOWN)

    def release_cases(self, rows: np.ndarray) -> None:
        """Households that leave the wijk leave their workers' caseloads."""
        self.hh.case_worker[rows] = -1
        self.hh.handoff_ready[rows] = -1

    def team_active(self) -> np.ndarray:
        """Positions with a worker at work (not vacant, not on leave) this week."""
        t = self.team
        return t.filled & t.position & (t.leave_until <= self.week)

    def slot_cap(self) -> int:
        """Cases a worker may hold."""
        return self.cfg.team.caseload_cap

    def team_share_for_cases(self) -> float:
        """Share of client hours left after outreach."""
        return 1.0 - self.cfg.team.outreach_share

    def hours_per_wijk(self) -> np.ndarray:
        """Client hours available per wijk this week."""
        return np.bincount(
            self.team.wijk, weights=self.team.hours_available, minlength=self.n_wijken
        )

    def outreach_hours_per_wijk(self) -> np.ndarray:
        """Outreach hours per wijk this week."""
        return self.hours_per_wijk() * self.cfg.team.outreach_share

    def wijk_has_engaged_partner(self) -> np.ndarray:
        """Per wijk, whether any partner is engaged in early signalling."""
        return (
            np.bincount(self.partners.wijk, weights=self.partners.engaged, minlength=self.n_wijken)
            > 0
        )

    def intake_budget_per_wijk(self) -> np.ndarray:
        """Hours for follow-ups and intakes: what cases and outreach leave, at least a floor."""
        hours = self.hours_per_wijk()
        cases = np.bincount(
            self.team.wijk, weights=self.team.hours_demanded, minlength=self.n_wijken
        )
        left = hours * self.team_share_for_cases() - cases
        return np.maximum(hours * self.cfg.team.intake_floor_share, left)

    def intake_hours_per_worker(self) -> np.ndarray:
        """This week's intake hours spread over workers by their hours."""
        hours = self.hours_per_wijk()
        per_wijk = np.divide(
            self.intake_hours_spent, hours, out=np.zeros_like(hours), where=hours > 0
        )
        return self.team.hours_available * per_wijk[self.team.wijk]

    @property
    def volunteer_pool(self) -> np.ndarray:
        """Volunteer hours per week per wijk: the sociale basis budget plus partners' support."""
        pol = self.cfg.policy
        base = pol.sociale_basis_budget * self.inhabitants_per_wijk / 1000.0
        base = base * pol.volunteer_hours_per_euro / 52.0
        _, _, support = self.partner_tables
        rel = self.partners.relation.reshape(self.n_wijken, -1)
        return base * (1.0 + rel @ support)

    # ------------------------------------------------------------------ inspection

    def resident(self, row: int) -> Resident:
        """The household in ``row`` as a Mesa agent (created on first access)."""
        if not 0 <= row < self.hh.n:
            raise IndexError(f"no household {row} (there are {self.hh.n})")
        if row not in self._residents:
            self._residents[row] = Resident(self, row)
        return self._residents[row]

    @property
    def reported_week(self) -> int:
        """Weeks since the end of the warm-up (negative during warm-up)."""
        return self.week - self.warmup_weeks

    @property
    def in_support(self) -> int:
        """Households in support now."""
        return int((self.hh.status == IN_SUPPORT).sum())
