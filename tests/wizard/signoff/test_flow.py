"""From first upload to a signed step and a report: uploads, runs, waivers, acknowledgements,
sign-off, staleness and the completion report, through the real views."""

import io
import json
import uuid

import pytest
from django.urls import reverse
from pypdf import PdfReader

from audits.models import RunStatus, Severity, Upload, UploadStatus, ValidationRun
from audits.testdata import generate
from wizard.models import AuditEvent, SignOff, StepStatus, Verb, Waiver

STEP = "name-parity"


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("practice")
    generate(folder, clients=150, seed=4, problems="default")
    files = json.loads((folder / "labels.json").read_text())["files"]
    return {kind: (name, (folder / name).read_bytes()) for kind, name in files.items()}


@pytest.fixture
def upload_step13(practice, manager, client_for, exports, django_capture_on_commit_callbacks):
    client = client_for(manager)

    def post(kind):
        name, data = exports[kind]
        handle = io.BytesIO(data)
        handle.name = name
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("wizard:upload", args=[practice.pk, STEP]), {"files": [handle]}
            )

    for kind in ("xpm_clients", "xero_contacts", "ignition_clients", "xero_invoices"):
        assert post(kind).status_code == 302
    return client, post


def _progress(practice):
    return practice.current_onboarding().steps.get(step_key=STEP)


def _run(practice):
    return ValidationRun.objects.filter(step_key=STEP).order_by("-pk").first()


def test_it_stores_uploads_by_content_and_runs_the_check(practice, upload_step13):
    uploads = Upload.objects.filter(practice=practice)
    assert set(uploads.values_list("status", flat=True)) == {UploadStatus.ACCEPTED}
    assert uploads.filter(kind="xero_contacts").get().rows > 100
    run = _run(practice)
    assert run.status == RunStatus.SUCCEEDED
    assert run.findings.filter(code="C13.E001").exists()
    assert _progress(practice).status == StepStatus.NEEDS_ATTENTION


def test_it_refuses_to_sign_with_open_errors(practice, upload_step13):
    client, _ = upload_step13
    client.post(
        reverse("wizard:sign", args=[practice.pk, STEP]), {"submission_token": str(uuid.uuid4())}
    )
    assert not SignOff.objects.exists()


def _clear(practice, client):
    run = _run(practice)
    for finding in run.findings.filter(severity=Severity.ERROR):
        response = client.post(
            reverse("wizard:waive", args=[practice.pk, finding.pk]),
            {"reason": "Agreed with the partner: renamed in Xero next week."},
        )
        assert response.status_code == 302
    client.post(reverse("wizard:acknowledge_all", args=[practice.pk, run.pk]))
    return run


def test_it_signs_once_errors_are_waived_and_warnings_acknowledged(practice, upload_step13):
    client, _ = upload_step13
    run = _clear(practice, client)
    assert _progress(practice).status == StepStatus.READY
    token = str(uuid.uuid4())
    for _ in range(2):  # a double-submit signs once
        client.post(reverse("wizard:sign", args=[practice.pk, STEP]), {"submission_token": token})
    record = SignOff.objects.get()
    assert (record.run_id, record.role) == (run.pk, "practice_manager")
    assert {e["kind"] for e in record.evidence} == {
        "xpm_clients",
        "xero_contacts",
        "ignition_clients",
        "xero_invoices",
    }
    assert all(len(e["sha256"]) == 64 for e in record.evidence)
    assert _progress(practice).status == StepStatus.SIGNED_OFF


def test_it_refuses_a_short_waiver_reason(practice, upload_step13):
    client, _ = upload_step13
    finding = _run(practice).findings.filter(severity=Severity.ERROR).first()
    client.post(reverse("wizard:waive", args=[practice.pk, finding.pk]), {"reason": "fine"})
    assert not Waiver.objects.exists()


def test_it_forbids_staff_to_waive_or_sign(practice, upload_step13, staff, client_for):
    client = client_for(staff)
    finding = _run(practice).findings.filter(severity=Severity.ERROR).first()
    response = client.post(
        reverse("wizard:waive", args=[practice.pk, finding.pk]), {"reason": "x" * 30}
    )
    assert response.status_code == 403
    assert client.post(reverse("wizard:sign", args=[practice.pk, STEP])).status_code == 403


def test_it_hides_findings_of_another_tenant(practice, upload_step13, outsider, client_for):
    finding = _run(practice).findings.first()
    response = client_for(outsider).post(
        reverse("wizard:waive", args=[practice.pk, finding.pk]), {"reason": "x" * 30}
    )
    assert response.status_code == 404


def test_it_makes_a_sign_off_stale_on_new_evidence_and_keeps_the_waivers(practice, upload_step13):
    client, post = upload_step13
    _clear(practice, client)
    client.post(
        reverse("wizard:sign", args=[practice.pk, STEP]), {"submission_token": str(uuid.uuid4())}
    )
    waived = Waiver.objects.count()
    post("xero_contacts")  # the same bytes again: new evidence all the same
    record = SignOff.objects.get()
    assert record.stale_at is not None and "Xero contacts" in record.stale_reason
    assert AuditEvent.objects.filter(verb=Verb.SIGN_OFF_STALE).count() == 1
    # The re-run finds the same problems; the waivers follow them by match key.
    assert Waiver.objects.count() == waived
    assert _progress(practice).status == StepStatus.STALE


def test_it_reports_everything_in_a_draft_pdf(practice, upload_step13, client_for, manager):
    client, _ = upload_step13
    _clear(practice, client)
    client.post(
        reverse("wizard:sign", args=[practice.pk, STEP]), {"submission_token": str(uuid.uuid4())}
    )
    response = client.get(reverse("wizard:report", args=[practice.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "DRAFT" in text and "1 of 15 steps signed" in text
    assert (
        "Signed off" in text
        and "Manager (Practice manager)" in text
        and "Agreed with the partner" in text
    )
    head = (
        AuditEvent.objects.filter(organisation=practice.organisation).order_by("-sequence").first()
    )
    assert head.hash[:16] in text


def test_it_writes_inert_findings_files(practice, upload_step13):
    client, _ = upload_step13
    csv_body = client.get(reverse("wizard:report", args=[practice.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    assert "C13.E001" in csv_body
    fixes = client.get(reverse("wizard:report", args=[practice.pk, "fixes.csv"])).content.decode(
        "utf-8-sig"
    )
    assert fixes.splitlines()[0] == (
        '"system","current name","suggested name","rules","file","rows"'
    )
    assert "C13.E001" in fixes
