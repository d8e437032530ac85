"""The gemeente's view of results: costs by payer, paired comparisons over a window, one style.

Used by ``wijksim brief``, ``wijksim compare`` and the app, so a figure reads the same wherever
it is shown:

* **numbers**: euro amounts in thousands of euro with no decimals ("x EUR 1,000"; Dutch:
  "x € 1.000", thousands dot and decimal comma), shares as percentages with one decimal, other
  figures with three significant digits; a unit on every row;
* **costs by payer**: the gemeente's own budget first (team, sociale basis, Wmo and Jeugd
  maatwerk, schuldhulp, re-integration, its share of crises), then what others pay (the Wlz
  fund, the rest of crises), per year and cumulative over the window;
* **comparisons**: two scenarios on the same seeds (paired), averaged over a window of weeks
  (the whole horizon, the last year, or from a given week), with 95% intervals;
* **exports**: a table of weeks as CSV in English or Dutch, with units in the headers, costs as
  euro per week (so a column sums to the euro spent), and the Dutch file with semicolons and
  decimal commas as Dutch spreadsheet programs expect.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wijksim.analysis.runner import RunResult, paired_differences
from wijksim.kpis import COLUMNS, REPORTED
from wijksim.kpis import get as kpi_entry

#: The gemeente's own budget, item by item (``crisis_gemeente`` is derived: see cost_frame).
GEMEENTE_ITEMS: tuple[str, ...] = ("cost_team", "cost_sociale_basis", "cost_wmo", "cost_youth",
                                   "cost_debt_relief", "cost_reintegration", "crisis_gemeente")
#: What others pay.
OTHER_ITEMS: tuple[str, ...] = ("cost_wlz", "cost_other")
#: Labels of the derived cost row (the rest come from the KPI table).
DERIVED_LABELS = {"crisis_gemeente": ("Crises (gemeente's share)", "Crises (deel gemeente)")}

#: Windows a comparison can average over.
WINDOWS: tuple[str, ...] = ("all", "last-year")

#: Patterns (DESIGN.md) whose validation bears on a lever's effect.
PATTERNS_OF_LEVER: dict[str, tuple[str, ...]] = {
    "signalling.partners": ("P1", "P2"),
    "team.outreach_share": ("P3",),
    "team.structure": ("P4",),
    "policy.network_first": ("P5", "P8"),
    "team.fte_per_1000": ("P1", "P6"),
    "team.caseload_cap": ("P6",),
    "policy.maatwerk_stage": ("P7",),
    "policy.closure_rule": ("P7",),
    "policy.sociale_basis_budget": ("P5", "P8"),
}
#: The base rates (P7) bear on every comparison.
ALWAYS = ("P7",)

LANGS = ("en", "nl")


# --------------------------------------------------------------------------- numbers


def dutch_separators(text: str) -> str:
    """English separators to Dutch ones: 1,234.5 -> 1.234,5."""
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _group(text: str, lang: str) -> str:
    """The separators of ``lang`` in a number written the English way."""
    return dutch_separators(text) if lang == "nl" else text


def euro_thousands(value: float, lang: str = "en") -> str:
    """Euro in thousands, no decimals (a table's header says "x EUR 1,000")."""
    if value is None or math.isnan(value):
        return "-"
    thousands = round(value / 1000.0)
    return _group(f"{thousands + 0:,.0f}", lang)  # + 0: no "-0"


def years_text(years: float, lang: str = "en") -> str:
    """A number of years with one decimal (a decimal comma in Dutch)."""
    return _group(f"{years:.1f}", lang)


def percent(value: float, lang: str = "en", signed: bool = False) -> str:
    """A share as a percentage with one decimal; a difference (``signed``) in percentage points."""
    if value is None or math.isnan(value):
        return "-"
    text = _group(f"{value * 100:{'+' if signed else ''},.1f}", lang)
    return text + ((" %-punt" if lang == "nl" else " pp") if signed else "%")


def number(value: float, lang: str = "en", signed: bool = False) -> str:
    """Three significant digits (thousands separators from 1,000 up)."""
    if value is None or math.isnan(value):
        return "-"
    sign = "+" if signed else ""
    rounded = float(f"{value:.3g}")  # 999.7 rounds to 1000: thousands style, not 1e+03
    text = f"{value:{sign},.0f}" if abs(rounded) >= 1000 else f"{value:{sign}.3g}"
    return _group(text, lang)


def is_share(kpi: str) -> bool:
    """Whether a column is a share (shown as a percentage)."""
    return kpi_entry(kpi).unit_en.startswith("share")


def is_euro(kpi: str) -> bool:
    """Whether a column is a cost (euro per year)."""
    return kpi.startswith("cost_") or kpi in DERIVED_LABELS


def show(kpi: str, value: float, lang: str = "en", signed: bool = False) -> str:
    """A value of a column in the one style: euro x 1,000, shares in %, else 3 digits."""
    if is_euro(kpi):
        text = euro_thousands(value, lang)
        return ("+" + text) if signed and text not in ("0", "-") and value > 0 else text
    if is_share(kpi):
        return percent(value, lang, signed)
    return number(value, lang, signed)


def interval(kpi: str, low: float, high: float, lang: str = "en") -> str:
    """A 95% interval in the one style (Dutch separates the bounds with a semicolon)."""
    sep = "; " if lang == "nl" else ", "
    return f"[{show(kpi, low, lang)}{sep}{show(kpi, high, lang)}]"


def unit(kpi: str, lang: str = "en") -> str:
    """The unit shown with a column: euro per year in thousands, % for shares, else its own."""
    if is_euro(kpi):
        return "x € 1.000 per jaar" if lang == "nl" else "x EUR 1,000 per year"
    entry = kpi_entry(kpi)
    if is_share(kpi):
        return "% " + entry.unit(lang).removeprefix("share of ").removeprefix("deel van de ")
    return entry.unit(lang)


def label(kpi: str, lang: str = "en") -> str:
    """The label of a column (or of a derived cost row)."""
    if kpi in DERIVED_LABELS:
        return DERIVED_LABELS[kpi][1 if lang == "nl" else 0]
    return kpi_entry(kpi).label(lang)


# --------------------------------------------------------------------------- comparisons


def window_weeks(weeks: int, window: str) -> tuple[int, int]:
    """First and last reported week of a window: ``all``, ``last-year`` or ``from:N``."""
    if window == "all":
        return 1, weeks
    if window == "last-year":
        return max(1, weeks - 51), weeks
    if window.startswith("from:"):
        first = int(window.removeprefix("from:"))
        if not 1 <= first <= weeks:
            raise ValueError(f"window from week {first}: outside weeks 1-{weeks}")
        return first, weeks
    raise ValueError(f"unknown window {window!r} (known: all, last-year, from:N)")


def with_costs(ts: pd.DataFrame) -> pd.DataFrame:
    """A time series with the derived cost row ``crisis_gemeente`` added."""
    out = ts.copy()
    maatwerk = out["cost_maatwerk"]
    out["crisis_gemeente"] = (out["cost_gemeente"] - out["cost_team"] - maatwerk
                              - out["cost_sociale_basis"])
    return out


def window_summary(ts: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """A row per replicate: each column averaged over weeks ``first``-``last`` (NaN skipped)."""
    part = with_costs(ts[(ts["week"] >= first) & (ts["week"] <= last)])
    columns = [c for c in (*COLUMNS, "crisis_gemeente") if c in part.columns]
    return part.groupby(["replicate", "seed"], sort=True)[columns].mean().reset_index()


@dataclass
class Comparison:
    """Two scenarios on the same seeds, compared over a window of weeks."""

    names: tuple[str, str]
    results: tuple[RunResult, RunResult]
    first: int
    last: int
    table: pd.DataFrame  # kpi, mean_a, mean_b, diff, ci_low, ci_high, n (REPORTED + derived)

    @property
    def years(self) -> float:
        """Length of the window in years."""
        return (self.last - self.first + 1) / 52.0

    def row(self, kpi: str) -> pd.Series:
        """The comparison of one column."""
        return self.table.set_index("kpi").loc[kpi]


def compare_results(a: RunResult, b: RunResult, names: tuple[str, str],
                    window: str = "all") -> Comparison:
    """Paired differences B - A of every reported column over ``window``, with 95% intervals."""
    weeks = int(min(a.timeseries["week"].max(), b.timeseries["week"].max()))
    first, last = window_weeks(weeks, window)
    sa = window_summary(a.timeseries, first, last)
    sb = window_summary(b.timeseries, first, last)
    table = paired_differences(sa, sb, (*REPORTED, "crisis_gemeente"))
    return Comparison(names, (a, b), first, last, table)


def cost_rows(comparison: Comparison, lang: str = "en") -> list[dict[str, str]]:
    """The costs by payer as a gemeente reads them: per year and over the window, A, B, B - A.

    Rows: the gemeente's budget (total, then item by item), what others pay (Wlz fund, others),
    and the total of all payers. Each row carries its group, label, the per-year figures with
    the interval of the difference, and the cumulative figures over the window.
    """
    rows = []
    groups = (("gemeente", ("cost_gemeente", *GEMEENTE_ITEMS)), ("others", OTHER_ITEMS),
              ("total", ("cost_total",)))
    for group, items in groups:
        for kpi in items:
            r = comparison.row(kpi)
            years = comparison.years
            rows.append({
                "group": group, "kpi": kpi, "label": label(kpi, lang),
                "a": euro_thousands(r["mean_a"], lang), "b": euro_thousands(r["mean_b"], lang),
                "diff": show(kpi, r["diff"], lang, signed=True),
                "ci": interval(kpi, r["ci_low"], r["ci_high"], lang),
                "sum_a": euro_thousands(r["mean_a"] * years, lang),
                "sum_b": euro_thousands(r["mean_b"] * years, lang),
                "sum_diff": show(kpi, r["diff"] * years, lang, signed=True),
                "sum_ci": interval(kpi, r["ci_low"] * years, r["ci_high"] * years, lang),
                "significant": bool(not (r["ci_low"] <= 0 <= r["ci_high"]))
                if not math.isnan(r["ci_low"]) else False,
                "total": kpi in ("cost_gemeente", "cost_total"),
            })
    return rows


def kpi_rows(comparison: Comparison, kpis: tuple[str, ...] = REPORTED, lang: str = "en"
             ) -> list[dict[str, str]]:
    """Every KPI of a comparison in the one style: label, unit, A, B, B - A and its interval."""
    rows = []
    for kpi in kpis:
        r = comparison.row(kpi)
        rows.append({
            "kpi": kpi, "label": label(kpi, lang), "unit": unit(kpi, lang),
            "a": show(kpi, r["mean_a"], lang), "b": show(kpi, r["mean_b"], lang),
            "diff": show(kpi, r["diff"], lang, signed=True),
            "ci": interval(kpi, r["ci_low"], r["ci_high"], lang),
            "significant": bool(not (r["ci_low"] <= 0 <= r["ci_high"]))
            if not math.isnan(r["ci_low"]) else False,
        })
    return rows


# --------------------------------------------------------------------------- validation


def patterns_involved(changed: list[str]) -> tuple[str, ...]:
    """The patterns whose validation bears on a comparison that changes these fields."""
    keys = list(ALWAYS)
    for name in changed:
        keys += PATTERNS_OF_LEVER.get(name, ())
    return tuple(sorted(set(keys), key=lambda k: int(k[1:])))


def validation_status(path: Path | None = None) -> dict | None:
    """The last ``wijksim validate`` report (docs/validation/validation.json), if there is one."""
    path = path or Path(__file__).resolve().parents[3] / "docs" / "validation" / "validation.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- exports


def export_frame(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A table of weeks for people: headers "label (unit)", costs as euro per week."""
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if column in COLUMNS:
            entry = kpi_entry(column)
            if is_euro(column):
                values = values / 52.0
                head = f"{entry.label(lang)} (euro per week)"
            else:
                head = f"{entry.label(lang)} ({entry.unit(lang)})"
        else:
            head = column
        out[head] = values
    return out


def csv_text(frame: pd.DataFrame, lang: str = "en") -> str:
    """CSV of :func:`export_frame`: English with commas; Dutch with semicolons, decimal commas."""
    table = export_frame(frame, lang)
    buf = io.StringIO()
    if lang == "nl":
        buf.write("\ufeff")  # a byte-order mark: Excel then reads the file as UTF-8
        table.to_csv(buf, index=False, sep=";", decimal=",")
    else:
        table.to_csv(buf, index=False)
    return buf.getvalue()
