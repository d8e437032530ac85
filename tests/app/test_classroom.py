"""Class exercise mode without a browser: the shared registry, the access gate in front of the
server, the `wijksim app` options for serving other computers, and what a group publishes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")

from helpers import ROOT  # noqa: E402

from wijksim.app import launch  # noqa: E402
from wijksim.app.access import CLIENT_HEADER, COOKIE, JoinGate  # noqa: E402
from wijksim.app.classroom import (  # noqa: E402
    TABLE_KPIS,
    ClassError,
    ClassRegistry,
    group_result,
)
from wijksim.app.session import Simulation, settings_for_preset  # noqa: E402

CONFIGS = ROOT / "configs"
WIJKSIM = str(Path(sys.executable).parent / "wijksim")


@pytest.fixture()
def registry() -> ClassRegistry:
    return ClassRegistry(refusal_delay=0.0)


@pytest.fixture(scope="module")
def settings():
    return settings_for_preset("teaching", folder=CONFIGS)


def test_groups_join_with_the_code_and_only_the_lecturer_sees_them(registry, settings):
    code, lecturer = registry.open(settings)
    assert len(code) == 6 and code.isalnum()
    a = registry.join(code.lower(), "  Groep   A ")  # codes as typed: case and spaces
    b = registry.join(code, "B")
    assert a.group == "Groep A" and a.settings == settings == b.settings
    view = registry.view(code, lecturer)
    assert [name for name, _ in view.groups] == ["Groep A", "B"]
    with pytest.raises(ClassError) as refused:
        registry.view(code, a.token)  # a group's token is not the lecturer's
    assert refused.value.key == "class.wrong_code"
    other_code, _ = registry.open(settings)
    assert other_code != code


def test_a_wrong_code_or_a_bad_name_is_refused(registry, settings):
    code, _ = registry.open(settings)
    wrong = "X" + code[1:] if code[0] != "X" else "Y" + code[1:]
    for bad_code, name, key in ((wrong, "A", "class.wrong_code"), ("", "A", "class.wrong_code"),
                                (code, "   ", "class.need_name"), (code, "x" * 25,
                                                                   "class.need_name")):
        with pytest.raises(ClassError) as refused:
            registry.join(bad_code, name)
        assert refused.value.key == key
    full = ClassRegistry(refusal_delay=0.0, max_groups=2)
    code, _ = full.open(settings)
    full.join(code, "1")
    full.join(code, "2")
    with pytest.raises(ClassError, match="class.full"):
        full.join(code, "3")
    full.join(code, "2")  # taking over a place is not a new group


def test_a_refused_code_waits_before_answering(settings):
    slow = ClassRegistry(refusal_delay=0.2)
    slow.open(settings)
    t = time.monotonic()
    with pytest.raises(ClassError):
        slow.join("NOPE42", "A")
    assert time.monotonic() - t >= 0.2


def test_the_join_code_is_the_class_code_and_reopening_replaces_the_class(settings):
    registry = ClassRegistry(join_code="KLAS-7", refusal_delay=0.0)
    with pytest.raises(ClassError) as early:
        registry.join("klas-7", "A")
    assert early.value.key == "class.not_open"  # the right code, but nothing opened yet
    code, first = registry.open(settings)
    assert code == "KLAS-7"
    member = registry.join("klas-7", "A")
    code, second = registry.open(replace(settings, seed=2))
    with pytest.raises(ClassError):
        registry.view(code, first)  # the old lecturer token is gone with the old class
    assert registry.view(code, second).settings.seed == 2
    assert not registry.is_member(member)


def test_publishing_needs_the_groups_own_token_and_stops_when_taken_over(registry, settings):
    code, lecturer = registry.open(settings)
    sim = Simulation(folder=CONFIGS)
    sim.reset(settings)
    sim.step(3)
    result = group_result(sim)
    assert result is not None and result.week == 3 and set(result.means) == set(TABLE_KPIS)
    assert all(len(w) == len(v) == 3 for w, v in result.series.values())
    member = registry.join(code, "A")
    before = registry.version(code)
    assert registry.publish(member, result)
    assert registry.version(code) > before
    assert dict(registry.view(code, lecturer).groups)["A"] == result
    again = registry.join(code, "A")  # the group reloaded its page
    assert not registry.publish(member, result) and registry.publish(again, result)
    registry.leave(member)  # the old place cannot leave on behalf of the new one
    assert registry.is_member(again)
    registry.leave(again)
    assert registry.view(code, lecturer).groups == ()
    registry.close(code, lecturer)
    assert registry.version(code) == -1 and not registry.publish(again, result)


def test_the_registry_is_safe_with_many_sessions_at_once(registry, settings):
    code, lecturer = registry.open(settings)
    errors: list[BaseException] = []

    def group(i: int) -> None:
        try:
            for _ in range(50):
                member = registry.join(code, f"g{i}")
                registry.view(code, lecturer)
                registry.leave(member)
            registry.join(code, f"g{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=group, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(name for name, _ in registry.view(code, lecturer).groups) == sorted(
        f"g{i}" for i in range(16))


# --------------------------------------------------------------------------- the access gate


def call_gate(gate: JoinGate, client: tuple[str, int] | None, query: str = "",
              cookie: str | None = None, kind: str = "http",
              forged: bool = False) -> tuple[list[dict], dict | None]:
    """One request through the gate: what it sent back, and the scope the app got (or None)."""
    seen: dict = {}

    async def app(scope, receive, send):
        seen["scope"] = scope
        if kind == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"page"})

    gate.app = app
    headers = [(b"host", b"example")]
    if cookie is not None:
        headers.append((b"cookie", f"other=1; {cookie}".encode()))
    if forged:
        headers.append((CLIENT_HEADER.encode(), b"local"))
    scope = {"type": kind, "path": "/", "query_string": query.encode(), "headers": headers,
             "client": client, "root_path": ""}
    sent: list[dict] = []

    async def receive():
        return {"type": "websocket.connect"} if kind == "websocket" else {"type": "http.request"}

    async def send(message):
        sent.append(message)

    asyncio.run(gate(scope, receive, send))
    return sent, seen.get("scope")


def header(scope: dict, name: str) -> list[str]:
    return [v.decode() for k, v in scope["headers"] if k.decode().lower() == name]


def test_the_gate_lets_this_computer_in_and_others_only_with_the_code():
    gate = JoinGate(None, join_code="klas-7")
    remote = ("192.0.2.10", 50000)  # a documentation address: never contacted, only a label
    sent, scope = call_gate(gate, ("127.0.0.1", 40000))
    assert scope is not None and header(scope, CLIENT_HEADER) == ["local"]
    for query in ("", "class=WRONG", "code=KLAS-8"):
        sent, scope = call_gate(gate, remote, query)
        assert scope is None and sent[0]["status"] == 403, query
        assert "klascode" in sent[1]["body"].decode().lower()
    sent, scope = call_gate(gate, remote, "class=wrong")
    assert "verkeerde code" in sent[1]["body"].decode()
    sent, scope = call_gate(gate, remote, "class=Klas-7", forged=True)
    assert scope is not None and header(scope, CLIENT_HEADER) == ["remote"]  # forged one dropped
    cookies = [v.decode() for k, v in sent[0]["headers"] if k == b"set-cookie"]
    assert len(cookies) == 1 and cookies[0].startswith(f"{COOKIE}=") and "HttpOnly" in cookies[0]
    token = cookies[0].split(";")[0].split("=", 1)[1]
    assert "KLAS" not in token.upper()  # the cookie never holds the code
    _, scope = call_gate(gate, remote, cookie=f"{COOKIE}={token}")
    assert scope is not None
    _, scope = call_gate(gate, remote, cookie=f"{COOKIE}=guess")
    assert scope is None
    sent, scope = call_gate(gate, remote, kind="websocket")
    assert scope is None and sent == [{"type": "websocket.close", "code": 1008}]
    _, scope = call_gate(gate, remote, cookie=f"{COOKIE}={token}", kind="websocket")
    assert scope is not None


def test_without_a_join_code_other_computers_are_refused():
    gate = JoinGate(None, join_code=None)
    sent, scope = call_gate(gate, ("198.51.100.7", 1234), "class=ANYTHING")
    assert scope is None and sent[0]["status"] == 403
    _, scope = call_gate(gate, ("::1", 1234))
    assert scope is not None


# --------------------------------------------------------------------------- wijksim app options


def run_app(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([WIJKSIM, "app", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false"})


@pytest.mark.parametrize(("args", "field"), [
    (["--host", "0.0.0.0"], "--host"),
    (["--join-code", "ab"], "--join-code"),
    (["--join-code", "no spaces"], "--join-code"),
    (["--host", "0.0.0.0", "--join-code", "x" * 40], "--join-code"),
])
def test_serving_other_computers_needs_a_valid_join_code(args: list[str], field: str):
    result = run_app(*args, "--port", "1")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: app: {field}:"), result.stderr
    assert "Traceback" not in result.stderr


def test_join_code_checks_and_the_server_command():
    assert launch.check_join_code("klas-7", "127.0.0.1", "127.0.0.1") == "KLAS-7"
    assert launch.check_join_code(None, "127.0.0.1", "127.0.0.1") is None
    assert launch.check_join_code("KLAS7", "0.0.0.0", "0.0.0.0") == "KLAS7"
    with pytest.raises(launch.AppError, match="--join-code"):
        launch.check_join_code(None, "0.0.0.0", "0.0.0.0")
    cmd = launch.server_command("0.0.0.0", 8765)
    assert cmd[:3] == [sys.executable, "-m", "wijksim.app.access"]
    assert launch.join_addresses("192.0.2.1") == ["192.0.2.1"]
    assert all("0.0.0.0" not in a for a in launch.join_addresses("0.0.0.0"))
