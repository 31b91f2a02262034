"""Rules for this checklist step (see shared/spec/checklist.md). Not yet implemented."""

from __future__ import annotations

from audits.validators.base import Rule

RULES: tuple[Rule, ...] = ()
