"""Submodel 6, casework, on constructed cases."""

import numpy as np
import pytest
from helpers import (
    case_hours,
    clear_needs,
    grant,
    integrated,
    make,
    paired_network,
    settle,
    support,
    with_reach,
)

from wijksim.build import team as team_mod
from wijksim.codes import (
    BASIS,
    BEGELEIDING,
    CARE,
    CLOSED,
    CRISIS,
    DAGBESTEDING,
    DEBT,
    HULPMIDDEL,
    IN_SUPPORT,
    INCOME,
    LIGHT,
    MAATWERK,
    MILD,
    MODERATE,
    NETWORK,
    NO_SUPPORT,
    RE_INTEGRATIE,
    SCHULDHULP,
    SEVERE,
    SOCIAL,
    WLZ,
    YOUTH,
)
from wijksim.model import WijkModel
from wijksim.submodels import casework
from wijksim.submodels.casework import EFFECT, RECOVER, REVISE


def three_domain_household(structure: str) -> tuple[WijkModel, np.ndarray]:
    model = make(2000, team_structure=structure, fte_per_1000=2.0)
    clear_needs(model)
    hh, t = model.hh, model.team
    doms = np.array([CARE, INCOME, DEBT])
    hh.need[0, doms] = MODERATE
    hh.support[0, doms] = LIGHT
    hh.support_since[0, doms] = -50
    hh.status[0] = IN_SUPPORT
    if structure == "siloed":
        workers = [int(np.flatnonzero(t.covers[:, d])[0]) for d in doms]
        assert len(set(workers)) == 3
    else:
        workers = [0, 0, 0]
    hh.case_worker[0, doms] = workers
    return model, doms


def test_siloed_team_spends_more_hours_on_three_domain_household():
    siloed, doms = three_domain_household("siloed")
    integ, _ = three_domain_household("integrated")
    rows = np.zeros(3, dtype=np.int64)
    h_siloed = case_hours(siloed, rows, doms).sum()
    h_integrated = case_hours(integ, rows, doms).sum()
    per_need = siloed.case_hours_per_stage[MODERATE]
    coordination = siloed.cfg.team.coordination_hours
    assert h_integrated == pytest.approx(3 * per_need)
    # each of the three workers coordinates with the two others
    assert h_siloed == pytest.approx(3 * per_need + 3 * 2 * coordination)
    assert h_siloed > h_integrated


def test_one_domain_household_costs_the_same_in_both_structures():
    hours = []
    for structure in ("siloed", "integrated"):
        model = make(200, team_structure=structure)
        clear_needs(model)
        hh = model.hh
        hh.need[0, DEBT] = SEVERE
        hh.support[0, DEBT] = LIGHT
        hh.support_since[0, DEBT] = -50
        hh.case_worker[0, DEBT] = 0
        hours.append(case_hours(model, np.array([0]), np.array([DEBT]))[0])
    assert hours[0] == hours[1] == pytest.approx(model.case_hours_per_stage[SEVERE])


def test_case_hours_by_kind_of_support():
    """Light support asks hours by stage, a network plan while it is activated; the sociale
    basis and maatwerk ask none of the team (no monitoring hours)."""
    model = make(200)
    clear_needs(model)
    hh, pol = model.hh, model.cfg.policy
    model.week = 20
    rows = np.arange(5)
    doms = np.full(5, INCOME)
    hh.need[rows, INCOME] = MODERATE
    hh.case_worker[rows, INCOME] = 0
    hh.support[rows, INCOME] = [NETWORK, NETWORK, MAATWERK, LIGHT, BASIS]
    hh.support_since[rows, INCOME] = [20 - pol.activation_weeks + 1, 20 - pol.activation_weeks,
                                      10, 10, 10]
    h = case_hours(model, rows, doms)
    np.testing.assert_allclose(
        h,
        [
            pol.activation_hours,  # activating the network (its last week)
            0.0,  # the network carries it now
            0.0,  # maatwerk: handed over
            model.case_hours_per_stage[MODERATE],
            0.0,  # the sociale basis: handed over
        ],
    )


