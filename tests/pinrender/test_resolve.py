"""Resolve: overrides, variables and limits become one validated template, or a TemplateError
that names the field."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinrender import DEFAULT_LIMITS, Limits, TemplateError, parse_template, resolve

TEMPLATE: dict[str, Any] = {
    "canvas": {"width": 1200, "height": 630, "background": "#fff"},
    "layers": [
        {"name": "title", "type": "text", "x": 10, "y": 20, "width": 1000, "height": 200,
         "text": "Hello {{who}}", "fontSize": 64},
        {"name": "logo", "type": "image", "width": 120, "height": 120},
        {"name": "box", "type": "rect", "width": 50, "height": 50, "fill": "red"},
    ],
    "variables": [{"name": "who", "default": "world"}],
}


def error_path(layers: Any = None, variables: Any = None, template: Any = TEMPLATE,
               limits: Limits = DEFAULT_LIMITS) -> str:
    with pytest.raises(TemplateError) as info:
        resolve(template, layers, variables=variables, limits=limits)
    return info.value.path


def test_overrides_replace_properties_and_keep_the_rest() -> None:
    spec = resolve(TEMPLATE, {"title": {"text": "Hi", "fontSize": 48, "color": "#000000"},
                              "logo": {"image_url": "https://example.com/a.png",
                                       "borderRadius": 60}})
    title = spec.layer("title")
    assert title is not None and title.text == "Hi" and title.fontSize == 48
    assert title.x == 10 and title.width == 1000  # untouched fields survive
    logo = spec.layer("logo")
    assert logo is not None and logo.borderRadius == 60


def test_variables_fill_placeholders_with_defaults_as_fallback() -> None:
    assert resolve(TEMPLATE).layer("title").text == "Hello world"  # type: ignore[union-attr]
    spec = resolve(TEMPLATE, variables={"who": "Ada"})
    assert spec.layer("title").text == "Hello Ada"  # type: ignore[union-attr]
    spec = resolve(TEMPLATE, {"title": {"text": "{{who}}!"}}, variables={"who": 3})
    assert spec.layer("title").text == "3!"  # type: ignore[union-attr]


def test_overrides_accept_json_text_as_the_render_url_carries_it() -> None:
    spec = resolve(TEMPLATE, '{"title": {"text": "From a URL"}}')
    assert spec.layer("title").text == "From a URL"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("layers", "variables", "path"),
    [
        ({"nope": {"text": "x"}}, None, "layers.nope"),
        ({"title": {"fontSize": -1}}, None, "layers.title.fontSize"),
        ({"title": {"fontSize": math.nan}}, None, "layers.title.fontSize"),
        ({"title": {"fontSize": "big"}}, None, "layers.title.fontSize"),
        ({"title": {"colour": "#000"}}, None, "layers.title.colour"),
        ({"title": {"color": "not-a-colour"}}, None, "layers.title.color"),
        ({"title": {"textAlign": "middle"}}, None, "layers.title.textAlign"),
        ({"title": {"type": "image"}}, None, "layers.title.type"),
        ({"title": "text"}, None, "layers.title"),
        ({"logo": {"objectFit": "zoom"}}, None, "layers.logo.objectFit"),
        ({"logo": {"objectPosition": "up there"}}, None, "layers.logo.objectPosition"),
        ({"logo": {"borderRadius": [1, 2]}}, None, "layers.logo.borderRadius"),
        ({"logo": {"opacity": 2}}, None, "layers.logo.opacity"),
        ({"box": {"fill": {"type": "linear-gradient", "stops": []}}}, None, "layers.box.fill"),
        ({"title": {"text": "{{missing}}"}}, None, "layers.title.text"),
        (None, {"nobody": "x"}, "variables.nobody"),
        (None, {"who": [1]}, "variables.who"),
        ('{"title": ', None, "layers"),
        ('{"title": {"fontSize": NaN}}', None, "layers"),
        ("[1, 2]", None, "layers"),
    ],
)
def test_bad_overrides_name_the_field(layers: Any, variables: Any, path: str) -> None:
    assert error_path(layers, variables) == path


def test_limits_apply_to_canvas_and_text() -> None:
    big = {**TEMPLATE, "canvas": {"width": 9000, "height": 100}}
    assert error_path(template=big) == "canvas"
    assert error_path(template=TEMPLATE, limits=Limits(max_canvas_pixels=1000)) == "canvas"
    assert error_path({"title": {"text": "x" * 6000}}) == "layers.title.text"


def test_template_errors_name_the_layer_not_its_index() -> None:
    bad = {"canvas": {"width": 10, "height": 10},
           "layers": [{"name": "headline", "type": "text", "width": 5, "height": 5,
                       "fontWeight": "heavy"}]}
    with pytest.raises(TemplateError) as info:
        parse_template(bad)
    assert info.value.path == "layers.headline.fontWeight"
    with pytest.raises(TemplateError, match="used twice"):
        parse_template({"canvas": {"width": 10, "height": 10},
                        "layers": [{"name": "a", "type": "rect", "width": 1, "height": 1}] * 2})
    with pytest.raises(TemplateError) as info:
        parse_template({"canvas": {"width": 10, "height": 10},
                        "layers": [{"name": "a", "type": "circle", "width": 1, "height": 1}]})
    assert info.value.path.startswith("layers.a")


def test_garbage_json_is_a_template_error() -> None:
    with pytest.raises(TemplateError, match="JSON"):
        parse_template("{not json")
    with pytest.raises(TemplateError) as info:
        parse_template({"canvas": 5})
    assert info.value.path == "canvas"
    with pytest.raises(TemplateError):
        parse_template("/definitely/not/here.json")


text_props = st.fixed_dictionaries({}, optional={
    "text": st.text(max_size=50),
    "fontSize": st.floats(min_value=1, max_value=500),
    "lineHeight": st.floats(min_value=0.5, max_value=5),
    "letterSpacing": st.floats(min_value=-10, max_value=50),
    "textAlign": st.sampled_from(["left", "center", "right"]),
    "maxLines": st.integers(min_value=1, max_value=10),
})


@given(first=text_props, second=text_props)
def test_override_merge_is_last_writer_wins_per_property(first: dict[str, Any],
                                                         second: dict[str, Any]) -> None:
    once = resolve(TEMPLATE, {"title": {**first, **second}})
    staged = resolve(resolve(TEMPLATE, {"title": first}), {"title": second})
    assert once == staged
    title = once.layer("title")
    for key, value in {**first, **second}.items():
        assert getattr(title, key) == value
