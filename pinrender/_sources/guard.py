"""Which addresses a server-side fetch may connect to: public unicast only.

Checked on the resolved IP, at connect time (the fetcher connects to the checked IP itself), so
neither a DNS name pointing inside, DNS rebinding, nor a redirect can reach a private network.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

from .._errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

# Cloud metadata services, named even where the generic ranges below already cover them.
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "100.100.100.200", "192.0.0.192", "fd00:ec2::254"))
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host!r}: {exc}") from None
    return [str(info[4][0]) for info in infos]


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal(ip: IPAddress) -> str | None:
    """Why `ip` must not be fetched from, or None if it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return "a scoped IPv6 address"
        inner = _embedded_v4(ip)
        if inner is not None:
            reason = refusal(inner)
            return f"an IPv6 address embedding {inner} ({reason})" if reason else None
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    checks = (("loopback", ip.is_loopback), ("unspecified", ip.is_unspecified),
              ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
              ("private", ip.is_private), ("reserved", ip.is_reserved),
              ("shared (CGNAT)", isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT))
    for name, hit in checks:
        if hit:
            return f"a {name} address"
    if not ip.is_global:
        return "not a public address"
    return None


def checked_address(host: str, port: int, resolver: Resolver) -> IPAddress:
    """Resolve `host` and return an address that is safe to connect to, or raise FetchError.
    Every resolved address must be public: one private answer is enough to refuse."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
        addresses: list[IPAddress] = [literal]
    except ValueError:
        raw = resolver(host, port)
        if not raw:
            raise FetchError(f"cannot resolve {host!r}") from None
        try:
            addresses = [ipaddress.ip_address(a) for a in raw]
        except ValueError:
            raise FetchError(f"{host!r} resolved to an invalid address") from None
    for ip in addresses:
        reason = refusal(ip)
        if reason:
            raise FetchError(f"refusing to fetch from {host!r}: it resolves to {reason}")
    return addresses[0]
