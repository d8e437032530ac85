"""Names and integer codes of every enumeration in the model: one home for each.

State arrays hold small integers (a household's type, a need's stage, a kind of support); config
files, outputs and the app use the names. Each enumeration is a tuple of names here, and its
codes are the positions in that tuple, bound to constants that the compiled loops read (numba
treats module-level integers as constants). The unpacking ``A, B, C = range(len(NAMES))``
fails at import when a name is added without a code.
"""

from __future__ import annotations

import numpy as np

#: Life domains: the columns of every per-domain array (ODD 2.1).
DOMAINS: tuple[str, ...] = ("care", "youth", "income", "debt", "social")
CARE, YOUTH, INCOME, DEBT, SOCIAL = range(len(DOMAINS))
N_DOMAINS = len(DOMAINS)

#: Stages of a need: 0 none, 1 mild, 2 moderate, 3 severe, 4 crisis.
STAGES: tuple[str, ...] = ("none", "mild", "moderate", "severe", "crisis")
NONE, MILD, MODERATE, SEVERE, CRISIS = range(len(STAGES))

#: Household types (CBS household composition, simplified).
HOUSEHOLD_TYPES: tuple[str, ...] = ("single_elderly", "single_adult", "couple", "family")
SINGLE_ELDERLY, SINGLE_ADULT, COUPLE, FAMILY = range(len(HOUSEHOLD_TYPES))

#: A household's support status (one per household).
STATUSES: tuple[str, ...] = ("unknown", "signalled", "waiting", "in_support", "closed")
UNKNOWN, SIGNALLED, WAITING, IN_SUPPORT, CLOSED = range(len(STATUSES))

#: Kind of support per domain, in the order of stepped care (Wmo 2015 art. 2.3.5): light
#: support by the team, the household's network activated, the sociale basis (a voorliggende or
#: algemene voorziening), a maatwerkvoorziening, long-term care under the Wlz.
SUPPORT_KINDS: tuple[str, ...] = ("none", "light", "network", "basis", "maatwerk", "wlz")
NO_SUPPORT, LIGHT, NETWORK, BASIS, MAATWERK, WLZ = range(len(SUPPORT_KINDS))

#: Maatwerkvoorzieningen (the provision behind a maatwerk cell; 0: none). Each belongs to one
#: domain; its kind, duration, review, renewal and cost are in ``[policy.provisions.<name>]``.
PROVISIONS: tuple[str, ...] = (
    "none",
    "woningaanpassing",  # care: a home adaptation, one-off
    "hulpmiddel",  # care: an aid (wheelchair, scootmobiel), durable
    "huishoudelijke_hulp",  # care: household help, recurring, reviewed every 1-3 years
    "begeleiding",  # care: individual guidance, 6-12 months by plan
    "jeugdhulp",  # youth: youth care, an episode of about a year
    "re_integratie",  # income: help back into work (Participatiewet)
    "schuldhulp",  # debt: debt relief (Wgs), a settlement of about 18 months
    "dagbesteding",  # social: day activities (Wmo), recurring
)
(NO_PROVISION, WONINGAANPASSING, HULPMIDDEL, HUISHOUDELIJKE_HULP, BEGELEIDING, JEUGDHULP,
 RE_INTEGRATIE, SCHULDHULP, DAGBESTEDING) = range(len(PROVISIONS))

#: How a provision runs: once and done, until no longer needed, reviewed at intervals, or for a
#: planned period.
PROVISION_KINDS: tuple[str, ...] = ("one_off", "durable", "recurring", "episode")
ONE_OFF, DURABLE, RECURRING, EPISODE = range(len(PROVISION_KINDS))

#: Why a household leaves its dwelling (a newcomer of the same type takes its place).
DEPARTURES: tuple[str, ...] = ("death", "wlz_death", "move")
DEATH, WLZ_DEATH, MOVE = range(len(DEPARTURES))

#: Why a Wmo client ends: the household's last Wmo maatwerk provision ends, or it leaves
#: (counted for the flows of calibration; a client, not a provision, as CBS counts).
WMO_ENDINGS: tuple[str, ...] = ("death", "moved", "wlz", "review", "solved")
END_DEATH, END_MOVED, END_WLZ, END_REVIEW, END_SOLVED = range(len(WMO_ENDINGS))

#: Partner kinds of the sociale basis (one of each per wijk; rows = wijk * kinds + kind).
PARTNER_KINDS: tuple[str, ...] = (
    "supermarket",
    "school",
    "gp",
    "community_centre",
    "residents_initiative",
    "creditors",
)

#: Team structures (``[team] structure``).
TEAM_STRUCTURES: tuple[str, ...] = ("integrated", "siloed")

#: Closure rules (``[policy] closure_rule``).
CLOSURE_RULES: tuple[str, ...] = ("stable", "fixed")

#: "No week": a week stamp (need began, first contact, ...) that is not set.
NEVER = np.int32(-1)
