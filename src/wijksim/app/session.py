"""The app's model side, free of any UI: levers, input checks, building and stepping models.

A browser session owns one :class:`Simulation` (created in the page's component state, never at
module level). It holds the policy model, after "compare" also a baseline model on the same seed,
and the weekly KPIs of both. :func:`build_model` is the one function that turns a preset and the
page's lever values into a :class:`~wijksim.model.WijkModel`; the tests run every combination of
extreme lever values through it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wijksim.analysis import brief, report
from wijksim.analysis.runner import RunResult, combine, observed, observed_by_wijk
from wijksim.codes import PARTNER_KINDS
from wijksim.config import Config, baseline_levers, load_config, with_flat
from wijksim.errors import ConfigError
from wijksim.kpis import KPIS, REPORTED
from wijksim.model import WijkModel
from wijksim.presets import scenario_dir
from wijksim.streams import replicate_seeds

#: The preset the app opens with.
DEFAULT_PRESET = "teaching"
#: Weeks that the KPI cards average over.
CARD_WINDOW = 13
#: Bounds of the text inputs.
SEED_RANGE = (0, 2**32 - 1)
HOUSEHOLDS_RANGE = (100, 50_000)
#: Weeks stepped per hold of the session's lock.
STEP_CHUNK = 5

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class LeverSpec:
    """A numeric lever's slider: config field, range, step and how to show it."""

    name: str
    field: str
    lo: float
    hi: float
    step: float
    percent: bool = False  # shown as a percentage of the stored share


#: The numeric levers, in the order of the page (labels, units and help in :mod:`i18n`).
LEVER_SPECS: dict[str, LeverSpec] = {
    "fte_per_1000": LeverSpec("fte_per_1000", "team.fte_per_1000", 0.1, 2.0, 0.05),
    "outreach_share": LeverSpec("outreach_share", "team.outreach_share", 0.0, 0.6, 0.01, True),
    "network_first": LeverSpec("network_first", "policy.network_first", 0.0, 1.0, 0.05, True),
    "maatwerk_stage": LeverSpec("maatwerk_stage", "policy.maatwerk_stage", 1, 4, 1),
}
STRUCTURES: tuple[str, ...] = ("siloed", "integrated")
#: The policy cycle's choices on the page: how policy hears practice, and review every N weeks.
PRACTICE_LINKS: tuple[str, ...] = ("separate", "merged")
CYCLES: tuple[int, ...] = (13, 26, 52)


@dataclass(frozen=True)
class Levers:
    """The policy levers the page sets (the rest of a scenario comes from its preset)."""

    structure: str = "siloed"
    fte_per_1000: float = 0.5
    outreach_share: float = 0.02
    partners: tuple[str, ...] = ()
    network_first: float = 0.0
    maatwerk_stage: int = 2
    reallocate: bool = False
    practice_link: str = "separate"
    cycle_weeks: int = 52

    @classmethod
    def from_config(cls, cfg: Config) -> Levers:
        """The levers of a loaded scenario."""
        return cls(
            structure=cfg.team.structure,
            fte_per_1000=float(cfg.team.fte_per_1000),
            outreach_share=float(cfg.team.outreach_share),
            partners=tuple(k for k in PARTNER_KINDS if k in cfg.signalling.partners),
            network_first=float(cfg.policy.network_first),
            maatwerk_stage=int(cfg.policy.maatwerk_stage),
            reallocate=bool(cfg.policy.reallocate),
            practice_link=str(cfg.policy.practice_link),
            cycle_weeks=int(cfg.policy.cycle_weeks),
        )

    def flat(self) -> dict[str, Any]:
        """Flat keyword parameters for ``WijkModel`` / :func:`wijksim.config.with_flat`."""
        return {
            "team_structure": self.structure,
            "fte_per_1000": float(self.fte_per_1000),
            "outreach_share": float(self.outreach_share),
            "partners": [k for k in PARTNER_KINDS if k in self.partners],
            "network_first": float(self.network_first),
            "maatwerk_stage": int(self.maatwerk_stage),
            "reallocate": bool(self.reallocate),
            "practice_link": str(self.practice_link),
            "cycle_weeks": int(self.cycle_weeks),
        }

    def with_partner(self, kind: str, engaged: bool) -> Levers:
        """A copy with partner ``kind`` engaged or not (kept in PARTNER_KINDS order)."""
        chosen = (set(self.partners) | {kind}) if engaged else (set(self.partners) - {kind})
        return replace(self, partners=tuple(k for k in PARTNER_KINDS if k in chosen))


