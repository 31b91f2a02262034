"""Team dashboard under load: 500 practices × 15 steps, gunicorn on loopback, 10 concurrent clients.

Targets: p95 ≤ 200 ms, p99 ≤ 500 ms, and a constant number of SQL queries whatever the number of
practices. DATABASE_URL (default: a scratch database ``bench_dash`` on 127.0.0.1, dropped and
created here) must be PostgreSQL; anything else, or an unreachable server, is said and SQLite used.
Each practice has step statuses, three validation runs on each of five steps (the last one
counts), two assignees, a waiver and 100 audit events, so every part of the dashboard's queries
has rows to read and rows to skip.

Loads: "steady" asks for the dashboard again and again (a team watching it: the rows and the
rendered table come from the per-snapshot caches); "busy" cycles through 45 sorts, filters, pages
and htmx fragments while the organisation changes once a second, then four times a second, so
many requests compute rows and render the table (the cost after every change). Traffic goes only to
127.0.0.1; the request count is bounded and the server is stopped at the end. Asserts nothing.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import django
import psycopg
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wizard.checklist import STEPS  # noqa: E402 - after sys.path gets the project root

PRACTICES = 500
CLIENTS = 10
REQUESTS = 400  # in all, across the clients
PORT = 8765
RUNS_PER_STEP = 3
EVENTS_PER_PRACTICE = 100
CHANGE_EVERY = (1.0, 0.25)  # seconds between changes in the busy phases


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_dash")
    if not url.startswith(("postgres://", "postgresql://")):
        print(f"DATABASE_URL is not PostgreSQL ({url.split(':', 1)[0]}); using SQLite")
        return f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    try:
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            name = url.rsplit("/", 1)[1]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return url
    except Exception as exc:  # no PostgreSQL here: say so and measure on SQLite
        print(f"PostgreSQL not reachable ({exc}); using SQLite")
        return f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"


def main() -> None:
    start_django(database_url())
    organisation, lead = seed()
    cookie = time_in_process(lead)
    time_rows(organisation)
    with gunicorn():
        time_under_load(organisation, cookie)


def start_django(url: str) -> None:
    """Settings for a production-like process on ``url`` (also what the gunicorn workers
    inherit), ``django.setup()`` and the migrations."""
    var = tempfile.mkdtemp(prefix="liftoff-bench-dash-")
    os.environ.update(
        DATABASE_URL=url,
        LIFTOFF_VAR_DIR=var,
        DJANGO_SETTINGS_MODULE="config.settings",
        # Production-like: DEBUG off (no query log, cached templates), plain HTTP on loopback.
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-" + "x" * 50,
        LIFTOFF_AUDIT_KEY="bench-only-audit-" + "y" * 40,
        LIFTOFF_TOKEN_KEYS="YmVuY2gtb25seS10b2tlbi1rZXktbm90LXNlY3JldDA=",  # noqa: S106 - bench only
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        LIFTOFF_STATIC_MANIFEST="0",
    )
    django.setup()
    call_command("migrate", verbosity=0)


def seed():
    """The organisation, its team, PRACTICES practices and their history; prints what was made
    and how long it took. Returns the organisation and its lead (who signs in)."""
    # after django.setup(): models need the app registry
    from wizard.models import Organisation

    started = time.perf_counter()
    base = datetime.now(UTC) - timedelta(hours=1)
    organisation = Organisation.objects.create(name="Bench Onboarding", slug="bench")
    team = seed_team(organisation)
    runs = seed_practices(organisation, team, base)
    history = seed_history(organisation, base)
    print(
        f"{PRACTICES} practices × 15 steps, {runs} runs, {history} more audit events "
        f"created in {time.perf_counter() - started:.1f} s ({connection.vendor})"
    )
    return organisation, team[0]


def seed_team(organisation) -> list:
    """The onboarding lead (first) and four specialists."""
    # after django.setup(): models need the app registry
    from wizard.models import Membership, Role

    lead = get_user_model().objects.create_user("lead@bench.example")  # signed in by session
    Membership.objects.create(user=lead, organisation=organisation, role=Role.ONBOARDING_LEAD)
    team = [lead]
    for n in range(4):
        user = get_user_model().objects.create_user(f"spec{n}@bench.example", first_name=f"S{n}")
        Membership.objects.create(
            user=user, organisation=organisation, role=Role.ONBOARDING_SPECIALIST
        )
        team.append(user)
    return team


def seed_practices(organisation, team: list, base: datetime) -> int:
    """PRACTICES practices, each with step statuses, two assignees, RUNS_PER_STEP runs on each of
    five steps and a waiver. Returns the number of runs."""
    # after django.setup(): models need the app registry
    from audits.models import ValidationRun
    from wizard.models import StepProgress, StepStatus, Waiver
    from wizard.practices.services import create_practice

    statuses = list(StepStatus)
    runs, waivers = [], []
    for i in range(PRACTICES):
        practice = create_practice(organisation=organisation, name=f"Practice {i:04d}")
        onboarding = practice.current_onboarding()
        StepProgress.objects.filter(onboarding=onboarding, number__lte=i % 15).update(
            status=statuses[i % len(statuses)]
        )
        practice.assignees.set([team[i % 5], team[(i + 1) % 5]])
        runs.extend(validation_runs(practice, onboarding, i, base))
        waivers.append(
            Waiver(
                onboarding=onboarding,
                step_key="clean-data",
                code="C05.E001",
                match_key=f"k{i}",
                reason="bench",
                waived_by_label="bench",
            )
        )
    ValidationRun.objects.bulk_create(runs, batch_size=1000)
    Waiver.objects.bulk_create(waivers, batch_size=1000)
    return len(runs)


def validation_runs(practice, onboarding, i: int, base: datetime) -> list:
    """Practice ``i``'s runs (unsaved): RUNS_PER_STEP on each of steps 3 to 7."""
    # after django.setup(): models need the app registry
    from audits.models import RunStatus, ValidationRun

    runs = []
    for step in STEPS[2:7]:
        for attempt in range(RUNS_PER_STEP):  # earlier runs superseded by the last
            runs.append(
                ValidationRun(
                    practice=practice,
                    onboarding=onboarding,
                    step_key=step.key,
                    status=RunStatus.SUCCEEDED,
                    counts={"error": i % 4 + attempt, "warning": i % 7, "info": 1},
                    created_at=base + timedelta(minutes=attempt),
                )
            )
    return runs


