"""Initialisation of households: types, members, ages, traits, wijken (ODD "Initialization").

Households are drawn independently from the shares in ``[population]`` and sorted by wijk, so
each wijk is a contiguous block of rows. Wijken differ in size (a few percent) and in network
strength (``wijk_network_spread``); with ``[[wijken]]`` profiles each wijk has its own size,
household types, children per family and share of elderly couples
(:mod:`wijksim.build.profiles`). Elderly households (single elderly, couples 65+) get an age
from the stationary age distribution of the population's own flows: newcomers arrive at 65 plus
an exponential number of years, and leave by death (Gompertz, :func:`death_hazard`) or moving.
The same module makes newcomers when a household leaves (:func:`newcomers`).
"""

from __future__ import annotations

import numpy as np

from wijksim.build import profiles
from wijksim.codes import (
    CARE,
    CLOSED,
    COUPLE,
    FAMILY,
    MAATWERK,
    MODERATE,
    SEVERE,
    SINGLE_ADULT,
    SINGLE_ELDERLY,
    WLZ,
)
from wijksim.config import Config, PopulationSection
from wijksim.state import Households
from wijksim.submodels import provisions

#: Stages of needs present at the start (1 mild, 2 moderate, 3 severe).
INITIAL_STAGE_SHARES = np.array([0.55, 0.3, 0.15])
#: Share of needs at the maatwerk stage that already have a maatwerkvoorziening at the start.
INITIAL_MAATWERK_SHARE = 0.5
#: Share of severe elderly care needs already under the Wlz at the start.
INITIAL_WLZ_SHARE = 0.5


#: Width of the age grid of the stationary age distribution, in years.
AGE_STEP = 0.25
#: Ages beyond this many years above 65 are not drawn (their share is negligible).
AGE_SPAN = 50.0


def death_hazard(pop: PopulationSection, age: np.ndarray, care_stage: np.ndarray,
                 couple: np.ndarray) -> np.ndarray:
    """Yearly death hazard of elderly households by age, care stage and couple or single.

    Gompertz: ``death_per_year_at_65 * 2 ** ((age - 65) / death_doubling_years)``, times
    ``death_care_multiplier[care stage]``, times ``couple_death_share`` for a couple (the
    household ends when the second partner dies).
    """
    base = pop.death_per_year_at_65 * np.exp2((age - 65.0) / pop.death_doubling_years)
    care = np.asarray(pop.death_care_multiplier)[care_stage]
    return base * care * np.where(couple, pop.couple_death_share, 1.0)


def stationary_elderly_ages(pop: PopulationSection, couple: bool) -> tuple[np.ndarray, np.ndarray]:
    """Ages (a grid from 65) and their stationary probabilities for elderly households.

    A dwelling's elderly occupant arrives at age ``65 + Exp(elderly_entry_age)`` and leaves at
    the death hazard (care stage 0) plus the elderly mobility; the stationary density is
    ``p(x) ~ sum_a f0(a) S(a -> x)``.
    """
    ages = 65.0 + np.arange(0.0, AGE_SPAN, AGE_STEP)
    hazard = death_hazard(pop, ages, np.zeros(ages.size, np.int64), np.full(ages.size, couple))
    hazard = hazard + pop.mobility_per_year[SINGLE_ELDERLY if not couple else COUPLE]
    cum = np.concatenate([[0.0], np.cumsum(hazard[:-1] * AGE_STEP)])  # integral from 65
    mean = max(pop.elderly_entry_age, AGE_STEP)
    entry = np.exp(-(ages - 65.0) / mean)
    entry /= entry.sum()
    # p(x) = sum_{a <= x} entry(a) exp(-(cum(x) - cum(a)))
    density = np.exp(-cum) * np.cumsum(entry * np.exp(cum))
    return ages, density / density.sum()


