"""The Solara page of ``wijksim app``, in Dutch and English.

Scenario, levers, run controls, KPIs, charts, network, comparison with the baseline, teacher
notes and CSV download.

Every piece of state belongs to the browser session: it lives in component state
(``solara.use_reactive`` / ``use_memo`` inside :func:`Page`), never in module globals, so several
sessions at once each have their own models. A session's models are stepped by one worker thread
(started with ``solara.use_thread``) that takes jobs from a queue - reset, a week, a year, start
the comparison, new levers - and plays; so the page never blocks and no two actions step a model
at the same time. The charts are drawn in the browser (webchart.EChart; the server sends their
numbers), getting a frame every 0.5-0.7 s while playing; the parts that show the run (the week,
the cards) re-render every 1-5 s depending on how many sessions play (render_slot.intervals), and
only they, not the whole page. The network view is a matplotlib figure drawn in a background
thread within a shared budget. The class exercise mode (class_page, classroom) is the only state
shared between sessions.
"""

from __future__ import annotations

import html
import logging
import math
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

import reacton.core
import reacton.ipyvuetify as rv
import reacton.ipywidgets as rw
import solara
from matplotlib.figure import Figure
from solara.components.input import use_change

from wijksim.analysis import report
from wijksim.app import charts, network_view
from wijksim.app.class_page import ClassPanel, LecturerView
from wijksim.app.i18n import DEFAULT_LANGUAGE, LANGUAGES, fmt_euro, fmt_number, tr
from wijksim.app.link import Link, apply_link, asked_for, parse_query, query_for
from wijksim.app.picker import PresetPicker
from wijksim.app.render_slot import PLAYING, SLOT, end_after_close, intervals
from wijksim.app.session import (
    APP_WINDOWS,
    BASELINE,
    CARD_WINDOW,
    CYCLES,
    DEFAULT_PRESET,
    HOUSEHOLDS_RANGE,
    LEVER_SPECS,
    PAIRED_SEEDS,
    PRACTICE_LINKS,
    SEED_RANGE,
    STRUCTURES,
    InputError,
    Levers,
    Settings,
    Simulation,
    list_presets,
    load_preset,
    parse_whole,
    preset_dir,
    settings_for_preset,
)
from wijksim.app.teaching import hidden_presets, notes_for
from wijksim.app.webchart import ChartFeed, EChart, json_option
from wijksim.codes import PARTNER_KINDS
from wijksim.errors import WijksimError

log = logging.getLogger(__name__)

#: Seconds between play ticks. While playing, the chart gets a frame and the parts that show the
#: run (the week, the cards, the comparison) a render as often as render_slot.intervals says:
#: frames in between renders go straight to the chart (webchart.ChartFeed).
TICK = 0.25
#: Choices of the speed control, in weeks per second.
SPEEDS = [1, 2, 4, 8, 13, 26, 52]
DEFAULT_SPEED = 8
YEAR = 52

CSS = """
.wijksim-header { background: #1f4e79; color: #fff; padding: 10px 18px; border-radius: 4px; }
.wijksim-header h1 { font-size: 1.5rem; margin: 0; font-weight: 600; }
.wijksim-header .subtitle { font-size: 0.9rem; opacity: 0.9; }
.wijksim-header .v-btn { color: #1f4e79 !important; }
.panel-title { display: block; font-size: 1.05rem; font-weight: 600; margin: 2px 0 6px 0; }
.lever { margin-top: 6px; }
.lever-label { font-size: 0.9rem; font-weight: 600; }
.lever-value { float: right; font-weight: 600; color: #1f4e79; }
.lever-help, .hint { display: block; font-size: 0.75rem; color: #555; line-height: 1.25; }
.lever .v-input__slot, .lever .v-messages { margin-bottom: 0 !important; min-height: 0; }
.lever .v-input { margin-top: 0; padding-top: 0; }
.kpi-card { background: #fff; border: 1px solid #dde3ea; border-radius: 6px; padding: 8px 12px;
            min-width: 150px; flex: 1 1 150px; }
.kpi-name { font-size: 0.85rem; color: #333; font-weight: 600; }
.kpi-value { font-size: 1.6rem; font-weight: 600; color: #1f4e79; line-height: 1.3; }
.kpi-unit, .kpi-base { font-size: 0.72rem; color: #666; }
.kpi-costs table { font-size: 0.8rem; border-collapse: collapse; width: 100%; }
.kpi-costs td { padding: 0 4px; }
.kpi-costs td.num { text-align: right; font-variant-numeric: tabular-nums; }
.kpi-costs tr.cost-group td { font-weight: 600; color: #1f4e79; padding-top: 4px; }
.chart img { max-width: 100%; height: auto; }
.compare-table { border-collapse: collapse; font-size: 0.85rem; width: 100%; }
.compare-table th, .compare-table td { padding: 2px 6px; border-bottom: 1px solid #eee; }
.compare-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.teacher li { margin-bottom: 4px; font-size: 0.9rem; }
.week-label { font-size: 1.1rem; font-weight: 600; color: #1f4e79; }
"""


def problem_text(L: str, problem: InputError) -> str:
    """An input problem in language ``L``, with its bounds written the local way."""
    values = {k: fmt_number(v, L, 0) if isinstance(v, int) else v
              for k, v in problem.values.items()}
    return tr(L, problem.key, **values)


# --------------------------------------------------------------------------- session set-up


@dataclass
class Boot:
    """What a new session starts with: a simulation (warmed up), its settings, or an error.

    ``ignored`` lists what the page's URL asked for that could not be used (``name=value``).
    """

    sim: Simulation
    settings: Settings
    presets: list[str]
    error: tuple[str, dict[str, Any]] | None = None
    ignored: tuple[str, ...] = ()


def boot(search: str | None = None) -> Boot:
    """A session's first state: the URL's scenario (else the default preset), warmed up.

    ``search`` is the URL's query string (:mod:`wijksim.app.link`). Levers from the URL that the
    preset's config refuses together are dropped (and listed as ignored), never raised.
    """
    sim = Simulation()
    presets = [p for p in list_presets() if p not in hidden_presets()]
    if not presets:
        return Boot(sim, Settings(), presets, ("error.no_presets", {"folder": str(preset_dir())}))
    asked = parse_query(search, presets)
    name = asked.preset or (DEFAULT_PRESET if DEFAULT_PRESET in presets else presets[0])
    ignored = asked.ignored
    try:
        own = settings_for_preset(name)
        try:
            settings = apply_link(asked, own)
            sim.reset(settings)
        except WijksimError:
            if not asked_for(asked):
                raise
            settings = apply_link(Link(seed=asked.seed), own)  # the preset's levers and size
            ignored += asked_for(asked)
            sim.reset(settings)
    except WijksimError as exc:
        return Boot(sim, Settings(preset=name), presets,
                    ("error.config", {"message": exc.one_line()}), ignored)
    return Boot(sim, settings, presets, None, ignored)