@dataclass(frozen=True)
class Settings:
    """What a Reset builds: a preset, a seed, an optional number of households, the levers."""

    preset: str = DEFAULT_PRESET
    seed: int = 1
    households: int | None = None
    levers: Levers = field(default_factory=Levers)


@dataclass(frozen=True)
class Saved:
    """A scenario saved to compare against: what a Reset built, and its levers week by week."""

    name: str
    settings: Settings
    timeline: tuple[tuple[int, Levers], ...]  # (first reported week, levers in force)
    baseline: bool = False  # every lever of the config at its baseline value (not only the page's)
    built: Levers | None = None  # the levers the run was built with (Reset), if not the first

    def config(self, folder: Path | None = None, levers: Levers | None = None) -> Config:
        """The scenario's config with ``levers`` (default: its last ones)."""
        levers = levers if levers is not None else self.timeline[-1][1]
        cfg = scenario_config(replace(self.settings, levers=levers), folder)
        return baseline_levers(cfg) if self.baseline else cfg

    def changes(self) -> list[tuple[int, Levers]]:
        """The lever changes during the run: (first reported week, levers from then on)."""
        return list(self.timeline[1:])


#: The reference a paired comparison uses unless a saved scenario is chosen.
BASELINE = "baseline"
#: The name of the scenario on the page in a paired comparison.
CURRENT = "policy"
#: Seeds of a paired comparison in the app (the CLI's default is 10).
PAIRED_SEEDS = 5
#: Windows a paired comparison averages over (the app's choice).
APP_WINDOWS: tuple[str, ...] = ("all", "last-year", "since-change")


class InputError(ValueError):
    """A value typed into the page that cannot be used; ``key`` and ``values`` name the message.

    The page shows ``i18n.tr(lang, err.key, **err.values)``.
    """

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(f"{key}: {values}")
        self.key = key
        self.values = values


def parse_whole(text: str | None, lo: int, hi: int, field_name: str,
                optional: bool = False) -> int | None:
    """A whole number typed into a text field, within ``lo..hi``; ``None`` if empty and optional.

    Raises :class:`InputError` (key ``error.whole_number``) for letters, decimals, signs out of
    range or an empty required field.
    """
    raw = (text or "").strip().replace("_", "")
    if not raw and optional:
        return None
    if not raw.isdigit() or not raw.isascii():
        raise InputError("error.whole_number", field=field_name, lo=lo, hi=hi, value=text or "")
    value = int(raw)
    if not lo <= value <= hi:
        raise InputError("error.whole_number", field=field_name, lo=lo, hi=hi, value=text)
    return value


# --------------------------------------------------------------------------- presets


def preset_dir() -> Path:
    """The folder of scenario presets (see :func:`wijksim.presets.scenario_dir`)."""
    return scenario_dir()


def list_presets(folder: Path | None = None) -> list[str]:
    """Preset names (file stems), the default first, then alphabetical."""
    folder = folder or preset_dir()
    names = sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []
    if DEFAULT_PRESET in names:
        names.remove(DEFAULT_PRESET)
        names.insert(0, DEFAULT_PRESET)
    return names


def preset_path(name: str, folder: Path | None = None) -> Path:
    """The TOML file of a preset; raises :class:`ConfigError` for an unknown name."""
    folder = folder or preset_dir()
    path = folder / f"{name}.toml"
    if "/" in name or "\\" in name or not path.is_file():
        raise ConfigError(str(path), "preset", "no such scenario preset")
    return path


def load_preset(name: str, folder: Path | None = None) -> Config:
    """A preset's resolved config (raises :class:`ConfigError`)."""
    return load_config(preset_path(name, folder))


def settings_for_preset(name: str, seed: int | None = None,
                        folder: Path | None = None) -> Settings:
    """Settings with the preset's own levers and seed (or ``seed``)."""
    cfg = load_preset(name, folder)
    return Settings(
        preset=name,
        seed=int(cfg.run.seed if seed is None else seed),
        households=None,
        levers=Levers.from_config(cfg),
    )


# --------------------------------------------------------------------------- building models


