"""The `pinrender` command: the core's `render` and `fonts`, plus `serve`, `keys` and `batch`.

Expected failures print one line on stderr and exit non-zero; tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import os
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

import pinrender
from pinrender import render_many as render_rows

from .services.accounts import AccountError, issue_key
from .settings import Settings, default_data_dir

Handler = Callable[[argparse.Namespace], int]
DATA_DIR_DEFAULT = f"default: $PINRENDER_DATA_DIR, else {default_data_dir()}"


class CliError(Exception):
    """A one-line, user-facing failure."""


def _settings(args: argparse.Namespace) -> Settings:
    try:
        given = getattr(args, "data_dir", None)
        overrides = {"data_dir": Path(given).expanduser().resolve()} if given else {}
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"PINRENDER_{'__'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        raise CliError(f"invalid settings: {problems}") from None


def serve_logging(level: str) -> dict[str, Any]:
    """uvicorn's own log configuration plus the service's `pinrender.*` loggers, so what the
    service logs (examples loaded, the outbox mailer's verification links) reaches the console."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["pinrender"] = {"handlers": ["default"], "level": level.upper(),
                                      "propagate": False}
    return config


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.data_dir:
        # Worker processes build their own app from the environment, so settings travel there.
        os.environ["PINRENDER_DATA_DIR"] = str(Path(args.data_dir).resolve())
    settings = _settings(args)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if not 1 <= args.port <= 65535:
        raise CliError(f"--port {args.port}: use 1-65535")
    print(f"pinrender: data directory {settings.data_dir.resolve()}", file=sys.stderr, flush=True)
    from .http.slowclients import uvicorn_options

    uvicorn.run("pinrender_server.app:app_factory", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level=args.log_level, access_log=args.access_log,
                log_config=serve_logging(args.log_level), **uvicorn_options(settings))
    return 0


