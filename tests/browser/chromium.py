"""Launching Debian's Chromium through Playwright (a test tool's own browser download fails here)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import need

CHROMIUM = os.environ.get("LIFTOFF_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium_page(base_url: str) -> Iterator:
    """A fresh browser page; the live server runs in a thread, so Django's async guard is lifted."""
    if not Path(CHROMIUM).exists():
        need(f"browser test needs Chromium at {CHROMIUM} (apt-get install -y chromium)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            context = browser.new_context(
                base_url=base_url, viewport={"width": 1280, "height": 900}
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            # Queries made inside this block ran in Playwright's context, which Django gives
            # connections of its own: close them here, or one stays open and blocks dropping
            # the test database at the end of the run.
            from django.db import connections

            connections.close_all()
            browser.close()


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
