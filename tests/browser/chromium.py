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


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@contextmanager
def chromium_page(
    base_url: str, *, width: int = 1280, height: int = 900, bypass_csp: bool = False
) -> Iterator:
    """A fresh browser page; the live server runs in a thread, so Django's async guard is lifted.
    ``bypass_csp`` lets a test inject axe-core into pages whose policy forbids other scripts."""
    if not Path(CHROMIUM).exists():
        need(f"browser test needs Chromium at {CHROMIUM} (apt-get install -y chromium)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            context = browser.new_context(
                base_url=base_url,
                viewport={"width": width, "height": height},
                bypass_csp=bypass_csp,
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


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """axe-core's violations of the page at these impacts, as "rule: first target" lines."""
    if not AXE.exists():
        need(f"accessibility checks need axe-core at {AXE} (make test runs npm ci)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['help']}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: nothing sticks out)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
