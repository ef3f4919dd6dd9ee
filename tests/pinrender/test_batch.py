"""pinrender.render_many: one result per row in input order, rows read lazily, a bounded window,
one shared cache (a shared background decoded once), bad rows reported with their column."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import pinrender
from tests.images import close, jpeg

pytestmark = pytest.mark.timeout(120)


def card(background: bytes) -> dict[str, Any]:
    return {
        "canvas": {"width": 320, "height": 160,
                   "background": {"type": "image", "image_url": background, "objectFit": "cover"}},
        "layers": [
            {"name": "title", "type": "text", "x": 10, "y": 10, "width": 300, "height": 60,
             "text": "{{title}}", "fontSize": 24, "color": "#ffffff"},
            {"name": "badge", "type": "rect", "x": 280, "y": 120, "width": 30, "height": 30,
             "fill": "#00ff00"},
        ],
        "variables": [{"name": "title", "default": "Untitled"}],
    }


@pytest.fixture(scope="module")
def background() -> bytes:
    return jpeg(640, 480)


def decoded(data: bytes | None) -> Image.Image:
    assert data is not None
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_one_result_per_row_in_input_order_and_the_background_decoded_once(
        background: bytes, workers: int) -> None:
    renderer = pinrender.Renderer()
    rows = [{"title": f"Card number {i}", "slug": f"c{i}"} for i in range(40)]
    results = list(pinrender.render_many(card(background), rows, workers=workers,
                                         renderer=renderer))
    assert [r.index for r in results] == list(range(40))
    assert [r.row["slug"] for r in results] == [f"c{i}" for i in range(40)]
    assert all(r.ok and not r.skipped for r in results)
    assert len({r.key for r in results}) == 40  # each title its own render
    for r in results[:3]:
        image = decoded(r.data)
        assert image.size == (320, 160)
        assert close(image.getpixel((295, 135)), (0, 255, 0), tolerance=10)
    assert renderer.stats["decode"] == 1  # one background, 40 cards
    assert renderer.stats["encode"] == 40
    # The same bytes as rendering each row on its own.
    alone = pinrender.Renderer().render(card(background), variables={"title": "Card number 7"})
    assert results[7].data == alone


def test_dotted_columns_override_layer_properties(background: bytes) -> None:
    rows = [{"title": "Red badge", "badge.fill": "#ff0000", "title.fontSize": "30"},
            {"title": "Template badge", "badge.fill": ""},  # an empty cell keeps the template's
            {"badge": {"fill": "#0000ff"}}]
    results = list(pinrender.render_many(card(background), rows, renderer=pinrender.Renderer()))
    colours = [decoded(r.data).getpixel((295, 135)) for r in results]
    assert close(colours[0], (255, 0, 0), tolerance=10)
    assert close(colours[1], (0, 255, 0), tolerance=10)
    assert close(colours[2], (0, 0, 255), tolerance=10)


def test_a_bad_row_reports_its_column_and_the_batch_goes_on(background: bytes) -> None:
    rows = [{"title": "fine"}, {"title": "bad size", "title.fontSize": "huge"},
            {"title": "bad colour", "badge.fill": "not-a-colour"}, "not a row", {"title": "ok"}]
    results = list(pinrender.render_many(card(background), rows, workers=2,
                                         renderer=pinrender.Renderer()))
    assert [r.ok for r in results] == [True, False, False, False, True]
    assert results[1].column == "title.fontSize"
    assert isinstance(results[1].error, pinrender.TemplateError)
    assert "fontSize" in str(results[1].error)
    assert results[2].column == "badge.fill"
    assert results[3].column is None and "object of columns" in str(results[3].error)
    assert results[4].data is not None


def test_columns_says_which_columns_are_ignored(background: bytes) -> None:
    reads = pinrender._batch.columns(card(background), ["title", "badge.fill", "slug", "x.y"])
    assert reads.ignored == ("slug", "x.y")


def test_rows_are_read_lazily_within_a_bounded_window(background: bytes) -> None:
    taken = 0
    lock = threading.Lock()

    def rows() -> Iterator[dict[str, str]]:
        nonlocal taken
        for i in range(10_000):
            with lock:
                taken += 1
            yield {"title": f"row {i}"}

    results = pinrender.render_many(card(background), rows(), workers=2, window=4,
                                    renderer=pinrender.Renderer())
    seen = [next(results) for _ in range(5)]
    assert [r.index for r in seen] == list(range(5))
    assert taken <= 5 + 4  # what was yielded plus the window, never the 10,000
    results.close()


def test_skip_is_asked_with_the_key_before_rendering(background: bytes) -> None:
    renderer = pinrender.Renderer()
    template = card(background)
    done = {pinrender.Renderer().render_key(template, variables={"title": "b"})}
    results = list(pinrender.render_many(template, [{"title": t} for t in "abc"],
                                         renderer=renderer, skip=lambda i, row, key: key in done))
    assert [r.skipped for r in results] == [False, True, False]
    assert results[1].data is None and results[1].key in done
    assert renderer.stats["encode"] == 2


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from(["ok", "bad"]), max_size=12), st.integers(1, 3))
def test_order_and_errors_hold_for_any_mix_of_rows(kinds: list[str], workers: int) -> None:
    # Rect-only template: cheap, so hypothesis can try many mixes.
    template = {"canvas": {"width": 8, "height": 8, "background": "#000000"},
                "layers": [{"name": "box", "type": "rect", "width": 8, "height": 8,
                            "fill": "#ffffff"}]}
    rows = [{"box.fill": "#123456" if k == "ok" else "nope", "n": i} for i, k in enumerate(kinds)]
    results = list(pinrender.render_many(template, rows, workers=workers, window=2,
                                         renderer=pinrender.Renderer()))
    assert [r.row["n"] for r in results] == list(range(len(kinds)))
    assert [r.ok for r in results] == [k == "ok" for k in kinds]
    assert all(r.column == "box.fill" for r in results if not r.ok)


def test_the_template_and_options_are_checked_when_called(background: bytes) -> None:
    with pytest.raises(pinrender.TemplateError):
        pinrender.render_many({"canvas": {"width": 0, "height": 10}}, [{}])
    with pytest.raises(pinrender.TemplateError, match="format"):
        pinrender.render_many(card(background), [{}], format="bmp-ish")
    with pytest.raises(pinrender.TemplateError, match="quality"):
        pinrender.render_many(card(background), [{}], format="webp", quality=0)
    with pytest.raises(ValueError, match="workers"):
        pinrender.render_many(card(background), [{}], workers=0)
