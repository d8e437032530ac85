"""Teacher notes per preset ("What to notice / What to try"), in Dutch and English.

The texts live in ``teaching.toml`` next to this module (package data): a table per preset with
an ``nl`` and an ``en`` sub-table, each with ``summary`` (one line), ``notice`` and ``try``
(lists of short paragraphs).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class TeachingNotes:
    """The notes of one preset in one language."""

    summary: str
    notice: tuple[str, ...]
    try_: tuple[str, ...]


@lru_cache(maxsize=1)
def all_notes() -> dict[str, dict[str, TeachingNotes]]:
    """Every preset's notes: ``{preset: {lang: TeachingNotes}}`` (read once, read-only)."""
    text = resources.files("wijksim.app").joinpath("teaching.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    out: dict[str, dict[str, TeachingNotes]] = {}
    for preset, langs in data.items():
        out[preset] = {
            lang: TeachingNotes(
                summary=str(body["summary"]).strip(),
                notice=tuple(str(s).strip() for s in body["notice"]),
                try_=tuple(str(s).strip() for s in body["try"]),
            )
            for lang, body in langs.items()
        }
    return out


def notes_for(preset: str, lang: str) -> TeachingNotes | None:
    """The notes of ``preset`` in ``lang``, or ``None`` when none were written."""
    return all_notes().get(preset, {}).get(lang)
