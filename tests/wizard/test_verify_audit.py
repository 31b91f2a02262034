"""verify_audit: the keyed chain and its checkpoints outside the database name every kind of
tampering by event number; the append-only triggers refuse raw changes on both databases."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from tests.conftest import sqlite_append_only
from wizard import audit_chain, events
from wizard.models import AuditEvent, Verb, chain_hash
from wizard.tasks import checkpoint_audit_heads


def verify(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def _more(practice, n=3):
    for i in range(n):
        events.record(
            organisation=practice.organisation,
            practice=practice,
            verb=Verb.PRACTICE_UPDATED,
            details={"i": i},
        )


TRIGGER = "wizard_auditevent_append_only"


def _tamper(sql, params):
    """Raw SQL past the model. The append-only triggers refuse it, so the test first disables
    them, as someone with owner rights on the table (or the SQLite file) could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's deferred foreign-key checks are pending trigger events: ALTER TABLE refuses
            # to run until they have fired.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE wizard_auditevent DISABLE TRIGGER {TRIGGER}")
        else:
            sqlite_append_only(False)
        try:
            cursor.execute(sql, params)
        finally:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE wizard_auditevent ENABLE TRIGGER {TRIGGER}")
            else:
                sqlite_append_only(True)


def _event(practice, sequence) -> AuditEvent:
    return AuditEvent.objects.get(organisation=practice.organisation, sequence=sequence)


def _rehash_from(practice, sequence, key=None):
    """Recompute the hash of ``sequence`` and of every event after it, as a forger would."""
    prev = _event(practice, sequence - 1).hash
    for event in AuditEvent.objects.filter(
        organisation=practice.organisation, sequence__gte=sequence
    ).order_by("sequence"):
        event.prev_hash = prev
        prev = chain_hash(prev, event.canonical(), key=key)
        _tamper(
            "UPDATE wizard_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [event.prev_hash, prev, event.pk],
        )


def test_it_reports_an_intact_chain_anchored_at_its_checkpoint(practice):
    _more(practice)
    assert audit_chain.write_checkpoints() == 1
    code, out, _ = verify("--organisation", practice.organisation.slug)
    assert code == 0
    assert out.startswith("ok summit: 5 events, chain intact, reaches its checkpoint #5 of ")


def test_it_says_when_no_checkpoint_anchors_the_chain(practice):
    code, out, _ = verify("--organisation", practice.organisation.slug)
    assert code == 0 and "no checkpoint yet" in out


def test_it_hashes_with_the_key_from_the_environment(practice, settings):
    event = _event(practice, 1)
    assert event.hash == chain_hash(event.prev_hash, event.canonical())
    settings.LIFTOFF_AUDIT_KEY = "another-key"
    code, _, err = verify()
    assert code == 1 and "BROKEN summit: event #1 was changed after it was written" in err


def test_it_catches_an_edited_event_exactly(practice):
    _more(practice)
    _tamper(
        "UPDATE wizard_auditevent SET details = %s WHERE id = %s",
        ['{"i": 99}', _event(practice, 4).pk],
    )
    code, _, err = verify()
    assert code == 1
    assert "BROKEN summit: event #4 was changed after it was written" in err


def test_it_catches_a_deleted_event(practice):
    _more(practice)
    _tamper("DELETE FROM wizard_auditevent WHERE id = %s", [_event(practice, 3).pk])
    _, _, err = verify()
    assert "BROKEN summit: event #3 is missing" in err


def test_it_catches_two_swapped_events(practice):
    _more(practice)
    third, fourth = _event(practice, 3), _event(practice, 4)
    _tamper("UPDATE wizard_auditevent SET sequence = 1000 WHERE id = %s", [third.pk])
    _tamper("UPDATE wizard_auditevent SET sequence = 3 WHERE id = %s", [fourth.pk])
    _tamper("UPDATE wizard_auditevent SET sequence = 4 WHERE id = %s", [third.pk])
    code, _, err = verify()
    assert code == 1 and "BROKEN summit: event #3 does not link to the event before it" in err


def test_it_catches_events_cut_off_the_end(practice):
    _more(practice, n=8)
    audit_chain.write_checkpoints()
    for sequence in (10, 9):
        _tamper("DELETE FROM wizard_auditevent WHERE id = %s", [_event(practice, sequence).pk])
    code, _, err = verify()
    assert code == 1
    assert "BROKEN summit: event #9 is missing: the chain ends at #8" in err
    assert "saw it reach #10 (events were cut off the end)" in err


