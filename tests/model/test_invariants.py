"""Invariants that hold after every week, on random small configs and levers (hypothesis).

Stages stay in 0-4; households are conserved; hours spent never exceed hours available;
costs are never negative and add up; caseloads respect the cap; support bookkeeping is
consistent; the KPI flows add up.
"""

from __future__ import annotations

from dataclasses import fields
from unittest import mock

import numpy as np
from helpers import caseloads
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wijksim.build import team as team_mod
from wijksim.codes import (
    BASIS,
    CARE,
    CRISIS,
    IN_SUPPORT,
    LIGHT,
    MAATWERK,
    N_DOMAINS,
    NETWORK,
    NO_SUPPORT,
    PARTNER_KINDS,
    SIGNALLED,
    SOCIAL,
    WAITING,
    WLZ,
    YOUTH,
)
from wijksim.config import Config
from wijksim.kpis import EXTRA, KPIS
from wijksim.model import WijkModel
from wijksim.state import Households
from wijksim.submodels import casework, workforce
from wijksim.submodels import signals as signals_mod

COST_PARTS = ("cost_team", "cost_maatwerk", "cost_wlz", "cost_sociale_basis", "cost_crisis")

levers = st.fixed_dictionaries(
    {
        "households": st.integers(30, 300),
        "wijken": st.integers(1, 3),
        "weeks": st.integers(1, 30),
        "warmup_weeks": st.integers(0, 10),
        "warmup_levers": st.sampled_from(["baseline", "scenario"]),
        "team_structure": st.sampled_from(["integrated", "siloed"]),
        "fte_per_1000": st.floats(0.1, 3.0),
        "outreach_share": st.floats(0.0, 1.0),
        "caseload_cap": st.integers(1, 50),
        "partners": st.lists(st.sampled_from(PARTNER_KINDS), unique=True),
        "network_first": st.floats(0.0, 1.0),
        "maatwerk_stage": st.integers(1, 4),
        "closure_rule": st.sampled_from(["stable", "fixed"]),
        "network_strength": st.floats(0.0, 3.0),
        "sociale_basis_budget": st.floats(0.0, 60000.0),
        "spinup_years": st.integers(0, 1),
    }
)

#: The default shares of positions per domain in a siloed team.
WEIGHTS = np.asarray(Config().team.domain_weights.as_list())


class HoursProbe:
    """Records the team's hours as casework saw them (workforce.step sets next week's)."""

    def __init__(self) -> None:
        self.available: np.ndarray | None = None
        self.spent: np.ndarray | None = None
        self.demanded: np.ndarray | None = None
        self._step = workforce.step

    def __call__(self, model: WijkModel) -> None:
        self.available = model.team.hours_available.copy()
        self.spent = model.team.hours_spent.copy()
        self.demanded = model.team.hours_demanded.copy()
        self._step(model)


class SignalsProbe:
    """Counts the households that signals.step sends to the queue or marks as signalled."""

    def __init__(self) -> None:
        self.queued = self.signalled = -1
        self._step = signals_mod.step

    def __call__(self, model: WijkModel) -> None:
        hh = model.hh
        status, since = hh.status.copy(), hh.status_since.copy()
        self._step(model)
        # moved by this step (not, say, waiting since week 0 in the initial state)
        now = (hh.status != status) | (hh.status_since != since)
        self.queued = int((now & (hh.status == WAITING)).sum())
        self.signalled = int((now & (hh.status == SIGNALLED)).sum())


