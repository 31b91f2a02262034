import io
import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.wizard.signoff.factories import upload
from wizard import events
from wizard.models import Attestation, StepStatus, Verb


def url(practice, key="api-access"):
    return reverse("wizard:attest", args=[practice.pk, key])


def form(**extra):
    data = {
        "confirmed": "on",
        "checked_by": "Priya Patel",
        "checked_on": "2026-11-20",
        "note": "",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_it_records_an_attestation(practice, manager, client_for):
    response = client_for(manager).post(url(practice), form())
    assert response.status_code == 302
    attestation = Attestation.objects.get()
    assert (attestation.checked_by, attestation.recorded_by) == ("Priya Patel", manager)
    progress = attestation.progress
    assert (progress.number, progress.status) == (1, StepStatus.READY)


def test_it_returns_the_step_card_and_a_trigger_to_htmx(practice, manager, client_for):
    response = client_for(manager).post(url(practice), form(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"stepsChanged": {}}
    body = response.content.decode()
    assert 'id="step-card"' in body and "<html" not in body
    assert "Confirmed by <strong>Priya Patel</strong>" in body


def test_it_shows_field_errors_in_place(practice, manager, client_for):
    response = client_for(manager).post(
        url(practice), form(confirmed="", checked_by=""), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Tick the box to confirm the setting." in body
    assert "This field is required." in body
    assert not Attestation.objects.exists()


def test_it_refuses_a_future_check_date(practice, manager, client_for):
    response = client_for(manager).post(url(practice), form(checked_on="2999-01-01"))
    assert "The check date cannot be in the future." in response.content.decode()
    assert not Attestation.objects.exists()


def test_it_refuses_a_screenshot_that_is_not_an_image(practice, manager, client_for):
    pdf = io.BytesIO(b"%PDF-1.7 not an image")
    pdf.name = "setting.png"
    response = client_for(manager).post(url(practice), form(screenshot=pdf))
    assert "setting.png is a PDF document" in response.content.decode()
    assert not Attestation.objects.exists()


def test_it_refuses_an_oversized_screenshot(practice, manager, client_for, settings):
    settings.LIFTOFF_SCREENSHOT_MAX_BYTES = 1024
    big = io.BytesIO(png_bytes() + b"\0" * 2048)
    big.name = "big.png"
    response = client_for(manager).post(url(practice), form(screenshot=big))
    assert "the limit is 1.0 KB" in response.content.decode()
    assert not Attestation.objects.exists()


def test_it_checks_and_fingerprints_a_screenshot(
    practice, manager, client_for, django_capture_on_commit_callbacks
):
    image = io.BytesIO(png_bytes())
    image.name = "privileges.png"
    with django_capture_on_commit_callbacks(execute=True):
        client_for(manager).post(url(practice), form(screenshot=image))
    attestation = Attestation.objects.get()
    assert attestation.screenshot_status == Attestation.ScreenshotStatus.OK
    import hashlib

    assert attestation.screenshot_sha256 == hashlib.sha256(png_bytes()).hexdigest()


def test_it_creates_one_record_on_double_submit(practice, manager, client_for):
    client = client_for(manager)
    data = form()
    client.post(url(practice), data)
    client.post(url(practice), data)
    assert Attestation.objects.count() == 1


def test_it_is_a_404_for_another_tenants_practice(other_practice, manager, client_for):
    response = client_for(manager).post(url(other_practice), form())
    assert response.status_code == 404
    assert not Attestation.objects.exists()


def test_it_rejects_get(practice, manager, client_for):
    assert client_for(manager).get(url(practice)).status_code == 405


def test_it_refuses_a_post_without_csrf_token(practice, manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    assert client.post(url(practice), form()).status_code == 403
    assert not Attestation.objects.exists()


def test_it_refuses_to_attest_a_data_only_step(practice, manager, client_for):
    response = client_for(manager).post(url(practice, "client-names"), form())
    assert response.status_code == 400


@pytest.mark.parametrize("key", ["nope", "api_access"])
def test_it_is_a_404_for_an_unknown_step(practice, manager, client_for, key):
    assert client_for(manager).post(url(practice, key), form()).status_code == 404


def test_it_pages_the_activity_log_and_names_steps_by_title(practice, manager, client_for):
    for _ in range(55):
        events.record_for(practice.current_onboarding().steps.get(number=3), Verb.ATTESTED)
    client = client_for(manager)
    first = client.get(reverse("wizard:activity", args=[practice.pk])).content.decode()
    assert "3. Name individual clients" in first and ">client-names<" not in first
    assert "Page 1 of 2" in first
    second = client.get(reverse("wizard:activity", args=[practice.pk]) + "?page=2")
    assert "Page 2 of 2" in second.content.decode()


def test_it_lists_what_to_gather_by_system_on_a_first_visit(practice, manager, client_for):
    page = client_for(manager).get(reverse("wizard:overview", args=[practice.pk])).content.decode()
    assert "What to gather" in page and '<details class="card gather" open>' in page
    for system in ("XPM", "Ignition", "Xero"):
        assert f"<h3>{system}</h3>" in page
    assert reverse("wizard:template", args=["xpm_jobs"]) in page
    assert "Steps 1, 2, 6 are settings no export shows" in page


def test_it_marks_what_is_uploaded_and_folds_the_list_after_the_first_export(
    practice, manager, client_for
):
    upload(practice, "xpm_clients")
    page = client_for(manager).get(reverse("wizard:overview", args=[practice.pk])).content.decode()
    assert '<details class="card gather">' in page
    assert "uploaded</span>" in page
