"""Validation runs in a real Celery worker on Redis and PostgreSQL, including a worker killed
mid-run: the run must still end succeeded, with exactly the findings of an uninterrupted run."""

import os
import signal
import time

import pytest

from audits.models import Finding, RunStatus, ValidationRun
from audits.runs import checking, state_map
from tests.audits.runs.factories import make_upload
from tests.conftest import WorkerProcess, wait_for
from wizard.runs import services as run_services

pytestmark = pytest.mark.services

# Two "Last, First" names, a near-duplicate pair and a plain one: findings for steps 3 and 5.
CLIENTS = (
    b"Client,Email,Business Structure\r\n"
    b'"Smith, John",john@example.com,Individual\r\n'
    b"Jane Smith,jane@example.com,Individual\r\n"
    b"Blue Bell Group Ltd,accounts@bluebell.example,Company\r\n"
    b"Bluebell Group Limited,accounts@bluebell.example,Company\r\n"
    b'"Doe, Richard",richard@example.com,Individual\r\n'
)


@pytest.fixture
def slow_rule(monkeypatch, settings):
    """Read by the worker at start: a test-only pause long enough to kill it mid-run. The stale
    period stays at its default (minutes): recovery must come from the heartbeat going quiet."""
    monkeypatch.setenv("LIFTOFF_TEST_SLOW_RULE_SECONDS", "4")
    monkeypatch.delenv("LIFTOFF_RUN_STALE_AFTER", raising=False)
    monkeypatch.delenv("LIFTOFF_RUN_HEARTBEAT", raising=False)
    settings.LIFTOFF_RUN_STALE_AFTER = 300


def stored(run):
    return list(
        Finding.objects.filter(run=run)
        .order_by("position")
        .values_list("position", "code", "severity", "rows", "value", "message", "match_key")
    )


def expected(run):
    """What the same validators make of the same stored files, computed here in the test."""
    checked = checking.check_files(
        checking.inputs_for(run), items=run.items, state_map=state_map.state_map_for(run.practice)
    )
    return [
        (i, f.code, f.severity.value, list(f.rows), f.value, f.message, f.match_key[:500])
        for i, f in enumerate(checked.result.findings)
    ]


def finished(run_id):
    run = ValidationRun.objects.get(pk=run_id)
    return run if run.is_finished else None


def _reference_then_running(onboarding, manager):
    """A run that finished undisturbed, then the same run caught in the middle of its work."""
    make_upload(onboarding, "xpm_clients", CLIENTS, name="clients.csv")
    reference = run_services.start_run(
        onboarding=onboarding, step_key="client-names", actor=manager
    )
    reference = wait_for(lambda: finished(reference.pk), timeout=60, what="the reference run")
    assert reference.status == RunStatus.SUCCEEDED
    run = run_services.start_run(onboarding=onboarding, step_key="client-names", actor=manager)
    wait_for(
        lambda: ValidationRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).exists(),
        timeout=30,
        what="the worker to start the run",
    )
    return reference, run


def _recovered(run, reference, started: float, within: float) -> None:
    # Nothing sweeps from here: the worker recovers on its own (no beat runs in these tests).
    done = wait_for(lambda: finished(run.pk), timeout=within, what="the run to be taken over")
    took = time.monotonic() - started
    assert done.status == RunStatus.SUCCEEDED, done.error
    assert done.attempts >= 2  # the killed attempt, then the one that finished
    assert took < within
    assert stored(done) == stored(reference)
    assert stored(done) == expected(done)


def test_it_runs_in_a_worker_and_stores_findings_in_postgresql(celery_worker, practice, manager):
    onboarding = practice.current_onboarding()
    make_upload(onboarding, "xpm_clients", CLIENTS, name="clients.csv")
    run = run_services.start_run(onboarding=onboarding, step_key="client-names", actor=manager)
    done = wait_for(lambda: finished(run.pk), timeout=60, what="the worker to finish the run")
    assert done.status == RunStatus.SUCCEEDED, done.error
    assert done.attempts == 1
    assert stored(done), "the step 3 rules find the two 'Last, First' names"
    assert stored(done) == expected(done)
    assert sum(done.counts.values()) == len(stored(done))


def test_it_recovers_within_a_minute_when_the_pool_process_is_killed(
    slow_rule, celery_worker, practice, manager
):
    reference, run = _reference_then_running(practice.current_onboarding(), manager)
    (child,) = celery_worker.children()
    started = time.monotonic()
    os.kill(child, signal.SIGKILL)
    _recovered(run, reference, started, within=60)


def test_it_recovers_when_worker_and_beat_are_killed_and_a_new_worker_starts(
    slow_rule, celery_worker, practice, manager, tmp_path
):
    reference, run = _reference_then_running(practice.current_onboarding(), manager)
    started = time.monotonic()
    for pid in (*celery_worker.children(), celery_worker.proc.pid):
        os.kill(pid, signal.SIGKILL)  # the whole worker (and any beat embedded in it)
    celery_worker.proc.wait(timeout=10)
    successor = WorkerProcess(celery_worker.queue, tmp_path / "successor.log", celery_worker.env)
    try:
        successor.start()
        _recovered(run, reference, started, within=90)
    finally:
        successor.stop()
