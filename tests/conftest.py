"""Personas and real-service fixtures shared by the whole suite.

Personas (as healthchecks has Alice, Bob and Charlie): ``manager`` (practice manager of
``practice``), ``staff`` (practice staff), ``lead`` and ``specialist`` (the onboarding team of
``organisation``), and ``outsider`` (the lead of another organisation, owning ``other_practice``).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from config.celery import app as celery_app
from tests.fakes.practice import generated
from tests.fakes.xero import FakeXero, Running
from wizard.models import Membership, Organisation, Practice, Role
from wizard.practices.services import create_practice

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PASSWORD = "correct-horse-battery-staple"


def need(reason: str) -> None:
    """Skip locally when a real service is missing; under CI that is a failure, never a skip."""
    if IN_CI:
        pytest.fail(f"{reason} (CI must run real-service tests)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LIFTOFF_AUDIT_CHECKPOINTS = tmp_path / "audit-checkpoints.log"


SQLITE_TRIGGERS = importlib.import_module("wizard.migrations.0007_audit_event_append_only_sqlite")


def sqlite_append_only(present: bool) -> None:
    """Create (or drop) the SQLite append-only triggers, as migration 0007 does."""
    with connection.cursor() as cursor:
        for statement in SQLITE_TRIGGERS.CREATE if present else SQLITE_TRIGGERS.DROP:
            cursor.execute(statement)


@pytest.fixture(autouse=True)
def _sqlite_append_only(request):
    """Django empties a transactional test's tables with DELETE, which SQLite's append-only
    triggers refuse: drop them before that flush, and make sure every database test has them."""
    names = request.fixturenames
    transactional = "transactional_db" in names or "live_server" in names
    if not transactional and "db" not in names:
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        sqlite_append_only(True)
    yield
    if sqlite and transactional:
        sqlite_append_only(False)


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    from wizard.dashboard import figures as dashboard

    cache.clear()  # ids repeat after each test's rollback: a cached page must not outlive it
    dashboard.clear_cache()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2's deliberate slowness (~0.1 s a user) buys nothing in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_celery():
    """Unit tests run tasks in-process; the real-worker fixture switches this off."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def make_user(username: str, role: Role, organisation: Organisation, practice=None):
    user = get_user_model().objects.create_user(
        username=username,
        email=username,
        password=PASSWORD,
        first_name=username.split("@")[0].title(),
    )
    Membership.objects.create(user=user, organisation=organisation, practice=practice, role=role)
    return user


@pytest.fixture
def organisation(db) -> Organisation:
    return Organisation.objects.create(name="Summit Onboarding", slug="summit")


@pytest.fixture
def practice(organisation) -> Practice:
    return create_practice(organisation=organisation, name="Harbour & Co")


@pytest.fixture
def other_organisation(db) -> Organisation:
    return Organisation.objects.create(name="Rival Onboarding", slug="rival")


@pytest.fixture
def other_practice(other_organisation) -> Practice:
    return create_practice(organisation=other_organisation, name="Elsewhere Partners")


@pytest.fixture
def manager(organisation, practice):
    return make_user("manager@harbour.example", Role.PRACTICE_MANAGER, organisation, practice)


@pytest.fixture
def staff(organisation, practice):
    return make_user("staff@harbour.example", Role.PRACTICE_STAFF, organisation, practice)


@pytest.fixture
def lead(organisation):
    return make_user("lead@summit.example", Role.ONBOARDING_LEAD, organisation)


@pytest.fixture
def specialist(organisation):
    return make_user("specialist@summit.example", Role.ONBOARDING_SPECIALIST, organisation)


@pytest.fixture
def outsider(other_organisation, other_practice):
    return make_user("lead@rival.example", Role.ONBOARDING_LEAD, other_organisation)


@pytest.fixture
def client_for():
    def login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login


# --- real services -------------------------------------------------------------------------------


@pytest.fixture
def real_services(transactional_db):
    """PostgreSQL as the database and a reachable Redis, or skip (fail under CI)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        need("real-service test needs DATABASE_URL pointing at PostgreSQL")
    redis_url = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not redis_url or not redis_url.startswith("redis"):
        need("real-service test needs REDIS_URL")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        need(f"Redis at {redis_url} is not reachable: {exc}")
    return redis_url


class WorkerProcess:
    def __init__(self, queue: str, log: Path, env: dict[str, str]) -> None:
        self.queue, self.log, self.env = queue, log, env
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.worker_app",
                "worker",
                "--queues",
                self.queue,
                "--concurrency",
                "1",
                "--pool",
                "prefork",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"test-{uuid.uuid4().hex[:8]}@%h",
            ],
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parent.parent,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Celery worker exited early:\n{self.log.read_text()[-3000:]}")
            if "ready." in self.log.read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise RuntimeError(
            f"Celery worker not ready in {timeout}s:\n{self.log.read_text()[-3000:]}"
        )

    def children(self) -> list[int]:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],
            capture_output=True,
            text=True,
            check=False,
        )
        return [int(p) for p in out.stdout.split()]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@pytest.fixture
def celery_worker(real_services, settings, tmp_path):
    """A real Celery worker process on Redis, reading and writing the PostgreSQL test database."""
    from django.db import connection

    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER'] or 'postgres'}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    queue = celery_app.conf.task_default_queue
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": real_services,
        "LIFTOFF_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "LIFTOFF_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_DEBUG": "1",
    }
    worker = WorkerProcess(queue, tmp_path / "worker.log", env)
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # messages left by an earlier, interrupted session
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


def wait_for(predicate, timeout: float = 30, interval: float = 0.2, what: str = "condition"):
    """Poll until ``predicate()`` is truthy; return its value (polling, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def fake_xero(settings):
    """The fake identity + XPM + Xero server on 127.0.0.1 with a generated practice; the
    settings point at it. A test fails if any request or response broke the contracts."""
    made = generated()
    fake = FakeXero(
        clients=made.clients,
        contacts=made.contacts,
        jobs=made.jobs,
        staff=made.staff,
        invoices=made.invoices,
        client_id="liftoff-test",
        secret="s3cret",
    )
    fake.generated = made  # the generator's own tables, for comparing what a pull made
    running = Running(fake)
    settings.XERO_CLIENT_ID, settings.XERO_CLIENT_SECRET = "liftoff-test", "s3cret"
    settings.XERO_REDIRECT_URI = "http://testserver/connect/callback/"
    settings.XERO_LOGIN_URL = settings.XERO_IDENTITY_URL = settings.XERO_API_URL = running.url
    yield fake
    running.stop()
    assert fake.violations == [], "\n".join(fake.violations)
