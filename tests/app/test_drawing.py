"""Figures drawn while their session closes (issue 14, item 7): Solara's per-session rcParams
raised "no known context" when a tab closed during a redraw; wijksim.app.drawing avoids that.

In a separate process set up as the server sets itself up (``solara.server.app`` patches
matplotlib so that rcParams are per session), a session is closed the way Solara closes one -
dropping the table entries that point at it - over and over while figures are drawn (the thread
put back in the session after each close), with the interpreter switching threads as often as
it can. Drawn the old way (the session's rcParams),
the figures must fail, or the model would prove nothing; drawn the app's way, none may.
"""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = r'''
import json, sys, threading
from types import SimpleNamespace
import matplotlib
import pandas as pd
import solara.server.app  # noqa: F401 - patches the process as the server does
from solara.server import kernel_context, patch

patch.patch_heavy_imports()  # as the server does on loading the page: rcParams per session
from wijksim.app import charts, network_view
import numpy as np

assert matplotlib.rcParams.__class__.__name__ == "RcParamsScoped"
table = kernel_context.current_context
key = kernel_context.get_current_thread_key()
session = SimpleNamespace(user_dicts={}, closed_event=threading.Event())
stop = threading.Event()

def close_again_and_again():
    while not stop.is_set():
        for k in list(table):
            if table.get(k) is session:
                table.pop(k, None)  # what VirtualKernelContext.close does to its threads
        if key not in table:
            table[key] = session  # ... and the thread is in the session again, to be closed

weeks = range(-5, 40)
frame = pd.DataFrame({"week": weeks, **{k: [float(i % 7) for i in weeks] for k in (
    *(p[0] for p in charts.PANELS), *charts.COST_PARTS, "cost_total")}})
sample = network_view.NetworkSample(0, np.arange(30), np.array([[0, 1], [2, 3]]),
                                    np.ones(2), np.random.default_rng(1).uniform(-1, 1, (30, 2)))
state = network_view.NetworkState(
    worst_need=np.arange(30) % 5, status=np.arange(30) % 5, links=np.array([[0, 1]]),
    worker_active=np.array([True, False, True]), worker_load=np.array([0.2, 0.0, 0.9]),
    partner_kind=np.arange(3), partner_engaged=np.array([True, False, True]),
    partner_relation=np.array([0.5, 0.0, 1.0]))

def raw():
    fig = charts.timeseries_figure.__wrapped__(frame, None, [3, 9], "nl")
    return charts.figure_png.__wrapped__(fig)

def guarded():
    charts.figure_png(network_view.network_figure(state, sample, "en"))
    return charts.figure_png(charts.timeseries_figure(frame, None, [3, 9], "nl"))

closer = threading.Thread(target=close_again_and_again, daemon=True)  # before the session:
closer.start()  # a thread started in a session runs in it (Solara's patched threads)
table[key] = session
sys.setswitchinterval(1e-6)
counts = {}
for name, draw in (("raw", raw), ("guarded", guarded)):
    counts[name] = 0
    for _ in range(int(sys.argv[1])):
        try:
            assert draw()[:4] == b"\x89PNG"
        except RuntimeError as exc:
            assert "context" in str(exc), exc
            counts[name] += 1
stop.set()
closer.join()
sys.setswitchinterval(0.005)
print(json.dumps(counts))
'''


def test_figures_drawn_while_their_session_closes():
    done = subprocess.run([sys.executable, "-c", SCRIPT, "6"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts["raw"] >= 1, "the model of a closing session did not reproduce the error"
    assert counts["guarded"] == 0, counts
