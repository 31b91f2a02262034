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

from django.db.models import Count, Exists, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.utils import timezone

from audits import spreadsheets
from audits.kinds import KINDS
from audits.models import (
    Finding,
    Fix,
    FixStatus,
    Pull,
    RunStatus,
    Severity,
    Upload,
    ValidationRun,
)
from audits.selectors import current_uploads
from wizard.checklist import RENAME_ITEMS, STEPS
from wizard.models import (
    Acknowledgement,
    Attestation,
    AuditEvent,
    Onboarding,
    SignOff,
    StepStatus,
    Waiver,
)
from wizard.signoff.selectors import DOWNLOAD_COLUMNS, download_rows, fingerprint

OPEN_LIMIT = 15


@dataclass
class WaiverLine:
    waiver: Waiver
    state: str  # "waived" | "changed" (data differs since) | "gone" (no longer found)


@dataclass
class StepReport:
    step: object
    progress: object
    sign_off: SignOff | None = None
    history: list[SignOff] = field(default_factory=list)
    attestation: Attestation | None = None
    run: ValidationRun | None = None
    files: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    open_counts: dict = field(default_factory=dict)
    waivers: list[WaiverLine] = field(default_factory=list)
    open_findings: list[Finding] = field(default_factory=list)

    @property
    def checked(self) -> bool:
        """Only a finished, successful check has results worth counting."""
        return self.run is not None and self.run.status == RunStatus.SUCCEEDED

    @property
    def open_total(self) -> int:
        return sum(self.open_counts.values())

    @property
    def acknowledged(self) -> int:
        return self.counts.get("warning", 0) - self.open_counts.get("warning", 0)

    @property
    def more(self) -> int:
        return max(self.open_total - len(self.open_findings), 0)


def _latest_runs(onboarding: Onboarding) -> dict[str, ValidationRun]:
    runs: dict[str, ValidationRun] = {}
    for run in ValidationRun.objects.filter(onboarding=onboarding).order_by("-created_at", "-pk"):
        runs.setdefault(run.step_key, run)
    return runs


def _open_annotations() -> dict:
    """Per finding: is it waived (error) / acknowledged (warning)? Correlated EXISTS on the
    indexed (onboarding, step_key, match_key) of waivers and acknowledgements."""
    return {
        "is_waived": Exists(Waiver.of_outer_finding()),
        "is_acked": Exists(Acknowledgement.of_outer_finding()),
    }


OPEN = Q(severity=Severity.ERROR, is_waived=False) | Q(severity=Severity.WARNING, is_acked=False)


@dataclass
class _Figures:
    """The findings side of the report for the latest successful run of each step."""

    counts: dict = field(default_factory=lambda: defaultdict(dict))
    open_counts: dict = field(default_factory=lambda: defaultdict(dict))
    open_findings: dict = field(default_factory=lambda: defaultdict(list))
    waived_now: dict = field(default_factory=dict)  # (step key, match key) -> finding values


def _figures(onboarding: Onboarding, checked: list[int]) -> _Figures:
    figures = _Figures()
    annotations = _open_annotations()
    findings = Finding.objects.filter(run_id__in=checked).exclude(code="C00.I001")
    findings = findings.annotate(**annotations)
    for row in (
        findings.order_by()
        .values("run_id", "severity")
        .annotate(n=Count("pk"), still_open=Count("pk", filter=OPEN))
    ):
        figures.counts[row["run_id"]][row["severity"]] = row["n"]
        if row["still_open"]:
            figures.open_counts[row["run_id"]][row["severity"]] = row["still_open"]
    # Only the first OPEN_LIMIT open findings of each run: the PDF stays small at any size.
    ranked = (
        findings.filter(OPEN)
        .annotate(rank=Window(RowNumber(), partition_by=[F("run_id")], order_by="position"))
        .filter(rank__lte=OPEN_LIMIT)
        .order_by("run_id", "position")
        .only("run_id", "code", "severity", "rows", "value", "message", "position")
    )
    for finding in ranked:
        figures.open_findings[finding.run_id].append(finding)
    # The waived findings as they are now: unchanged, changed since, or gone (fixed).
    figures.waived_now = {
        (f["run__step_key"], f["match_key"]): f
        for f in Finding.objects.filter(run_id__in=checked, severity=Severity.ERROR)
        .annotate(is_waived=annotations["is_waived"])
        .filter(is_waived=True)
        .values("run__step_key", "match_key", "rows", "suggestion", "related")
    }
    return figures


