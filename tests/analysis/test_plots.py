"""Plots: drawn on Figure objects, so importing and plotting leave the caller's backend alone."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

#: Imports the plotting modules and draws every kind of figure, after choosing the svg backend
#: (as a notebook or a GUI session would choose its own), in a fresh interpreter.
SCRIPT = textwrap.dedent('''
    import sys
    from pathlib import Path
    from types import SimpleNamespace

    import matplotlib

    matplotlib.use("svg")
    before = matplotlib.get_backend()

    import numpy as np
    import pandas as pd

    from wijksim.analysis import calibration, plots, sensitivity, validation
    from wijksim.submodels.observation import KPIS

    out = Path(sys.argv[1])
    weeks = np.arange(1, 11)
    ts = pd.DataFrame({"week": np.tile(weeks, 2), "replicate": np.repeat([0, 1], 10),
                       **{k: np.linspace(1.0, 2.0, 20) for k in KPIS}})
    files = plots.plot_run(ts, out / "run", "test")
    diff = pd.DataFrame({"kpi": ["workload", "waiting_list"], "mean_a": [1.0, 10.0],
                         "diff": [0.1, -2.0], "ci_low": [0.0, -3.0], "ci_high": [0.2, -1.0]})
    files.append(plots.plot_differences(diff, out / "differences.png", "B - A"))

    targets = calibration.TARGETS
    table = pd.DataFrame({"kind": "fitted", "label": [t.label for t in targets],
                          "value": [t.value for t in targets],
                          "model": [t.value * 1.05 for t in targets],
                          "ci_low": [t.value for t in targets],
                          "ci_high": [t.value * 1.1 for t in targets]})
    screen = pd.DataFrame([{"factor": f, "output": t.kpi, "mu_star": 0.1 * i}
                           for i, f in enumerate(["a", "b"]) for t in targets])
    history = pd.DataFrame({"runs_used": [1, 2, 3], "objective": [3.0, 2.0, 1.0],
                            "kind": ["start", "step", "integer"]})
    cal = SimpleNamespace(table=table, screen=screen, fit=SimpleNamespace(history=history),
                          start_moments={t.kpi: t.value for t in targets})
    files += calibration.plot_calibration(cal, out / "calibration").values()

    indices = pd.DataFrame({"parameter": ["a", "b"], "S1": [0.5, 0.1], "S1_low": [0.4, 0.0],
                            "S1_high": [0.6, 0.2], "ST": [0.6, 0.2], "ST_low": [0.5, 0.1],
                            "ST_high": [0.7, 0.3]})
    files.append(sensitivity.plot(indices, "sobol", "workload", out / "sobol.png"))

    m = validation.Measure("m", "an effect", -1.0, -2.0, -0.5, "units", "below 0", True)
    pattern = validation.PatternResult("P4", "title", "statement", ["a", "b"], [m], True, "m")
    runs = validation.Runs({"a": ts, "b": ts}, {})
    files.append(validation.plot_pattern(pattern, runs, out / "p4.png"))

    assert matplotlib.get_backend() == before, matplotlib.get_backend()
    assert "matplotlib.pyplot" not in sys.modules
    for path in files:
        assert Path(path).read_bytes()[:4] == b"\\x89PNG", path
    print(before, len(files))
''')


def test_plotting_leaves_the_callers_backend_alone(tmp_path: Path):
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["svg", "8"]
