"""Run the web server and a Celery worker together; one Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the development web server and a Celery worker together."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args, **options):
        # The autoreloader re-runs this command in a child with RUN_MAIN=true; only the parent
        # owns the worker, or every code change would start another one.
        worker = None
        if os.environ.get("RUN_MAIN") != "true":
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--beat",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    str(options["concurrency"]),
                ],
            )
            self.stdout.write(f"Celery worker started (pid {worker.pid}).")
        try:
            call_command("runserver", options["addrport"])
        finally:
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
