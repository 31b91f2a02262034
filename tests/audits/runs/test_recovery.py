"""Recovery in seconds: a run whose heartbeat went quiet for two beats is taken over, a starting
worker sweeps without waiting for a beat, and a run already waiting is reused, not repeated."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from audits import tasks
from audits.models import RunStatus, ValidationRun
from audits.runs import execution
from tests.audits.runs.factories import CLIENTS_CSV, make_upload
from wizard.runs import services as run_services


@pytest.fixture
def threaded_heartbeat(monkeypatch, settings):
    """As on PostgreSQL: the heartbeat beats on its own thread every five seconds."""
    monkeypatch.setattr(execution, "beats_on_a_thread", lambda: True)
    settings.LIFTOFF_RUN_HEARTBEAT = 5
    settings.LIFTOFF_RUN_STALE_AFTER = 300


def click(onboarding, manager):
    return run_services.start_run(onboarding=onboarding, step_key="client-names", actor=manager)


def _running_since(run, seconds):
    ValidationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now() - timedelta(seconds=seconds),
    )


def test_it_takes_over_after_two_quiet_heartbeats_not_the_stale_period(
    onboarding, clients, manager, threaded_heartbeat
):
    run = click(onboarding, manager)
    assert execution.quiet_after() == timedelta(seconds=10)
    _running_since(run, 8)
    assert execution.claim(run.pk) is None  # one missed beat: the worker may be busy
    _running_since(run, 11)
    assert execution.claim(run.pk) == 2


def test_the_sweep_requeues_after_two_quiet_heartbeats(
    onboarding, clients, manager, threaded_heartbeat
):
    run = click(onboarding, manager)
    _running_since(run, 11)
    assert execution.sweep_stale_runs().requeued == [run.pk]


def test_sqlite_keeps_the_stale_period_where_the_heartbeat_has_no_thread(settings):
    settings.LIFTOFF_RUN_STALE_AFTER = 300
    if connection.vendor == "sqlite":
        assert execution.quiet_after() == timedelta(seconds=300)
    else:
        assert execution.quiet_after() == timedelta(seconds=2 * settings.LIFTOFF_RUN_HEARTBEAT)


def test_a_starting_worker_sweeps_now_and_once_heartbeats_went_quiet(monkeypatch, settings):
    sent = []
    monkeypatch.setattr(tasks.sweep_stale_runs, "delay", lambda: sent.append(0))
    monkeypatch.setattr(
        tasks.sweep_stale_runs, "apply_async", lambda countdown: sent.append(countdown)
    )
    tasks.sweep_when_a_worker_starts()
    assert sent == [0, execution.quiet_after().total_seconds() + 1]


def test_the_beat_sweeps_every_few_seconds(settings):
    assert settings.CELERY_BEAT_SCHEDULE["sweep-stale-runs"]["schedule"] <= 15


def test_eight_clicks_on_run_again_make_one_run(onboarding, clients, manager):
    runs = {click(onboarding, manager).pk for _ in range(8)}
    assert len(runs) == 1
    assert ValidationRun.objects.filter(step_key="client-names").count() == 1


def test_it_queues_a_new_run_once_the_waiting_one_has_started(onboarding, clients, manager):
    first = click(onboarding, manager)
    execution.claim(first.pk)
    assert click(onboarding, manager).pk != first.pk


def test_it_queues_a_new_run_for_new_inputs(onboarding, clients, manager):
    first = click(onboarding, manager)
    make_upload(onboarding, "xpm_clients", CLIENTS_CSV + b"Zed Ltd,,Company\r\n", name="v2.csv")
    assert click(onboarding, manager).pk != first.pk


@pytest.mark.services
def test_eight_simultaneous_clicks_make_one_run_in_postgresql(
    real_services, onboarding, clients, manager, monkeypatch
):
    # No worker here: the run must stay queued for the other clicks to find it.
    monkeypatch.setattr(run_services.run_validation, "delay_on_commit", lambda run_id: None)
    barrier, made, errors = threading.Barrier(8), [], []

    def click_now():
        try:
            barrier.wait(timeout=10)
            made.append(click(onboarding, manager).pk)
        except Exception as error:  # reported below, with the thread's failure
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click_now) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and len(made) == 8
    assert len(set(made)) == 1
    assert ValidationRun.objects.filter(step_key="client-names").count() == 1
