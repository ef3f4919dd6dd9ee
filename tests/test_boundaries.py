"""The server lives on the core's public API: no file under `server/` imports a private
`pinrender._*` module (or a private name from one), so the core's internals can move freely."""

from __future__ import annotations

import ast

from tests.conftest import REPO


def private_imports(tree: ast.AST) -> list[str]:
    """`pinrender._x` modules and `_x` names from `pinrender` that `tree` imports."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            if parts[0] == "pinrender" and any(p.startswith("_") for p in parts[1:]):
                found.append(module)
    return found


def test_the_check_sees_every_spelling_of_a_private_import() -> None:
    source = """
import pinrender._graph
import pinrender._codecs.probe as p
from pinrender._sources import SourceRef
from pinrender import _geometry
from pinrender.urls import _private
import pinrender
from pinrender import render, urls
from pinrender.urls import sign_path
from ._graph import digest
"""
    assert private_imports(ast.parse(source)) == [
        "pinrender._graph", "pinrender._codecs.probe", "pinrender._sources",
        "pinrender._sources.SourceRef", "pinrender._geometry", "pinrender.urls._private"]


def test_the_server_imports_only_public_pinrender() -> None:
    files = sorted((REPO / "server").rglob("*.py"))
    assert len(files) > 20
    offenders = {str(path.relative_to(REPO)): found for path in files
                 if (found := private_imports(ast.parse(path.read_text(encoding="utf-8"))))}
    assert offenders == {}

