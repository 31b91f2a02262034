"""Checking the audit trail: every event links to the one before and carries the keyed hash
(HMAC, ``LIFTOFF_AUDIT_KEY``) of what it says, and the chain still reaches every head that was
checkpointed outside the database. The first break is reported exactly (organisation, event
number, what is wrong).

Checkpoints are lines appended to ``LIFTOFF_AUDIT_CHECKPOINTS`` (a file outside the database):
organisation, sequence and hash of the chain's head, when, and an HMAC over those with the same
key. Someone who can rewrite the database can neither re-hash events without the key nor make the
chain shorter than a checkpoint without it being named; the window is the time since the last
checkpoint (``LIFTOFF_AUDIT_CHECKPOINT_EVERY``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from wizard.events import GENESIS
from wizard.models import AuditEvent, Organisation


@dataclass(frozen=True)
class Break:
    organisation: str
    sequence: int
    problem: str

    def __str__(self) -> str:
        return f"{self.organisation}: event #{self.sequence} {self.problem}"


@dataclass(frozen=True)
class Checkpoint:
    organisation_id: int
    sequence: int
    hash: str
    at: str
    mac: str

    def expected_mac(self) -> str:
        message = f"{self.organisation_id}|{self.sequence}|{self.hash}|{self.at}"
        key = settings.LIFTOFF_AUDIT_KEY.encode()
        return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()

    def genuine(self) -> bool:
        return hmac.compare_digest(self.mac, self.expected_mac())


@dataclass(frozen=True)
class Verified:
    checked: int
    problem: Break | None
    checkpoint: Checkpoint | None  # the newest checkpoint the chain was held against


def _path() -> Path:
    return Path(settings.LIFTOFF_AUDIT_CHECKPOINTS)


def read_checkpoints() -> dict[int, list[Checkpoint]]:
    """Every checkpoint in the file, by organisation id, oldest first."""
    found: dict[int, list[Checkpoint]] = {}
    try:
        lines = _path().read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return found
    for line in lines:
        if not line.strip():
            continue
        try:
            fields = json.loads(line)
            point = Checkpoint(
                int(fields["organisation"]),
                int(fields["sequence"]),
                str(fields["hash"]),
                str(fields["at"]),
                str(fields["mac"]),
            )
        except (ValueError, KeyError, TypeError):
            continue  # a torn or foreign line proves nothing either way
        found.setdefault(point.organisation_id, []).append(point)
    return found


def _heads() -> dict[int, tuple[int, str]]:
    """Each organisation's newest event: (sequence, hash)."""
    heads: dict[int, tuple[int, str]] = {}
    for row in AuditEvent.objects.order_by("organisation_id", "-sequence").values(
        "organisation_id", "sequence", "hash"
    ):
        heads.setdefault(row["organisation_id"], (row["sequence"], row["hash"]))
    return heads


def write_checkpoints() -> int:
    """Append the head of every chain that moved since its last checkpoint; how many were written.

    One ``write`` per batch on a file opened for appending only, then ``fsync``.
    """
    known = read_checkpoints()
    at = timezone.now().isoformat()
    lines = []
    for organisation_id, (sequence, head) in sorted(_heads().items()):
        last = known.get(organisation_id, [])
        if last and last[-1].sequence == sequence and last[-1].hash == head:
            continue
        point = Checkpoint(organisation_id, sequence, head, at, "")
        fields = {"organisation": organisation_id, "sequence": sequence, "hash": head, "at": at}
        lines.append(json.dumps({**fields, "mac": point.expected_mac()}, sort_keys=True) + "\n")
    if not lines:
        return 0
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, "".join(lines).encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return len(lines)


def _walk(organisation: Organisation, wanted: set[int]) -> tuple[int, Break | None, dict]:
    """Walk the chain: (events checked, first break, {sequence: hash} for the ``wanted`` ones)."""
    expected_prev, expected_seq, checked, seen = GENESIS, 1, 0, {}
    events: Iterator[AuditEvent] = (
        AuditEvent.objects.filter(organisation=organisation).order_by("sequence").iterator(2000)
    )
    for event in events:
        checked += 1
        if event.sequence != expected_seq:
            return checked, _missing(organisation, expected_seq, event.sequence), seen
        if event.prev_hash != expected_prev:
            problem = "does not link to the event before it"
            return checked, Break(organisation.slug, event.sequence, problem), seen
        if event.compute_hash() != event.hash:
            problem = "was changed after it was written (its keyed hash does not match)"
            return checked, Break(organisation.slug, event.sequence, problem), seen
        if event.sequence in wanted:
            seen[event.sequence] = event.hash
        expected_prev, expected_seq = event.hash, expected_seq + 1
    return checked, None, seen


def _missing(organisation: Organisation, expected: int, found: int) -> Break:
    return Break(
        organisation.slug,
        expected,
        f"is missing (the chain skips from #{expected - 1} to #{found})",
    )


def _against(
    organisation: Organisation, checked: int, points: list[Checkpoint], seen: dict
) -> Break | None:
    """The walked chain held against the checkpoints outside the database."""
    for point in points:
        if not point.genuine():
            problem = f"has a checkpoint ({point.at}) that was not written with the audit key"
            return Break(organisation.slug, point.sequence, problem)
        if point.sequence > checked:
            return Break(
                organisation.slug,
                checked + 1,
                f"is missing: the chain ends at #{checked} but the checkpoint of {point.at} "
                f"saw it reach #{point.sequence} (events were cut off the end)",
            )
        if seen.get(point.sequence) != point.hash:
            return Break(
                organisation.slug,
                point.sequence,
                f"does not match the checkpoint of {point.at} "
                "(the chain was rewritten from here or before)",
            )
    return None


def verify(
    organisation: Organisation, checkpoints: dict[int, list[Checkpoint]] | None = None
) -> Verified:
    """Walk one organisation's chain and hold it against its checkpoints."""
    if checkpoints is None:
        checkpoints = read_checkpoints()
    points = checkpoints.get(organisation.pk, [])
    checked, problem, seen = _walk(organisation, {p.sequence for p in points})
    if problem is None:
        problem = _against(organisation, checked, points, seen)
    return Verified(checked, problem, points[-1] if points else None)