def seed_history(organisation, base: datetime) -> int:
    """EVENTS_PER_PRACTICE more events per practice, chained like real ones. Returns how many."""
    # after django.setup(): models need the app registry
    from wizard.models import AuditEvent, Verb

    last = AuditEvent.objects.filter(organisation=organisation).order_by("-sequence").first()
    practices = list(organisation.practices.order_by("pk"))
    history = []
    for n in range(EVENTS_PER_PRACTICE * PRACTICES):
        event = AuditEvent(
            organisation=organisation,
            practice=practices[n % PRACTICES],
            verb=Verb.RUN_FINISHED,
            actor_label="bench",
            created_at=base - timedelta(days=30) + timedelta(seconds=n),
            sequence=last.sequence + 1,
            prev_hash=last.hash,
        )
        event.hash = event.compute_hash()
        history.append(event)
        last = event
    AuditEvent.objects.bulk_create(history, batch_size=2000)
    return len(history)


def time_in_process(lead) -> str:
    """The dashboard, a sorted and filtered page and the CSV through Django's test client, with
    their query counts. Returns the lead's session cookie, which the load phases send."""
    client = Client()
    client.force_login(lead)
    cookie = client.cookies["sessionid"].value
    connection.queries_log.clear()  # the setup above filled Django's 9,000-query debug log
    for query in ("", "?sort=-errors&status=blocked", "?format=csv"):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get("/practices/" + query)
            took = (time.perf_counter() - began) * 1000
        print(
            f"/practices/{query}: {response.status_code}, {len(captured)} queries, "
            f"{took:.0f} ms in-process (DEBUG query logging on)"
        )
    return cookie


def time_rows(organisation) -> None:
    """Computing every dashboard row, then bringing them up to date after one change."""
    practices = organisation.practices.all()
    every_row = time_every_row(practices)
    time_one_change(organisation, practices, every_row)


def time_every_row(practices) -> float:
    """Prints and returns the median time (ms) of computing every row, from seven tries."""
    # after django.setup(): the dashboard imports models, which need the app registry
    from wizard.dashboard import figures as dashboard

    took = []
    for _ in range(7):
        began = time.perf_counter()
        dashboard.compute(practices, datetime.now(UTC))
        took.append((time.perf_counter() - began) * 1000)
    print(
        f"computing every row: median {statistics.median(took):.0f} ms for {PRACTICES} "
        "practices (each process, once a minute or after an organisation-wide change)"
    )
    return statistics.median(took)