def draw_elderly_ages(pop: PopulationSection, couple: np.ndarray,
                      rng: np.random.Generator) -> np.ndarray:
    """Ages of elderly households from the stationary distribution (one uniform each)."""
    out = np.empty(couple.size)
    u = rng.random(couple.size)
    for is_couple in (False, True):
        rows = couple == is_couple
        ages, prob = stationary_elderly_ages(pop, is_couple)
        cdf = np.cumsum(prob)
        out[rows] = ages[np.minimum(np.searchsorted(cdf, u[rows]), ages.size - 1)]
    return out + rng.random(couple.size) * AGE_STEP


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
    made = profiles.makeup(cfg)
    if made is None:  # wijken alike but for their size
        sizes = wijk_sizes(n, pop.wijken, rng, pop.wijk_size_spread)
        wijk = np.repeat(np.arange(pop.wijken, dtype=np.int16), sizes)
        htype = rng.choice(4, size=n, p=np.asarray(pop.type_shares)).astype(np.int8)
    else:  # each wijk as its CBS profile describes it
        wijk = np.repeat(np.arange(pop.wijken, dtype=np.int16), made.households)
        htype = np.concatenate([rng.choice(4, size=k, p=shares) for k, shares in
                                zip(made.households, made.type_shares, strict=True)]
                               ).astype(np.int8)

    children = np.zeros(n, dtype=np.int8)
    fam = htype == FAMILY
    lam = pop.children_mean - 1.0 if made is None else made.children_mean[wijk[fam]] - 1.0
    children[fam] = 1 + rng.poisson(lam, size=int(fam.sum())).clip(0, 7)
    members = np.select(
        [htype == SINGLE_ELDERLY, htype == SINGLE_ADULT, htype == COUPLE],
        [1, 1, 2],
        default=2 + children,
    ).astype(np.int8)
    elderly = np.zeros(n, dtype=np.int8)
    elderly[htype == SINGLE_ELDERLY] = 1
    couple = htype == COUPLE
    old_share = (pop.elderly_couple_share if made is None
                 else made.elderly_couple_share[wijk[couple]])
    elderly[couple] = np.where(rng.random(int(couple.sum())) < old_share, 2, 0)

    spread = pop.wijk_network_spread
    wijk_strength = (pop.network_strength * rng.uniform(1 - spread, 1 + spread, pop.wijken)).astype(
        np.float32
    )
    capacity = np.asarray(pop.care_capacity_hours, dtype=np.float32)[htype]
    shape = pop.capacity_shape
    capacity = capacity * rng.gamma(shape, 1.0 / shape, size=n).astype(np.float32)
    capacity = capacity * wijk_strength[wijk]
    self_reliance, help_seeking = draw_traits(pop, htype, rng)
    age = 20.0 + rng.random(n) * 45.0  # adults: only the ages of the elderly matter
    old = elderly > 0
    age[old] = draw_elderly_ages(pop, htype[old] == COUPLE, rng)
    hh = Households(
        wijk=wijk,
        htype=htype,
        members=members,
        children=children,
        elderly=elderly,
        self_reliance=self_reliance,
        help_seeking=help_seeking,
        care_capacity=capacity.astype(np.float32),
        birth_week=np.round(-age * 52.0).astype(np.int32),
    )
    return hh, wijk_strength


def newcomer_traits(hh: Households, rows: np.ndarray, cfg: Config,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Self-reliance, help-seeking and age (years) of newcomers taking the place of ``rows``.

    As many numbers are drawn whatever the rows' types (paired runs keep drawing the same);
    adults' ages are not used by the model.
    """
    self_reliance, help_seeking = draw_traits(cfg.population, hh.htype[rows], rng)
    age = 65.0 + rng.exponential(max(cfg.population.elderly_entry_age, 1e-9), rows.size)
    return self_reliance, help_seeking, age


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
                     help_seeking: np.ndarray, age: np.ndarray, week: int) -> None:
    """Replace the households in ``rows`` by newcomers of the same type (the count is conserved).

    Used when a household dies out or moves: the dwelling, its wijk, type, members, care
    capacity and ties stay; traits and age are the given ones and all state is cleared.
    """
    if rows.size == 0:
        return
    hh.self_reliance[rows] = self_reliance
    hh.help_seeking[rows] = help_seeking
    hh.birth_week[rows] = week - np.round(age * 52.0).astype(np.int32)
    hh.renew(rows, week)


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

    hh.stage2_week[:] = np.where(present & (hh.need >= MODERATE), -2, -1)  # before the start
    hh.stage2_episode[:] = np.where((hh.need >= MODERATE).any(axis=1), -2, -1)
    hh.escalated[:] = hh.need >= SEVERE
    granted = present & (hh.need >= cfg.policy.maatwerk_stage)
    granted &= rng.random(onset.shape) < INITIAL_MAATWERK_SHARE
    r, d = np.nonzero(granted)
    codes, weeks = provisions.draw(provisions.table(cfg), d, rng)
    hh.support[r, d] = MAATWERK
    hh.provision[r, d] = codes
    hh.support_since[r, d] = since[r, d]
    hh.provision_until[r, d] = np.ceil(rng.random(r.size) * weeks).astype(np.int32)
    wlz = (hh.elderly > 0) & (hh.need[:, CARE] >= SEVERE)
    wlz &= rng.random(hh.n) < INITIAL_WLZ_SHARE
    hh.support[wlz, CARE] = WLZ
    hh.provision[wlz, CARE] = 0
    hh.provision_until[wlz, CARE] = -1
    known = (hh.support > 0).any(axis=1)
    hh.status[known] = CLOSED