def check_week(model: WijkModel, probe: HoursProbe, sig: SignalsProbe, n: int, steps: int) -> None:
    hh, t, k = model.hh, model.team, model.kpis
    week = model.week - 1  # the week that just ran

    # ------------------------------------------------------------ households are conserved
    assert hh.n == n
    for f in fields(Households):
        assert len(getattr(hh, f.name)) == n, f.name
    assert hh.need.shape == (n, N_DOMAINS)

    # ------------------------------------------------------------ ranges
    assert hh.need.min() >= 0 and hh.need.max() <= CRISIS
    assert hh.status.min() >= 0 and hh.status.max() <= 4
    assert hh.support.min() >= 0 and hh.support.max() <= WLZ
    assert np.all((hh.effect >= 0) & (hh.effect <= 1))
    assert np.all((hh.met_share >= 0) & (hh.met_share <= 1))
    assert np.all(hh.strain >= 0)
    rel = model.partners.relation
    assert np.all((rel >= 0) & (rel <= 1))

    # ------------------------------------------------------------ need bookkeeping
    # (weeks before the start are negative; -1 means "none")
    has_need = hh.need > 0
    np.testing.assert_array_equal(has_need, hh.need_since != -1)
    assert np.all(hh.need_since <= week)
    in_episode = hh.episode_start != -1
    assert np.all(in_episode[has_need.any(axis=1)])
    assert np.all(hh.episode_start <= week)
    assert np.all(hh.first_contact <= week)
    contacted = hh.first_contact >= 0
    assert np.all(in_episode[contacted])
    assert np.all(hh.first_contact[contacted] >= hh.episode_start[contacted])
    assert not (hh.support[:, CARE + 1 :] == WLZ).any()  # Wlz is long-term care only

    # ------------------------------------------------------------ hours
    share = 1.0 - model.cfg.team.outreach_share
    assert probe.available is not None and probe.available.shape == t.hours_spent.shape
    assert np.all(probe.spent >= 0)
    assert np.all(probe.spent <= probe.available + 1e-4)
    assert np.all(probe.spent <= probe.available * share + 1e-4)
    assert np.all(probe.spent <= probe.demanded + 1e-4)
    assert np.all(t.hours_available >= 0)

    # ------------------------------------------------------------ workers and cases
    staffed = t.filled & t.position
    cw = hh.case_worker
    assert cw.min() >= -1 and cw.max() < t.n
    assert np.all(staffed[cw[cw >= 0]])  # cases only with filled positions
    assert not ((cw >= 0) & (hh.support == NO_SUPPORT)).any()  # a worker always has a plan
    assert not ((cw >= 0) & (hh.handoff_ready >= 0)).any()
    in_support = hh.status == IN_SUPPORT
    assert not (cw[~in_support] >= 0).any()
    assert not (hh.handoff_ready[~in_support] >= 0).any()
    active = ((cw >= 0) | (hh.handoff_ready >= 0)).any(axis=1)
    assert np.all(active[in_support])  # in support: a worker or a pending hand-off
    np.testing.assert_array_equal(t.caseload, caseloads(cw, t.n))
    cap = model.cfg.team.caseload_cap
    if model.warmup_weeks > 0 and model.scenario_config.run.warmup_levers == "baseline":
        cap = max(cap, Config().team.caseload_cap)  # cases from the warm-up are not dropped
    assert np.all(t.caseload <= team_mod.slots(t, cap))  # slots: the cap per FTE of a position
    assert np.all(t.caseload[~staffed] == 0)
    staffed_kinds = (hh.support == LIGHT) | (hh.support == NETWORK)
    assert not ((cw >= 0) & ~staffed_kinds).any()  # workers hold light and network plans only

    # ------------------------------------------------------------ provisions and the basis
    maatwerk = hh.support == MAATWERK
    assert np.all(hh.provision[maatwerk] > 0)
    assert np.all(hh.provision[~maatwerk] == 0)
    assert np.all(hh.provision_until[maatwerk] > week)  # reviewed when it is due
    assert np.all(hh.provision_until[hh.support == NO_SUPPORT] == -1)
    domain = model.provision_table.domain[hh.provision[maatwerk]]
    np.testing.assert_array_equal(domain, np.nonzero(maatwerk)[1])  # a provision of its domain
    in_basis = np.bincount(hh.wijk, weights=(hh.support == BASIS).sum(axis=1),
                           minlength=model.n_wijken)
    places = casework.basis_places(model)
    if model.warmup_weeks > 0 and model.scenario_config.run.warmup_levers == "baseline":
        budget = model.basis_budget  # places taken in the warm-up (baseline budget) are kept
        model.basis_budget = np.full(model.n_wijken, Config().policy.sociale_basis_budget)
        places = np.maximum(places, casework.basis_places(model))
        model.basis_budget = budget
    assert np.all(in_basis <= places)

    # ------------------------------------------------------------ costs
    assert set(KPIS) | set(EXTRA) <= set(k)
    for name in COST_PARTS + ("cost_total",):
        assert k[name] >= 0, name
    assert np.isclose(k["cost_total"], sum(k[p] for p in COST_PARTS), rtol=1e-12)
    by_payer = k["cost_gemeente"] + k["cost_wlz"] + k["cost_other"]
    assert np.isclose(k["cost_total"], by_payer, rtol=1e-12)
    by_law = k["cost_wmo"] + k["cost_youth"] + k["cost_reintegration"] + k["cost_debt_relief"]
    assert by_law <= k["cost_maatwerk"] + 1e-6  # the rest: one-off costs this week
    assert k["cost_other"] <= k["cost_crisis"] + 1e-6

    # ------------------------------------------------------------ flows add up
    signals = sum(
        k[s] for s in ("signals_partner", "signals_help", "signals_outreach", "signals_crisis",
                       "signals_kept_in_touch")
    )
    assert np.isclose(k["signals_per_1000"], signals * 52.0 * 1000.0 / model.inhabitants)
    # every signal moved one household: crises and help-seekers to the queue (or, already in
    # support, had their new need referred), the others signalled
    asked_in_support = model.record.total("asked_in_support")
    assert k["signals_crisis"] + k["signals_help"] == sig.queued + asked_in_support
    signalled = k["signals_partner"] + k["signals_outreach"] + k["signals_kept_in_touch"]
    assert signalled == sig.signalled
    assert k["waiting_list"] == (hh.status == WAITING).sum()
    assert k["in_support"] == in_support.sum()
    assert k["households_with_need"] == has_need.any(axis=1).sum()
    assert k["workers"] == staffed.sum()
    assert k["vacancies"] == (t.position & ~t.filled).sum()
    started = maatwerk & (hh.support_since <= week)
    wmo = started[:, [CARE, SOCIAL]].any(axis=1).sum()
    assert np.isclose(k["wmo_per_1000"], wmo * 1000.0 / model.inhabitants)
    youth = started[:, YOUTH].sum()
    assert np.isclose(k["maatwerk_per_1000"], (wmo + youth) * 1000.0 / model.inhabitants)
    assert np.isclose(k["youth_care_share"], youth / model.under_23)
    assert k["wmo_clients_year_per_1000"] >= k["wmo_per_1000"] - 1e-9  # a year holds the week
    assert np.isclose(
        k["wlz_per_1000"], (hh.support[:, CARE] == WLZ).sum() * 1000 / model.inhabitants
    )
    assert 0.0 <= k["unmet_need"] <= 1.0
    assert 0.0 <= k["debt_share"] <= 1.0
    assert k["conversations"] <= k["eligible_decisions"]
    assert k["network_plans"] <= k["conversations"]
    assert 0.0 <= k["fte_per_1000_realised"] <= model.cfg.team.fte_per_1000 * (1 + 1e-6)
    assert model.inhabitants == hh.members.sum()
    assert len(model.datacollector.model_vars["week"]) == steps


