import pytest

from wizard import events
from wizard.models import AuditEvent, Verb


def test_it_chains_each_event_to_the_previous_one(practice):
    first, second = AuditEvent.objects.filter(organisation=practice.organisation)[:2]
    assert first.prev_hash == events.GENESIS
    assert second.prev_hash == first.hash
    assert second.sequence == first.sequence + 1


def test_it_hashes_the_stored_content(practice):
    event = events.record(
        organisation=practice.organisation,
        practice=practice,
        verb=Verb.PRACTICE_UPDATED,
        details={"when": practice.created_at, "n": 1},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.compute_hash() == stored.hash


def test_it_keeps_one_chain_per_organisation(practice, other_practice):
    ours = AuditEvent.objects.filter(organisation=practice.organisation).first()
    theirs = AuditEvent.objects.filter(organisation=other_practice.organisation).first()
    assert ours.sequence == theirs.sequence == 1


def test_it_refuses_to_update_an_event(practice):
    event = AuditEvent.objects.first()
    event.verb = Verb.SIGNED_OFF
    with pytest.raises(PermissionError):
        event.save()


def test_it_refuses_bulk_updates_and_deletes(practice):
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(verb=Verb.SIGNED_OFF)
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 2
