"""The completion report: what was checked, found, fixed, waived and signed, by whom and when.

A PDF rendered from a Django template by WeasyPrint, marked DRAFT until all 15 steps are signed,
plus every finding as CSV and XLSX (formula injection defused) and a "current name → suggested
name" fix file. It never claims more than is true: a step with no check says so. The data is
gathered with a fixed number of queries, whatever the number of findings; the PDF lists at most
``OPEN_LIMIT`` open findings per step and says how many more the CSV holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone

from audits import export
from audits.kinds import KINDS
from audits.models import Finding, RunStatus, Severity, ValidationRun
from audits.selectors import current_uploads
from wizard.checklist import STEPS
from wizard.models import (
    Acknowledgement,
    AuditEvent,
    Onboarding,
    SignOff,
    StepStatus,
    Waiver,
)

OPEN_LIMIT = 15
RENAME_ITEMS = {3: "XPM", 12: "XPM", 13: "Xero / XPM / Ignition"}


@dataclass
class StepReport:
    step: object
    progress: object
    sign_off: SignOff | None = None
    stale: list[SignOff] = field(default_factory=list)
    attestation: object | None = None
    run: ValidationRun | None = None
    files: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    waivers: list[Waiver] = field(default_factory=list)
    open_findings: list[Finding] = field(default_factory=list)
    open_total: int = 0

    @property
    def more(self) -> int:
        return max(self.open_total - len(self.open_findings), 0)


def _latest_runs(onboarding: Onboarding) -> dict[str, ValidationRun]:
    runs: dict[str, ValidationRun] = {}
    for run in ValidationRun.objects.filter(onboarding=onboarding).order_by("-created_at", "-pk"):
        runs.setdefault(run.step_key, run)
    return runs


def gather(onboarding: Onboarding) -> dict:
    practice = onboarding.practice
    progresses = {p.step_key: p for p in onboarding.steps.all()}
    runs = _latest_runs(onboarding)
    uploads = current_uploads(onboarding)
    sign_offs = defaultdict(list)
    for record in SignOff.objects.filter(progress__onboarding=onboarding).select_related(
        "countersigned_by", "attestation", "signed_by"
    ):
        sign_offs[record.progress_id].append(record)
    attestations = {}
    from wizard.models import Attestation

    for attestation in Attestation.objects.filter(progress__onboarding=onboarding).order_by(
        "created_at", "pk"
    ):
        attestations[attestation.progress_id] = attestation  # latest wins
    waivers = defaultdict(list)
    for waiver in Waiver.objects.filter(onboarding=onboarding, revoked_at=None):
        waivers[waiver.step_key].append(waiver)
    acknowledged = set(
        Acknowledgement.objects.filter(onboarding=onboarding).values_list("step_key", "match_key")
    )
    run_ids = [r.pk for r in runs.values() if r.status == RunStatus.SUCCEEDED]
    counts = defaultdict(dict)
    for row in (
        Finding.objects.filter(run_id__in=run_ids)
        .exclude(code="C00.I001")
        .values("run_id", "severity")
        .annotate(n=Count("pk"))
    ):
        counts[row["run_id"]][row["severity"]] = row["n"]
    # Open = errors not waived + warnings not acknowledged; fetch a bounded slice per step.
    steps = []
    for step in STEPS:
        progress = progresses[step.key]
        run = runs.get(step.key)
        records = sign_offs.get(progress.pk, [])
        current = next((r for r in records if r.is_current), None)
        item = StepReport(
            step=step,
            progress=progress,
            sign_off=current,
            stale=[r for r in records if not r.is_current],
            attestation=attestations.get(progress.pk),
            run=run,
            files=[
                {
                    "label": KINDS[k].label,
                    "name": uploads[k].original_name,
                    "sha256": uploads[k].stored_file.sha256,
                }
                for k in step.all_exports
                if k in uploads
            ],
            counts=counts.get(run.pk, {}) if run else {},
            waivers=waivers.get(step.key, []),
        )
        if run is not None and run.status == RunStatus.SUCCEEDED:
            waived = [w.match_key for w in item.waivers]
            acked = [m for s, m in acknowledged if s == step.key]
            still_open = (
                Finding.objects.filter(run=run)
                .exclude(code="C00.I001")
                .filter(
                    (Q(severity=Severity.ERROR) & ~Q(match_key__in=waived))
                    | (Q(severity=Severity.WARNING) & ~Q(match_key__in=acked))
                )
            )
            item.open_total = still_open.count()
            item.open_findings = list(still_open.order_by("position")[:OPEN_LIMIT])
        steps.append(item)
    signed = sum(1 for s in steps if s.progress.status == StepStatus.SIGNED_OFF)
    head = (
        AuditEvent.objects.filter(organisation=practice.organisation).order_by("-sequence").first()
    )
    return {
        "practice": practice,
        "onboarding": onboarding,
        "steps": steps,
        "signed": signed,
        "draft": signed < len(STEPS),
        "generated_at": timezone.now(),
        "chain_head": head.hash if head else "",
        "chain_sequence": head.sequence if head else 0,
    }


def render_html(onboarding: Onboarding) -> str:
    return render_to_string("report/completion.html", gather(onboarding))


def render_pdf(onboarding: Onboarding) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(onboarding)).write_pdf()


def _all_findings(onboarding: Onboarding):
    runs = _latest_runs(onboarding)
    ids = [r.pk for r in runs.values()]
    return (
        Finding.objects.filter(run_id__in=ids)
        .exclude(code="C00.I001")
        .order_by("item", "run_id", "position")
        .values(*export.FINDING_COLUMNS)
        .iterator(chunk_size=5000)
    )


def findings_csv(onboarding: Onboarding) -> bytes:
    return export.to_csv(export.FINDING_COLUMNS, export.finding_rows(_all_findings(onboarding)))


def findings_xlsx(onboarding: Onboarding) -> bytes:
    rows = export.finding_rows(_all_findings(onboarding))
    return export.to_xlsx(export.FINDING_COLUMNS, rows, sheet="Findings")


def fix_file(onboarding: Onboarding) -> bytes:
    """Bulk renames: one row per finding of items 3, 12 and 13 that carries a suggestion."""
    runs = _latest_runs(onboarding)
    rows = (
        Finding.objects.filter(run_id__in=[r.pk for r in runs.values()], item__in=RENAME_ITEMS)
        .exclude(suggestion="")
        .order_by("item", "position")
        .values_list("item", "value", "suggestion", "code", "file", "rows")
    )
    body = (
        [RENAME_ITEMS[item], value, suggestion, code, name, rows]
        for item, value, suggestion, code, name, rows in rows.iterator()
    )
    return export.to_csv(("system", "current name", "suggested name", "rule", "file", "rows"), body)


def file_name(onboarding: Onboarding, fmt: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in onboarding.practice.name.lower()).strip("-")
    stem = {"pdf": "completion-report", "fixes.csv": "name-fixes"}.get(fmt, "findings")
    extension = "csv" if fmt == "fixes.csv" else fmt
    return f"liftoff-{slug}-{stem}.{extension}"
