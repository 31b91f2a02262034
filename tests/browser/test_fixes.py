"""In Chromium, against the fake XPM and Xero: a practice manager turns on "Write fixes back"
(connecting again for the write permissions), re-checks everything, approves three renames and
one job state change on the Fixes page, sends them, and sees the steps' findings go to "fixed"
after the automatic re-check; the fake's records hold the new values.

Celery runs eagerly, as in the other browser tests: the sending, the pulls it starts again and
the checks they lead to run inside the request that asked for them.
"""

import pytest

from audits.models import Fix, FixStatus, StateMapping, StateType
from audits.selectors import latest_run
from tests.browser.chromium import chromium_page, log_in
from tests.browser.test_connect import _connect
from wizard.demo import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _map_states(practice, fake) -> None:
    """Step 11's mapping, as the practice confirmed it: "On Hold" is On Hold, the rest typed."""
    for name in sorted({j["state"] for j in fake.jobs if j["state"]}):
        lowered = name.lower()
        kind = StateType.STANDARD
        if "hold" in lowered or "waiting" in lowered:
            kind = StateType.ON_HOLD
        elif "complete" in lowered:
            kind = StateType.COMPLETED
        StateMapping.objects.get_or_create(
            practice=practice, state_name=name, defaults={"state_type": kind}
        )


def test_a_manager_approves_and_sends_fixes_and_sees_them_fixed(
    live_server, fake_xero, settings, tmp_path
):
    settings.XERO_REDIRECT_URI = f"{live_server.url}/connect/callback/"
    _, practice = load_demo()
    _map_states(practice, fake_xero)
    with chromium_page(live_server.url) as page:
        log_in(page, "pm@harbour.example", DEMO_PASSWORD)
        _connect(page, practice, fake_xero)
        page.get_by_role("link", name="Fixes to send back to XPM and Xero").click()
        page.get_by_role("button", name="Turn writing fixes back on").click()
        page.get_by_text("connect again to allow changes").first.wait_for()
        page.get_by_role("button", name="Connect again to allow changes").click()
        page.get_by_role("heading", name="Allow access").wait_for()
        assert "accounting.contacts" in page.get_by_text("Liftoff asks for").inner_text()
        page.get_by_role("button", name="Allow access").click()
        page.get_by_text("XPM and Xero are connected.").wait_for()
        page.get_by_role("button", name="Re-check everything").click()
        page.get_by_text("each step that reads them is checked once they are in").wait_for()

        page.goto(f"/practices/{practice.pk}/fixes/")
        onboarding = practice.current_onboarding()
        renames = list(Fix.objects.filter(onboarding=onboarding, record_kind="client")[:3])
        job = Fix.objects.get(onboarding=onboarding, record_kind="job")
        row = page.locator(f'tr[data-fix="{job.pk}"]')
        row.get_by_label(f"New state of job {job.record_ref}").select_option("In Progress")
        row.get_by_role("button", name="Save").click()
        page.get_by_text("The fix is changed").wait_for()
        for fix in [*renames, job]:
            page.locator(f'tr[data-fix="{fix.pk}"] input[type=checkbox]').check()
        page.get_by_role("button", name="Approve the selected fixes").click()
        page.get_by_text("4 fixes approved.").wait_for()
        page.get_by_role("button", name="Send approved").click()
        page.get_by_text("Sending 4 fixes").wait_for()
        for fix in [*renames, job]:
            page.locator(f'tr[data-fix="{fix.pk}"] .fix-status', has_text="Sent").wait_for()
        page.screenshot(path=str(tmp_path / "fixes-sent.png"), full_page=True)

        # The automatic re-check: the steps' findings page shows the fixed ones.
        for step_key in ("internal-names", "job-states"):
            run = latest_run(onboarding, step_key)
            page.goto(f"/practices/{practice.pk}/runs/{run.pk}/")
            fixed = page.locator("details", has_text="Fixed")
            fixed.locator("summary").click()
            codes = {s["code"] for f in [*renames, job] for s in f.findings}
            assert any(code in fixed.inner_text() for code in codes), step_key

    assert {f.status for f in Fix.objects.filter(pk__in=[f.pk for f in [*renames, job]])} == {
        FixStatus.SENT
    }
    for fix in renames:
        fix.refresh_from_db()
        assert fake_xero.client_by(fix.record_id)["name"] == fix.after
    assert fake_xero.job_by(job.record_ref)["state"] == "In Progress"