def test_it_catches_a_change_rehashed_onwards_without_the_key(practice):
    _more(practice, n=8)
    _tamper(
        "UPDATE wizard_auditevent SET details = %s WHERE id = %s",
        ['{"i": 42}', _event(practice, 8).pk],
    )
    _rehash_from(practice, 8, key="a-guess-at-the-key")
    code, _, err = verify()
    assert code == 1 and "BROKEN summit: event #8 was changed after it was written" in err


def test_it_catches_a_change_rehashed_onwards_with_the_key_by_its_checkpoint(practice):
    _more(practice, n=8)
    audit_chain.write_checkpoints()
    _tamper(
        "UPDATE wizard_auditevent SET details = %s WHERE id = %s",
        ['{"i": 42}', _event(practice, 8).pk],
    )
    _rehash_from(practice, 8)  # even someone holding the key cannot match the file
    code, _, err = verify()
    assert code == 1
    assert "BROKEN summit: event #10 does not match the checkpoint of " in err


def test_it_refuses_a_checkpoint_not_written_with_the_key(practice, settings):
    _more(practice)
    head = _event(practice, 5)
    forged = {"organisation": practice.organisation.pk, "sequence": 5, "hash": head.hash}
    settings.LIFTOFF_AUDIT_CHECKPOINTS.write_text(
        json.dumps({**forged, "at": "2026-01-01T00:00:00+00:00", "mac": "0" * 64}) + "\n"
    )
    code, _, err = verify()
    assert code == 1 and "event #5 has a checkpoint" in err and "audit key" in err


def test_it_writes_a_checkpoint_only_when_a_head_moved(practice, other_practice, settings):
    assert audit_chain.write_checkpoints() == 2
    assert audit_chain.write_checkpoints() == 0
    _more(practice, n=1)
    assert audit_chain.write_checkpoints() == 1
    lines = settings.LIFTOFF_AUDIT_CHECKPOINTS.read_text().splitlines()
    assert [json.loads(line)["sequence"] for line in lines][-1] == 3


def test_it_checks_each_organisation_on_its_own(practice, other_practice):
    _more(practice)
    event = AuditEvent.objects.get(organisation=other_practice.organisation, sequence=2)
    _tamper("UPDATE wizard_auditevent SET verb = %s WHERE id = %s", ["signed_off", event.pk])
    code, out, err = verify()
    assert "ok summit" in out and "BROKEN rival: event #2" in err and code == 1


def test_it_refuses_an_unknown_organisation(practice):
    with pytest.raises(CommandError, match="No organisation 'nowhere'"):
        call_command("verify_audit", "--organisation", "nowhere")


def _refuses_raw_changes(event):
    for sql in (
        "UPDATE wizard_auditevent SET verb = 'x' WHERE id = %s",
        "DELETE FROM wizard_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, verb=event.verb).exists()


def test_it_refuses_raw_updates_in_sqlite(practice):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite triggers; PostgreSQL's are tested with real services")
    _refuses_raw_changes(AuditEvent.objects.filter(organisation=practice.organisation).first())


@pytest.mark.services
def test_it_refuses_raw_updates_in_postgresql(real_services, practice):
    _refuses_raw_changes(AuditEvent.objects.filter(organisation=practice.organisation).first())


@pytest.mark.services
def test_it_catches_tampering_with_the_trigger_disabled_in_postgresql(real_services, practice):
    _more(practice)
    event = _event(practice, 2)
    _tamper("UPDATE wizard_auditevent SET actor_label = %s WHERE id = %s", ["Mallory", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "Mallory"
    code, _, err = verify("--organisation", "summit")
    assert code == 1
    assert "BROKEN summit: event #2 was changed after it was written" in err


@pytest.mark.services
def test_it_catches_a_keyed_rehash_and_truncation_in_postgresql(real_services, practice):
    _more(practice, n=8)
    audit_chain.write_checkpoints()
    _tamper(
        "UPDATE wizard_auditevent SET details = %s WHERE id = %s",
        ['{"i": 42}', _event(practice, 8).pk],
    )
    _rehash_from(practice, 8, key="a-guess-at-the-key")
    assert "event #8 was changed" in verify()[2]
    _rehash_from(practice, 8)
    assert "event #10 does not match the checkpoint" in verify()[2]
    _tamper("DELETE FROM wizard_auditevent WHERE id = %s", [_event(practice, 10).pk])
    assert "event #10 is missing: the chain ends at #9" in verify()[2]


def test_the_beat_task_writes_the_checkpoints(practice, settings):
    assert checkpoint_audit_heads.delay().get() == 1
    assert json.loads(settings.LIFTOFF_AUDIT_CHECKPOINTS.read_text())["sequence"] == 2
    assert settings.CELERY_BEAT_SCHEDULE["checkpoint-audit-heads"]["task"] == (
        checkpoint_audit_heads.name
    )
