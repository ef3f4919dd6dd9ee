"""The server's layers (ARCHITECTURE.md): backends import nothing above them, services only
backends, `http/` no family, and no family another family, so a family's whole surface is its
own package and the shared machinery has one home each."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

SERVER = REPO / "server"
# What each layer may import from inside the server (module-level imports; besides itself).
ALLOWED = {
    "backends": {"settings"},
    "services": {"backends", "settings"},
    "http": {"services", "backends", "settings", "context"},
}


def layer(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "families" and len(parts) > 1 else parts[0]


def imported(path: Path, root: Path = SERVER) -> set[str]:
    """Server modules `path` imports at module level (function-level imports are deliberate
    late bindings, named in a comment where they occur)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    package = parts[:-1]
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            if node.module:
                found.add(".".join([*base, *node.module.split(".")]))
            else:
                found.update(".".join([*base, alias.name]) for alias in node.names)
    return found


def test_each_layer_imports_only_what_is_below_it() -> None:
    files = sorted(SERVER.rglob("*.py"))
    assert len(files) > 40
    offenders = []
    for path in files:
        mine = layer(".".join(path.relative_to(SERVER).with_suffix("").parts))
        for target in imported(path):
            theirs = layer(target)
            if theirs == mine:
                continue
            if mine in ALLOWED and theirs not in ALLOWED[mine]:
                offenders.append(f"{path.relative_to(REPO)} imports {target}")
            if mine.startswith("families.") and theirs.startswith("families"):
                offenders.append(f"{path.relative_to(REPO)} imports another family: {target}")
    assert offenders == []


def test_the_check_sees_a_family_importing_another(tmp_path: Path) -> None:
    (tmp_path / "families" / "hosting").mkdir(parents=True)
    bad = tmp_path / "families" / "hosting" / "x.py"
    bad.write_text("from ..templates.schemas import Thing\nfrom ...backends import Store\n"
                   "def late() -> None:\n    from ..interactive import pages\n")
    assert imported(bad, tmp_path) == {"families.templates.schemas", "backends"}
    assert layer("families.templates.schemas") == "families.templates"
