"""Xero's per-tenant limits shared by every worker (docs/connect.md, "Rate limits"): at most
XERO_CALLS_PER_MINUTE calls in any 60 seconds and XERO_CONCURRENT_CALLS at once, per tenant (0 turns a limit off, e.g. for `make bench`).

When the broker is Redis, one Lua script keeps both for all workers at once: a sliding window of
the last minute's calls and a set of leases for the calls in flight (a lease ends by itself, so a
worker that dies mid-call frees its slot after XERO_TIMEOUT_SECONDS). Redis's own clock is used, so
the workers' clocks need not agree. Without Redis (the embedded default), or while it cannot be
reached, the limits are kept per process; Xero's 429 ``Retry-After`` (honoured in
``audits.xero.pulling``) covers what several processes then let through. The day's 5,000 calls
are counted in the database (``pulling._count_call``).

``get`` is ``httpx2.get`` taking a slot first: it waits in-process for the window (at most a
minute) or a free slot; when none comes it raises ``httpx2.PoolTimeout``, which the pull treats
as a transient failure and retries later, resuming where it stopped."""

from __future__ import annotations

import functools
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx2
import redis
from django.conf import settings

logger = logging.getLogger(__name__)

sleep = time.sleep  # tests record the waits instead
WINDOW = 60.0  # seconds: Xero counts calls per minute
POLL = 0.1  # seconds between tries for a concurrency slot


@dataclass(frozen=True)
class Limits:
    per_minute: int
    concurrent: int
    lease: float  # seconds a call may hold its slot before the slot frees itself
    window: float = WINDOW

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            per_minute=settings.XERO_CALLS_PER_MINUTE,
            concurrent=settings.XERO_CONCURRENT_CALLS,
            lease=settings.XERO_TIMEOUT_SECONDS + 5.0,
        )


# KEYS: the window (calls in the last minute) and the leases (calls in flight), both sorted sets
# scored in milliseconds. ARGV: per_minute, window_ms, concurrent, lease_ms, token, poll_ms.
# Returns 0 with both slots taken, else the milliseconds to wait before trying again.
ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local per_minute, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local concurrent, lease = tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local wait = 0
if concurrent > 0 and redis.call('ZCARD', KEYS[2]) >= concurrent then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  wait = math.min(tonumber(first[2]) - now, tonumber(ARGV[6]))
end
if per_minute > 0 and redis.call('ZCARD', KEYS[1]) >= per_minute then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  wait = math.max(wait, tonumber(oldest[2]) + window - now)
end
if wait > 0 then return wait end
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], window)
redis.call('ZADD', KEYS[2], now + lease, ARGV[5])
redis.call('PEXPIRE', KEYS[2], lease)
return 0
"""


class RedisLimiter:
    """The limits across every worker that shares this Redis."""

    def __init__(self, url: str):
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self.script = self.client.register_script(ACQUIRE)

    @staticmethod
    def _keys(key: str) -> list[str]:
        return [f"liftoff:xero:{key}:minute", f"liftoff:xero:{key}:inflight"]

    def try_acquire(self, key: str, token: str, limits: Limits) -> float:
        """0 with a slot taken for ``token``, else the seconds to wait before trying again."""
        args = [limits.per_minute, int(limits.window * 1000), limits.concurrent]
        args += [int(limits.lease * 1000), token, int(POLL * 1000)]
        return int(self.script(keys=self._keys(key), args=args)) / 1000

    def release(self, key: str, token: str) -> None:
        self.client.zrem(self._keys(key)[1], token)


class LocalLimiter:
    """The same limits within this process (no Redis)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.calls: dict[str, deque[float]] = {}
        self.inflight: dict[str, dict[str, float]] = {}  # token -> lease end

    def try_acquire(self, key: str, token: str, limits: Limits) -> float:
        now = time.monotonic()
        with self.lock:
            calls = self.calls.setdefault(key, deque())
            while calls and calls[0] <= now - limits.window:
                calls.popleft()
            held = self.inflight.setdefault(key, {})
            for ended in [t for t, end in held.items() if end <= now]:
                del held[ended]
            full = 0 < limits.concurrent <= len(held)
            wait = min(min(held.values()) - now, POLL) if full else 0
            if 0 < limits.per_minute <= len(calls):
                wait = max(wait, calls[0] + limits.window - now)
            if wait > 0:
                return wait
            calls.append(now)
            held[token] = now + limits.lease
        return 0

    def release(self, key: str, token: str) -> None:
        with self.lock:
            self.inflight.get(key, {}).pop(token, None)


LOCAL = LocalLimiter()
RETRY_REDIS_AFTER = 30.0  # seconds kept per process after Redis failed, before trying it again
_redis_failed_at: float | None = None


@functools.cache
def _redis_limiter(url: str) -> RedisLimiter:
    return RedisLimiter(url)


def limiter() -> RedisLimiter | LocalLimiter:
    """Redis when the broker is Redis (unless it just failed), else this process's own."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return LOCAL
    if _redis_failed_at is not None and time.monotonic() - _redis_failed_at < RETRY_REDIS_AFTER:
        return LOCAL
    return _redis_limiter(url)


class _Guarded:
    """A limiter that turns to this process's limits when Redis fails mid-way."""

    def __init__(self, inner: RedisLimiter | LocalLimiter):
        self.inner = inner

    def _do(self, method: str, *args):
        global _redis_failed_at
        try:
            return getattr(self.inner, method)(*args)
        except redis.RedisError as error:
            logger.warning("Xero limits kept per process: Redis failed (%s)", type(error).__name__)
            _redis_failed_at, self.inner = time.monotonic(), LOCAL
            return getattr(LOCAL, method)(*args)

    def try_acquire(self, key: str, token: str, limits: Limits) -> float:
        return self._do("try_acquire", key, token, limits)

    def release(self, key: str, token: str) -> None:
        self._do("release", key, token)


@contextmanager
def slot(key: str, limits: Limits | None = None, using=None) -> Iterator[None]:
    """Hold one of ``key``'s call slots (waiting for one) for the duration of a call."""
    limits = limits or Limits.from_settings()
    chosen = _Guarded(using or limiter())
    token, waited = uuid.uuid4().hex, 0.0
    while wait := chosen.try_acquire(key, token, limits):
        waited += wait
        if waited > limits.window + limits.lease:
            raise httpx2.PoolTimeout(f"No call slot for {limits.window + limits.lease:.0f} s.")
        sleep(wait)
    try:
        yield
    finally:
        chosen.release(key, token)


def get(url: str, *, headers: dict, **kwargs) -> httpx2.Response:
    """``httpx2.get`` within the limits of the tenant named in ``Xero-Tenant-Id``."""
    with slot(headers.get("Xero-Tenant-Id") or "identity"):
        return httpx2.get(url, headers=headers, **kwargs)
