import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from wizard import events
from wizard.models import AuditEvent, Verb


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
    """Raw SQL past the model. On PostgreSQL the append-only trigger refuses it, so the test first
    disables the trigger, as someone with owner rights on the table could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's deferred foreign-key checks are pending trigger events: ALTER TABLE refuses
            # to run until they have fired.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE wizard_auditevent DISABLE TRIGGER {TRIGGER}")
        try:
            cursor.execute(sql, params)
        finally:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE wizard_auditevent ENABLE TRIGGER {TRIGGER}")


def test_it_reports_an_intact_chain(practice):
    _more(practice)
    code, out, _ = verify("--organisation", practice.organisation.slug)
    assert (code, out.strip()) == (0, "ok summit: 5 events, chain intact")


def test_it_catches_an_edited_event_exactly(practice):
    _more(practice)
    event = AuditEvent.objects.get(organisation=practice.organisation, sequence=4)
    _tamper("UPDATE wizard_auditevent SET details = %s WHERE id = %s", ['{"i": 99}', event.pk])
    code, _, err = verify()
    assert code == 1
    assert "BROKEN summit: event #4 was changed after it was written" in err


def test_it_catches_a_deleted_event(practice):
    _more(practice)
    event = AuditEvent.objects.get(organisation=practice.organisation, sequence=3)
    _tamper("DELETE FROM wizard_auditevent WHERE id = %s", [event.pk])
    _, _, err = verify()
    assert "event #3 is missing" in err


def test_it_checks_each_organisation_on_its_own(practice, other_practice):
    _more(practice)
    event = AuditEvent.objects.get(organisation=other_practice.organisation, sequence=2)
    _tamper("UPDATE wizard_auditevent SET verb = %s WHERE id = %s", ["signed_off", event.pk])
    code, out, err = verify()
    assert "ok summit" in out and "BROKEN rival: event #2" in err and code == 1


def test_it_catches_an_event_rehashed_to_hide_an_edit(practice):
    _more(practice)
    event = AuditEvent.objects.get(organisation=practice.organisation, sequence=3)
    event.details = {"i": 42}
    _tamper(
        "UPDATE wizard_auditevent SET details = %s, hash = %s WHERE id = %s",
        ['{"i": 42}', event.compute_hash(), event.pk],
    )
    _, _, err = verify()
    assert "BROKEN summit: event #4 does not link to the event before it" in err


def test_it_refuses_an_unknown_organisation(practice):
    with pytest.raises(CommandError, match="No organisation 'nowhere'"):
        call_command("verify_audit", "--organisation", "nowhere")


@pytest.mark.services
def test_it_catches_tampering_with_the_trigger_disabled_in_postgresql(real_services, practice):
    _more(practice)
    event = AuditEvent.objects.get(organisation=practice.organisation, sequence=2)
    _tamper("UPDATE wizard_auditevent SET actor_label = %s WHERE id = %s", ["Mallory", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "Mallory"
    code, _, err = verify("--organisation", "summit")
    assert code == 1
    assert "BROKEN summit: event #2 was changed after it was written" in err


@pytest.mark.services
def test_it_refuses_raw_updates_in_postgresql(real_services, practice):
    event = AuditEvent.objects.filter(organisation=practice.organisation).first()
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
