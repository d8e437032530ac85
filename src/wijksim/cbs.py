"""Reading CBS's "Kerncijfers wijken en buurten" into wijk profiles (``wijksim municipality``).

CBS publishes the table every year (84583NED 2019, 84799NED 2020, 85039NED 2021, 85318NED 2022,
...). Its open-data interface (and ``cbsodata``) names the columns with a key and a numeric
suffix that shifts between years (``HuishoudensTotaal_28`` in 2020, ``_29`` later), so columns
are matched on the key without the suffix. Files as StatLine and ``cbsodata`` write them are
read: comma- or semicolon-separated, decimal point or decimal comma, quoted or not, strings
padded with spaces, ``.`` (or nothing) for a missing value. Any year whose table carries the
keys in :data:`COLUMNS` is supported (checked: the 2019-2022 layouts).

A row is a wijk when ``SoortRegio`` is ``Wijk``; the gemeente is matched on ``Gemeentenaam``
(case and surrounding spaces ignored). Every problem is a :class:`CbsError` (one line, exit 2).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w

from wijksim.errors import WijksimError

#: Open-data keys (without their numeric suffix) -> WijkProfile field, for counts.
COUNTS: dict[str, str] = {
    "AantalInwoners": "inhabitants",
    "k_0Tot15Jaar": "age_0_15",
    "k_15Tot25Jaar": "age_15_25",
    "k_25Tot45Jaar": "age_25_45",
    "k_45Tot65Jaar": "age_45_65",
    "k_65JaarOfOuder": "age_65_plus",
    "HuishoudensTotaal": "households",
    "Eenpersoonshuishoudens": "single_person",
    "HuishoudensZonderKinderen": "without_children",
    "HuishoudensMetKinderen": "with_children",
}
#: Keys of figures with decimals -> WijkProfile field (and a factor: percentages become shares).
DECIMALS: dict[str, tuple[str, float]] = {
    "GemiddeldeHuishoudensgrootte": ("household_size", 1.0),
    "HuishoudensMetEenLaagInkomen": ("low_income_share", 0.01),
}
#: Keys that name a row.
NAMES = ("Gemeentenaam", "SoortRegio", "WijkenEnBuurten", "Codering")
#: Keys a file must have.
REQUIRED = ("Gemeentenaam", "SoortRegio", "WijkenEnBuurten", "HuishoudensTotaal")
#: Every key read.
COLUMNS = (*NAMES, *COUNTS, *DECIMALS)

#: CBS's mark for a missing (or secret) value.
MISSING = {"", ".", "x", "-"}


class CbsError(WijksimError):
    """A CBS file that cannot be read as Kerncijfers wijken en buurten."""


@dataclass
class Municipality:
    """A gemeente's wijken as read from a CBS file."""

    name: str
    wijken: list[dict[str, Any]]  # WijkProfile fields per wijk
    skipped: list[str]  # wijken without households (no profile possible)


def key_of(column: str) -> str:
    """An open-data column name without its numeric suffix (``HuishoudensTotaal_28``)."""
    return re.sub(r"_\d+$", "", column.strip().strip('"').strip())


def read_table(path: Path) -> list[dict[str, str]]:
    """The rows of a CBS CSV file, keyed by column key (suffix removed, values stripped)."""
    source = str(path)
    if not path.exists():
        raise CbsError(source, "file", "no such file")
    if path.is_dir():
        raise CbsError(source, "file", "is a folder, not a CSV file")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    if not text.strip():
        raise CbsError(source, "file", "is empty")
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
        rows = list(reader)
    except csv.Error as exc:
        raise CbsError(source, "file", f"not a CSV file ({exc})") from None
    keys = [key_of(c) for c in header]
    missing = [k for k in REQUIRED if k not in keys]
    if missing:
        raise CbsError(source, "columns", "not CBS's Kerncijfers wijken en buurten: no column "
                       + ", ".join(missing) + " (open-data keys such as HuishoudensTotaal_28)")
    out = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(keys):
            raise CbsError(source, f"line {number}",
                           f"{len(row)} values for {len(keys)} columns")
        out.append({k: v.strip() for k, v in zip(keys, row, strict=True) if k in COLUMNS})
    return out