def test_spend_hours_never_exceeds_free_hours_and_thins_effect():
    model = integrated(caseload_cap=500)
    hh, t = model.hh, model.team
    rows = np.arange(200)
    hh.need[rows, DEBT] = SEVERE
    hh.support[rows, DEBT] = LIGHT
    hh.support_since[rows, DEBT] = -50
    hh.case_worker[rows, DEBT] = 0  # all on worker 0: far too much
    hh.case_worker[200, DEBT] = 1  # one case on worker 1: fine
    hh.need[200, DEBT] = MILD
    hh.support[200, DEBT] = LIGHT
    hh.status[:201] = IN_SUPPORT  # the model only gives households in support a worker
    model.record.intake_hours = np.zeros(model.n_wijken)
    casework.spend_hours(model)
    free = t.hours_available * team_mod.case_share(model.cfg.team.outreach_share)
    assert np.all(t.hours_spent <= free + 1e-5)
    assert t.hours_spent[0] == pytest.approx(free[0])
    assert t.hours_demanded[0] == pytest.approx(200 * model.case_hours_per_stage[SEVERE])
    ratio = free[0] / t.hours_demanded[0]
    assert ratio < 0.5
    # severe needs are specialist work: a generalist works on them at broad skill
    np.testing.assert_allclose(hh.effect[rows, DEBT], ratio * t.skill[0], rtol=1e-5)
    assert hh.effect[200, DEBT] == pytest.approx(1.0)  # fully served, a mild need: full effect
    assert t.skill[1] == pytest.approx(model.cfg.team.broad_skill)
    assert np.all(hh.effect[201:] == 0)


def test_effect_of_provisions_basis_and_networks_without_a_worker():
    model = make(100)
    clear_needs(model)
    hh = model.hh
    model.week = 10
    model.record.intake_hours = np.zeros(model.n_wijken)
    grant(model, [0, 1], CARE, HULPMIDDEL, MODERATE)
    hh.support_since[1, CARE] = 11  # decided, starts next week
    hh.need[2:6, CARE] = MODERATE
    hh.support[2:6, CARE] = [WLZ, NETWORK, LIGHT, BASIS]
    hh.met_share[3] = 0.4  # a released network plan works as far as the network carries it
    casework.spend_hours(model)
    np.testing.assert_allclose(
        hh.effect[0:6, CARE], [1.0, 0.0, 1.0, 0.4, 0.0, model.cfg.policy.basis_effect]
    )
    assert np.all(model.team.hours_spent == 0)


# --------------------------------------------------------------------------- stepped care: plan


def _plan(model: WijkModel, rows, dom: int) -> None:
    rows = np.asarray(rows)
    casework.plan(model, rows, np.full(rows.size, dom))


@pytest.mark.parametrize("maatwerk_stage", [2, 3])
def test_plan_routes_by_stage_light_below_the_maatwerk_stage_and_maatwerk_at_or_above(
    maatwerk_stage,
):
    """No conversation and no place in the sociale basis: light support, else maatwerk."""
    model = make(400, maatwerk_stage=maatwerk_stage, sociale_basis_budget=0.0)
    clear_needs(model)
    hh = model.hh
    model.week = 10
    stages = np.repeat([MILD, MODERATE, SEVERE, CRISIS], 50)
    rows = np.arange(stages.size)
    hh.need[rows, INCOME] = stages
    _plan(model, rows, INCOME)
    high = stages >= maatwerk_stage
    np.testing.assert_array_equal(hh.support[rows, INCOME], np.where(high, MAATWERK, LIGHT))
    assert np.all(hh.provision[rows[high], INCOME] == RE_INTEGRATIE)
    assert np.all(hh.provision[rows[~high], INCOME] == 0)
    np.testing.assert_array_equal(hh.plan_stage[rows, INCOME], stages)
    # light support waits for a worker; maatwerk is handed over (no worker, no slot)
    np.testing.assert_array_equal(hh.handoff_ready[rows, INCOME], np.where(high, -1, 10))
    assert np.all(hh.case_worker[rows, INCOME] == -1)
    r = model.record
    assert r.eligible_decisions == r.maatwerk_grants == r.alt_maatwerk == high.sum()
    assert r.conversations == r.network_plans == r.basis_plans == 0


