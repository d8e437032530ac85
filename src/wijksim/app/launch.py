"""Start-up of ``wijksim app``: check host, port and front-end assets, then exec Solara.

Solara's page needs its front-end assets (Vue, Vuetify, fonts) from a local cache, filled at
set-up by ``scripts/install_solara_assets.py`` (``make setup``), so that the page makes no request
to any host but the server. Every problem found here is a :class:`~wijksim.errors.WijksimError`,
which the CLI prints as one line with exit code 2.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import re
import socket
import sys
from pathlib import Path

from wijksim.errors import WijksimError

#: Environment for the server: no usage telemetry (it would contact outside hosts).
SERVER_ENV = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false"}
#: Solara warns on every page load over plain http on 127.0.0.1 that it falls back to
#: samesite=lax cookies, which is right for a local app; keep the log readable.
QUIET_WARNINGS = "ignore:Cookies with samesite=none require https:UserWarning"
#: The module ``solara run`` serves.
PAGE_MODULE = "wijksim.app.page"
#: Written by scripts/install_solara_assets.py when a package is completely unpacked.
ASSET_MARKER = ".installed-from-npm"
LOOPBACK_NAMES = ("localhost",)


class AppError(WijksimError):
    """A problem that stops the app from starting."""


def _solara_file(relpath: str) -> str:
    import solara

    return (Path(solara.__file__).parent / relpath).read_text(encoding="utf-8")


def required_assets() -> list[str]:
    """The npm packages (``name@version``) the page loads through Solara's asset proxy."""
    import ipyvue
    import solara.server.settings as server_settings

    template = _solara_file("server/templates/solara.html.j2")
    bundle = ("@widgetti/solara-vuetify3-app" if ipyvue.__version__.startswith("3")
              else "@widgetti/solara-vuetify-app")
    specs = []
    for package in (bundle, "requirejs"):
        m = re.search(re.escape(package) + r"@(\d+\.\d+\.\d+(?:-[\w.]+)?)/", template)
        if m:
            specs.append(f"{package}@{m.group(1)}")
    if server_settings.assets.fontawesome_enabled:
        m = re.search(r"(font-awesome@\d+\.\d+\.\d+)", server_settings.assets.fontawesome_path)
        if m:
            specs.append(m.group(1))
    from wijksim.app.webchart import ECHARTS_PACKAGE

    specs.append(ECHARTS_PACKAGE)  # the charts, drawn in the browser
    return specs


def asset_cache_dir() -> Path:
    """Solara's local asset cache (``<venv>/share/solara/cdn`` unless configured otherwise)."""
    import solara.server.settings as server_settings

    return Path(server_settings.assets.proxy_cache_dir)


def missing_assets(cache: Path | None = None) -> list[str]:
    """Required asset packages that are not (completely) in the cache."""
    cache = cache or asset_cache_dir()
    return [spec for spec in required_assets() if not (cache / spec / ASSET_MARKER).exists()]


