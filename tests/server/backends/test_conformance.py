"""Every storage backend this project ships, held to the package's conformance suites."""

from __future__ import annotations

from pinrender_server.backends.testing import BlobStoreContract, CounterStoreContract, MetaStoreContract


class TestBlobStores(BlobStoreContract):
    pass


class TestMetaStores(MetaStoreContract):
    pass


class TestCounterStores(CounterStoreContract):
    pass