def use_url(settings: Settings, on_navigate: Callable[[str], Settings | None]) -> None:
    """Keep the page's URL in step with ``settings``; a URL the page did not write is applied.

    When preset, seed, size or levers change, the URL gets their query (:func:`query_for`),
    through Solara's router (a new history entry). When the URL changes otherwise (the
    browser's back and forward buttons), ``on_navigate`` gets its query string and returns the
    settings it starts (their query is then not written again, so forward still works). The
    URL a session opened with is left as it is until something changes (the browser sets the
    router's location as the page first appears, which would undo a write at that moment).
    Rendered without a Solara server (tests' ``solara.render``) there is no router: no-op.
    """
    router = solara.use_router()
    query = query_for(settings)
    last_query = solara.use_ref(query)  # the page's query when the URL was last written or read
    last_search = solara.use_ref(router.search or "")  # the URL's query as last seen

    def write() -> None:
        if router.set_path is None or query == last_query.current:
            return
        last_query.current = last_search.current = query
        router.push(f"{router.path or '/'}?{query}")

    def follow() -> None:
        search = router.search or ""
        if router.set_path is None or search == last_search.current:
            return
        last_search.current = search
        started = on_navigate(search)
        if started is not None:
            last_query.current = query_for(started)

    solara.use_effect(write, [query])
    solara.use_effect(follow, [router.search])


# --------------------------------------------------------------------------- the page


@solara.component
def Layout(children: list | None = None):
    """The page as it is, without Solara's default app bar and sidebar."""
    return solara.Column(children=children or [], style={"padding": "8px"})


