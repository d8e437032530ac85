"""Submodel 4, signals: how households with needs come to the wijkteam's notice.

Four routes, for households the team does not serve now (unknown or closed) with a need that
no support covers:

* **crisis** - a need at stage 4 forces contact: the household joins the queue at once;
* **help-seeking** - the household asks for help itself, more often at higher stages and with
  a higher help-seeking propensity; it joins the queue (first contact is made);
* **partner signals** - an engaged partner sees some households each week (``reach`` by
  household type), notices needs by domain (``sensitivity``, more at higher stages) and passes
  a signal as far as its relation with the team allows (relation 0: no signal);
* **outreach** - workers' outreach hours in the wijk find needy households directly.

Partner and outreach signals need follow-up by the team (submodel 5) before contact is made.
Half of a wijk's outreach hours go to its engaged partners (building relations), half to
finding households directly; with no partner engaged, all go to finding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from wijksim.build import partners as partners_mod
from wijksim.build import team as team_mod
from wijksim.codes import CLOSED, CRISIS, N_DOMAINS, NO_SUPPORT, SIGNALLED, UNKNOWN, WAITING
from wijksim.compiled import F32, kernel

if TYPE_CHECKING:
    from wijksim.config import SignallingSection
    from wijksim.model import WijkModel


def stage_visibility(signalling: SignallingSection) -> np.ndarray:
    """How visible a need is to partners and outreach, by stage (float32)."""
    return np.asarray(signalling.stage_visibility, dtype=np.float32)


def unmet_stage(model: WijkModel, rows: np.ndarray | None = None) -> np.ndarray:
    """Per household (or per given row), each domain's need stage where no support covers it."""
    hh = model.hh
    need = hh.need if rows is None else hh.need[rows]
    support = hh.support if rows is None else hh.support[rows]
    return np.where(support == NO_SUPPORT, need, 0).astype(np.int8)


def step(model: WijkModel) -> None:
    """Collect this week's signals from all four routes."""
    hh, week, cfg, record = model.hh, model.week, model.cfg, model.record
    outreach = outreach_hours(model)
    engaged = partners_mod.engaged_per_wijk(model.partners, model.n_wijken)
    to_partners = np.where(engaged, cfg.signalling.outreach_partner_share * outreach, 0.0)
    partners_mod.update_relations(
        model.partners,
        to_partners,
        cfg.signalling.relation_growth_per_hour,
        cfg.signalling.relation_decay_per_week,
    )
    direct = outreach - to_partners
    expiry = np.int64(cfg.team.signal_expiry_weeks)
    expire_signals(hh.status, hh.status_since, np.int64(week), expiry)

    rows = open_needs(hh.rows_with_need(), hh.need, hh.support, hh.status)
    u = model.streams.signals.random((3, rows.size), dtype=np.float32)
    reach, sens, _ = model.partner_tables
    partners = model.partners
    to_queue, signalled, counts = signal_households(
        rows=rows, u=u, need=hh.need, support=hh.support, status=hh.status,
        help_seeking=hh.help_seeking, wijk=hh.wijk, htype=hh.htype,
        help_per_week=model.help_seeking_per_week,
        relation=partners.relation * partners.engaged, any_engaged=bool(partners.engaged.any()),
        reach=reach, sens=sens, visibility=stage_visibility(cfg.signalling),
        outreach_visibility=np.float64(cfg.signalling.outreach_visibility),
        outreach_per_1000=direct / np.maximum(model.inhabitants_per_wijk / 1000.0, 1e-9),
        find_per_hour=np.float64(cfg.team.outreach_find_per_hour),
        signals_sent=partners.signals_sent,
    )
    record.signals_crisis += int(counts[0])
    record.signals_help += int(counts[1])
    record.signals_partner += int(counts[2])
    record.signals_outreach += int(counts[3])
    hh.record_first_contact(to_queue, week, record)
    hh.set_status(to_queue, WAITING, week)
    hh.set_status(signalled, SIGNALLED, week)


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
def open_needs(needy, need, support, status):
    """Households the team does not serve now with a need no support covers (ascending)."""
    out = np.empty(needy.size, np.int64)
    k = 0
    for r in needy:
        s = status[r]
        uncovered = False
        for d in range(N_DOMAINS):
            uncovered |= (need[r, d] > 0) & (support[r, d] == NO_SUPPORT)
        out[k] = r
        k += ((s == UNKNOWN) | (s == CLOSED) | (s == SIGNALLED)) & uncovered
    return out[:k].copy()


@kernel
def signal_households(
    rows, u, need, support, status, help_seeking, wijk, htype, help_per_week, relation,
    any_engaged, reach, sens, visibility, outreach_visibility, outreach_per_1000, find_per_hour,
    signals_sent,
):
    """The four routes for each open household (uniforms ``u``: help, partner, outreach).

    Returns the households that join the queue, those signalled, and the number of signals by
    route (crisis, help-seeking, partner, outreach).
    """
    to_queue = np.empty(rows.size, np.int64)
    signalled = np.empty(rows.size, np.int64)
    n_queue = 0
    n_signalled = 0
    counts = np.zeros(4, np.int64)
    n_kinds = reach.shape[0]
    unmet = np.zeros(need.shape[1], np.int8)
    found = np.empty((outreach_per_1000.size, visibility.size))  # chance by wijk and stage
    for w in range(outreach_per_1000.size):
        for s in range(visibility.size):
            seen = visibility[s] * outreach_visibility
            found[w, s] = 1.0 - np.exp(-find_per_hour * outreach_per_1000[w] * seen)
    for i in range(rows.size):
        r = rows[i]
        worst = 0
        for d in range(need.shape[1]):
            unmet[d] = need[r, d] if support[r, d] == NO_SUPPORT else 0
            worst = max(worst, unmet[d])
        crisis = worst == CRISIS
        help_p = 1.0 - np.exp(-help_seeking[r] * help_per_week[worst])
        if crisis or u[0, i] < help_p:
            counts[0 if crisis else 1] += 1
            to_queue[n_queue] = r
            n_queue += 1
            continue
        if status[r] == SIGNALLED:
            continue
        by_partner = False
        if any_engaged:
            p_any, kind = partner_chance(unmet, htype[r], relation[wijk[r] * n_kinds:], reach,
                                         sens, visibility)
            if u[1, i] < p_any:
                by_partner = True
                signals_sent[wijk[r] * n_kinds + kind] += 1
                counts[2] += 1
        if not by_partner:
            if u[2, i] < found[wijk[r], worst]:
                counts[3] += 1
            else:
                continue
        signalled[n_signalled] = r
        n_signalled += 1
    return to_queue[:n_queue].copy(), signalled[:n_signalled].copy(), counts


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
