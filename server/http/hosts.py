"""Which `Host` headers the service answers (setting `allowed_hosts`).

Absolute URLs in responses and pages are built from `public_base_url`, or else from the request's
Host; a Host outside the allowlist is refused with 400 before any handler runs, so a forged Host
can neither poison a cache with foreign links nor reach the app by DNS rebinding.

    allowed_hosts = []  ->  public_base_url's host, else localhost, 127.0.0.1 and [::1]
                            on the port this connection was accepted on
    "img.example.com"   ->  that name on any port
    "host:8080"         ->  that name on that port only
    "*.example.com"     ->  any subdomain of example.com;  "*" -> anything (opt-out)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ..settings import Settings
from .errors import ApiError, error_response

LOOPBACK = ("localhost", "127.0.0.1", "[::1]")
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def split_host(value: str) -> tuple[str, int | None] | None:
    """`name[:port]` or `[v6][:port]` as (lower-case name, port); None if it is not a host."""
    value = value.strip().lower()
    if value.startswith("["):
        name, sep, rest = value.partition("]")
        name += sep
        port_text = rest.removeprefix(":") if rest.startswith(":") else (rest or None)
    else:
        name, sep, port_text = value.partition(":")
        port_text = port_text if sep else None
    if not name or any(c in name for c in "/\\@?#% ") or name.count("[") > 1:
        return None
    if port_text is None or port_text == "":
        return name, None
    if not (port_text.isascii() and port_text.isdigit() and len(port_text) <= 5):
        return None
    return name, int(port_text)


def allowed(settings: Settings, scope: Scope) -> list[str]:
    """The allowlist in force for this connection: the setting, or the default above."""
    if settings.allowed_hosts:
        return settings.allowed_hosts
    if settings.public_base_url:
        return [urlsplit(settings.public_base_url).netloc.rpartition("@")[2].lower()]
    server = scope.get("server")
    if not server or server[1] is None:
        return list(LOOPBACK)  # a Unix socket: no port to match
    return [f"{name}:{server[1]}" for name in LOOPBACK]


def matches(host: str, entries: Iterable[str], scheme: str) -> bool:
    parsed = split_host(host)
    if parsed is None:
        return False
    name, port = parsed
    port = port if port is not None else DEFAULT_PORTS.get(scheme)
    return any(_matches_entry(name, port, entry) for entry in entries)


def _matches_entry(name: str, port: int | None, entry: str) -> bool:
    pattern = split_host(entry)
    if pattern is None:
        return False
    want, want_port = pattern
    if want_port is not None and want_port != port:
        return False
    if want == "*":
        return True
    if want.startswith("*."):
        return name.endswith(want[1:])  # a subdomain, not the bare domain
    return name == want


def host_header(scope: Scope) -> str:
    for key, value in scope.get("headers", ()):
        if key == b"host":
            return str(value.decode("latin-1"))
    return ""


def is_allowed(settings: Settings, scope: Scope) -> bool:
    return matches(host_header(scope), allowed(settings, scope), scope.get("scheme", "http"))


def refusal(scope: Scope) -> ApiError:
    # The refused name is not echoed: nothing a client sends as Host comes back in a response.
    return ApiError(400, "This Host is not served here: it is not in allowed_hosts"
                    if host_header(scope) else "A Host header is required", code="invalid_host")


def require_allowed(settings: Settings, scope: Scope) -> None:
    if not is_allowed(settings, scope):
        raise refusal(scope)


# Load balancers and scrapers address a process by its IP: these answer any Host, and build no URL.
ANY_HOST = frozenset({"/healthz", "/readyz", "/metrics"})


class AllowedHosts:
    """ASGI middleware: 400 in the family's error envelope for a Host outside the allowlist."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["path"] not in ANY_HOST
                and not is_allowed(self.settings, scope)):
            response: Any = error_response(Request(scope), refusal(scope))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
