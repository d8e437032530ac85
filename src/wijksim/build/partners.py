"""Partners of the sociale basis and their relation with the wijkteam.

Every wijk has one partner of each kind in ``codes.PARTNER_KINDS``. A partner passes a signal
only as far as its relation with the team allows (relation 0: no signals). Relations grow with
the outreach hours workers spend with the partner and fade without them.
"""

from __future__ import annotations

import numpy as np

from wijksim.codes import PARTNER_KINDS
from wijksim.config import Config
from wijksim.state import Partners


def build_partners(cfg: Config, wijken: int) -> Partners:
    """One partner of each kind in every wijk, with the configured starting relation."""
    k = len(PARTNER_KINDS)
    kinds = cfg.signalling.kinds
    start = np.array([kinds[name].relation_start for name in PARTNER_KINDS], dtype=np.float32)
    partners = Partners(
        wijk=np.repeat(np.arange(wijken, dtype=np.int16), k),
        kind=np.tile(np.arange(k, dtype=np.int8), wijken),
        relation=np.tile(start, wijken),
        engaged=np.zeros(wijken * k, dtype=bool),
        signals_sent=np.zeros(wijken * k, dtype=np.int64),
    )
    set_engaged(partners, cfg.signalling.partners)
    return partners


def set_engaged(partners: Partners, engaged_kinds: list[str]) -> None:
    """Mark the partners of the given kinds as engaged in early signalling."""
    idx = [PARTNER_KINDS.index(name) for name in engaged_kinds]
    partners.engaged[:] = np.isin(partners.kind, idx)


def engaged_per_wijk(partners: Partners, n_wijken: int) -> np.ndarray:
    """Per wijk, whether any partner is engaged in early signalling."""
    return np.bincount(partners.wijk, weights=partners.engaged, minlength=n_wijken) > 0


def tables(cfg: Config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reach (kinds x household types), sensitivity (kinds x domains), light support (kinds)."""
    kinds = cfg.signalling.kinds
    reach = np.array([kinds[n].reach for n in PARTNER_KINDS], dtype=np.float32)
    sens = np.array([kinds[n].sensitivity.as_list() for n in PARTNER_KINDS], dtype=np.float32)
    support = np.array([kinds[n].light_support for n in PARTNER_KINDS], dtype=np.float32)
    return reach, sens, support


def update_relations(
    partners: Partners, hours_per_wijk: np.ndarray, growth: float, decay: float,
    priority: np.ndarray,
) -> None:
    """Relations grow with outreach hours and fade.

    A wijk's hours are split over its engaged partners by their ``priority`` (all 1: evenly;
    the policy cycle's wijkplannen move it).
    """
    weight = np.where(partners.engaged, priority, 0.0)
    total = np.bincount(partners.wijk, weights=weight, minlength=hours_per_wijk.size)
    per_partner = np.where(
        partners.engaged,
        hours_per_wijk[partners.wijk] * priority / np.maximum(total[partners.wijk], 1), 0
    )
    gain = 1.0 - np.exp(-growth * per_partner)
    rel = partners.relation
    rel += (1.0 - rel) * gain.astype(np.float32)
    rel *= np.float32(1.0 - decay)
    np.clip(rel, 0.0, 1.0, out=rel)
