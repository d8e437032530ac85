"""The social network built at set-up."""

import numpy as np
from helpers import make

from wijksim.build.social_network import build_network, degrees
from wijksim.codes import FAMILY, SINGLE_ELDERLY


def test_network_is_symmetric_without_self_ties_and_mostly_local():
    model = make(3000, wijken=3)
    net = model.net
    assert (net != net.T).nnz == 0
    assert net.diagonal().sum() == 0
    assert net.data.min() > 0 and net.data.max() <= 1.0
    coo = net.tocoo()
    same = model.hh.wijk[coo.row] == model.hh.wijk[coo.col]
    assert same.mean() > 0.7
    d = degrees(net)
    by_type = [d[model.hh.htype == k].mean() for k in range(4)]
    assert by_type[SINGLE_ELDERLY] < by_type[FAMILY]  # thin networks for the single elderly


def test_network_strength_zero_gives_thin_network():
    model = make(2000)
    thin = make(2000, network_strength=0.0)
    assert thin.net.nnz < 0.2 * model.net.nnz
    assert thin.hh.care_capacity.sum() == 0


def test_build_network_is_reproducible():
    model = make(500)
    strength = np.ones(1, dtype=np.float32)
    a = build_network(model.hh, strength, model.cfg, np.random.default_rng(9))
    b = build_network(model.hh, strength, model.cfg, np.random.default_rng(9))
    assert (a != b).nnz == 0


