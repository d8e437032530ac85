"""Every label of the app in Dutch and English.

:data:`TEXTS` maps a language code to a dict of labels; both languages have the same keys (a
test checks this). The labels and units of output columns, ``kpi.<column>`` and
``kpi.<column>.unit``, come from the table in :mod:`wijksim.kpis`; the rest are here.
:func:`tr` looks a label up and fills in ``{placeholders}``; :func:`fmt_number` writes numbers
the Dutch way (``1.234,5``) or the English way (``1,234.5``).
"""

from __future__ import annotations

import math

from wijksim.kpis import TABLE as KPI_TABLE

#: Languages of the app, in the order of the switch.
LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

_NL: dict[str, str] = {
    # header
    "app.title": "wijksim",
    "app.subtitle": "Integraal werken in de wijk: wat doen beleidskeuzes met bewoners, "
    "wijkteam en kosten?",
    "app.language": "Taal",
    # scenario and run settings
    "settings.title": "Scenario",
    "settings.preset": "Startscenario",
    "settings.preset_help": "Een voorbeeldwijk; kiezen (ook hetzelfde opnieuw) zet de knoppen en "
    "de seed van het scenario en begint opnieuw.",
    "settings.restore": "Terug naar het startscenario",
    "settings.link_help": "De adresbalk houdt scenario, seed en knoppen bij: deel die link en "
    "een ander ziet hetzelfde.",
    "link.ignored": "Niet gebruikt uit de link (geen geldige waarde): {items}.",
    "settings.seed": "Toevalsgetal (seed)",
    "settings.seed_help": "Zelfde seed = zelfde levensgebeurtenissen. Enter of Toepassen begint "
    "opnieuw met deze waarde.",
    "settings.households": "Huishoudens",
    "settings.households_help": "Grootte van de wijk; leeg = zoals in het scenario. Enter of "
    "Toepassen begint opnieuw.",
    "settings.pending": "Nog niet toegepast: druk op Enter, Toepassen of Opnieuw.",
    "settings.apply": "Toepassen",
    "settings.in_force": "Nu in gebruik: seed {seed}, {households} huishoudens.",
    # levers
    "levers.title": "Beleidsknoppen",
    "levers.live": "Wijzigingen gelden vanaf de volgende week; Opnieuw begint met deze knoppen "
    "bij week 0.",
    "lever.fte_per_1000.label": "Formatie",
    "lever.fte_per_1000.unit": "fte per 1.000 inwoners",
    "lever.fte_per_1000.help": "Hoeveel wijkteammedewerkers er zijn voor de wijk.",
    "lever.outreach_share.label": "Outreach",
    "lever.outreach_share.unit": "% van de uren",
    "lever.outreach_share.help": "Tijd in de wijk en bij partners: vindt vragen eerder, maar "
    "gaat af van de casussen.",
    "lever.structure.label": "Teamvorm",
    "lever.structure.unit": "",
    "lever.structure.help": "Integraal: één medewerker en één plan per huishouden. Verkokerd: "
    "een medewerker per leefgebied.",
    "structure.integrated": "integraal",
    "structure.siloed": "verkokerd",
    "lever.partners.label": "Partners in vroegsignalering",
    "lever.partners.unit": "aangesloten",
    "lever.partners.help": "Partners die zorgen doorgeven aan het wijkteam (als de relatie "
    "het toelaat).",
    "partner.supermarket": "supermarkt",
    "partner.school": "school",
    "partner.gp": "huisarts",
    "partner.community_centre": "buurthuis",
    "partner.residents_initiative": "bewonersinitiatief",
    "partner.creditors": "schuldeisers (Wgs)",
    "lever.network_first.label": "Eerst het netwerk",
    "lever.network_first.unit": "% van de plannen",
    "lever.network_first.help": "Kans dat een plan eerst netwerk en vrijwilligers inzet in "
    "plaats van maatwerk (Breda).",
    "lever.maatwerk_stage.label": "Drempel maatwerk",
    "lever.maatwerk_stage.unit": "vanaf fase (1-4)",
    "lever.maatwerk_stage.help": "Vanaf welke ernst (1 licht .. 4 crisis) een "
    "maatwerkvoorziening wordt toegekend.",
    "lever.reallocate.label": "Herverdelen tussen wijken",
    "lever.reallocate.unit": "",
    "lever.reallocate.help": "Bij elke beleidscyclus schrijft de gemeente wijkplannen: fte, "
    "budget voor de sociale basis en outreach schuiven naar waar de wijken om vragen (binnen "
    "hetzelfde totaal; alleen met meer wijken).",
    "reallocate.on": "aan",
    "reallocate.off": "uit",
    "lever.practice_link.label": "Beleid en uitvoering",
    "lever.practice_link.unit": "",
    "lever.practice_link.help": "Gescheiden: cijfers uit de wijk zijn een half jaar oud en "
    "vertekend. Samengevoegd (Almere): wijkwerkers aan de beleidstafel, cijfers van een maand.",
    "practice_link.separate": "gescheiden",
    "practice_link.merged": "samengevoegd",
    "lever.cycle_weeks.label": "Beleidscyclus",
    "lever.cycle_weeks.unit": "weken",
    "lever.cycle_weeks.help": "Hoe vaak de gemeente de wijkplannen herziet (52: de jaarlijkse "
    "begrotingsronde).",
    "charts.reallocation": "herverdeling",
    # controls
    "controls.play": "Afspelen",
    "controls.pause": "Pauze",
    "controls.step": "Stap (1 week)",
    "controls.year": "1 jaar",
    "controls.reset": "Opnieuw",
    "controls.speed": "Snelheid",
    "controls.speed_unit": "weken per seconde",
    "controls.week": "Week {week} van {weeks}",
    "controls.warmup": "Inloop van {warmup} weken met de basislijn-knoppen is al gedraaid.",
    "controls.end": "Einde van de looptijd bereikt; klik op Opnieuw.",
    "controls.busy": "Bezig: {what}",
    "busy.reset": ("wijk opbouwen, de evenwichtstoestand laden (de eerste keer: decennia "
                   "doorrekenen) en inloop draaien"),
    "busy.year": "een jaar simuleren",
    "busy.compare": "basislijn draaien",
    # KPI cards
    "kpis.title": "Kerncijfers",
    "kpis.window": "gemiddelde over de laatste {n} weken",
    # (labels and units of the KPI columns: kpi_labels, from wijksim.kpis)
    "kpi.costs": "Kosten per budget",
    "kpi.costs.unit": "euro per jaar",
    # charts
    "charts.title": "Verloop in de tijd",
    "charts.week": "week",
    "charts.warmup": "inloop",
    "charts.policy": "dit beleid",
    "charts.baseline": "basislijn",
    "charts.lever_change": "knoppen gewijzigd",
    "charts.smoothed": "lijnen: voortschrijdend gemiddelde over 4 weken (verloop: 13 weken)",
    "charts.costs_m": "kosten (mln euro per jaar)",
    "charts.empty": "Nog geen weken gesimuleerd: klik op Stap, Afspelen of 1 jaar.",
    # network
    "network.title": "Netwerk van {n} huishoudens in wijk {wijk}",
    "network.caption": "Kleur: zwaarste vraag. Rand: status bij het wijkteam. Vierkantjes "
    "onder: medewerkers (lijn naar hun huishoudens). Driehoeken boven: partners (gevuld = "
    "aangesloten).",
    "need.0": "geen vraag",
    "need.1": "licht",
    "need.2": "matig",
    "need.3": "zwaar",
    "need.4": "crisis",
    "status.unknown": "onbekend",
    "status.signalled": "gesignaleerd",
    "status.waiting": "wacht",
    "status.in_support": "in begeleiding",
    "status.closed": "afgesloten",
    "network.workers": "medewerkers",
    "network.partners": "partners",
    "network.vacant": "vacature / ziek",
    # comparison
    "compare.title": "Vergelijken met de basislijn",
    "compare.help": "Draait dezelfde wijk met dezelfde seed met de knoppen van de basislijn "
    "(reactief, verkokerd, 0,5 fte) even lang mee; het verschil komt dan alleen door het beleid.",
    "compare.button": "Vergelijk met basislijn",
    "compare.stop": "Stop vergelijking",
    "compare.need_weeks": "Simuleer eerst een paar weken.",
    "compare.kpi": "kerncijfer",
    "compare.policy": "dit beleid",
    "compare.baseline": "basislijn",
    "compare.difference": "verschil",
    "compare.over": "gemiddelden over de laatste {weeks} weken (zoals de kerncijfers), zelfde "
    "seed; groen = beter, rood = slechter",
    "paired.title": "Twee scenario's vergelijken, met onzekerheid",
    "paired.help": "Draait het huidige scenario en het gekozen scenario met meerdere gepaarde "
    "seeds over de hele looptijd (ook de knopwijzigingen op dezelfde weken) en geeft het verschil "
    "met een 95%-interval.",
    "paired.reference": "vergelijk met",
    "paired.seeds": "seeds",
    "paired.window": "periode",
    "paired.window.all": "hele looptijd",
    "paired.window.last-year": "laatste jaar",
    "paired.window.since-change": "sinds de laatste knopwijziging",
    "paired.button": "Vergelijk",
    "paired.save": "Bewaar dit scenario als",
    "paired.save_button": "Bewaar",
    "paired.saved": "Bewaard: {name}",
    "paired.over": "{b} min {a}, gemiddeld over week {first}-{last}, {n} gepaarde seeds; "
    "* het 95%-interval sluit 0 uit",
    "paired.interval": "95%-interval",
    "busy.paired": "scenario's vergelijken",
    # teacher panel
    "teach.title": "Voor de docent",
    "teach.about": "Over dit scenario",
    "teach.notice": "Wat valt op",
    "teach.try": "Wat kun je proberen",
    "teach.none": "Voor dit scenario zijn nog geen lesnotities geschreven.",
    # download
    "download.title": "Resultaten",
    "download.button": "Download CSV",
    "download.help": "Een rij per week (na de inloop) per scenario, met alle kerncijfers; "
    "puntkomma's en decimale komma's, kosten in euro per week.",
    "download.brief": "Download notitie (HTML)",
    "download.brief_help": "Een pagina voor een raadsmemo met de laatste vergelijking van "
    "twee scenario's; werkt offline en is als PDF te printen.",
    "download.png": "Download grafiek (PNG)",
    "costs.gemeente": "Budget gemeente",
    "costs.others": "Betaald door anderen",
    "costs.per_year": "per jaar",
    "costs.so_far": "t/m week {week}",
    "costs.unit": "x € 1.000",
    "wijk.all": "hele gemeente",
    "wijk.pick": "wijk",
    "wijk.multiples": "Per wijk",
    # errors
    "error.whole_number": "{field}: vul een heel getal in van {lo} tot en met {hi} "
    "(niet '{value}').",
    "error.config": "Scenario kan niet worden geladen: {message}",
    "error.no_presets": "Geen scenario's gevonden in {folder}.",
    "error.run": "De simulatie stopte met een fout: {message}",
}

