"""pinrender used the way its users use it: `import pinrender` and the documented names only,
in a fresh interpreter, every module-level function called more than once and interleaved, on a
cold and a warm cache. `__all__` is the whole public surface, pinned here so drift shows."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import textwrap
from types import ModuleType

import pytest

import pinrender

pytestmark = pytest.mark.timeout(120)

PUBLIC = [
    "AUTO_FORMATS", "ApiError", "AsyncClient", "BatchResult", "Client", "Columns",
    "DEFAULT_LIMITS", "DecodeError", "FORMATS", "FetchError", "FontError", "ImageFormat",
    "Layout", "LimitError", "Limits", "Line", "LineSpan", "PinrenderError", "ProbeInfo", "RenderError",
    "RenderResult", "RenderTimeout", "Renderer", "ResultCache", "SIZE_PRESETS", "SafeLoader",
    "Services", "SourceError", "SourceRef", "Template", "TemplateError", "TextBlock",
    "VARIANT_ALIASES", "VARIANT_WIDTHS", "columns", "content_key", "default_fonts", "default_renderer",
    "hotspot_card", "hotspot_card_key", "image_format", "layout", "parse_template", "probe",
    "render", "render_key", "render_many", "resolve", "shaping_status", "source_ref", "stored", "transform",
    "transform_key", "verify",
]
FUNCTIONS = {"columns", "content_key", "default_fonts", "default_renderer", "hotspot_card",
             "hotspot_card_key", "image_format", "layout", "parse_template", "probe", "render",
             "render_key", "render_many", "resolve", "shaping_status", "source_ref", "stored", "transform",
             "transform_key", "verify"}
INSTANCES = {"AUTO_FORMATS": "dict", "DEFAULT_LIMITS": "Limits", "FORMATS": "mappingproxy", "SIZE_PRESETS": "dict",
             "VARIANT_ALIASES": "dict", "VARIANT_WIDTHS": "tuple"}


def run_fresh(code: str, *args: str) -> dict:
    """Run `code` in a new interpreter (no import done by this test process can help it)."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args],
                          capture_output=True, text=True, timeout=110, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_all_is_the_whole_public_surface() -> None:
    assert sorted(pinrender.__all__) == sorted(PUBLIC)
    assert len(set(pinrender.__all__)) == len(pinrender.__all__)
    assert set(FUNCTIONS) | set(INSTANCES) <= set(PUBLIC)


MODULE_LEVEL = """
    import io, json, sys, tempfile
    from pathlib import Path
    import pinrender
    from PIL import Image

    folder = Path(tempfile.mkdtemp())
    photo = folder / "photo.png"
    Image.new("RGB", (1600, 1000), (200, 40, 40)).save(photo)
    template = {
        "canvas": {"width": 600, "height": 315, "background": "#102030"},
        "layers": [
            {"name": "photo", "type": "image", "x": 0, "y": 0, "width": 300, "height": 315,
             "image_url": str(photo), "objectFit": "cover"},
            {"name": "title", "type": "text", "x": 320, "y": 40, "width": 260, "height": 200,
             "text": "{{title}}", "fontSize": 40, "color": "#ffffff"},
        ],
        "variables": [{"name": "title", "default": "Untitled"}],
    }
    path = folder / "card.json"
    path.write_text(json.dumps(template))

    def size(data):
        image = Image.open(io.BytesIO(data))
        image.load()
        return [image.format, *image.size]

    def round_trip():
        seen = []
        seen.append(["transform", size(pinrender.transform(photo, size="s", format="webp"))])
        info = pinrender.probe(photo)
        seen.append(["probe", [info.format, info.width, info.height]])
        seen.append(["transform", size(pinrender.transform(str(photo), width=512, format="jpeg"))])
        seen.append(["render", size(pinrender.render(path, {"title": {"text": "Hi"}}))])
        spec = pinrender.resolve(template, {"title": {"text": "Resolved"}})
        seen.append(["resolve", [type(spec).__name__, spec.canvas.width]])
        seen.append(["render", size(pinrender.render(template, variables={"title": "Two"},
                                                     format="jpeg"))])
        lines = pinrender.layout(str(path), {"title": {"text": "Hello world"}})
        seen.append(["layout", [lines.width, [l.text for l in lines.layers["title"].lines]]])
        parsed = pinrender.parse_template(template)
        seen.append(["parse_template", [type(parsed).__name__, len(parsed.layers)]])
        seen.append(["render", size(pinrender.render(parsed, format="webp"))])
        key = pinrender.render_key(path, {"title": {"text": "Hi"}})
        seen.append(["render_key", [len(key), key == pinrender.render_key(
            path, {"title": {"text": "Hi"}})]])
        tkey = pinrender.transform_key(photo, size="s", format="webp")
        seen.append(["transform_key", [len(tkey), tkey != pinrender.transform_key(
            photo, size="m", format="webp")]])
        seen.append(["transform", size(pinrender.transform(photo.read_bytes(), size="m"))])
        seen.append(["probe", [pinrender.probe(photo.read_bytes()).format]])
        store = {"photo": photo.read_bytes()}.get
        stored = pinrender.stored("photo", "digest-1")
        card = pinrender.Renderer(store=store).hotspot_card(stored, [{"x": 50, "y": 50}],
                                                           width=400, format="webp")
        seen.append(["hotspot_card", size(card)])
        seen.append(["hotspot_card", size(pinrender.hotspot_card(photo, [], width=300))])
        seen.append(["hotspot_card_key", [len(pinrender.hotspot_card_key(photo, []))]])
        seen.append(["verify", [pinrender.verify(photo).width]])
        return seen

    cold = round_trip()
    decodes = pinrender.default_renderer().stats["decode"]
    warm = round_trip()
    print(json.dumps({"cold": cold, "warm": warm,
                      "warm_decodes": pinrender.default_renderer().stats["decode"] - decodes}))
"""