def test_plan_wlz_for_long_severe_elderly_care():
    model = make(300)
    clear_needs(model)
    hh = model.hh
    elderly = np.flatnonzero(hh.elderly > 0)[:5]
    hh.need[elderly, CARE] = SEVERE
    hh.severe_care_weeks[elderly] = model.cfg.policy.wlz_weeks_severe
    hh.case_worker[elderly, CARE] = 0
    casework.plan(model, elderly, np.full(elderly.size, CARE))
    assert np.all(hh.support[elderly, CARE] == WLZ)
    assert np.all(hh.case_worker[elderly, CARE] == -1)  # the team lets go
    assert model.record.wlz_entries == 5
    assert model.record.eligible_decisions == 0  # the Wlz is no maatwerk decision


def test_plan_no_wlz_for_younger_households_or_shorter_severe_care():
    model = make(300, sociale_basis_budget=0.0)
    clear_needs(model)
    hh = model.hh
    elderly = np.flatnonzero(hh.elderly > 0)[:2]
    younger = np.flatnonzero(hh.elderly == 0)[:1]
    rows = np.concatenate([elderly, younger])
    hh.need[rows, CARE] = SEVERE
    weeks = model.cfg.policy.wlz_weeks_severe
    hh.severe_care_weeks[rows] = [weeks, weeks - 1, 10 * weeks]
    casework.plan(model, rows, np.full(3, CARE))
    np.testing.assert_array_equal(hh.support[rows, CARE], [WLZ, MAATWERK, MAATWERK])


@pytest.fixture
def strong_vs_no_network():
    """Households 0-99 with a strong tie to a carer (4.5 hours), 100-199 with no tie at all."""
    model = make(300, network_first=1.0, sociale_basis_budget=0.0)
    clear_needs(model)
    hh = model.hh
    strong, alone, carers = np.arange(100), np.arange(100, 200), np.arange(200, 300)
    hh.care_capacity[:] = 0.0
    hh.care_capacity[carers] = 5.0
    model.net = paired_network(hh.n, strong, carers, 0.9)
    with_reach(model)
    return model, strong, alone


def test_conversation_chooses_the_network_only_where_it_can_carry_the_need(strong_vs_no_network):
    model, strong, alone = strong_vs_no_network
    hh = model.hh
    hh.need[strong, DEBT] = MODERATE  # asks 4 informal hours a week: the tie gives 4.5
    hh.need[alone, DEBT] = MODERATE
    _plan(model, np.concatenate([strong, alone]), DEBT)
    assert np.all(hh.support[strong, DEBT] == NETWORK)
    assert np.all(hh.support[alone, DEBT] == MAATWERK)
    assert np.all(hh.handoff_ready[strong, DEBT] == model.week)  # activation needs a worker
    r = model.record
    assert r.conversations == 200
    assert r.network_plans == 100
    assert r.maatwerk_grants == 100


def test_conversation_finds_a_network_too_thin_for_a_severe_need(strong_vs_no_network):
    model, strong, _ = strong_vs_no_network
    hh = model.hh
    hh.need[strong[:50], DEBT] = SEVERE  # asks 8 hours: more than the tie's 4.5
    hh.need[strong[50:], DEBT] = CRISIS  # no conversation in a crisis
    _plan(model, strong, DEBT)
    assert np.all(hh.support[strong, DEBT] == MAATWERK)
    assert model.record.conversations == 50
    assert model.record.network_plans == 0


def test_network_first_gives_its_share_of_eligible_cases_the_conversation():
    model = make(4000, network_first=0.3, sociale_basis_budget=0.0)
    clear_needs(model)
    rows = np.arange(4000)
    model.hh.need[rows, INCOME] = MODERATE
    _plan(model, rows, INCOME)
    assert model.record.eligible_decisions == 4000
    assert model.record.conversations / 4000 == pytest.approx(0.3, abs=0.03)