def scenario_config(settings: Settings, folder: Path | None = None) -> Config:
    """The preset's config with the page's levers (and households) applied and validated."""
    cfg = load_preset(settings.preset, folder)
    flat = settings.levers.flat()
    if settings.households is not None:
        flat["households"] = int(settings.households)
    return with_flat(cfg, **flat)


def build_model(settings: Settings, folder: Path | None = None,
                spin_up: bool = True) -> WijkModel:
    """The model a Reset builds (not yet warmed up): the preset with the page's levers.

    With ``spin_up=False`` the model is built but not yet brought to its steady state (call
    ``model.spin_up``). Raises :class:`ConfigError` when the preset or a value does not
    validate.
    """
    return WijkModel(scenario_config(settings, folder), rng=settings.seed, spin_up=spin_up)


def build_baseline(settings: Settings, folder: Path | None = None) -> WijkModel:
    """The same wijk and seed with every lever at the baseline's value (for paired comparison)."""
    return WijkModel(baseline_levers(scenario_config(settings, folder)), rng=settings.seed)


def kpi_row(model: WijkModel) -> dict[str, float]:
    """The week that just ran: reported week number and every KPI."""
    return {"week": float(model.reported_week), **{k: float(v) for k, v in model.kpis.items()}}


# --------------------------------------------------------------------------- a session's run


