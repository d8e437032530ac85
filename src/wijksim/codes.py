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

#: Kind of support per domain.
SUPPORT_KINDS: tuple[str, ...] = ("none", "light", "network", "maatwerk", "wlz")
NO_SUPPORT, LIGHT, NETWORK, MAATWERK, WLZ = range(len(SUPPORT_KINDS))

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