def test_sociale_basis_takes_needs_while_places_last_and_only_up_to_basis_max_stage():
    model = make(2000)
    clear_needs(model)
    hh = model.hh
    pol = model.cfg.policy
    places = int(casework.basis_places(model)[0])
    expected = int(pol.sociale_basis_budget / pol.basis_cost_per_place * model.inhabitants / 1000)
    assert places == expected
    assert 20 < places < 500
    assert pol.basis_max_stage == MODERATE
    severe = np.arange(100)
    moderate = np.arange(100, 100 + 2 * places)
    hh.need[severe, SOCIAL] = SEVERE
    hh.need[moderate, SOCIAL] = MODERATE
    hh.support[1999, CARE] = BASIS  # one place is taken already
    _plan(model, np.concatenate([severe, moderate]), SOCIAL)
    assert np.all(hh.support[severe, SOCIAL] == MAATWERK)  # beyond what the basis carries
    on_basis = hh.support[moderate, SOCIAL] == BASIS
    assert on_basis.sum() == places - 1
    assert np.all(hh.support[moderate[~on_basis], SOCIAL] == MAATWERK)
    assert np.all(hh.handoff_ready[moderate[on_basis], SOCIAL] == -1)  # no worker needed
    assert model.record.basis_plans == places - 1
    assert casework.basis_places_free(model)[0] == 0


def test_maatwerk_starts_after_decision_weeks_with_no_effect_before():
    model = make(200, sociale_basis_budget=0.0)
    clear_needs(model)
    hh = model.hh
    model.week = 10
    decision = model.cfg.policy.decision_weeks
    assert decision >= 1
    rows = np.arange(100)
    hh.need[rows, DEBT] = SEVERE
    _plan(model, rows, DEBT)
    table = model.provision_table
    assert np.all(hh.support_since[rows, DEBT] == 10 + decision)
    term = hh.provision_until[rows, DEBT] - (10 + decision)
    assert np.all((term >= table.weeks_min[SCHULDHULP]) & (term <= table.weeks_max[SCHULDHULP]))
    model.hh.met_share[:] = 0.0
    for week in range(10, 10 + decision):
        model.week = week
        settle(model, EFFECT, RECOVER)
        assert np.all(hh.effect[rows, DEBT] == 0)
        assert np.all(hh.need[rows, DEBT] == SEVERE)  # no recovery before the start
    model.week = 10 + decision
    settle(model, EFFECT)
    assert np.all(hh.effect[rows, DEBT] == 1)


def test_plan_notes_the_time_to_help_from_stage_two_to_the_start_of_support():
    model = make(200, sociale_basis_budget=0.0, maatwerk_stage=3)
    clear_needs(model)
    hh = model.hh
    model.week = 20
    hh.need[0:4, YOUTH] = [MODERATE, SEVERE, MILD, MODERATE]
    hh.stage2_week[0:4, YOUTH] = [15, 12, -1, -2]  # waiting; waiting; never at 2; counted
    _plan(model, np.arange(4), YOUTH)
    decision = model.cfg.policy.decision_weeks
    assert model.record.helped == 2
    # light support starts now; maatwerk after the decision
    assert model.record.help_weeks_sum == (20 - 15) + (20 + decision - 12)
    np.testing.assert_array_equal(hh.stage2_week[0:4, YOUTH], [-2, -2, -1, -2])


# --------------------------------------------------------------------------- routed otherwise


def test_routed_otherwise_counts_as_solved_when_no_maatwerk_follows_in_alt_outcome_weeks(
    strong_vs_no_network,
):
    model, strong, _ = strong_vs_no_network
    hh = model.hh
    model.week = 10
    hh.need[strong, DEBT] = MODERATE
    _plan(model, strong, DEBT)
    assert np.all(hh.alt_since[strong, DEBT] == 10)
    weeks = model.cfg.policy.alt_outcome_weeks
    model.week = 10 + weeks - 1
    casework.resolve_alternatives(model)
    assert model.record.alt_solved == 0
    model.week = 10 + weeks
    casework.resolve_alternatives(model)
    assert model.record.alt_solved == 100
    assert np.all(hh.alt_since == -1)  # counted once
    casework.resolve_alternatives(model)
    assert model.record.alt_solved == 100


