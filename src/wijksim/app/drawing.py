"""Drawing matplotlib figures in a session's threads, safe from the session closing meanwhile.

Solara's server keeps matplotlib's ``rcParams`` per session (per kernel context): every lookup
asks which session the running thread belongs to, in two steps (is there one? then: which?).
When a tab closes, Solara drops the entries of that session's threads from its table; a figure
being drawn at that moment can find its entry gone between the two steps and fails with "no
known context" (a logged traceback, about one close in six while playing; issue 14). The app
never sets ``rcParams`` per session, so its figures are built and saved outside the session
(:func:`outside_session`): with the process-wide defaults, the table is not consulted.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def outside_session() -> Iterator[None]:
    """Run the block with no Solara kernel context for this thread, then give it back.

    The thread's entry is set to ``None`` for the block (Solara's own "without context"), which
    a closing session leaves alone (it drops only entries that point at it). Afterwards the
    session is given back unless it closed meanwhile: then the thread stays without one, as
    the close would have left it. Without Solara's server loaded, nothing changes.
    """
    kernel_context = sys.modules.get("solara.server.kernel_context")  # loaded by the server
    if kernel_context is None:
        yield
        return
    table = kernel_context.current_context
    key = kernel_context.get_current_thread_key()
    session = table.get(key)
    if session is None:
        yield
        return
    table[key] = None
    try:
        yield
    finally:
        if key in table and table[key] is None:  # as this block left it
            closed = getattr(session, "closed_event", None)
            if closed is not None and closed.is_set():
                table.pop(key, None)  # closed meanwhile: as the close would have left it
            else:
                table[key] = session


def drawn_outside_session[**P, T](draw: Callable[P, T]) -> Callable[P, T]:
    """``draw`` run :func:`outside_session` (for functions that build or save figures)."""

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with outside_session():
            return draw(*args, **kwargs)

    return wrapper
