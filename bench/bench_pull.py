"""Pulling 10,000 XPM clients and 10,000 Xero contacts from the fake XPM and Xero
(tests/fakes/xero.py) over local loopback, with every rate limit off: rows per second, calls and
time, and what the same calls take against the real APIs, which allow 60 calls a minute and 5,000
a day per tenant (docs/connect.md, "Rate limits").

The pull is the product's own (``audits.xero.pulling.run_pull``: pages fetched, stored by hash,
turned into the canonical table and handed to the upload path), then the upload is read as a
worker would. The fake skips its contract validation unless ``--validate`` (it costs the fake,
not the pull). Runs on a throwaway SQLite database (or DATABASE_URL if set: use a scratch
database); with REDIS_URL set the calls go through the Redis limiter. Prints; asserts nothing.

    .venv/bin/python bench/bench_pull.py [--rows 10000] [--validate]
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
scratch = tempfile.mkdtemp(prefix="liftoff-bench-")
os.environ.setdefault("LIFTOFF_VAR_DIR", scratch)
os.environ.setdefault("LIFTOFF_MEDIA_ROOT", str(Path(scratch) / "media"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Our own limits off (0), and the day's count out of the way: this measures the pull itself.
os.environ["XERO_CALLS_PER_MINUTE"] = "0"
os.environ["XERO_CONCURRENT_CALLS"] = "0"
os.environ["XERO_CALLS_PER_DAY"] = str(10**9)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection as db  # noqa: E402

from audits import reading  # noqa: E402
from audits.models import Connection, ConnectionState, Pull  # noqa: E402
from audits.xero import limits, pulling, session  # noqa: E402
from tests.fakes.practice import generated  # noqa: E402
from tests.fakes.xero import FakeXero, Running  # noqa: E402
from wizard.models import Organisation  # noqa: E402
from wizard.practices.services import create_practice  # noqa: E402

REAL_PER_MINUTE = 60
REAL_PER_DAY = 5000
SECRET = "bench"  # noqa: S105 - the throwaway fake's


class Unvalidated(FakeXero):
    """The fake without its OpenAPI checks of each request and response."""

    def _validate_request(self, spec, request) -> None:
        return None

    def _validate_response(self, spec, request, response) -> None:
        return None


def start_fake(rows: int, validate: bool) -> tuple[FakeXero, Running]:
    started = time.perf_counter()
    made = generated(clients=rows, seed=7)
    clients, contacts = made.clients, made.contacts
    while len(clients) < rows or len(contacts) < rows:  # the generator merges a few away
        more = generated(clients=rows // 10 + 10, seed=len(clients))
        clients, contacts = clients + more.clients, contacts + more.contacts
    kind = FakeXero if validate else Unvalidated
    fake = kind(clients=clients[:rows], contacts=contacts[:rows], client_id="b", secret=SECRET)
    fake.per_minute = 10**9  # the fake's own 429s off too
    running = Running(fake)
    settings.XERO_CLIENT_ID, settings.XERO_CLIENT_SECRET = "b", SECRET
    settings.XERO_LOGIN_URL = settings.XERO_IDENTITY_URL = settings.XERO_API_URL = running.url
    print(
        f"fake XPM and Xero at {running.url}: {rows:,} clients and {rows:,} contacts generated "
        f"in {time.perf_counter() - started:.1f} s; contract validation "
        f"{'on' if validate else 'off'}"
    )
    return fake, running


def connect(fake: FakeXero):
    organisation = Organisation.objects.create(name="Bench", slug=f"bench-{time.time_ns()}")
    practice = create_practice(organisation=organisation, name="Bench & Co")
    link = Connection(practice=practice, state=ConnectionState.CONNECTED)
    link.xpm_tenant_id, link.xero_tenant_id = fake.xpm["tenantId"], fake.org["tenantId"]
    session.save_tokens(link, fake._issue("openid"))
    link.save()
    return practice


class Timed:
    """``pulling._finish`` (the stored pages turned into the canonical table and an upload),
    timed apart from fetching the pages."""

    def __init__(self):
        self.finish, self.seconds = pulling._finish, 0.0

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self.finish(*args, **kwargs)
        finally:
            self.seconds = time.perf_counter() - started


def pull(practice, fake: FakeXero, kind: str) -> None:
    pulling._finish = timed = Timed()
    calls_before = fake.api_calls
    job = pulling.start(
        practice=practice,
        onboarding=practice.current_onboarding(),
        kind=kind,
        step_key="",
        actor=None,
    )
    started = time.perf_counter()
    pulling.run_pull(job.pk)
    elapsed = time.perf_counter() - started
    job = Pull.objects.get(pk=job.pk)
    calls = fake.api_calls - calls_before
    started = time.perf_counter()
    outcome = reading.read_upload(job.upload_id)
    read = time.perf_counter() - started
    steady = calls / REAL_PER_MINUTE  # minutes of Xero's allowance these calls use
    burst = math.ceil(calls / REAL_PER_MINUTE) - 1  # minutes waited if the first 60 go at once
    print(
        f"{kind}: {job.rows:,} rows in {calls} calls ({len(job.pages)} pages), {elapsed:.2f} s "
        f"= {job.rows / elapsed:,.0f} rows/s, {(elapsed - timed.seconds) / calls * 1000:.1f} ms "
        f"a page fetched and stored, {timed.seconds:.2f} s to make the table; then read by the "
        f"loader ({outcome}) in {read:.2f} s"
    )
    print(
        f"  against Xero ({REAL_PER_MINUTE} calls a minute per tenant): {calls} calls are "
        f"{steady:.1f} min of allowance (at least {burst} min elapsed, {steady * 60 / elapsed:,.0f}x "
        f"this run at a steady 1 call/s); they use {calls / REAL_PER_DAY:.1%} of the tenant's "
        f"{REAL_PER_DAY:,} calls a day, which pull at most {REAL_PER_DAY * job.rows // calls:,} "
        f"rows a day at {job.rows // len(job.pages)} rows a page"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--validate", action="store_true", help="Keep the fake's contract checks.")
    args = parser.parse_args()
    for noisy in ("werkzeug", "httpx2", "axes"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)
    fake, running = start_fake(args.rows, args.validate)
    try:
        practice = connect(fake)
        print(f"database: {db.vendor}; limiter: {type(limits.limiter()).__name__} (limits off)")
        for kind in ("xpm_clients", "xero_contacts"):
            pull(practice, fake, kind)
    finally:
        running.stop()


if __name__ == "__main__":
    main()
