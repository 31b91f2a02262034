"""Pulling from the step page: a connected practice's manager presses "Pull from XPM" and the
pulled table becomes the export in use, read and checked like an upload."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import Pull, PullStatus, UploadStatus
from audits.selectors import current_uploads

pytestmark = pytest.mark.django_db

STEP = "client-names"


def _pull(client, practice, kind="xpm_clients"):
    return client.post(reverse("wizard:pull", args=[practice.pk, STEP, kind]))


def test_it_offers_a_pull_beside_the_upload_once_connected(client, practice, connected):
    page = client.get(reverse("wizard:step", args=[practice.pk, STEP])).content.decode()
    assert reverse("wizard:pull", args=[practice.pk, STEP, "xpm_clients"]) in page
    assert "Pull from XPM" in page


def test_it_pulls_the_kind_and_puts_it_in_use(
    client, practice, connected, fake_xero, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as pulled:
        response = _pull(client, practice)
    assert response.status_code == 302
    # The pull made an upload; reading it is queued in turn (run it as the worker would).
    with django_capture_on_commit_callbacks(execute=True):
        for callback in pulled[1:]:
            callback()
    pull = Pull.objects.get()
    assert (pull.status, pull.kind, pull.rows) == (
        PullStatus.SUCCEEDED,
        "xpm_clients",
        len(fake_xero.clients),
    )
    in_use = current_uploads(practice.current_onboarding())["xpm_clients"]
    assert in_use.pk == pull.upload_id and in_use.status == UploadStatus.ACCEPTED
    page = client.get(reverse("wizard:step", args=[practice.pk, STEP])).content.decode()
    assert "Pull from XPM: Pulled" in page


def test_it_refuses_a_pull_when_not_connected(client, manager, practice):
    client.force_login(manager)
    response = client.post(
        reverse("wizard:pull", args=[practice.pk, STEP, "xpm_clients"]), follow=True
    )
    assert "Connect XPM and Xero first" in response.content.decode()
    assert not Pull.objects.exists()


def test_it_refuses_a_kind_the_step_does_not_read(client, practice, connected):
    assert _pull(client, practice, kind="xero_invoices").status_code == 404


def test_it_polls_the_upload_area_while_a_pull_runs(client, practice, connected):
    onboarding = practice.current_onboarding()
    Pull.objects.create(
        practice=practice, onboarding=onboarding, kind="xpm_clients", step_key=STEP, rows=200
    )
    url = reverse("wizard:step", args=[practice.pk, STEP])
    page = client.get(url).content.decode()
    assert f'hx-get="{url}?fragment=upload-area" hx-trigger="every 2s"' in page
    assert "Pull from XPM: Pulling · page 0, 200 rows so far; 5000 calls left today" in page
    area = client.get(url + "?fragment=upload-area", HTTP_HX_REQUEST="true").content.decode()
    assert area.lstrip().startswith('<div id="upload-area"') and "<html" not in area
    Pull.objects.update(status=PullStatus.SUCCEEDED)
    assert "every 2s" not in client.get(url).content.decode()


def test_it_says_how_many_calls_are_left_today(client, practice, connected):
    connected.calls_day, connected.calls_today = timezone.now().date(), 788
    connected.save(update_fields=["calls_day", "calls_today"])
    Pull.objects.create(
        practice=practice,
        onboarding=practice.current_onboarding(),
        kind="xpm_clients",
        step_key=STEP,
        rows=2400,
        pages=[{"page": 1}, {"page": 2}, {"page": 3}],
    )
    page = client.get(reverse("wizard:step", args=[practice.pk, STEP])).content.decode()
    assert "page 3, 2400 rows so far; 4212 calls left today" in page