def check_host(host: str) -> tuple[socket.AddressFamily, str]:
    """Validate ``--host``: an IP address or a name that resolves on this machine."""
    text = host.strip()
    if not text:
        raise AppError("app", "--host", "is empty")
    try:
        ip = ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        ip = None
    if ip is not None:
        return (socket.AF_INET6 if ip.version == 6 else socket.AF_INET), str(ip)
    if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?", text):
        raise AppError("app", "--host", f"not an IP address or host name: {host!r}")
    try:
        info = socket.getaddrinfo(text, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise AppError("app", "--host", f"cannot resolve {host!r}") from None
    family, *_, sockaddr = info[0]
    return family, str(sockaddr[0])


def check_port(family: socket.AddressFamily, address: str, port: int, host: str) -> None:
    """Fail if ``port`` cannot be bound on ``address`` (in use, or not an address here)."""
    if not 1 <= port <= 65535:
        raise AppError("app", "--port", f"must be 1-65535 (got {port})")
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((address, port))
        except PermissionError:
            raise AppError("app", "--port", f"no permission to use port {port}") from None
        except OSError as exc:
            if exc.errno == errno.EADDRNOTAVAIL:
                raise AppError("app", "--host", f"{host} is not an address of this "
                               "machine") from None
            raise AppError("app", "--port", f"cannot listen on {host}:{port}: "
                           f"{exc.strerror or exc}") from None


def join_addresses(address: str) -> list[str]:
    """Addresses groups can type: ``address`` itself, or this computer's when it is a wildcard."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return [address]
    if not ip.is_unspecified:
        return [f"[{ip}]" if ip.version == 6 else str(ip)]
    found = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, type=socket.SOCK_STREAM):
            candidate = ipaddress.ip_address(info[4][0])
            if candidate.version == ip.version and not candidate.is_loopback:
                found.append(f"[{candidate}]" if candidate.version == 6 else str(candidate))
    except (OSError, ValueError):
        pass
    return sorted(set(found)) or [socket.gethostname()]


def is_loopback(address: str) -> bool:
    """Whether ``address`` (as resolved by :func:`check_host`) is a loopback address."""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return address in LOOPBACK_NAMES


def server_command(host: str, port: int) -> list[str]:
    """The command line that serves the page: ``solara run`` behind the access gate.

    (``python -m wijksim.app.access ...``, see :mod:`wijksim.app.access`.)
    """
    return [sys.executable, "-m", "wijksim.app.access", "--host", host, "--port", str(port)]


def check_join_code(code: str | None, address: str, host: str) -> str | None:
    """Validate ``--join-code`` against ``--host``; returns the code (upper case) or None.

    Serving other machines (a host that is not loopback) needs a join code: without it anyone
    on the network could use the app.
    """
    if code is not None:
        from wijksim.app.classroom import JOIN_CODE_PATTERN, normalise_code

        if not JOIN_CODE_PATTERN.fullmatch(code.strip()):
            raise AppError("app", "--join-code", "must be 4-32 letters, digits or dashes "
                           f"(got {code!r})")
        code = normalise_code(code)
    if code is None and not is_loopback(address):
        raise AppError("app", "--host", f"serving other machines ({host}) needs --join-code "
                       "CODE, the code groups give to join")
    return code


def serve(host: str = "127.0.0.1", port: int = 8765, join_code: str | None = None) -> None:
    """Check everything, then replace this process by the Solara server (never returns)."""
    os.environ.update(SERVER_ENV)  # before anything imports solara
    family, address = check_host(host)
    join_code = check_join_code(join_code, address, host)
    check_port(family, address, port, host)
    try:
        missing = missing_assets()
    except ImportError:
        raise AppError("app", "solara", "Solara is not installed; run 'make setup' "
                       "(or pip install -e '.[app]')") from None
    if missing:
        raise AppError("app", "assets", f"Solara's front-end assets are not installed "
                       f"({', '.join(missing)}); run 'make setup'")
    from wijksim.app.classroom import JOIN_CODE_ENV

    shown = f"[{address}]" if family == socket.AF_INET6 else host
    print(f"wijksim app: http://{shown}:{port}/ (Ctrl+C stops)", flush=True)
    env = dict(os.environ)
    env.pop(JOIN_CODE_ENV, None)
    if join_code is not None:
        env[JOIN_CODE_ENV] = join_code
        print(f"class session code: {join_code}; groups join at "
              + ", ".join(f"http://{a}:{port}/?class={join_code}" for a in join_addresses(address))
              + " (other computers need the code)", flush=True)
    if not is_loopback(address):
        print(f"warning: serving on {host}: other machines may reach it with the join code",
              file=sys.stderr)
    cmd = server_command(host, port)
    env["PYTHONWARNINGS"] = ",".join(w for w in (env.get("PYTHONWARNINGS"), QUIET_WARNINGS) if w)
    os.execve(cmd[0], cmd, env)
