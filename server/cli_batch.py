"""`pinrender batch TEMPLATE ROWS -o DIR`: the rows are read and the files written here; the
rendering is the core's `render_many`.

Each output's name and render key live in a small SQLite manifest beside the outputs
(`.pinrender-batch.sqlite`), so `--resume` and the duplicate-name check cost no memory per row.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pinrender
from pinrender import render_many as render_rows


class BatchError(Exception):
    """A one-line failure before any row (the command line prints it)."""


MANIFEST = ".pinrender-batch.sqlite"
ERRORS = "errors.jsonl"


@dataclass(frozen=True)
class Unreadable:
    """A line of a JSONL file that is not a JSON object: reported as that row's error."""

    message: str


def _open_rows(path: Path) -> tuple[Iterator[Any], int, list[str]]:
    """The rows (lazily, except a .json array, which is loaded whole), how many there are (a
    streamed first pass), and the columns of the header or first row."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".json"):
        raise BatchError(f"{path}: rows must be a .csv, .jsonl or .json file")
    if suffix == ".json":
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise BatchError(f"{path}: not valid JSON: {exc}") from None
        if not isinstance(rows, list):
            raise BatchError(f"{path}: a .json file of rows must be an array of objects")
        first = rows[0] if rows and isinstance(rows[0], dict) else {}
        return iter(rows), len(rows), list(first)
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            total = sum(1 for _ in reader)

        def csv_rows() -> Iterator[Any]:
            with path.open(newline="", encoding="utf-8-sig") as f:
                yield from csv.DictReader(f)

        return csv_rows(), total, header

    def lines() -> Iterator[str]:
        with path.open(encoding="utf-8-sig") as f:
            yield from (line for line in f if line.strip())

    def jsonl_rows() -> Iterator[Any]:
        for n, line in enumerate(lines(), 1):
            try:
                row = json.loads(line)
            except ValueError as exc:
                yield Unreadable(f"line {n} is not valid JSON: {exc}")
                continue
            yield row if isinstance(row, dict) else Unreadable(
                f"line {n} is not a JSON object of columns")

    first_line = next(lines(), "")
    try:
        first = json.loads(first_line) if first_line else {}
    except ValueError:
        first = {}
    return jsonl_rows(), sum(1 for _ in lines()), list(first) if isinstance(first, dict) else []


def _unused_columns(template: pinrender.Template, header: Sequence[str]) -> list[str]:
    """Columns that are neither a variable nor `layer.property` (ids, slugs): said once, since a
    misspelt column would otherwise be silently left out of every row."""
    layers: set[str] = set()
    stack: list[Any] = list(template.layers)
    while stack:
        layer = stack.pop()
        layers.add(layer.name)
        stack.extend(getattr(layer, "children", None) or ())
    variables = {v.name for v in template.variables}
    return [c for c in header if c not in variables and c.partition(".")[0] not in layers]


def _safe_name(value: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip("-.")
    return cleaned[:150]


class Namer:
    """Each row's file name: a column's value (`--name slug`) or a pattern of columns, `{row}`
    (1-based) and `{index}` (0-based), e.g. `card-{row:05d}-{slug}`; made safe for any disk."""

    def __init__(self, spec: str | None, fmt: str) -> None:
        self.spec = spec or "{row:06d}"
        self.ext = pinrender.image_format(fmt).extension

    def __call__(self, index: int, row: Any) -> str:
        values = dict(row) if isinstance(row, dict) else {}
        if "{" in self.spec:
            try:
                raw = self.spec.format_map({**values, "row": index + 1, "index": index})
            except (KeyError, ValueError, IndexError, AttributeError) as exc:
                raise ValueError(f"--name {self.spec!r}: {exc!r} for this row") from None
        else:
            if self.spec not in values:
                raise ValueError(f"--name: the row has no column {self.spec!r}")
            raw = str(values[self.spec])
        name = _safe_name(raw)
        if not name:
            raise ValueError(f"--name gives an empty file name for this row ({raw!r})")
        return f"{name}.{self.ext}"


class Manifest:
    """Which file holds which render (key), written by which run: the memory of `--resume`.
    Called from render workers (the skip check) and the writer, so one lock guards it."""

    def __init__(self, folder: Path) -> None:
        self.db = sqlite3.connect(folder / MANIFEST, check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS outputs (name TEXT PRIMARY KEY, key TEXT"
                        " NOT NULL, run TEXT NOT NULL, row INTEGER NOT NULL)")
        self.lock = threading.Lock()
        self.run = os.urandom(8).hex()

    def key_of(self, name: str) -> str | None:
        with self.lock:
            found = self.db.execute("SELECT key FROM outputs WHERE name = ?", (name,)).fetchone()
        return found[0] if found else None

    def claimant(self, name: str, row: int) -> int | None:
        """Another row of this run that already wrote `name`."""
        with self.lock:
            found = self.db.execute("SELECT row FROM outputs WHERE name = ? AND run = ? AND"
                                    " row != ?", (name, self.run, row)).fetchone()
        return int(found[0]) if found else None

    def record(self, name: str, key: str, row: int) -> None:
        with self.lock, self.db:
            self.db.execute("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?)",
                            (name, key, self.run, row))

    def close(self) -> None:
        self.db.close()


class Progress:
    """A live bar (tqdm: done/total, renders/s, ETA) on a terminal; a plain line every tenth of
    the rows otherwise, so logs stay short."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.bar: Any = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="row", file=sys.stderr, dynamic_ncols=True)
        self.step = max(1, total // 10)

    def advance(self, failed: int) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(failed=failed, refresh=False)
        elif self.done % self.step == 0 or self.done == self.total:
            elapsed = time.monotonic() - self.started
            rate = self.done / elapsed if elapsed > 0 else 0.0
            eta = (self.total - self.done) / rate if rate else 0.0
            print(f"batch: {self.done}/{self.total} rows, {rate:.1f}/s, ETA {eta:.0f} s",
                  file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def run_batch(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise BatchError(f"--workers {args.workers}: use 1 or more")
    if args.quality is not None and not 1 <= args.quality <= 100:
        raise BatchError(f"--quality {args.quality}: use 1-100")
    try:
        template = pinrender.parse_template(args.template)
    except pinrender.PinrenderError as exc:
        raise BatchError(f"{args.template}: {exc}") from None
    rows, total, header = _open_rows(Path(args.rows))
    namer = Namer(args.name, args.format)
    ignored = _unused_columns(template, header)
    if ignored:
        print(f"batch: columns the template does not use: {', '.join(ignored)}",
              file=sys.stderr)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(out)

    def done_before(index: int, row: Any, key: str) -> bool:
        if not args.resume:
            return False
        try:
            name = namer(index, row)
        except ValueError:
            return False  # the writer reports it
        return manifest.key_of(name) == key and (out / name).exists()

    counts = {"rendered": 0, "skipped": 0, "failed": 0}
    progress = Progress(total)
    started = time.monotonic()
    try:
        with (out / ERRORS).open("w", encoding="utf-8") as errors:
            def fail(index: int, column: str | None, message: str) -> None:
                counts["failed"] += 1
                errors.write(json.dumps({"row": index + 1, "column": column,
                                         "message": message}) + "\n")
                errors.flush()

            for result in render_rows(template, rows, format=args.format, quality=args.quality,
                                      workers=args.workers, skip=done_before):
                if isinstance(result.row, Unreadable):
                    fail(result.index, None, result.row.message)
                elif result.error is not None:
                    fail(result.index, result.column, str(result.error))
                elif result.skipped:
                    counts["skipped"] += 1
                else:
                    try:
                        name = namer(result.index, result.row)
                    except ValueError as exc:
                        fail(result.index, None, str(exc))
                    else:
                        other = manifest.claimant(name, result.index + 1)
                        if other is not None:
                            fail(result.index, None, f"file name {name} is also row {other}'s")
                        else:
                            assert result.data is not None and result.key is not None
                            _write_atomically(out / name, result.data)
                            manifest.record(name, result.key, result.index + 1)
                            counts["rendered"] += 1
                progress.advance(counts["failed"])
    finally:
        progress.close()
        manifest.close()
    elapsed = time.monotonic() - started
    seen = sum(counts.values())
    rate = counts["rendered"] / elapsed if elapsed > 0 else 0.0
    print(f"batch: {seen} rows in {elapsed:.1f} s: {counts['rendered']} rendered "
          f"({rate:.1f}/s), {counts['skipped']} skipped, {counts['failed']} failed"
          + (f" (see {out / ERRORS})" if counts["failed"] else ""), file=sys.stderr)
    return 1 if counts["failed"] else 0
