"""Initialisation of households: types, members, traits, wijken (ODD "Initialization").

Households are drawn independently from the shares in ``[population]`` and sorted by wijk, so
each wijk is a contiguous block of rows. Wijken differ in size (a few percent) and in network
strength (``wijk_network_spread``).
"""

from __future__ import annotations

import numpy as np

from wijksim.codes import (
    CARE,
    CLOSED,
    COUPLE,
    FAMILY,
    MAATWERK,
    SEVERE,
    SINGLE_ADULT,
    SINGLE_ELDERLY,
    WLZ,
)
from wijksim.config import Config, PopulationSection
from wijksim.state import Households

#: Stages of needs present at the start (1 mild, 2 moderate, 3 severe).
INITIAL_STAGE_SHARES = np.array([0.55, 0.3, 0.15])
#: Share of needs at the maatwerk stage that already have a maatwerkvoorziening at the start.
INITIAL_MAATWERK_SHARE = 0.5
#: Share of severe elderly care needs already under the Wlz at the start.
INITIAL_WLZ_SHARE = 0.5


def wijk_sizes(
    households: int, wijken: int, rng: np.random.Generator, spread: float = 0.2
) -> np.ndarray:
    """Households per wijk: roughly equal, varying by up to ``spread``, adding up to ``households``.

    Relative sizes are uniform within ``1 +/- spread`` (``population.wijk_size_spread``).
    """
    if wijken == 1:
        return np.array([households], dtype=np.int64)
    weights = rng.uniform(1.0 - spread, 1.0 + spread, size=wijken)
    sizes = np.floor(weights / weights.sum() * households).astype(np.int64)
    sizes[: households - sizes.sum()] += 1
    return sizes


def beta_around(mean: np.ndarray, rng: np.random.Generator, concentration: float) -> np.ndarray:
    """Draw values in (0, 1) from beta distributions with the given means."""
    m = np.clip(mean, 0.02, 0.98)
    return rng.beta(m * concentration, (1 - m) * concentration).astype(np.float32)


def draw_households(cfg: Config, rng: np.random.Generator) -> tuple[Households, np.ndarray]:
    """Create all households; returns them and the network-strength multiplier of each wijk."""
    pop = cfg.population
    n = pop.households
    sizes = wijk_sizes(n, pop.wijken, rng, pop.wijk_size_spread)
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
    shape = pop.capacity_shape
    capacity = capacity * rng.gamma(shape, 1.0 / shape, size=n).astype(np.float32)
    capacity = capacity * wijk_strength[wijk]
    self_reliance, help_seeking = draw_traits(pop, htype, rng)
    hh = Households(
        wijk=wijk,
        htype=htype,
        members=members,
        children=children,
        elderly=elderly,
        self_reliance=self_reliance,
        help_seeking=help_seeking,
        care_capacity=capacity.astype(np.float32),
    )
    return hh, wijk_strength


def newcomer_traits(hh: Households, rows: np.ndarray, cfg: Config,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Self-reliance and help-seeking of newcomers taking the place of ``rows``."""
    return draw_traits(cfg.population, hh.htype[rows], rng)


def draw_traits(
    pop: PopulationSection, types: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Self-reliance and help-seeking of households of ``types`` (Beta around the type means)."""
    concentration = pop.trait_concentration
    return (
        beta_around(np.asarray(pop.self_reliance_mean)[types], rng, concentration),
        beta_around(np.asarray(pop.help_seeking_mean)[types], rng, concentration),
    )


def renew_households(hh: Households, rows: np.ndarray, self_reliance: np.ndarray,
                     help_seeking: np.ndarray, week: int) -> None:
    """Replace the households in ``rows`` by newcomers of the same type (the count is conserved).

    Used when a household moves out or a Wlz client leaves: the dwelling, its wijk and its ties
    stay; traits are the given ones and all needs and support are cleared.
    """
    if rows.size == 0:
        return
    hh.self_reliance[rows] = self_reliance
    hh.help_seeking[rows] = help_seeking
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


def initial_needs(hh: Households, cfg: Config, rng: np.random.Generator) -> None:
    """Start near the steady state: needs, maatwerk and Wlz as they would be after some years.

    A need is present with chance ``1 - exp(-onset * duration)``, its expected duration being the
    inverse of the mild-stage recovery hazard (slower for chronic domains), at a stage drawn from
    :data:`INITIAL_STAGE_SHARES`. Some needs at the maatwerk stage already have a provision with
    part of its term left; some severe elderly care needs are under the Wlz. The warm-up then
    lets these settle by the model's own dynamics.
    """
    needs = cfg.needs
    onset = np.array(needs.onset_per_year.as_rows()).T[hh.htype]  # n x domains
    chronic = np.array(needs.chronic.as_list())
    recovery = needs.recovery_per_year[1] * (1.0 - chronic) + 0.25
    present = rng.random(onset.shape) < 1.0 - np.exp(-onset / recovery)
    stage = 1 + rng.choice(3, size=onset.shape, p=INITIAL_STAGE_SHARES)
    hh.need[:] = np.where(present, stage, 0)
    since = -1 - rng.integers(1, 105, size=onset.shape)  # weeks -2..-105: never -1 (none)
    hh.need_since[:] = np.where(present, since, -1)
    hh.episode_start[:] = np.where(present.any(axis=1), np.where(present, since, 0).min(axis=1), -1)

    weeks = np.array(cfg.policy.maatwerk_weeks.as_list())
    granted = present & (hh.need >= cfg.policy.maatwerk_stage)
    granted &= rng.random(onset.shape) < INITIAL_MAATWERK_SHARE
    r, d = np.nonzero(granted)
    hh.support[r, d] = MAATWERK
    hh.support_since[r, d] = since[r, d]
    hh.provision_until[r, d] = rng.integers(1, weeks[d] + 1)
    wlz = (hh.elderly > 0) & (hh.need[:, CARE] >= SEVERE)
    wlz &= rng.random(hh.n) < INITIAL_WLZ_SHARE
    hh.support[wlz, CARE] = WLZ
    hh.provision_until[wlz, CARE] = -1
    known = (hh.support > 0).any(axis=1)
    hh.status[known] = CLOSED
