"""Step 11 (job states): job states that are not standard or not mapped.

C11.E001 the client's main 2025 job (Client Order No. PROP-…, invoiced) is "On Hold", "Paused",
         "Completed" or "Cancelled". job row; value = state.
C11.E002 a 2024 job (no reference, no invoice) in state "Waiting on Client", "Awaiting Information",
         "With Client for Signing" or "Ready to Lodge". One finding per distinct state name; rows =
         every job with it; value = state name.
"""

from __future__ import annotations

from audits.testdata.injectors.victims import anyone, with_proposals
from audits.testdata.practice import Practice
from audits.testdata.records import Client, Deployment

NON_STANDARD_STATES = ["On Hold", "Paused", "Completed", "Cancelled"]
UNMAPPED_STATES = [
    "Waiting on Client",
    "Awaiting Information",
    "With Client for Signing",
    "Ready to Lodge",
]


def mark(p: Practice, n: int) -> None:
    for i, c in enumerate(p.pick(n, "C11.E001", with_proposals)):
        c.mods["C11.E001"] = NON_STANDARD_STATES[i % len(NON_STANDARD_STATES)]
    for i, c in enumerate(p.pick(n, "C11.E002", anyone)):
        c.mods["C11.E002"] = UNMAPPED_STATES[i % len(UNMAPPED_STATES)]


def prior_state(c: Client) -> str:
    """The state of a 2024 job: "Completed", or (once per victim) its unmapped state."""
    if "C11.E002" in c.mods:
        return c.mods.pop("C11.E002")
    return "Completed"


def label_unmapped(p: Practice, unmapped_rows: dict[str, list[int]]) -> None:
    for state, rows in unmapped_rows.items():
        p.label("C11.E002", "xpm_jobs", rows, state)


def main_state(d: Deployment) -> None:
    """Before the main job is written: give it the victim's non-standard state."""
    if "C11.E001" in d.client.mods:
        d.state = d.client.mods["C11.E001"]


def label_main_state(p: Practice, d: Deployment) -> None:
    if "C11.E001" in d.client.mods:
        p.label("C11.E001", "xpm_jobs", [d.row], d.state)
