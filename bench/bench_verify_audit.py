"""manage.py verify_audit over 100,000 chained events of one organisation.

Target (issue 6): ≤ 3 s. Runs on a throwaway SQLite database (or DATABASE_URL if set: use a
scratch database). Prints figures; asserts nothing.
"""

from __future__ import annotations

import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
scratch = tempfile.mkdtemp(prefix="liftoff-bench-")
os.environ.setdefault("LIFTOFF_VAR_DIR", scratch)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from wizard.events import GENESIS  # noqa: E402
from wizard.models import AuditEvent, Organisation, Verb  # noqa: E402

EVENTS = 100_000


def main() -> None:
    call_command("migrate", verbosity=0)
    # Written directly (events.record() per event would take minutes), chained exactly as
    # record() chains them.
    organisation = Organisation.objects.create(name="Bench chain", slug=f"chain-{time.time_ns()}")
    now, previous, chain = timezone.now(), GENESIS, []
    for sequence in range(1, EVENTS + 1):
        event = AuditEvent(
            organisation=organisation,
            verb=Verb.PRACTICE_UPDATED,
            actor_label="Ann Lee (Practice manager)",
            details={"n": sequence, "field": "target_go_live"},
            created_at=now,
            sequence=sequence,
            prev_hash=previous,
        )
        event.hash = event.compute_hash()
        previous = event.hash
        chain.append(event)
    AuditEvent.objects.bulk_create(chain, batch_size=5000)
    del chain
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    try:
        call_command("verify_audit", "--organisation", organisation.slug, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database: {connection.vendor}")
    print(
        f"verify_audit: {EVENTS:,} events in {seconds:.2f} s, exit {code}: {out.getvalue().strip()}"
    )
    print(f"peak RSS {peak:.0f} MiB; target <= 3 s")


if __name__ == "__main__":
    main()