@given(params=levers, seed=st.integers(0, 2**16))
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_invariants_every_week(params, seed):
    model = WijkModel(rng=seed, **params)
    n = model.hh.n
    assert n == params["households"]
    probe, sig = HoursProbe(), SignalsProbe()
    steps = 0
    with mock.patch.object(workforce, "step", probe), mock.patch.object(signals_mod, "step", sig):
        while model.running:
            model.step()
            steps += 1
            check_week(model, probe, sig, n, steps)
    assert steps == params["weeks"] + params["warmup_weeks"]
    assert model.week == 52 * params["spinup_years"] + steps
    assert model.cfg == model.scenario_config  # the scenario's levers are on at the end
    df = model.datacollector.get_model_vars_dataframe()
    # warm-up rows are weeks <= 0, reported weeks are 1..weeks
    assert list(df["week"]) == list(range(1 - params["warmup_weeks"], params["weeks"] + 1))


# --------------------------------------------------------------------------- pure functions


@st.composite
def allocation(draw):
    n_groups = draw(st.integers(1, 4))
    n_slots = draw(st.integers(0, 8))
    slot_group = np.sort(
        np.array(
            draw(st.lists(st.integers(0, n_groups - 1), min_size=n_slots, max_size=n_slots)),
            dtype=np.int64,
        )
    )
    free = np.array(
        draw(st.lists(st.integers(-1, 4), min_size=n_slots, max_size=n_slots)), dtype=np.int64
    )
    n_req = draw(st.integers(0, 25))
    req_group = np.array(
        draw(st.lists(st.integers(0, n_groups - 1), min_size=n_req, max_size=n_req)), dtype=np.int64
    )
    req_priority = np.array(
        draw(st.lists(st.integers(0, 50), min_size=n_req, max_size=n_req)), dtype=np.int64
    )
    return req_group, req_priority, slot_group, free, n_groups