@solara.component
def Page():
    """The whole app; one instance per browser session."""
    router = solara.use_router()
    start = solara.use_memo(lambda: boot(router.search), [])
    sim = start.sim
    lang = solara.use_reactive(DEFAULT_LANGUAGE)
    settings = solara.use_reactive(start.settings)
    seed_text = solara.use_reactive(str(start.settings.seed))
    households_text = solara.use_reactive(
        "" if start.settings.households is None else str(start.settings.households))
    # the run as shown: week, cards and charts (read only by the parts that show them, so a new
    # week re-renders those, not the whole page)
    version = solara.use_reactive(0)
    job_version = solara.use_reactive(0)  # a job finished (reset, save, paired comparison, ...)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    busy = solara.use_reactive("")
    progress = solara.use_reactive(0.0)
    error = solara.use_reactive(start.error)
    refused = solara.use_reactive(False)
    ignored = solara.use_reactive(start.ignored)  # from the URL, shown in one line
    wijk_choice = solara.use_reactive("")  # the wijk the charts and the network show
    member = solara.use_reactive(None)  # a group's place in a class session (class_page)
    lecture = solara.use_reactive(None)  # the lecturer's class session: (code, token)
    jobs: queue.Queue = solara.use_memo(queue.Queue, [])
    feed: ChartFeed = solara.use_memo(ChartFeed, [])  # chart frames between two renders

    render_context = reacton.core.get_render_context()

    def refresh() -> None:
        # one render pass for every part that shows the run (each would otherwise get its own)
        with render_context:
            version.set(version.value + 1)

    def run_job(kind: str, arg: Any) -> None:
        def report(done: int, total: int) -> None:
            progress.set(done / max(total, 1))

        try:
            if kind == "reset":
                sim.reset(arg, progress=report)
            elif kind == "step":
                sim.step(arg, progress=report)
            elif kind == "levers":
                sim.set_levers(arg)
            elif kind == "compare":
                sim.compare(progress=report)
            elif kind == "stop_compare":
                sim.stop_comparing()
            elif kind == "paired":
                reference, seeds, window = arg
                sim.paired_compare(reference, seeds, window, progress=report)
            elif kind == "save":
                sim.save_scenario(arg)
            if kind in ("reset", "compare"):
                error.set(None)
        except WijksimError as exc:
            error.set(("error.config", {"message": exc.one_line()}))
        except Exception as exc:  # noqa: BLE001 - shown on the page, the session goes on
            log.exception("wijksim app: job %s failed", kind)
            error.set(("error.run", {"message": f"{type(exc).__name__}: {exc}"}))
        finally:
            with render_context:  # one render pass for all of it
                if not sim.running:
                    playing.set(False)
                busy.set("")
                progress.set(0.0)
                version.set(version.value + 1)
                job_version.set(job_version.value + 1)

    def worker(cancel: threading.Event) -> None:
        owed, last, last_chart, last_page, was_playing = 0.0, time.monotonic(), 0.0, 0.0, False
        while not cancel.is_set():
            try:
                job = jobs.get(timeout=TICK if playing.value else 0.1)
            except queue.Empty:
                job = None
            if cancel.is_set():
                break
            if job is not None:
                run_job(*job)
                continue
            now = time.monotonic()
            if playing.value and sim.running:
                if not was_playing:
                    owed, last, was_playing = 1.0, now, True
                    PLAYING.change(+1)
                owed = min(owed + (now - last) * speed.value, float(speed.value))
                last = now
                weeks = int(owed)
                if weeks >= 1:
                    owed -= weeks
                    try:
                        sim.step(weeks)
                    except Exception as exc:  # noqa: BLE001 - shown on the page
                        log.exception("wijksim app: step failed")
                        error.set(("error.run", {"message": f"{type(exc).__name__}: {exc}"}))
                        playing.set(False)
                    if not sim.running:
                        playing.set(False)
                    chart_every, page_every = intervals()
                    if now - last_page >= page_every or not sim.running:
                        last_page = last_chart = now
                        refresh()  # the week, the cards and the charts
                    elif now - last_chart >= chart_every:
                        last_chart = now
                        feed.update()  # only the chart, without a render pass
            elif was_playing:
                was_playing = False
                PLAYING.change(-1)
                refresh()
        if was_playing:  # the tab closed while playing
            PLAYING.change(-1)
        end_after_close()

    solara.use_thread(worker, dependencies=[], intrusive_cancel=False)

    # -- handlers

    def submit(kind: str, arg: Any = None, busy_key: str = "") -> None:
        if busy_key:
            busy.set(busy_key)
        jobs.put((kind, arg))

    def parsed_inputs() -> tuple[int | None, int | None, list[InputError]]:
        problems: list[InputError] = []
        seed = households = None
        try:
            seed = parse_whole(seed_text.value, *SEED_RANGE, tr(lang.value, "settings.seed"))
        except InputError as exc:
            problems.append(exc)
        try:
            households = parse_whole(households_text.value, *HOUSEHOLDS_RANGE,
                                     tr(lang.value, "settings.households"), optional=True)
        except InputError as exc:
            problems.append(exc)
        return seed, households, problems

    def on_reset() -> None:
        seed, households, problems = parsed_inputs()
        if problems:
            refused.set(True)
            return
        refused.set(False)
        playing.set(False)
        new = replace(settings.value, seed=int(seed), households=households)
        settings.set(new)
        submit("reset", new, "busy.reset")

    def on_apply() -> None:
        """Enter or Apply: start again with the typed seed and size (nothing when unchanged)."""
        if inputs_pending(sim, seed_text.value, households_text.value):
            on_reset()
        else:
            refused.set(False)

    def start_from(new: Settings) -> None:
        """Start again with ``new``: the fields show its seed and size, the run is rebuilt."""
        seed_text.set(str(new.seed))
        households_text.set("" if new.households is None else str(new.households))
        refused.set(False)
        playing.set(False)
        settings.set(new)
        submit("reset", new, "busy.reset")

    def on_preset(name: str) -> None:
        """A preset chosen (the same one again too): its own levers, seed and size."""
        if not name:
            return
        try:
            new = settings_for_preset(name)
        except WijksimError as exc:
            error.set(("error.config", {"message": exc.one_line()}))
            return
        ignored.set(())
        start_from(new)

    def on_navigate(search: str) -> Settings | None:
        """The browser went back or forward to another URL: its scenario from week 0."""
        asked = parse_query(search, start.presets)
        try:
            new = apply_link(asked, settings_for_preset(asked.preset or settings.value.preset))
        except WijksimError as exc:
            error.set(("error.config", {"message": exc.one_line()}))
            return None
        ignored.set(asked.ignored)
        start_from(new)
        return new

    def on_levers(change: Callable[[Levers], Levers]) -> None:
        """A lever moved: ``change`` applies to the levers on the page now.

        So a callback from an older render (a widget catching up after a preset was chosen)
        changes only its own lever, never puts back the others it saw then.
        """
        levers = change(settings.value.levers)
        if levers == settings.value.levers:
            return
        settings.set(replace(settings.value, levers=levers))
        submit("levers", levers)

    def on_class_settings(new: Settings) -> None:
        """A group joined a class: the class's wijk, seed and starting levers, from week 0."""
        seed_text.set(str(new.seed))
        households_text.set(str(new.households) if new.households is not None else "")
        refused.set(False)
        playing.set(False)
        settings.set(new)
        submit("reset", new, "busy.reset")

    use_url(settings.value, on_navigate)

    # -- view

    L = lang.value
    seed, households, problems = parsed_inputs()
    busy_now = bool(busy.value)
    solara.Title("wijksim")
    solara.Style(CSS)
    with solara.Column(gap="10px", style={"max-width": "1600px", "margin": "0 auto"}):
        Header(lang)
        with solara.Column(gap="4px", classes=["messages"]):  # a fixed slot: no remounts below
            if error.value is not None:
                key, values = error.value
                solara.Error(tr(L, key, **values), classes=["app-error"])
            if refused.value and problems:
                solara.Error(" ".join(problem_text(L, p) for p in problems),
                             classes=["input-error"])
            if ignored.value:
                solara.Warning(tr(L, "link.ignored", items="; ".join(ignored.value)),
                               classes=["link-notice"], dense=True)
        if lecture.value is not None:
            LecturerView(L, lecture)
        with solara.Columns([1, 3], gutters_dense=True):
            with solara.Column(gap="6px"):
                ClassPanel(L, sim, settings.value, member, lecture, on_class_settings, busy_now)
                if member.value is None:  # a group in a class keeps the class's wijk and seed
                    SettingsPanel(L, start.presets, settings.value, seed_text, households_text,
                                  problems, sim, busy_now, on_preset, on_apply)
                LeverPanel(L, settings.value.levers, on_levers, busy_now)
            with solara.Column(gap="10px"):
                Controls(L, sim, version, playing, speed, busy, progress.value,
                         on_step=lambda: submit("step", 1),
                         on_year=lambda: submit("step", YEAR, "busy.year"),
                         on_reset=on_reset)
                KpiCards(L, sim, version)
                ChartsPanel(L, sim, version, wijk_choice, feed)
                with solara.Columns([2, 3], gutters_dense=True):
                    NetworkPanel(L, sim, version, wijk_index(sim, wijk_choice.value))
                    with solara.Column(gap="10px"):
                        ComparePanel(L, sim, version, busy_now,
                                     on_compare=lambda: submit("compare", None, "busy.compare"),
                                     on_stop=lambda: submit("stop_compare"))
                        PairedPanel(L, sim, job_version.value, busy_now,
                                    on_paired=lambda arg: submit("paired", arg, "busy.paired"),
                                    on_save=lambda name: submit("save", name))
                        DownloadPanel(L, sim, job_version.value)
                TeacherPanel(L, sim.settings.preset if sim.settings else settings.value.preset)


# --------------------------------------------------------------------------- parts


@solara.component
def Header(lang: solara.Reactive[str]):
    """Title, subtitle and the language switch."""
    L = lang.value
    with solara.Row(classes=["wijksim-header"], justify="space-between",
                    style={"align-items": "center"}):
        with solara.Column(gap="0px"):
            solara.HTML(tag="h1", unsafe_innerHTML=html.escape(tr(L, "app.title")))
            solara.Text(tr(L, "app.subtitle"), classes=["subtitle"])
        with solara.Row(style={"align-items": "center"}):
            solara.Text(tr(L, "app.language"))
            with solara.ToggleButtonsSingle(value=lang, dense=True, classes=["lang-switch"]):
                for code in LANGUAGES:
                    solara.Button(code.upper(), value=code, classes=[f"lang-{code}"])


