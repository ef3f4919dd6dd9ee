"""The `pinrender` command: keys create/list/revoke in-process, and `serve` as a real process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from pinrender_server.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_keys_create_list_revoke(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = str(tmp_path / "data")
    code, out, _ = run(capsys, "keys", "create", "--email", "Ann@Example.com", "--plan", "pro",
                       "--name", "ci", "--data-dir", d)
    assert code == 0
    key = out.strip().splitlines()[-1]
    assert key.startswith("pk_") and len(key) == 51
    code, out, _ = run(capsys, "keys", "list", "--data-dir", d)
    assert code == 0 and "ann@example.com" in out and "pro" in out and key not in out
    key_id = out.splitlines()[1].split("\t")[0]
    code, out, _ = run(capsys, "keys", "revoke", key_id, "--data-dir", d)
    assert code == 0 and "revoked" in out
    code, out, _ = run(capsys, "keys", "list", "--data-dir", d, "--email", "ann@example.com")
    assert "revoked" in out


@pytest.mark.parametrize("argv, message", [
    (["keys", "create", "--email", "not-an-email"], "invalid email"),
    (["keys", "create", "--email", "a@b.co", "--plan", "gold"], "unknown plan"),
    (["keys", "revoke", "key_missing"], "no key"),
    (["keys", "list", "--email", "ghost@example.com"], "no account"),
])
def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 argv: list[str], message: str) -> None:
    code, _, err = run(capsys, *argv, "--data-dir", str(tmp_path))
    assert code != 0 and message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_renders_over_http(tmp_path: Path) -> None:
    port = _free_port()
    data = tmp_path / "data"
    env = {**os.environ, "PINRENDER_DEBUG_STATS": "true"}
    created = subprocess.run(
        [sys.executable, "-m", "pinrender_server.cli", "keys", "create", "--email", "s@example.com",
         "--data-dir", str(data)], capture_output=True, text=True, env=env, check=True)
    key = created.stdout.strip().splitlines()[-1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "pinrender_server.cli", "serve", "--port", str(port), "--data-dir",
         str(data), "--no-access-log", "--log-level", "warning"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            deadline = time.monotonic() + 20
            while True:
                try:
                    home = client.get("/")
                    break
                except httpx.TransportError:
                    assert proc.poll() is None, proc.stderr.read().decode()  # type: ignore[union-attr]
                    assert time.monotonic() < deadline, "server did not start"
                    time.sleep(0.1)
            assert home.status_code == 200 and "/api/render?templateId=" in home.text
            # The default allowlist: loopback names on the port being served, nothing else.
            assert client.get("/", headers={"Host": f"localhost:{port}"}).status_code == 200
            for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}"):
                refused = client.get("/", headers={"Host": host})
                assert refused.status_code == 400 and "evil" not in refused.text
                assert refused.json()["success"] is False
            template = {"name": "t", "public": True, "jsonData": {
                "canvas": {"width": 64, "height": 32},
                "layers": [{"name": "title", "type": "text", "width": 64, "height": 32,
                            "text": "hi"}]}}
            r = client.post("/api/templates", json=template, headers={"X-API-Key": key})
            assert r.status_code == 201, r.text
            tid = r.json()["data"]["id"]
            img = client.get("/api/render", params={
                "templateId": tid, "layers": json.dumps({"title": {"text": "over HTTP"}})})
            assert img.status_code == 200 and img.content.startswith(b"\x89PNG")
            assert img.headers["x-content-type-options"] == "nosniff"
            again = client.get("/api/render", headers={"If-None-Match": img.headers["etag"]},
                               params={"templateId": tid,
                                       "layers": json.dumps({"title": {"text": "over HTTP"}})})
            assert again.status_code == 304
            gen = client.post("/api/generate", json={"templateId": tid}, headers={
                "Authorization": f"Bearer {key}"})
            assert gen.status_code == 200 and gen.json()["imageUrl"].startswith(base)
            assert client.get(gen.json()["imageUrl"]).status_code == 200
            assert client.get("/api/_stats").json()["data"]["renders"] == 2
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    assert (data / "pinrender.db").exists()
