"""In Chromium: upload exports on step 13 and see a near-match suggestion; sign two steps and
download the completion report."""

import io
import json

import pytest
from pypdf import PdfReader

from audits.models import ValidationRun
from audits.testdata import generate
from tests.browser.chromium import chromium_page, log_in
from wizard.demo import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_uploads_exports_and_shows_a_near_match_suggestion(live_server, tmp_path):
    _, practice = load_demo()
    generate(tmp_path, clients=200, seed=3, problems="default")
    files = json.loads((tmp_path / "labels.json").read_text())["files"]
    with chromium_page(live_server.url) as page:
        log_in(page, "pm@harbour.example", DEMO_PASSWORD)
        page.goto(f"/practices/{practice.pk}/steps/name-parity/")
        page.get_by_label("Choose exports to upload").set_input_files(
            [str(tmp_path / files[k]) for k in ("xpm_clients", "xero_contacts")]
        )
        page.get_by_role("button", name="Upload and check").click()
        page.locator("#upload-area .current-upload", has_text="xero_contacts.csv").wait_for()
        run = ValidationRun.objects.filter(step_key="name-parity").order_by("-pk").first()
        page.goto(f"/practices/{practice.pk}/runs/{run.pk}/")
        page.locator("h3.rule-head", has_text="C13.E001").first.wait_for()
        suggestion = page.locator(".finding").filter(
            has_text="has no Xero contact with the same name"
        )
        assert suggestion.first.locator("dt:has-text('Suggestion') + dd").inner_text().strip()
        page.screenshot(path=str(tmp_path / "findings.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("link", name="CSV", exact=True).first.click()
        body = download.value.path().read_text(encoding="utf-8-sig")
    assert body.splitlines()[0].startswith('"code","item","severity","message"')
    assert "C13.E001" in body


def _confirm(page, practice, key):
    page.goto(f"/practices/{practice.pk}/steps/{key}/")
    page.get_by_label("I confirm this setting is as described above").check()
    page.get_by_role("button", name="Confirm setting").click()
    page.get_by_test_id("attestation-confirmed").wait_for()
    page.get_by_role("button", name="Sign off step").click()
    page.get_by_test_id("signed-off").wait_for()


def test_it_signs_two_steps_and_downloads_the_report(live_server, tmp_path):
    _, practice = load_demo()
    with chromium_page(live_server.url) as page:
        log_in(page, "pm@harbour.example", DEMO_PASSWORD)
        _confirm(page, practice, "api-access")
        _confirm(page, practice, "sync-direction")
        page.goto(f"/practices/{practice.pk}/")
        assert page.get_by_test_id("signed-count").inner_text() == "2 of 15"
        with page.expect_download() as download:
            page.get_by_role("link", name="Completion report (PDF)").click()
        data = download.value.path().read_bytes()
        page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
    assert data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "DRAFT — 2 of 15 steps signed" in text
    assert text.count("Signed off by Priya Patel") == 2
