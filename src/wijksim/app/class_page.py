"""The class exercise on the page: joining and opening class sessions, and the lecturer's view.

A group's status once joined; the lecturer's view shows every group's results side by side (a
table and one chart), live.

The shared state is :data:`wijksim.app.classroom.REGISTRY`; everything here is per session. A
group's session publishes its results once a second (a thread of its own, stopped when the group
leaves or the tab closes); the lecturer's view looks at the registry twice a second and redraws
only when something changed.
"""

from __future__ import annotations

import html
import math
import threading
from collections.abc import Callable
from urllib.parse import parse_qs

import reacton.ipyvuetify as rv
import solara

from wijksim.app import charts
from wijksim.app.access import CLIENT_HEADER
from wijksim.app.classroom import (
    CHART_KPIS,
    REGISTRY,
    TABLE_KPIS,
    ClassError,
    ClassView,
    GroupResult,
    Membership,
    group_result,
)
from wijksim.app.i18n import fmt_euro, fmt_number, tr
from wijksim.app.render_slot import end_after_close
from wijksim.app.session import Settings, Simulation
from wijksim.app.webchart import EChart, json_option
from wijksim.codes import PARTNER_KINDS

#: Seconds between a group's publications, and between the lecturer's looks at the registry.
PUBLISH_EVERY = 1.0
LOOK_EVERY = 0.5


def client_is_local() -> bool:
    """Whether this session's browser runs on the computer that runs the app.

    Read from the header the access gate sets (:mod:`wijksim.app.access`); a page served
    without the gate (a test, ``solara run``) counts as local.
    """
    headers = solara.lab.headers.value or {}
    values = headers.get(CLIENT_HEADER) or ["local"]
    return values[0] != "remote"


def code_in_url() -> str:
    """The class code of the page's address (``?class=CODE``), or ''."""
    try:
        search = solara.use_router().search or ""
    except Exception:  # noqa: BLE001 - no router (a test rendering the page)
        search = ""
    return (parse_qs(search).get("class") or [""])[0]


def same_wijk(a: Settings | None, b: Settings) -> bool:
    """Whether a session runs the class's wijk and seed (the levers may differ)."""
    return (a is not None and a.preset == b.preset and a.seed == b.seed
            and a.households == b.households)


@solara.component
def ClassPanel(L: str, sim: Simulation, settings: Settings,
               member: solara.Reactive[Membership | None],
               lecture: solara.Reactive[tuple[str, str] | None],
               on_class_settings: Callable[[Settings], None], busy: bool):
    """Join a class (a group) or open one (the lecturer); a group's status once joined."""
    code = solara.use_reactive(code_in_url())
    group = solara.use_reactive("")
    problem = solara.use_reactive(None)
    with solara.Card(margin=0, classes=["class-panel"]):
        solara.Text(tr(L, "class.title"), classes=["panel-title"])
        if member.value is not None:
            GroupStatus(L, sim, member, problem)
            return
        if problem.value is not None:
            key, values = problem.value
            solara.Error(tr(L, key, **values), classes=["class-error"], dense=True)
        solara.Text(tr(L, "class.help"), classes=["hint"])

        def join() -> None:
            try:
                joined = REGISTRY.join(code.value, group.value)
            except ClassError as exc:
                problem.set((exc.key, exc.values))
                return
            problem.set(None)
            member.set(joined)
            on_class_settings(joined.settings)

        with solara.Row(gap="6px", style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.InputText(tr(L, "class.code"), value=code, classes=["class-code"],
                             continuous_update=True)
            solara.InputText(tr(L, "class.group"), value=group, classes=["class-group"],
                             continuous_update=True)
            solara.Button(tr(L, "class.join"), icon_name="mdi-account-group",
                          classes=["class-join"], outlined=True, disabled=busy, on_click=join)
        if lecture.value is not None:
            return
        if not client_is_local():
            solara.Text(tr(L, "class.lecturer_only"), classes=["hint"])
            return

        def open_class() -> None:
            if sim.settings is None:
                return
            lecture.set(REGISTRY.open(sim.settings))

        current = sim.settings or settings
        solara.Button(tr(L, "class.open"), icon_name="mdi-google-classroom",
                      classes=["class-open"], color="primary", disabled=busy or sim.model is None,
                      on_click=open_class)
        solara.Text(tr(L, "class.open_help", preset=current.preset, seed=current.seed),
                    classes=["hint"])


@solara.component
def GroupStatus(L: str, sim: Simulation, member: solara.Reactive[Membership | None],
                problem: solara.Reactive[tuple[str, dict] | None]):
    """A group in a class: what it runs, a way out, and its results published once a second."""
    m = member.value

    def publish(cancel: threading.Event) -> None:
        last = None
        while not cancel.wait(PUBLISH_EVERY):
            if not REGISTRY.is_member(m):
                problem.set(("class.closed", {}))
                member.set(None)
                return
            if not same_wijk(sim.settings, m.settings):
                continue  # still building the class's wijk
            result = group_result(sim)
            if result is None:
                continue
            key = (result.week, result.levers)
            if key != last and REGISTRY.publish(m, result):
                last = key
        end_after_close()

    solara.use_thread(publish, dependencies=[m], intrusive_cancel=False)

    def leave() -> None:
        REGISTRY.leave(m)
        member.set(None)

    solara.Text(tr(L, "class.joined", group=m.group, code=m.code, preset=m.settings.preset,
                   seed=m.settings.seed), classes=["class-joined"])
    solara.Button(tr(L, "class.leave"), icon_name="mdi-exit-run", classes=["class-leave"],
                  outlined=True, small=True, on_click=leave)


def levers_text(result: GroupResult, L: str) -> str:
    """A group's levers in one short line."""
    lv = result.levers
    return (f"{fmt_number(lv.fte_per_1000, L, 2)} FTE · "
            f"{tr(L, 'lever.outreach_share.label').lower()} "
            f"{fmt_number(lv.outreach_share * 100, L, 0)}% · {tr(L, f'structure.{lv.structure}')}"
            f" · {len(lv.partners)}/{len(PARTNER_KINDS)} partners · "
            f"{tr(L, 'lever.network_first.label').lower()} "
            f"{fmt_number(lv.network_first * 100, L, 0)}% · maatwerk {lv.maatwerk_stage}")


def shown(kpi: str, value: float, L: str) -> str:
    """A KPI mean as the table writes it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kpi.startswith("cost_"):
        return fmt_euro(value, L)
    return fmt_number(value, L, 2 if kpi == "workload" else 1)


def class_table(view: ClassView, L: str) -> str:
    """The lecturer's table: a row per group (HTML)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in (
        tr(L, "class.col.group"), tr(L, "class.col.week"), tr(L, "class.col.levers"),
        *(tr(L, f"kpi.{k}") + (f" ({tr(L, 'costs.unit')})" if k.startswith("cost_") else "")
          for k in TABLE_KPIS)))
    rows = []
    for name, result in view.groups:
        if result is None:
            cells = ["–", "–", *("–" for _ in TABLE_KPIS)]
        else:
            cells = [f"{result.week}/{result.horizon}", levers_text(result, L),
                     *(shown(k, result.means.get(k, math.nan), L) for k in TABLE_KPIS)]
        rows.append(f"<tr data-group='{html.escape(name, quote=True)}'>"
                    f"<td>{html.escape(name)}</td>"
                    + "".join(f"<td class='{'num' if i != 1 else ''}'>{html.escape(c)}</td>"
                              for i, c in enumerate(cells)) + "</tr>")
    return f"<table class='compare-table class-table'><tr>{head}</tr>{''.join(rows)}</table>"


