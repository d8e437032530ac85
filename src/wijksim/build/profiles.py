"""Wijk profiles: a wijk's make-up from CBS's Kerncijfers wijken en buurten (ODD "Initialization").

A ``[[wijken]]`` profile gives CBS's counts for one wijk. They set, per wijk:

* **size**: households in proportion to the profiles' households, scaled to
  ``population.households`` (largest remainders, so the total is exact);
* **household types**: one-person households (CBS) are single elderly and single adults,
  multi-person households without children are couples, households with children families. The
  elderly part follows the wijk's 65+ share of inhabitants relative to the national one
  (``population.reference_age_65_share``): single elderly = the national single-elderly share
  x that ratio (at most 95% of the singles), elderly couples likewise (at most all couples). The
  shares are normalised to add up to 1 (CBS rounds counts to fives);
* **children per family**: persons in private households (``household_size`` x households)
  minus singles and two per couple, per family, minus two parents; relative to the same figure
  for the national make-up, times ``population.children_mean``;
* **onset of needs**: a wijk with a low-income share ``L`` has onsets x
  ``(1 + (RR - 1) L) / (1 + (RR - 1) L_ref)`` per domain (``needs.low_income_relative_risk``
  RR, ``population.reference_low_income_share`` L_ref).

A profile with the national make-up gives the population of ``[population]`` (a test checks
this); a figure a profile lacks takes its national value. The model has no other trace of CBS's
figures: they change who lives in a wijk, not any rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wijksim.codes import COUPLE, DOMAINS, FAMILY, SINGLE_ADULT, SINGLE_ELDERLY
from wijksim.config import Config, PopulationSection, WijkProfile

#: Singles that are elderly at most (CBS's one-person households include young adults).
MAX_ELDERLY_SINGLES = 0.95


@dataclass(frozen=True)
class Makeup:
    """The make-up of each wijk (a row per wijk)."""

    households: np.ndarray  # int64, households per wijk
    type_shares: np.ndarray  # float64 (wijken, 4), shares of the household types
    children_mean: np.ndarray  # float64, children (<23) per family
    elderly_couple_share: np.ndarray  # float64, couples aged 65+ among couples
    onset_factor: np.ndarray  # float64 (wijken, domains), onset of needs relative to national


def makeup(cfg: Config) -> Makeup | None:
    """Each wijk's make-up from its profile, or None when the config has no profiles."""
    if not cfg.wijken:
        return None
    pop = cfg.population
    rows = [profile_makeup(w, pop) for w in cfg.wijken]
    risk = np.asarray(cfg.needs.low_income_relative_risk.as_list())
    return Makeup(
        households=shares_to_counts(np.array([w.households for w in cfg.wijken], float),
                                    pop.households),
        type_shares=np.array([r[0] for r in rows]),
        children_mean=np.array([r[1] for r in rows]),
        elderly_couple_share=np.array([r[2] for r in rows]),
        onset_factor=np.array([
            low_income_factor(w.low_income_share, pop.reference_low_income_share, risk)
            for w in cfg.wijken
        ]),
    )


def shares_to_counts(weights: np.ndarray, total: int) -> np.ndarray:
    """Whole numbers in proportion to ``weights`` that add up to ``total`` (largest remainders)."""
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(np.int64)
    short = total - int(counts.sum())
    counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    return counts


def national_shares(pop: PopulationSection) -> tuple[float, float, float]:
    """One-person, without-children and with-children shares of the national make-up."""
    ts = pop.type_shares
    return ts[SINGLE_ELDERLY] + ts[SINGLE_ADULT], ts[COUPLE], ts[FAMILY]


def children_per_family(size: float, singles: float, couples: float, families: float) -> float:
    """Children per family from CBS's shares and household size (two parents per family)."""
    if families <= 0:
        return 1.0
    return (size - singles - 2.0 * couples) / families - 2.0


def profile_makeup(w: WijkProfile, pop: PopulationSection
                   ) -> tuple[np.ndarray, float, float]:
    """Type shares, children per family and elderly couple share of one profile."""
    ref_singles, ref_couples, ref_families = national_shares(pop)
    h = float(w.households)
    singles = w.single_person / h if w.single_person is not None else ref_singles
    couples = w.without_children / h if w.without_children is not None else ref_couples
    families = w.with_children / h if w.with_children is not None else ref_families
    total = singles + couples + families
    if total <= 0:
        singles, couples, families, total = ref_singles, ref_couples, ref_families, 1.0
    singles, couples, families = singles / total, couples / total, families / total
    old_ratio = 1.0
    if w.age_65_plus is not None and w.inhabitants:
        old_ratio = (w.age_65_plus / w.inhabitants) / pop.reference_age_65_share
    ts = pop.type_shares
    single_elderly = min(ts[SINGLE_ELDERLY] * old_ratio, MAX_ELDERLY_SINGLES * singles)
    elderly_couples = min(ts[COUPLE] * pop.elderly_couple_share * old_ratio, couples)
    shares = np.zeros(4)
    shares[SINGLE_ELDERLY] = single_elderly
    shares[SINGLE_ADULT] = singles - single_elderly
    shares[COUPLE] = couples
    shares[FAMILY] = families
    children = pop.children_mean
    if w.household_size is not None and families > 0:
        ref = children_per_family(pop.reference_household_size, ref_singles, ref_couples,
                                  ref_families)
        own = children_per_family(w.household_size, singles, couples, families)
        children = float(np.clip(pop.children_mean * own / ref, 1.0, 5.0))
    couple_share = elderly_couples / couples if couples > 0 else pop.elderly_couple_share
    return shares, children, float(min(couple_share, 1.0))


def low_income_factor(share: float | None, reference: float, risk: np.ndarray) -> np.ndarray:
    """Onset per domain of a wijk with this low-income share, relative to the national one."""
    if share is None:
        return np.ones(len(DOMAINS))
    return (1.0 + (risk - 1.0) * share) / (1.0 + (risk - 1.0) * reference)


def onset_factors(cfg: Config) -> np.ndarray:
    """Onset of needs per wijk and domain relative to the national rates (1 without profiles)."""
    made = makeup(cfg)
    if made is None:
        return np.ones((cfg.population.wijken, len(DOMAINS)))
    return made.onset_factor
