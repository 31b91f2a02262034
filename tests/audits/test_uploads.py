"""The upload service: content-addressed storage, reading off the request (a queued task),
supersede with history, mapping, bad rows, refusals, paste, and what an accepted upload sets off
(runs, stale sign-offs, events).

Celery runs eagerly in tests; a queued read runs when the request's transaction commits, which
``read`` stands for (``django_capture_on_commit_callbacks(execute=True)``)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from audits import reading, uploads
from audits.loading import template_csv
from audits.models import ColumnMapping, StoredFile, Upload, UploadStatus, ValidationRun
from audits.selectors import current_uploads
from wizard.models import AuditEvent, Role, SignOff, Verb

CLIENTS = b"Client,Business Structure,Email\r\nJane Smith,Individual,j@x.com\r\nBlue Bell Ltd,Company,b@x.com\r\n"
CLIENTS_LATER = CLIENTS + b"Al Roe,Individual,a@x.com\r\n"
ODD = b"Customer,Mail,Kind\r\nJane Smith,j@x.com,Individual\r\nBlue Bell Ltd,b@x.com,Company\r\n"
RAGGED = b"Client,Business Structure,Email\r\nJane Smith,Individual,j@x.com\r\nBob,Individual,b@x.com,extra,more\r\nAl Roe,Individual,a@x.com\r\n"
ODD_MAPPING = {"name": "Customer", "email": "Mail", "business_structure": "Kind"}


@pytest.fixture
def read(django_capture_on_commit_callbacks):
    """Call a service that queues reading, let the transaction commit (the queued read runs),
    and return the upload as the database now has it."""

    def call(service, **kw) -> Upload:
        with django_capture_on_commit_callbacks(execute=True):
            upload = service(**kw)
        upload.refresh_from_db()
        return upload

    return call


@pytest.fixture
def receive(practice, manager, read):
    onboarding = practice.current_onboarding()

    def upload(data: bytes, name: str = "clients.csv", **kw) -> Upload:
        return read(
            uploads.receive_upload,
            practice=kw.pop("practice", practice),
            onboarding=kw.pop("onboarding", onboarding),
            step_key="client-names",
            name=name,
            data=data,
            actor=manager,
            **kw,
        )

    return upload


def _verbs(practice) -> list[str]:
    return list(
        AuditEvent.objects.filter(practice=practice).order_by("pk").values_list("verb", flat=True)
    )


# --- storage ---------------------------------------------------------------------------------


def test_it_stores_the_same_bytes_once(db):
    first, second = uploads.store_file(CLIENTS), uploads.store_file(CLIENTS)
    assert first.pk == second.pk
    assert StoredFile.objects.count() == 1


def test_it_stores_bytes_under_their_sha256(db, settings):
    stored = uploads.store_file(CLIENTS)
    sha = hashlib.sha256(CLIENTS).hexdigest()
    path = Path(settings.MEDIA_ROOT) / "uploads" / sha[:2] / sha[2:4] / sha
    assert (stored.sha256, stored.size) == (sha, len(CLIENTS))
    assert path.read_bytes() == CLIENTS


def test_it_streams_a_file_to_the_same_address(db, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(CLIENTS * 1000)
    with path.open("rb") as handle:
        streamed = uploads.store_stream(handle)
    assert streamed.pk == uploads.store_file(CLIENTS * 1000).pk
    assert streamed.size == len(CLIENTS) * 1000


def test_it_keeps_one_stored_file_for_two_uploads_of_the_same_bytes(receive):
    a, b = receive(CLIENTS, "a.csv"), receive(CLIENTS, "b.csv")
    assert a.stored_file_id == b.stored_file_id
    assert StoredFile.objects.count() == 1


# --- read by a worker, never in the request ------------------------------------------------------


def _receive_queued(practice, manager, data: bytes, **kw) -> Upload:
    return uploads.receive_upload(
        practice=practice,
        onboarding=practice.current_onboarding(),
        step_key="client-names",
        name=kw.pop("name", "clients.csv"),
        data=data,
        actor=manager,
        **kw,
    )


def test_it_stores_an_upload_as_being_read_and_queues_the_read(
    practice, manager, monkeypatch, django_capture_on_commit_callbacks
):
    def boom(*args, **kwargs):
        raise AssertionError("the request must not parse the file")

    monkeypatch.setattr(reading, "read_header", boom)
    monkeypatch.setattr(reading, "load_bytes", boom)
    with django_capture_on_commit_callbacks() as queued:
        upload = _receive_queued(practice, manager, CLIENTS, kind="xpm_clients")
    upload.refresh_from_db()
    assert (upload.status, upload.rows) == (UploadStatus.READING, 0)
    assert upload.read_request == {
        "kind": "xpm_clients",
        "mapping": None,
        "accept_bad_rows": False,
        "actor": manager.pk,
    }
    assert len(queued) == 1  # read_upload, sent once the request's transaction commits
    assert upload.stored_file.sha256 == hashlib.sha256(CLIENTS).hexdigest()
    assert "xpm_clients" not in current_uploads(practice.current_onboarding())


def test_the_queued_read_loads_the_upload_and_announces_it(
    practice, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        upload = _receive_queued(practice, manager, CLIENTS)
    for callback in queued:
        callback()
    upload.refresh_from_db()
    assert (upload.status, upload.kind, upload.rows) == (UploadStatus.ACCEPTED, "xpm_clients", 2)
    assert upload.read_request == {}
    event = AuditEvent.objects.get(practice=practice, verb=Verb.UPLOADED)
    assert event.actor == manager


def test_reading_twice_records_the_outcome_once(receive, practice):
    upload = receive(CLIENTS)
    assert reading.read_upload(upload.pk) == "already read"
    assert _verbs(practice).count(Verb.UPLOADED) == 1


def test_reading_an_upload_that_is_gone_does_nothing(db):
    assert reading.read_upload(987654) == "gone"


def test_a_loader_crash_refuses_the_upload_instead_of_leaving_it_being_read(receive, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(reading, "load_bytes", crash)
    upload = receive(CLIENTS)
    assert (upload.status, upload.error["code"]) == (UploadStatus.REJECTED, "not_read")
    assert upload.error["message"].startswith(
        "clients.csv could not be read because of a problem on our side."
    )


def test_it_refuses_pasted_rows_wider_than_the_column_limit(practice, manager, read, settings):
    settings.LIFTOFF_UPLOAD_MAX_COLUMNS = 100
    text = "\t".join(["x"] * 40_000) + "\n" + "\t".join(["1"] * 40_000)
    upload = read(
        uploads.receive_paste,
        practice=practice,
        onboarding=practice.current_onboarding(),
        step_key="client-names",
        kind="xpm_clients",
        text=text,
        actor=manager,
    )
    assert (upload.status, upload.error["code"]) == (UploadStatus.REJECTED, "too_many_columns")
    assert upload.error["message"].startswith(
        "pasted xpm_clients.tsv has 40,000 columns in row 1; the limit is 100."
    )


def test_it_names_repeated_header_names_by_column_letter(receive):
    upload = receive(b"Client,Email,client\r\nJane,j@x.com,x\r\n")
    assert (upload.status, upload.error["code"]) == (UploadStatus.REJECTED, "duplicate_headers")
    assert '"client" in columns A, C' in upload.error["message"]


def test_it_saves_a_mapping_without_reading_the_file_in_the_request(
    receive, manager, monkeypatch, django_capture_on_commit_callbacks
):
    upload = receive(ODD, "our-clients.csv")

    def boom(*args, **kwargs):
        raise AssertionError("the request must not read the file")

    with monkeypatch.context() as patched:
        patched.setattr(uploads, "upload_headers", boom)
        patched.setattr(reading, "load_bytes", boom)
        with django_capture_on_commit_callbacks() as queued:
            uploads.save_mapping(
                upload=upload, kind="xpm_clients", mapping=ODD_MAPPING, actor=manager
            )
    upload.refresh_from_db()
    assert upload.status == UploadStatus.READING
    assert upload.read_request["mapping"] == ODD_MAPPING
    for callback in queued:
        callback()
    upload.refresh_from_db()
    assert (upload.status, upload.columns) == (UploadStatus.ACCEPTED, ODD_MAPPING)


# --- accepted, superseded ----------------------------------------------------------------------


def test_it_accepts_a_clean_export(receive, practice):
    upload = receive(CLIENTS)
    upload.refresh_from_db()
    assert (upload.status, upload.kind, upload.rows) == (UploadStatus.ACCEPTED, "xpm_clients", 2)
    assert upload.columns == {
        "name": "Client",
        "business_structure": "Business Structure",
        "email": "Email",
    }
    assert upload.report["delimiter"] == ","
    assert Verb.UPLOADED in _verbs(practice)


def test_it_supersedes_the_previous_upload_and_keeps_it(receive, practice):
    old = receive(CLIENTS, "clients-march.csv")
    new = receive(CLIENTS_LATER, "clients-april.csv")
    old.refresh_from_db()
    assert old.superseded_at is not None and old.status == UploadStatus.ACCEPTED
    assert new.superseded_at is None
    assert current_uploads(practice.current_onboarding())["xpm_clients"] == new
    assert Upload.objects.filter(kind="xpm_clients").count() == 2


def test_it_does_not_supersede_on_a_refused_file(receive, practice):
    good = receive(CLIENTS)
    receive(b"", "clients.csv")
    good.refresh_from_db()
    assert good.superseded_at is None
    assert current_uploads(practice.current_onboarding())["xpm_clients"] == good


def test_it_keeps_the_current_upload_while_bad_rows_wait_for_confirmation(receive, practice):
    good = receive(CLIENTS)
    pending = receive(RAGGED, "ragged.csv")
    good.refresh_from_db()
    assert pending.status == UploadStatus.NEEDS_CONFIRMATION
    assert good.superseded_at is None
    assert current_uploads(practice.current_onboarding())["xpm_clients"] == good


def test_it_supersedes_only_within_the_onboarding(receive, practice):
    from wizard.practices.services import start_onboarding

    first = receive(CLIENTS)
    fresh = start_onboarding(practice=practice)
    receive(CLIENTS_LATER, onboarding=fresh)
    first.refresh_from_db()
    assert first.superseded_at is None


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"", "empty", "clients.csv has no data rows."),
        (b"Client,Email\r\n", "no_data_rows", "clients.csv has no data rows."),
        (
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
            "not_tabular",
            "clients.csv is a PDF document, not a spreadsheet. Accepted: CSV (comma, semicolon or "
            "tab separated) or Excel (.xlsx, .xls).",
        ),
        (
            b"Client,,Email\r\nJane,x,j@x.com\r\n",
            "blank_headers",
            "clients.csv has data in column B but no column name in the header row (row 1). "
            "Name the column or delete it.",
        ),
    ],
    ids=["empty", "header-only", "pdf", "blank-header"],
)
def test_it_refuses_bad_input_with_the_loaders_message(receive, practice, data, code, message):
    upload = receive(data)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.REJECTED
    assert (upload.error["code"], upload.error["message"]) == (code, message)
    assert upload.rows == 0 and upload.kind == ""
    assert Verb.UPLOAD_REJECTED in _verbs(practice)
    assert not ValidationRun.objects.exists()


def test_it_refuses_a_file_over_the_size_limit_before_parsing(receive, settings, monkeypatch):
    settings.LIFTOFF_UPLOAD_MAX_BYTES = 50

    def boom(*args, **kwargs):
        raise AssertionError("an oversize file must not be parsed")

    monkeypatch.setattr(reading, "read_header", boom)
    monkeypatch.setattr(reading, "load_bytes", boom)
    upload = receive(CLIENTS)
    assert upload.status == UploadStatus.REJECTED
    assert upload.error["code"] == "too_large"
    assert upload.error["message"] == (
        f"clients.csv is {len(CLIENTS)} bytes; the limit is 50 bytes. "
        "Filter the export or split it into smaller files."
    )


def test_it_refuses_a_form_file_over_the_limit_without_reading_it(practice, manager, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.LIFTOFF_UPLOAD_MAX_BYTES = 50
    handle = SimpleUploadedFile("clients.csv", CLIENTS)
    upload = uploads.receive_file(
        practice=practice,
        onboarding=practice.current_onboarding(),
        step_key="client-names",
        file=handle,
        actor=manager,
    )
    assert upload.error["code"] == "too_large"
    assert upload.stored_file.sha256 == hashlib.sha256(CLIENTS).hexdigest()


# --- mapping -------------------------------------------------------------------------------------


def test_it_asks_for_a_mapping_when_a_required_column_is_missing(receive):
    upload = receive(b"Email,Phone\r\nj@x.com,123\r\n")
    upload.refresh_from_db()
    assert upload.status == UploadStatus.NEEDS_MAPPING
    assert upload.error["code"] == "missing_required"
    assert upload.error["details"]["missing"] == ["name"]
    assert upload.error["preview"]["headers"] == ["Email", "Phone"]
    assert upload.error["preview"]["rows"] == [["j@x.com", "123"]]
    assert upload.kind == "xpm_clients"


def test_it_asks_which_kind_when_headers_fit_several(receive):
    upload = receive(b"Name\r\nJane\r\n")
    assert upload.status == UploadStatus.NEEDS_MAPPING
    assert upload.error["code"] == "ambiguous_kind"
    assert "xpm_clients" in upload.error["details"]["tied"]
    assert [c[0] for c in upload.error["details"]["candidates"]][:1] == ["ignition_clients"]


def test_an_explicit_kind_wins_over_detection(receive):
    upload = receive(b"Name\r\nJane\r\n", kind="xpm_staff")
    assert (upload.status, upload.kind) == (UploadStatus.ACCEPTED, "xpm_staff")


def test_it_saves_a_mapping_and_loads_the_upload(receive, practice, manager, read):
    upload = receive(ODD, "our-clients.csv")
    assert upload.error["code"] == "unknown_kind"
    read(
        uploads.save_mapping, upload=upload, kind="xpm_clients", mapping=ODD_MAPPING, actor=manager
    )
    upload.refresh_from_db()
    assert (upload.status, upload.kind, upload.rows) == (UploadStatus.ACCEPTED, "xpm_clients", 2)
    assert upload.columns == ODD_MAPPING
    saved = ColumnMapping.objects.get(practice=practice)
    assert (saved.kind, saved.mapping) == ("xpm_clients", ODD_MAPPING)
    verbs = [v for v in _verbs(practice) if v in (Verb.MAPPING_SAVED, Verb.UPLOADED)]
    assert verbs == [Verb.MAPPING_SAVED, Verb.UPLOADED]


def test_it_reuses_a_saved_mapping_for_the_same_headers(receive, manager, read):
    first = receive(ODD, "our-clients.csv")
    read(uploads.save_mapping, upload=first, kind="xpm_clients", mapping=ODD_MAPPING, actor=manager)
    later = receive(ODD + b"Al Roe,a@x.com,Individual\r\n", "our-clients-2.csv")
    assert (later.status, later.rows, later.columns) == (UploadStatus.ACCEPTED, 3, ODD_MAPPING)


def test_it_reuses_a_saved_mapping_under_an_explicit_kind(receive, manager, read):
    first = receive(ODD, "our-clients.csv")
    read(uploads.save_mapping, upload=first, kind="xpm_clients", mapping=ODD_MAPPING, actor=manager)
    later = receive(ODD, "again.csv", kind="xpm_clients")
    assert (later.status, later.columns) == (UploadStatus.ACCEPTED, ODD_MAPPING)


def test_it_keeps_a_mapping_to_its_practice(receive, manager, other_practice, read):
    first = receive(ODD, "our-clients.csv")
    read(uploads.save_mapping, upload=first, kind="xpm_clients", mapping=ODD_MAPPING, actor=manager)
    elsewhere = receive(
        ODD, practice=other_practice, onboarding=other_practice.current_onboarding()
    )
    assert elsewhere.status == UploadStatus.NEEDS_MAPPING


def test_it_drops_mapped_headers_the_file_does_not_have(receive, practice, manager, read):
    upload = receive(ODD, "our-clients.csv")
    read(
        uploads.save_mapping,
        upload=upload,
        kind="xpm_clients",
        mapping={**ODD_MAPPING, "phone": "Telephone", "nonsense": "Mail"},
        actor=manager,
    )
    assert ColumnMapping.objects.get(practice=practice).mapping == ODD_MAPPING


# --- bad rows --------------------------------------------------------------------------------


def test_it_lists_unreadable_rows_and_waits_for_confirmation(receive):
    upload = receive(RAGGED)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.NEEDS_CONFIRMATION
    assert upload.error["details"]["rows"] == [3]
    assert upload.error["message"] == (
        "clients.csv has 1 row that could not be read: 3. Fix it, or load the rest without them."
    )
    assert upload.rows == 0 and upload.kind == "xpm_clients"


def test_it_loads_the_rest_when_the_person_accepts(receive, practice, manager, read):
    upload = receive(RAGGED)
    read(uploads.accept_bad_rows, upload=upload, actor=manager)
    upload.refresh_from_db()
    assert (upload.status, upload.rows) == (UploadStatus.ACCEPTED, 2)
    assert upload.report["skipped_rows"] == [[3, "has 5 values where the header has 3 columns"]]
    assert current_uploads(practice.current_onboarding())["xpm_clients"] == upload


def test_it_ignores_accept_on_an_upload_that_is_not_waiting(receive, manager, read):
    upload = receive(b"")
    read(uploads.accept_bad_rows, upload=upload, actor=manager)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.REJECTED


# --- paste, templates ------------------------------------------------------------------------


def test_it_loads_pasted_rows_as_a_tab_separated_upload(practice, manager, read):
    text = "Client\tEmail\r\nJane Smith\tj@x.com\r\nBlue Bell Ltd\tb@x.com\r\n"
    upload = read(
        uploads.receive_paste,
        practice=practice,
        onboarding=practice.current_onboarding(),
        step_key="client-names",
        kind="xpm_clients",
        text=text,
        actor=manager,
    )
    assert upload.original_name == "pasted xpm_clients.tsv"
    assert (upload.status, upload.kind, upload.rows) == (UploadStatus.ACCEPTED, "xpm_clients", 2)
    assert upload.report["delimiter"] == "tab"


@pytest.mark.parametrize(
    "kind",
    [
        "xpm_clients",
        "xpm_jobs",
        "xpm_staff",
        "xpm_job_templates",
        "ignition_clients",
        "ignition_team",
        "ignition_services",
        "ignition_proposals",
        "xero_contacts",
        "xero_invoices",
    ],
)
def test_it_loads_each_template_back_as_its_kind(receive, kind):
    upload = receive(template_csv(kind), f"template-{kind}.csv")
    assert (upload.status, upload.kind, upload.rows) == (UploadStatus.ACCEPTED, kind, 2)


# --- what an accepted upload sets off ------------------------------------------------------------


def test_it_starts_runs_for_the_steps_that_read_the_kind(receive):
    upload = receive(CLIENTS)
    runs = ValidationRun.objects.filter(onboarding=upload.onboarding)
    assert {"client-names", "clean-data", "internal-names"} <= set(
        runs.values_list("step_key", flat=True)
    )
    assert all(upload in run.uploads.all() for run in runs)


def test_it_does_not_start_runs_for_a_pending_upload(receive):
    receive(RAGGED)
    assert not ValidationRun.objects.exists()


def test_it_makes_the_sign_off_of_a_step_reading_the_kind_stale(receive, practice, manager):
    receive(CLIENTS)
    progress = practice.current_onboarding().steps.get(step_key="client-names")
    record = SignOff.objects.create(
        progress=progress, signed_by=manager, signed_by_label="Manager", role=Role.PRACTICE_MANAGER
    )
    receive(CLIENTS_LATER, "clients-later.csv")
    record.refresh_from_db()
    assert record.stale_at is not None
    assert "clients-later.csv" in record.stale_reason
    assert Verb.SIGN_OFF_STALE in _verbs(practice)
