"""SVG sanitising: the only SVG bytes libvips' svgload ever sees come out of `sanitize_svg`.

An allowlist, not a blocklist: elements and attributes we do not know are dropped, as are
DOCTYPEs and entities (refused outright), scripts, event handlers, foreign content, and every
reference that is not to a fragment of the same document (`href="#id"`, `url(#id)`), so rendering
can never reach the network or the file system.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .._errors import DecodeError, LimitError
from .._limits import Limits

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

_ELEMENTS = frozenset([
    "svg", "g", "defs", "symbol", "use", "title", "desc", "path", "rect", "circle", "ellipse",
    "line", "polyline", "polygon", "text", "tspan", "textPath", "linearGradient",
    "radialGradient", "stop", "clipPath", "mask", "pattern", "marker", "style", "switch",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feFlood",
    "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode",
    "feMorphology", "feOffset", "feDropShadow",
])

_ATTRIBUTES = frozenset([
    "id", "class", "style", "transform", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r",
    "rx", "ry", "fx", "fy", "fr", "width", "height", "d", "points", "viewBox",
    "preserveAspectRatio", "version", "fill", "fill-opacity", "fill-rule", "stroke",
    "stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
    "stroke-dasharray", "stroke-dashoffset", "opacity", "color", "display", "visibility",
    "overflow", "clip-path", "clip-rule", "mask", "filter", "stop-color", "stop-opacity",
    "offset", "gradientUnits", "gradientTransform", "spreadMethod", "patternUnits",
    "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits", "maskContentUnits",
    "filterUnits", "primitiveUnits", "markerWidth", "markerHeight", "markerUnits", "refX",
    "refY", "orient", "marker-start", "marker-mid", "marker-end", "font-family", "font-size",
    "font-weight", "font-style", "font-variant", "text-anchor", "dominant-baseline",
    "alignment-baseline", "baseline-shift", "letter-spacing", "word-spacing", "text-decoration",
    "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "in", "in2", "result",
    "stdDeviation", "mode", "operator", "k1", "k2", "k3", "k4", "type", "values", "tableValues",
    "slope", "intercept", "amplitude", "exponent", "flood-color", "flood-opacity", "radius",
    "href", "xml:space", "paint-order", "vector-effect", "shape-rendering", "text-rendering",
    "image-rendering", "color-interpolation", "color-interpolation-filters", "mix-blend-mode",
    "isolation",
])

# A `url(...)` or `@import` that does not point inside this document.
_EXTERNAL_CSS = re.compile(r"@import|url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_FORBIDDEN = re.compile(rb"<!DOCTYPE|<!ENTITY|<!\[CDATA\[", re.IGNORECASE)
MAX_ELEMENTS = 50_000


def _local(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        return ns, local
    return "", name


def _clean_attribute(ns: str, local: str, value: str) -> bool:
    """Whether an attribute may stay."""
    if ns not in ("", XLINK_NS) and ns != "http://www.w3.org/XML/1998/namespace":
        return False
    if ns == XLINK_NS and local != "href":
        return False
    if local not in _ATTRIBUTES and not (ns and local == "space"):
        return False
    if local == "href":
        return value.strip().startswith("#")
    return not _EXTERNAL_CSS.search(value)


def sanitize_svg(data: bytes, limits: Limits) -> bytes:
    """Return a safe re-serialisation of an SVG document, or raise DecodeError/LimitError."""
    if len(data) > limits.max_svg_bytes:
        raise LimitError(f"SVG is {len(data)} bytes, over the limit of {limits.max_svg_bytes}")
    if _FORBIDDEN.search(data):
        raise DecodeError("SVG with a DOCTYPE, entity declarations or CDATA is refused")
    try:
        # expat never fetches external entities; with no DOCTYPE allowed there are none anyway.
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise DecodeError(f"SVG is not well-formed XML: {exc}") from None
    ns, local = _local(root.tag)
    if local != "svg" or ns not in ("", SVG_NS):
        raise DecodeError("the document root is not <svg>")
    count = 0

    def clean(element: ET.Element) -> None:
        nonlocal count
        for child in list(element):
            count += 1
            if count > MAX_ELEMENTS:
                raise LimitError(f"SVG has more than {MAX_ELEMENTS} elements")
            cns, clocal = _local(child.tag) if isinstance(child.tag, str) else ("?", "?")
            if cns not in ("", SVG_NS) or clocal not in _ELEMENTS:
                element.remove(child)
                continue
            if clocal == "style" and child.text and _EXTERNAL_CSS.search(child.text):
                element.remove(child)
                continue
            clean(child)
        for name, value in list(element.attrib.items()):
            ans, alocal = _local(name)
            if not _clean_attribute(ans, alocal, value):
                del element.attrib[name]

    clean(root)
    for name, value in list(root.attrib.items()):
        ans, alocal = _local(name)
        if not _clean_attribute(ans, alocal, value):
            del root.attrib[name]
    if ns == "":
        root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="utf-8")

