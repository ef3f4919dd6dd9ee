"""`pinrender.urls` for CDN transforms and /og: the signature covers the path and the query's
content (not its order), any of the rotating keys verifies, and og URLs are short."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from pinrender.urls import check_og, check_transform, og_url, sign_path, transform_url

NAMES = st.sampled_from(["w", "h", "fit", "crop", "q", "dpr", "bg", "fm"])
VALUES = st.text(alphabet="abcdefghij0123456789,.-#& ", min_size=1, max_size=8)


def split(url: str) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(url)
    return parts.path, parse_qsl(parts.query, keep_blank_values=True)


@given(st.dictionaries(NAMES, VALUES, min_size=1, max_size=6), st.randoms())
def test_order_does_not_matter_but_content_does(params: dict[str, str], rnd: object) -> None:
    path, items = split(transform_url("", "team", "uid12345", "webp", key="k1", **params))
    shuffled = list(items)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert check_transform(path, shuffled, ["k1"])
    name = next(iter(params))
    changed = [(k, v + "x") if k == name else (k, v) for k, v in items]
    assert not check_transform(path, changed, ["k1"])
    assert not check_transform(path.replace(".webp", ".avif"), items, ["k1"])


def test_rotation_and_refusals() -> None:
    path, items = split(transform_url("https://cdn", "t", "u", "jpg", key="old", w=300))
    assert check_transform(path, items, ["new", "old"])
    assert not check_transform(path, items, ["new"])
    assert not check_transform(path, [(k, v) for k, v in items if k != "s"], ["old"])
    assert not check_transform(path, [*items, ("s", "again")], ["old"])
    assert not check_transform(path, items, [""])


def test_a_private_link_can_carry_a_signed_transform() -> None:
    path, items = split(transform_url("", "t", "u", "png", key="cdn", w=120, h=80, fit="crop"))
    query = "&".join(f"{k}={v}" for k, v in items)
    linked = sign_path(f"{path}?{query}", "link-secret", 2_000_000_000)
    path2, items2 = split(linked)
    assert {"expires", "signature", "s"} <= {k for k, _ in items2}
    assert check_transform(path2, items2, ["cdn"])  # the link's own parameters are not covered


def test_og_urls_are_short_and_signable() -> None:
    url = og_url("https://img.example/", "abc", {"title": "Hello world", "author": "Ada"},
                 format="jpeg")
    assert url == "https://img.example/og/abc.jpg?author=Ada&title=Hello%20world"
    signed = og_url("https://img.example", "abc", {"title": "Hi"}, secret="s3")
    path, items = split(signed)
    assert check_og(path, items, "s3") and not check_og(path, items, "other")
    assert not check_og(path, [(k, "Bye" if k == "title" else v) for k, v in items], "s3")
