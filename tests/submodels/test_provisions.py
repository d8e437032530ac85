"""Maatwerkvoorzieningen: which provision a grant is, its term, and its delivery and reviews.

The reviews run in casework's revision (``settle_cases(model, REVISE)``); the rules per kind of
provision are in the provisions module's docstring.
"""

import numpy as np
import pytest
from helpers import clear_needs, grant, make, set_provision, settle

from wijksim.codes import (
    BASIS,
    BEGELEIDING,
    CARE,
    DAGBESTEDING,
    DEBT,
    DOMAINS,
    END_REVIEW,
    END_SOLVED,
    END_WLZ,
    HUISHOUDELIJKE_HULP,
    HULPMIDDEL,
    INCOME,
    JEUGDHULP,
    MAATWERK,
    MILD,
    MODERATE,
    NO_SUPPORT,
    PROVISIONS,
    RE_INTEGRATIE,
    SCHULDHULP,
    SEVERE,
    SOCIAL,
    WLZ,
    WONINGAANPASSING,
    YOUTH,
)
from wijksim.submodels import casework, costs, provisions
from wijksim.submodels.casework import CLOSE, EFFECT, REVISE


@pytest.fixture
def table():
    return provisions.table(make(50).cfg)


def test_pick_follows_the_grant_shares_within_a_domain(table):
    cfg = make(50).cfg
    rng = np.random.default_rng(7)
    for d, domain in enumerate(DOMAINS):
        codes, _ = provisions.draw(table, np.full(40_000, d), rng)
        shares = np.bincount(codes, minlength=len(PROVISIONS)) / codes.size
        expected = np.zeros(len(PROVISIONS))
        for code, name in enumerate(PROVISIONS[1:], start=1):
            if cfg.policy.provisions[name].domain == domain:
                expected[code] = cfg.policy.provisions[name].grant_share
        np.testing.assert_allclose(shares, expected, atol=0.01)
    assert table.cum_share[CARE, -1] == pytest.approx(1.0)


def test_pick_maps_uniforms_to_provisions_of_the_domain(table):
    assert provisions.pick(table, CARE, 0.0) == WONINGAANPASSING  # the first share: 0.10
    assert provisions.pick(table, CARE, 0.11) == HULPMIDDEL
    assert provisions.pick(table, CARE, 0.9999999) == BEGELEIDING
    assert provisions.pick(table, CARE, 1.0) == BEGELEIDING  # rounding: the domain's last
    for d, code in ((YOUTH, JEUGDHULP), (INCOME, RE_INTEGRATIE), (DEBT, SCHULDHULP),
                    (SOCIAL, DAGBESTEDING)):
        assert {provisions.pick(table, d, u) for u in (0.0, 0.5, 1.0)} == {code}


def test_term_stays_within_weeks_min_and_max(table):
    for code in range(1, len(PROVISIONS)):
        terms = [provisions.term(table, code, u) for u in np.linspace(0.0, 1.0, 201)]
        assert min(terms) == table.weeks_min[code]
        assert max(terms) == table.weeks_max[code]
    _, weeks = provisions.draw(table, np.full(5000, CARE), np.random.default_rng(1))
    assert weeks.min() >= table.weeks_min[1:5].min()
    assert weeks.max() <= table.weeks_max[1:5].max()


def test_draw_gives_each_provision_a_term_of_its_own(table):
    codes, weeks = provisions.draw(table, np.full(5000, CARE), np.random.default_rng(2))
    assert np.all(weeks >= table.weeks_min[codes])
    assert np.all(weeks <= table.weeks_max[codes])

def client_exits(model, clients) -> np.ndarray:
    """Wmo client endings by reason this week, for ``clients`` who had Wmo last week."""
    model.hh.wmo_last_week[clients] = model.week - 1
    costs.step(model)
    return model.record.total("wmo_endings")


# --------------------------------------------------------------------------- delivery, reviews


def test_one_off_is_delivered_lowers_the_need_one_stage_and_ends():
    model = make(100)
    clear_needs(model)
    hh = model.hh
    model.week = 20
    grant(model, [0, 1, 2], CARE, WONINGAANPASSING, SEVERE, until=23)
    hh.need[1, CARE] = MILD
    for week in (20, 21, 22):  # being delivered: no effect, no change
        model.week = week
        settle(model, EFFECT, REVISE)
        assert np.all(hh.support[:3, CARE] == MAATWERK)
        assert np.all(hh.effect[:3, CARE] == 0)
        np.testing.assert_array_equal(hh.need[:3, CARE], [SEVERE, MILD, SEVERE])
    model.week = 23
    model.begin_week()
    settle(model, REVISE)
    np.testing.assert_array_equal(hh.need[:3, CARE], [MODERATE, 0, MODERATE])
    assert np.all(hh.support[:3, CARE] == NO_SUPPORT)
    assert np.all(hh.provision[:3, CARE] == 0)
    assert hh.need_since[1, CARE] == -1  # solved by the adaptation
    endings = client_exits(model, [0, 1, 2])
    assert endings[END_REVIEW] == 2 and endings[END_SOLVED] == 1  # clients, by their need left


