"""What the offline backend says is about its input: hotspots land on the shapes of a synthetic
image (one per shape, titled by colour and position), concepts and prompts carry the input's key
words, article spots pick the relevant headings, placeholders decode at every ratio and quality."""

from __future__ import annotations

import io
from typing import Any

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

import pinrender
from pinrender_server.backends.ai import ASPECT_RATIOS, QUALITIES, Concept, HotspotDraft, OfflineBackend, image_size
from pinrender_server.backends.ai.placeholder import LABEL, palette

# Bounding boxes in percent (left, top, right, bottom) of the shapes drawn by `shapes()`.
RED_CIRCLE = (5.0, 7.5, 25.0, 37.5)
BLUE_SQUARE = (70.8, 62.5, 91.7, 93.75)
GREEN_TRIANGLE = (40.0, 35.0, 60.0, 65.0)


def shapes(width: int = 1200, height: int = 800, background: str = "white") -> bytes:
    picture = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(picture)
    sx, sy = width / 1200, height / 800  # the same drawing at any size
    draw.ellipse((60 * sx, 60 * sy, 300 * sx, 300 * sy), fill=(220, 30, 30))
    draw.rectangle((850 * sx, 500 * sy, 1100 * sx, 750 * sy), fill=(30, 60, 220))
    draw.polygon([(600 * sx, 280 * sy), (480 * sx, 520 * sy), (720 * sx, 520 * sy)], fill=(30, 170, 60))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def call(method: str, *args: Any, **kwargs: Any) -> Any:
    async def main() -> Any:
        return await getattr(OfflineBackend(), method)(*args, **kwargs)

    return anyio.run(main)


def inside(spot: HotspotDraft, box: tuple[float, float, float, float]) -> bool:
    return box[0] <= spot.x <= box[2] and box[1] <= spot.y <= box[3]


def test_one_hotspot_per_shape_inside_it() -> None:
    found = call("suggest_hotspots", shapes(), prompt=None, max_hotspots=8)
    assert len(found) == 3
    for box, colour, where in ((RED_CIRCLE, "red", "top left"), (BLUE_SQUARE, "blue", "bottom right"),
                               (GREEN_TRIANGLE, "green", "centre")):
        [spot] = [s for s in found if inside(s, box)]
        assert colour in spot.title and spot.title.endswith(where), spot.title
        assert "white background" in spot.description


def test_hotspots_on_a_dark_background_and_a_huge_image() -> None:
    found = call("suggest_hotspots", shapes(6000, 4000, background="black"), prompt=None, max_hotspots=8)
    assert len(found) == 3
    for box in (RED_CIRCLE, BLUE_SQUARE, GREEN_TRIANGLE):
        [spot] = [s for s in found if inside(s, box)]
        assert "black background" in spot.description


def test_max_hotspots_and_current_ones_are_respected() -> None:
    image = shapes()
    assert len(call("suggest_hotspots", image, prompt=None, max_hotspots=1)) == 1
    red = HotspotDraft(15.0, 22.5, "mine")
    found = call("suggest_hotspots", image, prompt=None, max_hotspots=8, current=[red])
    assert len(found) == 2 and not any(inside(s, RED_CIRCLE) for s in found)


def test_a_photo_gets_hotspots_on_its_salient_parts() -> None:
    from tests.conftest import REPO

    found = call("suggest_hotspots", (REPO / "examples/photos/astronaut.jpg").read_bytes(), prompt=None,
                 max_hotspots=8)
    assert 3 <= len(found) <= 8
    # The orange suit fills the lower left: a hotspot there says so by its colour.
    assert any(s.x < 50 and s.y > 50 and ("orange" in s.title or "red" in s.title) for s in found)
    assert all("from the rest of the picture" in s.description for s in found)


def test_a_colour_in_the_prompt_picks_that_region_first() -> None:
    [green] = call("suggest_hotspots", shapes(), prompt="the green triangle", max_hotspots=1)
    assert inside(green, GREEN_TRIANGLE)
    [largest] = call("suggest_hotspots", shapes(), prompt="the triangle", max_hotspots=1)
    assert inside(largest, BLUE_SQUARE)


def test_a_heading_is_found_on_its_own_line_not_in_the_intro() -> None:
    article = ("We compare heat pumps and boilers.\n\n## Heat pumps\n\nA heat pump moves heat outdoors to indoors."
               "\n\n## Boilers\n\nA gas boiler burns gas.")
    first, second = call("locate_spots", article, headings=["Heat pumps", "Boilers"], count=2)
    assert "moves heat" in first.concept and "burns gas" in second.concept


def encoded(picture: Image.Image, format: str = "PNG") -> bytes:
    out = io.BytesIO()
    picture.save(out, format)
    return out.getvalue()


@pytest.mark.parametrize("picture", [Image.new("RGB", (300, 200), (128, 128, 128)), Image.new("RGB", (1, 1), "red"),
                                     Image.new("RGBA", (64, 64), (255, 0, 0, 0)), Image.new("L", (9, 3), 40)])
