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

from wijksim import partners as partners_mod
from wijksim.state import CLOSED, CRISIS, IN_SUPPORT, NO_SUPPORT, SIGNALLED, UNKNOWN, WAITING

if TYPE_CHECKING:
    from wijksim.model import WijkModel

#: Partners and outreach notice a need at stage s with this factor on their sensitivity.
STAGE_VISIBILITY = np.array([0.0, 0.5, 1.0, 1.5, 2.0], dtype=np.float32)


def unmet_stage(model: WijkModel, rows: np.ndarray | None = None) -> np.ndarray:
    """Per household (or per given row), each domain's need stage where no support covers it."""
    hh = model.hh
    need = hh.need if rows is None else hh.need[rows]
    support = hh.support if rows is None else hh.support[rows]
    return np.where(support == NO_SUPPORT, need, 0).astype(np.int8)


def step(model: WijkModel) -> None:
    """Collect this week's signals from all four routes."""
    hh, week = model.hh, model.week
    outreach = model.outreach_hours_per_wijk()
    to_partners = np.where(model.wijk_has_engaged_partner(), 0.5 * outreach, 0.0)
    partners_mod.update_relations(
        model.partners,
        to_partners,
        model.cfg.signalling.relation_growth_per_hour,
        model.cfg.signalling.relation_decay_per_week,
    )
    direct = outreach - to_partners

    # Signals that were never followed up expire.
    expired = (hh.status == SIGNALLED) & (
        hh.status_since <= week - model.cfg.team.signal_expiry_weeks
    )
    model.set_status(np.flatnonzero(expired), UNKNOWN)

    needy = hh.rows_with_need()
    status = hh.status[needy]
    open_rows = needy[(status == UNKNOWN) | (status == CLOSED) | (status == SIGNALLED)]
    unmet = unmet_stage(model, open_rows)
    worst = unmet.max(axis=1)
    needy = worst > 0
    rows, unmet, worst = open_rows[needy], unmet[needy], worst[needy]
    rng = model.streams.signals
    u_help, u_partner, u_outreach = rng.random((3, rows.size), dtype=np.float32)

    crisis = worst == CRISIS
    help_p = 1.0 - np.exp(-hh.help_seeking[rows] * model.help_seeking_per_week[worst])
    asks = crisis | (u_help < help_p)
    to_queue = rows[asks]
    model.tally["signals_crisis"] += int(crisis.sum())
    model.tally["signals_help"] += int((asks & ~crisis).sum())
    model.first_contact(to_queue)
    model.set_status(to_queue, WAITING)

    not_yet = ~asks & (hh.status[rows] != SIGNALLED)
    rows, unmet, worst = rows[not_yet], unmet[not_yet], worst[not_yet]
    u_partner, u_outreach = u_partner[not_yet], u_outreach[not_yet]
    p_partner, source = partner_signal_chance(model, rows, unmet)
    by_partner = u_partner < p_partner
    np.add.at(model.partners.signals_sent, source[by_partner], 1)
    model.tally["signals_partner"] += int(by_partner.sum())

    find = model.cfg.team.outreach_find_per_hour
    per_1000 = direct / np.maximum(model.inhabitants_per_wijk / 1000.0, 1e-9)
    p_out = 1.0 - np.exp(-find * per_1000[model.hh.wijk[rows]] * STAGE_VISIBILITY[worst] / 2.0)
    by_outreach = ~by_partner & (u_outreach < p_out)
    model.tally["signals_outreach"] += int(by_outreach.sum())
    model.set_status(rows[by_partner | by_outreach], SIGNALLED)


def partner_signal_chance(
    model: WijkModel, rows: np.ndarray, unmet: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Chance that any engaged partner signals each household, and the likeliest partner."""
    if rows.size == 0 or not model.partners.engaged.any():
        return np.zeros(rows.size, np.float32), np.zeros(rows.size, np.int64)
    reach, sens, _ = model.partner_tables
    partners = model.partners
    k = reach.shape[0]
    wijk = model.hh.wijk[rows]
    rel = (partners.relation * partners.engaged).reshape(-1, k)[wijk]  # rows x kinds
    seen = reach[:, model.hh.htype[rows]].T * rel
    vis = STAGE_VISIBILITY[unmet]  # rows x domains
    miss = np.ones((rows.size, k), dtype=np.float32)
    for d in range(unmet.shape[1]):
        miss *= 1.0 - np.minimum(sens[:, d][None, :] * vis[:, d : d + 1], 0.99)
    p_k = seen * (1.0 - miss)
    p_any = 1.0 - np.prod(1.0 - p_k, axis=1)
    source = wijk.astype(np.int64) * k + np.argmax(p_k, axis=1)
    return p_any, source


__all__ = ["step", "partner_signal_chance", "unmet_stage", "IN_SUPPORT"]
