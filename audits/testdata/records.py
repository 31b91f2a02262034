"""The generator's records (clients, plain rows, labels) and the two value formats they share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from audits.testdata.formats import FILES


def dmy(d: dt.date) -> str:
    """A date as XPM and Xero write it: d/m/Y with two-digit day and month."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def money(value: float) -> str:
    return f"{value:.2f}"


@dataclass(eq=False)
class Client:
    idx: int
    kind: str  # individual | company | trust | partnership
    name: str
    first: str = ""
    last: str = ""
    base: str = ""
    structure: str = ""
    code: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    city: str = ""
    postcode: str = ""
    region: str = ""
    country: str = "Australia"
    dob: str = ""
    tax: str = ""
    account_manager: str = ""
    job_manager: str = ""
    partner: str = ""
    group: str = ""
    status: str = "Active"
    row: int = 0
    # plan
    services: list[str] = field(default_factory=list)
    prior: list[str] = field(default_factory=list)
    jobs: str = "normal"  # normal | prior_only | none
    xero_name: str | None = ""  # "" -> same as name; None -> no Xero contact
    ignition: bool = True
    ignition_name: str = ""
    proposals: bool = True
    invoices: bool = True
    single_contact: bool = False
    extra: bool = False  # an injected extra row sharing another's name (no own contact/jobs)
    victim: str = ""
    mods: dict[str, Any] = field(default_factory=dict)

    def values(self) -> list[str]:
        return [
            self.name,
            self.first,
            self.last,
            self.structure,
            self.code,
            self.email,
            self.phone,
            self.address,
            self.city,
            self.postcode,
            self.region,
            self.country,
            self.dob,
            self.tax,
            self.account_manager,
            self.job_manager,
            self.group,
            self.status,
        ]


@dataclass(eq=False)
class Rec:
    values: list[str]
    row: int = 0


@dataclass
class Label:
    code: str
    kind: str
    refs: list[Any]  # ints (row numbers) or objects with .row
    value: str

    def resolve(self) -> dict[str, Any]:
        rows = sorted({r if isinstance(r, int) else r.row for r in self.refs})
        return {"file": FILES[self.kind], "rows": rows, "value": self.value}


@dataclass(eq=False)
class Deployment:
    """One service of a client as it is deployed: its proposal, its current-year job, its billing.

    ``activity`` fills it in step by step; the injectors' hooks read it and change it.
    """

    client: Client
    key: str  # a SERVICES key
    main: bool  # the client's first service (the one most problems are injected on)
    start: dt.date
    contact: str  # the Xero contact name invoices use
    ref: str = ""  # the proposal number, the job's Client Order No. ("" without proposals)
    price: float = 0
    name: str = ""
    state: str = ""
    row: int = 0  # the job's row in xpm_jobs
    job_no: str = ""
