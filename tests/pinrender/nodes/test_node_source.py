"""Source: the bytes of a source, keyed by its digest, never by its bytes."""

from __future__ import annotations

import pytest

import pinrender
from pinrender._nodes.source import Source
from tests.images import solid

from .helpers import SERVICES, run, source


def test_the_value_is_the_sources_bytes() -> None:
    data = solid(4, 3, (1, 2, 3))
    assert run(source(data)) == data


def test_the_key_is_the_digest_not_the_bytes() -> None:
    data = solid(4, 3, (1, 2, 3))
    assert source(data).key == source(bytes(data)).key
    assert source(data).key != source(solid(4, 3, (1, 2, 4))).key
    stored = Source(pinrender.stored("name", "digest"))
    assert stored.key == Source(pinrender.stored("other name", "digest")).key


def test_stored_sources_are_read_through_the_store() -> None:
    data = solid(2, 2, (9, 9, 9))
    services = pinrender.Services(SERVICES.loader, SERVICES.fonts, store={"a": data}.get)
    assert run(Source(pinrender.stored("a", "d")), services) == data
    with pytest.raises(pinrender.SourceError):
        run(Source(pinrender.stored("b", "d")), services)
