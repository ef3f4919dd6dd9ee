"""A real `pinrender serve` in a subprocess on a free port, for tests where sockets and processes
matter (slow clients, kill -9)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    port: int
    data: Path

    @property
    def host(self) -> str:
        """The Host header to send: with the port, as the server's default host allowlist wants."""
        return f"127.0.0.1:{self.port}"

    @property
    def base(self) -> str:
        return f"http://{self.host}"

    def connect(self, timeout: float) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        sock.settimeout(timeout)
        return sock

    def kill(self) -> None:
        """kill -9: no shutdown, no cleanup, whatever was in flight stays as it was."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)


def cli(data: Path, *argv: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "pinrender_server.cli", *argv, "--data-dir",
                           str(data)], capture_output=True, text=True, check=True,
                          env={**os.environ, **(env or {})})
    return done.stdout


@contextlib.contextmanager
def serving(data: Path, env: dict[str, str] | None = None, startup: float = 30.0,
            workers: int = 1) -> Iterator[Served]:
    port = free_port()
    settings = {"PINRENDER_LOAD_EXAMPLES": "false", **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pinrender_server.cli", "serve", "--port", str(port), "--data-dir",
         str(data), "--no-access-log", "--log-level", "error", "--workers", str(workers)],
        env={**os.environ, **settings}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    served = Served(proc, port, data)
    try:
        deadline = time.monotonic() + startup
        while True:
            try:
                if httpx.get(f"{served.base}/openapi.json", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.1)
        yield served
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        proc.stderr.close()  # type: ignore[union-attr]
