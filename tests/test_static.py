"""Tooling that keeps the code honest: ruff over everything, mypy over both packages."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=300)


def test_ruff_is_clean() -> None:
    result = run("ruff", "check", "pinrender", "server", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout[-3000:]


def test_mypy_is_clean() -> None:
    result = run("mypy", "pinrender", "server")
    assert result.returncode == 0, result.stdout[-3000:]
