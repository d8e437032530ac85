"""The network view: a sample of households of one wijk, their ties, workers and partners.

The sample (about 200 households) is drawn by snowball from a few random households of the wijk,
so that ties between sampled households show. Its layout is computed once per model, with a
spring layout on the small sample only (never on the whole wijk), and cached in the session's
:class:`~wijksim.app.session.Simulation`. Each redraw only recolours: fill by the household's most
severe need, ring by its status with the wijkteam; workers (squares, below) are linked to the
sampled households in their caseload, partners (triangles, above) are filled when engaged.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import networkx as nx
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from wijksim.app.drawing import drawn_outside_session
from wijksim.app.i18n import tr
from wijksim.build.social_network import to_networkx
from wijksim.codes import PARTNER_KINDS, STATUSES

SAMPLE_SIZE = 200
CLUSTER_SIZE = 25
NEED_COLOURS = ("#e0e0e0", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000")
STATUS_RINGS = {  # status index: (ring colour, width); unknown and closed have a thin grey ring
    0: ("#bdbdbd", 0.4),
    1: ("#00acc1", 1.4),
    2: ("#8e24aa", 1.8),
    3: ("#1565c0", 1.8),
    4: ("#43a047", 1.0),
}


@dataclass(frozen=True)
class NetworkSample:
    """Sampled households (model rows), their ties (pairs of sample indices) and positions."""

    wijk: int
    rows: np.ndarray
    edges: np.ndarray  # (k, 2) indices into rows
    weights: np.ndarray  # (k,)
    pos: np.ndarray  # (n, 2) in [-1, 1]


def sample_rows(net, wijk_of_row: np.ndarray, wijk: int, size: int,
                rng: np.random.Generator) -> np.ndarray:
    """About ``size`` households of ``wijk``: breadth-first clusters around random starts."""
    members = np.flatnonzero(wijk_of_row == wijk)
    if members.size <= size:
        return members
    in_wijk = np.zeros(wijk_of_row.size, dtype=bool)
    in_wijk[members] = True
    chosen: list[int] = []
    seen = np.zeros(wijk_of_row.size, dtype=bool)
    order = rng.permutation(members)
    next_start = 0
    while len(chosen) < size and next_start < order.size:
        start = int(order[next_start])
        next_start += 1
        if seen[start]:
            continue
        queue, cluster = deque([start]), 0
        seen[start] = True
        while queue and cluster < CLUSTER_SIZE and len(chosen) < size:
            r = queue.popleft()
            chosen.append(r)
            cluster += 1
            nbrs = net.indices[net.indptr[r]:net.indptr[r + 1]]
            nbrs = nbrs[in_wijk[nbrs] & ~seen[nbrs]]
            rng.shuffle(nbrs)
            seen[nbrs] = True
            queue.extend(int(x) for x in nbrs)
    return np.sort(np.asarray(chosen, dtype=np.int64))


def build_sample(model, wijk: int = 0, size: int = SAMPLE_SIZE, seed: int = 0) -> NetworkSample:
    """Sample households of ``wijk`` and lay their ties out (once per model)."""
    rng = np.random.default_rng(seed)
    rows = sample_rows(model.net, model.hh.wijk, wijk, size, rng)
    graph = to_networkx(model.net, rows)
    index = {int(r): i for i, r in enumerate(rows)}
    pairs = [(index[u], index[v], d["weight"]) for u, v, d in graph.edges(data=True)]
    edges = np.array([(a, b) for a, b, _ in pairs], dtype=np.int64).reshape(-1, 2)
    weights = np.array([w for _, _, w in pairs], dtype=float)
    if rows.size:
        layout = nx.spring_layout(graph, seed=seed, iterations=60, k=1.6 / np.sqrt(rows.size))
        pos = np.array([layout[int(r)] for r in rows], dtype=float)
        span = np.abs(pos).max() or 1.0
        pos = pos / span
    else:
        pos = np.zeros((0, 2))
    return NetworkSample(wijk=wijk, rows=rows, edges=edges, weights=weights, pos=pos)


def cached_sample(sim, wijk: int = 0) -> NetworkSample | None:
    """The session's sample of ``wijk`` for its current model, built on first use."""
    model = sim.model
    if model is None:
        return None
    wijk = wijk if 0 <= wijk < model.n_wijken else 0
    key = (id(model), wijk)
    sample = sim.network_cache.get(key)
    if sample is None:
        sample = build_sample(model, wijk=wijk,
                              seed=int(sim.settings.seed) if sim.settings else 0)
        sim.network_cache.clear()
        sim.network_cache[key] = sample
    return sample


def _spread(n: int, y: float, width: float = 1.9) -> np.ndarray:
    """``n`` points evenly along a horizontal line at height ``y``."""
    if n == 0:
        return np.zeros((0, 2))
    xs = np.linspace(-width / 2, width / 2, n) if n > 1 else np.zeros(1)
    return np.column_stack([xs, np.full(n, y)])


@dataclass(frozen=True)
class NetworkState:
    """What the drawing needs, copied from the model (so drawing can run outside its lock)."""

    worst_need: np.ndarray  # per sampled household, 0-4
    status: np.ndarray  # per sampled household
    links: np.ndarray  # (k, 2): sampled household index, worker index (into the worker arrays)
    worker_active: np.ndarray  # per worker position of the wijk
    worker_load: np.ndarray
    partner_kind: np.ndarray  # per partner of the wijk
    partner_engaged: np.ndarray
    partner_relation: np.ndarray


