"""Submodel 4, signals: how needs come to the wijkteam's notice.

The routes, for households with a need the team does not know (no support covers it, no worker
holds it, it is not referred):

* **crisis** - a need at stage 4 forces contact: the household joins the queue at once;
* **help-seeking** - the household asks for help itself, more often at higher stages and with
  a higher help-seeking propensity; it joins the queue (first contact is made). A household the
  team already supports that asks about a new need (or is in crisis with it) gets that need
  referred instead (taken up by intake);
* **partner signals** - an engaged partner sees some households each week (``reach`` by
  household type), notices needs by domain (``sensitivity``, more at higher stages) and passes
  a signal as far as its relation with the team allows (relation 0: no signal);
* **outreach** - workers' outreach hours in the wijk find needy households directly;
* **keeping in touch** - an integrated team notices new needs of households whose case it
  closed recently (``team.keep_in_touch_*``).

Partner, outreach and keeping-in-touch signals need follow-up by the team (submodel 5) before
contact is made. A share ``signalling.outreach_partner_share`` of a wijk's outreach hours goes
to its engaged partners (building relations), the rest to finding households directly; with no
partner engaged, all go to finding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from wijksim.build import partners as partners_mod
from wijksim.build import team as team_mod
from wijksim.codes import (
    CLOSED,
    CRISIS,
    IN_SUPPORT,
    N_DOMAINS,
    NO_SUPPORT,
    SIGNALLED,
    UNKNOWN,
    WAITING,
)
from wijksim.compiled import F32, kernel
from wijksim.state import per_wijk

if TYPE_CHECKING:
    from wijksim.config import SignallingSection
    from wijksim.model import WijkModel
    from wijksim.state import Households


def stage_visibility(signalling: SignallingSection) -> np.ndarray:
    """How visible a need is to partners and outreach, by stage (float32)."""
    return np.asarray(signalling.stage_visibility, dtype=np.float32)


def unmet_stage(model: WijkModel, rows: np.ndarray | None = None) -> np.ndarray:
    """Per household (or per given row), each domain's need stage where no support covers it."""
    hh = model.hh
    need = hh.need if rows is None else hh.need[rows]
    support = hh.support if rows is None else hh.support[rows]
    return np.where(support == NO_SUPPORT, need, 0).astype(np.int8)


class SignalArrays(NamedTuple):
    """The household arrays the signal routes read (one kernel argument)."""

    need: np.ndarray  # int8 (n, 5)
    support: np.ndarray  # int8 (n, 5)
    case_worker: np.ndarray  # int32 (n, 5)
    handoff_ready: np.ndarray  # int32 (n, 5)
    status: np.ndarray  # int8 (n,)
    status_since: np.ndarray  # int32 (n,)
    help_seeking: np.ndarray  # float32 (n,)
    wijk: np.ndarray  # int16 (n,)
    htype: np.ndarray  # int8 (n,)


class SignalRules(NamedTuple):
    """This week's parameters of the signal routes (one kernel argument)."""

    week: np.int64
    help_per_week: np.ndarray  # float64 by stage: self-referral hazard at full propensity
    relation: np.ndarray  # float32 by partner: relation if engaged, else 0
    any_engaged: bool
    reach: np.ndarray  # float32 (kinds, types)
    sens: np.ndarray  # float32 (kinds, domains)
    visibility: np.ndarray  # float32 by stage
    found: np.ndarray  # float64 (wijken, stages): chance that outreach finds a household
    keep_in_touch: np.float64  # chance per week (integrated teams, recently closed cases)
    keep_in_touch_weeks: np.int64


