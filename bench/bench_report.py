"""Completion report for an onboarding with 50,000 findings: time and peak RSS.

Target (issue 6): PDF + CSV ≤ 10 s and ≤ 512 MiB. Runs on a throwaway SQLite database (or
DATABASE_URL if set: use a scratch database). Steps 1 and 2 are confirmed and signed, step 3 has a
waiver, so the sample looks like a real draft. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_report.py [--save-pdf /tmp/report.pdf]
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
scratch = tempfile.mkdtemp(prefix="liftoff-bench-")
os.environ.setdefault("LIFTOFF_VAR_DIR", scratch)
os.environ.setdefault("LIFTOFF_MEDIA_ROOT", str(Path(scratch) / "media"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from audits.models import Finding, RunStatus, Upload, UploadStatus, ValidationRun  # noqa: E402
from audits.uploads import store_file  # noqa: E402
from wizard.models import Membership, Organisation, Role  # noqa: E402
from wizard.practices.services import create_practice  # noqa: E402
from wizard.report import services as report  # noqa: E402
from wizard.signoff import services as signoff  # noqa: E402
from wizard.signoff import status  # noqa: E402
from wizard.steps.services import record_attestation  # noqa: E402

FINDINGS = 50_000
# (step key, item, [(code, severity)]) — the findings are spread over three data steps.
SPREAD = [
    ("client-names", 3, [("C03.E001", "error"), ("C03.W003", "warning")]),
    ("clean-data", 5, [("C05.W002", "warning"), ("C05.E001", "error")]),
    ("name-parity", 13, [("C13.E001", "error"), ("C13.W002", "warning")]),
]


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build():
    """The draft: a practice whose steps 1 and 2 are confirmed and signed, two accepted uploads,
    FINDINGS findings spread over the SPREAD steps and one of them waived. Returns the onboarding.
    """
    practice, manager = seed_practice()
    onboarding = practice.current_onboarding()
    sign_first_steps(onboarding, manager)
    store_uploads(practice, onboarding)
    for index, (key, item, codes) in enumerate(SPREAD):
        per_step = FINDINGS // len(SPREAD) + (index < FINDINGS % len(SPREAD))
        store_run(practice, onboarding, key, item, codes, per_step)
    first = Finding.objects.filter(run__step_key="client-names", severity="error").first()
    signoff.waive(
        finding=first,
        actor=manager,
        reason="A trust the partners agreed to keep under its legal name until June.",
    )
    status.refresh_all(onboarding)
    return onboarding


def seed_practice():
    """A new organisation, its practice and the practice manager; returns (practice, manager)."""
    organisation = Organisation.objects.create(
        name="Summit Onboarding", slug=f"bench-{time.time_ns()}"
    )
    practice = create_practice(organisation=organisation, name="Harbour & Co Accountants")
    manager = get_user_model().objects.create_user(
        username=f"ann-{uuid.uuid4().hex[:6]}", first_name="Ann", last_name="Lee"
    )
    Membership.objects.create(
        user=manager, organisation=organisation, practice=practice, role=Role.PRACTICE_MANAGER
    )
    return practice, manager


def sign_first_steps(onboarding, manager) -> None:
    """Steps 1 and 2 confirmed by the manager and signed off."""
    for key in ("api-access", "sync-direction"):
        progress = onboarding.steps.get(step_key=key)
        record_attestation(
            progress=progress, actor=manager, checked_by="Ann Lee", checked_on=date.today()
        )
        signoff.sign_off(progress=progress, actor=manager, submission_token=uuid.uuid4())


def store_uploads(practice, onboarding) -> None:
    """The accepted XPM clients and Xero contacts exports the findings point at."""
    for kind, name in (("xpm_clients", "XPM clients.csv"), ("xero_contacts", "Contacts.csv")):
        Upload.objects.create(
            practice=practice,
            onboarding=onboarding,
            stored_file=store_file(f"{kind} export\n".encode()),
            original_name=name,
            kind=kind,
            status=UploadStatus.ACCEPTED,
            rows=20_000,
        )


def store_run(practice, onboarding, key: str, item: int, codes, count: int) -> None:
    """A finished run of step ``key`` with ``count`` findings alternating between the two
    ``codes`` (error first), and the counts that go with them."""
    run = ValidationRun.objects.create(
        practice=practice,
        onboarding=onboarding,
        step_key=key,
        items=[item],
        status=RunStatus.SUCCEEDED,
        finished_at=timezone.now(),
    )
    Finding.objects.bulk_create(
        (
            Finding(
                run=run,
                position=i,
                code=codes[i % 2][0],
                item=item,
                severity=codes[i % 2][1],
                message=f"Client name “Client {i}” is written “Last, First”.",
                file="XPM clients.csv",
                value=f"Client {i}",
                suggestion=f"Client {i} Ltd",
                rows=[i + 2],
                match_key=f"{codes[i % 2][0]}|client {i}",
            )
            for i in range(count)
        ),
        batch_size=5000,
    )
    errors = (count + 1) // 2
    ValidationRun.objects.filter(pk=run.pk).update(
        counts={"error": errors, "warning": count - errors, "info": 0}
    )


def pdf_phases(onboarding, html_class) -> dict[str, float]:
    """render_pdf's phases, timed one by one (WeasyPrint's ``HTML`` passed in, already loaded)."""
    phases = {}
    started = time.perf_counter()
    html = report.render_html(onboarding)
    phases["gather + template"] = time.perf_counter() - started
    started = time.perf_counter()
    document = html_class(string=html).render()
    phases["layout"] = time.perf_counter() - started
    started = time.perf_counter()
    document.write_pdf()
    phases["write"] = time.perf_counter() - started
    return phases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--save-pdf", help="Also write the PDF here (to look at it).")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    onboarding = build()
    stored = Finding.objects.filter(run__onboarding=onboarding).count()
    print(f"database: {connection.vendor}; findings stored: {stored:,}")
    before = rss_mib()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        data = report.gather(onboarding)
    gather_s = time.perf_counter() - started
    started = time.perf_counter()
    # Timed on its own: loading WeasyPrint (Pango, fonts) is paid once per process, by its first PDF.
    from weasyprint import HTML

    import_s = time.perf_counter() - started
    started = time.perf_counter()
    pdf = report.render_pdf(onboarding)
    pdf_s = time.perf_counter() - started
    phases = pdf_phases(onboarding, HTML)
    started = time.perf_counter()
    csv = report.findings_csv(onboarding)
    csv_s = time.perf_counter() - started
    started = time.perf_counter()
    xlsx = report.findings_xlsx(onboarding)
    xlsx_s = time.perf_counter() - started
    print(
        f"gather: {gather_s:.2f} s in {len(queries)} queries "
        f"({sum(s.open_total for s in data['steps']):,} open findings, "
        f"{sum(len(s.open_findings) for s in data['steps'])} listed)"
    )
    print(
        f"PDF: {pdf_s:.2f} s, {len(pdf) / 1024:.0f} KiB; the first PDF of a process also loads "
        f"WeasyPrint: {import_s:.2f} s"
    )
    print("  PDF again, by phase: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    print(f"findings CSV: {csv_s:.2f} s, {len(csv) / 1e6:.1f} MB")
    print(f"findings XLSX: {xlsx_s:.2f} s, {len(xlsx) / 1e6:.1f} MB")
    print(
        f"PDF + CSV: {pdf_s + csv_s:.2f} s; peak RSS {rss_mib():.0f} MiB "
        f"(before the report {before:.0f} MiB); targets <= 10 s, <= 512 MiB"
    )
    if args.save_pdf:
        Path(args.save_pdf).write_bytes(pdf)
        print(f"PDF written to {args.save_pdf}")


if __name__ == "__main__":
    main()
