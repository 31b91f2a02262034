"""Run the web server, a Celery worker and celery beat together; one Ctrl-C stops all three.

Beat runs as its own process, as in production: killing the worker does not stop the periodic
sweep that takes over runs whose worker died (nor the audit-chain checkpoints).

Under DEBUG with no XERO_* variable set, the fake XPM and Xero (tests/fakes/serve.py, holding the
demo practice's clients and contacts) runs beside them, and the web server and worker are pointed
at it with the demo's published client id, so Connect → Pull works without any credentials."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from wizard.demo import (
    DEMO_CLIENTS,
    DEMO_PASSWORD,
    DEMO_SEED,
    DEMO_XERO_CLIENT_ID,
    DEMO_XERO_CLIENT_SECRET,
)

# Any of these set means a real (or another) Xero app is configured: the fake stays off.
XERO_VARIABLES = (
    "XERO_CLIENT_ID",
    "XERO_CLIENT_SECRET",
    "XERO_LOGIN_URL",
    "XERO_IDENTITY_URL",
    "XERO_API_URL",
)


def wants_fake_xero(no_fake: bool) -> bool:
    """The demo's fake only in development, only when no Xero app is configured, and only in a
    checkout that has it (a deployment ships no tests)."""
    present = any(os.environ.get(name) for name in XERO_VARIABLES)
    fake = settings.BASE_DIR / "tests" / "fakes" / "serve.py"
    return settings.DEBUG and not no_fake and not present and fake.exists()


class Command(BaseCommand):
    help = "Start the development web server, a Celery worker and celery beat together."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument(
            "--no-fake-xero", action="store_true", help="Do not start the demo's fake XPM/Xero."
        )
        parser.add_argument("--fake-xero-port", type=int, default=8765)

    def handle(self, *args, **options):
        # The autoreloader re-runs this command in a child with RUN_MAIN=true; only the parent
        # owns the worker and beat, or every code change would start more of them.
        children: list[subprocess.Popen] = []
        if os.environ.get("RUN_MAIN") != "true":
            if wants_fake_xero(options["no_fake_xero"]):
                # First: the worker, beat and the web server's child inherit its XERO_* settings.
                children.append(self._fake_xero(options["fake_xero_port"], options["addrport"]))
            celery = [sys.executable, "-m", "celery", "-A", "config"]
            worker = [*celery, "worker", "--loglevel", "INFO"]
            children.append(
                subprocess.Popen([*worker, "--concurrency", str(options["concurrency"])])
            )
            beat = [*celery, "beat", "--loglevel", "INFO"]
            children.append(
                subprocess.Popen([*beat, "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME])
            )
            self.stdout.write(
                f"Celery worker (pid {children[-2].pid}) and beat (pid {children[-1].pid}) started."
            )
        try:
            call_command("runserver", options["addrport"])
        finally:
            for child in children:
                _stop(child)

    def _fake_xero(self, port: int, addrport: str) -> subprocess.Popen:
        url = f"http://127.0.0.1:{port}"
        os.environ.update(
            XERO_CLIENT_ID=DEMO_XERO_CLIENT_ID,
            XERO_CLIENT_SECRET=DEMO_XERO_CLIENT_SECRET,
            XERO_LOGIN_URL=url,
            XERO_IDENTITY_URL=url,
            XERO_API_URL=url,
        )
        command = [sys.executable, "-m", "tests.fakes.serve", "--port", str(port)]
        command += ["--clients", str(DEMO_CLIENTS), "--seed", str(DEMO_SEED)]
        command += ["--client-id", DEMO_XERO_CLIENT_ID, "--client-secret", DEMO_XERO_CLIENT_SECRET]
        fake = subprocess.Popen(command, cwd=settings.BASE_DIR)
        site = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
        self.stdout.write(
            f"Demo XPM and Xero: a fake (tests/fakes/xero.py, pid {fake.pid}) answers at {url} "
            "with the demo practice's clients and contacts; nothing real is contacted.\n"
            f"  Log in at http://{site}/ as pm@harbour.example (password {DEMO_PASSWORD}), press\n"
            "  'Connect XPM and Xero' on the overview, allow access on the fake's page, then\n"
            "  'Pull from XPM' on step 3 or 'Re-check everything' on the overview.\n"
            "  Set XERO_CLIENT_ID, XERO_CLIENT_SECRET and XERO_REDIRECT_URI for a real Xero app,\n"
            "  or pass --no-fake-xero."
        )
        return fake


def _stop(child: subprocess.Popen) -> None:
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=15)
    except subprocess.TimeoutExpired:
        child.kill()
