"""What the step pages show: the step list and progress of an onboarding, and everything on one
step's page (attestation, uploads, the latest check, sign-off). Shared by every view that
renders a step's page or one of its panels."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.utils import timezone

from audits.kinds import KINDS, ExportKind
from audits.selectors import current_uploads, latest_run
from wizard.access import Action, can, get_progress
from wizard.checklist import STEPS, neighbours
from wizard.models import Onboarding, Practice, StepStatus
from wizard.signoff.context import signoff_context
from wizard.steps.forms import AttestationForm
from wizard.uploads.context import upload_area_context


def steps_context(onboarding: Onboarding) -> dict:
    progresses = list(onboarding.steps.all())
    signed = sum(p.status == StepStatus.SIGNED_OFF for p in progresses)
    blocking = [p for p in progresses if p.status == StepStatus.NEEDS_ATTENTION]
    next_step = next(
        (p for p in progresses if p.status not in (StepStatus.SIGNED_OFF, StepStatus.READY)),
        None,
    )
    return {
        "progresses": progresses,
        "signed_count": signed,
        "ready_count": sum(p.status == StepStatus.READY for p in progresses),
        "percent": round(100 * signed / len(STEPS)),
        "blocking": blocking,
        "next_progress": next_step,
    }


def step_context(request, practice: Practice, onboarding: Onboarding, key: str, form=None) -> dict:
    progress = get_progress(onboarding, key)
    step = progress.step
    previous, following = neighbours(step)
    uploads = current_uploads(onboarding)
    if form is None and step.needs_attestation:
        form = AttestationForm(
            initial={
                "checked_by": request.user.get_full_name() or request.user.get_username(),
                "checked_on": timezone.localdate(),
                "submission_token": uuid.uuid4(),
            }
        )
    return {
        "practice": practice,
        "onboarding": onboarding,
        "progress": progress,
        "step": step,
        "previous": previous,
        "following": following,
        "attestation": progress.attestations.first(),
        "form": form,
        "can_attest": can(request.user, Action.ATTEST) and practice.archived_at is None,
        "export_kinds": [KINDS[k] for k in step.exports],
        "optional_kinds": [KINDS[k] for k in step.optional_exports],
        "uploads": {k: uploads[k] for k in step.all_exports if k in uploads},
        "run": latest_run(onboarding, step.key) if step.all_exports else None,
        **(upload_area_context(request, practice, onboarding, step) if step.all_exports else {}),
        **signoff_context(request, progress),
        **steps_context(onboarding),
    }


@dataclass(frozen=True)
class ToGather:
    """One export to gather before starting: what it is, from which system, for which steps."""

    kind: ExportKind
    steps: tuple[int, ...]
    uploaded: bool


def what_to_gather(onboarding: Onboarding) -> dict[str, list[ToGather]]:
    """Every export the checklist reads, by system (XPM, Ignition, Xero), with the steps that
    read it and whether it is in already: the list a practice manager gathers on day one."""
    uploaded = current_uploads(onboarding)
    steps_of: dict[str, list[int]] = {}
    for step in STEPS:
        for kind in step.all_exports:
            steps_of.setdefault(kind, []).append(step.number)
    by_system: dict[str, list[ToGather]] = {}
    for key, kind in KINDS.items():
        if key in steps_of:
            item = ToGather(kind, tuple(steps_of[key]), key in uploaded)
            by_system.setdefault(kind.system, []).append(item)
    return by_system
