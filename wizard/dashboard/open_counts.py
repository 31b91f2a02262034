"""Open errors and warnings of each step's latest run: the run's stored counts less what was
waived or acknowledged since, so the dashboard and its CSV say what the completion report says.
Waivers and acknowledgements follow a finding by match key, as sign-off does
(``wizard.signoff.selectors``)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from audits.models import Finding, Severity, ValidationRun
from wizard.models import Acknowledgement, Waiver


def closed_counts(latest: QuerySet[ValidationRun]) -> dict[tuple[int, str], tuple[int, int]]:
    """(onboarding, step key) -> (waived errors, acknowledged warnings) in ``latest`` runs."""
    # Only runs of a step with some waiver or acknowledgement can have anything closed: the
    # findings of the others (most) are never read.
    same_step = {"onboarding_id": OuterRef("onboarding_id"), "step_key": OuterRef("step_key")}
    touched = latest.filter(
        Exists(Waiver.objects.filter(**same_step, revoked_at=None))
        | Exists(Acknowledgement.objects.filter(**same_step))
    )
    closed = (
        Finding.objects.filter(run__in=touched.values("pk"))
        .exclude(code="C00.I001")
        .annotate(
            waived=Exists(Waiver.of_outer_finding()),
            acked=Exists(Acknowledgement.of_outer_finding()),
        )
        .filter(Q(severity=Severity.ERROR, waived=True) | Q(severity=Severity.WARNING, acked=True))
        .order_by()
        .values("run__onboarding_id", "run__step_key")
        .annotate(
            e=Count("pk", filter=Q(severity=Severity.ERROR)),
            w=Count("pk", filter=Q(severity=Severity.WARNING)),
        )
    )
    return {(c["run__onboarding_id"], c["run__step_key"]): (c["e"], c["w"]) for c in closed}


def open_counts(
    latest: QuerySet[ValidationRun], practice_ids: QuerySet
) -> Iterator[tuple[int, str, int, int]]:
    """(onboarding, step key, open errors, open warnings) of each of the practices' latest runs
    that still has something open. Two queries, whatever the number of practices."""
    latest = latest.filter(practice_id__in=practice_ids)
    closed = closed_counts(latest)
    for onboarding_id, step_key, errors, warnings in (
        latest.annotate(
            e=Coalesce(Cast(KT("counts__error"), IntegerField()), 0),
            w=Coalesce(Cast(KT("counts__warning"), IntegerField()), 0),
        )
        .filter(Q(e__gt=0) | Q(w__gt=0))
        .order_by()
        .values_list("onboarding_id", "step_key", "e", "w")
    ):
        waived, acked = closed.get((onboarding_id, step_key), (0, 0))
        if errors - waived or warnings - acked:
            yield onboarding_id, step_key, errors - waived, warnings - acked
