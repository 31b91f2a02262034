"""The Celery app the real-worker tests start: the project's own app, plus, when
LIFTOFF_TEST_SLOW_RULE_SECONDS is set, a rule that pauses that long, so a test can kill the worker
mid-run. Test-only code stays out of the product: it is added here, before the worker forks."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable

from audits.validators.base import Context, Rule
from audits.validators.registry import REGISTRY
from config.celery import app

__all__ = ["app"]


class SlowRule(Rule):
    code = "C00.I998"
    title = "Test-only pause"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def check(self, ctx: Context) -> Iterable:
        time.sleep(self.seconds)
        return ()


_seconds = os.environ.get("LIFTOFF_TEST_SLOW_RULE_SECONDS", "")
if _seconds:
    _for_items = REGISTRY.for_items
    REGISTRY.for_items = lambda items: [SlowRule(float(_seconds)), *_for_items(items)]
