"""SafeLoader: SSRF refusals (also after redirects and DNS), connect-to-checked-IP, caps, cache.
Every test uses httpx.MockTransport and a fake resolver: never the network."""

from __future__ import annotations

import ipaddress
import time

import httpx
import pytest

from pinrender._errors import FetchError, LimitError
from pinrender._limits import Limits
from pinrender._sources import SafeLoader, source_ref
from pinrender._sources.guard import refusal

pytestmark = pytest.mark.timeout(30)

PUBLIC = "93.184.216.34"
DNS = {"img.example": [PUBLIC], "inside.example": ["10.0.0.7"],
       "mixed.example": [PUBLIC, "127.0.0.1"], "meta.example": ["169.254.169.254"],
       "v6.example": ["::ffff:127.0.0.1"], "cdn.example": ["151.101.1.1"]}


def resolver(host: str, port: int) -> list[str]:
    if host not in DNS:
        raise FetchError(f"cannot resolve {host!r}")
    return DNS[host]


def loader(handler, **limits) -> tuple[SafeLoader, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    return SafeLoader(Limits(**limits), transport=httpx.MockTransport(record),
                      resolver=resolver), seen


def url(u: str):
    return source_ref(u, allow_local=False)


def test_fetch_connects_to_the_checked_ip_with_the_host_name_kept() -> None:
    ld, seen = loader(lambda r: httpx.Response(200, content=b"IMG"))
    assert ld.load(url("https://img.example/a/b.png?x=1")) == b"IMG"
    (request,) = seen
    assert request.url.host == PUBLIC
    assert request.url.path == "/a/b.png" and request.url.query == b"x=1"
    assert request.headers["host"] == "img.example"
    assert request.extensions["sni_hostname"] == "img.example"


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1",
                                     "169.254.169.254", "100.64.0.1", "100.100.100.200",
                                     "0.0.0.0", "224.0.0.1", "240.0.0.1", "::1", "fe80::1",
                                     "fc00::1", "fd00:ec2::254", "::ffff:10.0.0.1",
                                     "::ffff:169.254.169.254", "64:ff9b::a00:1", "2002:a00:1::",
                                     "ff02::1", "::", "192.0.0.192", "198.18.0.1"])
def test_non_public_addresses_are_refused(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("target", ["http://inside.example/x.png", "http://mixed.example/x.png",
                                    "http://meta.example/latest/meta-data/",
                                    "http://v6.example/x", "http://127.0.0.1/x",
                                    "http://[::1]:8080/x", "http://0x7f000001/x"])
def test_private_targets_are_refused_before_connecting(target: str) -> None:
    ld, seen = loader(lambda r: httpx.Response(200, content=b"IMG"))
    with pytest.raises(FetchError):
        ld.load(url(target))
    assert not seen


@pytest.mark.parametrize("location", ["http://inside.example/x", "http://127.0.0.1:22/",
                                      "file:///etc/passwd", "http://169.254.169.254/"])
def test_redirects_are_rechecked_every_hop(location: str) -> None:
    ld, seen = loader(lambda r: httpx.Response(302, headers={"location": location}))
    with pytest.raises(FetchError):
        ld.load(url("http://img.example/a.png"))
    assert len(seen) == 1


def test_redirects_are_followed_to_public_hosts_and_capped() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers["host"] == "img.example":
            return httpx.Response(301, headers={"location": "https://cdn.example/real.png"})
        return httpx.Response(200, content=b"REAL")

    ld, seen = loader(handler)
    assert ld.load(url("http://img.example/a.png")) == b"REAL"
    assert [r.headers["host"] for r in seen] == ["img.example", "cdn.example"]

    ld, seen = loader(lambda r: httpx.Response(302, headers={"location": "/again"}),
                      fetch_max_redirects=3)
    with pytest.raises(FetchError, match="redirects"):
        ld.load(url("http://img.example/a.png"))
    assert len(seen) == 4


@pytest.mark.parametrize("status", [404, 500, 403])
def test_non_2xx_names_the_status(status: int) -> None:
    ld, _ = loader(lambda r: httpx.Response(status))
    with pytest.raises(FetchError, match=str(status)):
        ld.load(url("http://img.example/a.png"))


def test_bytes_are_capped_while_streaming() -> None:
    def stream():
        for _ in range(100):
            yield b"x" * 1000

    ld, _ = loader(lambda r: httpx.Response(200, content=stream()), max_source_bytes=5000)
    with pytest.raises(LimitError):
        ld.load(url("http://img.example/big"))
    ld, _ = loader(lambda r: httpx.Response(200, headers={"content-length": "999999"},
                                            content=b"x"), max_source_bytes=5000)
    with pytest.raises(LimitError):
        ld.load(url("http://img.example/big"))


@pytest.mark.timeout(2)  # the body would take 2.5 s to arrive: the 0.3 s cap must cut it
def test_total_time_is_capped() -> None:
    def slow():
        for _ in range(50):
            time.sleep(0.05)
            yield b"x"

    ld, _ = loader(lambda r: httpx.Response(200, content=slow()), fetch_timeout=0.3)
    with pytest.raises(FetchError, match="timed out"):
        ld.load(url("http://img.example/slow"))


def test_transport_errors_become_fetch_errors() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    ld, _ = loader(fail)
    with pytest.raises(FetchError, match="failed"):
        ld.load(url("http://img.example/a"))
    with pytest.raises(FetchError):
        ld.load(url("http://unknown.example/a"))


def test_fetches_are_cached_by_bytes() -> None:
    ld, seen = loader(lambda r: httpx.Response(200, content=b"IMG"))
    for _ in range(3):
        assert ld.load(url("http://img.example/a.png")) == b"IMG"
    assert len(seen) == 1
    small = SafeLoader(transport=httpx.MockTransport(lambda r: httpx.Response(200, content=b"x" * 10)),
                       resolver=resolver, cache_bytes=5)
    small.load(url("http://img.example/a"))
    assert small._cache.currsize == 0  # larger than the cache: not kept


def test_local_files_and_bytes(tmp_path) -> None:
    path = tmp_path / "a.png"
    path.write_bytes(b"abc")
    assert SafeLoader().load(source_ref(path, allow_local=True)) == b"abc"
    with pytest.raises(FetchError):
        SafeLoader(allow_local=False).load(source_ref(path, allow_local=True))
    with pytest.raises(LimitError):
        SafeLoader(Limits(max_source_bytes=2)).load(source_ref(path, allow_local=True))
    assert SafeLoader().load(source_ref(b"xyz", allow_local=False)) == b"xyz"