def number(text: str, decimals: bool, where: str) -> float | None:
    """A CBS value: None if missing; decimal comma or point; counts may carry thousands dots."""
    value = text.strip().strip('"').strip()
    if value in MISSING:
        return None
    if not decimals and re.fullmatch(r"\d{1,3}([.,]\d{3})+", value):
        value = value.replace(".", "").replace(",", "")  # 23.270 or 23,270: thousands
    value = value.replace(",", ".")
    try:
        parsed = float(value)
    except ValueError:
        raise CbsError(where[0], where[1], f"not a number: {text!r}") from None
    if not decimals and parsed != round(parsed):
        raise CbsError(where[0], where[1], f"a count with decimals: {text!r}")
    return parsed


def read_municipality(path: Path, gemeente: str) -> Municipality:
    """The wijken of ``gemeente`` in a CBS file, as WijkProfile fields."""
    rows = read_table(path)
    wanted = gemeente.strip().casefold()
    names = sorted({r["Gemeentenaam"] for r in rows if r.get("Gemeentenaam")})
    ours = [r for r in rows if r.get("Gemeentenaam", "").casefold() == wanted]
    if not ours:
        shown = ", ".join(names[:8]) + (" ..." if len(names) > 8 else "")
        raise CbsError(str(path), "--gemeente", f"no gemeente {gemeente!r} in the file "
                       f"(found: {shown or 'none'})")
    wijken, skipped = [], []
    for row in ours:
        if row.get("SoortRegio", "").casefold() != "wijk":
            continue
        name = row.get("WijkenEnBuurten", "") or row.get("Codering", "")
        profile: dict[str, Any] = {"name": name}
        if row.get("Codering"):
            profile["code"] = row["Codering"]
        for key, field in COUNTS.items():
            if key in row:
                value = number(row[key], False, (str(path), f"{name}: {key}"))
                if value is not None:
                    profile[field] = int(round(value))
        for key, (field, factor) in DECIMALS.items():
            if key in row:
                value = number(row[key], True, (str(path), f"{name}: {key}"))
                if value is not None:
                    profile[field] = round(value * factor, 6)
        if not profile.get("households"):
            skipped.append(name)
            continue
        wijken.append(profile)
    if not wijken:
        raise CbsError(str(path), "--gemeente", f"no wijk of {gemeente!r} with households "
                       "(rows with SoortRegio 'Wijk' and HuishoudensTotaal)")
    return Municipality(ours[0]["Gemeentenaam"], unique_names(wijken), skipped)


def unique_names(wijken: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Wijk names made unique (CBS repeats a name only across gemeenten, but be safe)."""
    seen: dict[str, int] = {}
    for w in wijken:
        base = w["name"]
        seen[base] = seen.get(base, 0) + 1
        if seen[base] > 1:
            w["name"] = f"{base} ({seen[base]})"
    return wijken


def config_text(town: Municipality, source: Path, table: str, year: int | None,
                extends: str) -> str:
    """A scenario file for the gemeente: its wijken as ``[[wijken]]`` on top of ``extends``."""
    data: dict[str, Any] = {
        "extends": extends,
        "description": f"{town.name}: {len(town.wijken)} "
        f"{'wijk' if len(town.wijken) == 1 else 'wijken'} from CBS's Kerncijfers wijken en "
        f"buurten{f' {year}' if year else ''}{f' ({table})' if table else ''}, on the levers "
        f"of {extends.removeprefix('preset:')}.",
        "population": {"households": sum(w["households"] for w in town.wijken)},
        "gemeente": {"name": town.name, "cbs_table": table,
                     **({"cbs_year": year} if year else {})},
        "wijken": town.wijken,
    }
    head = (f"# Written by `wijksim municipality import` on {date.today().isoformat()} from "
            f"{source.name}.\n# Figures: CBS, Kerncijfers wijken en buurten"
            f"{f' {year}' if year else ''}{f' (StatLine {table})' if table else ''}; "
            "population.households is their sum (set it lower to run a scaled copy).\n")
    if town.skipped:
        head += f"# Left out (no households in the file): {', '.join(town.skipped)}.\n"
    return head + tomli_w.dumps(data)