def class_chart(view: ClassView, kpi: str, L: str) -> dict:
    """One chart: ``kpi`` (4-week moving average) over the weeks, a line per group."""
    lines = {}
    scale = 1e6 if kpi.startswith("cost_") else 1.0
    for name, result in view.groups:
        if result is not None and kpi in result.series:
            weeks, values = result.series[kpi]
            lines[name] = (list(weeks), [v / scale for v in values])
    unit = tr(L, "charts.costs_m") if scale != 1.0 else tr(L, f"kpi.{kpi}.unit")
    return charts.lines_option(lines, tr(L, f"kpi.{kpi}"), unit, L)


@solara.component
def LecturerView(L: str, lecture: solara.Reactive[tuple[str, str] | None]):
    """Every group's results side by side, live: the table and one chart (a KPI to choose)."""
    code, token = lecture.value
    stamp = solara.use_reactive(REGISTRY.version(code))
    kpi = solara.use_reactive(CHART_KPIS[0])

    def look(cancel: threading.Event) -> None:
        while not cancel.wait(LOOK_EVERY):
            now = REGISTRY.version(code)
            if now != stamp.value:
                stamp.set(now)
        end_after_close()

    solara.use_thread(look, dependencies=[code], intrusive_cancel=False)
    try:
        view = REGISTRY.view(code, token) if stamp.value >= 0 else None
    except ClassError:
        view = None
    option = solara.use_memo(lambda: class_chart(view, kpi.value, L) if view else None,
                             [stamp.value, kpi.value, L])

    def close() -> None:
        REGISTRY.close(code, token)
        lecture.set(None)

    with solara.Card(margin=0, classes=["lecturer-view"]):
        if view is None:
            solara.Text(tr(L, "class.closed"), classes=["hint"])
            solara.Button(tr(L, "class.close"), on_click=lambda: lecture.set(None), small=True)
            return
        solara.Text(tr(L, "class.lecturer", code=code, preset=view.settings.preset,
                       seed=view.settings.seed), classes=["panel-title", "class-title"])
        solara.Text(tr(L, "class.join_how", code=code), classes=["hint"])
        if not view.groups:
            solara.Text(tr(L, "class.none_yet"), classes=["hint", "class-empty"])
        else:
            solara.HTML(tag="div", classes=["class-result"], unsafe_innerHTML=class_table(view, L))
            solara.Text(tr(L, "class.over"), classes=["hint"])
            rv.Select(label=tr(L, "class.chart_kpi"), v_model=kpi.value, on_v_model=kpi.set,
                      class_="class-kpi", dense=True, style_="max-width: 320px; margin-top: 14px",
                      items=[{"text": tr(L, f"kpi.{k}"), "value": k} for k in CHART_KPIS])
            EChart.element(spec=json_option(option), name="class", height="360px")
        solara.Button(tr(L, "class.close"), icon_name="mdi-close", classes=["class-close"],
                      outlined=True, small=True, on_click=close)
