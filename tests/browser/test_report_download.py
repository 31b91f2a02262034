"""In Chromium, as the practice manager: confirm and sign steps 1 and 2 through the sign-off
panel (htmx), then download the completion report from the overview and read it."""

import io

import pytest
from pypdf import PdfReader

from tests.browser.chromium import chromium_page, log_in
from wizard.demo import DEMO_PASSWORD, load_demo
from wizard.models import SignOff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _confirm_and_sign(page, practice, key: str, number: int) -> None:
    page.goto(f"/practices/{practice.pk}/steps/{key}/")
    blockers = page.get_by_test_id("blockers")
    assert "Confirm the setting first" in blockers.inner_text()
    page.get_by_label("I confirm this setting is as described above").check()
    page.get_by_role("button", name="Confirm setting").click()
    page.get_by_test_id("attestation-confirmed").wait_for()
    assert "confirmed by Priya Patel" in page.get_by_test_id("signing-what").inner_text()
    page.get_by_role("button", name=f"Sign off step {number}").click()
    signed = page.get_by_test_id("signed-off")
    signed.wait_for()
    assert "Signed off by Priya Patel (Practice manager)" in signed.inner_text()


def test_it_signs_two_steps_and_downloads_a_report_naming_both(live_server, tmp_path):
    _, practice = load_demo()
    with chromium_page(live_server.url) as page:
        log_in(page, "pm@harbour.example", DEMO_PASSWORD)
        _confirm_and_sign(page, practice, "api-access", 1)
        _confirm_and_sign(page, practice, "sync-direction", 2)
        page.goto(f"/practices/{practice.pk}/")
        with page.expect_download() as download:
            page.get_by_role("link", name="Completion report (PDF)").click()
        data = download.value.path().read_bytes()
        name = download.value.suggested_filename
    assert SignOff.objects.filter(progress__onboarding__practice=practice).count() == 2
    assert name.endswith("-completion-report.pdf")
    assert data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "DRAFT — 2 of 15 steps signed" in text
    assert text.count("Signed off by Priya Patel (Practice manager)") == 2
    assert "1. Authorise third-party API access in XPM" in text
    assert "2. Set the XPM sync direction" in text
