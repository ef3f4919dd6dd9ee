"""Slow clients against `pinrender serve` with its default deadlines: how long each kind of stalled
connection stays open, and what it is answered.

    python benchmarks/slow_clients.py --loris 200

Starts one worker on a free port in a temporary data dir, with a pro key, then opens: a connection
that says nothing, a head that never ends, `--loris` slowloris connections (a header line every
2 s), an upload declaring 70,000,000 bytes that sends 10 and stalls, and one that trickles at half
the minimum rate. Prints a table: case, answer, seconds until the server closed (the client waits
up to `--patience`).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def until_closed(sock: socket.socket, trickle: bytes = b"", every: float = 2.0) -> tuple[str, float]:
    """Trickle `trickle` one line at a time until the server answers or closes; return the
    status line (or "closed") and the seconds it took."""
    started = time.monotonic()
    sock.settimeout(every)
    out = b""
    lines = iter(trickle.splitlines(keepends=True) * 1000)
    while True:
        try:
            chunk = sock.recv(65536)
            if not chunk:
                break
            out += chunk
        except TimeoutError:
            if time.monotonic() - started > PATIENCE:
                return "still open", time.monotonic() - started
            line = next(lines, b"")
            try:
                if line:
                    sock.sendall(line)
            except OSError:
                break
        except ConnectionResetError:
            break
    status = out.split(b"\r\n", 1)[0].decode() if out else "closed"
    return status, time.monotonic() - started


def main() -> None:
    global PATIENCE
    parser = argparse.ArgumentParser()
    parser.add_argument("--loris", type=int, default=200)
    parser.add_argument("--patience", type=float, default=90.0)
    args = parser.parse_args()
    PATIENCE = args.patience
    data = Path(tempfile.mkdtemp()) / "data"
    cli = [sys.executable, "-m", "pinrender_server.cli"]
    env = {**os.environ, "PINRENDER_LOAD_EXAMPLES": "false"}
    key = subprocess.run([*cli, "keys", "create", "--email", "b@example.com", "--plan", "pro",
                          "--data-dir", str(data)], capture_output=True, text=True, check=True,
                         env=env).stdout.split()[-1]
    port = free_port()
    proc = subprocess.Popen([*cli, "serve", "--port", str(port), "--data-dir", str(data),
                             "--no-access-log", "--log-level", "error"], env=env)
    try:
        for _ in range(300):
            try:
                httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        rows: list[tuple[str, str, float]] = []

        def case(name: str, first: bytes, trickle: bytes = b"") -> None:
            with socket.create_connection(("127.0.0.1", port)) as sock:
                sock.sendall(first)
                status, seconds = until_closed(sock, trickle)
            rows.append((name, status, seconds))

        host = f"127.0.0.1:{port}"
        upload = (f"POST /v1/upload HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
                  "Content-Type: multipart/form-data; boundary=B\r\n"
                  "Content-Length: 70000000\r\n\r\n").encode()
        threads = [threading.Thread(target=case, args=(f"slowloris x{args.loris}",
                                                       b"GET / HTTP/1.1\r\n", b"X-a: b\r\n"))
                   for _ in range(args.loris)]
        for t in threads:
            t.start()
        case("silent connection", b"")
        case("head never ends", f"GET / HTTP/1.1\r\nHost: {host}\r\n".encode())
        case("70 MB declared, 10 B sent", upload + b"--B\r\nCont")
        part = b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
        case("body at 2.5 KB/s", upload + part, b"x" * 4999 + b"\n")  # 5 KB every 2 s
        for t in threads:
            t.join()
        loris = [r for r in rows if r[0].startswith("slowloris")]
        others = [r for r in rows if not r[0].startswith("slowloris")]
        statuses = sorted({r[1] for r in loris})
        summary = (loris[0][0], " / ".join(statuses), max(r[2] for r in loris))
        print(f"{'case':32} {'answer':36} {'closed after':>12}")
        for name, status, seconds in [*others, summary]:
            print(f"{name:32} {status:36} {seconds:>10.1f} s")
    finally:
        proc.terminate()
        proc.wait(10)


PATIENCE = 90.0

if __name__ == "__main__":
    main()
