"""Xero's per-minute and concurrency limits shared by every worker through Redis (the real one:
REDIS_URL; CI runs these, never skips them), and kept per process without Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx2
import pytest
import redis

from audits.models import Connection, ConnectionState, PullStatus
from audits.xero import limits, pulling, session, sources
from audits.xero.tasks import pull as pull_task
from tests.conftest import need
from wizard.access import current_onboarding

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or ""
    if not url.startswith("redis"):
        need("the cross-worker limits need REDIS_URL")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        need(f"Redis at {url} is not reachable: {error}")
    return url


@pytest.fixture
def key() -> str:
    return f"test-{uuid.uuid4()}"


def test_the_minute_window_is_shared_by_every_worker(redis_url, key):
    one, other = limits.RedisLimiter(redis_url), limits.RedisLimiter(redis_url)
    three_a_second = limits.Limits(per_minute=3, concurrent=0, lease=5, window=1.0)
    assert one.try_acquire(key, "a", three_a_second) == 0
    assert one.try_acquire(key, "b", three_a_second) == 0
    assert other.try_acquire(key, "c", three_a_second) == 0
    wait = other.try_acquire(key, "d", three_a_second)
    assert 0 < wait <= 1.0
    assert one.try_acquire(f"{key}-another-tenant", "d", three_a_second) == 0
    time.sleep(wait + 0.05)
    assert other.try_acquire(key, "d", three_a_second) == 0


def test_a_slot_held_by_a_worker_that_died_frees_itself(redis_url, key):
    one, other = limits.RedisLimiter(redis_url), limits.RedisLimiter(redis_url)
    alone = limits.Limits(per_minute=0, concurrent=1, lease=1.0)
    assert one.try_acquire(key, "crashed", alone) == 0  # never released
    assert 0 < other.try_acquire(key, "next", alone) <= limits.POLL
    time.sleep(1.05)  # the lease (1 s) has run out: long enough to hold under a loaded machine
    assert other.try_acquire(key, "next", alone) == 0
    other.release(key, "next")
    assert one.try_acquire(key, "after", alone) == 0


WORKER = """
import json, sys, time
import redis
from audits.xero import limits
url, key, name = sys.argv[1:4]
log = redis.Redis.from_url(url)
two_at_once = limits.Limits(per_minute=0, concurrent=2, lease=5)
using = limits.RedisLimiter(url)
log.incr(key + ":ready")
while int(log.get(key + ":ready")) < 3:  # all start together, however slowly they loaded
    time.sleep(0.01)
for _ in range(4):
    with limits.slot(key, two_at_once, using=using):
        began = time.time()
        time.sleep(0.1)
        log.rpush(key + ":log", json.dumps([name, began, time.time()]))
"""


def _most_at_once(spans: list[tuple[float, float]]) -> int:
    edges = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    at_once = most = 0
    for _, step in edges:
        at_once += step
        most = max(most, at_once)
    return most


def test_worker_processes_never_make_more_calls_at_once_than_allowed(redis_url, key):
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, redis_url, key, f"w{i}"], cwd=ROOT)
        for i in range(3)
    ]
    assert [w.wait(timeout=60) for w in workers] == [0, 0, 0]
    log = redis.Redis.from_url(redis_url)
    calls = [json.loads(entry) for entry in log.lrange(f"{key}:log", 0, -1)]
    log.delete(f"{key}:log", f"{key}:ready")
    assert len(calls) == 12 and {name for name, _, _ in calls} == {"w0", "w1", "w2"}
    assert _most_at_once([(began, ended) for _, began, ended in calls]) == 2


def test_it_gives_up_with_a_pool_timeout_the_pull_retries_later(redis_url, key, monkeypatch):
    waited = []
    monkeypatch.setattr(limits, "sleep", waited.append)
    once_a_minute = limits.Limits(per_minute=1, concurrent=5, lease=1)
    using = limits.RedisLimiter(redis_url)
    with limits.slot(key, once_a_minute, using=using):
        pass
    with pytest.raises(httpx2.PoolTimeout), limits.slot(key, once_a_minute, using=using):
        pass
    assert waited and 55 < waited[0] <= 60


def test_it_uses_redis_when_the_broker_is_redis(redis_url, settings):
    settings.CELERY_BROKER_URL = redis_url
    assert isinstance(limits.limiter(), limits.RedisLimiter)


def test_without_redis_the_limits_are_kept_per_process(settings, key):
    settings.CELERY_BROKER_URL = "filesystem://"
    assert limits.limiter() is limits.LOCAL
    local = limits.LocalLimiter()
    two = limits.Limits(per_minute=2, concurrent=1, lease=5, window=0.5)
    assert local.try_acquire(key, "a", two) == 0
    assert 0 < local.try_acquire(key, "b", two) <= limits.POLL  # "a" is in flight
    local.release(key, "a")
    assert local.try_acquire(key, "b", two) == 0
    local.release(key, "b")
    assert 0 < local.try_acquire(key, "c", two) <= 0.5  # two calls in the window
    time.sleep(0.55)
    assert local.try_acquire(key, "c", two) == 0


def test_it_keeps_the_limits_per_process_while_redis_is_down(settings, monkeypatch, key):
    monkeypatch.setattr(limits, "_redis_failed_at", None)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    with limits.slot(key, limits.Limits(per_minute=5, concurrent=5, lease=5)):
        pass
    assert limits.limiter() is limits.LOCAL  # not tried again at once


# --- the pull goes through the limiter ------------------------------------------------------------


@pytest.fixture
def connection(practice, fake_xero) -> Connection:
    connection = Connection(practice=practice, state=ConnectionState.CONNECTED)
    connection.xpm_tenant_id = fake_xero.xpm["tenantId"]
    session.save_tokens(connection, fake_xero._issue("openid"))
    connection.save()
    return connection


@pytest.mark.django_db
def test_a_pull_stops_before_xero_when_the_minute_is_used_up(
    connection, practice, fake_xero, settings, monkeypatch
):
    settings.XERO_CALLS_PER_MINUTE = 2
    waited = []
    monkeypatch.setattr(limits, "sleep", waited.append)
    monkeypatch.setattr(sources, "PAGE_SIZE", 10)
    pull = pulling.start(
        practice=practice,
        onboarding=current_onboarding(practice),
        kind="xpm_clients",
        step_key="",
        actor=None,
    )
    assert pull_task.delay(pull.pk).get() == "interrupted"  # retried later, from page 3
    pull.refresh_from_db()
    assert pull.status == PullStatus.WAITING and len(pull.pages) == 2
    assert fake_xero.api_calls == 2  # the third call never reached Xero
    assert waited and waited[0] > 50
