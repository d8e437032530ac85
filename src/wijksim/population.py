"""Initialisation of households: types, members, traits, wijken (ODD "Initialization").

Households are drawn independently from the shares in ``[population]`` and sorted by wijk, so
each wijk is a contiguous block of rows. Wijken differ in size (a few percent) and in network
strength (``wijk_network_spread``).
"""

from __future__ import annotations

import numpy as np

from wijksim.config import Config
from wijksim.state import COUPLE, FAMILY, SINGLE_ADULT, SINGLE_ELDERLY, Households


def wijk_sizes(households: int, wijken: int, rng: np.random.Generator) -> np.ndarray:
    """Households per wijk: roughly equal, varying by about 20%, summing to ``households``."""
    if wijken == 1:
        return np.array([households], dtype=np.int64)
    weights = rng.uniform(0.8, 1.2, size=wijken)
    sizes = np.floor(weights / weights.sum() * households).astype(np.int64)
    sizes[: households - sizes.sum()] += 1
    return sizes


def beta_around(
    mean: np.ndarray, rng: np.random.Generator, concentration: float = 8.0
) -> np.ndarray:
    """Draw values in (0, 1) from beta distributions with the given means."""
    m = np.clip(mean, 0.02, 0.98)
    return rng.beta(m * concentration, (1 - m) * concentration).astype(np.float32)


def draw_households(cfg: Config, rng: np.random.Generator) -> tuple[Households, np.ndarray]:
    """Create all households; returns them and the network-strength multiplier of each wijk."""
    pop = cfg.population
    n = pop.households
    sizes = wijk_sizes(n, pop.wijken, rng)
    wijk = np.repeat(np.arange(pop.wijken, dtype=np.int16), sizes)
    htype = rng.choice(4, size=n, p=np.asarray(pop.type_shares)).astype(np.int8)

    children = np.zeros(n, dtype=np.int8)
    fam = htype == FAMILY
    children[fam] = 1 + rng.poisson(pop.children_mean - 1.0, size=int(fam.sum())).clip(0, 7)
    members = np.select(
        [htype == SINGLE_ELDERLY, htype == SINGLE_ADULT, htype == COUPLE],
        [1, 1, 2],
        default=2 + children,
    ).astype(np.int8)
    elderly = np.zeros(n, dtype=np.int8)
    elderly[htype == SINGLE_ELDERLY] = 1
    couple = htype == COUPLE
    elderly[couple] = np.where(rng.random(int(couple.sum())) < pop.elderly_couple_share, 2, 0)

    spread = pop.wijk_network_spread
    wijk_strength = (pop.network_strength * rng.uniform(1 - spread, 1 + spread, pop.wijken)).astype(
        np.float32
    )
    capacity = np.asarray(pop.care_capacity_hours, dtype=np.float32)[htype]
    capacity = capacity * rng.gamma(4.0, 0.25, size=n).astype(np.float32) * wijk_strength[wijk]

    hh = Households(
        wijk=wijk,
        htype=htype,
        members=members,
        children=children,
        elderly=elderly,
        self_reliance=beta_around(np.asarray(pop.self_reliance_mean)[htype], rng),
        help_seeking=beta_around(np.asarray(pop.help_seeking_mean)[htype], rng),
        care_capacity=capacity.astype(np.float32),
    )
    return hh, wijk_strength


def renew_households(
    hh: Households, rows: np.ndarray, cfg: Config, rng: np.random.Generator, week: int
) -> None:
    """Replace the households in ``rows`` by newcomers of the same type (the count is conserved).

    Used when a household moves out or a Wlz client leaves: the dwelling, its wijk and its ties
    stay; traits are drawn anew and all needs and support are cleared.
    """
    if rows.size == 0:
        return
    pop = cfg.population
    types = hh.htype[rows]
    hh.self_reliance[rows] = beta_around(np.asarray(pop.self_reliance_mean)[types], rng)
    hh.help_seeking[rows] = beta_around(np.asarray(pop.help_seeking_mean)[types], rng)
    for name in ("need", "support", "effect", "calm_weeks", "alt_eligible"):
        getattr(hh, name)[rows] = 0
    for name in ("need_since", "support_since", "case_worker", "handoff_ready", "provision_until"):
        getattr(hh, name)[rows] = -1
    hh.status[rows] = 0
    hh.status_since[rows] = week
    hh.episode_start[rows] = -1
    hh.first_contact[rows] = -1
    hh.severe_care_weeks[rows] = 0
    hh.relapse_until[rows] = -1
    hh.strain[rows] = 0
    hh.met_share[rows] = 1
