"""Mesa agents: views on rows of the state arrays.

Households are many and live in columns (:class:`wijksim.state.Households`); a
:class:`Resident` is a Mesa agent that reads one row, created on first access with
``model.resident(i)`` (one household) or ``model.residents`` (an ``AgentSet`` of all), so that
a city run does not pay for 200,000 agent objects unless someone asks for them. Workers and
partners are few: the model creates a :class:`Worker` per position and a :class:`Partner` per
partner at set-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from wijksim.codes import DOMAINS, HOUSEHOLD_TYPES, PARTNER_KINDS, STATUSES, SUPPORT_KINDS

if TYPE_CHECKING:
    from wijksim.model import WijkModel


class Resident(mesa.Agent):
    """One household (a row of ``model.hh``), with its state as readable properties."""

    def __init__(self, model: WijkModel, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def household_type(self) -> str:
        """Single elderly, single adult, couple or family."""
        return HOUSEHOLD_TYPES[self.model.hh.htype[self.row]]

    @property
    def needs(self) -> dict[str, int]:
        """Need stage (0 none .. 4 crisis) per life domain."""
        return dict(zip(DOMAINS, self.model.hh.need[self.row].tolist(), strict=True))

    @property
    def support(self) -> dict[str, str]:
        """Kind of support per life domain."""
        kinds = self.model.hh.support[self.row].tolist()
        return {d: SUPPORT_KINDS[k] for d, k in zip(DOMAINS, kinds, strict=True)}

    @property
    def status(self) -> str:
        """Support status: unknown, signalled, waiting, in_support or closed."""
        return STATUSES[self.model.hh.status[self.row]]

    @property
    def ties(self) -> list[int]:
        """Rows of the households this one has ties with."""
        net = self.model.net
        return net.indices[net.indptr[self.row] : net.indptr[self.row + 1]].tolist()

    def state(self) -> dict:
        """Everything the model holds about this household."""
        return {
            "row": self.row,
            "household_type": self.household_type,
            **self.model.hh.row(self.row),
        }

    def __repr__(self) -> str:
        return f"Resident(row={self.row}, {self.household_type}, {self.status}, {self.needs})"


class Worker(mesa.Agent):
    """A position in a wijkteam and the worker who fills it (if any)."""

    def __init__(self, model: WijkModel, slot: int) -> None:
        super().__init__(model)
        self.slot = slot

    @property
    def wijk(self) -> int:
        """Wijk of the team."""
        return int(self.model.team.wijk[self.slot])

    @property
    def domains(self) -> list[str]:
        """Domains the worker covers."""
        return [d for d, c in zip(DOMAINS, self.model.team.covers[self.slot], strict=True) if c]

    @property
    def filled(self) -> bool:
        """Whether a worker holds the position."""
        return bool(self.model.team.filled[self.slot] and self.model.team.position[self.slot])

    @property
    def on_leave(self) -> bool:
        """Whether the worker is on sick leave this week."""
        return bool(self.model.team.leave_until[self.slot] > self.model.week)

    @property
    def caseload(self) -> int:
        """Cases held."""
        return int(self.model.team.caseload[self.slot])

    @property
    def workload(self) -> float:
        """Moving average of hours asked over hours available."""
        return float(self.model.team.workload[self.slot])

    def __repr__(self) -> str:
        return (
            f"Worker(slot={self.slot}, wijk={self.wijk}, domains={self.domains}, "
            f"caseload={self.caseload}, workload={self.workload:.2f})"
        )


class Partner(mesa.Agent):
    """A partner of the sociale basis in one wijk."""

    def __init__(self, model: WijkModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def kind(self) -> str:
        """Supermarket, school, gp, community centre, residents' initiative or creditors."""
        return PARTNER_KINDS[self.model.partners.kind[self.index]]

    @property
    def wijk(self) -> int:
        """Wijk of the partner."""
        return int(self.model.partners.wijk[self.index])

    @property
    def relation(self) -> float:
        """Relation with the wijkteam, 0-1."""
        return float(self.model.partners.relation[self.index])

    @property
    def engaged(self) -> bool:
        """Engaged in early signalling."""
        return bool(self.model.partners.engaged[self.index])

    def __repr__(self) -> str:
        return f"Partner({self.kind}, wijk={self.wijk}, relation={self.relation:.2f})"
