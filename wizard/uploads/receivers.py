"""What the product does when the engine has received an upload: while it is being read, the
step list says so; once read, an audit event in the same transaction; for an accepted export, sign-offs that read its kind go stale and every step that
reads it is checked again; and the step list's statuses follow."""

from __future__ import annotations

from django.dispatch import receiver

from audits.kinds import KINDS
from audits.models import UploadStatus
from audits.signals import mapping_saved, upload_dismissed, upload_finished, upload_received
from wizard import events
from wizard.models import Verb
from wizard.runs.services import start_runs_for_kinds
from wizard.signoff import status
from wizard.signoff.services import mark_stale


@receiver(upload_received, dispatch_uid="wizard.upload_received")
def on_upload_received(sender, upload, actor, **kwargs) -> None:
    # The step list says the export is being read rather than still asking for it.
    status.refresh_all(upload.onboarding)


@receiver(upload_finished, dispatch_uid="wizard.upload_finished")
def on_upload_finished(sender, upload, actor, **kwargs) -> None:
    file = {"file": upload.original_name}
    if upload.status == UploadStatus.ACCEPTED:
        details = {**file, "kind": upload.kind, "rows": upload.rows}
        details["sha256"] = upload.stored_file.sha256
        events.record_for(upload, Verb.UPLOADED, actor=actor, details=details)
        mark_stale(
            onboarding=upload.onboarding,
            kinds={upload.kind},
            actor=actor,
            reason=f"New {KINDS[upload.kind].label} export uploaded ({upload.original_name}).",
        )
        start_runs_for_kinds(onboarding=upload.onboarding, kinds={upload.kind}, actor=actor)
    elif upload.status == UploadStatus.REJECTED:
        details = {**file, "reason": upload.error.get("message")}
        events.record_for(upload, Verb.UPLOAD_REJECTED, actor=actor, details=details)
    status.refresh_all(upload.onboarding)


@receiver(mapping_saved, dispatch_uid="wizard.mapping_saved")
def on_mapping_saved(sender, upload, actor, kind, mapping, **kwargs) -> None:
    details = {"file": upload.original_name, "kind": kind, "mapping": mapping}
    events.record_for(upload, Verb.MAPPING_SAVED, actor=actor, details=details)


@receiver(upload_dismissed, dispatch_uid="wizard.upload_dismissed")
def on_upload_dismissed(sender, upload, actor, **kwargs) -> None:
    details = {"file": upload.original_name, "status": upload.status}
    events.record_for(upload, Verb.UPLOAD_DISMISSED, actor=actor, details=details)
