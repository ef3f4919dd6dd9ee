"""`pinrender tokens create|list|activate|deactivate|delete --org ID`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pinrender_server.backends import SqliteMetaStore
from pinrender_server.cli import main
from pinrender_server.services import orgtokens


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_tokens_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = str(tmp_path)
    code, out, _ = run(capsys, "keys", "create", "--email", "org@example.com", "--data-dir", d)
    org = re.search(r"id (\d+)\)", out).group(1)  # type: ignore[union-attr]
    code, out, _ = run(capsys, "tokens", "create", "--org", org, "--name", "Prod", "--data-dir", d)
    assert code == 0
    secret = re.search(r"ot_[0-9a-f]{48}", out).group(0)  # type: ignore[union-attr]
    token_id = re.search(r"token id (tok_[0-9a-f]+)", out).group(1)  # type: ignore[union-attr]
    code, out, _ = run(capsys, "tokens", "list", "--org", org, "--data-dir", d)
    assert code == 0 and token_id in out and "active" in out and secret not in out
    assert run(capsys, "tokens", "deactivate", token_id, "--org", org, "--data-dir", d)[0] == 0
    store = SqliteMetaStore(str(tmp_path / "pinrender.db"))
    assert not orgtokens.find(store, secret).active  # type: ignore[union-attr]
    store.close()
    assert run(capsys, "tokens", "activate", token_id, "--org", org, "--data-dir", d)[0] == 0
    code, out, _ = run(capsys, "tokens", "list", "--org", org, "--data-dir", d)
    assert "\tactive\t" in out
    # Another organisation's id cannot touch the token.
    run(capsys, "keys", "create", "--email", "other@example.com", "--data-dir", d)
    code, _, err = run(capsys, "tokens", "delete", token_id, "--org", str(int(org) + 1),
                       "--data-dir", d)
    assert code == 1 and "no token" in err
    assert run(capsys, "tokens", "delete", token_id, "--org", org, "--data-dir", d)[0] == 0
    code, out, _ = run(capsys, "tokens", "list", "--org", org, "--data-dir", d)
    assert token_id not in out
    code, _, err = run(capsys, "tokens", "list", "--org", "999", "--data-dir", d)
    assert code == 1 and "no organisation" in err
