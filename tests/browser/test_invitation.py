"""In Chromium: a lead invites a practice manager, who accepts and sees only their practice."""

import re

import pytest
from django.core import mail

from tests.browser.chromium import chromium_page, log_in
from wizard.demo import DEMO_PASSWORD, load_demo
from wizard.practices.services import create_practice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_invites_a_practice_manager_who_sees_only_their_practice(live_server, tmp_path):
    organisation, practice = load_demo()
    create_practice(organisation=organisation, name="Someone Else's Practice")
    with chromium_page(live_server.url) as page:
        log_in(page, "lead@summit.example", DEMO_PASSWORD)
        page.goto(f"/practices/{practice.pk}/members/")
        page.get_by_label("Email").fill("new.manager@harbour.example")
        page.get_by_label("Role").select_option("practice_manager")
        page.get_by_role("button", name="Send invitation").click()
        page.get_by_text("Invitation sent to new.manager@harbour.example").wait_for()
        link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
        page.get_by_role("button", name="Log out").click()

        page.goto(link)
        page.get_by_label("First name").fill("Nia")
        page.get_by_label("Last name").fill("Long")
        page.get_by_label("Password", exact=True).fill("harbour-manager-2026")
        page.get_by_label("Password again").fill("harbour-manager-2026")
        page.get_by_role("button", name="Create my account").click()
        # Signed in by accepting: straight to the practice, no second log-in.
        page.get_by_role("heading", name=practice.name).wait_for()
        page.screenshot(path=str(tmp_path / "new-manager.png"), full_page=True)
        assert "Someone Else" not in page.content()
        page.goto("/practices/")
        assert "Someone Else" not in page.content()
