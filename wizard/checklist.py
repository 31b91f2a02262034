"""The 15 checklist steps, in order, as one explicit definition (docs/checklist.md).

A step is an attestation (a setting no export shows), a data step (exports checked by validators),
or both. ``exports`` are the kinds a data step needs before it can be checked and signed;
``optional_exports`` sharpen the check when present.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.http import Http404


class StepKind(StrEnum):
    ATTESTATION = "attestation"
    DATA = "data"
    BOTH = "both"


@dataclass(frozen=True)
class Where:
    system: str
    path: str
    look_for: str


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    title: str
    why: str
    kind: StepKind
    exports: tuple[str, ...] = ()
    optional_exports: tuple[str, ...] = ()
    where: Where | None = None
    attestation: str = ""

    @property
    def needs_attestation(self) -> bool:
        return self.kind in (StepKind.ATTESTATION, StepKind.BOTH)

    @property
    def needs_data(self) -> bool:
        return self.kind in (StepKind.DATA, StepKind.BOTH)

    @property
    def all_exports(self) -> tuple[str, ...]:
        return (*self.exports, *self.optional_exports)


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "api-access",
        "Authorise third-party API access in XPM",
        "Ignition talks to XPM through the API. Without the staff privilege that allows full "
        "third-party access, the connection cannot create clients or deploy jobs.",
        StepKind.ATTESTATION,
        where=Where(
            "XPM",
            "Business → Staff → (the connecting user) → Privileges",
            "the API access privilege that authorises full third-party access",
        ),
        attestation="The user who connects Ignition has the XPM privilege that authorises full "
        "third-party API access.",
    ),
    Step(
        2,
        "sync-direction",
        'Set the XPM sync direction to "from XPM", syncing everything',
        "XPM must be the source of truth for clients. Syncing the other way, or only part of the "
        "data, creates duplicates and overwrites good client details.",
        StepKind.ATTESTATION,
        where=Where(
            "Ignition",
            "Apps → XPM → sync settings",
            'sync direction "From Xero Practice Manager"; what to sync: "Everything"',
        ),
        attestation='Ignition\'s XPM sync direction is "From Xero Practice Manager" and it syncs '
        '"Everything".',
    ),
    Step(
        3,
        "client-names",
        'Name individual clients "First Last" in XPM',
        'Ignition and Xero match people by name. "Smith, Jane" in XPM and "Jane Smith" in Xero '
        "are two different clients to them.",
        StepKind.DATA,
        exports=("xpm_clients",),
    ),
    Step(
        4,
        "team-linked",
        "Link every partner, manager and staff member as an Ignition team member",
        "Ignition carries the partner and manager onto each job it deploys. A person who is not a "
        "linked team member is dropped, and the job deployment fails.",
        StepKind.DATA,
        exports=("xpm_staff", "ignition_team"),
        optional_exports=("xpm_jobs", "xpm_clients"),
        where=Where(
            "Ignition",
            "Settings → Team → (the member) → linked XPM user",
            "every XPM partner, manager and staff member appears and is linked",
        ),
    ),
    Step(
        5,
        "clean-data",
        "Remove old client data and duplicates from XPM before connecting",
        "Ignition links clients by exact name. Duplicates and old clients make it link the wrong "
        "record or create yet another one.",
        StepKind.DATA,
        exports=("xpm_clients",),
        optional_exports=("xpm_jobs",),
    ),
    Step(
        6,
        "name-sync",
        "Turn client name sync ON in Ignition's Xero app settings",
        "With name sync on, a name fixed in one place stays fixed in Xero, so invoices keep "
        "matching the XPM client.",
        StepKind.ATTESTATION,
        where=Where("Ignition", "Apps → Xero → client settings", "client name sync switched on"),
        attestation="Client name sync is switched on in Ignition's Xero app settings.",
    ),
    Step(
        7,
        "annual-templates",
        "Give job templates an annual structure (12 monthly tasks for bookkeeping)",
        "One annual job per service receives every invoice of the year. Templates per month or "
        "quarter produce twelve jobs that invoices cannot be allocated to reliably.",
        StepKind.DATA,
        exports=("xpm_job_templates",),
    ),
    Step(
        8,
        "library-mapping",
        "Map XPM job templates to services in the Ignition library",
        "When a proposal is accepted, Ignition deploys the job template mapped to each service. "
        "An unmapped recurring service deploys no job.",
        StepKind.BOTH,
        exports=("ignition_services", "xpm_job_templates"),
        where=Where(
            "Ignition",
            "Library → (service) → job template",
            "the XPM job template the service deploys with",
        ),
        attestation="Every relevant service in the Ignition library is mapped to its XPM job "
        "template at library level.",
    ),
    Step(
        9,
        "proposal-billing",
        "Bill at proposal level, so each invoice maps to one job",
        "XPM allocates an invoice to the job whose number or Client Order No. equals the invoice "
        "Reference. Client-level references (CLI-…) match no single job.",
        StepKind.DATA,
        exports=("xero_invoices", "xpm_jobs"),
        optional_exports=("ignition_proposals",),
        where=Where(
            "Ignition",
            "Settings → billing (invoice grouping)",
            "proposal-level billing: references PROP-… (client level gives CLI-…)",
        ),
    ),
    Step(
        10,
        "annual-jobs",
        "Keep one annual job per client, with tasks breaking down the work",
        "Twelve monthly jobs split the year's invoices and time across jobs that Ignition cannot "
        "match to one proposal.",
        StepKind.DATA,
        exports=("xpm_jobs", "xpm_clients"),
    ),
    Step(
        11,
        "job-states",
        "Keep jobs that receive invoices in a state of type Standard",
        "XPM only allocates an invoice to a job whose state type is Standard. A job on hold "
        "pushes the invoice onto the client instead.",
        StepKind.DATA,
        exports=("xpm_jobs",),
        optional_exports=("xero_invoices",),
        where=Where(
            "XPM",
            "Business → Settings → Job states",
            "each custom state's type: Standard, On Hold, Completed, Cancelled",
        ),
    ),
    Step(
        12,
        "internal-names",
        "Drop internal naming conventions from client names",
        'Names like "1478 Blue Bell Group" never match the client-facing name in Xero or Ignition, '
        "so the client is linked to nothing.",
        StepKind.DATA,
        exports=("xpm_clients",),
        optional_exports=("xero_contacts", "ignition_clients", "ignition_proposals"),
    ),
    Step(
        13,
        "name-parity",
        "Use the same client names in Xero, XPM and Ignition",
        "Ignition links clients to XPM only on an exact name match; one stray character means a "
        "second client and unallocated invoices.",
        StepKind.DATA,
        exports=("xpm_clients", "xero_contacts"),
        optional_exports=("ignition_clients", "xero_invoices"),
    ),
    Step(
        14,
        "adhoc-jobs",
        'Turn OFF "create an ad hoc job when no current job matched the Xero reference"',
        "With the setting on, every unmatched invoice silently creates a stray job instead of "
        "showing you that the reference is wrong.",
        StepKind.BOTH,
        optional_exports=("xpm_jobs", "ignition_proposals"),
        where=Where(
            "XPM",
            "Business → Settings → Xero (invoice import)",
            '"Create an Ad hoc job when no current job matched the Xero reference field" unticked; '
            '"Automatically import invoices from Xero" ticked',
        ),
        attestation='"Create an Ad hoc job when no current job matched the Xero reference field" '
        'is unticked, and "Automatically import invoices from Xero" is ticked.',
    ),
    Step(
        15,
        "no-subscriptions",
        "Keep Xero subscriptions and disbursements out of annual proposals and jobs",
        "A subscription billed inside an annual proposal lands on the annual job and distorts its "
        "recoveries; billed separately it maps to a disbursements account.",
        StepKind.DATA,
        exports=("ignition_proposals",),
        optional_exports=("ignition_services", "xpm_jobs"),
        where=Where(
            "Ignition / Xero",
            "Library service → billing; Xero subscription and disbursement items",
            "subscriptions and disbursements billed outside the annual proposal",
        ),
    ),
)

STEPS_BY_KEY: dict[str, Step] = {s.key: s for s in STEPS}
STEPS_BY_NUMBER: dict[int, Step] = {s.number: s for s in STEPS}

assert [s.number for s in STEPS] == list(range(1, 16)), "steps must be numbered 1..15 in order"
assert len(STEPS_BY_KEY) == 15, "step keys must be unique"


# Steps whose findings are renames, and the system to change when the file of a finding is not
# known (the name-fix CSV names the system each file came from).
RENAME_ITEMS = {3: "XPM", 12: "XPM", 13: "XPM"}


def get_step(key: str) -> Step:
    try:
        return STEPS_BY_KEY[key]
    except KeyError:
        raise Http404("No such checklist step.") from None


def neighbours(step: Step) -> tuple[Step | None, Step | None]:
    previous = STEPS_BY_NUMBER.get(step.number - 1)
    following = STEPS_BY_NUMBER.get(step.number + 1)
    return previous, following
