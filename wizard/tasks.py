"""Celery tasks of the product's shared modules (feature packages keep their own ``tasks.py``)."""

from __future__ import annotations

from celery import shared_task

from wizard import audit_chain


@shared_task(name="wizard.tasks.checkpoint_audit_heads")
def checkpoint_audit_heads() -> int:
    """Anchor each audit chain's head outside the database (beat, every few seconds to minutes)."""
    return audit_chain.write_checkpoints()
