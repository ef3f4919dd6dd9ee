"""Counters and limits in Redis (`PINRENDER_COUNTERS=redis://host:port/db`): one store shared by
every server and worker process, on every machine.

Each check-and-change is one Lua script, which Redis runs alone, so a claim or a hit is exact
however many processes race for the last slot:

    usage     a hash per (account, period) — `{prefix}usage:{account}:{period}` — one field per
              metric; `claim` adds only within the limit, `release` never goes below zero. Ledgers
              keep no expiry: a month's counts are what the quota pages and recounts read.
    limits    a sorted set per bucket — `{prefix}rate:{bucket}` — one member per admitted hit,
              scored by its time; `hit` prunes what left the window, counts, adds, and answers the
              count and the oldest hit. The key expires one window after its last hit, so idle
              buckets (an IP seen once) leave by themselves.

Any connection error or timeout becomes `StoreUnavailable`: the app answers 503 and never lets
metered work through unmetered. Timeouts are short and a failed command is retried once (a
connection dropped by a Redis restart), so a request never waits long on a dead server.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from .counters import StoreUnavailable
from .records import RateHit

if TYPE_CHECKING:
    import redis

T = TypeVar("T")

INSTALL_HINT = "PINRENDER_COUNTERS=redis://… needs the redis client: pip install 'pinrender[redis]'"

# KEYS[1] the ledger hash; ARGV metric, amount, limit. 1 if added.
_CLAIM = """
local used = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if used + tonumber(ARGV[2]) > tonumber(ARGV[3]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
return 1
"""

# KEYS[1] the ledger hash; ARGV metric, amount. A ledger never used stays absent.
_RELEASE = """
local used = redis.call('HGET', KEYS[1], ARGV[1])
if not used then return 0 end
local left = tonumber(used) - tonumber(ARGV[2])
if left < 0 then left = 0 end
redis.call('HSET', KEYS[1], ARGV[1], left)
return left
"""

# KEYS[1] the bucket's sorted set; ARGV now, since (= now - window, both as Python wrote them, so
# no precision is lost to Lua's number formatting), limit, a member unique to this hit, the
# key's time to live in ms. Returns {allowed, used, oldest score as a string or false}.
_HIT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local used = redis.call('ZCARD', KEYS[1])
local allowed = 0
if used < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  used = used + 1
  allowed = 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {allowed, used, oldest[2] or false}
"""

def _import_redis() -> Any:
    try:
        import redis
    except ImportError as exc:  # the optional extra is not installed
        raise ImportError(INSTALL_HINT) from exc
    return redis


@functools.cache
def _unreachable() -> tuple[type[Exception], ...]:
    """The client's errors that mean "Redis is not answering" rather than "this code is wrong"."""
    from redis import exceptions

    return exceptions.ConnectionError, exceptions.TimeoutError, exceptions.ReadOnlyError


def _guarded(call: Callable[[], T]) -> T:
    try:
        return call()
    except _unreachable() as exc:  # evaluated only when something was raised
        raise StoreUnavailable(f"the counter store (Redis) is unreachable: {exc}") from exc


class RedisUsage:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._claim = client.register_script(_CLAIM)
        self._release = client.register_script(_RELEASE)

    def _key(self, account_id: int, period: str) -> str:
        # The account is an integer, so splitting at its colons is unambiguous whatever the period.
        return f"{self._prefix}usage:{int(account_id)}:{period}"

    def get(self, account_id: int, metric: str, period: str) -> int:
        value = _guarded(lambda: self._client.hget(self._key(account_id, period), metric))
        return int(value) if value is not None else 0

    def add(self, account_id: int, metric: str, period: str, amount: int = 1) -> int:
        return int(_guarded(lambda: self._client.hincrby(self._key(account_id, period), metric, amount)))

    def claim(self, account_id: int, metric: str, period: str, amount: int, limit: int) -> bool:
        key = self._key(account_id, period)
        return bool(_guarded(lambda: self._claim(keys=[key], args=[metric, int(amount), int(limit)])))

    def release(self, account_id: int, metric: str, period: str, amount: int) -> None:
        key = self._key(account_id, period)
        _guarded(lambda: self._release(keys=[key], args=[metric, int(amount)]))


class RedisRateLimits:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._hit = client.register_script(_HIT)

    def _key(self, bucket: str) -> str:
        return f"{self._prefix}rate:{bucket}"

    def hit(self, bucket: str, limit: int, window_seconds: float, now: float) -> RateHit:
        member = f"{now!r}:{os.urandom(8).hex()}"  # two hits at the same instant are two hits
        ttl_ms = max(1, math.ceil(window_seconds * 1000))
        allowed, used, oldest = _guarded(lambda: self._hit(
            keys=[self._key(bucket)],
            args=[repr(float(now)), repr(float(now - window_seconds)), int(limit), member, ttl_ms]))
        return RateHit(allowed=bool(allowed), used=int(used),
                       oldest_at=float(oldest) if oldest is not None else None)

    def usage(self, bucket: str, window_seconds: float, now: float) -> int:
        since = repr(float(now - window_seconds))
        return int(_guarded(lambda: self._client.zcount(self._key(bucket), f"({since}", "+inf")))

    def reset(self, bucket: str) -> None:
        _guarded(lambda: self._client.delete(self._key(bucket)))

    def prune(self, before: float) -> int:
        # Housekeeping only (keys expire by themselves): walk this store's buckets with SCAN, which
        # never blocks Redis the way KEYS would.
        pattern = _escape_glob(self._prefix) + "rate:*"

        def run() -> int:
            removed = 0
            for keys in _batches(self._client.scan_iter(match=pattern, count=500), 500):
                pipe = self._client.pipeline(transaction=False)
                for key in keys:
                    pipe.zremrangebyscore(key, "-inf", repr(float(before)))
                removed += sum(int(n) for n in pipe.execute())
            return removed

        return _guarded(run)


def _escape_glob(text: str) -> str:
    """Redis MATCH patterns escape with a backslash (not Python's `[*]`)."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


def _batches(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class RedisCounterStore:
    """`RedisCounterStore("redis://127.0.0.1:6379/0")`. Keys start with `prefix` (default
    `pinrender:`, or `?prefix=…` in the URL), so one Redis database can hold several deployments
    or test runs apart. The client's own options may be given in the URL's query too
    (`?socket_timeout=1`, `rediss://` for TLS, `redis://:password@host`)."""

    def __init__(self, url: str, *, prefix: str | None = None, socket_timeout: float = 1.0,
                 connect_timeout: float = 1.0) -> None:
        library = _import_redis()
        from redis.backoff import ExponentialBackoff
        from redis.retry import Retry

        parts = urlsplit(url)
        query = parse_qs(parts.query)
        # `?prefix=` is ours, not the client's: taken out before the URL reaches redis-py.
        prefix = prefix if prefix is not None else query.pop("prefix", ["pinrender:"])[0]
        url = urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
        options: dict[str, Any] = {}
        if "socket_timeout" not in query:
            options["socket_timeout"] = socket_timeout
        if "socket_connect_timeout" not in query:
            options["socket_connect_timeout"] = connect_timeout
        # One quick retry (a connection Redis closed while idle, a restart); the library's default
        # backs off for seconds, which a request waiting on a limit check cannot afford.
        self.client: redis.Redis = library.Redis.from_url(
            url, retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), 1), health_check_interval=30,
            **options)
        self.prefix = prefix
        self.usage = RedisUsage(self.client, prefix)
        self.ratelimits = RedisRateLimits(self.client, prefix)

    def ping(self) -> None:
        """Raise `StoreUnavailable` unless Redis answers (a readiness check)."""
        _guarded(self.client.ping)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
