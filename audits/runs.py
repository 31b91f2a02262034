"""Validation runs: starting them, executing them in a worker, and recovering from dead workers.

The pure part, ``check_files`` (bytes in, tables, ``RunResult`` out), is shared by ``execute_run``
and ``manage.py validate``, so the wizard and the command can never disagree about a file.

A run is claimed with one conditional UPDATE, so running the task twice checks the files once. A
worker that dies mid-run leaves its run "running" with a heartbeat that stops moving; the next
delivery of the task (or ``sweep_stale_runs``) takes it over once the heartbeat is older than
``LIFTOFF_RUN_STALE_AFTER``. Findings are written in one transaction that first removes anything an
earlier attempt left, so a resumed run stores exactly what an uninterrupted one would.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from audits import models
from audits.kinds import KINDS
from audits.models import RunStatus, Upload, ValidationRun
from audits.selectors import current_uploads
from audits.validators.base import Context, Rule, RunResult, Table, fold, run_rules, summarise

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
PROGRESS_EVERY = 0.5  # seconds between progress writes; a rule loop can be very chatty
LOAD_SHARE = 30  # percent of the progress bar given to reading the files
CRASH_REASON = (
    "Something went wrong while checking your exports. Run the check again; if it fails again, "
    "tell your onboarding team."
)
STALE_REASON = "The check did not finish: the worker stopped responding. Run the check again."


# --- files -> tables -> RunResult (shared with manage.py validate) ------------------------------


class InputError(ValueError):
    """The inputs cannot be checked together (e.g. two files of the same kind)."""


@dataclass(frozen=True)
class InputFile:
    name: str
    data: bytes
    kind: str | None = None
    mapping: dict[str, str] | None = None
    accept_bad_rows: bool = False


@dataclass(frozen=True)
class LoadedFile:
    path: str
    kind: str
    rows: int
    sha256: str
    columns: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "rows": self.rows,
            "sha256": self.sha256,
            "columns": dict(self.columns),
        }


@dataclass
class Checked:
    files: list[LoadedFile]
    result: RunResult
    load_seconds: float = 0.0
    tables: dict[str, Table] = field(default_factory=dict, repr=False)


Progress = Callable[[int, str], None]  # (percent, note)


def settings_limits():
    """The deployment's upload limits (LIFTOFF_UPLOAD_MAX_BYTES / _ROWS)."""
    from audits.loading import LoadLimits

    return LoadLimits(
        max_bytes=settings.LIFTOFF_UPLOAD_MAX_BYTES, max_rows=settings.LIFTOFF_UPLOAD_MAX_ROWS
    )


def check_files(
    inputs: Sequence[InputFile],
    *,
    items: Iterable[int] | None = None,
    state_map: dict[str, str] | None = None,
    date_order: str = "dmy",
    progress: Progress | None = None,
    rules: Sequence[Rule] | None = None,
    limits=None,
) -> Checked:
    """Load every file, then run the rules of ``items`` (all when None). Raises ``LoadError`` for a
    file that cannot be used and ``InputError`` for two files of one kind."""
    from audits.loading import load_bytes  # local: loading pulls in pandas readers
    from audits.validators.registry import REGISTRY

    limits = limits or settings_limits()

    started = time.perf_counter()
    tables: dict[str, Table] = {}
    loaded: list[LoadedFile] = []
    for index, item in enumerate(inputs):
        if progress:
            progress(round(LOAD_SHARE * index / max(len(inputs), 1)), f"Reading {item.name}")
        result = load_bytes(
            item.data,
            item.name,
            kind=item.kind or None,
            mapping=item.mapping or None,
            date_order=date_order,
            accept_bad_rows=item.accept_bad_rows,
            limits=limits,
        )
        table = result.table
        if table.kind in tables:
            raise InputError(
                f"{tables[table.kind].file} and {item.name} are both {KINDS[table.kind].label} "
                "exports; give one file of each kind."
            )
        tables[table.kind] = table
        loaded.append(
            LoadedFile(
                path=item.name,
                kind=table.kind,
                rows=len(table.df),
                sha256=hashlib.sha256(item.data).hexdigest(),
                columns=dict(table.columns),
            )
        )
    load_seconds = time.perf_counter() - started

    if rules is None:
        rules = REGISTRY.for_items(None if items is None else list(items))
    rules = [*_test_only_rules(), *rules]
    ctx = Context(tables=tables, state_map=dict(state_map or {}))

    def on_rule(done: int, total: int, code: str) -> None:
        if progress:
            progress(LOAD_SHARE + round((100 - LOAD_SHARE - 1) * done / max(total, 1)), code)

    result = run_rules(rules, ctx, on_rule)
    return Checked(files=loaded, result=result, load_seconds=load_seconds, tables=tables)


