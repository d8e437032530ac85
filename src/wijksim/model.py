"""The wijksim model: a municipality's households, wijkteams and partners, week by week.

``WijkModel.step`` is the weekly schedule of DESIGN.md; each line is one ODD submodel, in a
module of the same name. Household state lives in arrays (:mod:`wijksim.state`); every submodel
updates all households in compiled loops (:mod:`wijksim.compiled`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import mesa
import numpy as np
from mesa.agent import AgentSet

from wijksim import checkpoint
from wijksim.agents import Partner, Resident, Worker
from wijksim.build import partners as partners_mod
from wijksim.build import profiles
from wijksim.build import team as team_mod
from wijksim.build.population import draw_households, initial_needs
from wijksim.build.social_network import build_network
from wijksim.codes import BASIS, CARE, LIGHT, MAATWERK, NETWORK, WLZ
from wijksim.config import Config, baseline_levers, load_config, read_raw, with_flat
from wijksim.kpis import COLUMNS
from wijksim.state import WeekRecord
from wijksim.streams import Streams
from wijksim.submodels import (
    casework,
    costs,
    escalation,
    informal_support,
    intake,
    life_events,
    observation,
    policy_cycle,
    provisions,
    signals,
    workforce,
)


def _seed_from(value: Any) -> int:
    """An integer seed from what Mesa, batch_run or a text box may hand us.

    A whole number (or its text), a numpy ``Generator`` (one number is drawn from it, as Mesa
    draws its own seed) or a ``SeedSequence``; ``None`` draws a fresh seed from the operating
    system's entropy (an unseeded model is random, as in Mesa; its seed is recorded).
    """
    if value is None:
        return int(np.random.SeedSequence().generate_state(1)[0])
    if isinstance(value, np.random.Generator):
        return int(value.integers(2**32))
    if isinstance(value, np.random.SeedSequence):
        return int(value.generate_state(1)[0])
    if isinstance(value, str):
        value = value.strip()
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"seed must be a whole number, got {value!r}") from None


def _config_seed(config: Config | str | Path | None, params: dict[str, Any]) -> int | None:
    """The seed a config sets (a Config object, ``[run] seed`` in its file, or ``seed=``)."""
    if "seed" in params:
        return None  # the flat keyword sets run.seed; with_flat applies it
    if isinstance(config, Config):
        return config.run.seed
    if config is not None:
        raw = read_raw(Path(config))
        if "seed" in (raw.get("run") or {}):
            return None  # load_config has it
    return -1  # no seed anywhere: a fresh one


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
        spin_up: bool = True,
        **params: Any,
    ) -> None:
        cfg = config if isinstance(config, Config) else load_config(config)
        cfg = with_flat(cfg, **params)
        chosen = rng if rng is not None else seed
        if chosen is None and _config_seed(config, params) != -1:
            chosen = cfg.run.seed
        seed_int = _seed_from(chosen)
        cfg.run.seed = seed_int
        super().__init__(rng=seed_int)
        self.seed = seed_int
        self.scenario_config = cfg
        self.warmup_weeks = cfg.run.warmup_weeks
        self.weeks = cfg.run.weeks
        switch = self.warmup_weeks > 0 and cfg.run.warmup_levers == "baseline"
        self.cfg = baseline_levers(cfg) if switch else cfg
        self.streams = Streams(seed_int)
        self.week = 0
        self.next_worker_uid = 0
        self.reach = None  # informal_support.Reach: what each household reaches through ties
        self.kpis: dict[str, float] = {}
        self.wijk_parts: dict[str, np.ndarray] = {}  # the week's KPI parts per wijk
        self.wijk_history: list[tuple[int, dict[str, np.ndarray]]] = []  # reported weeks
        self.ledger = observation.Ledger(cfg.population.wijken)  # counts over the last 52 weeks
        self._residents: dict[int, Resident] = {}
        self._resident_set: AgentSet | None = None
        self.start_week = 52 * cfg.run.spinup_years  # the spin-up's end (see below)
        self._set_up()
        self.record = WeekRecord(self.n_wijken)  # what happens this week (see begin_week)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "week": lambda m: m.output_week,
                "seed": lambda m: m.seed,  # batch_run shows the seed an unseeded model drew
                **{k: (lambda m, k=k: m.kpis[k]) for k in COLUMNS},
            }
        )
        # The steady state: spin up (or load the checkpoint of) spinup_years at the warm-up's
        # levers; the model's clock then stands at start_week.
        self.spun_up_from_checkpoint = False
        if spin_up:
            self.spin_up()

    def spin_up(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Bring the model to its steady state (see :mod:`wijksim.checkpoint`), once.

        Built with ``spin_up=False`` (the app does, to show progress), call this before the
        first step; ``progress(week, weeks)`` is told every simulated year.
        """
        if self.start_week and self.week < self.start_week:
            self.spun_up_from_checkpoint = checkpoint.spin_up(self, self.start_week, progress)

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
        # rows are sorted by wijk: wijk w holds rows wijk_start[w] .. wijk_start[w + 1] - 1
        self.households_per_wijk = np.bincount(self.hh.wijk, minlength=self.n_wijken)
        self.wijk_start = np.concatenate([[0], np.cumsum(self.households_per_wijk)]).astype(
            np.int64)
        self.under_23_per_wijk = np.bincount(
            self.hh.wijk, weights=self.hh.children, minlength=self.n_wijken
        )
        self.under_23 = float(self.under_23_per_wijk.sum())
        self.net = build_network(self.hh, wijk_strength, cfg, self.streams.network)
        self.team = team_mod.build_team(cfg.team, self.inhabitants_per_wijk)
        self.fte_per_wijk = cfg.team.fte_per_1000 * self.inhabitants_per_wijk / 1000.0
        pol = cfg.policy
        self.reports = policy_cycle.Reports()  # what the wijkteams report, week by week
        self.wijkplannen: list[dict] = []  # the policy cycle's plans, a row per review
        # the sociale-basis budget of each wijk (euro per 1,000 inhabitants per year) and each
        # partner's priority in its wijk's outreach (mean 1): the policy cycle moves them
        self.basis_budget = np.full(self.n_wijken, pol.sociale_basis_budget, dtype=np.float64)
        self.next_worker_uid = self.team.n
        self.partners = partners_mod.build_partners(cfg, self.n_wijken)
        self.outreach_priority = np.ones(self.partners.n, dtype=np.float64)
        self._derive_tables()
        self.team.hours_available[:] = workforce.available_hours(self) if self.team.n else 0
        self.workers = [Worker(self, s) for s in range(self.team.n)]
        self.partner_agents = [Partner(self, i) for i in range(self.partners.n)]

    def _derive_tables(self) -> None:
        """Weekly rates and cost vectors from the config (recomputed when levers switch)."""
        cfg = self.cfg
        per_week = lambda values: np.asarray(values, dtype=np.float64) / 52.0  # noqa: E731
        self.onset_factor = profiles.onset_factors(cfg)  # per wijk and domain (profiles)
        if cfg.needs.rise_wijk and self.output_week >= cfg.needs.rise_from_week:
            self.onset_factor[cfg.needs.rise_wijk - 1] *= cfg.needs.rise_factor
        self.onset_tables = life_events.hazard_tables(self)
        self.escalation_per_week = per_week(cfg.needs.escalation_per_year)
        self.recovery_per_week = per_week(cfg.needs.recovery_per_year)
        self.crisis_recovery_per_week = cfg.needs.crisis_recovery_per_year / 52.0
        self.help_seeking_per_week = per_week(cfg.signalling.help_seeking_per_year)
        # recovery under support: kinds of support (rows; none and Wlz 0) x stages
        self.recovery_by_support = np.zeros((WLZ + 1, len(self.recovery_per_week)))
        self.recovery_by_support[LIGHT] = per_week(cfg.team.light_recovery_per_year)
        self.recovery_by_support[NETWORK] = per_week(cfg.policy.network_recovery_per_year)
        self.recovery_by_support[BASIS] = per_week(cfg.policy.basis_recovery_per_year)
        self.recovery_by_support[MAATWERK] = per_week(cfg.policy.maatwerk_recovery_per_year)
        self.case_hours_per_stage = np.asarray(cfg.team.case_hours, dtype=np.float64)
        self.informal_demand_per_stage = np.asarray(cfg.informal.demand_hours, dtype=np.float32)
        self.provision_table = provisions.table(cfg)
        self.crisis_cost = np.asarray(cfg.costs.crisis.as_list())
        self.partner_tables = partners_mod.tables(cfg)
        self.integrated = cfg.team.structure == "integrated"
        # 1 - chronicity, rows: households without and with a member aged 65+
        chronic = np.asarray(cfg.needs.chronic.as_list(), dtype=np.float64)
        self.recovery_factor = np.vstack([1.0 - chronic, 1.0 - chronic])
        self.recovery_factor[0, CARE] = 1.0 - cfg.needs.care_chronic_young

    # ------------------------------------------------------------------ the week

    def step(self) -> None:
        """One week, in the fixed order of the ODD's process overview."""
        self.begin_week()
        life_events.step(self)  # 1. new needs arise; households move
        informal_support.step(self)  # 2. networks help; carers strain
        escalation.step(self)  # 3. needs escalate or recover
        signals.step(self)  # 4. partners, residents, outreach and crises signal
        intake.step(self)  # 5. follow-up, triage and intake
        casework.step(self)  # 6. workers spend their hours; cases close
        workforce.step(self)  # 7. workload, sick leave, leaving, hiring
        costs.step(self)  # 8a. what the week costs, by budget
        self.kpis = observation.kpis(self)  # 8b. the week's KPIs
        policy_cycle.step(self)  # 9. the gemeente reviews the wijken and moves staff
        self.end_week()

    def begin_week(self) -> None:
        """Switch to the scenario's levers when the warm-up ends; start a fresh week record."""
        if self.week == self.switch_week and self.cfg is not self.scenario_config:
            self.apply_levers(self.scenario_config)
        if self.cfg.needs.rise_wijk and self.output_week == self.cfg.needs.rise_from_week:
            self._derive_tables()  # the needs of one wijk rise from now on
        self.record = WeekRecord(self.n_wijken)

    def end_week(self) -> None:
        """Collect the week's KPIs and move the clock on; stop after warm-up and horizon."""
        if self.week >= self.start_week:  # the spin-up is not collected
            self.datacollector.collect(self)
            if self.n_wijken > 1:  # the parts of each wijk's KPIs, for by_wijk tables
                self.wijk_history.append((self.output_week, self.wijk_parts))
        self.week += 1
        if self.week >= self.switch_week + self.weeks:
            self.running = False

    def spin_week(self) -> None:
        """A week of the spin-up: the weekly schedule, outside Mesa's clock and step count."""
        WijkModel.step(self)  # the class's step: Mesa wraps the instance's to count steps

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
        if cfg.policy.sociale_basis_budget != old.policy.sociale_basis_budget:
            self._rescale_basis_budget(old.policy.sociale_basis_budget)
        if cfg.team.fte_per_1000 != old.team.fte_per_1000:
            self._resize_team()
        if cfg.team.structure != old.team.structure or cfg.team.broad_skill != old.team.broad_skill:
            team_mod.set_structure(self.team, cfg.team)
            self._reassign_all_cases()

    def _rescale_basis_budget(self, old: float) -> None:
        """Follow a new sociale-basis budget lever, keeping the wijkplannen's spread."""
        new = self.cfg.policy.sociale_basis_budget
        if old > 0 and not np.all(self.basis_budget == old):
            self.basis_budget = self.basis_budget * (new / old)
        else:
            self.basis_budget = np.full(self.n_wijken, new, dtype=np.float64)

    def _resize_team(self) -> None:
        """Staff every wijk at the lever's FTE per 1,000 inhabitants."""
        self.resize_team(self.cfg.team.fte_per_1000 * self.inhabitants_per_wijk / 1000.0)

    def resize_team(self, fte_per_wijk: np.ndarray) -> None:
        """Open or close positions, and size them, to reach ``fte_per_wijk`` in every wijk."""
        self.fte_per_wijk = np.asarray(fte_per_wijk, dtype=np.float64)
        target, fte = team_mod.positions_for(self.fte_per_wijk, self.cfg.team.position_fte)
        current = np.bincount(self.team.wijk[self.team.position], minlength=self.n_wijken)
        extra = np.repeat(np.arange(self.n_wijken), np.maximum(target - current, 0))
        if extra.size:
            self.team = team_mod.add_positions(
                self.team, extra, self.week, self.next_worker_uid, self.cfg.team
            )
            self.next_worker_uid += extra.size
            self.workers += [Worker(self, s) for s in range(len(self.workers), self.team.n)]
        for w in np.flatnonzero(target < current):
            rows = np.flatnonzero((self.team.wijk == w) & self.team.position)
            order = rows[np.lexsort((-rows, self.team.filled[rows]))]
            closing = order[: current[w] - target[w]]
            workforce.vacate(self, closing)
            self.team.position[closing] = False
        self.team.fte[:] = fte[self.team.wijk]
        team_mod.set_structure(self.team, self.cfg.team)
        self.team.hours_available[:] = workforce.available_hours(self)

    def _reassign_all_cases(self) -> None:
        """After a change of team structure every case waits for a worker of the new kind."""
        held = self.hh.case_worker >= 0
        self.hh.case_worker[held] = -1
        self.hh.handoff_ready[held] = self.week
        self.team.caseload[:] = 0

    # ------------------------------------------------------------------ inspection

    def resident(self, row: int) -> Resident:
        """The household in ``row`` as a Mesa agent (created on first access)."""
        if not 0 <= row < self.hh.n:
            raise IndexError(f"no household {row} (there are {self.hh.n})")
        if row not in self._residents:
            self._residents[row] = Resident(self, row)
        return self._residents[row]

    @property
    def residents(self) -> AgentSet:
        """Every household as a :class:`Resident` agent, in a Mesa ``AgentSet``.

        Households live in arrays; a Resident is a view on one row, so the set stays current as
        the model steps (a household that moves out is replaced by a newcomer in the same
        row). The agents are built on first access, never by a run itself: at 200,000
        households that takes about 3.5 s and 95 MB (measured on the benchmark machine), after
        which ``model.agents_by_type[Resident]`` holds them all too.
        """
        if self._resident_set is None:
            agents = [self.resident(row) for row in range(self.hh.n)]
            self._resident_set = AgentSet(agents, random=self.random)
        return self._resident_set

    @property
    def switch_week(self) -> int:
        """The model week in which the scenario's levers switch on: the first reported week."""
        return self.start_week + self.warmup_weeks

    @property
    def reported_week(self) -> int:
        """Weeks since the end of the warm-up (negative during spin-up and warm-up)."""
        return self.week - self.switch_week

    @property
    def output_week(self) -> int:
        """The week that runs, as the outputs number it: 1 is the first reported week."""
        return self.reported_week + 1

