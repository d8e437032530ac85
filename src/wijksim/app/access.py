"""Who may reach the app: the server process that ``wijksim app`` starts.

``python -m wijksim.app.access --host H --port P`` serves the page as ``solara run`` does, with
:class:`JoinGate` in front of every request (pages, assets, websockets):

* a client on this computer (a loopback address) always passes: the lecturer's own browser;
* a client from another computer passes only with the join code (``wijksim app --join-code``,
  env :data:`~wijksim.app.classroom.JOIN_CODE_ENV`): once as ``?class=CODE`` (or ``?code=``) in
  the address, after which a cookie carries a per-process token (not the code). Without the
  code, or with a wrong one, it gets ``403`` and a small page to type the code; a websocket is
  closed. With no join code set, other computers are refused altogether.

The gate also tells the page where a request comes from, in a header it sets itself (one sent
by the client is dropped): :data:`CLIENT_HEADER` is ``local`` or ``remote``. The page lets only
``local`` sessions open a class session.
"""

from __future__ import annotations

import hmac
import html
import ipaddress
import secrets
import sys
from typing import Any
from urllib.parse import parse_qs

from wijksim.app.classroom import configured_join_code, normalise_code

#: The header the gate sets on every request for the page: ``local`` or ``remote``.
CLIENT_HEADER = "x-wijksim-client"
COOKIE = "wijksim_join"
PAGE_MODULE = "wijksim.app.page"

REFUSED_PAGE = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>wijksim</title>
<style>body{{font-family:sans-serif;max-width:34rem;margin:4rem auto;color:#222}}
h1{{color:#1f4e79;font-size:1.4rem}}input,button{{font-size:1.1rem;padding:4px 8px}}</style>
</head><body>
<h1>wijksim</h1>
<p>{message_nl}<br><i>{message_en}</i></p>
<form method="get" action="{root}"><label>Klascode / class code:
<input name="class" autocomplete="off" autofocus></label> <button>OK</button></form>
</body></html>
"""


def is_local(client: tuple[str, int] | None) -> bool:
    """Whether an ASGI ``client`` address is this computer (loopback)."""
    if client is None:  # a unix socket or an in-process test client
        return True
    try:
        return ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        return client[0] == "localhost"


class JoinGate:
    """ASGI middleware: only this computer, or others with the join code (module docstring)."""

    def __init__(self, app: Any, join_code: str | None = None) -> None:
        self.app = app
        self.join_code = normalise_code(join_code) if join_code else None
        self.token = secrets.token_urlsafe(24)  # what the cookie holds, never the code

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        """Pass, or refuse, one request."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        local = is_local(scope.get("client"))
        headers = [(k, v) for k, v in scope.get("headers", [])
                   if k.decode("latin-1").lower() != CLIENT_HEADER]
        headers.append((CLIENT_HEADER.encode(), b"local" if local else b"remote"))
        scope = {**scope, "headers": headers}
        if local:
            await self.app(scope, receive, send)
            return
        if self.join_code is not None and self._has_cookie(headers):
            await self.app(scope, receive, send)
            return
        if self.join_code is not None and self._code_in_query(scope):
            await self.app(scope, receive, self._setting_cookie(send, scope))
            return
        await self._refuse(scope, receive, send)

    def _has_cookie(self, headers: list[tuple[bytes, bytes]]) -> bool:
        for key, value in headers:
            if key.lower() != b"cookie":
                continue
            for part in value.decode("latin-1").split(";"):
                name, _, token = part.strip().partition("=")
                if name == COOKIE and hmac.compare_digest(token.encode(), self.token.encode()):
                    return True
        return False

    def _code_in_query(self, scope: dict) -> bool:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = [v for key in ("class", "code") for v in query.get(key, [])]
        wanted = (self.join_code or "").encode()
        return any(hmac.compare_digest(normalise_code(v).encode(), wanted) for v in given)

    def _setting_cookie(self, send: Any, scope: dict) -> Any:
        cookie = (f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Lax").encode()

        async def wrapped(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"set-cookie", cookie)]}
            await send(message)

        return wrapped if scope["type"] == "http" else send

    async def _refuse(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        asked = bool(parse_qs(scope.get("query_string", b"").decode("latin-1")))
        if self.join_code is None:
            nl = "Deze app is alleen te gebruiken op de computer waarop hij draait."
            en = "This app can only be used on the computer that runs it."
        elif asked:
            nl = "Toegang geweigerd: verkeerde code."
            en = "Access refused: wrong code."
        else:
            nl = "Geef de klascode die de docent heeft gegeven."
            en = "Enter the class code the lecturer gave you."
        body = REFUSED_PAGE.format(message_nl=html.escape(nl), message_en=html.escape(en),
                                   root=html.escape(scope.get("root_path", "") or "/"))
        data = body.encode("utf-8")
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                (b"content-length", str(len(data)).encode()),
                                (b"cache-control", b"no-store")]})
        await send({"type": "http.response.body", "body": data})


def main(argv: list[str] | None = None) -> None:
    """Serve the page like ``solara run`` (``--host H --port P``), behind the gate."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m wijksim.app.access")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    import os

    os.environ["SOLARA_APP"] = PAGE_MODULE  # read when Solara's server module is imported
    import solara.server.starlette as solara_app
    from solara.__main__ import cli

    solara_app.app.add_middleware(JoinGate, join_code=configured_join_code())
    cli(["run", PAGE_MODULE, "--host", args.host, "--port", str(args.port), "--production",
         "--no-open"])


if __name__ == "__main__":
    main(sys.argv[1:])