def test_a_flat_image_gets_no_invented_hotspots(picture: Image.Image) -> None:
    assert call("suggest_hotspots", encoded(picture), prompt=None, max_hotspots=5) == []


def test_noise_gets_one_point_of_interest_at_most() -> None:
    found = call("suggest_hotspots", encoded(Image.effect_noise((200, 200), 60).convert("RGB")), prompt=None,
                 max_hotspots=5)
    assert all(s.title.startswith("Point of interest") for s in found) and len(found) <= 1


@pytest.mark.parametrize("turn", [0, 90])
def test_a_thin_strip_is_analysed(turn: int) -> None:
    strip = Image.new("RGB", (3000, 10), "white")
    ImageDraw.Draw(strip).rectangle((100, 0, 400, 10), fill="red")
    [spot] = call("suggest_hotspots", encoded(strip.rotate(turn, expand=True)), prompt=None, max_hotspots=5)
    assert "red" in spot.title
    along = spot.x if turn == 0 else 100 - spot.y
    assert 3 <= along <= 14


def test_a_damaged_image_is_an_ai_error() -> None:
    from pinrender_server.backends.ai import AIError

    with pytest.raises(AIError, match="could not be read"):
        call("suggest_hotspots", shapes()[:300], prompt=None, max_hotspots=3)


ARTICLE = """Our town is switching to clean energy, street by street.

## Heat pumps

A heat pump moves warmth from the outside air into the house. Heat pumps stay efficient through
mild winters, and the compressor runs on electricity.

## Rooftop solar panels

Solar panels on the roof turn sunlight into electricity. Photovoltaic panels work best facing south.

## Parking permits

The council office opens at nine. Bring your permit form and a utility bill.

## Home batteries

A home battery stores the solar electricity for the evening, when the heat pump runs most."""
HEADINGS = ["Heat pumps", "Rooftop solar panels", "Parking permits", "Home batteries"]


def test_locate_spots_picks_the_relevant_headings_in_order() -> None:
    spots = call("locate_spots", ARTICLE, headings=HEADINGS, count=3)
    assert [(s.after, s.kind, s.index) for s in spots] == [
        ("Heat pumps", "heading", 0), ("Rooftop solar panels", "heading", 1), ("Home batteries", "heading", 3)]
    assert "heat pump" in spots[0].concept.lower()
    assert "solar" in spots[1].concept.lower()
    assert "battery" in spots[2].concept.lower()


def test_locate_spots_finds_markdown_headings_or_uses_paragraphs() -> None:
    spots = call("locate_spots", ARTICLE, headings=[], count=1)
    assert spots[0].kind == "heading" and spots[0].after in HEADINGS[:2] + HEADINGS[3:]
    plain = ("Sourdough bread needs a lively starter.\n\nThe weather was grey.\n\n"
             "Feed the sourdough starter flour and water, then bake the bread hot.")
    spots = call("locate_spots", plain, headings=[], count=2)
    assert [(s.kind, s.index) for s in spots] == [("paragraph", 0), ("paragraph", 2)]
    assert spots[0].after.startswith("Sourdough bread") and "sourdough" in spots[1].concept.lower()
    assert call("locate_spots", plain, headings=[], count=10)[-1].index == 2  # no more spots than paragraphs


def test_concepts_are_about_the_article() -> None:
    concepts = call("suggest_concepts", page_content=ARTICLE)
    assert 2 <= len(concepts) <= 5
    text = " ".join(f"{c.title} {c.summary}" for c in concepts).lower()
    for word in ("heat pump", "solar", "batter"):
        assert word in text
    assert all(c.summary for c in concepts)


def test_concepts_from_a_purpose_alone() -> None:
    concepts = call("suggest_concepts", purpose="A lighthouse")
    assert len(concepts) == 2 and all("lighthouse" in f"{c.title} {c.summary}".lower() for c in concepts)
    concepts = call("suggest_concepts", purpose="Hero image for a bakery selling sourdough bread and croissants")
    text = " ".join(c.title for c in concepts).lower()
    assert "sourdough" in text and "croissants" in text and "bakery" in text


@pytest.mark.parametrize(("purpose", "words"), [
    ("🦊 fox emoji party", ["fox", "emoji", "party"]),
    ("東京の夜景と赤い提灯", ["東京", "夜景", "提灯"]),  # ICU splits words without spaces
])
def test_every_key_word_of_a_short_purpose_reaches_a_concept(purpose: str, words: list[str]) -> None:
    titles = " ".join(c.title for c in call("suggest_concepts", purpose=purpose)).lower()
    assert all(word in titles for word in words), titles


def test_concepts_are_deterministic() -> None:
    assert call("suggest_concepts", page_content=ARTICLE) == call("suggest_concepts", page_content=ARTICLE)


def test_expanded_prompts_carry_the_concept_and_the_context() -> None:
    concept = Concept("c1", "Rooftop solar", "Solar panels on a red tile roof")
    expanded = call("expand_concept", concept, page_content=ARTICLE)
    for word in ("Rooftop", "solar", "panels", "red", "tile", "roof", "Composition:", "Lighting:", "Style:"):
        assert word in expanded.prompt
    assert "heat" in expanded.prompt.lower()  # from the article around it
    assert expanded.aspect_ratio in ASPECT_RATIOS
    assert call("expand_concept", "a wide panorama of wind turbines").aspect_ratio == "16:9"
    assert call("expand_concept", "a portrait of a baker", aspect_ratio="2:3").aspect_ratio == "2:3"