def _recurring_reviews(model, rows, stage):
    hh = model.hh
    model.begin_week()
    grant(model, rows, CARE, HUISHOUDELIJKE_HULP, stage, until=model.week)
    settle(model, REVISE)
    renewed = hh.support[rows, CARE] == MAATWERK
    to_basis = hh.support[rows, CARE] == BASIS
    ended = hh.support[rows, CARE] == NO_SUPPORT
    return renewed, to_basis, ended


def test_recurring_provision_is_renewed_else_moved_to_the_basis_else_ended():
    model = make(3000, sociale_basis_budget=2_000_000.0)  # places for all
    clear_needs(model)
    hh = model.hh
    model.week = 40
    rows = np.arange(3000)
    p = model.cfg.policy.provisions["huishoudelijke_hulp"]
    assert casework.basis_places_free(model)[0] > rows.size
    renewed, to_basis, ended = _recurring_reviews(model, rows, MODERATE)
    assert renewed.mean() == pytest.approx(p.renewal, abs=0.03)
    assert to_basis.mean() == pytest.approx((1 - p.renewal) * p.to_basis, abs=0.03)
    assert ended.mean() == pytest.approx((1 - p.renewal) * (1 - p.to_basis), abs=0.03)
    until = hh.provision_until[rows[renewed], CARE] - model.week
    assert until.min() >= p.weeks_min and until.max() <= p.weeks_max
    r = model.record
    assert r.renewals == renewed.sum() and r.to_basis == to_basis.sum()
    assert client_exits(model, rows)[END_REVIEW] == to_basis.sum() + ended.sum()
    moved = rows[to_basis]
    assert np.all(hh.provision[moved, CARE] == 0)
    assert np.all(hh.support_since[moved, CARE] == model.week)
    assert np.all(hh.plan_stage[moved, CARE] == MODERATE)


def test_recurring_provision_ends_when_the_basis_has_no_place_or_the_need_outgrows_it():
    model = make(3000, sociale_basis_budget=0.0)
    clear_needs(model)
    model.week = 40
    rows = np.arange(3000)
    p = model.cfg.policy.provisions["huishoudelijke_hulp"]
    renewed, to_basis, ended = _recurring_reviews(model, rows, MODERATE)
    assert not to_basis.any()
    assert ended.mean() == pytest.approx(1 - p.renewal, abs=0.03)
    rich = make(3000, sociale_basis_budget=2_000_000.0)
    clear_needs(rich)
    rich.week = 40
    assert rich.cfg.policy.basis_max_stage < SEVERE
    renewed, to_basis, ended = _recurring_reviews(rich, rows, SEVERE)
    assert not to_basis.any()
    assert ended.mean() == pytest.approx(1 - p.renewal, abs=0.03)


def test_moves_to_the_basis_take_the_free_places_only():
    model = make(2000)
    clear_needs(model)
    set_provision(model, "huishoudelijke_hulp", renewal=0.0, to_basis=1.0)
    model.week = 40
    free = int(casework.basis_places_free(model)[0])
    assert 0 < free < 2000
    _, to_basis, ended = _recurring_reviews(model, np.arange(2000), MILD)
    assert to_basis.sum() == free
    assert ended.sum() == 2000 - free
    assert casework.basis_places_free(model)[0] == 0


def test_episode_is_renewed_only_while_the_need_is_at_the_maatwerk_stage():
    model = make(300, maatwerk_stage=2)
    clear_needs(model)
    hh = model.hh
    set_provision(model, "jeugdhulp", renewal=1.0)
    set_provision(model, "begeleiding", renewal=1.0)
    model.week = 60
    stages = np.array([MILD, MODERATE, SEVERE] * 50)
    rows = np.arange(stages.size)
    grant(model, rows, YOUTH, JEUGDHULP, MILD, until=60)
    grant(model, rows, CARE, BEGELEIDING, MILD, until=60)
    hh.need[rows, YOUTH] = stages
    hh.need[rows, CARE] = stages
    settle(model, REVISE)
    for d in (YOUTH, CARE):
        np.testing.assert_array_equal(hh.support[rows, d] == MAATWERK, stages >= MODERATE)
    assert model.record.renewals == 2 * 100
    endings = client_exits(model, rows)
    assert endings[END_REVIEW] == 50 and endings.sum() == 50  # begeleiding is Wmo, jeugdhulp not
    assert model.record.to_basis == 0  # an episode does not move to the basis


