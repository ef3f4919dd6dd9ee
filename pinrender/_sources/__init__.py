"""Image sources: references with content digests, and the SSRF-safe default loader."""

from .loader import SafeLoader
from .ref import SourceRef, parse_data_url, source_ref, stored

__all__ = ["SafeLoader", "SourceRef", "parse_data_url", "source_ref", "stored"]
