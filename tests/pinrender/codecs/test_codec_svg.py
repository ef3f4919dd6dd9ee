"""SVG sanitising: libvips only ever sees what the allowlist keeps."""

from __future__ import annotations

import pytest

from pinrender import DEFAULT_LIMITS, DecodeError, LimitError, Limits, transform
from pinrender._codecs.svg import sanitize_svg
from tests import images as g

pytestmark = pytest.mark.timeout(30)


def clean(extra: str) -> bytes:
    return sanitize_svg(g.svg(extra=extra), DEFAULT_LIMITS)


@pytest.mark.parametrize("doc", [
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
     b'<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>'),
    b'<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><svg>&b;</svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><script><![CDATA[alert(1)]]></script></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><rect',
])
def test_entities_doctypes_and_broken_xml_are_refused(doc: bytes) -> None:
    with pytest.raises(DecodeError):
        sanitize_svg(doc, DEFAULT_LIMITS)


def test_scripts_handlers_and_external_references_are_removed(tmp_path) -> None:
    target = tmp_path / "secret.png"
    target.write_bytes(g.png(10, 10))
    out = clean(f'<script>alert(1)</script><image href="file://{target}" width="300"/>'
                '<use href="http://example.com/x.svg#a"/><use href="#ok"/>'
                '<rect onload="alert(1)" fill="url(http://evil/x)" width="5" height="5"/>'
                '<style>@import url(http://evil/x.css);</style>'
                '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>')
    for word in (b"script", b"alert", b"file:", b"http://example", b"http://evil", b"onload",
                 b"foreignObject", b"@import", b"<image"):
        assert word not in out, word
    assert b'href="#ok"' in out


def test_sanitised_svg_still_renders() -> None:
    out = g.decoded(transform(g.svg(extra='<script>x</script>'), format="png"))
    assert out.size == (300, 200)
    assert g.close(g.pixel(out, 0.2, 0.2), g.RED, 8)


def test_external_image_is_never_drawn(tmp_path) -> None:
    target = tmp_path / "green.png"
    from PIL import Image

    Image.new("RGB", (300, 200), (0, 255, 0)).save(target)
    doc = (b'<svg xmlns="http://www.w3.org/2000/svg" '
           b'xmlns:xlink="http://www.w3.org/1999/xlink" width="300" height="200">'
           b'<image xlink:href="file://' + str(target).encode() + b'" width="300" '
           b'height="200"/></svg>')
    out = g.decoded(transform(doc, format="png")).convert("RGBA")
    assert out.getpixel((150, 100))[3] == 0  # nothing was drawn


def test_svg_size_limit() -> None:
    with pytest.raises(LimitError):
        sanitize_svg(g.svg(), Limits(max_svg_bytes=50))
    many = "".join('<rect width="1" height="1"/>' for _ in range(60_000))
    with pytest.raises(LimitError, match="elements"):
        sanitize_svg(g.svg(extra=many), DEFAULT_LIMITS)
