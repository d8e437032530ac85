"""Maatwerkvoorzieningen: which provision a grant is, how long it runs, its reviews and cost.

Part of submodel 6 (casework, docs/ODD.md 7.6). A granted maatwerk need gets one provision of
its domain, drawn by the provisions' ``grant_share`` (``[policy.provisions.<name>]``). Each
provision has a kind:

* **one_off** (woningaanpassing) - delivered after ``weeks_min``-``weeks_max`` weeks; then the
  need falls one stage (the adaptation compensates part of it) and the provision ends;
* **durable** (hulpmiddel) - runs while the need lasts; reviewed at long intervals (renewed
  with chance ``renewal``, else moved to the algemene voorziening or ended, as below);
* **recurring** (huishoudelijke hulp, dagbesteding) - reviewed every ``weeks_min``-
  ``weeks_max`` weeks: renewed with chance ``renewal`` while the need is there, else moved to
  the algemene voorziening (``to_basis``, if the sociale basis has a place) or ended;
* **episode** (begeleiding, jeugdhulp, re-integratie, schuldhulp) - a planned period; at its
  end renewed with chance ``renewal`` if the need is still at the maatwerk stage, else ended.

Every provision ends when its need is solved. This module holds the provisions' table (arrays
indexed by provision code, :class:`ProvisionTable`) and the compiled helpers casework and the
initial state use; the weekly revision itself is in :mod:`wijksim.submodels.casework`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from wijksim.codes import DOMAINS, N_DOMAINS, PROVISION_KINDS, PROVISIONS
from wijksim.compiled import inline, kernel
from wijksim.config import Config


class ProvisionTable(NamedTuple):
    """The provisions as arrays indexed by provision code (index 0: no provision)."""

    domain: np.ndarray  # int64, the domain each provision serves (-1 for none)
    kind: np.ndarray  # int64, codes.PROVISION_KINDS
    cum_share: np.ndarray  # float64 (domains, provisions): cumulative grant shares per domain
    weeks_min: np.ndarray  # int64
    weeks_max: np.ndarray  # int64
    renewal: np.ndarray  # float64
    to_basis: np.ndarray  # float64
    cost_per_year: np.ndarray  # float64, euro per client-year
    one_off_cost: np.ndarray  # float64, euro at delivery
    recovery: np.ndarray  # float64, multiplier on maatwerk recovery


def table(cfg: Config) -> ProvisionTable:
    """The provisions of ``cfg`` as a :class:`ProvisionTable`."""
    n = len(PROVISIONS)
    domain = np.full(n, -1, np.int64)
    kind = np.zeros(n, np.int64)
    share = np.zeros((N_DOMAINS, n))
    fields = {name: np.zeros(n) for name in ("renewal", "to_basis", "cost_per_year",
                                             "one_off_cost", "recovery")}
    weeks_min = np.ones(n, np.int64)
    weeks_max = np.ones(n, np.int64)
    for code, name in enumerate(PROVISIONS[1:], start=1):
        p = cfg.policy.provisions[name]
        domain[code] = DOMAINS.index(p.domain)
        kind[code] = PROVISION_KINDS.index(p.kind)
        share[domain[code], code] = p.grant_share
        weeks_min[code], weeks_max[code] = p.weeks_min, p.weeks_max
        for key, values in fields.items():
            values[code] = getattr(p, key)
    return ProvisionTable(domain=domain, kind=kind, cum_share=np.cumsum(share, axis=1),
                          weeks_min=weeks_min, weeks_max=weeks_max, **fields)


@inline
def pick(t, d, u):
    """The provision of domain ``d`` that a uniform ``u`` picks by the grant shares."""
    row = t.cum_share[d]
    for code in range(1, row.size):
        if u < row[code] and t.domain[code] == d:
            return code
    last = 0  # rounding: the domain's last provision
    for code in range(1, row.size):
        if t.domain[code] == d:
            last = code
    return last


@inline
def term(t, code, u):
    """Weeks until a provision's delivery, review or end: uniform between its min and max."""
    span = t.weeks_max[code] - t.weeks_min[code] + 1
    return t.weeks_min[code] + min(int(u * span), span - 1)


def draw(t: ProvisionTable, domains: np.ndarray, rng: np.random.Generator
         ) -> tuple[np.ndarray, np.ndarray]:
    """Provisions for grants in ``domains`` and their terms in weeks (two uniforms each)."""
    return pick_many(t, domains.astype(np.int64), rng.random((2, domains.size)))


@kernel
def pick_many(t, domains, u):
    """:func:`pick` and :func:`term` for each of ``domains`` (uniforms ``u[0]``, ``u[1]``)."""
    codes = np.empty(domains.size, np.int8)
    weeks = np.empty(domains.size, np.int64)
    for i in range(domains.size):
        code = pick(t, domains[i], u[0, i])
        codes[i] = code
        weeks[i] = term(t, code, u[1, i])
    return codes, weeks
