"""Stored objects (`pinrender.stored`): keyed by their digest before any byte is read, read
through the renderer's store when a plan runs, and refused clearly when there is no store or no
such object. Every output kind takes them: transforms, hotspot cards, probe and verify."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pinrender
from tests import images as g
from tests.conftest import decode


class Store:
    """A blob store that counts its reads."""

    def __init__(self, **objects: bytes) -> None:
        self.objects = objects
        self.reads: Counter[str] = Counter()

    def __call__(self, name: str) -> bytes | None:
        self.reads[name] += 1
        return self.objects.get(name)


def test_keys_come_from_the_digest_and_read_nothing() -> None:
    store = Store(photo=g.jpeg())
    renderer = pinrender.Renderer(store=store, cache_bytes=0)
    source = pinrender.stored("photo", "sha256:abc")
    key = renderer.transform_key(source, size="s", format="webp")
    card = renderer.hotspot_card_key(source, [{"x": 10, "y": 20}])
    assert len(key) == 24 and key != card
    assert store.reads == Counter()
    # The digest names the content: another digest is another key, another name is not.
    assert renderer.transform_key(pinrender.stored("photo", "sha256:abd"), size="s",
                                  format="webp") != key
    assert renderer.transform_key(pinrender.stored("copy", "sha256:abc"), size="s",
                                  format="webp") == key


def test_bytes_are_read_through_the_store_when_the_plan_runs() -> None:
    store = Store(photo=g.jpeg())
    renderer = pinrender.Renderer(store=store, cache_bytes=0)
    source = pinrender.stored("photo", "d1")
    out = decode(renderer.transform(source, width=256, format="png"))
    assert out.format == "PNG" and out.width == 256
    result = renderer.result(renderer.plan_hotspot_card(source, [{"x": 50, "y": 50}], width=200))
    assert result.media_type == "image/png" and decode(result.data).width == 200
    assert renderer.probe(source).format == "jpeg"
    assert renderer.verify(source).width == 300
    assert store.reads["photo"] == 4


def test_a_store_given_in_services_works_the_same() -> None:
    store = Store(photo=g.png())
    services = pinrender.Services(pinrender.SafeLoader(), pinrender.default_fonts(), store=store)
    data = pinrender.Renderer(services).transform(pinrender.stored("photo", "p"), format="webp")
    assert decode(data).size == (300, 200)


def test_a_missing_object_or_store_is_a_source_error_that_keeps_names_private() -> None:
    source = pinrender.stored("originals/private/path.jpg", "d")
    with pytest.raises(pinrender.SourceError, match="missing") as info:
        pinrender.Renderer(store=Store(), cache_bytes=0).transform(source, size="s")
    assert "private" not in str(info.value)
    with pytest.raises(pinrender.SourceError, match="need a store"):
        pinrender.Renderer(cache_bytes=0).transform(source, size="s")


def test_the_default_loader_never_reads_stored_objects() -> None:
    with pytest.raises(pinrender.FetchError):
        pinrender.SafeLoader().load(pinrender.stored("photo", "d"))


@pytest.mark.parametrize("name, digest", [("", "d"), ("photo", ""), (b"photo", "d"),
                                          ("photo", None)])
def test_a_stored_object_needs_a_name_and_a_digest(name: object, digest: object) -> None:
    with pytest.raises(pinrender.SourceError):
        pinrender.stored(name, digest)  # type: ignore[arg-type]


@given(st.text(min_size=1), st.text(min_size=1), st.binary(min_size=1))
def test_stored_keys_never_equal_a_bytes_key(name: str, digest: str, data: bytes) -> None:
    stored = pinrender.stored(name, digest)
    assert stored.digest != pinrender.source_ref(data, allow_local=False).digest
    assert stored == pinrender.stored(name + "x", digest)  # equality goes by digest
