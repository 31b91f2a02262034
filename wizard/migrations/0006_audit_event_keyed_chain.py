"""Re-key the existing audit trail: from plain SHA-256 to HMAC-SHA256 with LIFTOFF_AUDIT_KEY.

Every event is recomputed (one hash scheme, not two side by side), but only after its unkeyed
chain has been checked: re-keying a chain that was already tampered with would launder the
tampering, so a broken chain stops the migration and names the event. An operator who has looked
into it (for instance an event broken by a user deleted before actors were protected) sets
LIFTOFF_AUDIT_REKEY_BROKEN=1 to re-key anyway; the events broken before are printed.

The hashing is frozen here, as it was when this migration was written. On PostgreSQL the
append-only trigger is disabled for the duration, inside the migration's transaction.
"""

import hashlib
import hmac
import json
import os

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations

GENESIS = "0" * 64
TRIGGER = "wizard_auditevent_append_only"


def _canonical(event) -> str:
    payload = {
        "organisation": event.organisation_id,
        "practice": event.practice_id,
        "onboarding": event.onboarding_id,
        "step": event.step_key,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "verb": event.verb,
        "details": event.details,
        "created_at": event.created_at.isoformat(),
        "sequence": event.sequence,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)


def _legacy(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _keyed(prev_hash: str, canonical: str) -> str:
    key = settings.LIFTOFF_AUDIT_KEY.encode()
    return hmac.new(key, (prev_hash + canonical).encode(), hashlib.sha256).hexdigest()


def _rekey_organisation(AuditEvent, organisation_id: int) -> list[str]:
    broken, legacy_prev, keyed_prev = [], GENESIS, GENESIS
    events = AuditEvent.objects.filter(organisation_id=organisation_id).order_by("sequence")
    for expected, event in enumerate(events.iterator(2000), start=1):
        canonical = _canonical(event)
        if (
            event.sequence != expected
            or event.prev_hash != legacy_prev
            or event.hash != _legacy(event.prev_hash, canonical)
        ):
            broken.append(f"organisation {organisation_id}: event #{event.sequence}")
        legacy_prev = event.hash
        keyed = _keyed(keyed_prev, canonical)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=keyed_prev, hash=keyed)
        keyed_prev = keyed
    return broken


def rekey(apps, schema_editor):
    AuditEvent = apps.get_model("wizard", "AuditEvent")
    if not AuditEvent.objects.exists():
        return
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE wizard_auditevent DISABLE TRIGGER {TRIGGER}")
    organisations = AuditEvent.objects.values_list("organisation_id", flat=True).distinct()
    broken = [b for o in sorted(set(organisations)) for b in _rekey_organisation(AuditEvent, o)]
    if postgres:
        schema_editor.execute(f"ALTER TABLE wizard_auditevent ENABLE TRIGGER {TRIGGER}")
    if broken and os.environ.get("LIFTOFF_AUDIT_REKEY_BROKEN") != "1":
        raise RuntimeError(
            "The audit trail was already broken before re-keying, at "
            + ", ".join(broken)
            + ". Investigate (manage.py verify_audit on the previous release), then set "
            "LIFTOFF_AUDIT_REKEY_BROKEN=1 to re-key anyway."
        )
    for line in broken:
        print(f"re-keyed an event that was already broken: {line}")


class Migration(migrations.Migration):
    dependencies = [("wizard", "0005_audit_event_actor_protect")]
    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
