"""The upload views: several files at once, every bad input's message on the page, the mapping
form, 'load the rest', history, template downloads, the paste box, and access.

A POST never parses a file: it stores it and queues the read (Celery runs eagerly in tests, once
the request's transaction commits: ``django_capture_on_commit_callbacks``). ``settle`` then does
what the page's htmx does: poll the "being read" block until the outcome comes back."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from audits import uploads
from audits.models import ColumnMapping, Upload, UploadStatus, ValidationRun
from audits.selectors import current_uploads
from tests.wizard.signoff.factories import ready_data_step
from wizard.models import AuditEvent, Verb
from wizard.signoff.services import sign_off

CLIENTS = b"Client,Business Structure,Email\r\nJane Smith,Individual,j@x.com\r\nBlue Bell Ltd,Company,b@x.com\r\n"
STAFF = b"Staff,Email Address,Position\r\nPriya Patel,priya@x.com,Manager\r\n"
ODD = b"Customer,Mail,Kind\r\nJane Smith,j@x.com,Individual\r\nBlue Bell Ltd,b@x.com,Company\r\n"
RAGGED = b"Client,Business Structure,Email\r\nJane Smith,Individual,j@x.com\r\nBob,Individual,b@x.com,extra,more\r\nAl Roe,Individual,a@x.com\r\n"
HTMX = {"HTTP_HX_REQUEST": "true"}
STEP = "client-names"


def _url(name, practice, **kw):
    return reverse(f"wizard:{name}", kwargs={"pk": practice.pk, "key": STEP, **kw})


def _files(*pairs):
    return [SimpleUploadedFile(name, data) for name, data in pairs]


@pytest.fixture
def client(manager, client_for) -> Client:
    return client_for(manager)


def settle(client, practice, response):
    """The upload area once the files a response shows as being read are read: the response
    itself when nothing was waiting, else what the polling block gets back."""
    found = re.search(r'data-reading="([0-9,]+)"', response.content.decode())
    if found is None:
        return response
    return client.get(_url("upload_reading", practice), {"ids": found.group(1)}, **HTMX)


@pytest.fixture
def send(client, practice, django_capture_on_commit_callbacks):
    """POST (htmx unless told), let the queued reads run, and return what the page ends up with."""

    def post(name: str, data: dict, htmx: bool = True, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(_url(name, practice, **kw), data, **(HTMX if htmx else {}))
        return settle(client, practice, response) if htmx else response

    return post


@pytest.fixture
def post_files(send):
    def post(*pairs, htmx=True, **data):
        return send("upload", {"files": _files(*pairs), **data}, htmx=htmx)

    return post


def _step_page(client, practice) -> str:
    response = client.get(reverse("wizard:step", kwargs={"pk": practice.pk, "key": STEP}))
    assert response.status_code == 200
    return response.content.decode()


# --- uploading -----------------------------------------------------------------------------------


def test_it_uploads_several_files_at_once(post_files, practice):
    response = post_files(("clients.csv", CLIENTS), ("staff.csv", STAFF))
    assert response.status_code == 200
    assert "stepsChanged" in json.loads(response["HX-Trigger"])
    uploads_ = Upload.objects.filter(practice=practice)
    assert set(uploads_.values_list("original_name", "kind", "status")) == {
        ("clients.csv", "xpm_clients", UploadStatus.ACCEPTED),
        ("staff.csv", "xpm_staff", UploadStatus.ACCEPTED),
    }
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="upload-area"')
    assert "2 files: 2 loaded." in body


def test_it_shows_name_size_kind_rows_hash_and_status(post_files, client, practice):
    post_files(("clients.csv", CLIENTS))
    upload = Upload.objects.get()
    body = _step_page(client, practice)
    row = body[body.index(f'data-upload="{upload.pk}"') :].split("</tr>")[0]
    sha = upload.stored_file.sha256
    assert "clients.csv" in row and "XPM clients" in row
    assert f"<td>{len(CLIENTS)}\xa0bytes</td>" in row
    assert "<td>2</td>" in row
    assert f'title="SHA-256 {sha}">{sha[:12]}…</code>' in row
    assert "In use" in row


def test_it_redirects_a_plain_form_post_to_the_step(post_files, client, practice):
    response = post_files(("clients.csv", CLIENTS), htmx=False)
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("wizard:step", kwargs={"pk": practice.pk, "key": STEP})
    )
    body = _step_page(client, practice)
    assert "clients.csv: being read." in body  # the message said when the file was received
    upload = Upload.objects.get()
    row = body[body.index(f'data-upload="{upload.pk}"') :].split("</tr>")[0]
    assert "<td>2</td>" in row and "In use" in row  # read by the time the page is reloaded


def test_it_asks_for_files_when_none_were_chosen(client, practice):
    response = client.post(_url("upload", practice), {}, **HTMX)
    assert "Choose one or more files to upload." in response.content.decode()
    assert not Upload.objects.exists()


def test_it_uses_the_kind_the_person_chose(post_files):
    post_files(("names.csv", b"Name\r\nJane\r\n"), kind="xpm_staff")
    assert Upload.objects.get().kind == "xpm_staff"


def test_it_starts_the_checks_after_an_upload(post_files, practice):
    post_files(("clients.csv", CLIENTS))
    assert ValidationRun.objects.filter(
        onboarding=practice.current_onboarding(), step_key=STEP
    ).exists()


def test_it_keeps_upload_history_per_kind(post_files, client, practice):
    post_files(("clients-march.csv", CLIENTS))
    post_files(("clients-april.csv", CLIENTS + b"Al Roe,Individual,a@x.com\r\n"))
    body = _step_page(client, practice)
    section = body[body.index(f'id="kind-{STEP}-xpm_clients"') :].split("</section>")[0]
    assert "In use: <strong>clients-april.csv</strong>, 3 rows." in section
    shown, earlier = section.split("<details", 1)
    assert "clients-april.csv" in shown and "clients-march.csv" not in shown
    assert "Earlier uploads (1)" in earlier
    assert "clients-march.csv" in earlier and "Replaced" in earlier


# --- bad input: each message on the page ---------------------------------------------------------

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "clients.csv has no data rows."),
        (b"Client,Email\r\n", "clients.csv has no data rows."),
        (
            PDF,
            "clients.csv is a PDF document, not a spreadsheet. Accepted: CSV (comma, semicolon or "
            "tab separated) or Excel (.xlsx, .xls).",
        ),
        (
            b"Client,Email,Email\r\nJane,j@x.com,k@x.com\r\n",
            'clients.csv has the same column name more than once: "email" in columns B, C. '
            "Rename or delete the extra columns.",
        ),
        (
            b"Client,,Email\r\nJane,x,j@x.com\r\n",
            "clients.csv has data in column B but no column name in the header row (row 1). "
            "Name the column or delete it.",
        ),
        (
            b"Email,Phone\r\nj@x.com,123\r\n",
            "clients.csv has no column for name (required for XPM clients). Found: Email, Phone. "
            "Map the columns to continue.",
        ),
        (
            RAGGED,
            "clients.csv has 1 row that could not be read: 3. Fix it, or load the rest without "
            "them.",
        ),
    ],
    ids=["empty", "header-only", "pdf", "duplicate-headers", "blank-header", "missing", "ragged"],
)
def test_it_shows_the_message_for_bad_input(post_files, client, practice, data, message):
    partial = post_files(("clients.csv", data)).content.decode()
    assert escape(message) in partial
    assert escape(message) in _step_page(client, practice)
    assert "Traceback" not in partial
    assert not Upload.objects.filter(status=UploadStatus.ACCEPTED).exists()


def test_it_shows_the_size_limit_and_the_files_size(post_files, settings):
    settings.LIFTOFF_UPLOAD_MAX_BYTES = 100
    body = post_files(("clients.csv", CLIENTS * 2)).content.decode()
    assert (
        f"clients.csv is {len(CLIENTS) * 2} bytes; the limit is 100 bytes. Filter the export or "
        "split it into smaller files."
    ) in body
    assert Upload.objects.get().status == UploadStatus.REJECTED


def test_it_shows_the_row_limit_and_the_files_rows(post_files, settings):
    settings.LIFTOFF_UPLOAD_MAX_ROWS = 1
    body = post_files(("clients.csv", CLIENTS)).content.decode()
    assert (
        "clients.csv has 2 data rows; the limit is 1. Split it into smaller files or filter the "
        "export."
    ) in body
    assert Upload.objects.get().status == UploadStatus.REJECTED


def test_it_links_a_missing_column_to_the_mapping_form(post_files):
    body = post_files(("clients.csv", b"Email,Phone\r\nj@x.com,123\r\n")).content.decode()
    upload = Upload.objects.get()
    assert f'href="{_url("mapping", upload.practice, upload_id=upload.pk)}">Map its columns' in body


def test_it_lists_unreadable_rows_and_offers_to_load_the_rest(post_files):
    body = post_files(("clients.csv", RAGGED)).content.decode()
    upload = Upload.objects.get()
    assert "<td>3</td><td>has 5 values where the header has 3 columns</td>" in body
    assert _url("accept_rows", upload.practice, upload_id=upload.pk) in body
    assert "Load the rest without those rows" in body


def test_it_loads_the_rest_when_confirmed(post_files, send):
    post_files(("clients.csv", RAGGED))
    upload = Upload.objects.get()
    response = send("accept_rows", {}, upload_id=upload.pk)
    assert "stepsChanged" in json.loads(response["HX-Trigger"])
    upload.refresh_from_db()
    assert (upload.status, upload.rows) == (UploadStatus.ACCEPTED, 2)
    assert "1 unreadable row left out" in response.content.decode()


def test_it_stops_offering_the_rest_once_a_fixed_file_is_loaded(post_files):
    post_files(("clients.csv", RAGGED))
    body = post_files(("clients-fixed.csv", CLIENTS)).content.decode()
    assert "Load the rest without those rows" not in body
    assert "Some rows could not be read" in body  # still listed in the history


def test_it_refuses_to_confirm_an_upload_that_is_not_waiting(post_files, send):
    post_files(("clients.csv", b""))
    upload = Upload.objects.get()
    body = send("accept_rows", {}, upload_id=upload.pk).content
    assert "has no rows waiting for confirmation" in body.decode()
    upload.refresh_from_db()
    assert upload.status == UploadStatus.REJECTED


# --- mapping form --------------------------------------------------------------------------------


@pytest.fixture
def odd_upload(post_files):
    post_files(("our-clients.csv", ODD))
    upload = Upload.objects.get()
    assert upload.status == UploadStatus.NEEDS_MAPPING
    return upload


def test_it_shows_headers_preview_and_a_kind_choice(client, practice, odd_upload):
    body = client.get(_url("mapping", practice, upload_id=odd_upload.pk)).content.decode()
    assert "Map the columns of our-clients.csv" in body
    assert '<th scope="col">Customer</th><th scope="col">Mail</th><th scope="col">Kind</th>' in body
    assert "<td>Jane Smith</td><td>j@x.com</td><td>Individual</td>" in body
    assert '<label for="map-kind">This file is</label>' in body
    assert 'name="field_name"' not in body  # no kind chosen yet: no fields


def test_it_lists_a_select_per_field_with_required_ones_marked(client, practice, odd_upload):
    url = _url("mapping", practice, upload_id=odd_upload.pk)
    body = client.get(url, {"kind": "xpm_clients"}).content.decode()
    assert '<label for="f-name">Client <strong>(required)</strong></label>' in body
    assert '<label for="f-email">Email</label>' in body
    assert '<option value="Customer" >Customer</option>' in body


def test_it_returns_the_form_partial_when_the_kind_changes(client, practice, odd_upload):
    url = _url("mapping", practice, upload_id=odd_upload.pk)
    response = client.post(url, {"kind": "xpm_staff"}, **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="mapping-form"')
    assert 'name="field_position"' in body


def test_it_shows_the_fields_without_javascript(client, practice, odd_upload):
    url = _url("mapping", practice, upload_id=odd_upload.pk)
    response = client.post(url, {"kind": "xpm_staff", "choose": ""})
    body = response.content.decode()
    assert "<!doctype html>" in body  # the whole page, as a plain form post gets
    assert '<label for="f-name">Staff <strong>(required)</strong></label>' in body
    assert not ColumnMapping.objects.exists()


def test_it_saves_a_mapping_and_loads_the_file(send, practice, odd_upload):
    response = send(
        "mapping",
        {
            "kind": "xpm_clients",
            "field_name": "Customer",
            "field_email": "Mail",
            "field_business_structure": "Kind",
            "save": "1",
        },
        htmx=False,
        upload_id=odd_upload.pk,
    )
    assert response.status_code == 302
    odd_upload.refresh_from_db()
    assert (odd_upload.status, odd_upload.rows) == (UploadStatus.ACCEPTED, 2)
    assert ColumnMapping.objects.get(practice=practice).mapping == {
        "name": "Customer",
        "email": "Mail",
        "business_structure": "Kind",
    }


def test_it_reuses_the_mapping_for_the_same_headers(send, odd_upload, post_files):
    mapped = {"kind": "xpm_clients", "field_name": "Customer", "save": "1"}
    send("mapping", mapped, htmx=False, upload_id=odd_upload.pk)
    post_files(("our-clients-2.csv", ODD + b"Al Roe,a@x.com,Individual\r\n"))
    later = Upload.objects.get(original_name="our-clients-2.csv")
    assert (later.status, later.rows, later.columns) == (
        UploadStatus.ACCEPTED,
        3,
        {"name": "Customer"},
    )


def test_it_refuses_a_mapping_without_the_required_fields(client, practice, odd_upload):
    url = _url("mapping", practice, upload_id=odd_upload.pk)
    response = client.post(url, {"kind": "xpm_clients", "field_email": "Mail", "save": "1"})
    assert "Choose a column for: Client (required)." in response.content.decode()
    assert not ColumnMapping.objects.exists()
    odd_upload.refresh_from_db()
    assert odd_upload.status == UploadStatus.NEEDS_MAPPING


def test_it_refuses_a_header_the_file_does_not_have(client, practice, odd_upload):
    url = _url("mapping", practice, upload_id=odd_upload.pk)
    response = client.post(url, {"kind": "xpm_clients", "field_name": "Nope", "save": "1"})
    assert "Choose a column for: Client (required)." in response.content.decode()
    assert not ColumnMapping.objects.exists()


def test_it_sends_an_upload_that_needs_no_mapping_back_to_the_step(post_files, client, practice):
    post_files(("clients.csv", CLIENTS))
    upload = Upload.objects.get()
    response = client.get(_url("mapping", practice, upload_id=upload.pk))
    assert response.status_code == 302


# --- paste box, templates --------------------------------------------------------------------------


def test_it_loads_pasted_rows(send):
    text = "Client\tEmail\r\nJane Smith\tj@x.com\r\n"
    response = send("paste", {"kind": "xpm_clients", "text": text})
    assert "stepsChanged" in json.loads(response["HX-Trigger"])
    upload = Upload.objects.get()
    assert (upload.original_name, upload.status, upload.rows) == (
        "pasted xpm_clients.tsv",
        UploadStatus.ACCEPTED,
        1,
    )
    assert "pasted xpm_clients.tsv: loaded." in response.content.decode()


def test_it_asks_for_rows_when_the_paste_box_is_empty(client, practice):
    response = client.post(_url("paste", practice), {"kind": "xpm_clients", "text": " "}, **HTMX)
    assert "Choose what the rows are and paste them, header row first." in response.content.decode()
    assert not Upload.objects.exists()


def test_it_downloads_a_template_that_loads_back(
    client, practice, manager, django_capture_on_commit_callbacks
):
    response = client.get(reverse("wizard:template", kwargs={"kind": "xpm_jobs"}))
    assert response["Content-Disposition"] == 'attachment; filename="liftoff-template-xpm_jobs.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    with django_capture_on_commit_callbacks(execute=True):
        upload = uploads.receive_upload(
            practice=practice,
            onboarding=practice.current_onboarding(),
            step_key=STEP,
            name="filled.csv",
            data=response.content,
            actor=manager,
        )
    upload.refresh_from_db()
    assert (upload.status, upload.kind, upload.rows) == (UploadStatus.ACCEPTED, "xpm_jobs", 2)


def test_it_404s_for_an_unknown_template(client):
    assert client.get(reverse("wizard:template", kwargs={"kind": "nope"})).status_code == 404


# --- access --------------------------------------------------------------------------------------


def test_it_404s_for_another_tenants_practice(outsider, client_for, practice):
    client = client_for(outsider)
    response = client.post(_url("upload", practice), {"files": _files(("c.csv", CLIENTS))})
    assert response.status_code == 404
    assert not Upload.objects.exists()


def test_it_404s_for_another_tenants_upload(post_files, outsider, client_for, other_practice):
    post_files(("our-clients.csv", ODD))
    upload = Upload.objects.get()
    client = client_for(outsider)
    assert client.get(_url("mapping", other_practice, upload_id=upload.pk)).status_code == 404
    assert client.post(_url("accept_rows", other_practice, upload_id=upload.pk)).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(practice):
    response = Client().post(_url("upload", practice), {"files": _files(("c.csv", CLIENTS))})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_requires_the_csrf_token(manager, practice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = client.post(_url("upload", practice), {"files": _files(("c.csv", CLIENTS))})
    assert response.status_code == 403
    assert not Upload.objects.exists()


def test_it_rejects_get_on_upload(client, practice):
    assert client.get(_url("upload", practice)).status_code == 405


def test_it_404s_on_a_step_that_takes_no_exports(client, practice):
    url = reverse("wizard:upload", kwargs={"pk": practice.pk, "key": "api-access"})
    assert client.post(url, {"files": _files(("c.csv", CLIENTS))}).status_code == 404


def test_it_never_serves_the_stored_bytes(post_files, client):
    post_files(("clients.csv", CLIENTS))
    blob = Upload.objects.get().stored_file.blob.name
    assert client.get(f"/media/{blob}").status_code == 404
    assert client.get(f"/{blob}").status_code == 404


def test_it_names_fields_as_the_exports_do_in_the_mapping_form(client, practice, odd_upload):
    url = _url("mapping", practice, upload_id=odd_upload.pk)
    page = client.get(url + "?kind=xpm_jobs").content.decode()
    assert "Job No." in page and "Client Order No." in page
    assert ">job_no" not in page and ">client_order_no" not in page


def _full_export(post_files, rows: int = 800):
    body = "".join(f"Client {i:04d},c{i}@x.com,Company\r\n" for i in range(rows))
    post_files(("clients.csv", f"Client,Email,Business Structure\r\n{body}".encode()))
    return Upload.objects.get(original_name="clients.csv")


def test_it_asks_before_two_pasted_rows_replace_a_whole_export(send, post_files):
    full = _full_export(post_files)
    text = "Client\tEmail\r\nJane Smith\tj@x.com\r\nBo Lee\tb@x.com\r\n"
    response = send("paste", {"kind": "xpm_clients", "text": text})
    page = response.content.decode()
    assert response["HX-Retarget"] == "#main"
    assert "clients.csv, 800 rows" in page and "Pasted: 2 rows" in page
    assert list(Upload.objects.values_list("pk", flat=True)) == [full.pk]  # nothing stored
    assert current_uploads(full.onboarding)["xpm_clients"] == full


def test_it_replaces_the_export_with_the_paste_once_confirmed(send, post_files):
    full = _full_export(post_files)
    text = "Client\tEmail\r\nJane Smith\tj@x.com\r\nBo Lee\tb@x.com\r\n"
    send("paste", {"kind": "xpm_clients", "text": text, "confirmed": "1"})
    now = current_uploads(full.onboarding)["xpm_clients"]
    assert (now.original_name, now.rows) == ("pasted xpm_clients.tsv", 2)


def test_it_dismisses_a_refused_upload_and_keeps_it_in_the_history(send, practice):
    send("upload", {"files": _files(("notes.csv", b"just some words\n"))})
    refused = Upload.objects.get(original_name="notes.csv")
    assert refused.status != UploadStatus.ACCEPTED
    response = send("dismiss_upload", {}, upload_id=refused.pk)
    assert "notes.csv dismissed." in response.content.decode()
    assert f'data-upload="{refused.pk}"' not in response.content.decode()
    refused.refresh_from_db()
    assert refused.dismissed_at is not None
    assert AuditEvent.objects.filter(verb=Verb.UPLOAD_DISMISSED).count() == 1


def test_it_never_dismisses_the_export_in_use(send, post_files):
    full = _full_export(post_files, rows=3)
    response = send("dismiss_upload", {}, upload_id=full.pk)
    assert "is in use or being read, so it stays listed" in response.content.decode()
    full.refresh_from_db()
    assert full.dismissed_at is None


def test_it_warns_before_an_upload_makes_a_signed_step_stale(practice, manager, client_for):
    ready = ready_data_step(practice)
    sign_off(progress=ready, actor=manager)
    page = client_for(manager).get(reverse("wizard:step", args=[practice.pk, "clean-data"]))
    assert "Step 3 is signed off on the exports in use" in page.content.decode()
