"""Reading docs/ (the domain spec in the repository) for the tests that tie code to it."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
CODE_RE = re.compile(r"C\d\d\.[EWI]\d{3}")
PLANNED = "**Planned**"


def documented_codes() -> tuple[set[str], set[str]]:
    """(implemented, planned) rule codes of docs/checklist.md; C00 is the runner's, not a rule."""
    implemented: set[str] = set()
    planned: set[str] = set()
    for line in (DOCS / "checklist.md").read_text(encoding="utf-8").splitlines():
        codes = {c for c in CODE_RE.findall(line) if not c.startswith("C00.")}
        (planned if PLANNED in line else implemented).update(codes)
    return implemented - planned, planned
