"""Pulling from the fake: paging, 429 honoured, resumed after a failure mid-way, and the pulled
table read by the upload pipeline like an upload."""

import pytest

from audits import reading
from audits.models import PullStatus, UploadStatus
from audits.xero import pulling, sources
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
    assert pull.status == PullStatus.RUNNING and len(pull.pages) == 2
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
