"""The dashboard's 15-cell strip: each step of a practice as a coloured cell, its state and open
counts said on hover and to screen readers."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.models import StepStatus

# The strip's four colours: what an onboarding lead scans for.
STRIP_STATES = {
    StepStatus.SIGNED_OFF: "signed",
    StepStatus.READY: "ready",
    StepStatus.NEEDS_ATTENTION: "attention",
    StepStatus.STALE: "attention",
    StepStatus.IN_PROGRESS: "started",
    StepStatus.NOT_STARTED: "not-started",
}


@dataclass(frozen=True)
class StripCell:
    number: int
    state: str  # a STRIP_STATES value: the cell's colour
    label: str  # "Step 4, Needs attention: 3 errors, 1 warning" (hover and screen readers)

    @classmethod
    def of(cls, step, status: str, open_: dict) -> StripCell:
        figures = open_.get(step.number)  # a StepFigures, when something is open
        label = f"Step {step.number}, {StepStatus(status).label}"
        if figures and (figures.errors or figures.warnings):
            label += f": {figures.errors} error(s), {figures.warnings} warning(s)"
        return cls(step.number, STRIP_STATES.get(status, "not-started"), label)
