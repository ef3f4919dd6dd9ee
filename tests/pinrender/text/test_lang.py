"""`lang`: a BCP 47 tag that picks a CJK font's glyph variants (its `locl` feature)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image, ImageChops

import pinrender
from pinrender._text import default_fonts, missing_scripts

# Characters whose standard forms differ between Japan, mainland China, Taiwan and Korea.
HAN = "直骨海"


def card(lang: str | None, text: str = HAN) -> dict[str, Any]:
    layer: dict[str, Any] = {"type": "text", "name": "t", "x": 0, "y": 0, "width": 400,
                             "height": 100, "fontSize": 64, "text": text}
    if lang is not None:
        layer["lang"] = lang
    return {"canvas": {"width": 400, "height": 100, "background": "#ffffff"}, "layers": [layer]}


def drawn(lang: str | None, text: str = HAN) -> Image.Image:
    return Image.open(io.BytesIO(pinrender.render(card(lang, text)))).convert("L")


def differ(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.difference(a, b).getbbox() is not None


needs_cjk = pytest.mark.skipif(
    any(s.name == "Han" for s in missing_scripts(default_fonts())),
    reason="no CJK font installed (Debian: fonts-noto-cjk)")


@needs_cjk
def test_each_language_draws_its_own_glyph_forms() -> None:
    forms = {lang: drawn(lang) for lang in ("ja", "zh-Hans", "zh-Hant", "ko")}
    langs = list(forms)
    for i, a in enumerate(langs):
        for b in langs[i + 1 :]:
            assert differ(forms[a], forms[b]), (a, b)
    assert not differ(drawn("ja"), forms["ja"])  # deterministic
    assert not differ(drawn("zh-Hans-CN"), forms["zh-Hans"])  # a longer tag keeps its language


@needs_cjk
def test_lang_changes_the_key_but_not_latin_text() -> None:
    assert pinrender.render_key(card("ja")) != pinrender.render_key(card("ko"))
    assert not differ(drawn("ja", "Hello"), drawn(None, "Hello"))


def test_lang_picks_the_hyphenation_dictionary() -> None:
    text = "Donaudampfschifffahrtsgesellschaft Kapitänsmütze"
    lines: dict[str, list[str]] = {}
    for lang in ("de", "en"):
        template = card(lang, text.lower())
        template["layers"][0].update(hyphens="auto", width=260, fontSize=32, height=400)
        lines[lang] = [line.text for line in pinrender.layout(template).layers["t"].lines]
    assert lines["de"] != lines["en"]
    assert any(line.endswith(("-", "\u2010")) for line in lines["de"])


@pytest.mark.parametrize("bad", ["", "j", "ja_JP", "zh Hans", "x" * 40])
def test_a_bad_tag_is_a_template_error(bad: str) -> None:
    with pytest.raises(pinrender.TemplateError) as caught:
        pinrender.layout(card(bad))
    assert "layers.t.lang" in str(caught.value)


@needs_cjk
@pytest.mark.parametrize(("lang", "region"), [("ja", "JP"), ("zh-Hans", "SC"), ("zh-Hant", "TC"),
                                              ("zh-HK", "HK"), ("zh-TW", "TC"), ("ko", "KR")])
def test_a_cjk_fallback_made_for_the_language_is_chosen(lang: str, region: str) -> None:
    from pinrender._text import layout_text

    from .helpers import make_layer

    fonts = default_fonts()
    if not any(f.name.endswith(f" {region}") for f in fonts.families()):
        pytest.skip(f"no CJK family for {region} installed")
    run = layout_text(make_layer(text="直", lang=lang), fonts).lines[0].runs[0]
    assert run.match.face.family.endswith(f" {region}")
    # Other characters keep their usual fallback, whatever the language: "ℏ" is not in Inter,
    # and the CJK faces have it too, but Noto Sans comes first.
    other = layout_text(make_layer(text="ℏ", lang=lang), fonts).lines[0].runs[0]
    assert other.match.face.family == "Noto Sans"