def test_detailed_prompt_from_a_purpose() -> None:
    prompt = call("detailed_prompt", "Banner for a cycling club's summer race in the Alps")
    for word in ("cycling", "club", "summer", "race", "Alps"):
        assert word in prompt


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=300).filter(lambda t: t.strip()))
def test_any_text_gives_conforming_concepts_and_prompts(text: str) -> None:
    concepts = call("suggest_concepts", purpose=text)
    assert 2 <= len(concepts) <= 5 and len({c.id for c in concepts}) == len(concepts)
    assert call("detailed_prompt", text).strip()
    assert isinstance(call("locate_spots", text, headings=[text[:10]], count=3), list)


@pytest.mark.parametrize("ratio", sorted(ASPECT_RATIOS))
def test_placeholders_decode_at_every_ratio(ratio: str) -> None:
    image = call("generate_image", "A red fox in the snow", model="mini", quality="low", aspect_ratio=ratio)
    info = pinrender.verify(image.data)
    a, b = ASPECT_RATIOS[ratio]
    assert (info.width, info.height) == (image.width, image.height) == image_size(ratio, "low")
    assert info.width * b == info.height * a and max(info.width, info.height) <= 1024
    assert image.placeholder and image.media_type == "image/webp" and image.model == "offline-placeholder"


@pytest.mark.parametrize("quality", QUALITIES)
def test_quality_sets_the_size(quality: str) -> None:
    image = call("generate_image", "A red fox", model="ultra", quality=quality, aspect_ratio="4:3")
    assert (image.width, image.height) == image_size("4:3", quality)
    assert max(image.width, image.height) == {"low": 1024, "medium": 1536, "high": 2048, "auto": 1536}[quality]


def test_the_placeholder_shows_the_prompt_colours() -> None:
    assert palette("a red fox on green grass") == ("#dc2626", "#16a34a")
    image = call("generate_image", "a red fox on green grass", model="mini", quality="low", aspect_ratio="1:1")
    import pyvips

    pixels = pyvips.Image.new_from_buffer(image.data, "")
    edge = [pixels.getpoint(x, y)[:3] for x in (2, pixels.width // 2, pixels.width - 3)
            for y in (2, pixels.height // 2, pixels.height - 3)]
    assert any(r > 150 and g < 90 for r, g, _ in edge)  # the red end of the gradient
    assert any(g > 120 and r < 90 for r, g, _ in edge)  # and the green one
    assert palette("same text") == palette("same text") != palette("other text")
    assert LABEL == "placeholder — offline AI"


@pytest.mark.parametrize(("prompt", "ratio"), [("a wide banner of the harbour", "16:9"),
                                               ("a portrait of a baker", "3:4"), ("a cup of tea", "1:1")])
def test_auto_ratio_follows_the_prompt(prompt: str, ratio: str) -> None:
    image = call("generate_image", prompt, model="mini", quality="low", aspect_ratio="auto")
    assert (image.width, image.height) == image_size(ratio, "low")


HTML_ARTICLE = """<html><head><style>.x{color:red}</style><script>var tracking = "analytics";</script></head>
<body><article><h1>Going electric</h1><p>Our town is switching to <strong>clean energy</strong>, street by street.</p>
<h2>Heat pumps</h2><p>A heat pump moves warmth from the outside air into the house &amp; stays efficient.</p>
<h2 class="title">Rooftop solar panels</h2><p>Solar panels on the roof turn sunlight into electricity.</p>
<h2>Parking permits</h2><div class="note">The council office opens at nine.</div></article></body></html>"""


def test_an_html_article_is_read_as_its_text() -> None:
    spots = call("locate_spots", HTML_ARTICLE, headings=[], count=2)
    assert [s.after for s in spots] == ["Heat pumps", "Rooftop solar panels"]
    concepts = call("suggest_concepts", page_content=HTML_ARTICLE)
    text = " ".join(f"{c.title} {c.summary}" for c in concepts).lower()
    assert "solar panels" in text and "heat pump" in text
    for markup in ("<", "strong", "class", "analytics", "color", "&amp;"):
        assert markup not in text
    prompt = call("expand_concept", "a heat pump", page_content=HTML_ARTICLE).prompt
    assert "analytics" not in prompt and "strong" not in prompt


def test_descriptions_read_as_english() -> None:
    from pinrender_server.backends.ai.vision import Region, describe

    for rgb in ((240, 140, 20), (220, 30, 30), (30, 60, 220)):  # orange, red, blue
        title, text = describe(Region(50, 50, 0.1, rgb, (40, 40, 60, 60), 1.0), (255, 255, 255))
        article, name = text.split(" ")[:2]
        assert article == ("An" if name[0] in "aeiou" else "A"), text
