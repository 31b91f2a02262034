"""Completion report for an onboarding with 50,000 findings, and verify_audit over 100,000 events.

Targets (issue 6): report ≤ 10 s and ≤ 512 MiB; verify_audit ≤ 3 s. Runs on a throwaway SQLite
database (or DATABASE_URL if set: use a scratch database). Prints figures; asserts nothing.
"""

from __future__ import annotations

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
from django.utils import timezone  # noqa: E402

FINDINGS = 50_000
EVENTS = 100_000


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    call_command("migrate", verbosity=0)
    from audits.models import Finding, RunStatus, ValidationRun
    from wizard import report, services
    from wizard.audit_chain import verify
    from wizard.events import GENESIS
    from wizard.models import AuditEvent, Organisation, Verb

    organisation = Organisation.objects.create(name="Bench", slug=f"bench-{time.time_ns()}")
    practice = services.create_practice(organisation=organisation, name="Bench Practice")
    onboarding = practice.current_onboarding()
    codes = [("C13.E001", 13, "error"), ("C05.W002", 5, "warning"), ("C03.E001", 3, "error")]
    for code, item, _ in codes:
        run = ValidationRun.objects.create(
            practice=practice,
            onboarding=onboarding,
            step_key={13: "name-parity", 5: "clean-data", 3: "client-names"}[item],
            status=RunStatus.SUCCEEDED,
            counts={"error": FINDINGS // 3},
        )
        Finding.objects.bulk_create(
            (
                Finding(
                    run=run,
                    position=i,
                    code=code,
                    item=item,
                    severity=sev,
                    message=f"Finding {i}",
                    value=f"Client {i}",
                    suggestion=f"Client {i}",
                    rows=[i + 2],
                    match_key=f"{code}|client {i}",
                )
                for i, (code, item, sev) in ((i, codes[i % 3]) for i in range(FINDINGS // 3))
            ),
            batch_size=5000,
        )
    print(f"findings stored: {Finding.objects.filter(run__onboarding=onboarding).count():,}")
    before = rss_mib()
    started = time.perf_counter()
    pdf = report.render_pdf(onboarding)
    pdf_s = time.perf_counter() - started
    started = time.perf_counter()
    csv = report.findings_csv(onboarding)
    csv_s = time.perf_counter() - started
    print(
        f"report PDF: {pdf_s:.2f} s, {len(pdf) / 1024:.0f} KiB; findings CSV: {csv_s:.2f} s, "
        f"{len(csv) / 1e6:.1f} MB; peak RSS {rss_mib():.0f} MiB (before {before:.0f} MiB); "
        "targets <= 10 s, <= 512 MiB"
    )

    # 100,000 chained events, written directly (record() per event would be far slower).
    now = timezone.now()
    bench_org = Organisation.objects.create(name="Bench chain", slug=f"chain-{time.time_ns()}")
    previous = GENESIS
    chain = []
    for sequence in range(1, EVENTS + 1):
        event = AuditEvent(
            organisation=bench_org,
            verb=Verb.PRACTICE_UPDATED,
            details={"n": sequence},
            created_at=now,
            sequence=sequence,
            prev_hash=previous,
        )
        event.hash = event.compute_hash()
        previous = event.hash
        chain.append(event)
    AuditEvent.objects.bulk_create(chain, batch_size=5000)
    started = time.perf_counter()
    checked, problem = verify(bench_org)
    verify_s = time.perf_counter() - started
    print(
        f"verify_audit: {checked:,} events in {verify_s:.2f} s ({'intact' if problem is None else problem}); "
        "target <= 3 s"
    )


if __name__ == "__main__":
    main()
