"""Replay every file of ../shared/corpus/external/ through transform and probe: each gives a
valid image or a SourceError, within a per-file time, under a 2 GB address-space limit."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CORPUS, corpus_files

PER_FILE_SECONDS = 10.0
TOTAL_SECONDS = 150.0


@pytest.mark.timeout(TOTAL_SECONDS + 30)
def test_corpus_replay() -> None:
    files = corpus_files()
    if not files:
        pytest.skip("the shared corpus beside the repository is not present")
    script = Path(__file__).with_name("replay_corpus.py")
    proc = subprocess.Popen([sys.executable, str(script), *map(str, files)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results: dict[str, dict] = {}
    current = None
    started = time.monotonic()
    try:
        out, err = proc.communicate(timeout=TOTAL_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    for line in out.splitlines():
        record = json.loads(line)
        if "start" in record:
            current = record["start"]
        else:
            results[record["path"]] = record
            current = None
    assert current is None, (f"{current} did not finish (crash, hang or memory): exit "
                             f"{proc.returncode}, {time.monotonic() - started:.0f}s, {err[-800:]}")
    assert proc.returncode == 0, err[-2000:]
    problems = []
    for path in map(str, files):
        record = results[path]
        name = Path(path).relative_to(CORPUS) if CORPUS and Path(path).is_relative_to(CORPUS) else path
        for call in ("probe", "transform"):
            if not str(record[call]).startswith(("ok", "SourceError")):
                problems.append(f"{name}: {call} -> {record[call]}")
        if str(record["transform"]).startswith("ok") and not record.get("webp"):
            problems.append(f"{name}: transform did not give a WebP")
        if record["seconds"] > PER_FILE_SECONDS:
            problems.append(f"{name}: took {record['seconds']:.1f}s")
    assert not problems, "\n".join(problems)
