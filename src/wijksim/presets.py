"""Scenario presets: the TOML files in ``configs/``."""

from __future__ import annotations

import os
from pathlib import Path

from wijksim.config import read_raw
from wijksim.errors import ConfigError


def scenario_dir() -> Path:
    """The folder of presets: ``$WIJKSIM_CONFIGS``, ``./configs``, or the one in the source tree."""
    env = os.environ.get("WIJKSIM_CONFIGS")
    if env:
        return Path(env)
    here = Path.cwd() / "configs"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "configs"


def list_scenarios(folder: Path) -> list[tuple[Path, str]]:
    """Each preset file with its description (first line), sorted by name."""
    if not folder.is_dir():
        raise ConfigError(str(folder), "--dir", "no such folder")
    out = []
    for path in sorted(folder.glob("*.toml")):
        description = str(read_raw(path).get("description", "")).strip()
        out.append((path, description))
    return out


def find_scenario(name: str) -> Path:
    """A preset by name (``baseline``) or a path to a TOML file."""
    path = Path(name)
    if path.suffix == ".toml" or path.exists():
        return path
    return scenario_dir() / f"{name}.toml"
