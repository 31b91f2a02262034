"""Signing off a step (docs/checklist.md, "Sign-off"): refused in each state that is not
ready, with the reason in the practice's words; recorded once with its evidence when it is."""

import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audits.models import RunStatus
from tests.wizard.signoff.factories import (
    attest,
    finding,
    progress_of,
    ready_data_step,
    run,
    upload,
)
from wizard.models import AuditEvent, SignOff, StepStatus, Verb
from wizard.signoff import services as signoff

ERROR = finding("C03.E001", "Lee, Ann", suggestion="Ann Lee")
WARNING = finding("C03.W003", "Mr Bob Stone", suggestion="Bob Stone")


def sign(progress, actor, token=None):
    return signoff.sign_off(progress=progress, actor=actor, submission_token=token or uuid.uuid4())


def refused(progress, actor) -> list[str]:
    with pytest.raises(signoff.SignOffRefused) as caught:
        sign(progress, actor)
    assert not SignOff.objects.filter(progress=progress).exists()
    return caught.value.reasons


def test_it_refuses_an_unconfirmed_setting(practice, manager):
    reasons = refused(progress_of(practice, "api-access"), manager)
    assert reasons == ["Confirm the setting first: say who checked it and when."]


def test_it_signs_a_confirmed_setting(practice, manager):
    progress = attest(practice, "api-access", manager, checked_by="Ann Lee, IT")
    record, created = sign(progress, manager)
    assert created
    assert record.role == "practice_manager"
    assert record.attestation.checked_by == "Ann Lee, IT"
    assert record.statement == progress.step.attestation
    assert record.run is None and record.evidence == []
    progress.refresh_from_db()
    assert progress.status == StepStatus.SIGNED_OFF
    event = AuditEvent.objects.filter(verb=Verb.SIGNED_OFF).get()
    assert (event.step_key, event.details["sign_off"]) == ("api-access", record.pk)


def test_it_refuses_a_missing_export(practice, manager):
    assert refused(progress_of(practice, "client-names"), manager) == [
        "Upload the XPM clients export(s)."
    ]


def test_it_refuses_a_setting_and_exports_both_missing(practice, manager):
    reasons = refused(progress_of(practice, "library-mapping"), manager)
    assert reasons[0].startswith("Confirm the setting")
    assert reasons[1].startswith("Upload the ") and "export(s)" in reasons[1]


def test_it_refuses_exports_not_checked_yet(practice, manager):
    upload(practice, "xpm_clients")
    assert refused(progress_of(practice, "client-names"), manager) == [
        "Your exports have not been checked yet."
    ]


@pytest.mark.parametrize(
    ("state", "says"),
    [
        (RunStatus.QUEUED, "has not finished yet: wait for it."),
        (RunStatus.RUNNING, "has not finished yet: wait for it."),
        (RunStatus.FAILED, "failed to run: run it again."),
    ],
)
def test_it_refuses_a_check_that_did_not_succeed(practice, manager, state, says):
    upload(practice, "xpm_clients")
    made = run(practice, "client-names", status_=state)
    reasons = refused(progress_of(practice, "client-names"), manager)
    assert reasons == [f"The {'last ' if state == 'failed' else ''}check (#{made.pk}) {says}"]


def test_it_refuses_an_open_error(practice, manager):
    progress = ready_data_step(practice, findings=[ERROR])
    assert refused(progress, manager) == [
        "1 error(s) still open: fix them and upload the export again, "
        "or waive each one with a written reason."
    ]


def test_it_refuses_an_unacknowledged_warning(practice, manager):
    progress = ready_data_step(practice, findings=[WARNING])
    assert refused(progress, manager) == ["1 warning(s) to read and acknowledge."]


def test_it_signs_a_clean_check_with_its_evidence(practice, manager):
    progress = ready_data_step(practice)
    record, _ = sign(progress, manager)
    current = upload_of(practice, "xpm_clients")
    assert record.evidence == [
        {
            "kind": "xpm_clients",
            "label": "XPM clients",
            "name": "XPM clients.csv",
            "sha256": current.stored_file.sha256,
            "upload": current.pk,
        }
    ]
    assert record.run.status == RunStatus.SUCCEEDED
    assert record.summary["counts"] == {"error": 0, "warning": 0, "info": 0}


def upload_of(practice, kind):
    return practice.uploads.get(kind=kind, superseded_at=None)


