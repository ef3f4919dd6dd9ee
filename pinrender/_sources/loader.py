"""SafeLoader: the default `Loader`. Bytes pass through, local files are read if allowed, and
http(s) URLs are fetched SSRF-safely with byte, time and redirect caps and a bounded cache."""

from __future__ import annotations

import ipaddress
import threading
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from cachetools import LRUCache

from .._errors import FetchError, LimitError
from .._limits import DEFAULT_LIMITS, Limits
from .guard import Resolver, checked_address, system_resolver
from .ref import SourceRef

REDIRECTS = {301, 302, 303, 307, 308}
USER_AGENT = "pinrender/0.1 (+image fetch)"


class SafeLoader:
    """Loads a SourceRef's bytes. `transport` and `resolver` are the seams tests replace."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS, *, allow_local: bool = True,
                 transport: httpx.BaseTransport | None = None, resolver: Resolver | None = None,
                 cache_bytes: int = 64 * 1024 * 1024) -> None:
        self.limits = limits
        self.allow_local = allow_local
        self._resolver = resolver or system_resolver
        # No proxies from the environment: the connection must go to the address we checked.
        self._client = httpx.Client(transport=transport, trust_env=False, follow_redirects=False,
                                    headers={"User-Agent": USER_AGENT, "Accept": "image/*"})
        self._cache: LRUCache[str, bytes] = LRUCache(maxsize=max(1, cache_bytes), getsizeof=len)
        self._lock = threading.Lock()

    def load(self, ref: SourceRef) -> bytes:
        if ref.kind == "bytes":
            # Already in memory: the loader's caps bound what it reads and fetches; the bytes
            # themselves are checked against the renderer's limits before decoding.
            return ref.value if isinstance(ref.value, bytes) else ref.value.encode()
        if ref.kind == "path":
            return self._read_file(Path(str(ref.value)))
        if ref.kind == "url":
            return self._fetch_cached(str(ref.value))
        # Stored objects are read through `Services.store`, never by a loader.
        raise FetchError(f"this loader does not read {ref.kind} sources")

    def close(self) -> None:
        self._client.close()

    def _check_size(self, size: int) -> None:
        if size > self.limits.max_source_bytes:
            raise LimitError(f"the source is {size} bytes, over the limit of "
                             f"{self.limits.max_source_bytes}")

    def _read_file(self, path: Path) -> bytes:
        if not self.allow_local:
            raise FetchError("local files are not allowed as sources here")
        try:
            with path.open("rb") as f:
                data = f.read(self.limits.max_source_bytes + 1)
        except OSError as exc:
            raise FetchError(f"cannot read {path.name!r}: {exc.strerror}") from None
        self._check_size(len(data))
        return data

    def _fetch_cached(self, url: str) -> bytes:
        with self._lock:
            hit = self._cache.get(url)
        if hit is not None:
            return hit
        data = self.fetch(url)
        if len(data) <= self._cache.maxsize:
            with self._lock:
                self._cache[url] = data
        return data

    def fetch(self, url: str) -> bytes:
        """GET `url`, following redirects by hand so every hop's address is checked."""
        deadline = time.monotonic() + self.limits.fetch_timeout
        for _ in range(self.limits.fetch_max_redirects + 1):
            response = self._request(url, deadline)
            try:
                if response.status_code in REDIRECTS and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                if not 200 <= response.status_code < 300:
                    raise FetchError(f"fetching {_short(url)} failed: HTTP "
                                     f"{response.status_code} {response.reason_phrase}".rstrip())
                return self._read_body(response, url, deadline)
            finally:
                response.close()
        raise FetchError(f"fetching {_short(url)} took more than "
                         f"{self.limits.fetch_max_redirects} redirects")

    def _request(self, url: str, deadline: float) -> httpx.Response:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(f"the URL scheme {scheme!r} is not allowed: use http or https")
        host = parts.hostname
        if not host:
            raise FetchError(f"the URL {_short(url)} has no host")
        if parts.username or parts.password:
            raise FetchError("URLs with credentials are not allowed")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            raise FetchError(f"the URL {_short(url)} has an invalid port") from None
        ip = checked_address(host, port, self._resolver)
        # Connect to the checked IP; the name still goes in Host and TLS SNI (and so is what the
        # certificate is verified against).
        ip_host = f"[{ip}]" if isinstance(ip, ipaddress.IPv6Address) else str(ip)
        target = urlunsplit((scheme, f"{ip_host}:{port}", parts.path or "/", parts.query, ""))
        host_header = host if parts.port is None else f"{host}:{parts.port}"
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"fetching {_short(url)} timed out")
        extensions = {"sni_hostname": host} if scheme == "https" else {}
        request = self._client.build_request("GET", target, headers={"Host": host_header},
                                             timeout=httpx.Timeout(remaining),
                                             extensions=extensions)
        try:
            return self._client.send(request, stream=True)
        except httpx.TimeoutException:
            raise FetchError(f"fetching {_short(url)} timed out") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"fetching {_short(url)} failed: {exc}") from None

    def _read_body(self, response: httpx.Response, url: str, deadline: float) -> bytes:
        cap = self.limits.max_source_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise LimitError(f"{_short(url)} is {declared} bytes, over the limit of {cap}")
        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > cap:
                    raise LimitError(f"{_short(url)} is over the limit of {cap} bytes")
                if time.monotonic() > deadline:
                    raise FetchError(f"fetching {_short(url)} timed out")
                chunks.append(chunk)
        except httpx.TimeoutException:
            raise FetchError(f"fetching {_short(url)} timed out") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"fetching {_short(url)} failed: {exc}") from None
        return b"".join(chunks)


def _short(url: str) -> str:
    return repr(url if len(url) <= 120 else url[:117] + "...")