def snapshot(model, sample: NetworkSample) -> NetworkState:
    """Copy the current state of the sampled households, the wijk's workers and partners."""
    hh, team, partners = model.hh, model.team, model.partners
    rows = sample.rows
    slots = np.flatnonzero((team.wijk == sample.wijk) & team.position)
    links = np.zeros((0, 2), dtype=np.int64)
    if slots.size and rows.size:
        lookup = np.full(team.n, -1, dtype=np.int64)
        lookup[slots] = np.arange(slots.size)
        cw = hh.case_worker[rows]
        i, j = np.nonzero((cw >= 0) & (cw < team.n))
        k = lookup[cw[i, j]]
        pairs = np.column_stack([i[k >= 0], k[k >= 0]])
        links = np.unique(pairs, axis=0) if pairs.size else links
    prow = np.flatnonzero(partners.wijk == sample.wijk)
    return NetworkState(
        worst_need=hh.need[rows].max(axis=1).clip(0, 4).astype(int) if rows.size
        else np.zeros(0, dtype=int),
        status=hh.status[rows].astype(int),
        links=links,
        worker_active=team.filled[slots] & (team.leave_until[slots] <= model.week),
        worker_load=np.clip(team.workload[slots], 0, 2) / 2,
        partner_kind=partners.kind[prow].astype(int),
        partner_engaged=partners.engaged[prow].copy(),
        partner_relation=np.clip(partners.relation[prow], 0, 1).astype(float),
    )


@drawn_outside_session
def network_figure(state: NetworkState, sample: NetworkSample, lang: str) -> Figure:
    """Draw the sample with its needs and statuses, workers and partners."""
    fig = Figure(figsize=(5.6, 6.0), dpi=96)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.01, right=0.99, top=0.95, bottom=0.15)
    ax.set_axis_off()
    ax.set_xlim(-1.15, 1.15)
    ax.set_ylim(-1.45, 1.42)
    ax.set_title(tr(lang, "network.title", n=sample.rows.size, wijk=sample.wijk + 1),
                 fontsize=10, loc="left")
    pos = sample.pos

    if sample.edges.size:
        segs = pos[sample.edges]
        ax.add_collection(LineCollection(segs, colors="#9e9e9e", linewidths=0.3 + sample.weights,
                                         alpha=0.55, zorder=1))

    # workers of the wijk, below; a line to each sampled household in their caseload
    n_workers = state.worker_active.size
    wpos = _spread(n_workers, -1.3)
    if state.links.size:
        segs = np.stack([pos[state.links[:, 0]], wpos[state.links[:, 1]]], axis=1)
        ax.add_collection(LineCollection(segs, colors="#1565c0", linewidths=0.5, alpha=0.35,
                                         zorder=1))
    if n_workers:
        face = np.where(state.worker_active[:, None], _load_colour(state.worker_load),
                        [[1.0, 1.0, 1.0, 1.0]])
        ax.scatter(wpos[:, 0], wpos[:, 1], marker="s", s=70, c=face, edgecolors="#1565c0",
                   linewidths=1.2, zorder=3)

    # partners of the wijk, above (filled when engaged, the stronger the relation the darker)
    ppos = _spread(state.partner_kind.size, 1.27, width=1.8)
    for i, (x, y) in enumerate(ppos):
        rel = float(state.partner_relation[i])
        ax.scatter([x], [y], marker="^", s=90, zorder=3,
                   c=[(0.18, 0.49, 0.20, 0.35 + 0.65 * rel)] if state.partner_engaged[i]
                   else [(1.0, 1.0, 1.0, 1.0)],
                   edgecolors="#2e7d32", linewidths=1.2)
        ax.text(x, y + (0.08 if i % 2 == 0 else -0.15),
                tr(lang, f"partner.{PARTNER_KINDS[state.partner_kind[i]]}"),
                ha="center", va="bottom", fontsize=6.5, color="#2e7d32")

    # households: fill by most severe need, ring by status
    if sample.rows.size:
        face = [NEED_COLOURS[s] for s in state.worst_need]
        ring = [STATUS_RINGS.get(s, STATUS_RINGS[0]) for s in state.status]
        ax.scatter(pos[:, 0], pos[:, 1], s=34, c=face, edgecolors=[r[0] for r in ring],
                   linewidths=[r[1] for r in ring], zorder=2)

    need_handles = [Patch(facecolor=c, edgecolor="#999999", label=tr(lang, f"need.{i}"))
                    for i, c in enumerate(NEED_COLOURS)]
    ring_handles = [Line2D([], [], marker="o", ls="", markerfacecolor="white", markersize=6,
                           markeredgecolor=colour, markeredgewidth=max(width, 1.0),
                           label=tr(lang, f"status.{STATUSES[s]}"))
                    for s, (colour, width) in STATUS_RINGS.items()]
    extra = [
        Line2D([], [], marker="s", ls="", markerfacecolor="#90caf9", markeredgecolor="#1565c0",
               label=tr(lang, "network.workers")),
        Line2D([], [], marker="s", ls="", markerfacecolor="white", markeredgecolor="#1565c0",
               label=tr(lang, "network.vacant")),
        Line2D([], [], marker="^", ls="", markerfacecolor="#2e7d32", markeredgecolor="#2e7d32",
               label=tr(lang, "network.partners")),
    ]
    fig.legend(handles=need_handles + ring_handles + extra, loc="lower center",
               ncols=4, fontsize=6.5, frameon=False, handlelength=1.2, columnspacing=0.8)
    return fig


def _load_colour(load: np.ndarray) -> np.ndarray:
    """Worker fill from light blue (idle) to deep red (twice overloaded)."""
    low = np.array([0.56, 0.79, 0.98, 1.0])
    high = np.array([0.78, 0.16, 0.16, 1.0])
    return low + (high - low) * load[:, None]