def preset_title(name: str, L: str) -> str:
    """A preset's name for people: its title in language ``L``, else the file's name."""
    notes = notes_for(name, L)
    return notes.title if notes is not None and notes.title else name


def preset_items(presets: list[str], L: str) -> list[dict[str, str]]:
    """The picker's items: each preset's title and one-line summary in language ``L``.

    A preset without notes (a config of one's own) shows its file name and description.
    """
    items = []
    for name in presets:
        notes = notes_for(name, L)
        if notes is not None:
            description = notes.summary
        else:
            try:
                description = load_preset(name).description
            except WijksimError:
                description = ""
        items.append({"value": name, "text": preset_title(name, L),
                      "description": description})
    return items


def inputs_pending(sim: Simulation, seed_text: str, households_text: str) -> bool:
    """Whether the typed seed or size differs from what the run in force was built with."""
    applied = sim.settings
    if applied is None:
        return False
    size = str(applied.households) if applied.households is not None else ""
    return seed_text.strip() != str(applied.seed) or households_text.strip() != size


@solara.component
def DraftInput(label: str, draft: solara.Reactive[str], on_confirm: Callable[[], None],
               css: str, error: str | bool = False, message: str = "", placeholder: str = ""):
    """A text field that keeps what is typed, whatever redraws the page meanwhile.

    Every keystroke goes to ``draft`` (so a redraw while the model plays or after a Reset sets
    the field to what was typed, never back to an older value); Enter calls ``on_confirm``.
    """
    messages = [error] if isinstance(error, str) and error else ([message] if message else [])
    field = rv.TextField(label=label, v_model=draft.value, on_v_model=draft.set, class_=css,
                         dense=True, error=bool(error), messages=messages,
                         placeholder=placeholder, hide_details="auto")
    use_change(field, lambda _typed: on_confirm(), update_events=["keyup.enter"])
    return field


@solara.component
def SettingsPanel(L: str, presets: list[str], settings: Settings,
                  seed_text: solara.Reactive[str], households_text: solara.Reactive[str],
                  problems: list[InputError], sim: Simulation, busy: bool, on_preset, on_apply):
    """Preset, seed and households, with their checks and the values in force.

    Typed values are drafts: Enter or Apply starts the run again with them.
    """
    errors = {p.values.get("field"): problem_text(L, p) for p in problems}
    seed_label, hh_label = tr(L, "settings.seed"), tr(L, "settings.households")
    pending = inputs_pending(sim, seed_text.value, households_text.value)
    items = solara.use_memo(lambda: preset_items(presets, L), [tuple(presets), L])
    with solara.Card(margin=0, classes=["settings-panel"]):
        solara.Text(tr(L, "settings.title"), classes=["panel-title"])
        with solara.Div(style={"margin-top": "14px"}):
            PresetPicker.element(label=tr(L, "settings.preset"), value=settings.preset,
                                 items=items, disabled=busy, on_pick=on_preset)
        solara.Text(tr(L, "settings.preset_help"), classes=["hint"])
        solara.Button(tr(L, "settings.restore"), icon_name="mdi-backup-restore", small=True,
                      outlined=True, classes=["restore-button"], disabled=busy,
                      on_click=lambda: on_preset(settings.preset), style={"margin-top": "4px"})
        solara.Text(tr(L, "settings.link_help"), classes=["hint", "link-help"])
        with solara.Row(gap="8px", style={"padding-top": "22px"}):
            DraftInput(seed_label, seed_text, on_apply, "seed-input",
                       error=errors.get(seed_label, False), message=tr(L, "settings.seed_help"))
            DraftInput(hh_label, households_text, on_apply, "households-input",
                       error=errors.get(hh_label, False),
                       message=tr(L, "settings.households_help"),
                       placeholder=str(sim.model.hh.n) if sim.model is not None else "")
        with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Button(tr(L, "settings.apply"), icon_name="mdi-check", small=True,
                          outlined=True, classes=["apply-button"], on_click=on_apply,
                          disabled=busy or not pending)
            if sim.settings is not None and sim.model is not None:
                solara.Text(tr(L, "settings.in_force", seed=sim.settings.seed,
                               households=fmt_number(sim.model.hh.n, L, 0)),
                            classes=["hint", "in-force"])
        if pending and not problems:
            solara.Text(tr(L, "settings.pending"), classes=["hint", "pending-hint"])