def test_basis_plans_are_routed_otherwise_too():
    model = make(2000)
    clear_needs(model)
    model.hh.need[:5, SOCIAL] = MODERATE
    _plan(model, np.arange(5), SOCIAL)
    assert np.all(model.hh.support[:5, SOCIAL] == BASIS)
    assert np.all(model.hh.alt_since[:5, SOCIAL] == model.week)
    assert model.record.alt_maatwerk == 0


def test_routed_otherwise_fails_when_a_new_plan_grants_maatwerk():
    model = make(200, sociale_basis_budget=0.0)
    clear_needs(model)
    hh = model.hh
    model.week = 30
    hh.need[:10, SOCIAL] = SEVERE
    hh.alt_since[:5, SOCIAL] = 20  # routed otherwise ten weeks ago
    _plan(model, np.arange(10), SOCIAL)
    assert np.all(hh.support[:10, SOCIAL] == MAATWERK)
    assert model.record.alt_failed == 5
    assert model.record.alt_maatwerk == 5
    assert np.all(hh.alt_since[:10, SOCIAL] == -1)
    model.week = 30 + model.cfg.policy.alt_outcome_weeks
    casework.resolve_alternatives(model)
    assert model.record.alt_solved == 0


def test_routed_otherwise_fails_when_it_steps_up_to_maatwerk():
    model = make(200)
    clear_needs(model)
    hh = model.hh
    model.week = 30
    support(model, np.arange(4), DEBT, NETWORK, MODERATE, since=25)
    hh.alt_since[:4, DEBT] = 25
    hh.need[:2, DEBT] = SEVERE  # worse than at the plan
    settle(model, REVISE)
    np.testing.assert_array_equal(hh.support[:4, DEBT], [MAATWERK, MAATWERK, NETWORK, NETWORK])
    assert model.record.alt_failed == 2
    np.testing.assert_array_equal(hh.alt_since[:4, DEBT], [-1, -1, 25, 25])


def test_a_later_light_plan_keeps_the_outcome_of_a_case_routed_otherwise():
    model = make(200)
    clear_needs(model)
    hh = model.hh
    model.week = 30
    hh.need[0, DEBT] = MILD  # the network plan's need came back, mild: light support
    hh.alt_since[0, DEBT] = 20
    _plan(model, np.array([0]), DEBT)
    assert hh.support[0, DEBT] == LIGHT
    model.week = 20 + model.cfg.policy.alt_outcome_weeks
    casework.resolve_alternatives(model)
    assert model.record.alt_solved + model.record.alt_failed == 1


# --------------------------------------------------------------------------- stepping up


