"""Sharing the server among sessions: a budget for server-side figures, and the page rates.

:data:`SLOT` is one shared budget for the figures the server still draws (the network view, PNG
downloads). :data:`PLAYING` counts the sessions playing now; :func:`intervals` spaces a playing
session's chart frames and page renders by it, so that a class playing at once shares the
interpreter without any page falling below one chart frame a second.

matplotlib holds the interpreter lock while it draws, so with many sessions its figures would
starve the sessions' play loops and websockets. :data:`SLOT` lets one figure be drawn at a time,
process-wide, and keeps drawing to at most :attr:`RenderSlot.duty` of the wall time: after a
drawing that took ``t`` seconds the slot stays closed for ``t * (1 / duty - 1)``. A waiting
request gives up when its ``cancel`` event is set (a newer frame superseded it), so stale frames
are dropped, never queued.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class RenderSlot:
    """A process-wide turn for server-side drawing (thread-safe)."""

    def __init__(self, duty: float = 0.2) -> None:
        self.duty = duty
        self._lock = threading.Lock()
        self._busy = False
        self._free_at = 0.0

    def run(self, draw: Callable[[], T], cancel: threading.Event | None = None,
            poll: float = 0.05) -> T | None:
        """``draw()`` in the slot's next turn; ``None`` if ``cancel`` was set while waiting."""
        while True:
            if cancel is not None and cancel.is_set():
                return None
            with self._lock:
                now = time.monotonic()
                if not self._busy and now >= self._free_at:
                    self._busy = True
                    break
                wait = max(self._free_at - now, poll) if not self._busy else poll
            (cancel.wait if cancel is not None else time.sleep)(min(wait, 0.5))
        start = time.monotonic()
        try:
            return draw()
        finally:
            took = time.monotonic() - start
            with self._lock:
                self._busy = False
                self._free_at = time.monotonic() + took * (1.0 / self.duty - 1.0)


#: The app's one slot (see the module docstring).
SLOT = RenderSlot()


class Playing:
    """How many sessions of this process are playing (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._n = 0

    def change(self, by: int) -> None:
        """A session started (+1) or stopped (-1) playing."""
        with self._lock:
            self._n = max(self._n + by, 0)

    @property
    def count(self) -> int:
        """Sessions playing now."""
        with self._lock:
            return self._n


#: The process's playing sessions.
PLAYING = Playing()
#: Seconds between a playing session's chart frames, and between its page renders (the week,
#: the cards): alone, and the page renders' extra spacing per other session playing.
CHART_EVERY = 0.5
CHART_EVERY_CROWDED = 0.7
PAGE_EVERY = 1.0
PAGE_EVERY_PER_SESSION = 0.2
CROWDED = 8


def intervals(playing: int | None = None) -> tuple[float, float]:
    """(chart frame interval, page render interval) in seconds for ``playing`` sessions.

    Chart frames cost a few milliseconds (the data as JSON); a page render walks the whole page
    (tens of milliseconds), so with many sessions playing the week and the cards update less
    often (at 25 sessions every 5 s), while every chart gets a frame every 0.5-0.7 s.
    """
    n = PLAYING.count if playing is None else playing
    chart = CHART_EVERY if n <= CROWDED else CHART_EVERY_CROWDED
    return chart, max(PAGE_EVERY, PAGE_EVERY_PER_SESSION * n)


def end_after_close() -> None:
    """Before a cancelled session thread ends: if its tab is closing, wait until it is closed.

    Solara (1.64) closes a kernel by dropping its threads' entries from a table while it walks a
    copy of that table; a thread of the kernel that ends in that moment drops its own entry
    first, and the close fails with a logged KeyError traceback. Every session thread (the
    page's worker, the network view's, the class mode's) that ends because it was cancelled
    calls this, so that it ends after the close. Outside a Solara server it does nothing.
    """
    try:
        from solara.server import kernel_context

        context = kernel_context.get_current_context()
    except Exception:  # noqa: BLE001 - no server, or no kernel for this thread
        return
    if getattr(context, "_teardown_done", False):  # set as its close begins
        context.closed_event.wait(10.0)
