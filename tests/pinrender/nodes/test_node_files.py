"""Every node kind has its own test file here, `test_node_<kind>.py`, as imgproxy gives every
processing step its own test: a new kind without one fails this test."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pinrender._nodes
from pinrender._graph import Node


def node_kinds() -> set[str]:
    kinds = set()
    for info in pkgutil.walk_packages(pinrender._nodes.__path__, "pinrender._nodes."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Node) and cls.__module__ == info.name and "kind" in cls.__dict__:
                kinds.add(cls.kind)
    return kinds


def test_every_node_kind_has_a_test_file() -> None:
    kinds = node_kinds()
    assert {"source", "decode", "encode", "over"} <= kinds
    here = Path(__file__).parent
    missing = sorted(kind for kind in kinds if not (here / f"test_node_{kind}.py").is_file())
    assert missing == []
