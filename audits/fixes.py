"""The fix list (docs/connect.md, "Sending fixes back"): what the latest runs' findings on pulled
data propose to change in XPM or Xero, one ``Fix`` per record and field.

- Renames come from the suggestions of C03 (client names), C12.E001 (internal codes) and the
  spellings of C13.E001 (an XPM client and its near Xero contact) and C13.E005 (the XPM side of an
  Ignition near match). Records a finding ties together (C13.E001's XPM client and Xero contact)
  share one spelling: when their suggestions differ, the fixes carry the ``choices`` and no
  ``after`` until a person picks one.
- A job state change comes from C11.E001; a person picks the Standard state.
- Only records with an id (pulled data) can be written. Nothing is ever deleted, archived or
  merged: a rename or a state change is all a fix can be.
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from audits.models import Finding, Fix, FixStatus, Pull, RunStatus, ValidationRun

RENAMES = frozenset(
    {"C03.E001", "C03.E002", "C03.W003", "C03.W004", "C12.E001", "C13.E001", "C13.E005"}
)
STATE_CHANGE = "C11.E001"
KIND_OF = {
    ("XPM", "xpm_clients"): "client",
    ("Xero", "xero_contacts"): "contact",
    ("XPM", "xpm_jobs"): "job",
}
# Fixes a new derivation may rewrite: not one being sent or already sent.
OPEN = (FixStatus.PROPOSED, FixStatus.APPROVED, FixStatus.FAILED, FixStatus.REFUSED)


@dataclass
class Proposal:
    system: str
    record_kind: str
    record_id: str
    field: str
    before: str
    after: str  # "" when a person must choose
    url: str = ""
    ref: str = ""
    findings: list[dict] = field(default_factory=list)
    suggestions: set[str] = field(default_factory=set)  # every finding's, for one record
    choices: list[str] = field(default_factory=list)  # when the group's suggestions differ
    group: str = ""
    # Spelled as suggested already: no fix of its own, but it keeps the group's one spelling
    # (a person's other spelling renames it too, ``partners``).
    anchor: bool = False
    partners: list[dict] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return self.system, self.record_id, self.field


def latest_runs(onboarding) -> list[ValidationRun]:
    """The newest finished run of each step of the onboarding."""
    found: dict[str, ValidationRun] = {}
    runs = ValidationRun.objects.filter(onboarding=onboarding, status=RunStatus.SUCCEEDED)
    for run in runs.order_by("-created_at", "-pk"):
        found.setdefault(run.step_key, run)
    return list(found.values())


def _pulled_files(run: ValidationRun, read: dict[int, bytes]) -> dict[str, tuple[str, bytes]]:
    """File name -> (kind, pulled CSV) of the run's pulled inputs; ``read`` keeps each file read
    once across the runs (every step reading XPM clients reads the same pull)."""
    pulls = Pull.objects.filter(upload__in=run.uploads.all()).select_related("upload__stored_file")
    found = {}
    for pull in pulls:
        if pull.upload_id not in read:
            with pull.upload.stored_file.blob.open("rb") as handle:
                read[pull.upload_id] = handle.read()
        found[pull.upload.original_name] = (pull.kind, read[pull.upload_id])
    return found


def _first_cells(data: bytes) -> dict[int, str]:
    """Spreadsheet row -> the first column (an XPM job's number in a pulled jobs table)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    next(reader, None)
    return {row: values[0] for row, values in enumerate(reader, start=2) if values}


def _of_finding(finding: Finding, files: dict[str, tuple[str, bytes]]) -> list[Proposal]:
    values = {finding.file: finding.value}
    values |= {r["file"]: r.get("value") or finding.value for r in finding.related}
    source = {"code": finding.code, "match_key": finding.match_key}
    out = []
    for record in finding.records:
        kind, data = files.get(record["file"], ("", b""))
        record_kind = KIND_OF.get((record["system"], kind))
        if finding.code == STATE_CHANGE and record_kind == "job":
            ref = _first_cells(data).get(record["row"], "")
            field_name, before, after = "state", finding.value, ""
        elif finding.code in RENAMES and record_kind in ("client", "contact"):
            ref, field_name = "", "name"
            before, after = values.get(record["file"], ""), finding.suggestion
            if not before or not after:
                continue
        else:
            continue
        out.append(
            Proposal(
                system=record["system"],
                record_kind=record_kind,
                record_id=record["id"],
                field=field_name,
                before=before,
                after=after,
                url=record.get("url", ""),
                ref=ref,
                findings=[source],
                suggestions={after} if after else set(),
                anchor=before == after,
            )
        )
    return out


def proposals(runs: list[ValidationRun]) -> list[Proposal]:
    """Every proposal of the runs' findings on pulled data, one per record and field (the
    findings merged), with the group of records that must share one spelling."""
    merged: dict[tuple, Proposal] = {}
    groups, read = _Groups(), {}
    for run in runs:
        files = _pulled_files(run, read)
        if not files:
            continue
        wanted = run.findings.filter(code__in=RENAMES | {STATE_CHANGE}).exclude(records=[])
        for finding in wanted.order_by("position"):
            found = _of_finding(finding, files)
            groups.join([p.key for p in found if p.field == "name"])
            for proposal in found:
                kept = merged.setdefault(proposal.key, proposal)
                if kept is not proposal:
                    kept.findings += proposal.findings
                    kept.suggestions |= proposal.suggestions
                    kept.anchor = kept.anchor and proposal.anchor
    return _grouped(list(merged.values()), groups)


class _Groups:
    """Union-find over record keys: records one finding ties together share a spelling."""

    def __init__(self):
        self.parent: dict = {}

    def find(self, key):
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            key = self.parent[key]
        return key

    def join(self, keys: list) -> None:
        for key in keys[1:]:
            self.parent[self.find(key)] = self.find(keys[0])


def _grouped(found: list[Proposal], groups: _Groups) -> list[Proposal]:
    members: dict = defaultdict(list)
    for proposal in found:
        if proposal.field == "name":
            members[groups.find(proposal.key)].append(proposal)
    for group in members.values():
        spellings = sorted(set().union(*(p.suggestions for p in group)))
        name = hashlib.sha256(repr(sorted(p.key for p in group)).encode()).hexdigest()[:32]
        anchors = [_partner(p) for p in group if p.anchor]
        for proposal in group:
            proposal.group, proposal.partners = name, anchors
            proposal.choices = spellings if len(spellings) > 1 else []
            proposal.after = spellings[0] if len(spellings) == 1 else ""
    return found


def _partner(proposal: Proposal) -> dict:
    keys = ("system", "record_kind", "record_id", "before", "url")
    return {key: getattr(proposal, key) for key in keys}


def derive(*, practice, onboarding, actor=None) -> list[Fix]:
    """Bring the onboarding's fix list up to date with its latest runs: new proposals added, a
    proposal whose record changed (a new ``before``) proposed afresh, a person's edit kept while
    the record is unchanged, and a proposal no finding makes any more removed (only while it is
    proposed: approved, sent and failed ones stay as history)."""
    found = proposals(latest_runs(onboarding))
    with transaction.atomic():
        existing = {
            (f.system, f.record_id, f.field): f
            for f in Fix.objects.select_for_update().filter(onboarding=onboarding)
        }
        for proposal in found:
            if proposal.anchor and proposal.key not in existing:
                continue  # already spelled as the group's suggestion: nothing to send
            _upsert(practice, onboarding, existing.get(proposal.key), proposal, actor)
        keys = {p.key for p in found}
        stale = [f.pk for k, f in existing.items() if k not in keys]
        Fix.objects.filter(pk__in=stale, status=FixStatus.PROPOSED).delete()
    return list(Fix.objects.filter(onboarding=onboarding))


def _upsert(practice, onboarding, fix: Fix | None, proposal: Proposal, actor) -> None:
    closed = fix is not None and fix.status not in OPEN
    if closed and (fix.status == FixStatus.SENDING or fix.after == proposal.before):
        return  # being sent, or sent and the finding not re-checked yet
    fresh = fix is None or fix.before != proposal.before or fix.status == FixStatus.SENT
    fix = fix or Fix(practice=practice, onboarding=onboarding, proposed_by=actor)
    fix.system, fix.record_kind, fix.record_id = (
        proposal.system,
        proposal.record_kind,
        proposal.record_id,
    )
    fix.field, fix.record_url, fix.record_ref = proposal.field, proposal.url, proposal.ref
    fix.findings, fix.group, fix.choices = proposal.findings, proposal.group, proposal.choices
    fix.partners = proposal.partners
    if fresh:
        fix.before, fix.after, fix.status = proposal.before, proposal.after, FixStatus.PROPOSED
        fix.reason, fix.answer, fix.idempotency_key = "", {}, uuid.uuid4()
        fix.approved_by = fix.approved_at = None
    elif not fix.after:
        fix.after = proposal.after
    fix.save()
