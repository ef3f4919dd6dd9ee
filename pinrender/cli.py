"""The `pinrender` command line: render templates and list fonts.

Public so that an application can extend it: `build_parser()` gives the parser, a program adds its
own subcommands (the server adds `serve` and `keys`, see server/cli.py) and calls `run(parser)`;
the core knows nothing of them.
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
from ._renderer import Renderer

__all__ = ["UsageError", "build_parser", "main", "run"]


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


def _font_paths(args: argparse.Namespace) -> list[Path]:
    """`--font FILE` and `--font-dir DIR`, each checked to be what its flag says."""
    for file in args.font:
        if Path(file).is_dir():
            raise UsageError(f"--font {file}: is a folder; use --font-dir")
    for folder in args.font_dir:
        if Path(folder).exists() and not Path(folder).is_dir():
            raise UsageError(f"--font-dir {folder}: not a folder; use --font")
    return [Path(p) for p in [*args.font, *args.font_dir]]


def _renderer(args: argparse.Namespace) -> Renderer:
    from . import default_renderer

    paths = _font_paths(args)
    return Renderer(fonts=paths) if paths else default_renderer()


def cmd_render(args: argparse.Namespace) -> int:
    layers = _read_json_arg(args.layers, "--layers") if args.layers else None
    data = _renderer(args).render(args.template, layers, variables=_variables(args.var),
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
    from ._text import missing_scripts, shaping_status

    fonts = _renderer(args).services.fonts
    if args.files:
        for face in fonts.faces():
            weight = (f"{face.weight_min}-{face.weight_max}" if face.weight_min != face.weight_max
                      else str(face.weight_min))
            style = "italic" if face.italic else "normal"
            index = f"#{face.index}" if face.path.lower().endswith((".ttc", ".otc")) else ""
            print(f"{face.family}\t{weight}\t{style}\t{face.source}\t{face.path}{index}")
    else:
        for family in fonts.families():
            weights = ",".join(str(w) for w in family.weights)
            italic = " italic" if family.italic else ""
            sources = "+".join(family.sources)
            print(f"{family.name}\t{sources}\t{weights}{italic}\t{len(family.files)} file(s)")
    # The two ways text silently comes out wrong, said where someone checking fonts will look.
    print(f"\nshaping: {shaping_status().describe()}")
    missing = missing_scripts(fonts)
    if missing:
        print("scripts without a font (they render as empty boxes):")
        for script in missing:
            print(f"  {script.name}: install {script.package} (Debian/Ubuntu) or pass a font")
    else:
        print("every checked script has a font")
    return 0


def _add_font_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--font", action="append", default=[], metavar="FILE",
                        help="use this font file too (.ttf .otf .ttc .otc; repeatable)")
    parser.add_argument("--font-dir", action="append", default=[], metavar="DIR",
                        help="use every font file under this folder too (repeatable)")


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
    _add_font_options(render)
    render.set_defaults(handler=cmd_render)

    fonts = commands.add_parser(
        "fonts", help="list the font families pinrender can use, the shaping engine, and the "
        "scripts no font covers")
    fonts.add_argument("--files", action="store_true", help="one line per face with its file")
    _add_font_options(fonts)
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
