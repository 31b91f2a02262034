"""What changed since the previous successful run of the same step: fixed, new and still-open
findings, by match key (rule code + normalised value), never by row number: rows move when a file
is re-exported.

``diff_against_previous`` is stored on the run when its findings are stored
(``execution._store``), so a findings page reads it instead of comparing two runs of 50,000
findings on every request; a run stored before ``ValidationRun.diff`` existed gets it computed on
the fly by the same function.
"""

from __future__ import annotations

from django.db.models import Count, Q

from audits.models import Finding, RunStatus, ValidationRun

SAMPLE = 20  # fixed and new findings listed by name; the counts cover the rest
# What a listed finding shows, copied into the stored diff so the page needs no query for it.
SAMPLE_FIELDS = ("position", "code", "severity", "message", "file", "rows", "column", "value")
MAX_ROWS = 13  # a page lists 12 row numbers then "and n more"
MAX_TEXT = 500


def previous_run(run: ValidationRun) -> ValidationRun | None:
    """The latest successful run of the same step created before ``run`` (ties: lower pk)."""
    return (
        ValidationRun.objects.filter(
            onboarding_id=run.onboarding_id,
            step_key=run.step_key,
            status=RunStatus.SUCCEEDED,
            created_at__lte=run.created_at,
        )
        .exclude(pk=run.pk)
        .filter(Q(created_at__lt=run.created_at) | Q(pk__lt=run.pk))
        .order_by("-created_at", "-pk")
        .only("pk", "finished_at")
        .first()
    )


def diff_against_previous(run: ValidationRun) -> dict:
    """The diff as stored in ``ValidationRun.diff`` (JSON): ``{"previous": None}`` when there is
    no earlier successful run to compare with, else the previous run's id and finish time, the
    fixed / new / still-open counts and the first ``SAMPLE`` fixed and new findings."""
    previous = previous_run(run)
    if previous is None:
        return {"previous": None}
    before_keys = Finding.objects.filter(run=previous).values("match_key")
    now_keys = Finding.objects.filter(run=run).values("match_key")
    fixed = Finding.objects.filter(run=previous).exclude(match_key__in=now_keys)
    new = Finding.objects.filter(run=run).exclude(match_key__in=before_keys)
    now = Finding.objects.filter(run=run).aggregate(
        total=Count("pk"), still_open=Count("pk", filter=Q(match_key__in=before_keys))
    )
    finished_at = previous.finished_at
    return {
        "previous": {
            "id": previous.pk,
            "finished_at": finished_at.isoformat() if finished_at else None,
        },
        "fixed_count": fixed.count(),
        "new_count": now["total"] - now["still_open"],
        "open_count": now["still_open"],
        "fixed": _sample(fixed),
        "new": _sample(new),
    }


def _sample(findings) -> list[dict]:
    rows = findings.order_by("position").values(*SAMPLE_FIELDS)[:SAMPLE]
    return [
        {
            **row,
            "rows": row["rows"][:MAX_ROWS],
            "row_count": len(row["rows"]),
            "message": row["message"][:MAX_TEXT],
            "value": row["value"][:MAX_TEXT],
        }
        for row in rows
    ]
