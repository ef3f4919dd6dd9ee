"""Your own fonts: Renderer(fonts=[...]), `--font`/`--font-dir`, PINRENDER_FONT_DIRS, merging a
family's faces across sources, clear errors for bad files, and `pinrender fonts --files`."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

import pinrender
from tests.conftest import decode

from .helpers import FONTS_DIR, renamed_font

BRAND = "Pinrender Test Brand"
REGULAR = FONTS_DIR / "noto-sans" / "NotoSans-Regular.ttf"
BOLD = FONTS_DIR / "noto-sans" / "NotoSans-Bold.ttf"


def card(family: str, weight: int = 400, text: str = "Hamburgefonstiv 123") -> dict[str, Any]:
    return {
        "canvas": {"width": 480, "height": 120, "background": "#ffffff"},
        "layers": [{"name": "title", "type": "text", "x": 10, "y": 10, "width": 460, "height": 100,
                    "text": text, "fontFamily": family, "fontSize": 40, "fontWeight": weight,
                    "color": "#000000"}],
    }


def pixels(data: bytes) -> Image.Image:
    return decode(data).convert("L")


def same(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a, b).getbbox() is None


def dark(image: Image.Image) -> int:
    """How many pixels are mostly ink."""
    return sum(image.histogram()[:128])


@pytest.fixture(scope="module")
def brand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Noto Sans Regular under a family name of its own."""
    return renamed_font(REGULAR, tmp_path_factory.mktemp("brand") / "Brand-Regular.ttf", BRAND)


def test_a_user_font_file_draws_its_family(brand: Path) -> None:
    with pytest.raises(pinrender.FontError, match=BRAND):
        pinrender.render(card(BRAND))  # not known without it
    renderer = pinrender.Renderer(fonts=[brand])
    own = pixels(renderer.render(card(BRAND)))
    # Same outlines as Noto Sans: same pixels, so the brand font itself drew the text.
    assert dark(own) > 500
    assert same(own, pixels(renderer.render(card("Noto Sans"))))
    assert not same(own, pixels(renderer.render(card("Inter"))))
    # For that renderer only: the process-wide fonts are unchanged.
    assert not pinrender.default_fonts().has_family(BRAND)
    assert pinrender.Renderer(fonts=[brand.parent]).layout(card(BRAND)).layers["title"].lines


def test_one_path_is_one_font_not_its_letters(brand: Path) -> None:
    renderer = pinrender.Renderer(fonts=str(brand))  # type: ignore[arg-type]
    assert renderer.services.fonts.has_family(BRAND)


def test_a_family_merges_faces_from_two_sources(tmp_path: Path) -> None:
    # The bundled Noto Serif has one face (regular). A user's bold file of the same family must
    # join it, not hide it: regular text stays the bundled regular, bold text uses the new file.
    bold = renamed_font(BOLD, tmp_path / "Serif-Bold.ttf", "Noto Serif")
    plain = pinrender.Renderer()
    merged = pinrender.Renderer(fonts=[bold])
    assert same(pixels(plain.render(card("Noto Serif", 400))),
                          pixels(merged.render(card("Noto Serif", 400))))
    regular, heavy = (merged.services.fonts.match("Noto Serif", w, False) for w in (400, 700))
    assert regular is not None and regular.face.source == "bundled"
    assert heavy is not None and heavy.face.source == "user" and heavy.face.weight_min == 700
    # Noto Serif has no bold of its own, so without the user's file 700 falls to the regular.
    assert dark(pixels(merged.render(card("Noto Serif", 700)))) > dark(
        pixels(plain.render(card("Noto Serif", 700))))
    family = next(f for f in merged.services.fonts.families() if f.name == "Noto Serif")
    assert family.sources[:2] == ("user", "bundled") and family.weights[:2] == (400, 700)


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    text = tmp_path / "notes.ttf"
    text.write_text("these are not glyphs")
    cut = tmp_path / "cut.ttf"
    cut.write_bytes(REGULAR.read_bytes()[:2000])  # a real header, its tables cut off
    huge = tmp_path / "huge.otf"
    with huge.open("wb") as fh:  # sparse: costs no disk
        fh.write(b"OTTO")
        fh.truncate(65 * 2**20)
    return {
        "not a font": (text, "not a font file"),
        "damaged": (cut, "fontTools cannot parse it"),
        "too large": (huge, "over the 64 MB limit"),
        "missing": (tmp_path / "absent.ttf", "does not exist"),
    }


