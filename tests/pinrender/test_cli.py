"""The command line: render to a file or stdout, list fonts, one clear line on bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES, decode


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "pinrender", *args], capture_output=True,
                          timeout=120)


def test_render_to_file_with_layers_and_variables(tmp_path: Path) -> None:
    out = tmp_path / "card.webp"
    result = run("render", str(EXAMPLES / "blog-og.json"), "--layers",
                 '{"title": {"fontSize": 50}}', "--var", "title=From the CLI", "--format",
                 "webp", "--quality", "70", "-o", str(out))
    assert result.returncode == 0, result.stderr
    image = decode(out.read_bytes())
    assert image.format == "WEBP" and image.size == (1200, 630)


def test_render_to_stdout_with_layers_from_a_file(tmp_path: Path) -> None:
    layers = tmp_path / "layers.json"
    layers.write_text('{"quote": {"text": "Short."}}')
    result = run("render", str(EXAMPLES / "quote-card.json"), "--layers", f"@{layers}", "-o", "-")
    assert result.returncode == 0, result.stderr
    assert decode(result.stdout).size == (1080, 1080)


def test_fonts_lists_bundled_families() -> None:
    result = run("fonts")
    assert result.returncode == 0
    listing = result.stdout.decode()
    assert "Inter" in listing and "bundled" in listing


def test_bad_input_is_one_line_without_traceback(tmp_path: Path) -> None:
    cases = [
        ("render", str(EXAMPLES / "blog-og.json"), "--layers", "{nope", "-o", "-"),
        ("render", str(EXAMPLES / "blog-og.json"), "--layers", '{"ghost": {}}', "-o", "-"),
        ("render", str(tmp_path / "missing.json"), "-o", "-"),
        ("render", str(EXAMPLES / "blog-og.json"), "--var", "novalue", "-o", "-"),
        ("render", str(EXAMPLES / "blog-og.json"), "-o", str(tmp_path / "no" / "dir.png")),
    ]
    for args in cases:
        result = run(*args)
        assert result.returncode != 0, args
        err = result.stderr.decode().strip()
        assert "Traceback" not in err and len(err.splitlines()) == 1, err
        assert err.startswith("pinrender: error:"), err
    assert run("render", str(EXAMPLES / "blog-og.json"), "--layers", '{"ghost": {}}', "-o",
               "-").stderr.decode().count("layers.ghost") == 1
