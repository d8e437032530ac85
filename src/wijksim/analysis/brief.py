"""The brief for a council memo: two scenarios compared, on one self-contained HTML page.

``wijksim brief A.toml B.toml --out brief.html`` (and the app's "Download brief") run both
scenarios on the same seeds and render :data:`TEMPLATE` with Jinja2: the scenarios and their
levers, the gemeente's costs by payer per year and over the window, the paired comparison of
every KPI with 95% intervals, charts (embedded as images), the validation status of the patterns
the changed levers bear on, and what is needed to reproduce it (seeds, version, the configs).
The page loads nothing from anywhere: it opens offline and prints to PDF from the browser.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import jinja2
from matplotlib.figure import Figure

from wijksim.analysis import report
from wijksim.analysis.runner import RunResult, run_replicates
from wijksim.config import Config, dump_toml, flatten
from wijksim.kpis import REPORTED

#: The template of the page (in the package's templates folder).
TEMPLATE = "brief.html.j2"
#: The KPIs in the charts (the adviser's question: budget, waiting list, workload, escalations).
CHART_KPIS = ("cost_gemeente", "waiting_list", "workload", "escalations_per_1000")
#: The KPIs in the headline table after the costs.
HEADLINE_KPIS = ("waiting_list", "wait_weeks", "workload", "escalations_per_1000",
                 "time_to_help_weeks", "wmo_clients_year_per_1000", "unmet_need")

#: The page's words, per language (labels of KPIs come from the KPI table).
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Brief: {b} compared with {a}", "made": "Made with wijksim {version} on {date}.",
        "question": "What {b} changes against {a}, on the same households (paired seeds), "
        "averaged over weeks {first}-{last} ({years} years) of each run.",
        "scenarios": "Scenarios", "levers": "What differs between the scenarios",
        "field": "Setting", "costs": "Costs by payer", "per_year": "per year",
        "over": "over {years} years", "interval": "95% interval",
        "gemeente": "Gemeente budget", "others": "Paid by others", "total": "All payers",
        "kpis": "Residents, waiting list and workload", "all_kpis": "All measures",
        "kpi": "Measure", "unit": "Unit", "difference": "difference",
        "significant": "* the 95% interval of the difference excludes 0.",
        "charts": "Over time", "validation": "How far the model can be trusted here",
        "validation_intro": "The patterns (DESIGN.md) that bear on these levers, as the last "
        "`wijksim validate` ({date}, {scale} scale) found them:",
        "holds": "holds", "fails": "does not hold", "no_validation": "No validation report "
        "found: run `wijksim validate`.",
        "reproduce": "To reproduce", "seeds": "Seeds", "command": "Command",
        "config_of": "Config of {name}", "euro_note": "Amounts in thousands of euro.",
        "note_wlz": "The Wlz is paid from the Wlz fund (Rijk), not by the gemeente.",
        "window": "Window",
        "changes": "Lever changes during the run of {name}",
    },
    "nl": {
        "title": "Notitie: {b} vergeleken met {a}",
        "made": "Gemaakt met wijksim {version} op {date}.",
        "question": "Wat {b} verandert ten opzichte van {a}, bij dezelfde huishoudens "
        "(gepaarde seeds), gemiddeld over week {first}-{last} ({years} jaar) van elke run.",
        "scenarios": "Scenario's", "levers": "Waarin de scenario's verschillen",
        "field": "Instelling", "costs": "Kosten per betaler", "per_year": "per jaar",
        "over": "over {years} jaar", "interval": "95%-interval",
        "gemeente": "Budget gemeente", "others": "Betaald door anderen",
        "total": "Alle betalers", "kpis": "Inwoners, wachtlijst en werkdruk",
        "all_kpis": "Alle maten", "kpi": "Maat", "unit": "Eenheid", "difference": "verschil",
        "significant": "* het 95%-interval van het verschil sluit 0 uit.",
        "charts": "In de tijd", "validation": "Hoe ver het model hier te vertrouwen is",
        "validation_intro": "De patronen (DESIGN.md) die bij deze knoppen horen, zoals de "
        "laatste `wijksim validate` ({date}, schaal {scale}) ze vond:",
        "holds": "klopt", "fails": "klopt niet", "no_validation": "Geen validatierapport "
        "gevonden: draai `wijksim validate`.",
        "reproduce": "Reproduceren", "seeds": "Seeds", "command": "Opdracht",
        "config_of": "Configuratie van {name}", "euro_note": "Bedragen x € 1.000.",
        "note_wlz": "De Wlz wordt betaald uit het Wlz-fonds (Rijk), niet door de gemeente.",
        "window": "Periode",
        "changes": "Knopwijzigingen tijdens de run van {name}",
    },
}


@dataclass
class Scenario:
    """A scenario of the brief: its name, config and results."""

    name: str
    config: Config
    result: RunResult
    changes: list[str] = field(default_factory=list)  # lever changes during the run (app)


def run_scenarios(configs: dict[str, Config], replicates: int, seed: int | None = None,
                  advance: Callable[[int], None] | None = None) -> list[Scenario]:
    """Run each scenario on the same seeds."""
    return [Scenario(name, cfg, run_replicates(cfg, replicates, seed, advance))
            for name, cfg in configs.items()]


def changed_fields(a: Config, b: Config) -> list[tuple[str, Any, Any]]:
    """The config fields whose values differ between two scenarios (description aside)."""
    fa, fb = flatten(a), flatten(b)
    keys = [k for k in fa if k != "description" and fa.get(k) != fb.get(k)]
    keys += [k for k in fb if k not in fa]
    return [(k, fa.get(k), fb.get(k)) for k in keys]


def chart_png(scenarios: list[Scenario], first: int, last: int, lang: str) -> str:
    """The charts as a PNG data URI: one panel per chart KPI, a line per scenario."""
    fig = Figure(figsize=(10, 6.5), layout="constrained")
    axes = fig.subplots(2, 2, sharex=True)
    for ax, kpi in zip(axes.flat, CHART_KPIS, strict=True):
        for s in scenarios:
            weekly = s.result.timeseries.groupby("week")[kpi].mean()
            weekly = weekly.rolling(4, min_periods=1).mean()
            if report.is_euro(kpi):
                weekly = weekly / 1000.0
            ax.plot(weekly.index, weekly.to_numpy(), label=s.name)
        ax.axvspan(first, last, color="0.9", zorder=0)
        ax.set_title(report.label(kpi, lang), fontsize=10, loc="left")
        ax.set_ylabel(report.unit(kpi, lang), fontsize=8)
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("week")
    axes.flat[0].legend(fontsize=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def validation_rows(changed: list[str], lang: str) -> tuple[dict | None, list[dict]]:
    """The validation report's header and the involved patterns' status."""
    status = report.validation_status()
    if status is None:
        return None, []
    wanted = set(report.patterns_involved(changed))
    t = TEXT[lang]
    rows = [{"key": p["key"], "title": p["title"], "holds": p["holds"],
             "status": t["holds"] if p["holds"] else t["fails"], "note": p.get("note", "")}
            for p in status["patterns"] if p["key"] in wanted]
    head = {"date": status.get("created", "")[:10], "scale": status.get("scale", {}).get("name",
                                                                                         "")}
    return head, rows


def render(scenarios: list[Scenario], lang: str = "nl", window: str = "all",
           command: list[str] | None = None) -> str:
    """The brief as one self-contained HTML page."""
    if lang not in report.LANGS:
        raise ValueError(f"unknown language {lang!r} (known: en, nl)")
    a, b = scenarios
    comparison = report.compare_results(a.result, b.result, (a.name, b.name), window)
    changed = changed_fields(a.config, b.config)
    t = TEXT[lang]
    version = metadata.version("wijksim")
    head, patterns = validation_rows([k for k, _, _ in changed], lang)
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("wijksim", "templates"),
        autoescape=jinja2.select_autoescape(("html", "j2")),
        undefined=jinja2.StrictUndefined,
    )
    context = {
        "lang": lang, "t": t, "a": a, "b": b, "comparison": comparison,
        "title": t["title"].format(a=a.name, b=b.name),
        "question": t["question"].format(a=a.name, b=b.name, first=comparison.first,
                                         last=comparison.last,
                                         years=report.years_text(comparison.years, lang)),
        "over": t["over"].format(years=report.years_text(comparison.years, lang)),
        "made": t["made"].format(version=version,
                                 date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        "gemeente": a.config.gemeente.name or b.config.gemeente.name,
        "changed": [(k, _text(va), _text(vb)) for k, va, vb in changed],
        "costs": report.cost_rows(comparison, lang),
        "headline": report.kpi_rows(comparison, HEADLINE_KPIS, lang),
        "kpis": report.kpi_rows(comparison, REPORTED, lang),
        "chart": chart_png(scenarios, comparison.first, comparison.last, lang),
        "validation": head, "patterns": patterns,
        "validation_intro": t["validation_intro"].format(**head) if head else "",
        "seeds": a.result.seeds, "version": version,
        "command": " ".join(command or []),
        "configs": [(s.name, dump_toml(s.config)) for s in scenarios],
        "replicates": len(a.result.seeds),
    }
    return env.get_template(TEMPLATE).render(**context)


def _text(value: Any) -> str:
    """A config value as it reads in a table."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "-"
    return "-" if value is None else str(value)