@solara.component
def LeverPanel(L: str, levers: Levers, on_levers, busy: bool):
    """The policy levers: each with its unit, value and a one-line explanation."""

    def label(name: str, shown: str) -> None:
        unit = tr(L, f"lever.{name}.unit")
        solara.HTML(tag="div", classes=["lever-label"], unsafe_innerHTML=(
            f"{html.escape(tr(L, f'lever.{name}.label'))}"
            f"<span class='lever-value lever-value-{name}'>{html.escape(shown)} "
            f"<small>{html.escape(unit)}</small></span>"))

    def help_line(name: str) -> None:
        solara.Text(tr(L, f"lever.{name}.help"), classes=["lever-help"])

    def set_value(name: str, value: float) -> None:
        spec = LEVER_SPECS[name]
        value = value / 100.0 if spec.percent else value
        value = int(value) if name == "maatwerk_stage" else round(float(value), 4)
        on_levers(lambda lv: replace(lv, **{name: value}))

    with solara.Card(margin=0, classes=["lever-panel"]):
        solara.Text(tr(L, "levers.title"), classes=["panel-title"])
        solara.Text(tr(L, "levers.live"), classes=["hint"])
        for name, spec in LEVER_SPECS.items():
            if name == "maatwerk_stage":
                continue
            value = getattr(levers, name)
            with solara.Column(gap="0px", classes=["lever", f"lever-{name}"]):
                if spec.percent:
                    label(name, fmt_number(value * 100, L, 0))
                    solara.SliderInt("", value=int(round(value * 100)), min=int(spec.lo * 100),
                                     max=int(spec.hi * 100), step=int(round(spec.step * 100)),
                                     on_value=lambda v, n=name: set_value(n, v),
                                     disabled=busy, thumb_label=False)
                else:
                    label(name, fmt_number(value, L, 2))
                    solara.SliderFloat("", value=float(value), min=spec.lo, max=spec.hi,
                                       step=spec.step, on_value=lambda v, n=name: set_value(n, v),
                                       disabled=busy, thumb_label=False)
                help_line(name)
            if name == "fte_per_1000":
                with solara.Column(gap="0px", classes=["lever", "lever-structure"]):
                    label("structure", tr(L, f"structure.{levers.structure}"))
                    with solara.ToggleButtonsSingle(
                        value=levers.structure, dense=True, classes=["structure-switch"],
                        on_value=lambda v: on_levers(lambda lv: replace(lv, structure=v)),
                    ):
                        for s in STRUCTURES:
                            solara.Button(tr(L, f"structure.{s}"), value=s, disabled=busy,
                                          classes=[f"structure-{s}"], small=True)
                    help_line("structure")
        with solara.Column(gap="0px", classes=["lever", "lever-maatwerk_stage"]):
            spec = LEVER_SPECS["maatwerk_stage"]
            label("maatwerk_stage", str(levers.maatwerk_stage))
            solara.SliderInt("", value=int(levers.maatwerk_stage), min=int(spec.lo),
                             max=int(spec.hi), step=1, disabled=busy, thumb_label=False,
                             on_value=lambda v: set_value("maatwerk_stage", v))
            help_line("maatwerk_stage")
        with solara.Column(gap="0px", classes=["lever", "lever-partners"]):
            label("partners", f"{len(levers.partners)}/{len(PARTNER_KINDS)}")
            for kind in PARTNER_KINDS:
                solara.Checkbox(
                    label=tr(L, f"partner.{kind}"), value=kind in levers.partners, disabled=busy,
                    on_value=lambda v, k=kind: on_levers(lambda lv: lv.with_partner(k, v)))
            help_line("partners")
        PolicyCycleLevers(L, levers, on_levers, busy, label, help_line)


def PolicyCycleLevers(L: str, levers: Levers, on_levers, busy: bool, label, help_line) -> None:
    """The policy cycle's levers: reallocate, how policy hears practice, how often it reviews."""
    choices = (
        ("reallocate", (True, False), lambda v: f"reallocate.{'on' if v else 'off'}"),
        ("practice_link", PRACTICE_LINKS, lambda v: f"practice_link.{v}"),
        ("cycle_weeks", CYCLES, None),
    )
    for name, values, key in choices:
        value = getattr(levers, name)
        shown = tr(L, key(value)) if key else str(value)
        with solara.Column(gap="0px", classes=["lever", f"lever-{name}"]):
            label(name, shown)
            with solara.ToggleButtonsSingle(
                value=value, dense=True, classes=[f"{name}-switch"],
                on_value=lambda v, n=name: on_levers(lambda lv: replace(lv, **{n: v})),
            ):
                for v in values:
                    solara.Button(tr(L, key(v)) if key else str(v), value=v, disabled=busy,
                                  classes=[f"{name}-{str(v).lower()}"], small=True)
            help_line(name)


@solara.component
def Controls(L: str, sim: Simulation, version: solara.Reactive[int],
             playing: solara.Reactive[bool], speed: solara.Reactive[int],
             busy: solara.Reactive[str], progress: float, on_step, on_year, on_reset):
    """Play / Pause, Step, 1 year, Reset, the speed, the week and progress."""
    _ = version.value  # re-rendered with every week shown, not the whole page
    can_run = sim.running and not busy.value
    with solara.Card(margin=0, classes=["controls"]):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="8px"):
            solara.Button(tr(L, "controls.pause") if playing.value else tr(L, "controls.play"),
                          icon_name="mdi-pause" if playing.value else "mdi-play",
                          color="primary", classes=["play-button"],
                          disabled=not (can_run or playing.value),
                          on_click=lambda: playing.set(not playing.value))
            solara.Button(tr(L, "controls.step"), icon_name="mdi-step-forward",
                          classes=["step-button"], disabled=playing.value or not can_run,
                          on_click=on_step, outlined=True)
            solara.Button(tr(L, "controls.year"), icon_name="mdi-fast-forward",
                          classes=["year-button"], disabled=playing.value or not can_run,
                          on_click=on_year, outlined=True)
            solara.Button(tr(L, "controls.reset"), icon_name="mdi-restart",
                          classes=["reset-button"], disabled=bool(busy.value),
                          on_click=on_reset, outlined=True, color="secondary")
            with solara.Column(gap="0px", style={"min-width": "220px", "flex": "1 1 220px"},
                               classes=["speed"]):
                solara.Text(f"{tr(L, 'controls.speed')}: {speed.value} "
                            f"{tr(L, 'controls.speed_unit')}", classes=["hint"])
                solara.SliderValue("", value=speed, values=SPEEDS)
            solara.Text(tr(L, "controls.week", week=sim.week, weeks=sim.horizon),
                        classes=["week-label"])
        if sim.model is not None and sim.model.warmup_weeks and sim.week == 0:
            solara.Text(tr(L, "controls.warmup", warmup=sim.model.warmup_weeks),
                        classes=["hint"])
        if sim.model is not None and not sim.running:
            solara.Text(tr(L, "controls.end"), classes=["hint", "end-hint"])
        if busy.value:
            solara.Text(tr(L, "controls.busy", what=tr(L, busy.value)), classes=["hint"])
            solara.ProgressLinear(progress * 100 if progress > 0 else True)


#: KPI cards: KPI, decimals, and whether it is a share shown in percent.
CARDS: tuple[tuple[str, int, bool], ...] = (
    ("escalations_per_1000", 1, False),
    ("time_to_help_weeks", 1, False),
    ("waiting_list", 1, False),
    ("workload", 2, False),
    ("turnover_rate", 0, True),
)


#: How the cards write each KPI: decimals, and whether in percent.
CARD_FORMAT: dict[str, tuple[int, bool]] = {kpi: (d, p) for kpi, d, p in CARDS}


def _show(value: float | None, L: str, decimals: int, percent: bool) -> str:
    if value is None:
        return "–"
    return (fmt_number(value * 100, L, decimals) + "%") if percent else fmt_number(
        value, L, decimals)


