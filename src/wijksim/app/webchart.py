"""Charts drawn in the browser: a small Vue widget around Apache ECharts.

The server sends only data - an ECharts ``option`` as JSON, series as plain lists, no pixels -
and the browser draws it, so a chart costs the server a few milliseconds of list building
instead of a matplotlib render under the interpreter lock. The widget applies only the newest
option per animation frame: when options arrive faster than the browser paints (a busy tab),
the stale ones are dropped, never queued.

ECharts' script is served from Solara's local asset cache (``/_solara/cdn/<package>/...``), filled
at set-up by ``scripts/install_solara_assets.py`` (it reads :data:`ECHARTS_PACKAGE` from here), so
the page works with no internet. Every applied option counts in the page's
``window.wijksimChartUpdates`` (``{chart, t, ms}``: when, and how long it took; the last 2,000),
which ``benchmarks/app_load.py`` reads to measure how often each page redraws.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
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


class ChartFeed:
    """Frames for one :class:`EChart`, set straight on its widget by the session's worker.

    Between two renders of the page, the worker can show a new frame without a render pass
    (which walks the whole page): :meth:`update` builds the option with the function the chart's
    component last registered (:attr:`make`) and sets the widget's ``spec``. Thread-safe.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._widget: EChart | None = None
        self.make: Callable[[], dict[str, Any] | None] | None = None

    def attach(self, widget: EChart | None) -> Callable[[], None]:
        """Send frames to ``widget`` (from the component's effect); returns the detach."""
        with self._lock:
            self._widget = widget

        def detach() -> None:
            with self._lock:
                if self._widget is widget:
                    self._widget = None

        return detach

    def update(self) -> bool:
        """Build and show a new frame; False when no chart is attached (nothing shown)."""
        with self._lock:
            widget, make = self._widget, self.make
        if widget is None or make is None:
            return False
        spec = json_option(make())
        with self._lock:
            if self._widget is not widget:  # detached meanwhile (the tab closed, a reset)
                return False
            widget.spec = spec
        return True


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
