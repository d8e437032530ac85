"""Random streams: one ``numpy.random.Generator`` per submodel, derived from the run's seed.

Every random decision in wijksim draws from the stream of the submodel that makes it. The
streams are children of one ``SeedSequence``, so two scenarios run with the same seed see the
same draws in the same submodels (common random numbers), which makes paired comparisons far
less noisy than unpaired ones. No global ``random`` or ``np.random`` state is used.
"""

from __future__ import annotations

import numpy as np

#: Submodels with their own stream, in a fixed order (appending keeps older streams unchanged).
STREAMS: tuple[str, ...] = (
    "population",
    "network",
    "life_events",
    "informal_support",
    "escalation",
    "signals",
    "intake",
    "casework",
    "workforce",
    "mobility",
    "policy",  # last: earlier streams keep their seeds (SeedSequence children by position)
)


class Streams:
    """Named generators spawned from one seed."""

    def __init__(self, seed: int | np.random.SeedSequence) -> None:
        seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        self.seed_sequence = seq
        for name, child in zip(STREAMS, seq.spawn(len(STREAMS)), strict=True):
            setattr(self, name, np.random.Generator(np.random.PCG64(child)))

    def __getitem__(self, name: str) -> np.random.Generator:
        return getattr(self, name)

    def items(self) -> list[tuple[str, np.random.Generator]]:
        """Each stream with its name, in the order of :data:`STREAMS`."""
        return [(name, getattr(self, name)) for name in STREAMS]


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Seeds of ``replicates`` paired runs derived from one seed (the first is ``seed`` itself)."""
    if replicates < 1:
        raise ValueError("replicates must be at least 1")
    extra = np.random.SeedSequence(seed).generate_state(max(replicates - 1, 1), dtype=np.uint32)
    return [int(seed)] + [int(s) for s in extra[: replicates - 1]]
