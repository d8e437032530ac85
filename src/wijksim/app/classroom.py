"""Class exercise mode: the one piece of state that browser sessions share.

What NetLogo's HubNet gives a lecturer, the web way. The lecturer opens a *class session* for a
wijk and seed (:meth:`ClassRegistry.open`); groups join it with its code from their own browsers
(:meth:`ClassRegistry.join`), set their own levers on that same wijk and seed, and publish their
results (:meth:`ClassRegistry.publish`); the lecturer's page reads every group's results
(:meth:`ClassRegistry.view`) and shows them side by side.

Everything sessions share lives in :data:`REGISTRY`, a :class:`ClassRegistry`: in-process, guarded
by one lock, holding only plain copies (no models, no widgets), so no session ever touches
another's objects. The rest of the app keeps all state per session.

Access. A class session's code is random (six letters and digits) unless the app was started
with ``--join-code CODE`` (env :data:`JOIN_CODE_ENV`), which is then the code of the class the
lecturer opens. A wrong code is refused (and each refusal waits a moment, so codes cannot be
tried quickly). Only the lecturer, who holds the token :meth:`ClassRegistry.open` returned, sees
all groups; a group holds its own member token and can only publish its own results. Who may open
a class at all (the computer the app runs on) and who may reach the app at all (other computers
only with the join code) is decided in :mod:`wijksim.app.page` and :mod:`wijksim.app.access`.
"""

from __future__ import annotations

import hmac
import math
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from wijksim.app.session import Levers, Settings, Simulation

#: Environment variable through which ``wijksim app --join-code`` reaches the server process.
JOIN_CODE_ENV = "WIJKSIM_JOIN_CODE"
#: Letters of generated codes (no 0/O, 1/I/L: read aloud and typed from a projector).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
#: What ``--join-code`` accepts.
JOIN_CODE_PATTERN = re.compile(r"[A-Za-z0-9-]{4,32}")
GROUP_NAME_MAX = 24
MAX_GROUPS = 40
#: Seconds a refused code waits before the answer (slows down guessing).
REFUSAL_DELAY = 0.5
#: KPIs of the lecturer's table, and which of them the chart can show.
TABLE_KPIS: tuple[str, ...] = ("escalations_per_1000", "time_to_help_weeks", "waiting_list",
                               "workload", "unmet_need", "cost_gemeente")
CHART_KPIS: tuple[str, ...] = ("waiting_list", "escalations_per_1000", "workload",
                               "cost_gemeente")
SMOOTH_WEEKS = 4