def time_one_change(organisation, practices, every_row: float) -> None:
    """Rows cached for one snapshot, then seven changes to one practice each: how long the rows
    take to come up to date, against ``every_row`` (ms)."""
    # after django.setup(): these modules import models, which need the app registry
    from wizard.dashboard import figures as dashboard
    from wizard.events import record
    from wizard.models import Verb

    dashboard.clear_cache()
    now = datetime.now(UTC).replace(second=1)
    dashboard.rows_for(dashboard.Snapshot.of(organisation.pk, now), practices)
    took = []
    for n in range(7):
        record(organisation=organisation, verb=Verb.PRACTICE_UPDATED, practice=practices[n])
        began = time.perf_counter()
        dashboard.rows_for(dashboard.Snapshot.of(organisation.pk, now), practices)
        took.append((time.perf_counter() - began) * 1000)
    print(
        f"bringing the rows up to date after a change to one practice: median "
        f"{statistics.median(took):.1f} ms, {every_row / statistics.median(took):.0f}x less than "
        "computing every row"
    )


@contextmanager
def gunicorn():
    """gunicorn serving the project on 127.0.0.1:PORT (waited for, up to 30 s); stopped on exit."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            # CPU-bound pages on 2 cores: processes, not threads (which share one GIL).
            "--workers",
            "3",
            "--threads",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=dict(os.environ),
    )
    try:
        wait_for_port(deadline=time.monotonic() + 30)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=20)


def wait_for_port(deadline: float) -> None:
    """Until PORT accepts a connection or ``deadline`` (time.monotonic) passes."""
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)


def time_under_load(organisation, cookie: str) -> None:
    """The steady load, then the busy mix at each rate in CHANGE_EVERY, against the server."""
    # Warm every worker (templates compiled, rows computed) with the same concurrency, so
    # the figures below are the steady state, not three processes starting.
    load(cookie, ["/practices/"], requests=CLIENTS * 5)
    report("steady: /practices/ again and again", load(cookie, ["/practices/"]))
    # A busy team: every client walks sorts, filters, pages and htmx fragments while the
    # organisation changes (each change is a new snapshot: every cached table and row list
    # is stale, so many requests compute from the database). Once a second is 3,600 changes
    # an hour, far more than 500 onboardings make; four a second is a stress test.
    mix = busy_mix()
    for every in CHANGE_EVERY:
        report(
            f"busy: {len(mix)} sort/filter/page/fragment URLs, a change every "
            f"{every * 1000:.0f} ms",
            load_while_changing(organisation, cookie, mix, every),
        )


def busy_mix() -> list[str]:
    """45 dashboard URLs: five sorts × three pages × (plain, filtered, htmx fragment)."""
    return [
        f"/practices/?sort={sort}&page={page}{extra}"
        for sort in ("name", "-errors", "status", "-activity", "progress")
        for page in (1, 2, 7)
        for extra in ("", "&status=blocked", "&fragment=dashboard")
    ]


def load_while_changing(organisation, cookie: str, paths: list[str], every: float):
    """``load`` while another thread appends an audit event to the organisation every ``every``
    seconds, as any change the dashboard shows does."""
    # after django.setup(): these modules import models, which need the app registry
    from wizard.events import record
    from wizard.models import Verb

    stop = threading.Event()
    practice = organisation.practices.first()

    def changes() -> None:
        while not stop.wait(every):
            record(
                organisation=organisation,
                verb=Verb.PRACTICE_UPDATED,
                practice=practice,
                details={"bench": True},
            )
        connection.close()

    writer = threading.Thread(target=changes)
    writer.start()
    try:
        return load(cookie, paths, headers={"HX-Request": "true"})
    finally:
        stop.set()
        writer.join()


def load(
    cookie: str,
    paths: list[str],
    headers: dict[str, str] | None = None,
    requests: int = REQUESTS,
):
    """REQUESTS GETs from CLIENTS threads, each cycling through ``paths`` from its own start."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_client = requests // CLIENTS

    def worker(offset: int) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for n in range(per_client):
            path = paths[(offset * 7 + n) % len(paths)]
            began = time.perf_counter()
            conn.request(
                "GET",
                path,
                headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1", **(headers or {})},
            )
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                errors += response.status != 200

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(latencies), errors, time.perf_counter() - began


def report(title: str, measured) -> None:
    latencies, errors, wall = measured

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    print(
        f"{title}: {len(latencies)} requests, {CLIENTS} concurrent, {errors} errors, "
        f"{len(latencies) / wall:.1f} req/s; p50 {pct(0.50):.0f} ms, p95 {pct(0.95):.0f} ms, "
        f"p99 {pct(0.99):.0f} ms (targets p95 <= 200 ms, p99 <= 500 ms); "
        f"mean {statistics.mean(latencies) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