@dataclass
class _Records:
    """Sign-offs (by progress), the latest attestation (by progress), waivers (by step key)."""

    history: dict
    attestations: dict
    waivers: dict


def _records(onboarding: Onboarding) -> _Records:
    history = defaultdict(list)
    for record in SignOff.objects.filter(progress__onboarding=onboarding).select_related(
        "countersigned_by", "signed_by", "revoked_by"
    ):
        history[record.progress_id].append(record)
    attestations = {}
    for attestation in Attestation.objects.filter(progress__onboarding=onboarding).order_by(
        "created_at", "pk"
    ):
        attestations[attestation.progress_id] = attestation  # the latest wins
    waivers = defaultdict(list)
    for waiver in Waiver.objects.filter(onboarding=onboarding, revoked_at=None).order_by(
        "waived_at", "pk"
    ):
        waivers[waiver.step_key].append(waiver)
    return _Records(history=history, attestations=attestations, waivers=waivers)


def _waiver_state(item: StepReport, waiver: Waiver, figures: _Figures) -> str:
    if not item.checked:
        return "waived"
    current = figures.waived_now.get((item.step.key, waiver.match_key))
    if current is None:
        return "gone"
    if waiver.data_fingerprint and waiver.data_fingerprint != _fingerprint(current):
        return "changed"
    return "waived"


def _evidence(uploads: dict[str, Upload]) -> dict[str, dict]:
    """Per kind in use: its file, the file's SHA-256, and where it came from: uploaded (when), or
    pulled from XPM or Xero (when, how many raw pages, the dates read). One query."""
    pulls = {
        p.upload_id: p for p in Pull.objects.filter(upload__in=[u.pk for u in uploads.values()])
    }
    evidence = {}
    for kind, upload in uploads.items():
        pull = pulls.get(upload.pk)
        evidence[kind] = {
            "label": KINDS[kind].label,
            "name": upload.original_name,
            "sha256": upload.stored_file.sha256,
            "uploaded_at": upload.uploaded_at,
            "system": KINDS[kind].system,
            "pull": pull,
            "pages": len(pull.pages) if pull else 0,
        }
    return evidence


def _step_report(step, progress, run, evidence: dict, records: _Records, figures: _Figures):
    found = records.history.get(progress.pk, [])
    item = StepReport(
        step=step,
        progress=progress,
        sign_off=next((r for r in found if r.is_current), None),
        history=[r for r in found if not r.is_current],
        attestation=records.attestations.get(progress.pk),
        run=run,
        files=[evidence[k] for k in step.all_exports if k in evidence],
    )
    if item.checked:
        item.counts = figures.counts.get(run.pk, {})
        item.open_counts = figures.open_counts.get(run.pk, {})
        item.open_findings = figures.open_findings.get(run.pk, [])
    for waiver in records.waivers.get(step.key, []):
        item.waivers.append(WaiverLine(waiver, _waiver_state(item, waiver, figures)))
    return item


def gather(onboarding: Onboarding) -> dict:
    """Everything the report shows, in a fixed number of queries (about a dozen), whatever the
    number of steps, runs, findings or waivers."""
    practice = onboarding.practice
    progresses = {p.step_key: p for p in onboarding.steps.all()}
    runs = _latest_runs(onboarding)
    evidence = _evidence(current_uploads(onboarding))
    records = _records(onboarding)
    figures = _figures(onboarding, [r.pk for r in runs.values() if r.status == RunStatus.SUCCEEDED])
    steps = [
        _step_report(
            step,
            progresses[step.key],
            runs.get(step.key) if step.all_exports else None,
            evidence,
            records,
            figures,
        )
        for step in STEPS
    ]
    signed = sum(1 for s in steps if s.sign_off is not None)
    head = (
        AuditEvent.objects.filter(organisation=practice.organisation)
        .order_by("-sequence")
        .only("sequence", "hash")
        .first()
    )
    return {
        "practice": practice,
        "organisation": practice.organisation,
        "onboarding": onboarding,
        "steps": steps,
        "signed": signed,
        "total_steps": len(STEPS),
        "draft": signed < len(STEPS),
        "attention": [s for s in steps if s.progress.status == StepStatus.NEEDS_ATTENTION],
        "stale": [s for s in steps if s.progress.status == StepStatus.STALE],
        "generated_at": timezone.now(),
        "chain_head": head.hash if head else "",
        "chain_sequence": head.sequence if head else 0,
        "open_limit": OPEN_LIMIT,
        "fixes": _fixes_sent(onboarding),
    }