class _SlowRule(Rule):
    """Test-only: makes a run last long enough for a test to kill its worker mid-run."""

    code = "C00.I998"
    title = "Test-only pause"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def check(self, ctx: Context) -> Iterable:
        time.sleep(self.seconds)
        return ()


def _test_only_rules() -> list[Rule]:
    seconds = os.environ.get("LIFTOFF_TEST_SLOW_RULE_SECONDS", "")
    return [_SlowRule(float(seconds))] if seconds else []


# --- job-state map (step 11) --------------------------------------------------------------------


def confirmed_state_map(practice) -> dict[str, str]:
    """The practice's confirmed state name -> type, as entered (names not folded)."""
    return dict(
        models.StateMapping.objects.filter(practice=practice)
        .order_by("state_name")
        .values_list("state_name", "state_type")
    )


def state_map_for(practice) -> dict[str, str]:
    """What the rules read: the defaults overlaid with the practice's confirmed choices, folded."""
    return folded_state_map(confirmed_state_map(practice))


def folded_state_map(confirmed: dict[str, str]) -> dict[str, str]:
    """Defaults overlaid with confirmed choices (name -> type), keyed by folded name."""
    try:
        from audits.validators.job_states import effective_state_map
    except ImportError:  # the step 11 rules are not there yet
        return {fold(name): kind for name, kind in confirmed.items()}
    return {fold(name): kind for name, kind in effective_state_map(confirmed).items()}


def save_state_map(*, practice, choices: dict[str, str], actor) -> None:
    now = timezone.now()
    with transaction.atomic():
        for name, state_type in choices.items():
            models.StateMapping.objects.update_or_create(
                practice=practice,
                state_name=name,
                defaults={"state_type": state_type, "confirmed_by": actor, "confirmed_at": now},
            )


# --- starting runs -------------------------------------------------------------------------------


def _steps():
    from wizard.checklist import STEPS

    return STEPS


def start_runs_for_kinds(*, onboarding, kinds: set[str], actor=None) -> list[ValidationRun]:
    """Queue a run for every step that reads one of ``kinds`` and has all its required exports."""
    uploads = current_uploads(onboarding)
    runs = []
    for step in _steps():
        if not set(step.all_exports) & set(kinds):
            continue
        if any(k not in uploads for k in step.exports):
            continue
        runs.append(_queue(onboarding, step, uploads, actor))
    return runs


def start_run(*, onboarding, step_key: str, actor) -> ValidationRun | None:
    """Queue a run of one step ("Run again"); None when a required export is missing."""
    from wizard.checklist import get_step

    step = get_step(step_key)
    uploads = current_uploads(onboarding)
    if not step.all_exports or any(k not in uploads for k in step.exports):
        return None
    if not any(k in uploads for k in step.all_exports):
        return None
    return _queue(onboarding, step, uploads, actor)


def _queue(onboarding, step, uploads: dict[str, Upload], actor) -> ValidationRun:
    from audits.tasks import run_validation
    from wizard.events import record
    from wizard.models import Verb

    practice = onboarding.practice
    used = [uploads[k] for k in step.all_exports if k in uploads]
    with transaction.atomic():
        run = ValidationRun.objects.create(
            practice=practice,
            onboarding=onboarding,
            step_key=step.key,
            items=[step.number],
            requested_by=actor if actor is not None and actor.is_authenticated else None,
        )
        run.uploads.set(used)
        record(
            organisation=practice.organisation,
            verb=Verb.RUN_QUEUED,
            actor=actor,
            practice=practice,
            onboarding=onboarding,
            step_key=step.key,
            details={"run": run.pk, "files": [u.original_name for u in used]},
        )
        _refresh_step(onboarding, step.key)
        run_validation.delay_on_commit(run.pk)
    return run


def _refresh_step(onboarding, step_key: str) -> None:
    from wizard.status import refresh

    progress = onboarding.steps.filter(step_key=step_key).first()
    if progress is not None:
        refresh(progress)


# --- executing a run -----------------------------------------------------------------------------


class Outcome(StrEnum):
    DONE = "done"  # this call checked the files and stored the result
    FAILED = "failed"  # this call ended the run as failed
    FINISHED = "finished"  # someone already finished it: nothing to do
    BUSY = "busy"  # another worker holds it and is alive; ask again after the stale period
    GONE = "gone"  # no such run
    SUPERSEDED = "superseded"  # another attempt took over while we worked; our result is dropped