_EN: dict[str, str] = {
    "app.title": "wijksim",
    "app.subtitle": "Integrated work in the neighbourhood: what policy choices do to residents, "
    "the wijkteam and costs",
    "app.language": "Language",
    "settings.title": "Scenario",
    "settings.preset": "Starting scenario",
    "settings.preset_help": "An example wijk; choosing one (the same one again too) sets its "
    "levers and seed and starts again.",
    "settings.restore": "Back to the preset",
    "settings.link_help": "The address bar keeps scenario, seed and levers: share that link and "
    "others see the same.",
    "link.ignored": "Not used from the link (not a valid value): {items}.",
    "settings.seed": "Random seed",
    "settings.seed_help": "Same seed = same life events. Enter or Apply starts again with this "
    "value.",
    "settings.households": "Households",
    "settings.households_help": "Size of the wijk; empty = as in the scenario. Enter or Apply "
    "starts again.",
    "settings.pending": "Not applied yet: press Enter, Apply or Reset.",
    "settings.apply": "Apply",
    "settings.in_force": "In force now: seed {seed}, {households} households.",
    "levers.title": "Policy levers",
    "levers.live": "Changes apply from the next week; Reset starts again at week 0 with these "
    "levers.",
    "lever.fte_per_1000.label": "Staffing",
    "lever.fte_per_1000.unit": "FTE per 1,000 inhabitants",
    "lever.fte_per_1000.help": "How many wijkteam workers the wijk has.",
    "lever.outreach_share.label": "Outreach",
    "lever.outreach_share.unit": "% of hours",
    "lever.outreach_share.help": "Time in the wijk and with partners: finds needs earlier, "
    "but is taken from casework.",
    "lever.structure.label": "Team structure",
    "lever.structure.unit": "",
    "lever.structure.help": "Integrated: one worker and one plan per household. Siloed: a "
    "worker per life domain.",
    "structure.integrated": "integrated",
    "structure.siloed": "siloed",
    "lever.partners.label": "Partners in early signalling",
    "lever.partners.unit": "engaged",
    "lever.partners.help": "Partners that pass concerns on to the wijkteam (as far as the "
    "relation allows).",
    "partner.supermarket": "supermarket",
    "partner.school": "school",
    "partner.gp": "GP",
    "partner.community_centre": "community centre",
    "partner.residents_initiative": "residents' initiative",
    "partner.creditors": "creditors (Wgs)",
    "lever.network_first.label": "Network first",
    "lever.network_first.unit": "% of plans",
    "lever.network_first.help": "Chance that a plan first activates network and volunteers "
    "instead of maatwerk (Breda).",
    "lever.maatwerk_stage.label": "Maatwerk threshold",
    "lever.maatwerk_stage.unit": "from stage (1-4)",
    "lever.maatwerk_stage.help": "From which severity (1 mild .. 4 crisis) a "
    "maatwerkvoorziening is granted.",
    "lever.reallocate.label": "Reallocate between wijken",
    "lever.reallocate.unit": "",
    "lever.reallocate.help": "At every policy cycle the gemeente writes wijkplannen: FTE, "
    "sociale-basis budget and outreach move to where the wijken ask for them (within the same "
    "total; only with several wijken).",
    "reallocate.on": "on",
    "reallocate.off": "off",
    "lever.practice_link.label": "Policy and practice",
    "lever.practice_link.unit": "",
    "lever.practice_link.help": "Separate: figures from the wijk are half a year old and "
    "distorted. Merged (Almere): wijkwerkers at the policy table, figures a month old.",
    "practice_link.separate": "separate",
    "practice_link.merged": "merged",
    "lever.cycle_weeks.label": "Policy cycle",
    "lever.cycle_weeks.unit": "weeks",
    "lever.cycle_weeks.help": "How often the gemeente reviews the wijkplannen (52: the annual "
    "budget round).",
    "charts.reallocation": "reallocation",
    "controls.play": "Play",
    "controls.pause": "Pause",
    "controls.step": "Step (1 week)",
    "controls.year": "1 year",
    "controls.reset": "Reset",
    "controls.speed": "Speed",
    "controls.speed_unit": "weeks per second",
    "controls.week": "Week {week} of {weeks}",
    "controls.warmup": "A warm-up of {warmup} weeks with the baseline's levers has run already.",
    "controls.end": "End of the run reached; click Reset.",
    "controls.busy": "Working: {what}",
    "busy.reset": ("building the wijk, loading its steady state (the first time: simulating "
                   "decades) and running the warm-up"),
    "busy.year": "simulating a year",
    "busy.compare": "running the baseline",
    "kpis.title": "Key figures",
    "kpis.window": "mean over the last {n} weeks",
    "kpi.costs": "Costs by budget",
    "kpi.costs.unit": "euro per year",
    "charts.title": "Over time",
    "charts.week": "week",
    "charts.warmup": "warm-up",
    "charts.policy": "this policy",
    "charts.baseline": "baseline",
    "charts.lever_change": "levers changed",
    "charts.smoothed": "lines: 4-week moving average (turnover: 13 weeks)",
    "charts.costs_m": "costs (EUR million per year)",
    "charts.empty": "No weeks simulated yet: click Step, Play or 1 year.",
    "network.title": "Network of {n} households in wijk {wijk}",
    "network.caption": "Colour: most severe need. Ring: status with the wijkteam. Squares "
    "below: workers (a line to their households). Triangles above: partners (filled = engaged).",
    "need.0": "no need",
    "need.1": "mild",
    "need.2": "moderate",
    "need.3": "severe",
    "need.4": "crisis",
    "status.unknown": "unknown",
    "status.signalled": "signalled",
    "status.waiting": "waiting",
    "status.in_support": "in support",
    "status.closed": "closed",
    "network.workers": "workers",
    "network.partners": "partners",
    "network.vacant": "vacant / on leave",
    "compare.title": "Compare with the baseline",
    "compare.help": "Runs the same wijk on the same seed with the baseline's levers (reactive, "
    "siloed, 0.5 FTE) for as long; the difference then comes from the policy alone.",
    "compare.button": "Compare with baseline",
    "compare.stop": "Stop comparing",
    "compare.need_weeks": "Simulate a few weeks first.",
    "compare.kpi": "key figure",
    "compare.policy": "this policy",
    "compare.baseline": "baseline",
    "compare.difference": "difference",
    "compare.over": "means over the last {weeks} weeks (as the key figures), same seed; "
    "green = better, red = worse",
    "paired.title": "Compare two scenarios, with uncertainty",
    "paired.help": "Runs the current scenario and the chosen one on several paired seeds over "
    "the whole run (lever changes at the same weeks) and gives the difference with a 95% "
    "interval.",
    "paired.reference": "compare with",
    "paired.seeds": "seeds",
    "paired.window": "window",
    "paired.window.all": "whole run",
    "paired.window.last-year": "last year",
    "paired.window.since-change": "since the last lever change",
    "paired.button": "Compare",
    "paired.save": "Save this scenario as",
    "paired.save_button": "Save",
    "paired.saved": "Saved: {name}",
    "paired.over": "{b} minus {a}, mean over weeks {first}-{last}, {n} paired seeds; "
    "* the 95% interval excludes 0",
    "paired.interval": "95% interval",
    "busy.paired": "comparing scenarios",
    "teach.title": "For the teacher",
    "teach.about": "About this scenario",
    "teach.notice": "What to notice",
    "teach.try": "What to try",
    "teach.none": "No teaching notes have been written for this scenario yet.",
    "download.title": "Results",
    "download.button": "Download CSV",
    "download.help": "A row per week (after the warm-up) per scenario, with every KPI; costs "
    "in euro per week.",
    "download.brief": "Download brief (HTML)",
    "download.brief_help": "A page for a council memo with the last comparison of two "
    "scenarios; works offline and prints to PDF.",
    "download.png": "Download chart (PNG)",
    "costs.gemeente": "Gemeente budget",
    "costs.others": "Paid by others",
    "costs.per_year": "per year",
    "costs.so_far": "to week {week}",
    "costs.unit": "x EUR 1,000",
    "wijk.all": "whole gemeente",
    "wijk.pick": "wijk",
    "wijk.multiples": "By wijk",
    "error.whole_number": "{field}: enter a whole number from {lo} to {hi} (not '{value}').",
    "error.config": "The scenario cannot be loaded: {message}",
    "error.no_presets": "No scenarios found in {folder}.",
    "error.run": "The simulation stopped with an error: {message}",
}


