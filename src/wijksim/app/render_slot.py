"""One shared budget for the figures the server still draws (the network view, PNG downloads).

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

    def __init__(self, duty: float = 0.25) -> None:
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
