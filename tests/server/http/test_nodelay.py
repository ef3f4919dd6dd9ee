"""Responses leave at once in every worker process: TCP_NODELAY on each accepted connection, also
when the socket came from `serve --workers N`'s parent with `proto` 0 (asyncio then skips it)."""

from __future__ import annotations

import socket
from typing import Any

from pinrender_server.http.slowclients import no_delay


class Transport:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def get_extra_info(self, name: str) -> Any:
        return self.sock if name == "socket" else None


def test_no_delay_is_set_on_a_tcp_socket_whatever_its_proto() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    # As a worker process gets it: the same file descriptor, `proto` unknown.
    inherited = socket.socket(fileno=accepted.detach())
    try:
        assert inherited.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        no_delay(Transport(inherited))  # type: ignore[arg-type]
        assert inherited.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        for s in (inherited, client, listener):
            s.close()


def test_unix_sockets_are_left_alone() -> None:
    a, b = socket.socketpair()
    try:
        no_delay(Transport(a))  # type: ignore[arg-type]  # no TCP options there: no error
    finally:
        a.close()
        b.close()
