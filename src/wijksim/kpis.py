"""The output columns of the model: one table of facts that every reader uses.

Each column the model's ``DataCollector`` records (besides ``week``) has one :class:`Kpi` entry
in :data:`TABLE`, in output order: its name, group, unit and label in English and Dutch, and its
definition as computed (English; the text of docs/ODD.md section 7.10, whose tables
``scripts/gen_kpis.py`` generates from this one). The CLI's tables, the plots, the app's
labels and the ODD read it, so a unit or a label is written once.

Four groups, in this order: the contract KPIs (:data:`KPIS`; their names and order are a
contract, users' scripts rely on them), further measures (the gemeente's and CBS's views: time
to contact and to support, counts over a year, Wmo flows, costs by payer and by law),
diagnostic columns and this week's counts (the last three together :data:`EXTRA`; the counts,
:data:`COUNTS`, are fields of the week record and come before ``inhabitants``).

Data only: no numpy, numba or model import, so the CLI can read it at no cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: The group of a column: a contract KPI, a further measure, a diagnostic, or a week's count.
Group = Literal["kpi", "measure", "diagnostic", "count"]
GROUPS: tuple[Group, ...] = ("kpi", "measure", "diagnostic", "count")

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
_PERSONS_1000 = ("persons per 1,000 inhabitants", "personen per 1.000 inwoners")
_HOUSEHOLDS = ("households", "huishoudens")
_SHARE_HOUSEHOLDS = ("share of households", "deel van de huishoudens")
_EURO_YEAR = ("euro per year", "euro per jaar")
_WORKERS = ("workers", "medewerkers")
_COST = "see 7.9"


def _kpi(name: str, unit: tuple[str, str], label: tuple[str, str], definition: str) -> Kpi:
    return Kpi(name, "kpi", unit[0], unit[1], label[0], label[1], definition)


def _measure(name: str, unit: tuple[str, str], label: tuple[str, str], definition: str) -> Kpi:
    return Kpi(name, "measure", unit[0], unit[1], label[0], label[1], definition)


def _diagnostic(name: str, unit: tuple[str, str], label: tuple[str, str],
                definition: str) -> Kpi:
    return Kpi(name, "diagnostic", unit[0], unit[1], label[0], label[1], definition)


def _count(name: str, unit: tuple[str, str], label: tuple[str, str], definition: str) -> Kpi:
    return Kpi(name, "count", unit[0], unit[1], label[0], label[1], definition)


#: Every output column but ``week``, in the order of the model's ``DataCollector``.
TABLE: tuple[Kpi, ...] = (
    # --- contract KPIs -------------------------------------------------------------------
    _kpi("escalations_per_1000", _PER_1000_YEAR, ("Escalations", "Escalaties"),
         "needs reaching stage 3 or 4 for the first time this week (a need escalates once "
         "until it is solved) × 52 × 1000 / I"),
    _kpi("time_to_help_weeks",
         ("weeks from a moderate need to its first support",
          "weken van matige vraag tot eerste steun"),
         ("Time to help", "Tijd tot hulp"),
         "mean over the needs whose first support starts this week of (that week − the week "
         "the need first reached stage 2); a need already supported when it reaches stage 2 "
         "counts 0; maatwerk starts at the decision"),
    _kpi("early_contact_share", ("share of first contacts at a mild need",
                                 "deel eerste contacten bij een lichte vraag"),
         ("Early contact", "Vroeg contact"),
         "share of this week's first contacts where the household's worst need was at stage 1"),
    _kpi("waiting_list", _HOUSEHOLDS, ("Waiting list", "Wachtlijst"),
         "households with status waiting (count, not per 1,000)"),
    _kpi("wait_weeks", ("weeks", "weken"), ("Waiting time", "Wachttijd"),
         "mean over this week's intakes of the weeks spent waiting"),
    _kpi("non_maatwerk_share",
         ("share of would-be maatwerk solved without it",
          "deel van de maatwerkvragen zonder maatwerk"),
         ("Solved otherwise", "Anders opgelost"),
         "of the would-be maatwerk cases (needs at `maatwerk_stage` or worse, not Wlz) whose "
         "outcome is known this week, the share solved otherwise: routed to the network or "
         "the sociale basis with no maatwerk `policy.alt_outcome_weeks` later (the others got "
         "maatwerk at once or after all)"),
    _kpi("maatwerk_per_1000", _PERSONS_1000, ("Maatwerk clients", "Maatwerkcliënten"),
         "persons with at least one Wmo or Jeugdwet maatwerkvoorziening running (one client "
         "per household with Wmo, one child per family with youth care) × 1000 / I; debt "
         "relief and re-integration apart"),
    _kpi("wmo_per_1000", _PERSONS_1000, ("Wmo clients", "Wmo-cliënten"),
         "households with a Wmo maatwerkvoorziening running (care or social domain; one "
         "client each) × 1000 / I, at this week (CBS counts persons over a year: "
         "`wmo_clients_year_per_1000`)"),
    _kpi("youth_care_share", ("share of under-23s", "deel van de jongeren onder 23"),
         ("Youth care", "Jeugdhulp"),
         "children in youth care (one per family with a Jeugdwet provision running) / U23, at "
         "this week"),
    _kpi("debt_share", _SHARE_HOUSEHOLDS, ("Problematic debts", "Problematische schulden"),
         "households with a debt need at stage ≥ 2 (problematic debts)"),
    _kpi("wlz_per_1000", _PERSONS_1000, ("Wlz care", "Wlz-zorg"),
         "households (one client each) with care under the Wlz × 1000 / I"),
    _kpi("workload", ("hours asked / hours available", "gevraagde / beschikbare uren"),
         ("Workload", "Werkdruk"), "team-wide, this week (7.8)"),
    _kpi("turnover_rate",
         ("share of workers leaving per year", "deel van de medewerkers per jaar"),
         ("Turnover", "Verloop"),
         "leavers over the last 52 weeks / mean filled positions over those weeks (fewer "
         "weeks at the start of a run)"),
    _kpi("vacancies", ("positions", "formatieplaatsen"), ("Vacancies", "Vacatures"),
         "existing positions without a worker"),
    _kpi("signals_per_1000", _PER_1000_YEAR, ("Signals", "Signalen"),
         "(partner + help-seeking + outreach + crisis + keeping-in-touch signals this week) "
         "× 52 × 1000 / I"),
    _kpi("carer_overload_share", ("share of informal carers", "deel van de mantelzorgers"),
         ("Overloaded carers", "Overbelaste mantelzorgers"),
         "among households giving informal care this week, the share with "
         "`strain > informal.overload_threshold`"),
    _kpi("unmet_need", _SHARE_HOUSEHOLDS, ("Unmet need", "Onbeantwoorde vraag"),
         "households with at least one need at stage ≥ 2 without support"),
    _kpi("cost_total", _EURO_YEAR, ("Total cost", "Totale kosten"),
         "`cost_gemeente + cost_wlz + cost_other` (see 7.9)"),
    _kpi("cost_team", _EURO_YEAR, ("Wijkteam cost", "Kosten wijkteam"), _COST),
    _kpi("cost_maatwerk", _EURO_YEAR,
         ("Maatwerk cost (Wmo, youth, ...)", "Kosten maatwerk (Wmo, Jeugd, ...)"), _COST),
    _kpi("cost_wlz", _EURO_YEAR, ("Wlz cost (Wlz fund)", "Kosten Wlz (Wlz-fonds)"), _COST),
    _kpi("cost_sociale_basis", _EURO_YEAR,
         ("Sociale basis cost", "Kosten sociale basis"), _COST),
    _kpi("cost_crisis", _EURO_YEAR, ("Crisis cost (all payers)", "Kosten crises (alle betalers)"),
         _COST),
    # --- further measures ----------------------------------------------------------------
    _measure("time_to_contact_weeks",
             ("weeks from a moderate need to first contact",
              "weken van matige vraag tot eerste contact"),
             ("Time to contact", "Tijd tot contact"),
             "mean over this week's first contacts (and households already in contact whose "
             "need reached stage 2 this week: 0) of the weeks since a need of the episode first "
             "reached stage 2"),
    _measure("time_to_support_weeks",
             ("weeks from first contact to support for every need",
              "weken van eerste contact tot steun bij elke vraag"),
             ("Time to support", "Tijd tot steun"),
             "mean over the households that this week have support in every domain with a "
             "need (the first time since first contact) of the weeks since first contact"),
    _measure("wmo_clients_year_per_1000", _PERSONS_1000,
             ("Wmo clients in a year", "Wmo-cliënten per jaar"),
             "distinct households (one client each) with a Wmo provision running in some week "
             "of the last 52, including those who died or moved since, × 1000 / I (as CBS "
             "counts)"),
    _measure("youth_care_year_share", ("share of under-23s", "deel van de jongeren onder 23"),
             ("Youth care in a year", "Jeugdhulp per jaar"),
             "distinct children (one per family) in youth care in some week of the last 52 / "
             "U23 (as CBS counts)"),
    _measure("wmo_ending_rate", ("endings per client per year", "beëindigingen per cliënt per "
                                 "jaar"),
             ("Wmo endings", "Beëindigde Wmo"),
             "Wmo clients who ended over the last 52 weeks (their last Wmo provision ended at "
             "review, by a solved need or by the move to the Wlz, or they died or moved) / mean "
             "Wmo clients (households) over those weeks"),
    _measure("wmo_death_share", ("share of Wmo endings", "deel van de beëindigingen"),
             ("Wmo endings by death", "Wmo beëindigd door overlijden"),
             "of the Wmo clients who ended over the last 52 weeks, the share who died"),
    _measure("wmo_to_wlz_rate", ("per client per year", "per cliënt per jaar"),
             ("Wmo to Wlz", "Van Wmo naar Wlz"),
             "Wmo clients whose care moved to the Wlz over the last 52 weeks / mean Wmo "
             "clients (households) over those weeks"),
    _measure("debt_relief_per_1000", ("households per 1,000 inhabitants",
                                      "huishoudens per 1.000 inwoners"),
             ("Debt relief", "Schuldhulp"),
             "households with debt relief (Wgs) running × 1000 / I"),
    _measure("reintegration_per_1000", ("households per 1,000 inhabitants",
                                        "huishoudens per 1.000 inwoners"),
             ("Re-integration", "Re-integratie"),
             "households with a re-integration provision (Participatiewet) running × 1000 / I"),
    _measure("waiting_list_per_1000", ("households per 1,000 inhabitants",
                                       "huishoudens per 1.000 inwoners"),
             ("Waiting list per 1,000", "Wachtlijst per 1.000"),
             "households with status waiting × 1000 / I"),
    _measure("multi_problem_escalations_per_1000", _PER_1000_YEAR,
             ("Escalations, multi-problem households", "Escalaties bij multiprobleemhuishoudens"),
             "escalations (as `escalations_per_1000`) in households with needs in two or more "
             "domains × 52 × 1000 / I"),
    _measure("over_term_share", ("share of intakes", "deel van de intakes"),
             ("Intakes over term", "Intakes na de termijn"),
             "share of this week's intakes held later than `policy.research_weeks` after the "
             "request (the Wmo's six weeks)"),
    _measure("basis_per_1000", ("needs per 1,000 inhabitants", "vragen per 1.000 inwoners"),
             ("In the sociale basis", "In de sociale basis"),
             "needs supported by the sociale basis (voorliggende or algemene voorziening) × 1000 "
             "/ I"),
    _measure("fte_per_1000_realised", ("FTE per 1,000 inhabitants", "fte per 1.000 inwoners"),
             ("Staffing realised", "Gerealiseerde formatie"),
             "FTE of the filled positions (sick workers included) × 1000 / I"),
    _measure("capacity_mismatch", ("coefficient of variation", "variatiecoëfficiënt"),
             ("Capacity mismatch", "Scheefheid capaciteit"),
             "how unevenly workload is spread over the wijken: the standard deviation of the "
             "wijken's workload (hours asked / hours available), weighted by their hours "
             "available, over the municipality's workload; 0 when every wijk is equally loaded "
             "(and for a single wijk, or per wijk)"),
    _measure("cost_gemeente", _EURO_YEAR, ("Cost to the gemeente", "Kosten gemeente"),
             "what the gemeente pays: team, maatwerk, sociale basis and its share of crises "
             "(see 7.9)"),
    _measure("cost_other", _EURO_YEAR, ("Crisis cost to others", "Crisiskosten voor anderen"),
             "the part of crisis costs others pay (police, hospitals; see 7.9)"),
    _measure("cost_wmo", _EURO_YEAR, ("Wmo maatwerk cost", "Kosten Wmo-maatwerk"),
             "maatwerk running in the care and social domains, with one-off provisions "
             "delivered this week (see 7.9)"),
    _measure("cost_youth", _EURO_YEAR, ("Youth care cost", "Kosten jeugdhulp"),
             "maatwerk running in the youth domain, with one-off provisions "
             "delivered this week (see 7.9)"),
    _measure("cost_reintegration", _EURO_YEAR, ("Re-integration cost", "Kosten re-integratie"),
             "maatwerk running in the income domain, with one-off provisions "
             "delivered this week (see 7.9)"),
    _measure("cost_debt_relief", _EURO_YEAR, ("Debt relief cost", "Kosten schuldhulp"),
             "maatwerk running in the debt domain, with one-off provisions "
             "delivered this week (see 7.9)"),
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
    # --- this week's counts (WeekRecord fields) ------------------------------------------
    _count("admissions", ("households per week", "huishoudens per week"),
           ("Intakes", "Intakes"), "this week's count of intakes of queued households"),
    _count("maatwerk_grants", ("provisions per week", "voorzieningen per week"),
           ("Maatwerk granted", "Toegekend maatwerk"),
           "this week's maatwerk grants, at intake and by stepping up"),
    _count("network_plans", ("plans per week", "plannen per week"),
           ("Network plans", "Netwerkplannen"), "this week's network plans (in the conversation)"),
    _count("basis_plans", ("plans per week", "plannen per week"),
           ("Sociale basis plans", "Plannen sociale basis"),
           "this week's plans handing a would-be maatwerk need to the sociale basis"),
    _count("eligible_decisions", ("decisions per week", "besluiten per week"),
           ("Maatwerk questions", "Maatwerkvragen"),
           "this week's plans for needs at `maatwerk_stage` or worse (not Wlz)"),
    _count("conversations", ("plans per week", "plannen per week"),
           ("Network conversations", "Netwerkgesprekken"),
           "of them, plans made in the Breda conversation (`network_first`)"),
    _count("alt_solved", ("cases per week", "casussen per week"),
           ("Solved otherwise (cases)", "Anders opgelost (aantal)"),
           "would-be maatwerk cases routed otherwise whose `alt_outcome_weeks` passed without "
           "maatwerk this week"),
    _count("alt_failed", ("cases per week", "casussen per week"),
           ("Maatwerk after all", "Toch maatwerk"),
           "would-be maatwerk cases routed otherwise that got maatwerk this week"),
    _count("alt_maatwerk", ("cases per week", "casussen per week"),
           ("Maatwerk at once", "Direct maatwerk"),
           "would-be maatwerk cases granted maatwerk at their plan this week"),
    _count("step_ups", ("plans per week", "plannen per week"),
           ("Stepped up", "Opgeschaald"),
           "light, network or basis support stepped up to maatwerk this week"),
    _count("renewals", ("provisions per week", "voorzieningen per week"),
           ("Provisions renewed", "Verlengde voorzieningen"),
           "provisions renewed at their review this week"),
    _count("to_basis", ("provisions per week", "voorzieningen per week"),
           ("To the algemene voorziening", "Naar algemene voorziening"),
           "provisions moved to the sociale basis at review this week"),
    _count("wlz_entries", ("households per week", "huishoudens per week"),
           ("Wlz entries", "Instroom Wlz"), "this week's moves of care to the Wlz"),
    _count("signals_partner", ("signals per week", "signalen per week"),
           ("Partner signals", "Signalen van partners"), "this week's partner signals"),
    _count("signals_help", ("signals per week", "signalen per week"),
           ("Requests for help", "Hulpvragen"), "this week's requests for help"),
    _count("signals_outreach", ("signals per week", "signalen per week"),
           ("Outreach signals", "Signalen uit outreach"), "this week's outreach finds"),
    _count("signals_crisis", ("signals per week", "signalen per week"),
           ("Crisis signals", "Crisissignalen"), "this week's crises forcing contact"),
    _count("signals_kept_in_touch", ("signals per week", "signalen per week"),
           ("Kept in touch", "Vinger aan de pols"),
           "this week's new needs an integrated team noticed in households it closed recently"),
    _count("referrals", ("needs per week", "vragen per week"),
           ("Referrals", "Doorverwijzingen"),
           "needs referred this week (to another specialist, or asked about by a household in "
           "support)"),
    _count("first_contacts", ("households per week", "huishoudens per week"),
           ("First contacts", "Eerste contacten"),
           "this week's first contacts of episodes (the denominator of `early_contact_share`)"),
    _count("escalations", ("needs per week", "vragen per week"),
           ("Escalations this week", "Escalaties deze week"),
           "this week's escalations (first entries into stage 3 or 4)"),
    _count("new_needs", ("needs per week", "vragen per week"),
           ("New needs", "Nieuwe vragen"),
           "this week's count of needs that arose (life events)"),
    _count("deaths", ("households per week", "huishoudens per week"),
           ("Deaths", "Overlijdens"),
           "elderly households that died out this week (outside the Wlz)"),
    _count("wlz_deaths", ("households per week", "huishoudens per week"),
           ("Deaths in the Wlz", "Overlijdens in de Wlz"), "Wlz clients who died this week"),
    _count("moves", ("households per week", "huishoudens per week"),
           ("Households moving out", "Verhuisde huishoudens"),
           "households that moved out this week (each replaced by a newcomer)"),
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
    _count("reallocations", ("wijken per week", "aantal wijken per week"),
           ("Reallocations", "Herverdelingen"),
           "wijken whose FTE or sociale-basis budget the policy cycle moved this week (a review; 0 "
           "in other weeks)"),
    # --- diagnostic, after the counts ----------------------------------------------------
    _diagnostic("inhabitants", ("persons", "personen"), ("Inhabitants", "Inwoners"),
                "I, the number of inhabitants (constant in a run)"),
    _diagnostic("under_23", ("persons", "personen"), ("Under-23s", "Jongeren onder 23"),
                "U23, the number of inhabitants under 23 (constant in a run)"),
)

#: Entries by column name.
BY_NAME: dict[str, Kpi] = {k.name: k for k in TABLE}

#: KPI columns every output carries, in order (a contract: scripts rely on these names).
KPIS: tuple[str, ...] = tuple(k.name for k in TABLE if k.group == "kpi")

#: The measures that sit next to the contract KPIs (counts over a year, flows, costs by payer).
MEASURES: tuple[str, ...] = tuple(k.name for k in TABLE if k.group == "measure")

#: What the CLI's tables and ``compare`` report: the contract KPIs, then the measures.
REPORTED: tuple[str, ...] = KPIS + MEASURES

#: Counts of this week's events, reported as they are (names of the model's tallies).
COUNTS: tuple[str, ...] = tuple(k.name for k in TABLE if k.group == "count")

#: Further columns, for diagnosis: the diagnostic columns and the counts, in output order.
EXTRA: tuple[str, ...] = tuple(k.name for k in TABLE if k.group != "kpi")

#: Every output column but ``week``, in order.
COLUMNS: tuple[str, ...] = KPIS + EXTRA


def get(name: str) -> Kpi:
    """The entry of column ``name`` (``KeyError`` for a name that is not a column)."""
    return BY_NAME[name]