def test_step_up_rules_fire_only_where_a_lighter_route_does_not_suffice():
    """Light stuck for step_up_weeks, any lighter route worse than at its plan, or the basis
    carrying more than basis_max_stage: maatwerk. Nothing else steps up."""
    model = make(200, maatwerk_stage=2)
    clear_needs(model)
    hh = model.hh
    pol = model.cfg.policy
    model.week = 100
    stuck = pol.step_up_weeks
    assert pol.basis_max_stage == MODERATE
    cases = [  # kind, stage now, stage at plan, weeks since progress, steps up
        (LIGHT, MODERATE, MODERATE, stuck, True),  # stuck
        (LIGHT, MODERATE, MODERATE, stuck - 1, False),
        (LIGHT, MILD, MILD, 50, False),  # stuck, but below the maatwerk stage
        (LIGHT, SEVERE, MODERATE, 0, True),  # worse than at the plan
        (NETWORK, MODERATE, MODERATE, 50, False),  # only light support steps up when stuck
        (NETWORK, SEVERE, MODERATE, 0, True),  # worse
        (NETWORK, MODERATE, SEVERE, 0, False),  # better than at the plan
        (BASIS, MODERATE, MODERATE, 50, False),
        (BASIS, SEVERE, SEVERE, 0, True),  # outgrew the basis (not worse than at its plan)
        (BASIS, SEVERE, MODERATE, 0, True),  # worse
    ]
    for i, (kind, stage, at_plan, weeks, _) in enumerate(cases):
        support(model, [i], SOCIAL, kind, stage, since=model.week - 60)
        hh.plan_stage[i, SOCIAL] = at_plan
        hh.progress_week[i, SOCIAL] = model.week - weeks
        hh.case_worker[i, SOCIAL] = 0 if kind != BASIS else -1
    rows = np.arange(len(cases))
    settle(model, REVISE)
    up = np.array([c[4] for c in cases])
    np.testing.assert_array_equal(hh.support[rows, SOCIAL] == MAATWERK, up)
    np.testing.assert_array_equal(hh.support[rows[~up], SOCIAL], [c[0] for c in cases if not c[4]])
    stepped = rows[up]
    assert np.all(hh.provision[stepped, SOCIAL] == DAGBESTEDING)
    assert np.all(hh.support_since[stepped, SOCIAL] == model.week + pol.decision_weeks)
    assert np.all(hh.case_worker[stepped, SOCIAL] == -1)
    assert np.all(hh.effect[stepped, SOCIAL] == 0)
    assert model.record.step_ups == model.record.maatwerk_grants == up.sum()


def test_worse_below_a_higher_maatwerk_stage_does_not_step_up():
    model = make(100, maatwerk_stage=3)
    clear_needs(model)
    support(model, [0, 1], INCOME, NETWORK, MILD, since=-20)
    model.hh.need[0, INCOME] = MODERATE  # worse than at the plan, still below stage 3
    model.hh.need[1, INCOME] = SEVERE
    settle(model, REVISE)
    assert model.hh.support[0, INCOME] == NETWORK
    assert model.hh.support[1, INCOME] == MAATWERK


# --------------------------------------------------------------------------- effects, recovery


@pytest.mark.parametrize("specialist_stage", [3, 2])
def test_generalist_works_at_broad_skill_only_on_needs_at_the_specialist_stage_or_worse(
    specialist_stage,
):
    model = integrated(caseload_cap=50)
    model.cfg.team.specialist_stage = specialist_stage
    hh, t = model.hh, model.team
    model.record.intake_hours = np.zeros(model.n_wijken)
    for r, stage in enumerate((MILD, MODERATE, SEVERE, CRISIS)):
        support(model, [r], DEBT, LIGHT, stage, worker=0)
    casework.spend_hours(model)
    assert t.hours_spent[0] == pytest.approx(t.hours_demanded[0])  # fully served
    skill = model.cfg.team.broad_skill
    expected = [skill if s >= specialist_stage else 1.0 for s in (MILD, MODERATE, SEVERE, CRISIS)]
    np.testing.assert_allclose(hh.effect[:4, DEBT], expected, rtol=1e-6)


def test_a_specialist_works_at_full_effect_on_severe_needs():
    model = make(2000, team_structure="siloed", fte_per_1000=2.0)
    clear_needs(model)
    model.record.intake_hours = np.zeros(model.n_wijken)
    worker = int(np.flatnonzero(model.team.covers[:, DEBT])[0])
    support(model, [0], DEBT, LIGHT, SEVERE, worker=worker)
    casework.spend_hours(model)
    assert model.hh.effect[0, DEBT] == pytest.approx(1.0)


def _recoveries(model, dom, kind, stage, reps):
    hh = model.hh
    rows = np.arange(hh.n)
    down = 0
    for _ in range(reps):
        hh.need[rows, dom] = stage
        hh.support[rows, dom] = kind
        hh.effect[rows, dom] = 1.0
        hh.provision[rows, dom] = 0
        settle(model, RECOVER)
        down += (hh.need[rows, dom] < stage).sum()
        hh.support[rows, dom] = NO_SUPPORT
    return down


