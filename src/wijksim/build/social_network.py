"""The social network: ties between households, built once as a sparse matrix (CSR).

Each household proposes about half its desired number of ties; partners are picked in
proportion to their own desired degree (a Chung-Lu graph), mostly inside the own wijk. Ties
have a weight by kind (``population.tie_weights``: neighbour, friend, family). The result is a
symmetric ``scipy.sparse.csr_matrix`` of weights; weekly submodels only do matrix-vector
products on it.
A networkx view of a few households is available for display (:func:`to_networkx`).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp

from wijksim.config import Config
from wijksim.state import Households


def build_network(
    hh: Households, wijk_strength: np.ndarray, cfg: Config, rng: np.random.Generator
) -> sp.csr_matrix:
    """Draw the weighted tie matrix of all households (vectorised; no per-household Python)."""
    pop = cfg.population
    n = hh.n
    desired = np.asarray(pop.network_degree, dtype=np.float64)[hh.htype] * wijk_strength[hh.wijk]
    desired = np.maximum(desired, 0.05)
    stubs = rng.poisson(desired / 2.0)
    src = np.repeat(np.arange(n, dtype=np.int64), stubs)
    m = src.size
    if m == 0:
        return sp.csr_matrix((n, n), dtype=np.float32)

    cum = np.cumsum(desired)
    bounds = np.concatenate([[0], np.cumsum(np.bincount(hh.wijk, minlength=pop.wijken))])
    lo = np.where(bounds[:-1] > 0, cum[np.maximum(bounds[:-1] - 1, 0)], 0.0)
    lo[bounds[:-1] == 0] = 0.0
    hi = cum[bounds[1:] - 1]
    inside = rng.random(m) < pop.within_wijk_share
    w_src = hh.wijk[src]
    low = np.where(inside, lo[w_src], 0.0)
    high = np.where(inside, hi[w_src], cum[-1])
    u = low + rng.random(m) * (high - low)
    dst = np.minimum(np.searchsorted(cum, u, side="right"), n - 1)
    tie_weights = np.asarray(pop.tie_weights, dtype=np.float32)
    weight = tie_weights[rng.choice(3, size=m, p=np.asarray(pop.tie_shares))]

    keep = src != dst
    src, dst, weight = src[keep], dst[keep], weight[keep]
    rows = np.concatenate([src, dst])
    cols = np.concatenate([dst, src])
    vals = np.concatenate([weight, weight])
    mat = sp.coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsr()
    mat.sum_duplicates()
    np.minimum(mat.data, 1.0, out=mat.data)
    return mat.astype(np.float32)


def degrees(net: sp.csr_matrix) -> np.ndarray:
    """Number of ties per household."""
    return np.diff(net.indptr)


def to_networkx(net: sp.csr_matrix, rows: np.ndarray) -> nx.Graph:
    """A networkx graph of the ties among ``rows`` (for display; never used in a weekly step)."""
    rows = np.asarray(rows)
    sub = net[rows][:, rows].tocoo()
    graph = nx.Graph()
    graph.add_nodes_from(int(r) for r in rows)
    graph.add_weighted_edges_from(
        (int(rows[i]), int(rows[j]), float(w))
        for i, j, w in zip(sub.row, sub.col, sub.data, strict=True)
        if i < j
    )
    return graph
