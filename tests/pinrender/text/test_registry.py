from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pinrender._errors import FontError
from pinrender._text import FontRegistry, default_fonts
from pinrender._text.registry import build_registry

from .helpers import FONTS_DIR


def test_bundled_families(fonts: FontRegistry) -> None:
    names = {f.name: f for f in fonts.families()}
    for family in (
        "Inter",
        "Noto Sans",
        "Noto Sans Arabic",
        "Noto Sans Hebrew",
        "Noto Sans Devanagari",
        "Noto Color Emoji",
    ):
        assert names[family].source == "bundled"
    assert names["Inter"].italic and names["Inter"].weights == (100, 900)
    assert all(
        not Path(p).is_absolute() or Path(p).exists() for f in names.values() for p in f.files
    )


def test_check_family(fonts: FontRegistry) -> None:
    fonts.check_family("INTER")
    with pytest.raises(FontError, match="known families include"):
        fonts.check_family("Comic Nope")


def test_register_file_changes_fingerprint(tmp_path: Path) -> None:
    registry = FontRegistry()
    before = registry.fingerprint
    target = tmp_path / "serif.ttf"
    shutil.copy(FONTS_DIR / "noto-serif" / "NotoSerif-Regular.ttf", target)
    registry.register_file(target)
    assert registry.fingerprint != before
    assert [f.source for f in registry.families()] == ["user"]
    registry.check_family("noto serif")


def test_register_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    with pytest.raises(FontError, match="bad.ttf"):
        FontRegistry().register_file(bad)
    with pytest.raises(FontError, match="bad.ttf"):
        FontRegistry().register_folder(tmp_path)  # a user's folder must hold only fonts
    FontRegistry().register_folder(tmp_path, source="system")  # a system's bad file is skipped


def test_user_face_joins_the_bundled_family(tmp_path: Path) -> None:
    registry = build_registry(FONTS_DIR, system=False)
    shutil.copy(FONTS_DIR / "inter" / "Inter-roman.var.ttf", tmp_path / "Inter.ttf")
    registry.register_folder(tmp_path)
    inter = next(f for f in registry.families() if f.name == "Inter")
    assert inter.source == "user" and inter.sources == ("user", "bundled")
    assert len(inter.files) == 3  # the bundled italic stays
    upright, italic = registry.match("Inter", 400, False), registry.match("Inter", 400, True)
    assert upright is not None and upright.face.source == "user"  # a tie goes to the user
    assert italic is not None and italic.face.source == "bundled" and not italic.oblique


def test_weight_matching_follows_css(fonts: FontRegistry) -> None:
    # Noto Sans ships 400 and 700: 600 rounds up to bold, 500 and 300 fall to regular.
    pick = lambda w: fonts.match("Noto Sans", w, False).face.weight_min  # type: ignore[union-attr]
    assert (pick(300), pick(500), pick(600), pick(900)) == (400, 400, 700, 700)
    variable = fonts.match("Inter", 650, False)
    assert variable is not None and variable.weight == 650


def test_default_fonts_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINRENDER_SYSTEM_FONTS", "0")
    monkeypatch.setenv("PINRENDER_FONTS_DIR", str(FONTS_DIR))
    default_fonts.cache_clear()
    try:
        registry = default_fonts()
        assert registry is default_fonts()
        assert {f.source for f in registry.families()} == {"bundled"}
    finally:
        default_fonts.cache_clear()
