"""The `pinrender` command: keys create/list/revoke in-process, and `serve` as a real process."""

from __future__ import annotations

import json
import os
import re
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


def test_keys_share_one_data_dir_from_any_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "shared-data"
    monkeypatch.setenv("PINRENDER_DATA_DIR", str(data))
    for folder, email in (("a", "a@example.com"), ("b", "b@example.com")):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        code, out, _ = run(capsys, "keys", "create", "--email", email)
        assert code == 0 and out.splitlines()[0] == f"data directory {data}"
    code, out, _ = run(capsys, "keys", "list")
    assert "a@example.com" in out and "b@example.com" in out
    assert not (tmp_path / "a" / "data").exists() and not (tmp_path / "b" / "data").exists()
    # a relative --data-dir names a folder of the current directory, and says which
    code, out, _ = run(capsys, "keys", "create", "--email", "c@example.com", "--data-dir", "here")
    assert code == 0 and out.splitlines()[0] == f"data directory {tmp_path / 'b' / 'here'}"


def test_python_m_pinrender_is_the_pinrender_command(tmp_path: Path) -> None:
    module = subprocess.run([sys.executable, "-m", "pinrender", "--help"], capture_output=True,
                            text=True, cwd=tmp_path, check=True)
    for command in ("render", "fonts", "serve", "keys"):
        assert command in module.stdout
    script = Path(sys.executable).with_name("pinrender")
    if script.exists():  # the console script of this environment's install
        assert subprocess.run([str(script), "--help"], capture_output=True, text=True,
                              check=True).stdout == module.stdout
    keys = subprocess.run([sys.executable, "-m", "pinrender", "keys", "list", "--data-dir",
                           str(tmp_path / "d")], capture_output=True, text=True, cwd=tmp_path)
    assert keys.returncode == 0 and keys.stdout.startswith("ID\t")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_renders_over_http(tmp_path: Path) -> None:
    """`keys create` in one folder, `serve` in another, no data dir named: the same default holds
    the key, so the server accepts it; the outbox mailer's verification link is on the console."""
    port = _free_port()
    user, first, second = tmp_path / "user", tmp_path / "first", tmp_path / "second"
    for folder in (user, first, second):
        folder.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PINRENDER_DATA_DIR", "XDG_DATA_HOME")}
    env.update(HOME=str(user), PINRENDER_DEBUG_STATS="true")
    created = subprocess.run(
        [sys.executable, "-m", "pinrender", "keys", "create", "--email", "s@example.com"],
        capture_output=True, text=True, env=env, check=True, cwd=first)
    where, *_, key = created.stdout.strip().splitlines()
    data = Path(where.removeprefix("data directory "))
    assert data.is_relative_to(user) and (data / "pinrender.db").exists()
    log = tmp_path / "serve.log"
    with log.open("wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pinrender", "serve", "--port", str(port), "--no-access-log"],
            env=env, cwd=second, stdout=subprocess.DEVNULL, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            deadline = time.monotonic() + 20
            while True:
                try:
                    home = client.get("/")
                    break
                except httpx.TransportError:
                    assert proc.poll() is None, log.read_text()
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
            assert f"data directory {data}" in log.read_text()
            hosting = client.post("/v1/keys", json={"email": "mail@example.com"})
            assert hosting.status_code == 201
            link = re.search(rf"mail to mail@example.com: .*({re.escape(base)}/v1/verify/\S+)",
                             log.read_text())
            assert link, log.read_text()
            assert "verified" in client.get(link.group(1)).text
    finally:
        proc.terminate()
        proc.wait(10)
    assert not (first / "data").exists() and not (second / "data").exists()
