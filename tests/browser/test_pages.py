"""Every main page, in Chromium: nothing wider than a phone's screen (390 px), and no serious or
critical accessibility violation (axe-core, from npm, injected into the page)."""

import pytest

from tests.browser.chromium import axe_violations, chromium_page, log_in, overflow
from tests.wizard.signoff.factories import finding, ready_data_step
from wizard.demo import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pages(practice, run) -> dict[str, list[str]]:
    """Pages by who sees them."""
    return {
        "pm@harbour.example": [
            f"/practices/{practice.pk}/",
            f"/practices/{practice.pk}/steps/client-names/",
            f"/practices/{practice.pk}/steps/api-access/",
            f"/practices/{practice.pk}/runs/{run.pk}/",
            f"/practices/{practice.pk}/activity/",
            f"/practices/{practice.pk}/members/",
        ],
        "lead@summit.example": ["/practices/", "/team/", f"/practices/{practice.pk}/settings/"],
        "staff@harbour.example": [f"/practices/{practice.pk}/members/"],  # the refusal page
    }


@pytest.fixture
def demo(db):
    _, practice = load_demo()
    ready_data_step(
        practice,
        findings=[
            finding("C03.E001", "Lee, Ann", rows=(14,), suggestion="Ann Lee"),
            finding("C03.W004", "JANE DOE", suggestion="Jane Doe"),
        ],
    )
    return practice, practice.current_onboarding().validation_runs.get()


def _visit_all(page, practice, run, check) -> dict[str, object]:
    found = {}
    for user, paths in _pages(practice, run).items():
        page.context.clear_cookies()
        log_in(page, user, DEMO_PASSWORD)
        for path in paths:
            page.goto(path)
            page.wait_for_load_state("networkidle")
            found[f"{user} {path}"] = check(page)
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    found["login"] = check(page)
    return found


def test_it_fits_every_page_on_a_phone(live_server, demo, tmp_path):
    practice, run = demo
    with chromium_page(live_server.url, width=390, height=844) as page:
        widths = _visit_all(page, practice, run, overflow)
        page.goto(f"/practices/{practice.pk}/steps/client-names/")
        page.screenshot(path=str(tmp_path / "step-390.png"), full_page=True)
    assert {page: px for page, px in widths.items() if px > 0} == {}


def test_it_has_no_serious_accessibility_violation(live_server, demo):
    practice, run = demo
    with chromium_page(live_server.url, bypass_csp=True) as page:
        violations = _visit_all(page, practice, run, axe_violations)
    assert {page: found for page, found in violations.items() if found} == {}
