"""The Fixes page: the list with before → after and the finding, edits by anyone on the
practice, approval and sending by its practice manager only (controls absent for staff, their
POST refused), CSRF on every POST, and the links to it."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse

from audits.models import Fix, FixStatus, ValidationRun
from tests.wizard.connect.helpers import connect
from tests.wizard.fixes.conftest import run_queued

pytestmark = pytest.mark.django_db


def _url(name, practice, *args):
    return reverse(f"wizard:{name}", args=[practice.pk, *args])


def test_the_manager_sees_the_list_and_approves_a_reviewed_batch(client, practice, pulled):
    page = client.get(_url("fixes", practice)).content.decode()
    renames = [f for f in pulled if f.record_kind == "client" and f.after][:3]
    for fix in renames:
        assert fix.before in page and fix.after in page
    assert "C12.E001" in page and "Approve the selected fixes" in page and "Send approved" in page
    answer = client.post(_url("fix_approve", practice), {"fix": [f.pk for f in renames]})
    assert answer.status_code == 302
    assert {f.status for f in Fix.objects.filter(pk__in=[f.pk for f in renames])} == {
        FixStatus.APPROVED
    }


def test_staff_may_edit_but_finds_no_approve_controls_and_is_refused(
    client, practice, staff, pulled
):
    fix = next(f for f in pulled if f.record_kind == "client")
    client.force_login(staff)
    page = client.get(_url("fixes", practice)).content.decode()
    assert "Approve" not in page and "Send approved" not in page
    assert "Your practice manager approves" in page
    assert client.post(_url("fix_edit", practice, fix.pk), {"after": "Better"}).status_code == 302
    fix.refresh_from_db()
    assert fix.after == "Better"
    assert client.post(_url("fix_approve", practice), {"fix": [fix.pk]}).status_code == 403
    assert client.post(_url("fix_send", practice)).status_code == 403
    fix.refresh_from_db()
    assert fix.status == FixStatus.PROPOSED


def test_every_post_needs_the_csrf_token(practice, manager, pulled):
    fix = pulled[0]
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(manager)
    for url in (
        _url("fix_edit", practice, fix.pk),
        _url("fix_approve", practice),
        _url("fix_send", practice),
        _url("write_back", practice),
    ):
        assert guarded.post(url, {"fix": [fix.pk], "after": "x"}).status_code == 403, url


def test_sending_from_the_page_shows_each_status(
    client, practice, pulled, fake_xero, django_capture_on_commit_callbacks
):
    fix = next(f for f in pulled if f.record_kind == "client" and f.after)
    client.post(_url("fix_approve", practice), {"fix": [fix.pk]})
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(_url("fix_send", practice))
    fix.refresh_from_db()
    assert fix.status == FixStatus.SENDING
    polled = client.get(_url("fix_status", practice), headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in polled.content.decode()
    run_queued(list(queued), django_capture_on_commit_callbacks)
    fix.refresh_from_db()
    assert fix.status == FixStatus.SENT
    assert "Sent" in client.get(_url("fix_status", practice)).content.decode()


def test_the_connect_panel_and_a_fixable_findings_page_link_to_it(client, practice, pulled):
    fixes_url = _url("fixes", practice)
    assert fixes_url in client.get(_url("overview", practice)).content.decode()
    run = ValidationRun.objects.filter(step_key="internal-names").latest("pk")
    page = client.get(_url("findings", practice, run.pk)).content.decode()
    assert fixes_url in page


def test_write_back_on_asks_for_the_write_scopes_when_connecting_again(
    client, practice, manager, fake_xero
):
    client.force_login(manager)
    connect(client, fake_xero, practice)
    assert not WRITE & _scopes(client.post(_url("connect", practice))["Location"])
    client.post(_url("write_back", practice), {"on": "1"})
    assert _scopes(client.post(_url("connect", practice))["Location"]) >= WRITE


WRITE = {"practicemanager.client", "practicemanager.job", "accounting.contacts"}


def _scopes(url: str) -> set[str]:
    return set(parse_qs(urlparse(url).query)["scope"][0].split())


def test_the_completion_report_lists_the_fixes_sent_who_approved_them_and_the_results(
    client, practice, manager, pulled, fake_xero, django_capture_on_commit_callbacks
):
    from wizard.report.services import render_html  # the report's own rendering

    sent, refused = [f for f in pulled if f.record_kind == "client" and f.after][:2]
    fake_xero.client_by(refused.record_id)["name"] = "Edited Meanwhile"
    client.post(_url("fix_approve", practice), {"fix": [sent.pk, refused.pk]})
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(_url("fix_send", practice))
    run_queued(list(queued), django_capture_on_commit_callbacks)
    report = render_html(practice.current_onboarding())
    assert "Fixes sent back to XPM and Xero (2)" in report
    assert f"“{sent.before}” → “{sent.after}”" in report
    assert "Refused: changed since the pull" in report and "Edited Meanwhile" in report
    assert (manager.get_full_name() or manager.get_username()) in report
