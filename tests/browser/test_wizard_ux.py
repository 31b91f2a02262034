"""In Chromium with JavaScript on: what a practice manager and a lead hit in the wizard. A paste
never silently replaces an export, a refused form shows why, panels follow every change without
a reload, destructive actions ask first, and a refusal explains itself."""

import pytest

from audits.models import Upload
from audits.selectors import current_uploads
from tests.browser.chromium import chromium_page, log_in
from tests.wizard.signoff.factories import finding, ready_data_step
from wizard.demo import DEMO_PASSWORD, load_demo
from wizard.models import Attestation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PM, LEAD, STAFF = "pm@harbour.example", "lead@summit.example", "staff@harbour.example"


@pytest.fixture
def practice(db):
    return load_demo()[1]


def test_a_paste_of_two_rows_asks_before_replacing_an_800_row_export(live_server, practice):
    ready_data_step(practice)
    full = current_uploads(practice.current_onboarding())["xpm_clients"]
    Upload.objects.filter(pk=full.pk).update(rows=800)
    with chromium_page(live_server.url) as page:
        log_in(page, PM, DEMO_PASSWORD)
        page.goto(f"/practices/{practice.pk}/steps/client-names/")
        page.get_by_text("No export? Download a template, or paste rows").click()
        page.get_by_label("These rows are").select_option("xpm_clients")
        rows = "Client\tEmail\nJane Smith\tj@x.com\nBo Lee\tb@x.com"
        page.get_by_label("Rows copied from a spreadsheet, header row first").fill(rows)
        page.get_by_role("button", name="Check these rows").click()
        card = page.locator(".confirm")
        card.get_by_text("800 rows").wait_for()
        assert "Pasted: 2 rows" in card.inner_text()
        card.get_by_role("link", name="Cancel").click()
        page.get_by_role("heading", level=1).wait_for()
    assert current_uploads(practice.current_onboarding())["xpm_clients"].pk == full.pk


def test_a_refused_attestation_shows_its_message_with_javascript_on(live_server, practice):
    with chromium_page(live_server.url) as page:
        log_in(page, PM, DEMO_PASSWORD)
        page.goto(f"/practices/{practice.pk}/steps/api-access/")
        page.get_by_role("button", name="Confirm setting").click()  # the box left unticked
        page.locator("#step-card .field-error").first.wait_for()
        message = page.locator("#step-card .field-error").first.inner_text()
        assert message == "Tick the box to confirm the setting."
    assert not Attestation.objects.exists()


def test_sign_off_appears_without_a_reload_once_the_last_error_is_waived(live_server, practice):
    ready_data_step(practice, findings=[finding("C03.E001", "Lee, Ann", rows=(14,))])
    run = practice.current_onboarding().validation_runs.get()
    with chromium_page(live_server.url) as page:
        log_in(page, PM, DEMO_PASSWORD)
        page.goto(f"/practices/{practice.pk}/runs/{run.pk}/")
        panel = page.locator("#signoff-panel")
        panel.get_by_text("error(s) still open").wait_for()
        page.get_by_text("Waive this error").click()
        page.get_by_label("Why is this acceptable?").fill(
            "The partners keep this legal name until June."
        )
        page.get_by_role("button", name="Waive with this reason").click()
        panel.get_by_role("button", name="Sign off step 3").wait_for()
        assert "error(s) still open" not in panel.inner_text()


def test_a_lead_confirms_archiving_and_the_manager_sees_it_read_only(live_server, practice):
    with chromium_page(live_server.url) as page:
        log_in(page, LEAD, DEMO_PASSWORD)
        page.goto(f"/practices/{practice.pk}/settings/")
        page.get_by_role("button", name="Archive practice").click()
        page.get_by_text("It becomes read-only").wait_for()
        page.get_by_role("button", name="Archive practice").click()
        page.get_by_text("Practice archived.").wait_for()
        page.context.clear_cookies()
        log_in(page, PM, DEMO_PASSWORD)
        page.goto(f"/practices/{practice.pk}/steps/api-access/")
        page.get_by_text("this practice is read-only").wait_for()
        assert page.get_by_role("button", name="Confirm setting").count() == 0


def test_a_refusal_says_why_and_links_back(live_server, practice):
    with chromium_page(live_server.url) as page:
        log_in(page, STAFF, DEMO_PASSWORD)
        page.goto(f"/practices/{practice.pk}/")
        page.goto(f"/practices/{practice.pk}/members/")
        page.get_by_text("Practice staff cannot invite people").wait_for()
        page.get_by_role("link", name="Go back").click()
        page.get_by_role("heading", name=practice.name).wait_for()
