"""The job-state map of step 11: the practice's confirmed state name -> state type, overlaid on
the defaults the step 11 rules know."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audits.models import StateMapping
from audits.validators.base import fold
from audits.validators.job_states import effective_state_map


def confirmed_state_map(practice) -> dict[str, str]:
    """The practice's confirmed state name -> type, as entered (names not folded)."""
    return dict(
        StateMapping.objects.filter(practice=practice)
        .order_by("state_name")
        .values_list("state_name", "state_type")
    )


def state_map_for(practice) -> dict[str, str]:
    """What the rules read: the defaults overlaid with the practice's confirmed choices, folded."""
    return folded_state_map(confirmed_state_map(practice))


def folded_state_map(confirmed: dict[str, str]) -> dict[str, str]:
    """Defaults overlaid with confirmed choices (name -> type), keyed by folded name."""
    return {fold(name): kind for name, kind in effective_state_map(confirmed).items()}


def save_state_map(*, practice, choices: dict[str, str], actor) -> None:
    now = timezone.now()
    with transaction.atomic():
        for name, state_type in choices.items():
            StateMapping.objects.update_or_create(
                practice=practice,
                state_name=name,
                defaults={"state_type": state_type, "confirmed_by": actor, "confirmed_at": now},
            )