def test_early_support_effect_by_domain_debt_recovers_faster_than_care_at_stage_one():
    model = make(2000)
    clear_needs(model)
    model.cfg.needs.chronic.care = 0.5  # the same chronicity: only the early effect differs
    model.cfg.needs.chronic.debt = 0.5
    model._derive_tables()
    early = model.cfg.team.early_support_effect
    assert early.debt > 1 > early.care
    light = model.recovery_by_support[LIGHT]
    for kind in (LIGHT, BASIS):
        rate = model.recovery_by_support[kind, MILD] * 0.5  # at effect 1
        debt = _recoveries(model, DEBT, kind, MILD, 30) / (2000 * 30)
        care = _recoveries(model, CARE, kind, MILD, 30) / (2000 * 30)
        assert debt == pytest.approx(rate * early.debt, rel=0.1), kind
        assert care == pytest.approx(rate * early.care, rel=0.15), kind
    # no early effect at stage 2, nor for maatwerk at stage 1
    debt = _recoveries(model, DEBT, LIGHT, MODERATE, 30)
    care = _recoveries(model, CARE, LIGHT, MODERATE, 30)
    assert debt / care == pytest.approx(1.0, rel=0.15)
    assert debt / (2000 * 30) == pytest.approx(light[MODERATE] * 0.5, rel=0.1)


def test_early_support_effect_does_not_apply_to_maatwerk():
    model = make(2000)
    clear_needs(model)
    model.cfg.needs.chronic.care = 0.5
    model.cfg.needs.chronic.debt = 0.5
    model.cfg.policy.maatwerk_recovery_per_year = [0.0, 1.0, 0.6, 0.35, 4.0]  # fast, to count
    model._derive_tables()
    hh = model.hh
    rows = np.arange(2000)
    down = np.zeros(2)
    for _ in range(30):
        grant(model, rows, DEBT, SCHULDHULP, MILD)
        grant(model, rows, CARE, BEGELEIDING, MILD)
        hh.effect[rows] = 1.0
        settle(model, RECOVER)
        down += [(hh.need[rows, DEBT] == 0).sum(), (hh.need[rows, CARE] == 0).sum()]
    recovery = model.cfg.policy.provisions
    ratio = recovery["schuldhulp"].recovery / recovery["begeleiding"].recovery
    assert down[1] > 300
    assert down[0] / down[1] == pytest.approx(ratio, rel=0.15)


def _open_case(model: WijkModel, need: int, since_weeks: int, calm_weeks: int) -> None:
    hh = model.hh
    hh.need[0, DEBT] = need
    hh.support[0, DEBT] = LIGHT
    hh.support_since[0, DEBT] = model.week - since_weeks
    hh.calm_weeks[0, DEBT] = calm_weeks
    hh.case_worker[0, DEBT] = 0
    hh.status[0] = IN_SUPPORT


def test_fixed_closure_closes_after_fixed_weeks_whatever_the_need():
    model = make(100, closure_rule="fixed")
    clear_needs(model)
    model.week = 40
    fixed = model.cfg.policy.fixed_weeks
    _open_case(model, MODERATE, since_weeks=fixed, calm_weeks=0)
    casework.settle_cases(model, casework.CLOSE)
    hh = model.hh
    assert hh.case_worker[0, DEBT] == -1
    assert hh.support[0, DEBT] == NO_SUPPORT
    assert hh.status[0] == CLOSED
    assert hh.relapse_until[0] == 40 + model.cfg.needs.relapse_weeks  # closed with need left


def test_stable_closure_keeps_an_unstable_case_open():
    model = make(100, closure_rule="stable")
    clear_needs(model)
    model.week = 40
    _open_case(model, MODERATE, since_weeks=model.cfg.policy.fixed_weeks + 20, calm_weeks=0)
    casework.settle_cases(model, casework.CLOSE)
    hh = model.hh
    assert hh.case_worker[0, DEBT] == 0
    assert hh.support[0, DEBT] == LIGHT
    assert hh.status[0] == IN_SUPPORT
    assert model.team.caseload[0] == 1