def test_it_signs_over_waivers_and_acknowledged_warnings(practice, manager):
    progress = ready_data_step(practice, findings=[ERROR, WARNING])
    made = progress.onboarding.validation_runs.get()
    signoff.waive(
        finding=made.findings.get(code="C03.E001"),
        actor=manager,
        reason="Ann asked to keep it; renamed at year end.",
    )
    signoff.acknowledge_run(run=made, actor=manager)
    record, _ = sign(progress, manager)
    summary = record.summary
    assert summary["counts"] == {"error": 1, "warning": 1, "info": 0}
    assert [(w["code"], w["reason"], w["flagged"]) for w in summary["waivers"]] == [
        ("C03.E001", "Ann asked to keep it; renamed at year end.", False)
    ]
    assert summary["acknowledged_count"] == 1
    assert summary["acknowledged"] == [{"code": "C03.W003", "value": "Mr Bob Stone"}]


def test_it_signs_once_on_a_double_submit(practice, manager):
    progress = attest(practice, "api-access", manager)
    token = uuid.uuid4()
    first, created_first = sign(progress, manager, token)
    again, created_again = sign(progress, manager, token)
    assert (created_first, created_again) == (True, False)
    assert again.pk == first.pk
    assert SignOff.objects.count() == 1
    assert AuditEvent.objects.filter(verb=Verb.SIGNED_OFF).count() == 1


def test_it_keeps_the_current_sign_off_on_a_second_form(practice, manager):
    progress = attest(practice, "api-access", manager)
    first, _ = sign(progress, manager)
    again, created = sign(progress, manager)  # another tab, another token
    assert (again.pk, created) == (first.pk, False)
    assert SignOff.objects.count() == 1


@pytest.mark.parametrize("persona", ["staff", "lead", "specialist"])
def test_it_lets_only_the_practice_manager_sign(practice, manager, persona, request):
    progress = attest(practice, "api-access", manager)
    with pytest.raises(PermissionDenied):
        sign(progress, request.getfixturevalue(persona))
    assert not SignOff.objects.exists()


def test_it_makes_sign_offs_stale_on_new_evidence(practice, manager, staff):
    progress = ready_data_step(practice)
    record, _ = sign(progress, manager)
    other = attest(practice, "api-access", manager)
    untouched, _ = sign(other, manager)

    stale = signoff.mark_stale(
        onboarding=practice.current_onboarding(),
        kinds={"xpm_clients"},
        actor=staff,
        reason="New XPM clients export uploaded (clients-v2.csv).",
    )

    record.refresh_from_db()
    untouched.refresh_from_db()
    assert [s.pk for s in stale] == [record.pk]
    assert record.stale_at is not None and untouched.stale_at is None
    assert record.stale_reason == (
        "New XPM clients export uploaded (clients-v2.csv) by Staff (Practice staff)."
    )
    progress.refresh_from_db()
    assert progress.status == StepStatus.STALE
    assert progress.status_note.startswith("Sign again: New XPM clients export")
    event = AuditEvent.objects.get(verb=Verb.SIGN_OFF_STALE)
    assert event.details["sign_off"] == record.pk
    assert event.actor == staff
    # Every step reading XPM clients went stale; a second call finds nothing current.
    assert (
        signoff.mark_stale(
            onboarding=practice.current_onboarding(), kinds={"xpm_clients"}, actor=staff, reason="x"
        )
        == []
    )


def test_it_signs_again_after_staleness_and_keeps_both(practice, manager):
    progress = ready_data_step(practice)
    first, _ = sign(progress, manager)
    signoff.mark_stale(
        onboarding=progress.onboarding, kinds={"xpm_clients"}, actor=manager, reason="New file."
    )
    upload(practice, "xpm_clients", "XPM clients v2.csv")
    run(practice, "client-names")
    second, created = sign(progress_of(practice, "client-names"), manager)
    assert created and second.pk != first.pk
    assert second.evidence[0]["name"] == "XPM clients v2.csv"
    assert list(progress.sign_offs.values_list("pk", flat=True)) == [second.pk, first.pk]
    assert progress_of(practice, "client-names").status == StepStatus.SIGNED_OFF


def test_it_needs_a_reason_to_revoke(practice, manager):
    record, _ = sign(attest(practice, "api-access", manager), manager)
    with pytest.raises(ValueError, match="at least 20 characters"):
        signoff.revoke(sign_off=record, actor=manager, reason="  oops  ")
    record.refresh_from_db()
    assert record.revoked_at is None


def test_it_revokes_with_a_reason(practice, manager, lead):
    progress = attest(practice, "api-access", manager)
    record, _ = sign(progress, manager)
    signoff.revoke(sign_off=record, actor=lead, reason="Checked the wrong XPM user account.")
    record.refresh_from_db()
    assert (record.revoked_by, record.revoke_reason) == (
        lead,
        "Checked the wrong XPM user account.",
    )
    progress.refresh_from_db()
    assert progress.status == StepStatus.READY
    assert AuditEvent.objects.filter(verb=Verb.SIGN_OFF_REVOKED).count() == 1