# Browser charts and the class exercise mode (issue 14, items 1 and 5), kept apart from the
# labels above; merged into _NL and _EN below.
_NL_CLASSROOM: dict[str, str] = {
    "charts.changes": "Knoppen gewijzigd:",
    "charts.change_line": "{n}: vanaf week {week}: {what}",
    "class.title": "Klasopdracht",
    "class.help": "Groepen zetten hun eigen knoppen voor dezelfde wijk en seed; de docent ziet "
    "alle resultaten naast elkaar.",
    "class.code": "Klascode",
    "class.group": "Groepsnaam",
    "class.join": "Meedoen",
    "class.open": "Klassessie openen",
    "class.open_help": "Opent een klassessie met deze wijk en seed ({preset}, seed {seed}).",
    "class.lecturer_only": "Een klassessie openen kan alleen op de computer waarop de app "
    "draait.",
    "class.wrong_code": "Toegang geweigerd: er is geen klassessie met deze code.",
    "class.not_open": "De docent heeft de klassessie met deze code nog niet geopend.",
    "class.need_name": "Geef de groep een naam (1-24 tekens).",
    "class.full": "De klassessie is vol ({n} groepen).",
    "class.joined": "Groep {group} in klassessie {code}: {preset}, seed {seed}. Zet jullie "
    "knoppen en speel af; de docent ziet jullie resultaten.",
    "class.leave": "Klassessie verlaten",
    "class.closed": "De docent heeft de klassessie gesloten.",
    "class.lecturer": "Klassessie {code}: {preset}, seed {seed}",
    "class.join_how": "Groepen openen deze pagina met ?class={code} (vanaf andere computers met "
    "het adres dat wijksim app bij het starten toont) en geven een groepsnaam op.",
    "class.close": "Klassessie sluiten",
    "class.none_yet": "Nog geen groepen.",
    "class.col.group": "Groep",
    "class.col.week": "Week",
    "class.col.levers": "Knoppen",
    "class.over": "Gemiddelden over de gesimuleerde weken van elke groep (na de inloop).",
    "class.chart_kpi": "Grafiek",
}
_EN_CLASSROOM: dict[str, str] = {
    "charts.changes": "Levers changed:",
    "charts.change_line": "{n}: from week {week}: {what}",
    "class.title": "Class exercise",
    "class.help": "Groups set their own levers for the same wijk and seed; the lecturer sees "
    "every group's results side by side.",
    "class.code": "Class code",
    "class.group": "Group name",
    "class.join": "Join",
    "class.open": "Open a class session",
    "class.open_help": "Opens a class session with this wijk and seed ({preset}, seed {seed}).",
    "class.lecturer_only": "A class session can only be opened on the computer that runs the "
    "app.",
    "class.wrong_code": "Access refused: there is no class session with this code.",
    "class.not_open": "The lecturer has not opened the class session with this code yet.",
    "class.need_name": "Give the group a name (1-24 characters).",
    "class.full": "The class session is full ({n} groups).",
    "class.joined": "Group {group} in class session {code}: {preset}, seed {seed}. Set your "
    "levers and play; the lecturer sees your results.",
    "class.leave": "Leave the class session",
    "class.closed": "The lecturer has closed the class session.",
    "class.lecturer": "Class session {code}: {preset}, seed {seed}",
    "class.join_how": "Groups open this page with ?class={code} (from other computers at the "
    "address wijksim app shows when it starts) and give a group name.",
    "class.close": "Close the class session",
    "class.none_yet": "No groups yet.",
    "class.col.group": "Group",
    "class.col.week": "Week",
    "class.col.levers": "Levers",
    "class.over": "Means over each group's simulated weeks (after the warm-up).",
    "class.chart_kpi": "Chart",
}
_NL.update(_NL_CLASSROOM)
_EN.update(_EN_CLASSROOM)