def test_episode_ends_below_a_higher_maatwerk_stage():
    model = make(100, maatwerk_stage=3)
    clear_needs(model)
    set_provision(model, "schuldhulp", renewal=1.0)
    model.week = 60
    grant(model, [0, 1], DEBT, SCHULDHULP, MODERATE, until=60)
    model.hh.need[1, DEBT] = SEVERE
    settle(model, REVISE)
    assert model.hh.support[0, DEBT] == NO_SUPPORT
    assert model.hh.support[1, DEBT] == MAATWERK


def test_provision_ends_when_its_need_is_solved():
    model = make(100)
    clear_needs(model)
    hh = model.hh
    stable = model.cfg.policy.stable_weeks
    model.week = 50
    # at a review: ended as solved
    grant(model, [0], CARE, HUISHOUDELIJKE_HULP, 0, until=50)
    # between reviews: ends once solved for stable_weeks
    grant(model, [1, 2], SOCIAL, DAGBESTEDING, 0, until=90)
    hh.calm_weeks[1, SOCIAL] = stable - 1
    hh.calm_weeks[2, SOCIAL] = stable - 2
    settle(model, REVISE, CLOSE)
    assert hh.support[0, CARE] == NO_SUPPORT
    assert hh.support[1, SOCIAL] == NO_SUPPORT
    assert hh.support[2, SOCIAL] == MAATWERK  # solved, not yet for stable_weeks
    assert client_exits(model, [0, 1, 2])[END_SOLVED] == 2
    assert model.record.renewals == 0
    model.begin_week()
    settle(model, CLOSE)
    assert hh.support[2, SOCIAL] == NO_SUPPORT


def test_a_need_back_under_a_durable_provision_keeps_it():
    model = make(100)
    clear_needs(model)
    model.week = 50
    grant(model, [0], CARE, HULPMIDDEL, MILD, until=90)
    for _ in range(20):
        settle(model, REVISE, CLOSE)
    assert model.hh.support[0, CARE] == MAATWERK  # need left: runs on until its review


def test_the_wlz_move_ends_a_wmo_provision():
    model = make(300)
    clear_needs(model)
    hh = model.hh
    model.week = 80
    elderly = np.flatnonzero(hh.elderly > 0)[:3]
    younger = np.flatnonzero(hh.elderly == 0)[:1]
    rows = np.concatenate([elderly, younger])
    grant(model, rows, CARE, HULPMIDDEL, SEVERE)
    hh.support_since[elderly[2], CARE] = 81  # granted, not yet started
    hh.severe_care_weeks[rows] = model.cfg.policy.wlz_weeks_severe
    hh.severe_care_weeks[elderly[1]] = model.cfg.policy.wlz_weeks_severe - 1
    settle(model, REVISE)
    np.testing.assert_array_equal(hh.support[rows, CARE], [WLZ, MAATWERK, WLZ, MAATWERK])
    assert hh.provision[elderly[0], CARE] == 0
    assert hh.provision_until[elderly[0], CARE] == -1
    assert model.record.wlz_entries == 2
    endings = client_exits(model, rows[[0, 1, 3]])  # a provision not started had no client
    assert endings[END_WLZ] == 1 and endings.sum() == 1


def test_a_client_ends_with_the_last_wmo_provision_not_with_each():
    """CBS counts clients: one of two Wmo provisions ending is no client ending."""
    model = make(100)
    clear_needs(model)
    hh = model.hh
    set_provision(model, "huishoudelijke_hulp", renewal=0.0, to_basis=0.0)
    model.week = 50
    model.begin_week()
    grant(model, [0, 1], CARE, HUISHOUDELIJKE_HULP, MODERATE, until=50)
    grant(model, [0], SOCIAL, DAGBESTEDING, MODERATE, until=90)
    settle(model, REVISE)
    assert np.all(hh.support[[0, 1], CARE] == NO_SUPPORT)
    endings = client_exits(model, [0, 1])
    assert endings.sum() == 1 and endings[END_REVIEW] == 1
    assert hh.wmo_last_week[0] == model.week  # still a client (dagbesteding)
