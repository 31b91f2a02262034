"""Pulling one kind from XPM or Xero (docs/connect.md, "Pulling"): page by page, each raw page
stored as received (content-addressed, like uploads) with where to resume, within the limits
(429 ``Retry-After`` honoured, calls counted against the day), then the canonical table handed to
the upload pipeline so every validator reads it unchanged and the newest source per kind wins."""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audits.models import Connection, Pull, PullStatus, StoredFile
from audits.signals import pull_finished
from audits.uploads import receive_upload, store_file
from audits.xero import limits, session

sleep = time.sleep  # tests move the fake's clock instead of waiting
MAX_WAIT = 60  # seconds waited in-process for a 429; longer waits go back to the queue


class Transient(Exception):
    """A call failed in a way worth retrying later (5xx, timeout, a long 429)."""

    def __init__(self, message: str, retry_after: int = 30):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Source:
    path: str  # under XERO_API_URL
    tenant: str  # Connection field holding the tenant id
    fields: tuple[str, ...]

    def rows(self, body: dict) -> list[dict]:
        raise NotImplementedError

    def params(self, cursor: str) -> dict:
        raise NotImplementedError

    def next_cursor(self, body: dict, cursor: str) -> str:
        raise NotImplementedError


def _named(record: dict, key: str) -> str:
    return (record.get(key) or {}).get("name") or ""


class XpmClients(Source):
    def rows(self, body: dict) -> list[dict]:
        return body.get("clients") or []

    def params(self, cursor: str) -> dict:
        return {"pageSize": 100, **({"pageToken": cursor} if cursor else {})}

    def next_cursor(self, body: dict, cursor: str) -> str:
        link = ((body.get("pagination") or {}).get("links") or {}).get("next")
        return parse_qs(urlparse(link).query).get("pageToken", [""])[0] if link else ""

    @staticmethod
    def canonical(c: dict) -> list[str]:
        archived = str(c.get("isArchived") or "").lower() in {"yes", "true"}
        plain = [c.get(k) or "" for k in ("name", "firstName", "lastName", "businessStructure")]
        plain += [c.get(k) or "" for k in ("email", "phone", "address", "city", "region")]
        plain += [c.get(k) or "" for k in ("postCode", "country")]
        born = (c.get("dateOfBirth") or "")[:10]
        tax = c.get("taxNumber") or ""
        status = "Archived" if archived else "Active"
        return [*plain, born, tax, _named(c, "accountManager"), _named(c, "jobManager"), status]


class XeroContacts(Source):
    def rows(self, body: dict) -> list[dict]:
        return body.get("Contacts") or []

    def params(self, cursor: str) -> dict:
        return {"page": int(cursor or 1), "pageSize": 100, "includeArchived": "true"}

    def next_cursor(self, body: dict, cursor: str) -> str:
        page = int(cursor or 1)
        return str(page + 1) if len(self.rows(body)) >= 100 else ""

    @staticmethod
    def canonical(c: dict) -> list[str]:
        keys = ("Name", "AccountNumber", "EmailAddress", "FirstName", "LastName", "TaxNumber")
        return [*(c.get(k) or "" for k in keys), (c.get("ContactStatus") or "").title()]


SOURCES: dict[str, Source] = {
    "xpm_clients": XpmClients(
        "/practicemanager/v3.1/client.api/paged-list",
        "xpm_tenant_id",
        (
            "name",
            "first_name",
            "last_name",
            "business_structure",
            "email",
            "phone",
            "address",
            "city",
            "region",
            "postcode",
            "country",
            "date_of_birth",
            "tax_number",
            "account_manager",
            "job_manager",
            "status",
        ),
    ),
    "xero_contacts": XeroContacts(
        "/api.xro/2.0/Contacts",
        "xero_tenant_id",
        ("name", "account_number", "email", "first_name", "last_name", "tax_number", "status"),
    ),
}


def _count_call(connection: Connection) -> None:
    today = timezone.now().date()
    if connection.calls_day != today:
        Connection.objects.filter(pk=connection.pk).update(calls_day=today, calls_today=0)
        connection.calls_day, connection.calls_today = today, 0
    if connection.calls_today >= settings.XERO_CALLS_PER_DAY:
        raise Transient("The day's calls to Xero are used up; resuming tomorrow.", 3600)
    Connection.objects.filter(pk=connection.pk).update(calls_today=F("calls_today") + 1)
    connection.calls_today += 1


def _get(connection: Connection, source: Source, cursor: str) -> httpx.Response:
    """One page: the token refreshed once on a 401, a short 429 waited for (Retry-After)."""
    refresh = False
    for _attempt in range(5):
        _count_call(connection)
        token = session.access_token(connection, force_refresh=refresh)
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        headers["Xero-Tenant-Id"] = getattr(connection, source.tenant)
        try:
            answer = limits.get(
                f"{settings.XERO_API_URL}{source.path}",
                params=source.params(cursor),
                headers=headers,
                timeout=settings.XERO_TIMEOUT_SECONDS,
            )
        except httpx.TransportError as error:
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


def start(*, practice, onboarding, kind: str, step_key: str, actor) -> Pull:
    return Pull.objects.create(
        practice=practice, onboarding=onboarding, kind=kind, step_key=step_key, requested_by=actor
    )


def run_pull(pull_id: int) -> str:
    """Fetch the pages still missing (resuming at the cursor), then make the upload."""
    pull = Pull.objects.select_related("practice").filter(pk=pull_id).first()
    if pull is None or pull.status in (PullStatus.SUCCEEDED, PullStatus.FAILED):
        return "done"
    source = SOURCES[pull.kind]
    connection = Connection.objects.get(practice=pull.practice)
    Pull.objects.filter(pk=pull.pk).update(attempts=F("attempts") + 1, status=PullStatus.RUNNING)
    while True:
        answer = _get(connection, source, pull.cursor)
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
            break
    return _finish(pull, source)


def _canonical_csv(pull: Pull, source: Source) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(source.fields)
    for page in pull.pages:
        stored = StoredFile.objects.get(sha256=page["sha256"])
        with stored.blob.open("rb") as handle:
            body = json.loads(handle.read())
        writer.writerows(source.canonical(row) for row in source.rows(body))
    return out.getvalue().encode("utf-8")


def _finish(pull: Pull, source: Source) -> str:
    label = pull.get_kind_display()
    stamp = timezone.localtime().strftime("%-d %b %Y %H:%M")
    with transaction.atomic():
        pull.upload = receive_upload(
            practice=pull.practice,
            onboarding=pull.onboarding,
            step_key=pull.step_key,
            name=f"{label}, pulled {stamp}.csv",
            data=_canonical_csv(pull, source),
            actor=pull.requested_by,
            kind=pull.kind,
        )
        pull.status, pull.finished_at = PullStatus.SUCCEEDED, timezone.now()
        pull.save(update_fields=["upload", "status", "finished_at"])
        pull_finished.send(Pull, pull=pull, actor=pull.requested_by)
    return pull.status
