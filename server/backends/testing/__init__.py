"""Conformance suites for storage backends, importable by a backend written outside this
repository: subclass `MetaStoreContract`, `CounterStoreContract` or `BlobStoreContract` in a pytest
module and provide the store as a fixture (`meta`, `counters`, `blobs`). Every backend this project
ships runs them (tests/server/backends/). Needs the `test` extra (pytest, hypothesis)."""

from .blobs import BlobStoreContract
from .counters import CounterStoreContract
from .meta import MetaStoreContract

__all__ = ["BlobStoreContract", "CounterStoreContract", "MetaStoreContract"]
