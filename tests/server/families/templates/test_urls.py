"""`pinrender.urls`: canonical render URLs, signatures and meta tags."""

from __future__ import annotations

from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinrender.urls import canonical_query, check_path, meta_tags, render_url, sign, sign_path, verify_signature


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


paths = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_./-", min_size=1, max_size=40)
params = st.lists(st.tuples(st.sampled_from(["size", "user", "v", "x"]),
                            st.text(max_size=12)), max_size=3)


@given(path=paths, query=params, expires=st.integers(1, 10**12 - 1))
def test_signed_paths_verify_until_they_expire(path: str, query: list[tuple[str, str]],
                                               expires: int) -> None:
    signed = sign_path("/" + path + ("?" + urlencode(query) if query else ""), "k", expires)
    path_only, _, query_text = signed.partition("?")
    got = parse_qsl(query_text, keep_blank_values=True)
    assert check_path(path_only, got, "k", expires - 1) == "valid"
    assert check_path(path_only, got, "k", expires) == "expired"
    assert check_path(path_only, got, "other", expires - 1) == "invalid"
    assert check_path(path_only + "x", got, "k", expires - 1) == "invalid"
    # Any parameter added, removed or changed, the deadline included, breaks the signature.
    assert check_path(path_only, [*got, ("size", "l")], "k", 0) == "invalid"
    moved = [(k, str(int(v) + 1) if k == "expires" else v) for k, v in got]
    assert check_path(path_only, moved, "k", 0) == "invalid"
    if query:
        assert check_path(path_only, got[1:], "k", 0) == "invalid"


def test_signed_path_checks_refuse_malformed_input() -> None:
    with pytest.raises(ValueError, match="expires"):
        sign_path("/f/a.webp", "k", 10**12)
    signed = urlsplit(sign_path("/f/a.webp", "k", 100))
    good = parse_qsl(signed.query)
    assert check_path("/f/a.webp", good, "k", 0) == "valid"
    assert check_path("/f/a.webp", good, "", 0) == "invalid"
    assert check_path("/f/a.webp", [*good, ("signature", "x")], "k", 0) == "invalid"
    assert check_path("/f/a.webp", [*good, ("expires", "100")], "k", 0) == "invalid"
    for bad in ("-1", "1e3", "٣", "9" * 5000):
        swapped = [(k, bad if k == "expires" else v) for k, v in good]
        assert check_path("/f/a.webp", swapped, "k", 0) == "invalid"
    assert check_path("/f/a.webp", [("expires", "100")], "k", 0) == "invalid"