def _store(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .backends import open_meta_store

    settings = _settings(args)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings, open_meta_store(settings.database_url)


def cmd_keys_create(args: argparse.Namespace) -> int:
    settings, store = _store(args)
    try:
        issued = issue_key(store, args.email, plan=args.plan, name=args.name, role=args.role,
                           known_plans=tuple(settings.plans),
                           max_keys=settings.plan(args.plan or settings.default_plan).max_keys)
    finally:
        store.close()
    print(f"data directory {settings.data_dir.resolve()}")
    print(f"account {issued.account.email} (plan {issued.account.plan}, id {issued.account.id})")
    print(f"key id {issued.record.id}, role {issued.record.role}; the key is shown only once:")
    print(issued.secret)
    return 0


def _when(ts: float | None) -> str:
    if not ts:
        return "-"
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M")


def cmd_keys_list(args: argparse.Namespace) -> int:
    _, store = _store(args)
    try:
        account = store.accounts.by_email(args.email.strip().lower()) if args.email else None
        if args.email and account is None:
            raise CliError(f"no account for {args.email}")
        keys = store.keys.list(account.id if account else None)
        emails = {k.account_id: (store.accounts.get(k.account_id) or account) for k in keys}
    finally:
        store.close()
    print("ID\tPREFIX\tEMAIL\tPLAN\tROLE\tSTATUS\tCREATED\tLAST USED\tNAME")
    for k in keys:
        acc = emails.get(k.account_id)
        print("\t".join([
            k.id, k.prefix + "…", acc.email if acc else "?", acc.plan if acc else "?", k.role,
            "active" if k.active else "revoked", _when(k.created_at), _when(k.last_used_at), k.name,
        ]))
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    _, store = _store(args)
    try:
        found = store.keys.delete(args.key_id) if args.delete else store.keys.set_active(
            args.key_id, False)
    finally:
        store.close()
    if not found:
        raise CliError(f"no key with id {args.key_id}")
    print(f"{'deleted' if args.delete else 'revoked'} {args.key_id}")
    return 0


# ---- batch ----------------------------------------------------------------------------------
# `pinrender batch`: the rows are read here and the files written here; the rendering is the
# core's `render_many`. What each output's name and render key are lives in a small SQLite
# manifest beside the outputs, so `--resume` and duplicate names cost no memory per row.

MANIFEST = ".pinrender-batch.sqlite"
ERRORS = "errors.jsonl"
BATCH_FORMATS = ["png", "jpeg", "jpg", "webp", "avif"]


@dataclass(frozen=True)
class Unreadable:
    """A line of a JSONL file that is not a JSON object: reported as that row's error."""

    message: str


def _open_rows(path: Path) -> tuple[Iterator[Any], int, list[str]]:
    """The rows (lazily, except a .json array, which is loaded whole), how many there are (a
    streamed first pass), and the columns of the header or first row."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".json"):
        raise CliError(f"{path}: rows must be a .csv, .jsonl or .json file")
    if suffix == ".json":
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise CliError(f"{path}: not valid JSON: {exc}") from None
        if not isinstance(rows, list):
            raise CliError(f"{path}: a .json file of rows must be an array of objects")
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


def cmd_batch(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise CliError(f"--workers {args.workers}: use 1 or more")
    if args.quality is not None and not 1 <= args.quality <= 100:
        raise CliError(f"--quality {args.quality}: use 1-100")
    try:
        template = pinrender.parse_template(args.template)
    except pinrender.PinrenderError as exc:
        raise CliError(f"{args.template}: {exc}") from None
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


def _base_parser() -> argparse.ArgumentParser:
    try:
        from pinrender.cli import build_parser
    except ImportError:  # a core without a CLI still gets `serve` and `keys`
        parser = argparse.ArgumentParser(prog="pinrender")
        parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
        return parser
    return build_parser()


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest="command", required=True, metavar="COMMAND")


def build_parser() -> argparse.ArgumentParser:
    parser = _base_parser()
    commands = _subcommands(parser)

    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--data-dir", help=f"where the database and blobs live ({DATA_DIR_DEFAULT})")
    serve.add_argument("--workers", type=int, default=1, help="worker processes")
    serve.add_argument("--log-level", default="info",
                       choices=["critical", "error", "warning", "info", "debug"])
    serve.add_argument("--no-access-log", dest="access_log", action="store_false")
    serve.set_defaults(server_handler=cmd_serve)

    keys = commands.add_parser("keys", help="manage API keys")
    key_commands = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    create = key_commands.add_parser("create", help="create a key (and its account if needed)")
    create.add_argument("--email", required=True)
    create.add_argument("--plan", help="free, pro or agency (default: the account's, or free)")
    create.add_argument("--name", default="Default")
    create.add_argument("--role", default="owner", choices=["owner", "contributor"])
    create.set_defaults(server_handler=cmd_keys_create)
    listing = key_commands.add_parser("list", help="list keys (never their secrets)")
    listing.add_argument("--email", help="only this account's keys")
    listing.set_defaults(server_handler=cmd_keys_list)
    revoke = key_commands.add_parser("revoke", help="deactivate a key (it then answers 401)")
    revoke.add_argument("key_id")
    revoke.add_argument("--delete", action="store_true", help="remove it entirely instead")
    revoke.set_defaults(server_handler=cmd_keys_revoke)
    for sub in (create, listing, revoke):
        sub.add_argument("--data-dir", help=f"data directory ({DATA_DIR_DEFAULT})")

    batch = commands.add_parser(
        "batch", help="render a template once per row of a CSV, JSONL or JSON file",
        description="Columns fill the template's variables; `layer.property` columns override "
                    "layers. Bad rows go to DIR/errors.jsonl and the batch goes on (exit status "
                    "1 when any row failed). CSV and JSONL are streamed; a .json array is read "
                    "whole.")
    batch.add_argument("template", help="template jsonData file")
    batch.add_argument("rows", help="rows: .csv (a header row), .jsonl or .json (an array)")
    batch.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder")
    batch.add_argument("--name", metavar="COLUMN|PATTERN",
                       help="file names: a column's value, or a pattern such as "
                            "'card-{row:05d}-{slug}' ({row} 1-based, {index} 0-based; "
                            "default {row:06d})")
    batch.add_argument("--format", default="png", choices=BATCH_FORMATS)
    batch.add_argument("--quality", type=int, help="1-100, for lossy formats")
    batch.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1),
                       help="rows rendered at once (default: the cores, up to 4)")
    batch.add_argument("--resume", action="store_true",
                       help="skip rows whose file exists with the same render key")
    batch.set_defaults(server_handler=cmd_batch)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "server_handler", None)
    if handler is None:
        from pinrender.cli import run

        return run(parser, argv)
    try:
        return handler(args)
    except (CliError, AccountError) as exc:
        print(f"pinrender: error: {exc}", file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as exc:
        print(f"pinrender: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
