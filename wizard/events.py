"""Writing the append-only audit trail. Every service that changes state calls ``record``."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from wizard.models import AuditEvent, Onboarding, Organisation, Practice, Verb

GENESIS = "0" * 64


def _plain(details: dict[str, Any] | None) -> dict[str, Any]:
    # Round-trip through JSON so the hash covers exactly what the database will hand back.
    return json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))


def record(
    *,
    organisation: Organisation,
    verb: Verb,
    actor=None,
    practice: Practice | None = None,
    onboarding: Onboarding | None = None,
    step_key: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the organisation's hash chain."""
    with transaction.atomic():
        # Lock the organisation row so two writers cannot take the same sequence number.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).exists()
        last = (
            AuditEvent.objects.filter(organisation=organisation)
            .order_by("-sequence")
            .values("sequence", "hash")
            .first()
        )
        event = AuditEvent(
            organisation=organisation,
            practice=practice,
            onboarding=onboarding,
            step_key=step_key,
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_label=actor_label(actor),
            verb=verb,
            details=_plain(details),
            sequence=(last["sequence"] + 1) if last else 1,
            prev_hash=last["hash"] if last else GENESIS,
        )
        event.hash = event.compute_hash()
        event.save()
    return event


def actor_label(actor) -> str:
    if actor is None or not actor.is_authenticated:
        return "Liftoff"
    name = actor.get_full_name() or actor.get_username()
    membership = getattr(actor, "membership", None)
    return f"{name} ({membership.get_role_display()})" if membership else name


def record_for(obj, verb: Verb, *, actor=None, details: dict[str, Any] | None = None) -> AuditEvent:
    """``record`` with the organisation, practice, onboarding and step taken from ``obj``: a
    practice, an onboarding, a step's progress, an upload or run, a membership or invitation."""
    onboarding = obj if isinstance(obj, Onboarding) else getattr(obj, "onboarding", None)
    practice = obj if isinstance(obj, Practice) else getattr(obj, "practice", None)
    if practice is None and onboarding is not None:
        practice = onboarding.practice
    organisation = practice.organisation if practice is not None else obj.organisation
    return record(
        organisation=organisation,
        verb=verb,
        actor=actor,
        practice=practice,
        onboarding=onboarding,
        step_key=getattr(obj, "step_key", ""),
        details=details,
    )
