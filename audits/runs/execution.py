"""Executing a run in a worker, and recovering from dead workers.

A run is claimed with one conditional UPDATE, so running the task twice checks the files once. A
worker that dies mid-run leaves its run "running" with a heartbeat that stops moving; the next
delivery of the task (or ``sweep_stale_runs``) takes it over once the heartbeat has been quiet for
two beats (``quiet_after``): seconds, not minutes. On SQLite, where the heartbeat moves only with
progress (one writer: no side thread), that is the longer ``LIFTOFF_RUN_STALE_AFTER``. Findings are written in one transaction that first removes anything an
earlier attempt left, so a resumed run stores exactly what an uninterrupted one would.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from audits.loading import LoadError
from audits.models import Finding, RunStatus, ValidationRun
from audits.records import links_for
from audits.runs.checking import Checked, check_files, inputs_for
from audits.runs.diff import diff_against_previous
from audits.runs.state_map import state_map_for
from audits.signals import run_failed, run_finished
from audits.validators.base import summarise

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
PROGRESS_EVERY = 0.5  # seconds between progress writes; a rule loop can be very chatty
CRASH_REASON = (
    "Something went wrong while checking your exports. Run the check again; if it fails again, "
    "tell your onboarding team."
)
STALE_REASON = "The check did not finish: the worker stopped responding. Run the check again."


class Outcome(StrEnum):
    DONE = "done"  # this call checked the files and stored the result
    FAILED = "failed"  # this call ended the run as failed
    FINISHED = "finished"  # someone already finished it: nothing to do
    BUSY = "busy"  # another worker holds it and is alive; ask again after the stale period
    GONE = "gone"  # no such run
    SUPERSEDED = "superseded"  # another attempt took over while we worked; our result is dropped


def stale_after() -> timedelta:
    return timedelta(seconds=settings.LIFTOFF_RUN_STALE_AFTER)


def heartbeat_every() -> float:
    return max(float(settings.LIFTOFF_RUN_HEARTBEAT), 0.5)


def beats_on_a_thread() -> bool:
    # SQLite (development, unit tests) has one writer: a second connection would only contend.
    return connection.vendor != "sqlite"


def quiet_after() -> timedelta:
    """How long a running run's heartbeat may be silent before its worker counts as dead."""
    if beats_on_a_thread():
        return timedelta(seconds=2 * heartbeat_every())
    return stale_after()


def claim(run_id: int) -> int | None:
    """Take the run (queued, or running with a dead worker); the attempt number, or None."""
    now = timezone.now()
    claimable = Q(status=RunStatus.QUEUED) | Q(
        status=RunStatus.RUNNING, heartbeat_at__lt=now - quiet_after(), attempts__lt=MAX_ATTEMPTS
    )
    claimed = ValidationRun.objects.filter(claimable, pk=run_id).update(
        status=RunStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        progress=0,
        progress_note="Starting",
        error="",
    )
    if not claimed:
        return None
    return ValidationRun.objects.filter(pk=run_id).values_list("attempts", flat=True).first()


def _mine(run_id: int, attempt: int):
    return ValidationRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, attempts=attempt)


class _Heartbeat:
    """Keeps ``heartbeat_at`` fresh from a side thread while one slow rule holds the main one."""

    def __init__(self, run_id: int, attempt: int) -> None:
        self.run_id, self.attempt = run_id, attempt
        self.interval = heartbeat_every()
        self.stop = threading.Event()
        self.thread = (
            threading.Thread(target=self._beat, daemon=True) if beats_on_a_thread() else None
        )

    def _beat(self) -> None:
        try:
            while not self.stop.wait(self.interval):
                _mine(self.run_id, self.attempt).update(heartbeat_at=timezone.now())
        except Exception:  # a missed beat is recovered by the stale sweep; never crash the run
            log.exception("heartbeat of run %s failed", self.run_id)
        finally:
            connection.close()

    def __enter__(self) -> _Heartbeat:
        if self.thread:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.thread:
            self.thread.join(timeout=10)


def execute_run(run_id: int) -> Outcome:
    """Check the run's files and store its findings. Safe to call twice, or concurrently."""
    attempt = claim(run_id)
    if attempt is None:
        return _why_not_claimed(run_id)
    try:
        return _execute(run_id, attempt)
    except OperationalError:
        # Transient (database restarting, or locked): hand the run back so the task's retry
        # can claim it at once instead of finding it "running" until the stale sweep.
        _release(run_id, attempt)
        raise


def _release(run_id: int, attempt: int) -> None:
    try:
        _mine(run_id, attempt).update(status=RunStatus.QUEUED)
    except OperationalError:  # still unreachable: the stale sweep takes the run back later
        log.warning("could not hand run %s back; the stale sweep will", run_id)


