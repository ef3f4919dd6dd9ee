"""The hostile corpus over HTTP: every entry point that takes an image answers a correct image or a
clear 4xx in its family's envelope, never a 5xx or a hang, and memory stays bounded.

The replay itself is `benchmarks/replay.py` (the full corpus and its table); the suite runs it on
an even sample of the corpus, in a child process whose peak RSS it reads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

SAMPLE = 30
ENTRY_POINTS = ("upload", "import", "data", "url", "generate", "render", "src_s", "files_512")
MAX_RSS_MB = 1000


@pytest.mark.timeout(600)
def test_every_entry_point_answers_an_image_or_a_clear_4xx(corpus_dir: Path) -> None:
    corpus = corpus_dir
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "replay.py"), "--corpus", str(corpus),
         "--sample", str(SAMPLE), "--json"],
        capture_output=True, text=True, timeout=540)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    results: dict[str, dict[str, str]] = report["results"]
    assert len(results) == SAMPLE
    allowed = ("image", "stored", "4xx:", "-", "long")
    wrong = {(name, entry): outcome for name, row in results.items()
             for entry, outcome in row.items() if not outcome.startswith(allowed)}
    assert not wrong, wrong
    # Well-formed files are among the sample, and each entry point turns them into images.
    for entry in ENTRY_POINTS:
        assert any(row[entry] in ("image", "stored") for row in results.values()), entry
    assert report["peak_rss_mb"] < MAX_RSS_MB, report["peak_rss_mb"]
