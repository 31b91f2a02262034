"""A practice manager walks the real pages in Chromium: log in, confirm step 1, see the overview."""

import pytest

from tests.browser.chromium import chromium_page, log_in
from wizard.demo import DEMO_PASSWORD, load_demo
from wizard.models import Attestation, StepStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_confirms_step_one_and_updates_the_overview(live_server, tmp_path):
    _, practice = load_demo()
    with chromium_page(live_server.url) as page:
        log_in(page, "pm@harbour.example", DEMO_PASSWORD)
        page.get_by_role("link", name="Step 1 · Authorise third-party API access in XPM").click()
        page.get_by_label("I confirm this setting is as described above").check()
        page.get_by_label("When it was checked").fill("2026-11-20")
        page.get_by_role("button", name="Confirm setting").click()
        page.get_by_test_id("attestation-confirmed").wait_for()
        # The sidebar step list refreshes itself from the HX-Trigger, without a page load.
        sidebar_row = page.locator("#step-list .step-row").first
        sidebar_row.locator(".status").get_by_text("Ready for sign-off", exact=True).wait_for()
        page.screenshot(path=str(tmp_path / "step-1-confirmed.png"), full_page=True)

        page.get_by_role("link", name="Overview").click()
        first_row = page.locator(".step-row").first
        assert "Ready for sign-off" in first_row.inner_text()
        # Step 1 is done, so the overview now sends the manager on to step 2.
        page.locator(".next a").click()
        assert page.get_by_role("heading", level=1).inner_text().startswith("Set the XPM sync")
        page.screenshot(path=str(tmp_path / "step-2.png"), full_page=True)

    attestation = Attestation.objects.get()
    assert attestation.progress.onboarding.practice == practice
    assert attestation.checked_by == "Priya Patel"
    assert attestation.progress.status == StepStatus.READY
    assert (tmp_path / "step-1-confirmed.png").stat().st_size > 10_000