@solara.component
def KpiCards(L: str, sim: Simulation, version: solara.Reactive[int]):
    """The key figures, averaged over the last weeks; with the baseline when comparing."""
    _ = version.value  # re-rendered with every week shown
    now = sim.card_values()
    base = sim.card_values(baseline=True) if sim.comparing else {}
    solara.Text(f"{tr(L, 'kpis.title')} ({tr(L, 'kpis.window', n=CARD_WINDOW)})",
                classes=["panel-title"])
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}, classes=["kpi-row"]):
        for kpi, decimals, percent in CARDS:
            value = now.get(kpi)
            parts = [
                f"<div class='kpi-name'>{html.escape(tr(L, f'kpi.{kpi}'))}</div>",
                f"<div class='kpi-value' data-kpi='{kpi}'>"
                f"{html.escape(_show(value, L, decimals, percent))}</div>",
                f"<div class='kpi-unit'>{html.escape(tr(L, f'kpi.{kpi}.unit'))}</div>",
            ]
            if base:
                b = base.get(kpi)
                parts.append(f"<div class='kpi-base'>{html.escape(tr(L, 'compare.baseline'))}: "
                             f"{html.escape(_show(b, L, decimals, percent))}</div>")
            solara.HTML(tag="div", classes=["kpi-card", f"kpi-{kpi}"],
                        unsafe_innerHTML="".join(parts))
        CostsCard(L, sim, now, base)


#: The costs card: the gemeente's budget item by item, then what others pay.
COST_ROWS: tuple[tuple[str, str], ...] = (
    ("costs.gemeente", "cost_gemeente"), ("", "cost_team"), ("", "cost_sociale_basis"),
    ("", "cost_wmo"), ("", "cost_youth"), ("", "cost_debt_relief"), ("", "cost_reintegration"),
    ("costs.others", "cost_wlz"), ("", "cost_other"), ("", "cost_total"),
)


@solara.component
def CostsCard(L: str, sim: Simulation, now: dict[str, float], base: dict[str, float]):
    """Costs as a gemeente reads them: its own budget first, per year and so far; others apart."""
    weeks = max(sim.week, 0)
    with sim.lock:
        reported = [r for r in sim.history if r["week"] >= 1]
    so_far = {part: math.fsum(v for r in reported if not math.isnan(v := r.get(part, 0.0)))
              for _, part in COST_ROWS} if reported else {}
    head = [tr(L, "costs.per_year"), tr(L, "costs.so_far", week=weeks)]
    if base:
        head.append(f"{tr(L, 'charts.baseline')} ({tr(L, 'costs.per_year')})")
    rows = ["<tr><td></td>" + "".join(f"<td class='num kpi-base'>{html.escape(h)}</td>"
                                       for h in head) + "</tr>"]
    for group, part in COST_ROWS:
        if group:
            rows.append(f"<tr class='cost-group'><td colspan='{len(head) + 1}'>"
                        f"{html.escape(tr(L, group))}</td></tr>")
        total = so_far[part] / 52.0 if part in so_far else None
        cells = [fmt_euro(now.get(part), L), fmt_euro(total, L)]
        if base:
            cells.append(fmt_euro(base.get(part), L))
        style = " style='font-weight:600'" if part in ("cost_gemeente", "cost_total") else ""
        rows.append(f"<tr{style} data-cost='{part}'><td>{html.escape(tr(L, f'kpi.{part}'))}</td>"
                    + "".join(f"<td class='num'>{html.escape(c)}</td>" for c in cells) + "</tr>")
    solara.HTML(tag="div", classes=["kpi-card", "kpi-costs"], style="flex: 2 1 300px",
                unsafe_innerHTML=(
                    f"<div class='kpi-name'>{html.escape(tr(L, 'kpi.costs'))} "
                    f"<span class='kpi-unit'>({html.escape(tr(L, 'costs.unit'))})</span></div>"
                    f"<table>{''.join(rows)}</table>"))


def use_png(make: Callable[[], Figure | None], dependencies: list,
            every: float = 0.0) -> bytes | None:
    """A matplotlib figure rendered to PNG in a background thread (solara.use_thread).

    The page never waits for matplotlib: it shows the last finished image until the new one
    is ready. A new request waits ``every`` seconds after the last image and then for the
    process-wide :data:`~wijksim.app.render_slot.SLOT`; a newer request cancels one still
    waiting (a stale frame is dropped). The figure is drawn with the Agg canvas on the server,
    so it needs nothing from a CDN.
    """
    last = solara.use_ref(None)
    drawn_at = solara.use_ref(0.0)

    def work(cancel: threading.Event) -> bytes | None:
        if cancel.wait(max(drawn_at.current + every - time.monotonic(), 0.0)):
            end_after_close()
            return last.current

        def draw() -> bytes | None:
            fig = make()
            return charts.figure_png(fig) if fig is not None else None

        png = SLOT.run(draw, cancel)
        if png is None:
            end_after_close()
            return last.current
        drawn_at.current = time.monotonic()
        return png

    result = solara.use_thread(work, dependencies=dependencies, intrusive_cancel=False)
    if result.state == solara.ResultState.FINISHED and result.value is not None:
        last.current = result.value
    elif result.state == solara.ResultState.ERROR and result.error is not None:
        log.error("wijksim app: a figure failed: %r", result.error)
    return last.current


def chart_png(sim: Simulation, L: str) -> bytes:
    """The time series as a PNG (matplotlib), drawn when the download button is clicked."""
    with sim.lock:
        policy = sim.frame()
        base = sim.frame(baseline=True) if sim.comparing else None
        changes = list(sim.lever_changes)
    return SLOT.run(lambda: charts.figure_png(
        charts.timeseries_figure(policy, base, changes, L))) or b""


