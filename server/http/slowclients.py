"""Deadlines for receiving a request, so a slow or stalled client cannot hold a connection open.

uvicorn times out idle keep-alive connections and caps connections (`limit_concurrency`, which
answers 503), but nothing bounds how long a request may take to arrive. Two pieces close that gap:

- `HeadDeadlineProtocol`, uvicorn's h11 protocol with one timer: a request head must arrive whole
  within `header_timeout` seconds of the connection opening (or of the previous response plus the
  keep-alive wait). Otherwise: 408 if part of a head came, and the connection is closed.
- `ReceiveDeadline`, ASGI middleware over `receive`: once the app starts reading a body, the bytes
  must keep up `body_min_rate` bytes/s on average after a `body_grace` head start, and the body must
  be complete within `request_timeout`. Otherwise `RequestTimeout` (a 408 in the family's error
  shape, `Connection: close`). Measured where the app waits, so time the app spends elsewhere
  (while uvicorn holds back a fast client) never counts against the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import socket
import time
from dataclasses import dataclass
from typing import Any

import anyio
import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..settings import Settings
from .errors import ApiError

Scope = dict[str, Any]
Message = dict[str, Any]


class RequestTimeout(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(408, message, code="request_timeout", headers={"Connection": "close"})


@dataclass
class BodyClock:
    """When the next body bytes are due: the grace, plus the time the bytes so far have earned at
    the minimum rate, never past the total cap."""

    grace: float
    min_rate: int
    total: float
    started: float = 0.0
    received: int = 0

    def start(self, now: float) -> None:
        if not self.started:
            self.started = now

    def due(self) -> float:
        earned = self.received / self.min_rate if self.min_rate else float("inf")
        return self.started + min(self.grace + earned, self.total)

    def expired_message(self) -> str:
        if self.due() >= self.started + self.total:
            return f"The request body took longer than {self.total:g} s"
        return (f"The request body arrived slower than {self.min_rate} bytes/s "
                f"(after {self.grace:g} s)")


class ReceiveDeadline:
    def __init__(self, app: Any, *, grace: float, min_rate: int, total: float) -> None:
        self.app = app
        self.grace, self.min_rate, self.total = grace, min_rate, total

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        clock = BodyClock(self.grace, self.min_rate, self.total)
        done = False

        async def timed_receive() -> Message:
            nonlocal done
            if done:  # after the body only a disconnect can come: a streaming response waits for it
                return await receive()  # type: ignore[no-any-return]
            clock.start(time.monotonic())
            try:
                with anyio.fail_after(max(0.0, clock.due() - time.monotonic())):
                    message: Message = await receive()
            except TimeoutError:
                raise RequestTimeout(clock.expired_message()) from None
            if message["type"] == "http.request":
                clock.received += len(message.get("body", b""))
                done = not message.get("more_body", False)
            else:
                done = True
            return message

        await self.app(scope, timed_receive, send)


class HeadDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request head (see the module docstring)."""

    def __init__(self, *args: Any, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self.head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        no_delay(transport)
        self._arm(self.header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            # The next head may first wait out the keep-alive period, then gets the usual time.
            self._arm(self.timeout_keep_alive + self.header_timeout)

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self.head_timer = self.loop.call_later(seconds, self._head_overdue)

    def _disarm(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _head_overdue(self) -> None:
        self.head_timer = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being served; its body has ReceiveDeadline, its next head a new timer
        partial_head = self.conn.their_state is h11.IDLE and bool(self.conn.trailing_data[0])
        if partial_head and self.conn.our_state is h11.IDLE:
            self._send_408()
        self.transport.close()

    def _send_408(self) -> None:
        body = b"Request Timeout: the request head did not arrive in time\n"
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close"),
                   (b"content-length", str(len(body)).encode())]
        try:
            for event in (h11.Response(status_code=408, headers=headers, reason=b"Request Timeout"),
                          h11.Data(data=body), h11.EndOfMessage()):
                self.transport.write(self.conn.send(event) or b"")
        except h11.LocalProtocolError:
            pass  # the connection is closed below either way


def no_delay(transport: asyncio.BaseTransport) -> None:
    """Send small writes at once. asyncio sets TCP_NODELAY only on sockets whose `proto` says
    TCP; the listening socket `serve --workers N` hands to each worker comes back with proto 0,
    so without this every response waited ~40 ms for the client's delayed ACK (Nagle)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What `pinrender serve` passes to uvicorn: the protocol with the head deadline (a partial of a
    module-level class, so worker processes can unpickle it) and uvicorn's own limits."""
    return {
        "http": functools.partial(HeadDeadlineProtocol, header_timeout=settings.header_timeout),
        "timeout_keep_alive": settings.keepalive_timeout,
        "limit_concurrency": settings.max_connections,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        # uvicorn believes X-Forwarded-* from 127.0.0.1 by default; only configured proxies here.
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": ",".join(settings.trusted_proxies) or None,
    }
