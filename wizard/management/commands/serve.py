"""Run the web server, a Celery worker and celery beat together; one Ctrl-C stops all three.

Beat runs as its own process, as in production: killing the worker does not stop the periodic
sweep that takes over runs whose worker died (nor the audit-chain checkpoints)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the development web server, a Celery worker and celery beat together."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args, **options):
        # The autoreloader re-runs this command in a child with RUN_MAIN=true; only the parent
        # owns the worker and beat, or every code change would start more of them.
        children: list[subprocess.Popen] = []
        if os.environ.get("RUN_MAIN") != "true":
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
                f"Celery worker (pid {children[0].pid}) and beat (pid {children[1].pid}) started."
            )
        try:
            call_command("runserver", options["addrport"])
        finally:
            for child in children:
                _stop(child)


def _stop(child: subprocess.Popen) -> None:
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=15)
    except subprocess.TimeoutExpired:
        child.kill()
