"""In Chromium, against the fake XPM and Xero: a practice manager connects the practice (the
fake's consent page, both tenants picked), pulls XPM clients on step 3, sees the step checked
with findings on the pulled rows, re-checks everything, and disconnects. The first browser keeps
the real Content-Security-Policy: its form-action must let the Connect form reach the consent page.

As in the other browser tests, Celery runs eagerly: the pull, the reading of the pulled table and
the check run inside the request that asked for them, so the page they lead to shows the outcome.
"""

import pytest

from audits.models import Connection, ConnectionState, Pull, PullStatus
from tests.browser.chromium import axe_violations, chromium_page, log_in
from wizard.demo import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _connect(page, practice, fake) -> None:
    page.goto(f"/practices/{practice.pk}/")
    page.get_by_role("button", name="Connect XPM and Xero").click()
    page.get_by_role("heading", name="Allow access").wait_for()  # the fake's consent page
    assert page.url.startswith(fake.base_url)
    page.get_by_label(f"{fake.xpm['name']} (PRACTICEMANAGER)").check()
    page.get_by_label(f"{fake.org['name']} (ORGANISATION)").check()
    page.get_by_role("button", name="Allow access").click()
    page.get_by_text("XPM and Xero are connected.").wait_for()


def test_it_connects_pulls_checks_and_disconnects(live_server, fake_xero, settings, tmp_path):
    settings.XERO_REDIRECT_URI = f"{live_server.url}/connect/callback/"
    _, practice = load_demo()
    with chromium_page(live_server.url) as page:
        log_in(page, "pm@harbour.example", DEMO_PASSWORD)
        _connect(page, practice, fake_xero)
        panel = page.locator("#connect-panel")
        assert "Harbour & Co (XPM)" in panel.inner_text()

        page.goto(f"/practices/{practice.pk}/steps/client-names/")
        page.get_by_role("button", name="Pull from XPM").click()
        status = page.locator("#upload-area .pull-status")
        status.filter(has_text="Pull from XPM: Pulled").wait_for()
        assert f"{len(fake_xero.clients)} records" in status.inner_text()
        page.locator("#upload-area .current-upload", has_text="XPM clients, pulled").wait_for()
        page.locator("#run-panel", has_text="Checked").wait_for()
        on_a_row = page.locator("#run-findings .finding", has=page.locator("dt", has_text="Row"))
        finding = on_a_row.first
        finding.wait_for()
        # The finding is on a pulled row: its file is the pulled table, its row a number.
        assert "XPM clients, pulled" in finding.locator("dt:has-text('File') + dd").inner_text()
        assert finding.locator("dt:has-text('Row') + dd").inner_text().strip()
        page.screenshot(path=str(tmp_path / "pulled-and-checked.png"), full_page=True)

        page.goto(f"/practices/{practice.pk}/")
        page.get_by_role("button", name="Re-check everything").click()
        page.get_by_text("each step that reads them is checked once they are in").wait_for()
        assert "Xero contacts: Pulled" in panel.inner_text()

    # axe-core is injected past the page's policy, which the connect flow above kept to.
    with chromium_page(live_server.url, bypass_csp=True) as page:
        log_in(page, "pm@harbour.example", DEMO_PASSWORD)
        page.goto(f"/practices/{practice.pk}/")
        assert axe_violations(page) == []
        page.get_by_role("button", name="Disconnect").click()
        page.get_by_text("XPM and Xero are disconnected").wait_for()
        page.get_by_role("button", name="Connect XPM and Xero").wait_for()

    assert Connection.objects.get(practice=practice).state == ConnectionState.DISCONNECTED
    assert fake_xero.connected == []  # revoked at the fake too
    assert set(Pull.objects.values_list("status", flat=True)) == {PullStatus.SUCCEEDED}
    assert Pull.objects.filter(kind="xpm_clients").count() == 2