def _fixes_sent(onboarding: Onboarding) -> list[Fix]:
    """The fixes sent back to XPM and Xero (or tried): what, who approved it, the result."""
    tried = (FixStatus.SENT, FixStatus.FAILED, FixStatus.REFUSED)
    found = Fix.objects.filter(onboarding=onboarding, status__in=tried, approved_at__isnull=False)
    return list(found.select_related("approved_by").order_by("approved_at", "pk"))


def _fingerprint(values: dict) -> str:
    return fingerprint(Finding(**{k: values[k] for k in ("rows", "suggestion", "related")}))


def render_html(onboarding: Onboarding) -> str:
    return render_to_string("report/completion.html", gather(onboarding))


def render_pdf(onboarding: Onboarding) -> bytes:
    # weasyprint loads its fonts and Pango on import (~0.5 s): only when a PDF is asked for.
    from weasyprint import HTML

    return HTML(string=render_html(onboarding)).write_pdf()


def _all_findings(onboarding: Onboarding) -> QuerySet[Finding]:
    runs = _latest_runs(onboarding)
    ids = [r.pk for r in runs.values()]
    findings = Finding.objects.filter(run_id__in=ids).exclude(code="C00.I001")
    return findings.order_by("item", "run_id", "position")


def findings_csv(onboarding: Onboarding) -> bytes:
    return spreadsheets.to_csv(DOWNLOAD_COLUMNS, download_rows(_all_findings(onboarding)))


def findings_xlsx(onboarding: Onboarding) -> bytes:
    rows = download_rows(_all_findings(onboarding))
    return spreadsheets.to_xlsx(DOWNLOAD_COLUMNS, rows, sheet="Findings")


def _systems(onboarding: Onboarding) -> dict[str, str]:
    """File name -> the system it was exported from (XPM, Xero, Ignition), from the uploads."""
    uploads = Upload.objects.filter(onboarding=onboarding).exclude(kind="")
    return {name: KINDS[kind].system for name, kind in uploads.values_list("original_name", "kind")}


def fix_file(onboarding: Onboarding) -> bytes:
    """Bulk renames for steps 3, 12 and 13: one row per system, current name and suggested name
    (the same rename suggested by several rules is listed once, with every rule and row). For a
    near match across systems each system whose spelling differs gets its own row."""
    runs = _latest_runs(onboarding)
    systems = _systems(onboarding)
    renames: dict[tuple[str, str, str], dict] = {}
    findings = (
        Finding.objects.filter(run_id__in=[r.pk for r in runs.values()], item__in=RENAME_ITEMS)
        .exclude(suggestion="")
        .order_by("item", "position")
        .values_list("item", "value", "suggestion", "code", "file", "rows", "related")
    )
    for item, value, suggestion, code, name, rows, related in findings.iterator():
        places = [(name, value, rows)]
        places += [(r["file"], r["value"], r["rows"]) for r in related if r.get("value")]
        for file, current, at in places:
            if current == suggestion:
                continue
            system = systems.get(file, RENAME_ITEMS[item])
            entry = renames.setdefault(
                (system, current, suggestion), {"rules": [], "file": file, "rows": []}
            )
            entry["rules"] += [code] if code not in entry["rules"] else []
            entry["rows"] += [r for r in at if r not in entry["rows"]]
    body = (
        [system, current, suggestion, "; ".join(e["rules"]), e["file"], e["rows"]]
        for (system, current, suggestion), e in renames.items()
    )
    return spreadsheets.to_csv(
        ("system", "current name", "suggested name", "rules", "file", "rows"), body
    )


def file_name(onboarding: Onboarding, fmt: str) -> str:
    """e.g. liftoff-harbour---co-onboarding-2026-20261125-completion-report.pdf: the practice,
    the onboarding and the day it started, so two onboardings' reports do not overwrite each
    other."""

    def slug(text: str) -> str:
        return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")

    stem = {"pdf": "completion-report", "fixes.csv": "name-fixes"}.get(fmt, "findings")
    extension = "csv" if fmt == "fixes.csv" else fmt
    started = f"{timezone.localtime(onboarding.started_at):%Y%m%d}"
    parts = (slug(onboarding.practice.name), slug(onboarding.label), started, stem)
    return f"liftoff-{'-'.join(p for p in parts if p)}.{extension}"