def test_stable_closure_closes_when_calm_long_enough_and_fixed_waits():
    stable_weeks = 6
    for rule, closes in (("stable", True), ("fixed", False)):
        model = make(100, closure_rule=rule)
        clear_needs(model)
        model.week = 40
        assert model.cfg.policy.stable_weeks == stable_weeks
        _open_case(model, MILD, since_weeks=stable_weeks + 1, calm_weeks=stable_weeks - 1)
        casework.settle_cases(model, casework.CLOSE)
        assert bool(model.hh.status[0] == CLOSED) is closes, rule
        assert bool(model.hh.case_worker[0, DEBT] == -1) is closes, rule


def test_solved_need_closes_under_either_rule():
    for rule in ("stable", "fixed"):
        model = make(100, closure_rule=rule)
        clear_needs(model)
        model.week = 40
        _open_case(model, 0, since_weeks=1, calm_weeks=0)
        casework.settle_cases(model, casework.CLOSE)
        assert model.hh.status[0] == CLOSED
        assert model.hh.relapse_until[0] == -1  # no need left: no relapse risk


def test_light_support_recovers_with_effect():
    model = make(2000)
    clear_needs(model)
    hh = model.hh
    rows = np.arange(2000)
    recovered = np.zeros(2)
    for _ in range(30):
        hh.need[rows, SOCIAL] = MODERATE
        hh.support[rows, SOCIAL] = LIGHT
        hh.effect[:1000, SOCIAL] = 1.0
        hh.effect[1000:, SOCIAL] = 0.0
        casework.settle_cases(model, casework.RECOVER)
        recovered += [
            (hh.need[:1000, SOCIAL] < MODERATE).sum(),
            (hh.need[1000:, SOCIAL] < MODERATE).sum(),
        ]
    assert recovered[0] > 100
    assert recovered[1] == 0


# --------------------------------------------------------------------------- new needs in support


def test_integrated_worker_notices_new_needs_in_any_domain_and_plans_them():
    model = integrated(caseload_cap=50, sociale_basis_budget=0.0)
    hh, cfg = model.hh, model.cfg.team
    rows = np.arange(1000)
    support(model, rows, CARE, LIGHT, MILD, worker=0)
    hh.need[rows, DEBT] = MODERATE
    support(model, [1000], CARE, MAATWERK, MODERATE)  # no worker on it: nobody notices
    hh.need[1000, DEBT] = MODERATE
    casework.notice_new_needs(model)
    planned = hh.support[rows, DEBT] != NO_SUPPORT
    assert planned.mean() == pytest.approx(cfg.own_notice_per_week, abs=0.05)
    assert np.all(hh.support[rows[planned], DEBT] == MAATWERK)
    assert hh.support[1000, DEBT] == NO_SUPPORT
    assert model.record.referrals == 0


def test_siloed_worker_refers_a_new_need_outside_their_domain():
    model = make(3000, team_structure="siloed", fte_per_1000=2.0)
    clear_needs(model)
    hh, t, cfg = model.hh, model.team, model.cfg.team
    model.week = 7
    care_worker = int(np.flatnonzero(t.covers[:, CARE] & ~t.covers[:, DEBT])[0])
    rows = np.arange(2000)
    support(model, rows, CARE, LIGHT, MILD, worker=care_worker)
    hh.need[rows, DEBT] = MODERATE
    casework.notice_new_needs(model)
    referred = hh.handoff_ready[rows, DEBT] >= 0
    assert referred.mean() == pytest.approx(cfg.other_notice_per_week, abs=0.02)
    assert np.all(hh.handoff_ready[rows[referred], DEBT] == 7 + cfg.handoff_weeks)
    assert np.all(hh.support[rows, DEBT] == NO_SUPPORT)  # the other specialist plans it
    assert model.record.referrals == referred.sum()
