"""Random streams per submodel and paired replicate seeds."""

import pytest

from wijksim.streams import Streams, replicate_seeds


def test_streams_are_per_submodel_and_reproducible():
    a, b = Streams(42), Streams(42)
    assert a.life_events.random() == b.life_events.random()
    c, d = Streams(42), Streams(42)
    c.signals.random(1000)  # using one stream does not shift another
    assert c.life_events.random() == d.life_events.random()
    assert Streams(42).escalation.random() != Streams(43).escalation.random()
    assert Streams(42).escalation.random() != Streams(42).casework.random()


def test_replicate_seeds():
    seeds = replicate_seeds(7, 4)
    assert seeds[0] == 7
    assert len(set(seeds)) == 4
    assert replicate_seeds(7, 4) == seeds
    assert replicate_seeds(7, 1) == [7]
    with pytest.raises(ValueError):
        replicate_seeds(7, 0)


