"""Re-check everything: a connected practice's manager pulls every kind again from the overview,
and each step that reads a pulled kind is checked again; a kind being pulled already is not
started twice; staff may not."""

import pytest
from django.urls import reverse

from audits.models import Pull, PullStatus, UploadStatus, ValidationRun
from audits.selectors import current_uploads
from audits.xero import pulling
from wizard.connect import services

pytestmark = pytest.mark.django_db


def _recheck(client, practice, **kwargs):
    return client.post(reverse("wizard:recheck", args=[practice.pk]), **kwargs)


def _run_on_commit(captured, django_capture_on_commit_callbacks):
    """Run what a worker would: each queued task, and what those queue in turn."""
    while captured:
        with django_capture_on_commit_callbacks(execute=False) as more:
            for callback in captured:
                callback()
        captured = list(more)


def test_it_offers_re_check_everything_once_connected(client, practice, connected):
    page = client.get(reverse("wizard:overview", args=[practice.pk])).content.decode()
    assert reverse("wizard:recheck", args=[practice.pk]) in page
    assert "Re-check everything" in page


def test_it_pulls_every_kind_and_checks_the_steps_that_read_them(
    client, practice, connected, fake_xero, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _recheck(client, practice)
    assert response.status_code == 302
    assert response["Location"].endswith("#connect-panel")
    assert sorted(Pull.objects.values_list("kind", flat=True)) == sorted(pulling.SOURCES)
    _run_on_commit(list(queued), django_capture_on_commit_callbacks)
    assert set(Pull.objects.values_list("status", flat=True)) == {PullStatus.SUCCEEDED}
    in_use = current_uploads(practice.current_onboarding())
    for pull in Pull.objects.all():
        assert in_use[pull.kind].pk == pull.upload_id
        assert in_use[pull.kind].status == UploadStatus.ACCEPTED
    # The upload path checked the steps again: name parity reads both pulled kinds.
    checked = set(ValidationRun.objects.values_list("step_key", flat=True))
    assert {"client-names", "name-parity"} <= checked
    page = client.get(reverse("wizard:overview", args=[practice.pk])).content.decode()
    assert f"XPM clients: Pulled, {len(fake_xero.clients)} rows" in page


def test_it_does_not_start_a_second_pull_of_a_kind_already_running(
    client, practice, connected, django_capture_on_commit_callbacks
):
    onboarding = practice.current_onboarding()
    Pull.objects.create(
        practice=practice, onboarding=onboarding, kind="xpm_clients", step_key="client-names"
    )
    with django_capture_on_commit_callbacks(execute=False):
        response = _recheck(client, practice, follow=True)
    assert Pull.objects.filter(kind="xpm_clients").count() == 1
    assert Pull.objects.filter(kind="xero_contacts").count() == 1
    assert "XPM clients: already being pulled, so not started twice" in response.content.decode()


def test_a_second_press_while_pulling_starts_nothing_more(
    client, practice, connected, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        _recheck(client, practice)
        _recheck(client, practice)
    assert Pull.objects.count() == len(pulling.SOURCES)


def test_a_single_pull_of_a_kind_already_running_is_refused(
    client, practice, connected, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        _recheck(client, practice)
        response = client.post(
            reverse("wizard:pull", args=[practice.pk, "client-names", "xpm_clients"]), follow=True
        )
    assert "is being pulled already" in response.content.decode()
    assert Pull.objects.filter(kind="xpm_clients").count() == 1


def test_an_abandoned_pull_does_not_block_for_ever(
    client, practice, connected, django_capture_on_commit_callbacks
):
    onboarding = practice.current_onboarding()
    stuck = Pull.objects.create(practice=practice, onboarding=onboarding, kind="xpm_clients")
    Pull.objects.filter(pk=stuck.pk).update(created_at=stuck.created_at - services.ABANDONED_AFTER)
    with django_capture_on_commit_callbacks(execute=False):
        _recheck(client, practice)
    assert Pull.objects.filter(kind="xpm_clients").count() == 2


def test_it_pulls_only_what_the_connection_reaches(
    client, practice, connected, django_capture_on_commit_callbacks
):
    connected.xero_tenant_id = ""  # the person allowed XPM only
    connected.save()
    with django_capture_on_commit_callbacks(execute=False):
        _recheck(client, practice)
    readable = [k for k, s in pulling.SOURCES.items() if s.tenant != "xero_tenant_id"]
    assert sorted(Pull.objects.values_list("kind", flat=True)) == sorted(readable)


def test_it_refuses_staff(client, staff, practice, connected):
    client.force_login(staff)
    assert _recheck(client, practice).status_code == 403
    assert not Pull.objects.exists()
    page = client.get(reverse("wizard:overview", args=[practice.pk])).content.decode()
    assert "Re-check everything" not in page


def test_it_refuses_when_not_connected(client, manager, practice):
    client.force_login(manager)
    response = _recheck(client, practice, follow=True)
    assert "Connect XPM and Xero first" in response.content.decode()
    assert not Pull.objects.exists()