@solara.component
def ChartsPanel(L: str, sim: Simulation, version: solara.Reactive[int],
                wijk_choice: solara.Reactive[str], feed: ChartFeed | None = None):
    """The time series, drawn in the browser (webchart.EChart): the server sends the data.

    Redrawn when the run shown moves on (``version``) or the language changes, and by the
    session's worker through ``feed`` in between; the lever changes are numbered on the chart
    and listed below it.
    """
    stamp = version.value

    def make() -> tuple[dict[str, Any], list[str]]:
        with sim.lock:
            policy = charts.history_frame(sim.history, charts.CHART_COLUMNS)
            base = (charts.history_frame(sim.baseline_history, charts.CHART_COLUMNS)
                    if sim.comparing else None)
            changes = list(sim.lever_changes)
            timeline = list(sim.lever_timeline)
        return (charts.timeseries_option(policy, base, changes, L),
                charts.lever_change_caption(timeline, L))

    option, caption = solara.use_memo(make, [stamp, L])
    if feed is not None:
        feed.make = lambda: make()[0]
    get_png = solara.use_memo(lambda: (lambda: chart_png(sim, L)), [L])
    with solara.Card(margin=0, classes=["charts"]):
        solara.Text(tr(L, "charts.title"), classes=["panel-title"])
        with solara.Column(classes=["chart", "timeseries-chart"]):
            chart = EChart.element(spec=json_option(option), name="timeseries", height="540px")
        if sim.week < 1:
            solara.Text(tr(L, "charts.empty"), classes=["hint"])
        if caption:
            solara.HTML(tag="div", classes=["hint", "lever-changes"], unsafe_innerHTML=(
                f"<b>{html.escape(tr(L, 'charts.changes'))}</b> "
                + " &nbsp; ".join(html.escape(line) for line in caption)))
        with solara.Div(classes=["chart-download"]):
            solara.FileDownload(get_png, filename="wijksim_chart.png",
                                label=tr(L, "download.png"), mime_type="image/png")
    solara.use_effect(
        lambda: feed.attach(solara.get_widget(chart)) if feed is not None else None, [])
    if sim.model is not None and sim.model.n_wijken > 1:
        WijkPanel(L, sim, version, wijk_choice)


def wijk_index(sim: Simulation, name: str) -> int:
    """The row of the wijk called ``name`` (the first wijk when none is chosen)."""
    names = sim.model.cfg.wijk_names() if sim.model is not None else []
    return names.index(name) if name in names else 0


@solara.component
def WijkPanel(L: str, sim: Simulation, version: solara.Reactive[int],
              chosen: solara.Reactive[str]):
    """A multi-wijk run: the chosen wijk's time series (and network), or small multiples."""
    names = sim.model.cfg.wijk_names() if sim.model is not None else []
    everyone = tr(L, "wijk.all")
    stamp = version.value

    def make() -> dict[str, Any] | None:
        frame = sim.wijk_frame()
        if frame.empty:
            return None
        if chosen.value in names:
            one = frame[frame["wijk"] == chosen.value].reset_index(drop=True)
            return charts.timeseries_option(one, None, list(sim.lever_changes), L)
        return charts.wijk_option(frame, L)

    option = solara.use_memo(make, [stamp, L, chosen.value])
    with solara.Card(margin=0, classes=["wijk-panel"]):
        solara.Text(tr(L, "wijk.multiples"), classes=["panel-title"])
        solara.Select(tr(L, "wijk.pick"), values=[everyone, *names],
                      value=chosen.value if chosen.value in names else everyone,
                      on_value=chosen.set, classes=["wijk-select"])
        with solara.Column(classes=["chart", "wijk-chart"]):
            if option is not None:
                EChart.element(spec=json_option(option), name="wijken",
                               height="540px" if chosen.value in names else "320px")
            elif sim.week >= 1:
                solara.ProgressLinear(True)


#: Seconds between two drawings of a session's network view (a matplotlib image) while playing.
NETWORK_EVERY = 4.0


@solara.component
def NetworkPanel(L: str, sim: Simulation, version: solara.Reactive[int], wijk: int = 0):
    """The network of a sample of households (layout cached per model).

    Drawn on the server, at most every :data:`NETWORK_EVERY` seconds and within the shared
    drawing budget (:mod:`wijksim.app.render_slot`), so a class playing at once keeps going.
    """
    stamp = version.value

    def make() -> Figure | None:
        with sim.lock:
            sample = network_view.cached_sample(sim, wijk)
            if sample is None:
                return None
            state = network_view.snapshot(sim.model, sample)
        return network_view.network_figure(state, sample, L)

    png = use_png(make, [stamp, L, wijk], every=NETWORK_EVERY)
    with solara.Card(margin=0, classes=["network"]):
        with solara.Column(classes=["chart", "network-chart"]):
            if png is not None:
                rw.Image(value=png, format="png")
            else:
                solara.ProgressLinear(True)
        solara.Text(tr(L, "network.caption"), classes=["hint"])


@solara.component
def ComparePanel(L: str, sim: Simulation, version: solara.Reactive[int], busy: bool,
                 on_compare, on_stop):
    """The chosen policy against the baseline on the same seed, with the difference."""
    _ = version.value  # re-rendered with every week shown
    with solara.Card(margin=0, classes=["compare-panel"]):
        solara.Text(tr(L, "compare.title"), classes=["panel-title"])
        solara.Text(tr(L, "compare.help"), classes=["hint"])
        if not sim.comparing:
            solara.Button(tr(L, "compare.button"), icon_name="mdi-compare", color="primary",
                          classes=["compare-button"], disabled=busy or sim.model is None,
                          on_click=on_compare)
            return
        solara.Button(tr(L, "compare.stop"), icon_name="mdi-close", classes=["stop-compare"],
                      outlined=True, disabled=busy, on_click=on_stop)
        if sim.week < 1:
            solara.Text(tr(L, "compare.need_weeks"), classes=["hint"])
            return
        now, base = sim.card_values(), sim.card_values(baseline=True)  # as the cards show
        rows = []
        for kpi in charts.COMPARE_KPIS:
            row = SimpleNamespace(kpi=kpi, policy=now.get(kpi, math.nan),
                                  baseline=base.get(kpi, math.nan))
            is_cost = row.kpi.startswith("cost_")
            name = tr(L, f"kpi.{row.kpi}")
            decimals, percent = CARD_FORMAT.get(kpi, (2, False))  # as the cards write it
            shown = ((lambda v: fmt_euro(v, L)) if is_cost
                     else (lambda v, d=decimals, p=percent: _show(v, L, d, p)))
            diff = row.policy - row.baseline
            sign = "+" if diff > 0 else ""
            colour = charts.difference_colour(row.kpi, diff)
            rows.append(
                f"<tr data-kpi='{row.kpi}'><td>{html.escape(name)}</td>"
                f"<td class='num'>{html.escape(shown(row.policy))}</td>"
                f"<td class='num'>{html.escape(shown(row.baseline))}</td>"
                f"<td class='num diff' style='color:{colour}'>"
                f"{html.escape(sign + shown(diff))}</td></tr>")
        head = "".join(f"<th>{html.escape(tr(L, k))}</th>" for k in
                       ("compare.kpi", "compare.policy", "compare.baseline", "compare.difference"))
        solara.HTML(tag="div", classes=["compare-result"], unsafe_innerHTML=(
            f"<table class='compare-table'><tr>{head}</tr>{''.join(rows)}</table>"))
        solara.Text(tr(L, "compare.over", weeks=CARD_WINDOW), classes=["hint"])


