"""Wijk profiles (build/profiles.py): a wijk's make-up follows its CBS figures."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import ROOT

from wijksim import cbs
from wijksim.build import profiles
from wijksim.build.population import draw_households
from wijksim.codes import COUPLE, DEBT, FAMILY, INCOME, SINGLE_ADULT, SINGLE_ELDERLY
from wijksim.config import ConfigError, load_config
from wijksim.model import WijkModel

SAMPLE = ROOT / "tests" / "data" / "kwb_2020_sample.csv"


def national(households: int, **extra) -> dict:
    """A profile with the national make-up of [population] (the defaults)."""
    cfg = load_config(None)
    pop = cfg.population
    ts = pop.type_shares
    inhabitants = 100_000
    return {"households": households, "inhabitants": inhabitants,
            "age_65_plus": round(pop.reference_age_65_share * inhabitants),
            "single_person": round((ts[SINGLE_ELDERLY] + ts[SINGLE_ADULT]) * households),
            "without_children": round(ts[COUPLE] * households),
            "with_children": round(ts[FAMILY] * households),
            "household_size": pop.reference_household_size, **extra}


def with_profiles(*wijken: dict, households: int | None = None):
    total = households or sum(w["households"] for w in wijken)
    named = [{"name": f"w{i}", **w} for i, w in enumerate(wijken)]
    return load_config(None, [("wijken", named), ("population.households", total)])


def test_profiles_set_the_number_of_wijken_and_their_names():
    cfg = with_profiles(national(1000), national(3000))
    assert cfg.population.wijken == 2
    assert cfg.wijk_names() == ["w0", "w1"]
    with pytest.raises(ConfigError, match="own name"):
        load_config(None, [("wijken", [{"name": "a", "households": 5},
                                       {"name": "a", "households": 5}])])


def test_a_national_profile_gives_the_baseline_make_up():
    cfg = with_profiles(national(10_000))
    made = profiles.makeup(cfg)
    np.testing.assert_allclose(made.type_shares[0], cfg.population.type_shares, atol=1e-3)
    assert made.children_mean[0] == pytest.approx(cfg.population.children_mean, rel=1e-3)
    assert made.elderly_couple_share[0] == pytest.approx(cfg.population.elderly_couple_share,
                                                         rel=1e-2)
    np.testing.assert_allclose(made.onset_factor, 1.0)


def test_wijk_sizes_follow_the_profiles_scaled_to_the_population():
    cfg = with_profiles(national(1000), national(3000), households=2002)
    made = profiles.makeup(cfg)
    assert made.households.tolist() == [500, 1502] or made.households.tolist() == [501, 1501]
    assert made.households.sum() == 2002


def test_an_old_poor_wijk_has_more_single_elderly_and_more_debt_onset():
    old = national(5000, age_65_plus=35_000, low_income_share=0.2)
    young = national(5000, age_65_plus=8_000, low_income_share=0.03)
    cfg = with_profiles(old, young)
    made = profiles.makeup(cfg)
    assert made.type_shares[0, SINGLE_ELDERLY] > 2 * made.type_shares[1, SINGLE_ELDERLY]
    # relative risk 3 for debt, 8% low income nationally: (1 + 2 L) / (1 + 2 x 0.08)
    assert made.onset_factor[0, DEBT] == pytest.approx(1.4 / 1.16)
    assert made.onset_factor[1, DEBT] == pytest.approx(1.06 / 1.16)
    assert made.onset_factor[0, INCOME] > made.onset_factor[1, INCOME]
    hh, _ = draw_households(cfg, np.random.default_rng(3))
    elderly = [(hh.elderly[hh.wijk == w] > 0).mean() for w in range(2)]
    assert elderly[0] > 1.8 * elderly[1]  # drawn households follow the make-up


def test_imported_sample_runs_and_its_wijken_differ():
    town = cbs.read_municipality(SAMPLE, "teststad")
    cfg = load_config(None, [("wijken", town.wijken), ("population.households", 1500),
                             ("run.weeks", 2), ("run.warmup_weeks", 0), ("run.spinup_years", 0)])
    model = WijkModel(cfg, rng=2)
    model.run()
    hh = model.hh
    old_share = [(hh.elderly[hh.wijk == w] > 0).mean() for w in range(2)]
    assert old_share[0] > old_share[1]  # Oude Kern: 30% aged 65+, Nieuwbouw 6%
    assert model.onset_factor[0, DEBT] > model.onset_factor[1, DEBT]  # 14% vs 4% low income
