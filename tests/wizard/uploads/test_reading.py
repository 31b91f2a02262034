"""Reading off the request: an upload POST stores the file and queues the read; the upload area
shows the file as being read (polled by htmx, a Refresh link without JavaScript) until the
outcome comes back; the step list does not count it as a current export meanwhile."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits import reading
from audits.models import Upload, UploadStatus
from audits.selectors import current_uploads
from wizard.models import StepStatus

CLIENTS = b"Client,Business Structure,Email\r\nJane Smith,Individual,j@x.com\r\n"
HTMX = {"HTTP_HX_REQUEST": "true"}
STEP = "client-names"


def _url(name, practice):
    return reverse(f"wizard:{name}", kwargs={"pk": practice.pk, "key": STEP})


@pytest.fixture
def client(manager, client_for):
    return client_for(manager)


@pytest.fixture
def received(client, practice, django_capture_on_commit_callbacks):
    """A file posted through the form, its read queued but not yet run: (response, upload,
    the queued callbacks)."""
    with django_capture_on_commit_callbacks() as queued:
        files = [SimpleUploadedFile("clients.csv", CLIENTS)]
        response = client.post(_url("upload", practice), {"files": files}, **HTMX)
    return response, Upload.objects.get(), queued


def _poll(client, practice, upload):
    return client.get(_url("upload_reading", practice), {"ids": str(upload.pk)}, **HTMX)


def test_it_returns_from_the_upload_post_without_parsing(
    client, practice, monkeypatch, django_capture_on_commit_callbacks
):
    def boom(*args, **kwargs):
        raise AssertionError("the request must not parse the file")

    monkeypatch.setattr(reading, "load_bytes", boom)
    monkeypatch.setattr(reading, "read_header", boom)
    with django_capture_on_commit_callbacks() as queued:
        files = [SimpleUploadedFile("clients.csv", CLIENTS)]
        response = client.post(_url("upload", practice), {"files": files}, **HTMX)
    assert response.status_code == 200
    assert Upload.objects.get().status == UploadStatus.READING
    assert len(queued) == 1  # the read, sent to a worker when the request commits


def test_it_shows_the_file_as_being_read_and_polls(received, practice):
    response, upload, _ = received
    body = response.content.decode()
    assert "clients.csv: being read." in body
    block = body[body.index('<div id="upload-reading"') :].split("</div>")[0]
    assert f'data-reading="{upload.pk}"' in block
    assert f'hx-get="{_url("upload_reading", practice)}?ids={upload.pk}"' in block
    assert 'hx-trigger="every 1s"' in block
    assert "Reading <strong>clients.csv</strong>" in block
    assert "<progress" in block
    step_url = reverse("wizard:step", kwargs={"pk": practice.pk, "key": STEP})
    assert f'<a href="{step_url}#upload-area">Refresh</a>' in block  # works without JavaScript


def test_it_keeps_polling_while_the_file_is_being_read(received, client, practice):
    _, upload, _ = received
    response = _poll(client, practice, upload)
    assert response.content.decode().lstrip().startswith('<div id="upload-reading"')
    assert "HX-Retarget" not in response


def test_it_swaps_in_the_upload_area_with_the_outcome_once_read(received, client, practice):
    _, upload, queued = received
    for callback in queued:
        callback()
    response = _poll(client, practice, upload)
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#upload-area", "outerHTML")
    assert {"stepsChanged", "uploadsChanged"} <= set(json.loads(response["HX-Trigger"]))
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="upload-area"')
    assert "clients.csv: loaded." in body
    assert "In use: <strong>clients.csv</strong>, 1 row." in body
    assert 'id="upload-reading"' not in body


def test_it_shows_a_refusal_once_read(client, practice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        files = [SimpleUploadedFile("wide.csv", b"x," * 2_500 + b"x\r\n1\r\n")]
        client.post(_url("upload", practice), {"files": files}, **HTMX)
    body = _poll(client, practice, Upload.objects.get()).content.decode()
    assert "wide.csv: refused. wide.csv has 2,501 columns in row 1; the limit is 2,000." in body


def test_it_sends_a_plain_request_to_the_step_page(received, client, practice):
    _, upload, _ = received
    response = client.get(_url("upload_reading", practice), {"ids": str(upload.pk)})
    assert response.status_code == 302
    assert response["Location"].endswith("#upload-area")


def test_the_step_page_shows_the_file_being_read(received, client, practice):
    page = client.get(reverse("wizard:step", kwargs={"pk": practice.pk, "key": STEP}))
    body = page.content.decode()
    assert 'id="upload-reading"' in body and "Reading <strong>clients.csv</strong>" in body
    assert "Files not loaded" not in body  # not listed as refused meanwhile


def test_the_step_list_says_the_export_is_being_read(received, practice):
    progress = practice.current_onboarding().steps.get(step_key=STEP)
    assert (progress.status, progress.status_note) == (
        StepStatus.IN_PROGRESS,
        "Reading your upload…",
    )
    assert current_uploads(practice.current_onboarding()) == {}


def test_the_step_list_names_the_kind_being_read(
    client, practice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        files = [SimpleUploadedFile("clients.csv", CLIENTS)]
        client.post(_url("upload", practice), {"files": files, "kind": "xpm_clients"}, **HTMX)
    progress = practice.current_onboarding().steps.get(step_key="clean-data")
    assert progress.status == StepStatus.IN_PROGRESS
    assert progress.status_note.startswith("Reading XPM clients export…")


def test_it_ignores_uploads_of_another_practice(received, outsider, client_for, other_practice):
    _, upload, _ = received
    url = reverse("wizard:upload_reading", kwargs={"pk": other_practice.pk, "key": STEP})
    body = client_for(outsider).get(url, {"ids": str(upload.pk)}, **HTMX).content.decode()
    assert "clients.csv:" not in body and "<strong>clients.csv</strong>" not in body