def stale_after() -> timedelta:
    return timedelta(seconds=settings.LIFTOFF_RUN_STALE_AFTER)


def claim(run_id: int) -> int | None:
    """Take the run (queued, or running with a dead worker); the attempt number, or None."""
    now = timezone.now()
    claimable = Q(status=RunStatus.QUEUED) | Q(
        status=RunStatus.RUNNING, heartbeat_at__lt=now - stale_after(), attempts__lt=MAX_ATTEMPTS
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
        self.interval = max(settings.LIFTOFF_RUN_STALE_AFTER / 4, 0.5)
        self.stop = threading.Event()
        # SQLite (development, unit tests) has one writer: a second connection would only contend.
        self.thread = (
            threading.Thread(target=self._beat, daemon=True)
            if connection.vendor != "sqlite"
            else None
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


def inputs_for(run: ValidationRun) -> list[InputFile]:
    return inputs_for_uploads(run.uploads.select_related("stored_file").order_by("kind", "pk"))


def inputs_for_uploads(uploads: Iterable[Upload]) -> list[InputFile]:
    inputs = []
    for upload in uploads:
        with upload.stored_file.blob.open("rb") as fh:
            data = fh.read()
        inputs.append(
            InputFile(
                name=upload.original_name,
                data=data,
                kind=upload.kind or None,
                mapping=upload.columns or None,
                # The upload is "accepted": the person already accepted any unreadable rows.
                accept_bad_rows=True,
            )
        )
    return inputs


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

    from audits.loading import LoadError

    try:
        with _Heartbeat(run_id, attempt):
            checked = check_files(
                inputs_for(run),
                items=run.items,
                state_map=state_map_for(run.practice),
                date_order=run.practice.date_order,
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
    with transaction.atomic():
        if not _mine(run.pk, attempt).select_for_update().exists():
            return Outcome.SUPERSEDED
        run.findings.all().delete()  # what an interrupted earlier attempt may have left
        models.Finding.objects.bulk_create(
            (
                models.Finding(
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
                    match_key=f.match_key[:500],
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
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        _record(run, "RUN_FINISHED", {"run": run.pk, **counts})
        _refresh_step(run.onboarding, run.step_key)
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
        _record(run, "RUN_FAILED", {"run": run.pk, "reason": reason})
        _refresh_step(run.onboarding, run.step_key)
        from wizard.notifications import notify_run_failed

        run.error = reason
        notify_run_failed(run)
    return Outcome.FAILED


def _record(run: ValidationRun, verb: str, details: dict) -> None:
    from wizard.events import record
    from wizard.models import Verb

    record(
        organisation=run.practice.organisation,
        verb=getattr(Verb, verb),
        practice=run.practice,
        onboarding=run.onboarding,
        step_key=run.step_key,
        details=details,
    )


# --- recovering from dead workers ----------------------------------------------------------------


def sweep_stale_runs() -> dict[str, int]:
    """Runs whose worker went silent are queued again (a few times), then failed. Never left
    running forever."""
    from audits.tasks import run_validation

    cutoff = timezone.now() - stale_after()
    requeued = failed = 0
    stale = ValidationRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=cutoff)
    stale = stale | ValidationRun.objects.filter(
        status=RunStatus.RUNNING, heartbeat_at__isnull=True
    )
    for run in stale.select_related("practice__organisation", "onboarding"):
        silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)
        same = ValidationRun.objects.filter(
            silent, pk=run.pk, status=RunStatus.RUNNING, attempts=run.attempts
        )
        if run.attempts < MAX_ATTEMPTS:
            with transaction.atomic():
                if same.update(status=RunStatus.QUEUED, progress_note="Waiting to retry"):
                    requeued += 1
                    run_validation.delay_on_commit(run.pk)
        else:
            with transaction.atomic():
                if same.update(
                    status=RunStatus.FAILED, error=STALE_REASON, finished_at=timezone.now()
                ):
                    failed += 1
                    _record(run, "RUN_FAILED", {"run": run.pk, "reason": STALE_REASON})
                    _refresh_step(run.onboarding, run.step_key)
                    from wizard.notifications import notify_run_failed

                    run.error = STALE_REASON
                    notify_run_failed(run)
    # A queued run whose message was lost (broker flushed) would wait forever: send it again.
    # The claim makes a duplicate delivery harmless.
    for run_id in ValidationRun.objects.filter(
        status=RunStatus.QUEUED, created_at__lt=cutoff
    ).values_list("pk", flat=True):
        run_validation.delay(run_id)
    # Connections are Celery's to manage (its Django fixup closes them around each task).
    return {"requeued": requeued, "failed": failed}
