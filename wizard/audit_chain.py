"""Checking the audit trail's hash chain: every event links to the one before and hashes to what
it says. The first break is reported exactly (organisation, sequence, what is wrong)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from wizard.events import GENESIS
from wizard.models import AuditEvent, Organisation


@dataclass(frozen=True)
class Break:
    organisation: str
    sequence: int
    problem: str

    def __str__(self) -> str:
        return f"{self.organisation}: event #{self.sequence} {self.problem}"


def verify(organisation: Organisation) -> tuple[int, Break | None]:
    """(events checked, first break or None)."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    events: Iterator[AuditEvent] = (
        AuditEvent.objects.filter(organisation=organisation).order_by("sequence").iterator(2000)
    )
    for event in events:
        checked += 1
        if event.sequence != expected_seq:
            return checked, Break(
                organisation.slug,
                expected_seq,
                f"is missing (the chain skips from #{expected_seq - 1} to #{event.sequence})",
            )
        if event.prev_hash != expected_prev:
            return checked, Break(
                organisation.slug, event.sequence, "does not link to the event before it"
            )
        if event.compute_hash() != event.hash:
            return checked, Break(
                organisation.slug,
                event.sequence,
                "was changed after it was written (its hash does not match)",
            )
        expected_prev, expected_seq = event.hash, expected_seq + 1
    return checked, None