class Simulation:
    """One session's run: the policy model, an optional paired baseline, and their KPI rows.

    Every method takes the lock, so the play loop and button clicks never step a model at the
    same time. ``history`` holds a row per simulated week including the warm-up (week <= 0);
    ``baseline_history`` the same for the baseline once comparison is on.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.lock = threading.RLock()
        self.settings: Settings | None = None
        self.model: WijkModel | None = None
        self.baseline: WijkModel | None = None
        self.history: list[dict[str, float]] = []
        self.baseline_history: list[dict[str, float]] = []
        self.lever_timeline: list[tuple[int, Levers]] = []
        self.network_cache: dict[str, Any] = {}
        self.in_force: Levers | None = None  # the levers the policy model runs with
        self.built: Levers | None = None  # the levers the policy model was built with
        self.saved: dict[str, Saved] = {}  # scenarios saved to compare against
        self.paired: report.Comparison | None = None  # the last paired comparison
        self.paired_scenarios: list[brief.Scenario] = []
        self.paired_window = "all"  # the window it averages over

    # -- state

    @property
    def week(self) -> int:
        """The last reported week that ran (0 right after the warm-up)."""
        return self.model.reported_week if self.model is not None else 0

    @property
    def horizon(self) -> int:
        """Reported weeks of the run."""
        return self.model.weeks if self.model is not None else 0

    @property
    def running(self) -> bool:
        """Whether weeks are left to simulate."""
        return self.model is not None and bool(self.model.running)

    @property
    def comparing(self) -> bool:
        """Whether a baseline runs alongside."""
        return self.baseline is not None

    # -- actions

    def reset(self, settings: Settings, progress: Progress | None = None) -> None:
        """Build the model for ``settings``, spin it up and run its warm-up (raises ConfigError).

        The spin-up is loaded from its checkpoint when this preset, size and seed ran before;
        ``progress`` counts its weeks, then the warm-up's.
        """
        model = build_model(settings, self.folder, spin_up=False)
        spin = max(model.start_week - model.week, 0)
        total = spin + model.warmup_weeks
        model.spin_up(None if progress is None else lambda done, _: progress(done, total))
        history = self._warm_up(model, progress, offset=spin, total=total)
        with self.lock:
            self.settings = settings
            self.model = model
            self.history = history
            self.baseline = None
            self.baseline_history = []
            self.lever_timeline = [(1, settings.levers)]
            self.network_cache = {}
            self.in_force = settings.levers
            self.built = settings.levers
            self.paired = None
            self.paired_scenarios = []

    def _warm_up(self, model: WijkModel, progress: Progress | None, extra_weeks: int = 0,
                 offset: int = 0, total: int | None = None) -> list[dict[str, float]]:
        """Run the warm-up (and ``extra_weeks``); ``progress`` counts from ``offset``."""
        weeks = model.warmup_weeks + extra_weeks
        total = offset + weeks if total is None else total
        rows = []
        for i in range(weeks):
            model.step()
            rows.append(kpi_row(model))
            if progress is not None and (i % 10 == 9 or i == weeks - 1):
                progress(offset + i + 1, total)
        return rows

    def step(self, weeks: int = 1, progress: Progress | None = None) -> int:
        """Simulate up to ``weeks`` weeks (both models when comparing); return weeks done.

        The lock is held for a few weeks at a time, never while ``progress`` runs, so the page
        can read the run between chunks.
        """
        done = 0
        while done < weeks:
            chunk = min(STEP_CHUNK, weeks - done)
            with self.lock:
                if self.model is None:
                    break
                for _ in range(chunk):
                    if not self.model.running:
                        break
                    self._apply_levers()
                    self.model.step()
                    self.history.append(kpi_row(self.model))
                    if self.baseline is not None and self.baseline.running:
                        self.baseline.step()
                        self.baseline_history.append(kpi_row(self.baseline))
                    done += 1
                finished = not self.model.running
            if progress is not None:
                progress(done, weeks)
            if finished:
                break
        return done

    def set_levers(self, levers: Levers) -> None:
        """Run the policy model with ``levers`` from the next week on.

        The levers take effect at the next week boundary with the values then in force: a
        slider moved through several values between two weeks applies only its last one, so the
        same final levers give the same results however the slider got there. Raises
        ConfigError for levers that do not validate (checked now, applied later).
        """
        with self.lock:
            if self.model is None or self.settings is None:
                return
            if levers == self.settings.levers:
                return
            with_flat(self.model.scenario_config, **levers.flat())  # validate now
            self.settings = replace(self.settings, levers=levers)
            start = max(self.week, 0) + 1
            if self.lever_timeline and self.lever_timeline[-1][0] == start:
                self.lever_timeline.pop()
            if not self.lever_timeline or self.lever_timeline[-1][1] != levers:
                self.lever_timeline.append((start, levers))

    def _apply_levers(self) -> None:
        """At a week boundary: switch the policy model to the levers set since the last week.

        Before the end of the warm-up the model switches itself (its scenario config changes);
        after it, :meth:`WijkModel.apply_levers` switches at once.
        """
        levers = self.settings.levers if self.settings is not None else None
        if self.model is None or levers is None or levers == self.in_force:
            return
        cfg = with_flat(self.model.scenario_config, **levers.flat())
        self.model.scenario_config = cfg
        if self.model.week >= self.model.switch_week:
            self.model.apply_levers(cfg)
        self.in_force = levers

    @property
    def lever_changes(self) -> list[int]:
        """Reported weeks after which the levers changed (for the charts)."""
        return [start - 1 for start, _ in self.lever_timeline[1:]]

    def levers_in_week(self, week: int) -> Levers:
        """The policy levers in force in reported week ``week``."""
        current = self.lever_timeline[0][1]
        for start, levers in self.lever_timeline:
            if start <= week:
                current = levers
        return current

    def compare(self, progress: Progress | None = None) -> None:
        """Start the paired baseline: the same wijk and seed, baseline levers, run to this week.

        The baseline is built and run outside the lock (only the session's worker steps
        models, so the policy model stays where it is meanwhile).
        """
        with self.lock:
            if self.settings is None or self.model is None:
                return
            settings, weeks = self.settings, max(self.week, 0)
        baseline = build_baseline(settings, self.folder)
        rows = self._warm_up(baseline, progress, extra_weeks=weeks)
        with self.lock:
            while baseline.running and baseline.reported_week < self.week:
                baseline.step()
                rows.append(kpi_row(baseline))
            self.baseline = baseline
            self.baseline_history = rows

    def save_scenario(self, name: str) -> Saved:
        """Keep the current scenario (preset, seed, size and levers week by week) as ``name``.

        A name taken by the baseline or the current scenario gets " (saved)" added.
        """
        with self.lock:
            if self.settings is None:
                raise InputError("error.nothing_to_save")
            name = name.strip() or f"scenario {len(self.saved) + 1}"
            if name in (BASELINE, CURRENT):
                name = f"{name} (saved)"
            saved = Saved(name, self.settings, tuple(self.lever_timeline), built=self.built)
            self.saved[saved.name] = saved
            return saved

    def current(self) -> Saved:
        """The scenario on the page now, as a :class:`Saved` would keep it."""
        with self.lock:
            return Saved(CURRENT, self.settings, tuple(self.lever_timeline), built=self.built)

    def reference(self, name: str) -> Saved:
        """The scenario to compare with: a saved one, or the baseline.

        The baseline is the preset with every lever at its baseline value, for the whole run.
        """
        with self.lock:
            if name in self.saved:
                return self.saved[name]
            settings = self.settings
        cfg = baseline_levers(scenario_config(settings, self.folder))
        levers = Levers.from_config(cfg)
        return Saved(BASELINE, replace(settings, levers=levers), ((1, levers),), baseline=True)

    def paired_compare(self, reference: str = BASELINE, seeds: int = PAIRED_SEEDS,
                       window: str = "all", progress: Progress | None = None) -> None:
        """Run the current scenario and ``reference`` on ``seeds`` paired seeds, whole horizon.

        The seeds are derived from the page's seed as the CLI derives them; each run replays
        its scenario's lever changes at the same weeks. The result (differences with 95%
        intervals over ``window``: ``all``, ``last-year`` or ``since-change``) is kept in
        ``paired`` for the cards, the table and the brief.
        """
        ref, cur = self.reference(reference), self.current()
        seed_list = replicate_seeds(cur.settings.seed, max(int(seeds), 2))
        total = sum(len(seed_list) * (s.config(self.folder).run.warmup_weeks
                                      + s.config(self.folder).run.weeks) for s in (ref, cur))
        done = [0]

        def advance(k: int) -> None:
            done[0] += k
            if progress is not None and done[0] % 10 == 0:
                progress(done[0], total)

        runs = [brief.Scenario(s.name, s.config(self.folder),
                               run_timeline(s, seed_list, self.folder, advance),
                               changes=lever_change_text(s))
                for s in (ref, cur)]
        weeks = int(min(r.result.timeseries["week"].max() for r in runs))
        shown = self.window_code(window, cur, weeks)
        comparison = report.compare_results(runs[0].result, runs[1].result,
                                            (ref.name, cur.name), shown)
        with self.lock:
            self.paired = comparison
            self.paired_scenarios = runs
            self.paired_window = shown

    def window_code(self, window: str, scenario: Saved, weeks: int) -> str:
        """A window of the app as report takes it.

        ``since-change`` is from the last lever change of ``scenario``; the whole run when there
        was none or when it lies beyond the ``weeks`` both runs reported.
        """
        if window != "since-change":
            return window
        changes = scenario.changes()
        if not changes or changes[-1][0] > weeks:
            return "all"
        return f"from:{changes[-1][0]}"

    def brief_html(self, lang: str = "nl") -> str:
        """The brief of the last paired comparison, over its window (empty before one ran)."""
        with self.lock:
            scenarios = list(self.paired_scenarios)
            window = self.paired_window
            preset = self.settings.preset if self.settings is not None else ""
        if len(scenarios) != 2:
            return ""
        return brief.render(scenarios, lang, window, ["wijksim app", f"preset {preset}"])

    def stop_comparing(self) -> None:
        """Drop the baseline."""
        with self.lock:
            self.baseline = None
            self.baseline_history = []

    # -- results

    def frame(self, baseline: bool = False, reported_only: bool = False) -> pd.DataFrame:
        """The weekly KPI rows as a DataFrame (warm-up weeks have week <= 0)."""
        rows = self.baseline_history if baseline else self.history
        df = pd.DataFrame(rows)
        if df.empty:
            df = pd.DataFrame(columns=["week", *KPIS])
        if reported_only:
            df = df[df["week"] >= 1]
        return df.reset_index(drop=True)

    def card_values(self, window: int = CARD_WINDOW, baseline: bool = False) -> dict[str, float]:
        """Each KPI averaged over the last ``window`` weeks (warm-up included while short)."""
        with self.lock:
            rows = (self.baseline_history if baseline else self.history)[-window:]
        return _mean_rows(rows)

    def comparison(self) -> pd.DataFrame:
        """Per KPI and measure: policy and baseline means over the weeks both ran, and B - A."""
        with self.lock:
            pol = [r for r in self.history if r["week"] >= 1]
            base = [r for r in self.baseline_history if r["week"] >= 1]
        n = min(len(pol), len(base))
        a, b = _mean_rows(pol[:n]), _mean_rows(base[:n])
        out = pd.DataFrame(
            {"kpi": list(REPORTED), "policy": [a.get(k, math.nan) for k in REPORTED],
             "baseline": [b.get(k, math.nan) for k in REPORTED]}
        )
        out["difference"] = out["policy"] - out["baseline"]
        out.attrs["weeks"] = n
        return out

    def csv(self, lang: str = "en") -> str:
        """The reported weeks of policy (and baseline) as CSV text, one row per week.

        Each row carries the scenario, preset, seed and the levers in force that week. Headers
        say label and unit in ``lang``; costs are euro per week; the Dutch file has semicolons
        and decimal commas (:func:`wijksim.analysis.report.csv_text`).
        """
        with self.lock:
            settings = self.settings
            frames = []
            if settings is not None:
                pol = self.frame(reported_only=True)
                levers = [self.levers_in_week(int(w)) for w in pol["week"]]
                frames.append(_with_levers(pol, "policy", settings, levers))
                if self.baseline is not None:
                    base = self.frame(baseline=True, reported_only=True)
                    lev = Levers.from_config(self.baseline.scenario_config)
                    frames.append(_with_levers(base, "baseline", settings, [lev] * len(base)))
        data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if not data.empty:
            data["week"] = data["week"].astype(int)
        return report.csv_text(data, lang)

    def wijk_frame(self) -> pd.DataFrame:
        """The policy model's reported weeks per wijk (empty for a single wijk)."""
        with self.lock:
            if self.model is None:
                return pd.DataFrame()
            frame = observed_by_wijk(self.model, self.model.seed)
        return frame if frame is not None else pd.DataFrame()


