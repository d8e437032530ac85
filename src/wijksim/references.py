"""The sources parameters cite: one home for each reference (docs/references.md is made here).

A parameter's ``source`` (its :func:`wijksim.config.param`) cites a reference by its key in
square brackets, ``[CBS-KWB-2020]``; ``scripts/gen_parameters.py`` refuses a key that is not
here and writes docs/references.md from :data:`REFERENCES`, with the parameters that cite
each.
"""

from __future__ import annotations

import re

#: Key -> the full reference (publisher or authors, year, title, where to find it).
REFERENCES: dict[str, str] = {
    "CBS-71486": "CBS StatLine, table 71486ned: Huishoudens; samenstelling, grootte, regio, "
    "1 januari. https://www.cbs.nl/nl-nl/cijfers/detail/71486ned",
    "CBS-37296": "CBS StatLine, table 37296ned: Bevolking; kerncijfers (1 januari 2020). "
    "https://www.cbs.nl/nl-nl/cijfers/detail/37296ned",
    "CBS-KWB-2020": "CBS StatLine, table 84799NED: Kerncijfers wijken en buurten 2020. "
    "https://www.cbs.nl/nl-nl/cijfers/detail/84799NED",
    "CBS-life-tables": "CBS StatLine: Levensverwachting; geslacht, leeftijd (life tables of the "
    "Netherlands), the mortality of 65-year-olds and its rise with age.",
    "CBS-moves": "CBS StatLine: Verhuisde personen (moves within and between gemeenten), about "
    "one household in ten a year.",
    "CBS-Wmo": "CBS, Monitor Sociaal Domein Wmo: clients with a Wmo maatwerkvoorziening by age "
    "(StatLine).",
    "CBS-AEF-Wlz": "CBS and AEF: spending on Wlz care per client-year (Wlz-uitgaven, about "
    "EUR 85k).",
    "CIZ-Vektis": "CIZ (Wlz indications) and Vektis (Wlz care use): how long Wlz elderly care "
    "lasts, about 2.5 to 3 years.",
    "CAO-SW": "CAO Sociaal Werk (the collective labour agreement of social work): a full-time "
    "week of 36 hours.",
    "Divosa-vroegsignalering": "Divosa, Monitor Vroegsignalering schulden: creditor signals, "
    "the share that leads to contact and to accepted help.",
    "Wmo-2015": "Wet maatschappelijke ondersteuning 2015 (Wmo 2015), art. 2.3.2 (onderzoek "
    "within six weeks) and art. 2.3.5 (decision within two weeks). "
    "https://wetten.overheid.nl/BWBR0035362",
    "Jeugdwet": "Jeugdwet (2015). https://wetten.overheid.nl/BWBR0034925",
    "Participatiewet": "Participatiewet (2015). https://wetten.overheid.nl/BWBR0015703",
    "Wgs": "Wet gemeentelijke schuldhulpverlening (Wgs). "
    "https://wetten.overheid.nl/BWBR0031835",
    "Wmo-practice": "Wmo practice in gemeenten: the usual kinds of maatwerkvoorziening "
    "(woningaanpassing, hulpmiddel, huishoudelijke hulp, begeleiding, dagbesteding).",
    "Almelo": "The publication behind the model (DESIGN.md): Almelo's six broad wijkteams "
    "(2020), early signalling and outreach with partners, wijkregie and wijkplannen.",
    "Breda": "The publication behind the model (DESIGN.md): Breda's \"Beweging naar de "
    "voorkant\" pilot (network first, about EUR 150k for about 400 cases over two years; the "
    "trio pilot: 18 of 28 solved otherwise).",
    "Almere": "The publication behind the model (DESIGN.md): Almere merged its policy and "
    "practice teams so that signals from the wijk reach policy faster.",
}

_KEY = re.compile(r"\[([A-Za-z0-9][A-Za-z0-9-]*)\]")


def cited(source: str) -> list[str]:
    """The reference keys a source text cites (``[KEY]``), in order."""
    return _KEY.findall(source)
