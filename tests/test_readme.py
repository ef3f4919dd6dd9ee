"""The README works as written: its Python and shell blocks run (twice, from a folder outside the
repository, with no network), its template validates, its command synopsis matches the CLI, and its
set-up commands stay two, the second being the one `.ci/run` ends with.

A block is left out only when the line before it is `<!-- readme-test: skip ... -->`; those are the
two set-up commands (they install things; `.ci/run` runs them) and nothing else.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

import pinrender
from pinrender_server.cli import build_parser
from tests.conftest import EXAMPLES, REPO

README = REPO / "README.md"
SKIP = "<!-- readme-test: skip"
SHELL = {"sh", "bash", "shell", "console"}


@dataclass(frozen=True)
class Block:
    lang: str
    code: str
    line: int  # where the block starts in README.md, for failure messages
    section: str
    skip: bool

    def __str__(self) -> str:
        return f"README.md:{self.line} ({self.section})"


def read_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    section, previous, lines = "", "", text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section = line[3:].strip()
        if line.startswith("```"):
            start, lang = i, line[3:].strip()
            i += 1
            body: list[str] = []
            while not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            blocks.append(Block(lang, "\n".join(body) + "\n", start + 1, section,
                                previous.startswith(SKIP)))
        if line.strip():
            previous = line.strip()
        i += 1
    return blocks


BLOCKS = read_blocks(README.read_text(encoding="utf-8"))


def of(*langs: str) -> list[Block]:
    return [b for b in BLOCKS if b.lang in langs and not b.skip]


def commands(code: str) -> list[str]:
    """Shell lines with continuations joined, without comments and blank lines."""
    joined = re.sub(r"\\\n\s*", " ", code)
    return [c.split(" #", 1)[0].strip() for c in joined.splitlines()
            if c.strip() and not c.lstrip().startswith("#")]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder outside the repository holding what the README refers to (`examples/`)."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    (cwd / "examples").symlink_to(EXAMPLES, target_is_directory=True)
    return cwd


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINRENDER_")}
    env.update(PINRENDER_DATA_DIR=str(tmp_path / "data"), HOME=str(tmp_path / "home"),
               # The README's examples use the bundled fonts; scanning the system's takes seconds
               # in every one of the processes started here.
               PINRENDER_SYSTEM_FONTS="0")
    return env


def test_setup_is_two_commands_and_ci_ends_with_the_test_command() -> None:
    setup = [b for b in BLOCKS if b.section == "Set-up" and b.lang in SHELL]
    assert len(setup) == 2, [str(b) for b in setup]
    serve, test = (commands(b.code) for b in setup)
    assert len(serve) == len(test) == 1
    assert serve[0].endswith("pinrender serve") and test[0].endswith("pytest")
    assert [b for b in BLOCKS if b.skip] == setup, "only the set-up commands may be skipped"
    ci = [c for c in commands((REPO / ".ci" / "run").read_text()) if c]
    assert ci[-1] == test[0]


RUNNER = r"""
import io, json, socket, sys

def refuse(*args, **kwargs):
    raise OSError("README examples must not reach the network")

socket.socket.connect = refuse
socket.create_connection = refuse

from PIL import Image

code = compile(open(sys.argv[1], encoding="utf-8").read(), sys.argv[2], "exec")
for _ in range(2):  # cold, then warm: every documented call works more than once
    scope = {"__name__": "__main__"}
    exec(code, scope)
sizes = {}
for name, value in scope.items():
    if isinstance(value, bytes):
        with Image.open(io.BytesIO(value)) as image:
            image.load()
            sizes[name] = image.size
print(json.dumps(sizes))
"""


@pytest.mark.parametrize("block", of("python"), ids=str)
def test_python_block_runs_twice(block: Block, workdir: Path, tmp_path: Path) -> None:
    script = tmp_path / "block.py"
    script.write_text(block.code, encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", RUNNER, str(script), str(block)], cwd=workdir,
                            env=environment(tmp_path), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{block}\n{result.stderr[-3000:]}"
    sizes = json.loads(result.stdout.strip().splitlines()[-1])
    # Every image a block makes (bytes left in its namespace) decoded whole, with a real size.
    makes = block.code.count("pinrender.render(") + block.code.count("pinrender.transform(")
    assert len(sizes) >= makes, (block, sizes)
    for name, (width, height) in sizes.items():
        assert width > 0 and height > 0, name


@pytest.mark.parametrize("block", of(*SHELL), ids=str)
def test_shell_block_runs_twice(block: Block, workdir: Path, tmp_path: Path) -> None:
    lines = commands(block.code)
    for line in lines:
        assert line.startswith("pinrender "), f"{block}: {line!r} is not a pinrender command"
    shim = tmp_path / "bin" / "pinrender"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m pinrender "$@"\n')
    shim.chmod(0o755)
    env = environment(tmp_path)
    env["PATH"] = f"{shim.parent}{os.pathsep}{env.get('PATH', '')}"
    outputs = [Path(m) for line in lines for m in re.findall(r"(?:-o|>)\s+([^\s-][^\s]*)", line)]
    for _ in range(2):  # a second run meets the first one's files, keys and caches
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(lines)], cwd=workdir,
                                env=env, capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, f"{block}\n{result.stderr[-3000:]}"
        for output in outputs:
            with Image.open(io.BytesIO((workdir / output).read_bytes())) as image:
                image.load()
            (workdir / output).unlink()
    if any(line.startswith("pinrender keys create") for line in lines):
        assert (tmp_path / "data" / "pinrender.db").exists()  # the data dir the README names


@pytest.mark.parametrize("block", [b for b in of("json") if '"canvas"' in b.code], ids=str)
def test_template_block_validates(block: Block) -> None:
    pinrender.parse_template(json.loads(block.code))


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser | None = action.choices.get(name)
            return found
    return None


def test_command_synopsis_matches_the_cli() -> None:
    synopsis = [b for b in BLOCKS if b.section == "Command line" and b.lang == "text"]
    assert synopsis
    checked = 0
    for block in synopsis:
        for line in commands(block.code):
            for command in line.split(" | "):
                words = command.split()
                assert words[0] == "pinrender", command
                parser = build_parser()
                for word in words[1:]:
                    sub = _subparser(parser, word)
                    if sub is None:
                        break
                    parser = sub
                assert parser.prog != "pinrender", f"{command}: no such subcommand"
                for option in re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", command):
                    assert option in parser._option_string_actions, f"{command}: {option}?"
                checked += 1
    assert checked >= 5