def _with_levers(df: pd.DataFrame, scenario: str, settings: Settings,
                 levers: list[Levers]) -> pd.DataFrame:
    """``df`` with scenario, preset, seed and lever columns in front."""
    front = pd.DataFrame({
        "scenario": scenario,
        "preset": settings.preset,
        "seed": settings.seed,
        "team_structure": [lv.structure for lv in levers],
        "fte_per_1000": [lv.fte_per_1000 for lv in levers],
        "outreach_share": [lv.outreach_share for lv in levers],
        "partners": [" ".join(lv.partners) for lv in levers],
        "network_first": [lv.network_first for lv in levers],
        "maatwerk_stage": [lv.maatwerk_stage for lv in levers],
        "reallocate": [lv.reallocate for lv in levers],
        "practice_link": [lv.practice_link for lv in levers],
        "cycle_weeks": [lv.cycle_weeks for lv in levers],
    }, index=df.index)
    return pd.concat([front, df], axis=1)


def _mean_rows(rows: list[dict[str, float]]) -> dict[str, float]:
    """Column means ignoring NaN (a ratio with nothing to count that week)."""
    if not rows:
        return {}
    keys = rows[-1].keys()
    out = {}
    for k in keys:
        values = np.array([r.get(k, math.nan) for r in rows], dtype=float)
        finite = values[~np.isnan(values)]
        out[k] = float(finite.mean()) if finite.size else math.nan
    return out


