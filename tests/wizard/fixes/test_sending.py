"""Sending approved fixes back to the fake XPM and Xero, through the real pull → check → fix
list → approve → send → re-pull → re-check path; only the fake server stands in."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from audits import fixes as derivation
from audits.models import Finding, Fix, FixStatus, Pull, ValidationRun
from audits.xero import sending, tasks
from tests.wizard.fixes.conftest import run_queued
from wizard.connect import fixes
from wizard.connect.services import Refused
from wizard.models import AuditEvent, Verb

pytestmark = pytest.mark.django_db

RECHECKED = ("client-names", "internal-names", "job-states")


def _renames(found, n=3):
    return [f for f in found if f.record_kind == "client" and f.after][:n]


def _job(found):
    return next(f for f in found if f.record_kind == "job")


def _send(practice, manager, capture):
    onboarding = practice.current_onboarding()
    with capture(execute=False) as queued:
        count = fixes.start_sending(practice=practice, onboarding=onboarding, actor=manager)
    run_queued(list(queued), capture)
    return count


def test_approved_renames_and_a_state_change_are_sent_and_checked_again(
    practice, manager, pulled, fake_xero, django_capture_on_commit_callbacks
):
    onboarding = practice.current_onboarding()
    renames, job = _renames(pulled), _job(pulled)
    fixes.edit(fix=job, after="In Progress", actor=manager)
    chosen = [*renames, job]
    fixes.approve(onboarding=onboarding, pks=[f.pk for f in chosen], actor=manager)
    runs_before = ValidationRun.objects.count()
    last_run = ValidationRun.objects.order_by("-pk").first().pk

    assert _send(practice, manager, django_capture_on_commit_callbacks) == 4

    for fix in chosen:
        fix.refresh_from_db()
        assert fix.status == FixStatus.SENT, fix.reason
        assert fix.answer["after_read"] == fix.after
    for fix in renames:
        assert fake_xero.client_by(fix.record_id)["name"] == fix.after
    assert fake_xero.job_by(job.record_ref)["state"] == "In Progress"
    assert len(fake_xero.writes) == 4
    # The touched kinds were pulled again and their steps checked again: the findings are gone.
    assert ValidationRun.objects.count() > runs_before
    latest = derivation.latest_runs(onboarding)
    rechecked = [run for run in latest if run.step_key in RECHECKED]
    assert len(rechecked) == 3 and all(run.pk > last_run for run in rechecked)
    resolved = {source["match_key"] for fix in chosen for source in fix.findings}
    assert not Finding.objects.filter(run__in=latest, match_key__in=resolved).exists()
    # One event per change, with the approver, the request and the answer; never a token.
    sent = AuditEvent.objects.filter(verb=Verb.FIX_SENT)
    assert sent.count() == 4
    for event in sent:
        assert event.details["approved_by"].startswith(manager.get_full_name() or manager.email)
        assert event.details["answer"]["request"]["method"] in ("PUT", "POST")
        assert "Bearer" not in str(event.details) and "Authorization" not in str(event.details)
    call_command("verify_audit")


def test_a_record_changed_since_the_pull_is_refused_and_nothing_is_sent(
    practice, manager, pulled, fake_xero, django_capture_on_commit_callbacks
):
    fix = _renames(pulled, 1)[0]
    fake_xero.client_by(fix.record_id)["name"] = "Someone Else Edited This"
    fixes.approve(onboarding=practice.current_onboarding(), pks=[fix.pk], actor=manager)
    _send(practice, manager, django_capture_on_commit_callbacks)
    fix.refresh_from_db()
    assert fix.status == FixStatus.REFUSED
    assert "changed this XPM client since the pull" in fix.reason
    assert "Someone Else Edited This" in fix.reason
    assert fake_xero.writes == []
    assert fake_xero.client_by(fix.record_id)["name"] == "Someone Else Edited This"
    event = AuditEvent.objects.get(verb=Verb.FIX_NOT_SENT)
    assert event.details["status"] == FixStatus.REFUSED
    # What someone changed meanwhile is pulled in, so the list can be reviewed on fresh data.
    assert Pull.objects.filter(kind="xpm_clients").count() == 2


def _contact_fix(practice, manager, fake_xero) -> Fix:
    contact = fake_xero.contacts[0]
    return Fix.objects.create(
        practice=practice,
        onboarding=practice.current_onboarding(),
        system="Xero",
        record_kind="contact",
        record_id=contact["ContactID"],
        field="name",
        before=contact["Name"],
        after=f"{contact['Name']} Renamed",
        findings=[{"code": "C13.E001", "match_key": "test"}],
        status=FixStatus.APPROVED,
        approved_by=manager,
    )


def test_a_retried_send_does_not_apply_twice(
    practice, manager, pulled, fake_xero, django_capture_on_commit_callbacks
):
    fix = _contact_fix(practice, manager, fake_xero)
    fake_xero.lose_answers = 1  # Xero applies the change, then the answer is lost
    _send(practice, manager, django_capture_on_commit_callbacks)
    fix.refresh_from_db()
    assert fix.status == FixStatus.FAILED
    assert "Xero refused the change" in fix.reason
    key = fix.idempotency_key
    _send(practice, manager, django_capture_on_commit_callbacks)  # the person sends it again
    fix.refresh_from_db()
    assert fix.status == FixStatus.SENT
    assert fix.idempotency_key == key
    assert len(fake_xero.writes) == 1
    assert fake_xero.contact_by(fix.record_id)["Name"] == fix.after
    posted = [r for r in fake_xero.seen if r.method == "POST"]
    assert posted and all(r.headers["Idempotency-Key"] == str(key) for r in posted)


def test_the_same_idempotency_key_is_applied_once_by_xero(
    practice, manager, pulled, fake_xero, django_capture_on_commit_callbacks
):
    """A send whose re-read came too early still cannot apply twice: the key holds."""
    fix = _contact_fix(practice, manager, fake_xero)
    connection = practice.connection
    first = sending._call(connection, connection.xero_tenant_id, sending.write_call(fix))
    fake_xero.contact_by(fix.record_id)["Name"] = "Edited in Xero meanwhile"
    again = sending._call(connection, connection.xero_tenant_id, sending.write_call(fix))
    assert first.status_code == again.status_code == 200
    assert len(fake_xero.writes) == 1
    assert fake_xero.contact_by(fix.record_id)["Name"] == "Edited in Xero meanwhile"


def test_a_change_the_api_refuses_says_why_and_can_be_retried(
    practice, manager, pulled, fake_xero, django_capture_on_commit_callbacks
):
    fix = _contact_fix(practice, manager, fake_xero)
    Fix.objects.filter(pk=fix.pk).update(after=" ")
    _send(practice, manager, django_capture_on_commit_callbacks)
    fix.refresh_from_db()
    assert fix.status == FixStatus.FAILED
    assert "Contact name is required" in fix.reason
    assert fake_xero.writes == []


def test_staff_can_propose_but_not_approve_or_send(practice, staff, manager, pulled):
    onboarding = practice.current_onboarding()
    fix = _renames(pulled, 1)[0]
    fixes.edit(fix=fix, after="A Better Name", actor=staff)
    fix.refresh_from_db()
    assert fix.after == "A Better Name"
    with pytest.raises(PermissionDenied):
        fixes.approve(onboarding=onboarding, pks=[fix.pk], actor=staff)
    with pytest.raises(PermissionDenied):
        fixes.start_sending(practice=practice, onboarding=onboarding, actor=staff)
    fix.refresh_from_db()
    assert fix.status == FixStatus.PROPOSED


def test_a_job_state_must_be_picked_and_standard_before_approval(practice, manager, pulled):
    onboarding = practice.current_onboarding()
    job = _job(pulled)
    assert job.after == ""
    with pytest.raises(Refused):
        fixes.approve(onboarding=onboarding, pks=[job.pk], actor=manager)
    with pytest.raises(Refused):
        fixes.edit(fix=job, after="Waiting on Client", actor=manager)  # On Hold, not Standard


def test_sending_needs_write_back_switched_on(practice, manager, pulled):
    onboarding = practice.current_onboarding()
    fix = _renames(pulled, 1)[0]
    fixes.approve(onboarding=onboarding, pks=[fix.pk], actor=manager)
    fixes.switch_write_back(practice=practice, on=False, actor=manager)
    with pytest.raises(Refused):
        fixes.start_sending(practice=practice, onboarding=onboarding, actor=manager)


def test_nothing_is_ever_deleted_archived_or_merged(pulled):
    assert {f.field for f in pulled} <= {"name", "state"}
    for fix in pulled:
        call = sending.write_call(fix)
        assert call.method in ("PUT", "POST")
        assert not any(word in call.path.lower() for word in ("delete", "archive", "merge"))


def test_revoked_consent_fails_each_fix_in_words_and_changes_nothing(
    practice, manager, pulled, fake_xero, django_capture_on_commit_callbacks
):
    from tests.fakes.xero import ACCESS_SECONDS  # the fake's token lifetime

    fix = _renames(pulled, 1)[0]
    fixes.approve(onboarding=practice.current_onboarding(), pks=[fix.pk], actor=manager)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        fixes.start_sending(
            practice=practice, onboarding=practice.current_onboarding(), actor=manager
        )
    fake_xero.refresh.clear()  # the practice removed Liftoff in Xero: no refresh is honoured
    fake_xero.offset = ACCESS_SECONDS + 60  # and the access token has expired
    run_queued(list(queued), django_capture_on_commit_callbacks)
    fix.refresh_from_db()
    assert fix.status == FixStatus.FAILED
    assert "need reconnecting" in fix.reason
    assert fake_xero.writes == []


def test_a_short_rate_limit_is_waited_for(
    practice, manager, pulled, fake_xero, django_capture_on_commit_callbacks, monkeypatch
):
    from audits.xero import pulling  # its sleep is where a 429's Retry-After is waited for

    waits = []

    def wait(seconds):
        waits.append(seconds)
        fake_xero.offset += seconds

    monkeypatch.setattr(pulling, "sleep", wait)
    fix = _renames(pulled, 1)[0]
    fixes.approve(onboarding=practice.current_onboarding(), pks=[fix.pk], actor=manager)
    fake_xero.per_minute = 1
    fake_xero.calls.clear()
    _send(practice, manager, django_capture_on_commit_callbacks)
    fix.refresh_from_db()
    assert fix.status == FixStatus.SENT, fix.reason
    assert waits and fake_xero.client_by(fix.record_id)["name"] == fix.after


def test_an_answer_it_cannot_read_fails_the_fix_instead_of_leaving_it_sending(
    practice, manager, pulled, fake_xero, django_capture_on_commit_callbacks, monkeypatch
):
    from werkzeug.wrappers import Response  # the fake's own answers are werkzeug responses

    fix = _renames(pulled, 1)[0]
    fixes.approve(onboarding=practice.current_onboarding(), pks=[fix.pk], actor=manager)
    monkeypatch.setattr(fake_xero, "xpm_client", lambda ident: Response("<html>", status=200))
    _send(practice, manager, django_capture_on_commit_callbacks)
    fix.refresh_from_db()
    assert fix.status == FixStatus.FAILED
    assert "cannot read" in fix.reason
    assert fake_xero.writes == []
    fake_xero.violations.clear()  # the broken answer broke the contract, on purpose


def test_another_spelling_for_a_pair_renames_both_sides(
    practice, manager, pulled, fake_xero, django_capture_on_commit_callbacks
):
    """C13.E001: the XPM client is to take the Xero contact's spelling; a person picks a third
    one, and the contact (spelled as suggested, so without a fix of its own) gets it too."""
    onboarding = practice.current_onboarding()
    xpm = next(f for f in pulled if any(s["code"] == "C13.E001" for s in f.findings))
    assert xpm.partners and not Fix.objects.filter(system="Xero").exists()
    partner = xpm.partners[0]
    fixes.edit(fix=xpm, after="Kohler Logistics Pty Ltd", actor=manager)
    contact = Fix.objects.get(system="Xero", record_id=partner["record_id"])
    assert (contact.before, contact.after, contact.group) == (
        partner["before"],
        "Kohler Logistics Pty Ltd",
        xpm.group,
    )
    fixes.refresh(practice=practice, onboarding=onboarding, actor=manager)  # kept as edited
    contact.refresh_from_db()
    assert contact.after == "Kohler Logistics Pty Ltd"
    fixes.approve(onboarding=onboarding, pks=[xpm.pk, contact.pk], actor=manager)
    _send(practice, manager, django_capture_on_commit_callbacks)
    assert fake_xero.client_by(xpm.record_id)["name"] == "Kohler Logistics Pty Ltd"
    assert fake_xero.contact_by(contact.record_id)["Name"] == "Kohler Logistics Pty Ltd"


def test_a_send_whose_task_was_lost_is_handed_over_again_once(
    practice, manager, pulled, fake_xero, django_capture_on_commit_callbacks, settings
):
    onboarding = practice.current_onboarding()
    renames = _renames(pulled, n=2)
    fixes.approve(onboarding=onboarding, pks=[f.pk for f in renames], actor=manager)
    with django_capture_on_commit_callbacks(execute=False):  # the send task's message is lost
        fixes.start_sending(practice=practice, onboarding=onboarding, actor=manager)
    sending_now = Fix.objects.filter(pk__in=[f.pk for f in renames], status=FixStatus.SENDING)
    assert sending_now.count() == 2 and not fake_xero.writes

    assert tasks.sweep_stale_sends() == []  # just handed over: a worker may still be on it
    lost_at = timezone.now() - timedelta(seconds=settings.LIFTOFF_FIX_SEND_STALE_AFTER + 60)
    sending_now.update(sending_since=lost_at)

    assert tasks.sweep_stale_sends() == [onboarding.pk]  # sent again, in-process here
    for fix in renames:
        fix.refresh_from_db()
        assert fix.status == FixStatus.SENT, fix.reason
        assert fake_xero.client_by(fix.record_id)["name"] == fix.after
    assert len(fake_xero.writes) == 2
    assert tasks.sweep_stale_sends() == []


def test_a_sweep_hands_over_only_sends_older_than_the_limit(practice, manager, pulled, settings):
    onboarding = practice.current_onboarding()
    (fix,) = _renames(pulled, n=1)
    now = timezone.now()
    Fix.objects.filter(pk=fix.pk).update(
        status=FixStatus.SENDING, sending_since=now - timedelta(seconds=100)
    )
    settings.LIFTOFF_FIX_SEND_STALE_AFTER = 120
    assert sending.stale_sends(now) == []
    settings.LIFTOFF_FIX_SEND_STALE_AFTER = 90
    assert sending.stale_sends(now) == [onboarding.pk]
    fix.refresh_from_db()
    assert fix.status == FixStatus.SENDING and fix.sending_since == now  # its clock restarted
    assert sending.stale_sends(now) == []


def test_a_sweep_leaves_a_stale_fix_to_a_send_handed_over_recently(practice, manager, pulled):
    # That send takes every fix of the onboarding still "sending": a second would double it.
    onboarding = practice.current_onboarding()
    old, new = _renames(pulled, n=2)
    now = timezone.now()
    Fix.objects.filter(pk=old.pk).update(status=FixStatus.SENDING, sending_since=None)
    Fix.objects.filter(pk=new.pk).update(status=FixStatus.SENDING, sending_since=now)
    assert sending.stale_sends(now) == []
    Fix.objects.filter(pk=new.pk).update(status=FixStatus.SENT)
    assert sending.stale_sends(now) == [onboarding.pk]  # none recent now: the stale one goes
