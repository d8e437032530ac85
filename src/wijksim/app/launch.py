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


def is_loopback(address: str) -> bool:
    """Whether ``address`` (as resolved by :func:`check_host`) is a loopback address."""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return address in LOOPBACK_NAMES


def server_command(host: str, port: int) -> list[str]:
    """The command line that serves the page (``python -m solara run ...``)."""
    return [sys.executable, "-m", "solara", "run", PAGE_MODULE, "--host", host,
            "--port", str(port), "--production", "--no-open"]


def serve(host: str = "127.0.0.1", port: int = 8765) -> None:
    """Check everything, then replace this process by the Solara server (never returns)."""
    os.environ.update(SERVER_ENV)  # before anything imports solara
    family, address = check_host(host)
    check_port(family, address, port, host)
    try:
        missing = missing_assets()
    except ImportError:
        raise AppError("app", "solara", "Solara is not installed; run 'make setup' "
                       "(or pip install -e '.[app]')") from None
    if missing:
        raise AppError("app", "assets", f"Solara's front-end assets are not installed "
                       f"({', '.join(missing)}); run 'make setup'")
    if not is_loopback(address):
        print(f"warning: serving on {host}, which other machines may reach", file=sys.stderr)
    shown = f"[{address}]" if family == socket.AF_INET6 else host
    print(f"wijksim app: http://{shown}:{port}/ (Ctrl+C stops)", flush=True)
    cmd = server_command(host, port)
    env = dict(os.environ)
    env["PYTHONWARNINGS"] = ",".join(w for w in (env.get("PYTHONWARNINGS"), QUIET_WARNINGS) if w)
    os.execve(cmd[0], cmd, env)