class ClassError(ValueError):
    """A class action refused; ``key`` and ``values`` name the message (i18n ``class.*``)."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def normalise_code(code: str) -> str:
    """A code as typed, the way it is compared: trimmed, upper case."""
    return (code or "").strip().upper()


def configured_join_code() -> str | None:
    """The join code the app was started with (``--join-code``), or None."""
    code = os.environ.get(JOIN_CODE_ENV, "").strip()
    return normalise_code(code) if code else None


@dataclass(frozen=True)
class GroupResult:
    """What a group publishes: its levers, how far it ran, its KPI means and chart series."""

    levers: Levers
    week: int
    horizon: int
    means: dict[str, float]  # each TABLE_KPIS over the reported weeks so far
    series: dict[str, tuple[tuple[float, ...], tuple[float, ...]]]  # kpi -> (weeks, values)


@dataclass
class _Group:
    name: str
    token: str
    result: GroupResult | None = None
    joined: float = field(default_factory=time.monotonic)


@dataclass
class _Class:
    code: str
    settings: Settings
    lecturer: str
    groups: dict[str, _Group] = field(default_factory=dict)
    version: int = 0


@dataclass(frozen=True)
class ClassView:
    """A copy of a class for the lecturer's page: settings, version, groups' results."""

    code: str
    settings: Settings
    version: int
    groups: tuple[tuple[str, GroupResult | None], ...]  # in the order they joined


@dataclass(frozen=True)
class Membership:
    """A session's place in a class: the class's code and settings, its group and token."""

    code: str
    group: str
    token: str
    settings: Settings


class ClassRegistry:
    """The class sessions open in this process (thread-safe; see the module docstring)."""

    def __init__(self, join_code: str | None = None, refusal_delay: float = REFUSAL_DELAY,
                 max_groups: int = MAX_GROUPS) -> None:
        self._lock = threading.Lock()
        self._classes: dict[str, _Class] = {}
        self.join_code = join_code
        self.refusal_delay = refusal_delay
        self.max_groups = max_groups

    # -- lecturer

    def open(self, settings: Settings) -> tuple[str, str]:
        """Open a class for ``settings`` (preset, seed, size, starting levers).

        Returns ``(code, lecturer token)``. The code is the join code when the app has one (a
        class already open under it is replaced: the lecturer opens it again), else random.
        """
        token = secrets.token_urlsafe(16)
        with self._lock:
            code = self.join_code or self._new_code()
            self._classes[code] = _Class(code, settings, token)
        return code, token

    def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self._classes:
                return code

    def view(self, code: str, lecturer: str) -> ClassView:
        """The class as the lecturer's page shows it (raises ClassError without the token)."""
        with self._lock:
            cls = self._find(code)
            if cls is None or not hmac.compare_digest(cls.lecturer, lecturer):
                raise ClassError("class.wrong_code")
            groups = tuple((g.name, g.result) for g in cls.groups.values())
            return ClassView(cls.code, cls.settings, cls.version, groups)

    def version(self, code: str) -> int:
        """A number that changes whenever the class does (-1 once it is closed)."""
        with self._lock:
            cls = self._find(code)
            return cls.version if cls is not None else -1

    def close(self, code: str, lecturer: str) -> None:
        """Close the class (its groups see that it was closed)."""
        with self._lock:
            cls = self._find(code)
            if cls is not None and hmac.compare_digest(cls.lecturer, lecturer):
                del self._classes[cls.code]

    # -- groups

    def join(self, code: str, group: str) -> Membership:
        """Join the class ``code`` as ``group``; raises ClassError (a wrong code after a delay).

        A group name already in the class is taken over (a group that reloaded its page); its
        old session can no longer publish.
        """
        name = " ".join((group or "").split())
        with self._lock:
            cls = self._find(code)
        if cls is None:
            time.sleep(self.refusal_delay)
            if self.join_code and hmac.compare_digest(normalise_code(code), self.join_code):
                raise ClassError("class.not_open")
            raise ClassError("class.wrong_code")
        if not 1 <= len(name) <= GROUP_NAME_MAX:
            raise ClassError("class.need_name")
        token = secrets.token_urlsafe(16)
        with self._lock:
            cls = self._find(code)
            if cls is None:
                raise ClassError("class.closed")
            if name not in cls.groups and len(cls.groups) >= self.max_groups:
                raise ClassError("class.full", n=self.max_groups)
            cls.groups[name] = _Group(name, token)
            cls.version += 1
            return Membership(cls.code, name, token, cls.settings)

    def publish(self, member: Membership, result: GroupResult) -> bool:
        """Record the group's latest results.

        False when the class is closed or the group's place was taken over (then the session
        should leave).
        """
        with self._lock:
            cls = self._find(member.code)
            group = cls.groups.get(member.group) if cls is not None else None
            if group is None or not hmac.compare_digest(group.token, member.token):
                return False
            group.result = result
            cls.version += 1
            return True

    def leave(self, member: Membership) -> None:
        """Take the group out of the class."""
        with self._lock:
            cls = self._find(member.code)
            group = cls.groups.get(member.group) if cls is not None else None
            if group is not None and hmac.compare_digest(group.token, member.token):
                del cls.groups[member.group]
                cls.version += 1

    def is_member(self, member: Membership) -> bool:
        """Whether ``member`` still holds its place (the class open, not taken over)."""
        with self._lock:
            cls = self._find(member.code)
            group = cls.groups.get(member.group) if cls is not None else None
            return group is not None and hmac.compare_digest(group.token, member.token)

    def _find(self, code: str) -> _Class | None:
        """The class with ``code`` (compared in constant time), under the lock."""
        wanted = normalise_code(code)
        found = None
        for key, cls in self._classes.items():
            if hmac.compare_digest(key.encode(), wanted.encode()):
                found = cls
        return found


#: The app's one registry (see the module docstring); its join code is the app's.
REGISTRY = ClassRegistry(configured_join_code())


def group_result(sim: Simulation) -> GroupResult | None:
    """A session's run as a group publishes it (None before a model is built)."""
    with sim.lock:
        if sim.model is None or sim.settings is None:
            return None
        rows = [r for r in sim.history if r["week"] >= 1]
        levers = sim.settings.levers
        week, horizon = sim.week, sim.horizon
    means = {}
    for kpi in TABLE_KPIS:
        values = [r[kpi] for r in rows if kpi in r and not math.isnan(r[kpi])]
        means[kpi] = math.fsum(values) / len(values) if values else math.nan
    series = {}
    weeks = tuple(r["week"] for r in rows)
    for kpi in CHART_KPIS:
        raw = [r.get(kpi, math.nan) for r in rows]
        smoothed = []
        for i in range(len(raw)):
            window = [v for v in raw[max(i - SMOOTH_WEEKS + 1, 0):i + 1] if not math.isnan(v)]
            smoothed.append(math.fsum(window) / len(window) if window else math.nan)
        series[kpi] = (weeks, tuple(smoothed))
    return GroupResult(levers, week, horizon, means, series)
