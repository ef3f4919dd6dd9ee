"""`pinrender.urls`: canonical render URLs, signatures and meta tags."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from pinrender.urls import canonical_query, meta_tags, render_url, sign, verify_signature


def test_render_url_is_canonical() -> None:
    a = render_url("https://x.io/", "t1", {"b": {"text": "é & ?"}, "a": {"fontSize": 3}},
                   {"v": "1"}, "JPG")
    b = render_url("https://x.io", "t1", {"a": {"fontSize": 3}, "b": {"text": "é & ?"}},
                   {"v": "1"}, "jpeg")
    assert a == b
    parts = urlsplit(a)
    assert (parts.netloc, parts.path) == ("x.io", "/api/render")
    query = parse_qs(parts.query)
    assert query["layers"] == ['{"a":{"fontSize":3},"b":{"text":"é & ?"}}']
    assert query["format"] == ["jpeg"] and "signature" not in query
    assert render_url("http://h", "t") == "http://h/api/render?templateId=t"


def test_signatures_verify_and_reject() -> None:
    layers = {"title": {"text": "hi"}}
    url = render_url("http://h", "t", layers, secret="s3cret")
    sig = parse_qs(urlsplit(url).query)["signature"][0]
    assert sig == sign(canonical_query("t", layers), "s3cret")
    assert verify_signature(sig, "t", layers, secret="s3cret")
    assert not verify_signature(sig, "t", {"title": {"text": "HI"}}, secret="s3cret")
    assert not verify_signature(sig, "t", layers, secret="other")
    assert not verify_signature(sig, "t", layers, format="png", secret="s3cret")
    assert not verify_signature(None, "t", layers, secret="s3cret")
    assert not verify_signature(sig, "t", {"x": float("nan")}, secret="s3cret")


def test_meta_tags_escape_everything() -> None:
    html = meta_tags('https://x.io/api/render?templateId=t&layers={"a":"<b>"}', width=1200,
                     height=630, alt='A "quoted" <title>')
    assert '<meta property="og:image" content="https://x.io/api/render?templateId=t&amp;' in html
    assert '<meta name="twitter:image"' in html and 'og:image:width" content="1200"' in html
    assert "<b>" not in html and "<title>" not in html and '"quoted"' not in html