def test_bad_font_files_raise_font_error_naming_the_file(tmp_path: Path) -> None:
    for what, (path, message) in _bad_files(tmp_path).items():
        with pytest.raises(pinrender.FontError, match=message) as caught:
            pinrender.Renderer(fonts=[path])
        assert path.name in str(caught.value), what
    # A folder of the user's own is checked file by file too: a bad one is named, not skipped.
    folder = tmp_path / "mixed"
    folder.mkdir()
    renamed_font(REGULAR, folder / "ok.ttf", BRAND)
    (folder / "broken.otf").write_bytes(b"OTTO" + b"\0" * 100)
    (folder / "LICENSE.txt").write_text("OFL")  # not a font file name: ignored
    with pytest.raises(pinrender.FontError, match="broken.otf"):
        pinrender.Renderer(fonts=[folder])


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    # Bundled fonts only: scanning the system's fonts would cost each run seconds, not coverage.
    return subprocess.run([sys.executable, "-m", "pinrender", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PINRENDER_SYSTEM_FONTS": "0"})


def test_cli_render_with_font_and_font_dir(tmp_path: Path, brand: Path) -> None:
    template = tmp_path / "card.json"
    template.write_text(json.dumps(card(BRAND)))
    expected = pixels(pinrender.Renderer(fonts=[brand]).render(card(BRAND)))
    for flag, value in (("--font", brand), ("--font-dir", brand.parent)):
        out = tmp_path / f"{flag.strip('-')}.png"
        result = cli("render", str(template), flag, str(value), "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert same(pixels(out.read_bytes()), expected)
    bad = _bad_files(tmp_path)["damaged"][0]
    result = cli("render", str(template), "--font", str(bad), "-o", str(tmp_path / "x.png"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("pinrender: error:") and "cut.ttf" in result.stderr
    assert not (tmp_path / "x.png").exists()
    result = cli("render", str(template), "--font", str(brand.parent), "-o", "-")
    assert result.returncode == 2 and "use --font-dir" in result.stderr


def test_fonts_files_lists_each_face_with_its_file(brand: Path) -> None:
    result = cli("fonts", "--files", "--font", str(brand))
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines() if line.count("\t") == 4]
    assert [BRAND, "400", "normal", "user", str(brand.resolve())] in rows
    inter = [r for r in rows if r[0] == "Inter"]
    assert {(r[1], r[2]) for r in inter} == {("100-900", "normal"), ("100-900", "italic")}
    assert all(Path(r[4].split("#")[0]).is_file() for r in rows)


def test_server_setting_font_dirs(tmp_path: Path, brand: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from pinrender_server.app import build_renderer
    from pinrender_server.settings import Settings

    other = tmp_path / "more"
    renamed_font(BOLD, other / "Other-Bold.ttf", "Pinrender Other")
    monkeypatch.setenv("PINRENDER_FONT_DIRS", os.pathsep.join([str(brand.parent), str(other)]))
    settings = Settings(data_dir=tmp_path / "data", load_examples=False, allowed_hosts=["testserver"])
    assert settings.font_dirs == [brand.parent, other]
    asyncio.run(_render_through_the_app(settings, brand))
    monkeypatch.setenv("PINRENDER_FONT_DIRS", str(tmp_path / "nowhere"))
    with pytest.raises(ValueError, match="no such font file or folder"):
        Settings(data_dir=tmp_path / "data")
    bad = _bad_files(tmp_path)["not a font"][0]
    monkeypatch.setenv("PINRENDER_FONT_DIRS", f'["{bad}"]')
    with pytest.raises(pinrender.FontError, match="notes.ttf"):
        build_renderer(Settings(data_dir=tmp_path / "data"))  # the server would not start


async def _render_through_the_app(settings: Any, brand: Path) -> None:
    from tests.server.conftest import open_api

    async with open_api(settings) as api:
        key = api.key()
        for layout, expected in ((card(BRAND), pinrender.Renderer(fonts=[brand]).render(card(BRAND))),
                                 (card("Pinrender Other", 700), None)):
            template = await api.create(key, layout)
            r = await api.client.get("/api/render", params={"templateId": template["id"],
                                                            "format": "png"})
            assert r.status_code == 200, r.text
            assert dark(pixels(r.content)) > 500
            if expected is not None:
                assert same(pixels(r.content), pixels(expected))
