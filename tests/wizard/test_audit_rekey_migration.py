"""Migration 0006 re-keys an existing (plain SHA-256) audit trail so that it still verifies."""

import hashlib
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from wizard import audit_chain
from wizard.models import Organisation

BEFORE = [("wizard", "0005_audit_event_actor_protect")]
AFTER = [("wizard", "0007_audit_event_append_only_sqlite")]


def _legacy_chain(apps, organisation_id, count, broken_at=None):
    AuditEvent = apps.get_model("wizard", "AuditEvent")
    prev = "0" * 64
    for sequence in range(1, count + 1):
        event = AuditEvent(
            organisation_id=organisation_id,
            verb="practice_updated",
            actor_label="Liftoff",
            details={"n": sequence},
            created_at=timezone.now(),
            sequence=sequence,
            prev_hash=prev,
        )
        payload = {
            "organisation": organisation_id,
            "practice": None,
            "onboarding": None,
            "step": "",
            "actor": None,
            "actor_label": "Liftoff",
            "verb": "practice_updated",
            "details": event.details,
            "created_at": event.created_at.isoformat(),
            "sequence": sequence,
        }
        canonical = json.dumps(
            payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder
        )
        event.hash = hashlib.sha256((prev + canonical).encode()).hexdigest()
        if sequence == broken_at:
            event.details = {"n": "edited"}
        event.save()
        prev = event.hash


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_0005(transactional_db):
    apps = _migrate(BEFORE)
    yield apps
    # Every app's latest migration, not just AFTER: going back to 0005 also unapplied what
    # depends on wizard 0008+ (audits 0007+, e.g. audits_pull), which later tests (and a real
    # worker on this database) read.
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_it_rekeys_an_existing_trail_which_then_verifies(at_0005):
    organisation = at_0005.get_model("wizard", "Organisation").objects.create(
        name="Old", slug="old"
    )
    _legacy_chain(at_0005, organisation.pk, 4)
    _migrate(AFTER)
    result = audit_chain.verify(Organisation.objects.get(pk=organisation.pk))
    assert (result.checked, result.problem) == (4, None)


def test_it_refuses_to_rekey_a_trail_already_broken(at_0005, monkeypatch):
    monkeypatch.delenv("LIFTOFF_AUDIT_REKEY_BROKEN", raising=False)
    organisation = at_0005.get_model("wizard", "Organisation").objects.create(
        name="Old", slug="old"
    )
    _legacy_chain(at_0005, organisation.pk, 4, broken_at=3)
    with pytest.raises(RuntimeError, match=r"organisation .*: event #3"):
        _migrate(AFTER)
    monkeypatch.setenv("LIFTOFF_AUDIT_REKEY_BROKEN", "1")
