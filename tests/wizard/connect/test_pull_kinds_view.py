"""Each step offers a pull of every kind it reads that XPM or Xero can give (invoices and jobs
over a date window, by default the last 18 months), and the findings of a pulled table link to
the record in XPM or Xero."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import Pull, PullStatus, RunStatus, UploadStatus, ValidationRun
from audits.selectors import current_uploads
from audits.xero.sources import default_window

pytestmark = pytest.mark.django_db


def pull_url(practice, step, kind):
    return reverse("wizard:pull", args=[practice.pk, step, kind])


def settle(capture, action):
    """Do ``action`` and everything it queues once committed: the pull, then the read of the
    upload it made and the checks that read queues, as the workers would."""
    with capture(execute=True) as first:
        result = action()
    with capture(execute=True):
        for callback in first[1:]:
            callback()
    return result


@pytest.mark.parametrize(
    ("step", "offered", "not_offered"),
    [
        ("team-linked", ("xpm_staff", "xpm_jobs", "xpm_clients"), ("ignition_team",)),
        ("proposal-billing", ("xero_invoices", "xpm_jobs"), ("ignition_proposals",)),
        ("name-parity", ("xpm_clients", "xero_contacts", "xero_invoices"), ("ignition_clients",)),
    ],
)
def test_each_step_offers_a_pull_of_the_kinds_it_reads(
    client, practice, connected, step, offered, not_offered
):
    page = client.get(reverse("wizard:step", args=[practice.pk, step])).content.decode()
    for kind in offered:
        assert pull_url(practice, step, kind) in page, kind
    for kind in not_offered:
        assert pull_url(practice, step, kind) not in page, kind


def test_invoices_and_jobs_are_pulled_over_the_last_18_months_unless_changed(
    client, practice, connected
):
    window = default_window(timezone.localdate())
    page = client.get(reverse("wizard:step", args=[practice.pk, "proposal-billing"]))
    html = page.content.decode()
    for kind in ("xero_invoices", "xpm_jobs"):
        form = html[html.index(pull_url(practice, "proposal-billing", kind)) :].split("</form>")[0]
        assert f'name="from" value="{window["from"]}"' in form
        assert f'name="to" value="{window["to"]}"' in form
    staff = client.get(reverse("wizard:step", args=[practice.pk, "team-linked"])).content.decode()
    form = staff[staff.index(pull_url(practice, "team-linked", "xpm_staff")) :]
    assert 'name="from"' not in form.split("</form>")[0]


def test_it_pulls_invoices_over_the_window_picked_and_puts_them_in_use(
    client, practice, connected, fake_xero, django_capture_on_commit_callbacks
):
    window = {"from": "2025-07-01", "to": "2025-09-30"}
    url = pull_url(practice, "proposal-billing", "xero_invoices")
    response = settle(django_capture_on_commit_callbacks, lambda: client.post(url, window))
    assert response.status_code == 302
    pull = Pull.objects.get()
    assert (pull.status, pull.kind, pull.window) == (PullStatus.SUCCEEDED, "xero_invoices", window)
    in_use = current_uploads(practice.current_onboarding())["xero_invoices"]
    assert in_use.pk == pull.upload_id and in_use.status == UploadStatus.ACCEPTED
    page = client.get(reverse("wizard:step", args=[practice.pk, "proposal-billing"]))
    assert "dated 2025-07-01 to 2025-09-30" in page.content.decode()


@pytest.mark.parametrize(
    "window",
    [
        {"from": "2025-09-30", "to": "2025-07-01"},
        {"from": "not a date"},
        {"to": "2025-07-01"},
        {"from": "2025-07-01", "to": "2999-01-01"},
    ],
)
def test_it_refuses_a_window_that_is_not_one(client, practice, connected, window):
    url = pull_url(practice, "proposal-billing", "xero_invoices")
    page = client.post(url, window, follow=True).content.decode()
    assert "Pick a start date" in page or "Give the dates to pull as dates" in page
    assert not Pull.objects.exists()


def test_the_staff_list_is_pulled_for_the_team_step(
    client, practice, connected, fake_xero, django_capture_on_commit_callbacks
):
    url = pull_url(practice, "team-linked", "xpm_staff")
    settle(django_capture_on_commit_callbacks, lambda: client.post(url))
    in_use = current_uploads(practice.current_onboarding())["xpm_staff"]
    assert in_use.rows == len(fake_xero.staff) and in_use.status == UploadStatus.ACCEPTED


def test_findings_on_pulled_clients_open_the_client_in_xpm(
    client, practice, connected, fake_xero, django_capture_on_commit_callbacks
):
    url = pull_url(practice, "client-names", "xpm_clients")
    settle(django_capture_on_commit_callbacks, lambda: client.post(url))
    run = ValidationRun.objects.filter(step_key="client-names").latest("pk")
    assert run.status == RunStatus.SUCCEEDED
    finding = run.findings.exclude(records=[]).first()
    assert finding is not None and "pulled" in finding.file
    (record,) = finding.records
    client_record = next(c for c in fake_xero.clients if c["uuid"] == record["id"])
    assert record["url"] == client_record["webUrl"] and record["system"] == "XPM"
    page = client.get(reverse("wizard:findings", args=[practice.pk, run.pk])).content.decode()
    links = re.findall(
        r'<a href="([^"]+)" target="_blank" rel="noopener noreferrer">Open in XPM', page
    )
    assert client_record["webUrl"] in links
    assert f"{finding.file}, row {record['row']}" in page
