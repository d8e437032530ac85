"""The output columns of the model: one table of facts that every reader uses.

Each column the model's ``DataCollector`` records (besides ``week``) has one :class:`Kpi` entry
in :data:`TABLE`, in output order: its name, group, unit and label in English and Dutch, and its
definition as computed (English; the text of docs/ODD.md section 7.10, whose tables
``scripts/gen_kpis.py`` generates from this one). The CLI's tables, the plots, the app's
labels and the ODD read it, so a unit or a label is written once.

Three groups, in this order: the contract KPIs (:data:`KPIS`; their names and order are a
contract, users' scripts rely on them), diagnostic columns and this week's counts (together
:data:`EXTRA`, in today's order: the counts, :data:`COUNTS`, come before ``inhabitants``).

Data only: no numpy, numba or model import, so the CLI can read it at no cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: The group of a column: a contract KPI, a diagnostic column, or a count of this week's events.
Group = Literal["kpi", "diagnostic", "count"]
GROUPS: tuple[Group, ...] = ("kpi", "diagnostic", "count")

#: Languages of labels and units.
LANGUAGES: tuple[str, ...] = ("en", "nl")


@dataclass(frozen=True)
class Kpi:
    """The facts about one output column.

    ``definition`` is the ODD's "definition as computed" (markdown; ``I`` is the number of
    inhabitants, ``U23`` the number of under-23s).
    """

    name: str
    group: Group
    unit_en: str
    unit_nl: str
    label_en: str
    label_nl: str
    definition: str

    def label(self, lang: str = "en") -> str:
        """The label in ``lang`` ("en" or "nl")."""
        return _pick(lang, self.label_en, self.label_nl)

    def unit(self, lang: str = "en") -> str:
        """The unit in ``lang`` ("en" or "nl")."""
        return _pick(lang, self.unit_en, self.unit_nl)


def _pick(lang: str, en: str, nl: str) -> str:
    """``en`` or ``nl`` by language code; any other code is a bug."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
    return nl if lang == "nl" else en


_PER_1000_YEAR = ("per 1,000 inhabitants per year", "per 1.000 inwoners per jaar")
_PROVISIONS = ("provisions per 1,000 inhabitants", "voorzieningen per 1.000 inwoners")
_HOUSEHOLDS = ("households", "huishoudens")
_SHARE_HOUSEHOLDS = ("share of households", "deel van de huishoudens")
_EURO_YEAR = ("euro per year", "euro per jaar")
_WORKERS = ("workers", "medewerkers")
_COST = "see 7.9"


def _kpi(name: str, unit: tuple[str, str], label: tuple[str, str], definition: str) -> Kpi:
    return Kpi(name, "kpi", unit[0], unit[1], label[0], label[1], definition)


def _diagnostic(name: str, unit: tuple[str, str], label: tuple[str, str],
                definition: str) -> Kpi:
    return Kpi(name, "diagnostic", unit[0], unit[1], label[0], label[1], definition)


def _count(name: str, unit: tuple[str, str], label: tuple[str, str], definition: str) -> Kpi:
    return Kpi(name, "count", unit[0], unit[1], label[0], label[1], definition)


