"""Pulling one kind from XPM or Xero (docs/connect.md, "Pulling"): page by page, each raw page
stored as received (content-addressed, like uploads) with where to resume, within the limits
(429 ``Retry-After`` honoured, calls counted against the day), then the canonical table handed to
the upload pipeline so every validator reads it unchanged and the newest source per kind wins."""

from __future__ import annotations

import csv
import io
import json
import time

import httpx2
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audits.kinds import KINDS
from audits.models import Connection, Pull, PullStatus, StoredFile
from audits.records import RECORD_COLUMNS
from audits.signals import pull_finished
from audits.uploads import receive_upload, store_file
from audits.xero import limits, session
from audits.xero.sources import SOURCES, Source, default_window

sleep = time.sleep  # tests move the fake's clock instead of waiting
MAX_WAIT = 60  # seconds waited in-process for a 429; longer waits go back to the queue


class Transient(Exception):
    """A call failed in a way worth retrying later (5xx, timeout, a long 429)."""

    def __init__(self, message: str, retry_after: int = 30):
        super().__init__(message)
        self.retry_after = retry_after


def _count_call(connection: Connection) -> None:
    today = timezone.now().date()
    if connection.calls_day != today:
        Connection.objects.filter(pk=connection.pk).update(calls_day=today, calls_today=0)
        connection.calls_day, connection.calls_today = today, 0
    if connection.calls_today >= settings.XERO_CALLS_PER_DAY:
        raise Transient("The day's calls to Xero are used up; resuming tomorrow.", 3600)
    Connection.objects.filter(pk=connection.pk).update(calls_today=F("calls_today") + 1)
    connection.calls_today += 1


def _get(connection: Connection, source: Source, cursor: str, window: dict) -> httpx2.Response:
    """One page: the token refreshed once on a 401, a short 429 waited for (Retry-After)."""
    refresh = False
    for _attempt in range(5):
        _count_call(connection)
        token = session.access_token(connection, force_refresh=refresh)
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        headers["Xero-Tenant-Id"] = getattr(connection, source.tenant)
        path, params = source.request(cursor, window)
        try:
            answer = limits.get(
                f"{settings.XERO_API_URL}{path}",
                params=params,
                headers=headers,
                timeout=settings.XERO_TIMEOUT_SECONDS,
            )
        except httpx2.TransportError as error:
            raise Transient(f"Xero did not answer ({type(error).__name__}).") from None
        if answer.status_code == 200:
            return answer
        if answer.status_code == 401 and not refresh:
            refresh = True
            continue
        if answer.status_code == 429:
            wait = int(answer.headers.get("Retry-After") or 60)
            if wait > MAX_WAIT:
                raise Transient("Xero's rate limit: waiting.", wait)
            sleep(wait)
            continue
        if answer.status_code >= 500:
            raise Transient(f"Xero answered {answer.status_code}.")
        answer.raise_for_status()
    raise Transient("Xero kept refusing the call.")


def start(*, practice, onboarding, kind: str, step_key: str, actor, window=None) -> Pull:
    """A pull waiting for its worker; a kind read over dates gets ``window`` ({"from", "to"}, ISO
    dates), by default the last 18 months, kept for every page so a resumed pull asks the same."""
    if SOURCES[kind].windowed:
        window = window or default_window(timezone.localdate())
    return Pull.objects.create(
        practice=practice,
        onboarding=onboarding,
        kind=kind,
        step_key=step_key,
        requested_by=actor,
        window=window or {},
    )


def run_pull(pull_id: int) -> str:
    """Fetch the pages still missing (resuming at the cursor), then make the upload. A transient
    failure leaves the pull waiting (the task retries it); a refusal ends it as failed."""
    pull = Pull.objects.select_related("practice").filter(pk=pull_id).first()
    if pull is None or pull.status in (PullStatus.SUCCEEDED, PullStatus.FAILED):
        return "done"
    source = SOURCES[pull.kind]
    connection = Connection.objects.get(practice=pull.practice)
    Pull.objects.filter(pk=pull.pk).update(
        attempts=F("attempts") + 1, status=PullStatus.RUNNING, error=""
    )
    try:
        _fetch(pull, source, connection)
    except Transient as transient:
        Pull.objects.filter(pk=pull.pk).update(status=PullStatus.WAITING, error=str(transient))
        raise
    except session.NeedsReconnecting:
        return _fail(pull, "XPM and Xero need reconnecting: connect again, then pull again.")
    except httpx2.HTTPStatusError as refused:
        system = KINDS[pull.kind].system
        code = refused.response.status_code
        return _fail(pull, f"{system} refused the call ({code}); nothing was loaded.")
    return _finish(pull, source)


def _fetch(pull: Pull, source: Source, connection: Connection) -> None:
    while True:
        answer = _get(connection, source, pull.cursor, pull.window)
        body = answer.json()
        stored = store_file(answer.content)
        pull.pages = [
            *pull.pages,
            {"page": len(pull.pages) + 1, "sha256": stored.sha256, "rows": len(source.rows(body))},
        ]
        pull.rows += len(source.rows(body))
        pull.cursor = source.next_cursor(body, pull.cursor)
        pull.save(update_fields=["pages", "rows", "cursor"])  # the resume point
        if not pull.cursor:
            return


def _fail(pull: Pull, reason: str) -> str:
    with transaction.atomic():
        pull.status, pull.error, pull.finished_at = PullStatus.FAILED, reason, timezone.now()
        pull.save(update_fields=["status", "error", "finished_at"])
        pull_finished.send(Pull, pull=pull, actor=pull.requested_by)
    return pull.status


def _canonical_csv(pull: Pull, source: Source) -> tuple[bytes, int]:
    """The kind's canonical fields, then each record's id and link (``audits.records``); a
    record met on an earlier page (a job both current and in the window) is written once. With
    the number of records written."""
    records = 0
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow((*source.fields, *RECORD_COLUMNS))
    seen: set[str] = set()
    for page in pull.pages:
        stored = StoredFile.objects.get(sha256=page["sha256"])
        with stored.blob.open("rb") as handle:
            body = json.loads(handle.read())
        for record in source.rows(body):
            key = source.key(record)
            if key and key in seen:
                continue
            seen.add(key)
            identity = source.identity(record)
            writer.writerows([*line, *identity] for line in source.lines(record))
            records += 1
    return out.getvalue().encode("utf-8"), records


def _finish(pull: Pull, source: Source) -> str:
    label = pull.get_kind_display()
    stamp = timezone.localtime().strftime("%-d %b %Y %H:%M")
    data, pull.rows = _canonical_csv(pull, source)  # records, each once
    with transaction.atomic():
        pull.upload = receive_upload(
            practice=pull.practice,
            onboarding=pull.onboarding,
            step_key=pull.step_key,
            name=f"{label}, pulled {stamp}.csv",
            data=data,
            actor=pull.requested_by,
            kind=pull.kind,
        )
        pull.status, pull.finished_at = PullStatus.SUCCEEDED, timezone.now()
        pull.save(update_fields=["upload", "rows", "status", "finished_at"])
        pull_finished.send(Pull, pull=pull, actor=pull.requested_by)
    return pull.status