def test_it_lets_the_lead_countersign(practice, manager, lead):
    record, _ = sign(attest(practice, "api-access", manager), manager)
    with pytest.raises(PermissionDenied):
        signoff.countersign(sign_off=record, actor=manager)
    signoff.countersign(sign_off=record, actor=lead)
    signoff.countersign(sign_off=record, actor=lead)  # twice: one countersignature
    record.refresh_from_db()
    assert record.countersigned_by == lead
    assert AuditEvent.objects.filter(verb=Verb.COUNTERSIGNED).count() == 1


# --- views -------------------------------------------------------------------------------------


def sign_url(practice, key="api-access"):
    return reverse("wizard:sign", args=[practice.pk, key])


def test_it_signs_through_htmx_and_returns_the_panel(practice, manager, client_for):
    attest(practice, "api-access", manager)
    response = client_for(manager).post(
        sign_url(practice), {"submission_token": str(uuid.uuid4())}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "stepsChanged" in json.loads(response["HX-Trigger"])
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="signoff-panel"')
    assert 'data-testid="signed-off"' in body and "Manager (Practice manager)" in body
    assert SignOff.objects.count() == 1


def test_it_redirects_to_the_step_without_javascript(practice, manager, client_for):
    attest(practice, "api-access", manager)
    response = client_for(manager).post(sign_url(practice), {"submission_token": str(uuid.uuid4())})
    assert response.status_code == 302
    assert response["Location"] == reverse("wizard:step", args=[practice.pk, "api-access"])


def test_it_shows_the_blockers_when_refused(practice, manager, client_for):
    response = client_for(manager).post(
        sign_url(practice), {"submission_token": str(uuid.uuid4())}, HTTP_HX_REQUEST="true"
    )
    assert "Not signed: Confirm the setting first" in response.content.decode()
    assert not SignOff.objects.exists()


def test_it_shows_what_is_being_signed(practice, manager, client_for):
    ready_data_step(practice, findings=[WARNING])
    made = practice.current_onboarding().validation_runs.get()
    signoff.acknowledge_run(run=made, actor=manager)
    body = client_for(manager).get(reverse("wizard:step", args=[practice.pk, "client-names"]))
    text = body.content.decode()
    sha = upload_of(practice, "xpm_clients").stored_file.sha256
    assert f'title="{sha}"' in text
    assert f"Check #{made.pk}: finished — 0 error(s), 1 warning(s)" in text
    assert "1 warning acknowledged" in text
    assert "Sign off step 3" in text


def test_it_rejects_get(practice, manager, client_for):
    assert client_for(manager).get(sign_url(practice)).status_code == 405


def test_it_forbids_staff_to_sign(practice, manager, staff, client_for):
    attest(practice, "api-access", manager)
    assert client_for(staff).post(sign_url(practice)).status_code == 403
    assert not SignOff.objects.exists()


def test_it_hides_another_tenants_step(practice, manager, outsider, client_for):
    attest(practice, "api-access", manager)
    assert client_for(outsider).post(sign_url(practice)).status_code == 404


def test_it_refuses_a_revocation_without_a_reason_in_the_panel(practice, manager, client_for):
    record, _ = sign(attest(practice, "api-access", manager), manager)
    url = reverse("wizard:revoke", args=[practice.pk, "api-access", record.pk])
    response = client_for(manager).post(url, {"reason": "no"}, HTTP_HX_REQUEST="true")
    assert "at least 20 characters" in response.content.decode()
    record.refresh_from_db()
    assert record.revoked_at is None


def test_it_forbids_staff_to_revoke(practice, manager, staff, client_for):
    record, _ = sign(attest(practice, "api-access", manager), manager)
    url = reverse("wizard:revoke", args=[practice.pk, "api-access", record.pk])
    response = client_for(staff).post(url, {"reason": "x" * 30})
    assert response.status_code == 403


def test_it_shows_a_stale_sign_off_in_the_history(practice, manager, client_for):
    progress = ready_data_step(practice)
    sign(progress, manager)
    signoff.mark_stale(
        onboarding=progress.onboarding,
        kinds={"xpm_clients"},
        actor=manager,
        reason="New XPM clients export uploaded (v2.csv)",
    )
    text = client_for(manager).get(reverse("wizard:step", args=[practice.pk, "client-names"]))
    body = text.content.decode()
    assert "Sign-off history (1)" in body
    assert "<strong>stale</strong>" in body and "uploaded (v2.csv) by Manager" in body
