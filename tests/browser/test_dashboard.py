"""In Chromium: a lead filters the practices table in place, follows a practice, and comes back."""

import re

import pytest

from tests.browser.chromium import chromium_page, log_in
from wizard.demo import DEMO_PASSWORD, load_demo
from wizard.models import StepProgress, StepStatus
from wizard.practices.services import create_practice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONE = re.compile(r"^1 practice\b")
THREE = re.compile(r"^3 practices\b")


def test_a_lead_filters_the_dashboard_and_opens_a_blocked_practice(live_server, tmp_path):
    organisation, _ = load_demo()
    blocked = create_practice(organisation=organisation, name="Blocked Bookkeepers")
    StepProgress.objects.filter(onboarding=blocked.current_onboarding(), number=4).update(
        status=StepStatus.NEEDS_ATTENTION
    )
    create_practice(organisation=organisation, name="Fine Accounting")
    with chromium_page(live_server.url) as page:
        log_in(page, "lead@summit.example", DEMO_PASSWORD)
        page.goto("/practices/")
        table = page.locator("#dashboard")
        table.get_by_text(THREE).wait_for()

        page.get_by_label("Status").select_option("blocked")  # htmx swaps the table in place
        table.get_by_text(ONE).wait_for()
        # The filters are in the address (to share, reload or go back to) and in the CSV link.
        assert "status=blocked" in page.url and "fragment" not in page.url
        csv_link = table.get_by_role("link", name="Download this table (CSV)")
        assert "status=blocked" in csv_link.get_attribute("href")
        rows = table.locator("tbody tr")
        assert rows.count() == 1
        assert "Step 4, Needs attention" in rows.first.inner_text()
        page.screenshot(path=str(tmp_path / "dashboard-blocked.png"), full_page=True)

        page.get_by_role("link", name="Blocked Bookkeepers").click()
        page.get_by_role("heading", name="Blocked Bookkeepers").wait_for()
        page.go_back()
        table.get_by_text(ONE).wait_for()
        assert page.get_by_label("Status").input_value() == "blocked"

        page.get_by_label("Status").select_option("")
        table.get_by_text(THREE).wait_for()
        page.get_by_label("Search").press_sequentially("fine")  # searched as one types
        table.get_by_text(ONE).wait_for()
        assert "q=fine" in page.url
        assert table.locator("tbody tr").first.get_by_role("link").inner_text() == "Fine Accounting"