def step(model: WijkModel) -> None:
    """Collect this week's signals from all routes."""
    hh, week, cfg, record = model.hh, model.week, model.cfg, model.record
    outreach = outreach_hours(model)
    engaged = partners_mod.engaged_per_wijk(model.partners, model.n_wijken)
    to_partners = np.where(engaged, cfg.signalling.outreach_partner_share * outreach, 0.0)
    partners_mod.update_relations(
        model.partners,
        to_partners,
        cfg.signalling.relation_growth_per_hour,
        cfg.signalling.relation_decay_per_week,
        model.outreach_priority,
    )
    direct = outreach - to_partners
    expiry = np.int64(cfg.team.signal_expiry_weeks)
    expire_signals(hh.status, hh.status_since, np.int64(week), expiry)

    arrays = SignalArrays(need=hh.need, support=hh.support, case_worker=hh.case_worker,
                          handoff_ready=hh.handoff_ready, status=hh.status,
                          status_since=hh.status_since, help_seeking=hh.help_seeking,
                          wijk=hh.wijk, htype=hh.htype)
    rows = open_needs(hh.rows_with_need(), arrays)
    u = model.streams.signals.random((3, rows.size), dtype=np.float32)
    rules = signal_rules(model, direct)
    to_queue, signalled, referred, counts = signal_households(
        rows, u, arrays, rules, model.partners.signals_sent
    )
    record.signals_crisis += counts[0]
    record.signals_help += counts[1]
    record.signals_partner += counts[2]
    record.signals_outreach += counts[3]
    record.signals_kept_in_touch += counts[4]
    record.asked_in_support += per_wijk(hh.wijk[referred], model.n_wijken)
    hh.record_first_contact(to_queue, week, record)
    hh.set_status(to_queue, WAITING, week)
    hh.set_status(signalled, SIGNALLED, week)
    record.referrals += refer_unknown_needs(hh, referred, week, model.n_wijken)


def signal_rules(model: WijkModel, direct: np.ndarray) -> SignalRules:
    """This week's :class:`SignalRules` (``direct``: outreach hours for finding, per wijk)."""
    cfg = model.cfg
    reach, sens, _ = model.partner_tables
    partners = model.partners
    visibility = stage_visibility(cfg.signalling)
    per_1000 = direct / np.maximum(model.inhabitants_per_wijk / 1000.0, 1e-9)
    seen = visibility.astype(np.float64) * cfg.signalling.outreach_visibility
    found = 1.0 - np.exp(-cfg.team.outreach_find_per_hour * per_1000[:, None] * seen[None, :])
    keep = cfg.team.keep_in_touch_per_week if model.integrated else 0.0
    return SignalRules(
        week=np.int64(model.week), help_per_week=model.help_seeking_per_week,
        relation=partners.relation * partners.engaged, any_engaged=bool(partners.engaged.any()),
        reach=reach, sens=sens, visibility=visibility, found=found,
        keep_in_touch=np.float64(keep), keep_in_touch_weeks=np.int64(cfg.team.keep_in_touch_weeks),
    )


def refer_unknown_needs(hh: Households, rows: np.ndarray, week: int, n_wijken: int
                        ) -> np.ndarray:
    """Refer the needs the team does not know of households in support that asked about them.

    Each such need becomes a referral, taken up by intake (submodel 5). Returns how many, per
    wijk.
    """
    unknown = ((hh.need[rows] > 0) & (hh.support[rows] == NO_SUPPORT)
               & (hh.case_worker[rows] < 0) & (hh.handoff_ready[rows] < 0))
    r, d = np.nonzero(unknown)
    hh.handoff_ready[rows[r], d] = week
    return per_wijk(hh.wijk[rows[r]], n_wijken)


def outreach_hours(model: WijkModel) -> np.ndarray:
    """Outreach hours per wijk this week."""
    hours = team_mod.hours_per_wijk(model.team, model.n_wijken)
    return hours * model.cfg.team.outreach_share


@kernel
def expire_signals(status, status_since, week, expiry_weeks):
    """Signals that were never followed up expire: the household is unknown again."""
    for i in range(status.size):
        if status[i] == SIGNALLED and status_since[i] <= week - expiry_weeks:
            status[i] = UNKNOWN
            status_since[i] = week


@kernel
def unknown_need(need, support, case_worker, handoff_ready, r, d):
    """Whether household ``r`` has a need in ``d`` the team does not know.

    No support covers it, no worker holds it, and it is not referred.
    """
    return ((need[r, d] > 0) & (support[r, d] == NO_SUPPORT) & (case_worker[r, d] < 0)
            & (handoff_ready[r, d] < 0))


@kernel
def open_needs(needy, a):
    """Households with a need the team does not know, in ascending order.

    Unknown, signalled and closed households, and households in support with a new need.
    """
    need, support, case_worker, handoff_ready = a.need, a.support, a.case_worker, a.handoff_ready
    status = a.status
    out = np.empty(needy.size, np.int64)
    k = 0
    for r in needy:
        uncovered = False
        for d in range(N_DOMAINS):
            uncovered |= unknown_need(need, support, case_worker, handoff_ready, r, d)
        out[k] = r
        k += (status[r] != WAITING) & uncovered
    return out[:k].copy()


