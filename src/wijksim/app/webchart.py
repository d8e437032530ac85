"""Charts drawn in the browser: a small Vue widget around Apache ECharts.

The server sends only data - an ECharts ``option`` as JSON, series as plain lists, no pixels -
and the browser draws it, so a chart costs the server a few milliseconds of list building
instead of a matplotlib render under the interpreter lock. The widget applies only the newest
option per animation frame: when options arrive faster than the browser paints (a busy tab),
the stale ones are dropped, never queued.

ECharts' script is served from Solara's local asset cache (``/_solara/cdn/<package>/...``), filled
at set-up by ``scripts/install_solara_assets.py`` (it reads :data:`ECHARTS_PACKAGE` from here), so
the page works with no internet. Every applied option counts in the page's
``window.wijksimChartUpdates`` (``{chart, t}``, the last 2,000), which ``benchmarks/app_load.py``
reads to measure how often each page redraws.
"""

from __future__ import annotations

import json
from typing import Any

import ipyvuetify
import numpy as np
import traitlets

#: The npm package (exact version) of ECharts, as the asset cache holds it.
ECHARTS_PACKAGE = "echarts@5.6.0"
#: The script inside the package that the widget loads (all chart types and components).
ECHARTS_SCRIPT = "dist/echarts.min.js"


class EChart(ipyvuetify.VuetifyTemplate):
    """An ECharts chart; set ``spec`` (:func:`json_option`) to redraw it."""

    template_file = (__file__, "echart.vue")

    spec = traitlets.Unicode("").tag(sync=True)  # the option as JSON (see json_option)
    name = traitlets.Unicode("chart").tag(sync=True)  # counted under this name
    height = traitlets.Unicode("420px").tag(sync=True)
    package = traitlets.Unicode(ECHARTS_PACKAGE).tag(sync=True)
    script = traitlets.Unicode(ECHARTS_SCRIPT).tag(sync=True)


def json_option(option: dict[str, Any] | None) -> str:
    """An option as the widget takes it: compact JSON text.

    Text, not a dict, so that the page's renderer neither walks nor compares the nested data
    item by item on every render (a string compares at once), and it is encoded only once.
    """
    return json.dumps(option, separators=(",", ":"), allow_nan=False) if option else ""


def clean(values: Any, digits: int = 4) -> list[float | None]:
    """Numbers as JSON can carry them: rounded to ``digits`` significant digits, NaN as null."""
    x = np.asarray(values, dtype=float)
    finite = np.isfinite(x)
    safe = np.where(finite & (x != 0), np.abs(x), 1.0)
    scale = 10.0 ** (digits - 1 - np.floor(np.log10(safe)))
    rounded = np.round(x * scale) / scale
    return [v if ok else None for v, ok in zip(rounded.tolist(), finite.tolist(), strict=True)]
