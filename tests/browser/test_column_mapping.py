"""In Chromium: an export whose headers Liftoff cannot match is mapped by hand, then loaded; the
mapping is remembered, so the next file with the same headers (dropped on the upload area this
time) loads without asking."""

import pytest

from audits.models import ColumnMapping, Upload, UploadStatus
from tests.browser.chromium import chromium_page, log_in
from wizard.demo import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ODD_HEADERS = "Customer,Mail,Kind\r\nJane Smith,jane@example.com,Individual\r\nBlue Bell Ltd,bb@example.com,Company\r\n"
SAME_HEADERS_LATER = "Customer,Mail,Kind\r\nJane Smith,jane@example.com,Individual\r\nAl Roe,al@example.com,Individual\r\nZed Co,z@example.com,Company\r\n"


def _drop(page, selector: str, name: str, text: str) -> None:
    """Drop a file on an element as a person dragging it from their desktop would."""
    transfer = page.evaluate_handle(
        """([name, text]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, {type: "text/csv"}));
            return transfer;
        }""",
        [name, text],
    )
    page.dispatch_event(selector, "dragover", {"dataTransfer": transfer})
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def test_it_maps_unknown_headers_and_loads_the_file(live_server, tmp_path):
    _, practice = load_demo()
    first, later = tmp_path / "our-clients.csv", tmp_path / "our-clients-december.csv"
    first.write_text(ODD_HEADERS)
    later.write_text(SAME_HEADERS_LATER)
    with chromium_page(live_server.url) as page:
        log_in(page, "pm@harbour.example", DEMO_PASSWORD)
        page.goto(f"/practices/{practice.pk}/steps/client-names/")
        page.get_by_label("Choose exports to upload").set_input_files(str(first))
        page.get_by_role("button", name="Upload and check").click()
        page.locator(".pending", has_text="our-clients.csv").wait_for()
        page.get_by_role("link", name="Map its columns").click()

        page.get_by_role("heading", name="Map the columns of our-clients.csv").wait_for()
        page.get_by_label("This file is").select_option("xpm_clients")
        page.get_by_label("Client (required)").select_option("Customer")
        page.get_by_label("Email", exact=True).select_option("Mail")
        page.get_by_label("Business Structure").select_option("Kind")
        page.screenshot(path=str(tmp_path / "mapping.png"), full_page=True)
        page.get_by_role("button", name="Save mapping and load").click()

        current = page.locator("#upload-area .current-upload")
        current.filter(has_text="our-clients.csv").wait_for()
        assert "2 rows" in current.first.inner_text()
        page.screenshot(path=str(tmp_path / "accepted.png"), full_page=True)

        _drop(page, "[data-drop-zone]", later.name, later.read_text())
        current.filter(has_text="our-clients-december.csv").wait_for()
        assert page.locator(".pending").count() == 0

    upload = Upload.objects.get(original_name="our-clients.csv")
    assert (upload.kind, upload.rows) == ("xpm_clients", 2)
    assert upload.superseded_at is not None  # replaced by the December file, kept as history
    assert upload.columns == {"name": "Customer", "email": "Mail", "business_structure": "Kind"}
    assert ColumnMapping.objects.get(practice=practice).kind == "xpm_clients"
    later_upload = Upload.objects.get(original_name="our-clients-december.csv")
    assert (later_upload.status, later_upload.rows) == (UploadStatus.ACCEPTED, 3)
    assert (tmp_path / "mapping.png").stat().st_size > 10_000
