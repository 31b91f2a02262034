"""Pulling from the fake: paging, 429 honoured, resumed after a failure mid-way, and the pulled
table read by the upload pipeline like an upload."""

import json
import uuid

import pytest

from audits import reading
from audits.models import PullStatus, StoredFile, UploadStatus
from audits.xero import pulling, sources, tokens
from audits.xero.tasks import pull as pull_task
from tests.audits.xero.conftest import start
from wizard.models import AuditEvent, Verb

pytestmark = pytest.mark.django_db

_start = start


def test_it_pulls_every_page_and_loads_it_like_an_upload(
    connection, practice, fake_xero, monkeypatch
):
    monkeypatch.setattr(sources, "PAGE_SIZE", 10)
    pull = _start(practice, "xpm_clients")
    pull_task.delay(pull.pk)
    pull.refresh_from_db()
    assert pull.status == PullStatus.SUCCEEDED
    assert pull.rows == len(fake_xero.clients)
    assert len(pull.pages) == -(-len(fake_xero.clients) // 10)
    reading.read_upload(pull.upload.pk)  # queued on commit, which a test transaction never does
    pull.upload.refresh_from_db()
    assert pull.upload.status == UploadStatus.ACCEPTED
    assert pull.upload.rows == len(fake_xero.clients)
    event = AuditEvent.objects.get(verb=Verb.PULLED)
    assert event.details["rows"] == pull.rows and len(event.details["pages"]) == len(pull.pages)


def test_the_audit_event_says_who_what_and_which_pages_but_never_a_token(
    connection, practice, manager, fake_xero
):
    pull = _start(
        practice, "xero_invoices", manager, window={"from": "2025-01-01", "to": "2025-12-31"}
    )
    pull_task.delay(pull.pk)
    pull.refresh_from_db()
    event = AuditEvent.objects.get(verb=Verb.PULLED)
    assert event.actor == manager and event.practice == practice
    assert event.details == {
        "kind": "xero_invoices",
        "rows": pull.rows,
        "pages": [
            {"page": p["page"], "sha256": p["sha256"], "rows": p["rows"]} for p in pull.pages
        ],
        "window": {"from": "2025-01-01", "to": "2025-12-31"},
        "file": pull.upload.original_name,
        "sha256": pull.upload.stored_file.sha256,
    }
    assert all(StoredFile.objects.filter(sha256=p["sha256"]).exists() for p in pull.pages)
    connection.refresh_from_db()
    secrets = [tokens.decrypt(connection.access_token), tokens.decrypt(connection.refresh_token)]
    secrets += [connection.access_token, connection.refresh_token]
    written = json.dumps(event.details)
    assert not [s for s in secrets if s and s in written] and "token" not in written.lower()


def test_a_refused_call_ends_the_pull_as_failed_and_says_why(
    connection, practice, manager, fake_xero
):
    connection.xero_tenant_id = str(uuid.uuid4())  # not a tenant of this token: Xero answers 403
    connection.save()
    pull = _start(practice, "xero_contacts", manager)
    assert pull_task.delay(pull.pk).get() == PullStatus.FAILED
    pull.refresh_from_db()
    assert pull.status == PullStatus.FAILED and pull.upload is None
    assert pull.error == "Xero refused the call (403); nothing was loaded."
    event = AuditEvent.objects.get(verb=Verb.PULL_FAILED)
    assert event.actor == manager and event.details["error"] == pull.error
    assert pull_task.delay(pull.pk).get() == "done"  # a failed pull is not tried again


def test_a_lost_connection_ends_the_pull_as_failed(connection, practice, fake_xero):
    fake_xero.access.clear()
    fake_xero.refresh.clear()  # the refresh token is refused too
    pull = _start(practice, "xpm_staff")
    pull_task.delay(pull.pk)
    pull.refresh_from_db()
    assert pull.status == PullStatus.FAILED and "reconnecting" in pull.error


def test_it_honours_retry_after(connection, practice, fake_xero, monkeypatch):
    fake_xero.per_minute = 1
    waited = []

    def wait(seconds):
        waited.append(seconds)
        fake_xero.offset += seconds

    monkeypatch.setattr(pulling, "sleep", wait)
    pull = _start(practice, "xero_contacts")
    fake_xero.contacts = fake_xero.contacts * 3  # two pages of 100 at most
    pull_task.delay(pull.pk)
    pull.refresh_from_db()
    assert pull.status == PullStatus.SUCCEEDED
    assert waited and all(w >= 1 for w in waited)


def test_it_resumes_after_a_failure_mid_way(connection, practice, fake_xero, monkeypatch):
    monkeypatch.setattr(sources, "PAGE_SIZE", 10)
    fake_xero.fail_calls = {3}
    pull = _start(practice, "xpm_clients")
    assert pull_task.delay(pull.pk).get() == "interrupted"
    pull.refresh_from_db()
    assert pull.status == PullStatus.WAITING and len(pull.pages) == 2
    assert pull.error == "Xero answered 500."  # shown beside the upload while it waits
    pull_task.delay(pull.pk)
    pull.refresh_from_db()
    assert pull.status == PullStatus.SUCCEEDED
    assert pull.rows == len(fake_xero.clients)
    assert [p["page"] for p in pull.pages] == list(range(1, len(pull.pages) + 1))


def test_it_refreshes_on_a_401(connection, practice, fake_xero):
    fake_xero.access.clear()  # the stored access token no longer works
    pull = _start(practice, "xero_contacts")
    pull_task.delay(pull.pk)
    pull.refresh_from_db()
    assert pull.status == PullStatus.SUCCEEDED