#: Every output column but ``week``, in the order of the model's ``DataCollector``.
TABLE: tuple[Kpi, ...] = (
    # --- contract KPIs -------------------------------------------------------------------
    _kpi("escalations_per_1000", _PER_1000_YEAR, ("Escalations", "Escalaties"),
         "needs moving up to stage 3 or 4 this week × 52 × 1000 / I"),
    _kpi("time_to_help_weeks",
         ("weeks from onset to first contact", "weken van begin vraag tot eerste contact"),
         ("Time to help", "Tijd tot hulp"),
         "mean over this week's first contacts of (week − `episode_start`); first contact is a "
         "crisis, a request for help, or a successful follow-up"),
    _kpi("early_contact_share", ("share of first contacts at a mild or moderate need",
                                 "deel eerste contacten bij lichte of matige vraag"),
         ("Early contact", "Vroeg contact"),
         "share of this week's first contacts where the household's worst need (all domains) "
         "was at stage ≤ 2"),
    _kpi("waiting_list", _HOUSEHOLDS, ("Waiting list", "Wachtlijst"),
         "households with status waiting (count, not per 1,000)"),
    _kpi("wait_weeks", ("weeks", "weken"), ("Waiting time", "Wachttijd"),
         "mean over this week's admissions of the weeks spent waiting"),
    _kpi("non_maatwerk_share",
         ("share of would-be maatwerk solved without it",
          "deel van de maatwerkvragen zonder maatwerk"),
         ("Solved otherwise", "Anders opgelost"),
         "plan decisions this week with `stage ≥ maatwerk_stage` (not Wlz) that became a "
         "network plan, over all such decisions (a decision share; later network failures are "
         "in `alt_failed`)"),
    _kpi("maatwerk_per_1000", _PROVISIONS, ("Maatwerk", "Maatwerk"),
         "running maatwerk provisions (household × domain) × 1000 / I"),
    _kpi("wmo_per_1000", _PROVISIONS, ("Wmo maatwerk", "Wmo-maatwerk"),
         "running maatwerk provisions in the care domain × 1000 / I"),
    _kpi("youth_care_share", ("share of under-23s", "deel van de jongeren onder 23"),
         ("Youth care", "Jeugdhulp"),
         "running maatwerk provisions in the youth domain (one per household) / U23"),
    _kpi("debt_share", _SHARE_HOUSEHOLDS, ("Problematic debts", "Problematische schulden"),
         "households with a debt need at stage ≥ 2 (problematic debts)"),
    _kpi("wlz_per_1000", ("households per 1,000 inhabitants", "huishoudens per 1.000 inwoners"),
         ("Wlz care", "Wlz-zorg"), "households with care support Wlz × 1000 / I"),
    _kpi("workload", ("hours asked / hours available", "gevraagde / beschikbare uren"),
         ("Workload", "Werkdruk"), "team-wide, this week (7.8)"),
    _kpi("turnover_rate",
         ("share of workers leaving per year", "deel van de medewerkers per jaar"),
         ("Turnover", "Verloop"), "leavers this week × 52 / filled positions this week"),
    _kpi("vacancies", ("positions", "formatieplaatsen"), ("Vacancies", "Vacatures"),
         "existing positions without a worker"),
    _kpi("signals_per_1000", _PER_1000_YEAR, ("Signals", "Signalen"),
         "(partner + help-seeking + outreach + crisis signals this week) × 52 × 1000 / I"),
    _kpi("carer_overload_share", ("share of informal carers", "deel van de mantelzorgers"),
         ("Overloaded carers", "Overbelaste mantelzorgers"),
         "among households giving informal care this week, the share with "
         "`strain > informal.overload_threshold`"),
    _kpi("unmet_need", _SHARE_HOUSEHOLDS, ("Unmet need", "Onbeantwoorde vraag"),
         "households with at least one need at stage ≥ 2 without support"),
    _kpi("cost_total", _EURO_YEAR, ("Total cost", "Totale kosten"), _COST),
    _kpi("cost_team", _EURO_YEAR, ("Wijkteam cost", "Kosten wijkteam"), _COST),
    _kpi("cost_maatwerk", _EURO_YEAR,
         ("Maatwerk cost (Wmo, youth, ...)", "Kosten maatwerk (Wmo, Jeugd, ...)"), _COST),
    _kpi("cost_wlz", _EURO_YEAR, ("Wlz cost", "Kosten Wlz"), _COST),
    _kpi("cost_sociale_basis", _EURO_YEAR,
         ("Sociale basis cost (volunteers)", "Kosten sociale basis (vrijwilligers)"), _COST),
    _kpi("cost_crisis", _EURO_YEAR, ("Crisis cost", "Kosten crises"), _COST),
    # --- diagnostic columns --------------------------------------------------------------
    _diagnostic("crises_per_1000", _PER_1000_YEAR, ("Crises", "Crises"),
                "needs reaching stage 4 this week × 52 × 1000 / I"),
    _diagnostic("in_support", _HOUSEHOLDS, ("In support", "In begeleiding"),
                "households with status in support"),
    _diagnostic("signalled", _HOUSEHOLDS, ("Signalled", "Gesignaleerd"),
                "households with status signalled"),
    _diagnostic("households_with_need", _HOUSEHOLDS,
                ("Households with a need", "Huishoudens met een vraag"),
                "households with any need > 0"),
    _diagnostic("workers", _WORKERS, ("Workers", "Medewerkers"), "filled positions"),
    _diagnostic("sick_workers", _WORKERS, ("Workers on sick leave", "Zieke medewerkers"),
                "filled positions whose worker is on sick leave"),
    _diagnostic("caseload_mean", ("households per worker", "huishoudens per medewerker"),
                ("Mean caseload", "Gemiddelde caseload"), "mean caseload of filled positions"),
    _diagnostic("partner_relation", ("relation 0–1", "relatie 0–1"),
                ("Partner relations", "Relatie met partners"),
                "mean relation of engaged partners (NaN with none engaged)"),
    # --- this week's counts --------------------------------------------------------------
    _count("admissions", ("households per week", "huishoudens per week"),
           ("Admissions", "Instroom in begeleiding"),
           "this week's count from intake: households taken from the queue into support"),
    _count("maatwerk_grants", ("provisions per week", "voorzieningen per week"),
           ("Maatwerk granted", "Toegekend maatwerk"),
           "this week's count from casework: maatwerk provisions granted (by a plan, or when a "
           "network plan fails)"),
    _count("network_plans", ("plans per week", "plannen per week"),
           ("Network plans", "Netwerkplannen"),
           "this week's count from casework: plans that activate network and volunteers"),
    _count("network_failures", ("plans per week", "plannen per week"),
           ("Failed network plans", "Mislukte netwerkplannen"),
           "this week's count from casework: network plans that failed and became maatwerk"),
    _count("eligible_decisions", ("decisions per week", "besluiten per week"),
           ("Would-be maatwerk decisions", "Besluiten over maatwerkvragen"),
           "this week's count from casework: plan decisions with `stage ≥ maatwerk_stage` "
           "(not Wlz); the denominator of `non_maatwerk_share`"),
    _count("eligible_otherwise", ("decisions per week", "besluiten per week"),
           ("Would-be maatwerk solved otherwise", "Maatwerkvragen anders opgelost"),
           "this week's count from casework: those decisions that became a network plan; the "
           "numerator of `non_maatwerk_share`"),
    _count("alt_failed", ("plans per week", "plannen per week"),
           ("Would-be maatwerk, network failed", "Maatwerkvragen, netwerk mislukt"),
           "this week's count from casework: failed network plans that were would-be maatwerk"),
    _count("wlz_entries", ("households per week", "huishoudens per week"),
           ("Entries into Wlz", "Instroom in de Wlz"),
           "this week's count from casework: care needs moved to Wlz (by a plan, or from care "
           "maatwerk)"),
    _count("signals_partner", ("signals per week", "signalen per week"),
           ("Signals from partners", "Signalen van partners"),
           "this week's count of partner signals"),
    _count("signals_help", ("signals per week", "signalen per week"),
           ("Requests for help", "Hulpvragen"),
           "this week's count of households asking for help themselves"),
    _count("signals_outreach", ("signals per week", "signalen per week"),
           ("Found by outreach", "Gevonden door outreach"),
           "this week's count of households found by the team's outreach"),
    _count("signals_crisis", ("signals per week", "signalen per week"),
           ("Crisis signals", "Crisissignalen"),
           "this week's count of crises that force contact"),
    _count("first_contacts", ("households per week", "huishoudens per week"),
           ("First contacts", "Eerste contacten"),
           "this week's count of first contacts (the denominator of `time_to_help_weeks` and "
           "`early_contact_share`)"),
    _count("escalations", ("needs per week", "vragen per week"),
           ("Escalations this week", "Escalaties deze week"),
           "this week's count of needs moving up to stage 3 or 4"),
    _count("new_needs", ("needs per week", "vragen per week"),
           ("New needs", "Nieuwe vragen"),
           "this week's count of needs that arose (life events)"),
    _count("moves", ("households per week", "huishoudens per week"),
           ("Households replaced", "Vervangen huishoudens"),
           "this week's count of households that moved out or left the Wlz and were replaced "
           "by newcomers"),
    _count("followups", ("signals per week", "signalen per week"),
           ("Signals followed up", "Opgevolgde signalen"),
           "this week's count of signals the team followed up"),
    _count("brief_advice", ("households per week", "huishoudens per week"),
           ("Brief advice", "Kort advies"),
           "this week's count of households with only mild needs advised and let go at "
           "follow-up"),
    _count("closures", ("households per week", "huishoudens per week"),
           ("Cases closed", "Afgesloten casussen"),
           "this week's count of households whose case closed (no domain left with the team)"),
    _count("sick_spells", ("workers per week", "medewerkers per week"),
           ("Sick-leave spells", "Ziekmeldingen"),
           "this week's count of workers who fell ill"),
    _count("hires", ("workers per week", "medewerkers per week"),
           ("Hires", "Nieuwe medewerkers"),
           "this week's count of vacancies filled"),
    # --- diagnostic, after the counts (today's order) -----------------------------------
    _diagnostic("inhabitants", ("persons", "personen"), ("Inhabitants", "Inwoners"),
                "I, the number of inhabitants (constant in a run)"),
)

#: Entries by column name.
BY_NAME: dict[str, Kpi] = {k.name: k for k in TABLE}

#: KPI columns every output carries, in order (a contract: scripts rely on these names).
KPIS: tuple[str, ...] = tuple(k.name for k in TABLE if k.group == "kpi")

#: Counts of this week's events, reported as they are (names of the model's tallies).
COUNTS: tuple[str, ...] = tuple(k.name for k in TABLE if k.group == "count")

#: Further columns, for diagnosis: the diagnostic columns and the counts, in output order.
EXTRA: tuple[str, ...] = tuple(k.name for k in TABLE if k.group != "kpi")

#: Every output column but ``week``, in order.
COLUMNS: tuple[str, ...] = KPIS + EXTRA


def get(name: str) -> Kpi:
    """The entry of column ``name`` (``KeyError`` for a name that is not a column)."""
    return BY_NAME[name]
