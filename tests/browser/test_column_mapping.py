"""In Chromium: an export whose headers Liftoff cannot match is mapped by hand, then loaded; the
mapping is remembered for the next file with the same headers."""

import pytest

from audits.models import ColumnMapping, Upload, UploadStatus
from tests.browser.chromium import chromium_page, log_in
from wizard.demo import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ODD_HEADERS = "Customer,Mail,Kind\r\nJane Smith,jane@example.com,Individual\r\nBlue Bell Ltd,bb@example.com,Company\r\n"


def test_it_maps_unknown_headers_and_loads_the_file(live_server, tmp_path):
    _, practice = load_demo()
    path = tmp_path / "our-clients.csv"
    path.write_text(ODD_HEADERS)
    with chromium_page(live_server.url) as page:
        log_in(page, "pm@harbour.example", DEMO_PASSWORD)
        page.goto(f"/practices/{practice.pk}/steps/client-names/")
        page.get_by_label("Choose exports to upload").set_input_files(str(path))
        page.get_by_role("button", name="Upload and check").click()
        page.get_by_role("link", name="Map its columns").click()
        page.get_by_label("This file is").select_option("xpm_clients")
        page.get_by_label("name (required)").select_option("Customer")
        page.get_by_label("email").first.select_option("Mail")
        page.get_by_label("business_structure").select_option("Kind")
        page.screenshot(path=str(tmp_path / "mapping.png"), full_page=True)
        page.get_by_role("button", name="Save mapping and load").click()
        page.locator("#upload-area .status", has_text="In use").wait_for()
    upload = Upload.objects.get(original_name="our-clients.csv")
    assert (upload.status, upload.kind, upload.rows) == (UploadStatus.ACCEPTED, "xpm_clients", 2)
    assert upload.columns == {"name": "Customer", "email": "Mail", "business_structure": "Kind"}
    assert ColumnMapping.objects.get(practice=practice).kind == "xpm_clients"
