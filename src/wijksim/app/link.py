"""The page's URL: preset, seed and levers, so that a link reproduces a scenario.

A link reads ``?preset=NAME&seed=N`` plus any lever by its flat config name (``fte_per_1000``,
``outreach_share``, ``team_structure``, ``network_first``, ``maatwerk_stage``, ``partners`` as a
comma list, ``reallocate``, ``practice_link``, ``cycle_weeks``) and ``households``; what it does
not name comes from the preset. Values are config values (a share is ``0.1``, not ``10``); a
number between the slider's steps is rounded to the nearest step. The page writes every lever
into its URL (:func:`query_for`), so a link holds the whole scenario even if a preset changes
later. Values that cannot be used are left out and listed in :attr:`Link.ignored`, for a
one-line notice on the page; nothing in a URL raises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode

from wijksim.app.session import (
    CYCLES,
    DEFAULT_PRESET,
    HOUSEHOLDS_RANGE,
    LEVER_SPECS,
    PRACTICE_LINKS,
    SEED_RANGE,
    STRUCTURES,
    InputError,
    Settings,
    parse_whole,
)
from wijksim.codes import PARTNER_KINDS

#: URL parameter (flat config name) -> field of :class:`Levers`, in the order written.
LEVER_PARAMS: dict[str, str] = {
    "team_structure": "structure",
    "fte_per_1000": "fte_per_1000",
    "outreach_share": "outreach_share",
    "partners": "partners",
    "network_first": "network_first",
    "maatwerk_stage": "maatwerk_stage",
    "reallocate": "reallocate",
    "practice_link": "practice_link",
    "cycle_weeks": "cycle_weeks",
}
TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


@dataclass(frozen=True)
class Link:
    """What a URL asks for: a preset (``None``: the default), seed, size and lever values."""

    preset: str | None = None
    seed: int | None = None
    households: int | None = None
    levers: tuple[tuple[str, Any], ...] = ()  # (URL parameter, value), valid ones only
    ignored: tuple[str, ...] = ()  # "name=value" of what could not be used

    @property
    def empty(self) -> bool:
        """Whether the URL named nothing the page uses (and nothing was ignored)."""
        return (self.preset is None and self.seed is None and self.households is None
                and not self.levers and not self.ignored)


def _lever_value(name: str, raw: str) -> Any:
    """The value of lever ``name`` from its URL text (raises ValueError when it cannot be used)."""
    text = raw.strip()
    if name == "structure":
        if text not in STRUCTURES:
            raise ValueError(text)
        return text
    if name == "practice_link":
        if text not in PRACTICE_LINKS:
            raise ValueError(text)
        return text
    if name == "partners":
        kinds = [k.strip() for k in text.split(",") if k.strip()]
        if any(k not in PARTNER_KINDS for k in kinds):
            raise ValueError(text)
        return tuple(k for k in PARTNER_KINDS if k in kinds)
    if name == "reallocate":
        if text.lower() not in TRUE + FALSE:
            raise ValueError(text)
        return text.lower() in TRUE
    if name == "cycle_weeks":
        if not text.isdigit() or int(text) not in CYCLES:
            raise ValueError(text)
        return int(text)
    spec = LEVER_SPECS[name]
    value = float(text)
    if not math.isfinite(value) or not spec.lo - 1e-9 <= value <= spec.hi + 1e-9:
        raise ValueError(text)
    if name == "maatwerk_stage":
        if value != int(value):
            raise ValueError(text)
        return int(value)
    steps = round((value - spec.lo) / spec.step)  # to the slider's grid
    return round(min(max(spec.lo + steps * spec.step, spec.lo), spec.hi), 4)


def parse_query(search: str | None, presets: list[str]) -> Link:
    """Read a URL's query string (without ``?``); ``presets`` are the names the page offers."""
    preset = seed = households = None
    levers: dict[str, Any] = {}
    ignored: list[str] = []
    for key, raw in parse_qsl((search or "").lstrip("?"), keep_blank_values=True):
        try:
            if key == "preset":
                if raw not in presets:
                    raise ValueError(raw)
                preset = raw
            elif key == "seed":
                seed = parse_whole(raw, *SEED_RANGE, key)
            elif key == "households":
                households = parse_whole(raw, *HOUSEHOLDS_RANGE, key)
            elif key in LEVER_PARAMS:
                levers[key] = _lever_value(LEVER_PARAMS[key], raw)
            else:
                raise ValueError(raw)
        except (ValueError, InputError):
            ignored.append(f"{key}={raw}")
    return Link(preset, seed, households, tuple(levers.items()), tuple(ignored))


def apply_link(link: Link, preset_settings: Settings) -> Settings:
    """``preset_settings`` (a preset's own) with what ``link`` sets on top."""
    return replace(
        preset_settings,
        seed=preset_settings.seed if link.seed is None else link.seed,
        households=link.households,
        levers=replace(preset_settings.levers,
                       **{LEVER_PARAMS[param]: value for param, value in link.levers}),
    )


def asked_for(link: Link) -> tuple[str, ...]:
    """What ``link`` sets beyond preset and seed, as ``name=value`` (for a notice)."""
    size = (("households", link.households),) if link.households is not None else ()
    return tuple(f"{name}={_text(value)}" for name, value in (*size, *link.levers))


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)


def query_for(settings: Settings) -> str:
    """The query string (without ``?``) that reproduces ``settings``: preset, seed, levers."""
    pairs = [("preset", settings.preset or DEFAULT_PRESET), ("seed", str(settings.seed))]
    if settings.households is not None:
        pairs.append(("households", str(settings.households)))
    pairs += [(param, _text(getattr(settings.levers, name)))
              for param, name in LEVER_PARAMS.items()]
    return urlencode(pairs, safe=",")