@solara.component
def PairedPanel(L: str, sim: Simulation, version: int, busy: bool, on_paired, on_save):
    """Two scenarios on several paired seeds, with 95% intervals (the numbers the brief shows).

    The current scenario against the baseline or a saved one, over a chosen window.
    """
    reference = solara.use_reactive(BASELINE)
    seeds = solara.use_reactive(PAIRED_SEEDS)
    window = solara.use_reactive("all")
    name = solara.use_reactive("")
    with solara.Card(margin=0, classes=["paired-panel"]):
        solara.Text(tr(L, "paired.title"), classes=["panel-title"])
        solara.Text(tr(L, "paired.help"), classes=["hint"])
        with solara.Row(gap="6px", style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.InputText(tr(L, "paired.save"), value=name, classes=["save-name"],
                             continuous_update=True)
            solara.Button(tr(L, "paired.save_button"), icon_name="mdi-content-save",
                          classes=["save-button"], outlined=True,
                          disabled=busy or sim.model is None,
                          on_click=lambda: on_save(name.value))
        names = [BASELINE, *sim.saved]
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            solara.Select(tr(L, "paired.reference"), values=names, value=reference,
                          classes=["reference-select"])
            solara.Select(tr(L, "paired.seeds"), values=[2, 3, 5, 10], value=seeds,
                          classes=["seeds-select"])
            rv.Select(label=tr(L, "paired.window"), v_model=window.value,
                      on_v_model=window.set, class_="window-select",
                      items=[{"text": tr(L, f"paired.window.{w}"), "value": w}
                             for w in APP_WINDOWS])
        solara.Button(tr(L, "paired.button"), icon_name="mdi-scale-balance", color="primary",
                      classes=["paired-button"], disabled=busy or sim.model is None,
                      on_click=lambda: on_paired((reference.value, seeds.value, window.value)))
        comparison = sim.paired
        if comparison is None:
            return
        a, b = comparison.names
        head = "".join(f"<th>{html.escape(h)}</th>" for h in (
            tr(L, "compare.kpi"), a, b, tr(L, "compare.difference"), tr(L, "paired.interval")))
        body = []
        for row in report.kpi_rows(comparison, PAIRED_KPIS, L):
            mark = " *" if row["significant"] else ""
            body.append(f"<tr data-kpi='{row['kpi']}'><td>{html.escape(row['label'])} "
                        f"<span class='kpi-unit'>({html.escape(row['unit'])})</span></td>"
                        + "".join(f"<td class='num'>{html.escape(row[k])}</td>"
                                  for k in ("a", "b"))
                        + f"<td class='num diff'>{html.escape(row['diff'] + mark)}</td>"
                        f"<td class='num'>{html.escape(row['ci'])}</td></tr>")
        solara.HTML(tag="div", classes=["paired-result"], unsafe_innerHTML=(
            f"<table class='compare-table'><tr>{head}</tr>{''.join(body)}</table>"))
        n = int(comparison.table["n"].max())
        solara.Text(tr(L, "paired.over", a=a, b=b, first=comparison.first, last=comparison.last,
                       n=n), classes=["hint"])


#: The rows of the paired comparison in the app (the brief shows every measure).
PAIRED_KPIS: tuple[str, ...] = ("cost_gemeente", "cost_wlz", "waiting_list", "workload",
                                "escalations_per_1000", "time_to_help_weeks", "unmet_need",
                                "wmo_clients_year_per_1000")


@solara.component
def DownloadPanel(L: str, sim: Simulation, version: int):
    """The results as CSV (made when the button is clicked)."""
    get_csv = solara.use_memo(lambda: (lambda: sim.csv(L)), [L])
    get_brief = solara.use_memo(lambda: (lambda: sim.brief_html(L)), [L])
    preset = sim.settings.preset if sim.settings else "run"
    seed = sim.settings.seed if sim.settings else 0
    with solara.Card(margin=0, classes=["download-panel"]):
        solara.Text(tr(L, "download.title"), classes=["panel-title"])
        solara.Text(tr(L, "download.help"), classes=["hint"])
        solara.FileDownload(get_csv, filename=f"wijksim_{preset}_seed{seed}_{L}.csv",
                            label=tr(L, "download.button"), mime_type="text/csv")
        if sim.paired is not None:
            solara.Text(tr(L, "download.brief_help"), classes=["hint"])
            with solara.Div(classes=["brief-download"]):
                solara.FileDownload(get_brief, filename=f"wijksim_brief_{preset}_{L}.html",
                                    label=tr(L, "download.brief"), mime_type="text/html")


@solara.component
def TeacherPanel(L: str, preset: str):
    """What to notice / What to try for the preset (NetLogo's Info tab)."""
    notes = notes_for(preset, L)
    with solara.Card(margin=0, classes=["teacher"]):
        solara.Text(f"{tr(L, 'teach.title')}: {preset_title(preset, L)}",
                    classes=["panel-title"])
        if notes is None:
            try:
                description = load_preset(preset).description
            except WijksimError:
                description = ""
            solara.Text(description)
            solara.Text(tr(L, "teach.none"), classes=["hint"])
            return

        def items(lines: tuple[str, ...]) -> str:
            return "".join(f"<li>{html.escape(line)}</li>" for line in lines)

        solara.HTML(tag="p", classes=["teacher-about"], unsafe_innerHTML=(
            f"<b>{html.escape(tr(L, 'teach.about'))}:</b> {html.escape(notes.summary)}"))
        if not notes.notice and not notes.try_:
            solara.Text(tr(L, "teach.none"), classes=["hint"])
            return
        with solara.Columns([1, 1], gutters_dense=True, classes=["teacher-notes"]):
            for key, lines in (("teach.notice", notes.notice), ("teach.try", notes.try_)):
                solara.HTML(tag="div", classes=[key.replace(".", "-")], unsafe_innerHTML=(
                    f"<div class='panel-title'>{html.escape(tr(L, key))}</div>"
                    f"<ul>{items(lines)}</ul>"))