@kernel
def signal_households(rows, u, a, rules, signals_sent):
    """The routes for each open household (uniforms ``u``: help, partner, outreach).

    A crisis forces contact and a household may ask for help itself (joining the queue; a
    household in support gets its new need referred instead). A household the team does not
    serve may be signalled by an engaged partner, by outreach, or - an integrated team keeping
    in touch after closing its case - by the team itself. Returns the households that join the
    queue, those signalled, those in support that asked about a new need, and the number of
    signals by route (crisis, help-seeking, partner, outreach, keeping in touch) and wijk.
    """
    # The structured arguments are unpacked once: reading a named tuple's array inside the loop
    # would take a reference to it at every access.
    need, support, case_worker, handoff_ready = a.need, a.support, a.case_worker, a.handoff_ready
    status, status_since, help_seeking = a.status, a.status_since, a.help_seeking
    wijk, htype = a.wijk, a.htype
    week, help_per_week, relation = rules.week, rules.help_per_week, rules.relation
    reach, sens, visibility, found = rules.reach, rules.sens, rules.visibility, rules.found
    keep_in_touch, keep_weeks = rules.keep_in_touch, rules.keep_in_touch_weeks
    to_queue = np.empty(rows.size, np.int64)
    signalled = np.empty(rows.size, np.int64)
    referred = np.empty(rows.size, np.int64)
    n_queue = 0
    n_signalled = 0
    n_referred = 0
    counts = np.zeros((5, found.shape[0]), np.int64)  # by route and wijk
    n_kinds = reach.shape[0]
    unmet = np.zeros(N_DOMAINS, np.int8)
    for i in range(rows.size):
        r = rows[i]
        worst = 0
        for d in range(N_DOMAINS):
            new = unknown_need(need, support, case_worker, handoff_ready, r, d)
            unmet[d] = need[r, d] if new else 0
            worst = max(worst, unmet[d])
        crisis = worst == CRISIS
        help_p = 1.0 - np.exp(-help_seeking[r] * help_per_week[worst])
        if crisis or u[0, i] < help_p:
            counts[0 if crisis else 1, wijk[r]] += 1
            if status[r] == IN_SUPPORT:
                referred[n_referred] = r
                n_referred += 1
            else:
                to_queue[n_queue] = r
                n_queue += 1
            continue
        if (status[r] == SIGNALLED) | (status[r] == IN_SUPPORT):
            continue
        route = -1
        if rules.any_engaged:
            p_any, kind = partner_chance(unmet, htype[r], relation[wijk[r] * n_kinds:], reach,
                                         sens, visibility)
            if u[1, i] < p_any:
                route = 2
                signals_sent[wijk[r] * n_kinds + kind] += 1
        chance = found[wijk[r], worst]
        if route < 0 and u[2, i] < chance:
            route = 3
        recently_closed = (status[r] == CLOSED) & (week - status_since[r] < keep_weeks)
        # the same uniform, rescaled above the outreach chance: an independent draw
        if route < 0 and recently_closed and (u[2, i] - chance) < keep_in_touch * (1 - chance):
            route = 4
        if route < 0:
            continue
        counts[route, wijk[r]] += 1
        signalled[n_signalled] = r
        n_signalled += 1
    return (to_queue[:n_queue].copy(), signalled[:n_signalled].copy(),
            referred[:n_referred].copy(), counts)


@kernel
def partner_chance(unmet, htype, relation, reach, sens, visibility):
    """Chance that any of a wijk's partners signals a household, and the likeliest kind.

    ``relation`` starts at the wijk's first partner; ``unmet`` holds the household's unmet
    stages per domain.
    """
    n_kinds = reach.shape[0]
    missed_by_all = F32(1.0)
    best = F32(-1.0)
    kind = 0
    for k in range(n_kinds):
        seen = reach[k, htype] * relation[k]
        miss = F32(1.0)
        for d in range(unmet.size):
            miss *= F32(1.0) - min(sens[k, d] * visibility[unmet[d]], F32(0.99))
        p_k = seen * (F32(1.0) - miss)
        if p_k > best:
            best = p_k
            kind = k
        missed_by_all *= F32(1.0) - p_k
    return F32(1.0) - missed_by_all, kind