def test_module_level_functions_twice_interleaved_cold_and_warm() -> None:
    result = run_fresh(MODULE_LEVEL)
    expected = [
        ["transform", ["WEBP", 512, 320]],
        ["probe", ["png", 1600, 1000]],
        ["transform", ["JPEG", 512, 320]],
        ["render", ["PNG", 600, 315]],
        ["resolve", ["Template", 600]],
        ["render", ["JPEG", 600, 315]],
        ["layout", [600, ["Hello world"]]],
        ["parse_template", ["Template", 2]],
        ["render", ["WEBP", 600, 315]],
        ["render_key", [24, True]],
        ["transform_key", [24, True]],
        ["transform", ["PNG", 1024, 640]],
        ["probe", ["png"]],
        ["hotspot_card", ["WEBP", 400, 250]],
        ["hotspot_card", ["PNG", 300, 188]],
        ["hotspot_card_key", [24]],
        ["verify", [1600]],
    ]
    assert result["cold"] == expected
    assert result["warm"] == expected
    assert result["warm_decodes"] == 0  # the warm round came from the cache


IMPORT_EVERYTHING = """
    import json, pkgutil, importlib, types
    import pinrender

    before = {name: getattr(pinrender, name) for name in pinrender.__all__}
    submodules = []
    for info in pkgutil.walk_packages(pinrender.__path__, "pinrender."):
        if info.name.rsplit(".", 1)[-1] == "__main__":
            continue  # running the CLI is not importing it
        importlib.import_module(info.name)
        submodules.append(info.name)
    after = {name: getattr(pinrender, name) for name in pinrender.__all__}
    print(json.dumps({
        "submodules": submodules,
        "replaced": [n for n in pinrender.__all__ if after[n] is not before[n]],
        "kinds": {n: ("module" if isinstance(v, types.ModuleType) else
                      "function" if isinstance(getattr(v, "__wrapped__", v), types.FunctionType)
                      else
                      "class" if isinstance(v, type) else type(v).__name__)
                  for n, v in after.items()},
    }))
"""


def test_importing_every_submodule_replaces_no_public_name() -> None:
    result = run_fresh(IMPORT_EVERYTHING)
    assert "pinrender._graph" in result["submodules"] and "pinrender.urls" in result["submodules"]
    assert result["replaced"] == []
    for name, kind in result["kinds"].items():
        if name in FUNCTIONS:
            assert kind == "function", name
        elif name in INSTANCES:
            assert kind == INSTANCES[name], name
        else:
            assert kind == "class", name
    direct = {module.split(".")[1] for module in result["submodules"]}
    assert not direct & set(PUBLIC)  # no exported name is also a submodule's name


def test_public_names_are_what_they_say_in_this_process_too() -> None:
    for name in PUBLIC:
        value = getattr(pinrender, name)
        assert not isinstance(value, ModuleType), name
        if name in FUNCTIONS:  # a plain function, or one behind functools.lru_cache
            assert inspect.isfunction(inspect.unwrap(value)), name


def test_the_documented_tables_describe_what_the_functions_accept() -> None:
    for fmt in pinrender.FORMATS.values():
        for name in (fmt.name, fmt.extension, *fmt.aliases, "." + fmt.extension.upper()):
            assert pinrender.image_format(name) is fmt
    with pytest.raises(pinrender.TemplateError) as info:
        pinrender.image_format("jxl")
    assert info.value.path == "format"
    for width in pinrender.VARIANT_WIDTHS:
        assert pinrender.transform_key(b"x", width=width) != pinrender.transform_key(b"x")
    for alias, width in pinrender.VARIANT_ALIASES.items():
        assert pinrender.transform_key(b"x", width=alias) == pinrender.transform_key(b"x",
                                                                                   width=width)
    assert pinrender.content_key("a", "bc") != pinrender.content_key("ab", "c")
