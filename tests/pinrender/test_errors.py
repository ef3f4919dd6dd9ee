"""The exception tree drawn in `pinrender._errors`' docstring is the real class hierarchy: every
public error class is drawn once, under its real base class."""

from __future__ import annotations

import re

import pinrender
from pinrender import _errors

_BRANCH = re.compile(r"^(?P<indent>[ │]*)(?:[├└]── )?(?P<name>[A-Z]\w*)\b")


def drawn_tree(doc: str) -> dict[str, str | None]:
    """Each class name in the drawing -> the name drawn as its parent (None at the root)."""
    parents: dict[str, str | None] = {}
    stack: list[tuple[int, str]] = []  # (column of the name, name), outermost first
    for line in doc.splitlines():
        body = line[4:] if line.startswith("    ") else None
        match = _BRANCH.match(body) if body else None
        if match is None:
            continue
        column = match.start("name")
        while stack and stack[-1][0] >= column:
            stack.pop()
        parents[match["name"]] = stack[-1][1] if stack else None
        stack.append((column, match["name"]))
    return parents


def test_the_parser_reads_a_drawing() -> None:
    doc = "x\n\n    A\n    ├── B   text\n    │   └── C\n    └── D\n        └── E\n"
    assert drawn_tree(doc) == {"A": None, "B": "A", "C": "B", "D": "A", "E": "D"}


def test_the_drawing_matches_the_classes() -> None:
    drawn = drawn_tree(_errors.__doc__ or "")
    classes = {name: cls for name, cls in vars(_errors).items()
               if isinstance(cls, type) and issubclass(cls, pinrender.PinrenderError)}
    assert set(drawn) == set(classes)
    for name, cls in classes.items():
        bases = [b.__name__ for b in cls.__bases__ if issubclass(b, pinrender.PinrenderError)]
        assert drawn[name] == (bases[0] if bases else None), name
    assert set(classes) <= set(pinrender.__all__)
