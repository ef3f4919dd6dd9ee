"""The `pinrender` command line: render templates and list fonts.

The server adds `serve` and `keys` to this parser (see server/cli.py); the core knows nothing of it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ._errors import PinrenderError


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


def _read_json_arg(value: str, what: str) -> Any:
    """`--layers` takes JSON inline or `@file.json`."""
    if value.startswith("@"):
        try:
            value = Path(value[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{what}: cannot read {value[1:]}: {exc.strerror}") from None
    try:
        return json.loads(value)
    except ValueError as exc:
        raise UsageError(f"{what}: not valid JSON: {exc}") from None


def _variables(pairs: Sequence[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--var {pair!r}: use name=value")
        result[name] = value
    return result


def cmd_render(args: argparse.Namespace) -> int:
    from . import default_renderer

    layers = _read_json_arg(args.layers, "--layers") if args.layers else None
    data = default_renderer().render(args.template, layers, variables=_variables(args.var),
                                     format=args.format, quality=args.quality)
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        out = Path(args.output)
        tmp = out.with_name(f".{out.name}.tmp")
        try:
            tmp.write_bytes(data)
            tmp.replace(out)
        except OSError as exc:
            raise UsageError(f"-o {out}: cannot write: {exc.strerror}") from None
    return 0


def cmd_fonts(args: argparse.Namespace) -> int:
    from ._text import default_fonts

    for family in default_fonts().families():
        weights = ",".join(str(w) for w in family.weights)
        italic = " italic" if family.italic else ""
        print(f"{family.name}\t{family.source}\t{weights}{italic}\t{len(family.files)} file(s)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pinrender",
                                     description="Render templated images and transform photos.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    render = commands.add_parser("render", help="render a template JSON file to an image")
    render.add_argument("template", help="template jsonData file")
    render.add_argument("--layers", help="layer overrides as JSON, or @file.json")
    render.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                        help="set a template variable (repeatable)")
    render.add_argument("--format", default="png", choices=["png", "jpeg", "jpg", "webp", "avif"])
    render.add_argument("--quality", type=int, help="1-100, for lossy formats")
    render.add_argument("-o", "--output", required=True, help="output file, or - for stdout")
    render.set_defaults(handler=cmd_render)

    fonts = commands.add_parser("fonts", help="list the font families pinrender can use")
    fonts.set_defaults(handler=cmd_fonts)
    return parser


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> int:
    """Parse and dispatch; expected failures become one line on stderr, never a traceback."""
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (PinrenderError, UsageError) as exc:
        print(f"pinrender: error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, UsageError) else 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`pinrender fonts | head`): not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