def _execute(run_id: int, attempt: int) -> Outcome:
    run = ValidationRun.objects.select_related("practice__organisation", "onboarding").get(
        pk=run_id
    )
    last_write = 0.0

    def progress(percent: int, note: str) -> None:
        nonlocal last_write
        now = time.monotonic()
        if now - last_write < PROGRESS_EVERY:
            return
        last_write = now
        _mine(run_id, attempt).update(
            progress=min(max(percent, 0), 99), progress_note=note[:200], heartbeat_at=timezone.now()
        )

    try:
        with _Heartbeat(run_id, attempt):
            checked = check_files(
                inputs_for(run),
                items=run.items,
                state_map=state_map_for(run.practice),
                date_order=run.practice.date_order,
                country=run.practice.country,
                progress=progress,
            )
    except LoadError as exc:
        return _fail(run, attempt, _load_reason(run, exc))
    except OperationalError:
        raise  # transient: execute_run hands the run back for the retry
    except Exception:
        log.exception("validation run %s crashed", run_id)
        return _fail(run, attempt, CRASH_REASON)
    return _store(run, attempt, checked)


def _why_not_claimed(run_id: int) -> Outcome:
    run = ValidationRun.objects.filter(pk=run_id).values("status").first()
    if run is None:
        return Outcome.GONE
    if run["status"] == RunStatus.RUNNING:
        return Outcome.BUSY
    return Outcome.FINISHED  # succeeded/failed stay as they are; queued means claimed elsewhere


def _load_reason(run: ValidationRun, exc) -> str:
    message = getattr(exc, "message", "") or str(exc)
    return f"We could not read your export: {message}"[:2000]


def _store(run: ValidationRun, attempt: int, checked: Checked) -> Outcome:
    findings = checked.result.findings
    timings = {code: round(seconds, 4) for code, seconds in checked.result.timings.items()}
    timings["_load"] = round(checked.load_seconds, 4)
    links = links_for(run)  # the XPM/Xero records behind pulled rows
    with transaction.atomic():
        if not _mine(run.pk, attempt).select_for_update().exists():
            return Outcome.SUPERSEDED
        run.findings.all().delete()  # what an interrupted earlier attempt may have left
        Finding.objects.bulk_create(
            (
                Finding(
                    run_id=run.pk,
                    position=position,
                    code=f.code,
                    item=f.item,
                    severity=f.severity.value,
                    message=f.message,
                    hint=f.hint,
                    file=f.file[:255],
                    rows=list(f.rows),
                    column=f.column[:255],
                    value=f.value,
                    suggestion=f.suggestion,
                    related=[r.to_dict() for r in f.related],
                    evidence=f.evidence or {},
                    match_key=f.match_key[:500],
                    records=links.of(f.file, f.rows, f.related) if links else [],
                )
                for position, f in enumerate(findings)
            ),
            batch_size=2000,
        )
        summary = summarise(findings)
        counts = {k: summary[k] for k in ("error", "warning", "info")}
        _mine(run.pk, attempt).update(
            status=RunStatus.SUCCEEDED,
            progress=100,
            progress_note="Finished",
            counts=counts,
            timings=timings,
            diff=diff_against_previous(run),
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        run_finished.send(ValidationRun, run=run, counts=counts)
    return Outcome.DONE


def _fail(run: ValidationRun, attempt: int | None, reason: str) -> Outcome:
    with transaction.atomic():
        rows = ValidationRun.objects.filter(pk=run.pk, status__in=(RunStatus.RUNNING,))
        if attempt is not None:
            rows = rows.filter(attempts=attempt)
        if not rows.update(
            status=RunStatus.FAILED, error=reason, finished_at=timezone.now(), progress_note=""
        ):
            return Outcome.SUPERSEDED
        run.error = reason
        run_failed.send(ValidationRun, run=run, reason=reason)
    return Outcome.FAILED


# --- recovering from dead workers ----------------------------------------------------------------


@dataclass(frozen=True)
class Swept:
    requeued: list[int]  # runs handed back to the queue: send each to a worker
    failed: int  # runs that ran out of attempts
    lost: list[int]  # queued runs whose message may be lost: send again (a duplicate is harmless)

    @property
    def to_send(self) -> list[int]:
        return [*self.requeued, *self.lost]

    def counts(self) -> dict[str, int]:
        return {"requeued": len(self.requeued), "failed": self.failed}


def sweep_stale_runs() -> Swept:
    """Runs whose worker went silent are queued again (a few times), then failed, so none is left
    running forever. The caller sends the runs to a worker (``audits.tasks.sweep_stale_runs``)."""
    now = timezone.now()
    lost = list(
        ValidationRun.objects.filter(
            status=RunStatus.QUEUED, created_at__lt=now - stale_after()
        ).values_list("pk", flat=True)
    )
    cutoff = now - quiet_after()
    requeued, failed = [], 0
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)
    stale = ValidationRun.objects.filter(silent, status=RunStatus.RUNNING)
    for run in stale.select_related("practice__organisation", "onboarding"):
        same = ValidationRun.objects.filter(
            silent, pk=run.pk, status=RunStatus.RUNNING, attempts=run.attempts
        )
        with transaction.atomic():
            if run.attempts < MAX_ATTEMPTS:
                if same.update(status=RunStatus.QUEUED, progress_note="Waiting to retry"):
                    requeued.append(run.pk)
            elif same.update(
                status=RunStatus.FAILED, error=STALE_REASON, finished_at=timezone.now()
            ):
                failed += 1
                run.error = STALE_REASON
                run_failed.send(ValidationRun, run=run, reason=STALE_REASON)
    return Swept(requeued=requeued, failed=failed, lost=lost)
