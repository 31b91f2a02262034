"""What the sign-off panel of a step shows: exactly what would be signed, or why it cannot be."""

from __future__ import annotations

import uuid

from audits.models import RunStatus
from wizard.access import Action, can
from wizard.checklist import RENAME_ITEMS
from wizard.signoff import selectors
from wizard.signoff.services import MIN_REASON


def signoff_context(request, progress, error: str = "") -> dict:
    """What the sign-off panel shows: exactly what would be signed, or why it cannot be yet."""
    current = selectors.current_sign_off(progress)
    found = selectors.evidence(progress)
    open_ = progress.onboarding.practice.archived_at is None  # archived: read-only
    run_ok = found.run is not None and found.run.status == RunStatus.SUCCEEDED
    return {
        "sign_off": current,
        "sign_off_history": list(progress.sign_offs.select_related("countersigned_by")[:20]),
        "blockers": selectors.sign_off_blockers(progress) if current is None else [],
        "evidence": found,
        "can_sign": open_ and can(request.user, Action.SIGN),
        "can_countersign": open_ and can(request.user, Action.COUNTERSIGN),
        "can_revoke": open_
        and (can(request.user, Action.SIGN) or can(request.user, Action.COUNTERSIGN)),
        "signoff_token": uuid.uuid4(),
        "waivers": list(selectors.active_waivers(progress.onboarding, progress.step_key).values()),
        "flagged_waivers": [w.pk for w, _ in selectors.flagged_waivers(found.run)]
        if run_ok
        else [],
        "acknowledged_count": (
            found.run.findings.filter(severity="warning").count()
            - selectors.unacknowledged_warnings(found.run).count()
            if run_ok
            else 0
        ),
        "has_fix_file": progress.step.number in RENAME_ITEMS,
        "signoff_error": error,
        "min_reason": MIN_REASON,
    }
