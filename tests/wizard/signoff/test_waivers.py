"""Waiving errors and acknowledging warnings: who may, with what reason, and how a waiver follows
its finding across re-runs (by match key) and is flagged when the data under it changed."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.wizard.signoff.factories import finding, progress_of, ready_data_step, run
from wizard.models import Acknowledgement, AuditEvent, StepStatus, Verb, Waiver
from wizard.signoff import selectors
from wizard.signoff import services as signoff

REASON = "The partners keep this trust's legal name until June."
ERROR = finding("C03.E001", "Lee, Ann", rows=(14,), suggestion="Ann Lee")
OTHER_ERROR = finding("C03.E002", "Bo  Stone", rows=(15,), suggestion="Bo Stone")
WARNING = finding("C03.W003", "Mr Bob Stone", suggestion="Bob Stone")
WARNING_2 = finding("C03.W004", "JANE DOE", suggestion="Jane Doe")


@pytest.fixture
def checked(practice):
    ready_data_step(practice, findings=[ERROR, OTHER_ERROR, WARNING, WARNING_2])
    return practice.current_onboarding().validation_runs.get()


def test_it_waives_an_error_with_a_reason(practice, manager, checked):
    error = checked.findings.get(code="C03.E001")
    waiver = signoff.waive(finding=error, actor=manager, reason=f"  {REASON}  ")
    assert (waiver.code, waiver.match_key, waiver.reason) == (
        "C03.E001",
        "C03.E001|lee, ann",
        REASON,
    )
    assert waiver.waived_by == manager and waiver.waived_by_label == "Manager (Practice manager)"
    assert list(selectors.open_errors(checked).values_list("code", flat=True)) == ["C03.E002"]
    event = AuditEvent.objects.get(verb=Verb.WAIVED)
    assert (event.details["code"], event.details["reason"]) == ("C03.E001", REASON)


def test_it_takes_the_onboarding_and_step_it_is_asked_about(practice, manager, checked):
    error = checked.findings.get(code="C03.E001")
    with pytest.raises(ValueError, match="another step"):
        signoff.waive(
            finding=error,
            actor=manager,
            reason=REASON,
            onboarding=checked.onboarding,
            step_key="name-parity",
        )
    signoff.waive(
        finding=error,
        actor=manager,
        reason=REASON,
        onboarding=checked.onboarding,
        step_key="client-names",
    )
    assert Waiver.objects.count() == 1


def test_it_refuses_a_short_reason(manager, checked):
    with pytest.raises(ValueError, match="at least 20 characters"):
        signoff.waive(finding=checked.findings.get(code="C03.E001"), actor=manager, reason="ok")
    assert not Waiver.objects.exists()
    assert not AuditEvent.objects.filter(verb=Verb.WAIVED).exists()


def test_it_does_not_waive_a_warning(manager, checked):
    with pytest.raises(ValueError, match="acknowledge"):
        signoff.waive(finding=checked.findings.get(code="C03.W003"), actor=manager, reason=REASON)


@pytest.mark.parametrize("persona", ["staff", "specialist"])
def test_it_forbids_roles_without_the_waive_right(checked, persona, request):
    with pytest.raises(PermissionDenied):
        signoff.waive(
            finding=checked.findings.get(code="C03.E001"),
            actor=request.getfixturevalue(persona),
            reason=REASON,
        )
    assert not Waiver.objects.exists()


def test_it_lets_the_lead_waive(lead, checked):
    signoff.waive(finding=checked.findings.get(code="C03.E001"), actor=lead, reason=REASON)
    assert Waiver.objects.get().waived_by == lead


def test_it_waives_once(manager, checked):
    error = checked.findings.get(code="C03.E001")
    first = signoff.waive(finding=error, actor=manager, reason=REASON)
    again = signoff.waive(finding=error, actor=manager, reason=REASON + " Again.")
    assert again.pk == first.pk and Waiver.objects.count() == 1


def test_it_follows_the_finding_into_a_later_run(practice, manager, checked):
    signoff.waive(finding=checked.findings.get(code="C03.E001"), actor=manager, reason=REASON)
    moved = {**ERROR, "message": "Same problem, same data."}
    later = run(practice, "client-names", [OTHER_ERROR, moved])
    assert list(selectors.open_errors(later).values_list("code", flat=True)) == ["C03.E002"]
    assert selectors.flagged_waivers(later) == []


def test_it_flags_a_waiver_whose_data_changed(practice, manager, checked):
    waiver = signoff.waive(
        finding=checked.findings.get(code="C03.E001"), actor=manager, reason=REASON
    )
    changed = {**ERROR, "rows": [14, 230]}  # a second row now says the same thing
    later = run(practice, "client-names", [changed])
    # Still waived (the key matches) but flagged for someone to read the reason again.
    assert selectors.open_errors(later).count() == 0
    [(flagged, current)] = selectors.flagged_waivers(later)
    assert (flagged.pk, current.rows) == (waiver.pk, [14, 230])


def test_it_shows_a_changed_waiver_on_the_findings_page(practice, manager, client_for, checked):
    signoff.waive(finding=checked.findings.get(code="C03.E001"), actor=manager, reason=REASON)
    later = run(practice, "client-names", [{**ERROR, "suggestion": "Anne Lee"}])
    page = client_for(manager).get(reverse("wizard:findings", args=[practice.pk, later.pk]))
    assert "The data changed since this was waived" in page.content.decode()


def test_it_counts_open_errors_in_one_query(checked, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.open_errors(checked).count() == 2
    with django_assert_num_queries(1):
        assert selectors.unacknowledged_warnings(checked).count() == 2


def test_it_acknowledges_one_warning(practice, staff, checked):
    warning = checked.findings.get(code="C03.W003")
    assert signoff.acknowledge(findings=[warning], actor=staff) == 1
    assert signoff.acknowledge(findings=[warning], actor=staff) == 0  # already done
    assert list(selectors.unacknowledged_warnings(checked).values_list("code", flat=True)) == [
        "C03.W004"
    ]
    assert AuditEvent.objects.filter(verb=Verb.ACKNOWLEDGED).count() == 1


def test_it_acknowledges_a_whole_run_in_one_event(practice, manager, checked):
    for code in ("C03.E001", "C03.E002"):
        signoff.waive(finding=checked.findings.get(code=code), actor=manager, reason=REASON)
    assert progress_of(practice, "client-names").status == StepStatus.IN_PROGRESS
    assert signoff.acknowledge_run(run=checked, actor=manager) == 2
    event = AuditEvent.objects.get(verb=Verb.ACKNOWLEDGED)
    assert (event.details["count"], event.details["codes"]) == (2, ["C03.W003", "C03.W004"])
    assert progress_of(practice, "client-names").status == StepStatus.READY


def test_it_ignores_errors_in_an_acknowledgement(manager, checked):
    assert signoff.acknowledge(findings=list(checked.findings.all()), actor=manager) == 2
    assert set(Acknowledgement.objects.values_list("code", flat=True)) == {"C03.W003", "C03.W004"}


def test_it_keeps_acknowledgements_across_runs(practice, manager, checked):
    signoff.acknowledge_run(run=checked, actor=manager)
    later = run(practice, "client-names", [WARNING, finding("C03.W003", "Dr Eve Moss")])
    assert list(selectors.unacknowledged_warnings(later).values_list("value", flat=True)) == [
        "Dr Eve Moss"
    ]


# --- views -------------------------------------------------------------------------------------


def waive_url(practice, f):
    return reverse("wizard:waive", args=[practice.pk, f.pk])


def test_it_waives_through_htmx_in_place(practice, manager, client_for, checked):
    error = checked.findings.get(code="C03.E001")
    response = client_for(manager).post(
        waive_url(practice, error), {"reason": REASON}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith(f'<div class="finding-actions" id="finding-actions-{error.pk}"')
    assert "Waived by Manager (Practice manager)" in body and "legal name until June" in body
    assert Waiver.objects.count() == 1


def test_it_explains_a_short_reason_in_place(practice, manager, client_for, checked):
    error = checked.findings.get(code="C03.E001")
    response = client_for(manager).post(
        waive_url(practice, error), {"reason": "fine"}, HTTP_HX_REQUEST="true"
    )
    assert "at least 20 characters" in response.content.decode()
    assert not Waiver.objects.exists()


def test_it_returns_to_the_findings_without_javascript(practice, manager, client_for, checked):
    error = checked.findings.get(code="C03.E001")
    response = client_for(manager).post(waive_url(practice, error), {"reason": REASON})
    assert response["Location"] == reverse("wizard:findings", args=[practice.pk, checked.pk])


def test_it_forbids_staff_to_waive_through_the_view(practice, staff, client_for, checked):
    error = checked.findings.get(code="C03.E001")
    assert client_for(staff).post(waive_url(practice, error), {"reason": REASON}).status_code == 403


def test_it_hides_another_tenants_finding(practice, outsider, client_for, checked):
    error = checked.findings.get(code="C03.E001")
    response = client_for(outsider).post(waive_url(practice, error), {"reason": REASON})
    assert response.status_code == 404
    url = reverse("wizard:acknowledge_all", args=[practice.pk, checked.pk])
    assert client_for(outsider).post(url).status_code == 404


def test_it_acknowledges_through_the_views(practice, staff, client_for, checked):
    client = client_for(staff)
    one = checked.findings.get(code="C03.W003")
    response = client.post(
        reverse("wizard:acknowledge", args=[practice.pk, one.pk]), HTTP_HX_REQUEST="true"
    )
    assert "✔ Acknowledged" in response.content.decode()
    client.post(reverse("wizard:acknowledge_all", args=[practice.pk, checked.pk]))
    assert Acknowledgement.objects.count() == 2
    assert AuditEvent.objects.filter(verb=Verb.ACKNOWLEDGED).count() == 2