def kpi_labels(lang: str) -> dict[str, str]:
    """``kpi.<column>`` (label) and ``kpi.<column>.unit`` of every output column in ``lang``."""
    labels: dict[str, str] = {}
    for kpi in KPI_TABLE:
        labels[f"kpi.{kpi.name}"] = kpi.label(lang)
        labels[f"kpi.{kpi.name}.unit"] = kpi.unit(lang)
    return labels


def _with_kpi_labels(own: dict[str, str], lang: str) -> dict[str, str]:
    """The app's own labels plus those of the output columns; a column's label has one home."""
    columns = kpi_labels(lang)
    twice = sorted(own.keys() & columns.keys())
    if twice:
        raise ValueError(f"labels of output columns belong in wijksim/kpis.py, not here: {twice}")
    return {**own, **columns}


#: Labels per language: the app's own, and those of the output columns.
TEXTS: dict[str, dict[str, str]] = {"nl": _with_kpi_labels(_NL, "nl"),
                                    "en": _with_kpi_labels(_EN, "en")}


def tr(lang: str, key: str, **values: object) -> str:
    """The label ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``.

    An unknown language falls back to the default; an unknown key raises ``KeyError`` (a bug).
    """
    table = TEXTS.get(lang, TEXTS[DEFAULT_LANGUAGE])
    text = table[key]
    return text.format(**values) if values else text


def fmt_number(value: float | None, lang: str, decimals: int = 1) -> str:
    """A number with thousands separators and ``decimals`` decimals, Dutch or English style."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    from wijksim.analysis.report import dutch_separators

    text = f"{value:,.{decimals}f}"
    return dutch_separators(text) if lang == "nl" else text


def fmt_euro(value: float | None, lang: str) -> str:
    """A yearly amount in thousands of euro, no decimals: the one style of every cost shown.

    Tables and cards say the unit ("x € 1.000") once in their header, so amounts of any size
    read alike (no "k" next to "mln").
    """
    from wijksim.analysis.report import euro_thousands

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return euro_thousands(value, lang)
