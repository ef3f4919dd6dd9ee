"""The `pinrender` command: the core's `render` and `fonts`, plus `serve`, `worker`, `keys`,
`tokens` and `batch`.

Expected failures print one line on stderr and exit non-zero; tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .backends import StoreUnavailable
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
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker process writes its samples here; /metrics in any of them sums them all.
        metrics_dir = settings.data_dir / "metrics"
        shutil.rmtree(metrics_dir, ignore_errors=True)  # samples of processes that are gone
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    from .http.slowclients import uvicorn_options

    uvicorn.run("pinrender_server.app:app_factory", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level=args.log_level, access_log=args.access_log,
                log_config=serve_logging(args.log_level), **uvicorn_options(settings))
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Background job workers without the HTTP server: several processes (or machines on one
    database) share the queue, each job leased to one of them at a time."""
    import anyio

    from .app import build_context, close_context, job_runner

    settings = _settings(args)
    count = args.jobs if args.jobs is not None else (settings.jobs.workers or 2)
    if not 1 <= count <= 64:
        raise CliError(f"--jobs {count}: use 1-64")
    settings = settings.model_copy(update={"jobs": settings.jobs.model_copy(update={"workers": count})})
    print(f"pinrender: {count} job workers on {settings.data_dir.resolve()}", file=sys.stderr,
          flush=True)

    async def run() -> None:
        ctx = build_context(settings)
        try:
            await job_runner(ctx).run()
        finally:
            await close_context(ctx)

    anyio.run(run)
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


# -- seed 002: organisation tokens (`pinrender tokens …`) ---------------------------------------
def _org(store, org_id: int):  # type: ignore[no-untyped-def]
    account = store.accounts.get(org_id)
    if account is None:
        raise CliError(f"no organisation with id {org_id}")
    return account


def cmd_tokens_create(args: argparse.Namespace) -> int:
    from .services import orgtokens

    settings, store = _store(args)
    try:
        _org(store, args.org)
        issued = orgtokens.issue(store, args.org, args.name, limit=settings.ext.max_tokens)
    except orgtokens.TokenLimit as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
    print(f"token id {issued.record.id} for organisation {args.org}; shown only once:")
    print(issued.secret)
    return 0


def cmd_tokens_list(args: argparse.Namespace) -> int:
    _, store = _store(args)
    try:
        _org(store, args.org)
        tokens = store.org_tokens.list(args.org)
    finally:
        store.close()
    print("ID\tPREFIX\tSTATUS\tCREATED\tLAST USED\tNAME")
    for t in tokens:
        print("\t".join([t.id, t.prefix + "…", "active" if t.active else "inactive",
                         _when(t.created_at), _when(t.last_used_at), t.name]))
    return 0


def _tokens_change(args: argparse.Namespace, verb: str) -> int:
    from .services import orgtokens

    _, store = _store(args)
    try:
        _org(store, args.org)
        if orgtokens.owned(store, args.org, args.token_id) is None:
            raise CliError(f"no token {args.token_id} in organisation {args.org}")
        if verb == "deleted":
            store.org_tokens.delete(args.token_id)
        else:
            store.org_tokens.set_active(args.token_id, verb == "activated")
    finally:
        store.close()
    print(f"{verb} {args.token_id}")
    return 0


def cmd_tokens_activate(args: argparse.Namespace) -> int:
    return _tokens_change(args, "activated")


def cmd_tokens_deactivate(args: argparse.Namespace) -> int:
    return _tokens_change(args, "deactivated")


def cmd_tokens_delete(args: argparse.Namespace) -> int:
    return _tokens_change(args, "deleted")


def _add_token_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    tokens = commands.add_parser("tokens", help="manage an organisation's API tokens (seed 002)")
    actions = tokens.add_subparsers(dest="tokens_command", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a token (shown once)")
    create.add_argument("--name", default="CLI")
    create.set_defaults(server_handler=cmd_tokens_create)
    listing = actions.add_parser("list", help="list tokens (never their secrets)")
    listing.set_defaults(server_handler=cmd_tokens_list)
    subs = [create, listing]
    for name, handler, text in (
            ("activate", cmd_tokens_activate, "let a token in again"),
            ("deactivate", cmd_tokens_deactivate, "refuse a token from its next request"),
            ("delete", cmd_tokens_delete, "remove a token for good")):
        sub = actions.add_parser(name, help=text)
        sub.add_argument("token_id")
        sub.set_defaults(server_handler=handler)
        subs.append(sub)
    for sub in subs:
        sub.add_argument("--org", type=int, required=True, help="the organisation (account) id")
        sub.add_argument("--data-dir", help=f"data directory ({DATA_DIR_DEFAULT})")
BATCH_FORMATS = ["png", "jpeg", "jpg", "webp", "avif"]


def cmd_batch(args: argparse.Namespace) -> int:
    from .cli_batch import BatchError, run_batch  # loaded for `batch` only

    try:
        return run_batch(args)
    except BatchError as exc:
        raise CliError(str(exc)) from None


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

    worker = commands.add_parser("worker", help="run background job workers (no HTTP server)")
    worker.add_argument("--jobs", type=int, default=None,
                        help="jobs run at once (default: $PINRENDER_JOBS__WORKERS, else 2)")
    worker.add_argument("--data-dir", help=f"data directory ({DATA_DIR_DEFAULT})")
    worker.set_defaults(server_handler=cmd_worker)
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
    _add_token_commands(commands)

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
    except (OSError, sqlite3.Error, StoreUnavailable) as exc:
        print(f"pinrender: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