@given(allocation())
@settings(max_examples=200, deadline=None)
def test_allocate_slots_properties(case):
    req_group, req_priority, slot_group, free, n_groups = case
    got = team_mod.allocate_slots(req_group, req_priority, slot_group, free, n_groups)
    assert got.shape == req_group.shape
    ok = got >= 0
    # a request only gets a worker of its own group
    assert np.all(slot_group[got[ok]] == req_group[ok])
    # no worker gets more than its free slots
    taken = np.bincount(got[ok], minlength=free.size)
    assert np.all(taken <= np.maximum(free, 0))
    for g in range(n_groups):
        mine = req_group == g
        capacity = np.maximum(free, 0)[slot_group == g].sum()
        # as many requests are served as there are slots
        assert ok[mine].sum() == min(mine.sum(), capacity)
        # nobody left waiting has a higher priority than somebody served
        if ok[mine].any() and (~ok[mine]).any():
            assert req_priority[mine & ok].min() >= req_priority[mine & ~ok].max()
        # round-robin: a worker with room left has at most one case less than any other
        rows = np.flatnonzero(slot_group == g)
        room = rows[taken[rows] < np.maximum(free[rows], 0)]
        if room.size:
            assert taken[room].min() >= taken[rows].max() - 1


@given(st.integers(1, 80), st.sampled_from(["integrated", "siloed"]))
def test_domain_coverage_properties(positions, structure):
    cov = team_mod.domain_coverage(positions, structure, WEIGHTS)
    assert cov.shape == (positions, N_DOMAINS)
    assert np.all(cov.any(axis=0))  # every domain is covered
    assert np.all(cov.any(axis=1))  # every worker covers something
    if structure == "siloed" and positions >= N_DOMAINS:
        assert np.all(cov.sum(axis=1) == 1)


@given(st.lists(st.lists(st.integers(-1, 6), min_size=N_DOMAINS, max_size=N_DOMAINS), max_size=30))
def test_caseloads_match_a_plain_count(rows):
    cw = np.array(rows, dtype=np.int64).reshape(-1, N_DOMAINS)
    expected = np.zeros(7, dtype=np.int64)
    for row in rows:
        for w in set(row) - {-1}:
            expected[w] += 1
    np.testing.assert_array_equal(caseloads(cw, 7), expected)
