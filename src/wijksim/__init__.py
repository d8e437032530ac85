"""wijksim: an agent-based simulation of Dutch neighbourhood support systems, on Mesa.

The public API, in the manner of Mesa's examples::

    from wijksim import WijkModel, load_config, run_replicates

    model = WijkModel("configs/baseline.toml", rng=1, outreach_share=0.1)
    model.run()
    frame = model.datacollector.get_model_vars_dataframe()

    result = run_replicates(load_config("configs/early_signalling.toml"), replicates=5)
    result.summary  # a row per replicate: every KPI averaged over the reported weeks

``WijkModel`` is a ``mesa.Model``; :class:`Resident`, :class:`Worker` and :class:`Partner` are
its Mesa agents (``model.residents`` is an ``AgentSet`` of every household). Names are imported
on first use, so ``import wijksim`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["Partner", "Resident", "WijkModel", "Worker", "load_config", "run_replicates"]

#: Where each public name lives.
_HOMES = {
    "WijkModel": "wijksim.model",
    "Resident": "wijksim.agents",
    "Worker": "wijksim.agents",
    "Partner": "wijksim.agents",
    "load_config": "wijksim.config",
    "run_replicates": "wijksim.analysis.runner",
}

if TYPE_CHECKING:
    from wijksim.agents import Partner, Resident, Worker
    from wijksim.analysis.runner import run_replicates
    from wijksim.config import load_config
    from wijksim.model import WijkModel


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'wijksim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
