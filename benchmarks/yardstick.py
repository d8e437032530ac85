"""A yardstick: an idiomatic Mesa model written the usual way (an object per agent).

Boltzmann wealth exchange on a network: each step every agent, in random order, gives one unit
of wealth to a random neighbour if it has any. This is how most Mesa models are written; its
agent-steps per second put wijksim's household-weeks per second in perspective.
"""

from __future__ import annotations

import time

import mesa
import networkx as nx


class WealthAgent(mesa.Agent):
    """An agent with some wealth and a few neighbours."""

    def __init__(self, model: BoltzmannNetwork) -> None:
        super().__init__(model)
        self.wealth = 1
        self.neighbours: list[WealthAgent] = []

    def step(self) -> None:
        """Give one unit to a random neighbour."""
        if self.wealth > 0 and self.neighbours:
            other = self.random.choice(self.neighbours)
            other.wealth += 1
            self.wealth -= 1


class BoltzmannNetwork(mesa.Model):
    """Boltzmann wealth model on a random network, one Python object per agent."""

    def __init__(self, n: int = 10_000, degree: int = 6, rng: int = 1) -> None:
        super().__init__(rng=rng)
        graph = nx.fast_gnp_random_graph(n, degree / n, seed=rng)
        agents = [WealthAgent(self) for _ in range(n)]
        for a, b in graph.edges():
            agents[a].neighbours.append(agents[b])
            agents[b].neighbours.append(agents[a])

    def step(self) -> None:
        """Every agent acts once, in random order."""
        self.agents.shuffle_do("step")


def agent_steps_per_second(n: int = 10_000, steps: int = 50) -> float:
    """Agent-steps per second of the yardstick (set-up not counted)."""
    model = BoltzmannNetwork(n)
    start = time.perf_counter()
    for _ in range(steps):
        model.step()
    return n * steps / (time.perf_counter() - start)


if __name__ == "__main__":
    print(f"{agent_steps_per_second():,.0f} agent-steps per second")