def run_timeline(scenario: Saved, seeds: list[int], folder: Path | None = None,
                 advance: Callable[[int], None] | None = None) -> RunResult:
    """Run a scenario on each seed, switching its levers at the weeks its timeline says.

    Each run is built with the levers its scenario was built with (a change made at week 0, after
    the warm-up, applies at week 1) and switches at the week boundaries as the page does.
    """
    frames = []
    built = scenario.built or scenario.timeline[0][1]
    for i, seed in enumerate(seeds):
        model = WijkModel(scenario.config(folder, built), rng=seed)
        changes, in_force = dict(scenario.timeline), built
        while model.running:
            levers = changes.get(model.reported_week + 1)
            if levers is not None and levers != in_force:  # at the week boundary, as the page
                cfg = with_flat(model.scenario_config, **levers.flat())
                if scenario.baseline:
                    cfg = baseline_levers(cfg)
                model.scenario_config = cfg
                if model.week >= model.switch_week:
                    model.apply_levers(cfg)
                in_force = levers
            model.step()
            if advance is not None:
                advance(1)
        frame = observed(model, seed)
        frame.insert(0, "replicate", i)
        frames.append(frame)
    return combine(scenario.config(folder), seeds, frames)


def lever_change_text(scenario: Saved) -> list[str]:
    """The scenario's lever changes during the run, as lines for the brief."""
    lines = []
    before = scenario.timeline[0][1]
    for week, levers in scenario.changes():
        moved = [f"{k} = {v}" for k, v in levers.flat().items() if before.flat().get(k) != v]
        lines.append(f"week {week}: " + ", ".join(moved))
        before = levers
    return lines
