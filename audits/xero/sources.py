"""What each pullable kind reads from XPM or Xero (docs/connect.md, "Pulling"): the endpoint and
its paging, and how one record becomes rows of the kind's canonical table (``audits.kinds``)
plus the record's own id and link (``audits.records``).

Not pulled, on purpose: XPM template names (``template.api/list``) and job state names
(``jobstate.api/list``). The templates kind holds one row per *task* and the newest upload of a
kind wins, so a names-only pull would replace the tasks export step 7 checks; job states have no
kind of their own (their types come from the step 11 mapping).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlparse

from audits.records import safe_url

PAGE_SIZE = 100  # records asked for per page (tests page smaller)
WINDOW_MONTHS = 18  # the default date window of invoices and jobs

XPM = "/practicemanager/v3.1"
XERO = "/api.xro/2.0"
MS_DATE = re.compile(r"/Date\((-?\d+)(?:[+-]\d{4})?\)/")


def default_window(today: dt.date) -> dict[str, str]:
    """The last ``WINDOW_MONTHS`` months up to ``today``, as ISO dates."""
    months = today.year * 12 + today.month - 1 - WINDOW_MONTHS
    year, month = divmod(months, 12)
    day = min(today.day, 28)  # every month has a 28th
    return {"from": dt.date(year, month + 1, day).isoformat(), "to": today.isoformat()}


def _named(record: dict, key: str) -> str:
    return (record.get(key) or {}).get("name") or ""


def _text(value) -> str:
    """A JSON value as the canonical CSV holds it: "" for none, numbers without a trailing .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def ms_date(value: str | None) -> str:
    """Xero's ``/Date(1751328000000+0000)/`` as an ISO date; anything else as it came."""
    found = MS_DATE.fullmatch(value or "")
    if not found:
        return (value or "")[:10]
    moment = dt.datetime.fromtimestamp(int(found.group(1)) / 1000, tz=dt.UTC)
    return moment.date().isoformat()


@dataclass(frozen=True)
class Source:
    path: str  # under XERO_API_URL
    tenant: str  # Connection field holding the tenant id
    fields: tuple[str, ...]  # canonical fields, in the order ``canonical`` gives them
    windowed = False  # reads a date window (Pull.window)

    def request(self, cursor: str, window: dict) -> tuple[str, dict]:
        """The path and query of the page at ``cursor`` ("" for the first)."""
        raise NotImplementedError

    def rows(self, body: dict) -> list[dict]:
        raise NotImplementedError

    def next_cursor(self, body: dict, cursor: str) -> str:
        raise NotImplementedError

    def canonical(self, record: dict) -> list[str]:
        raise NotImplementedError

    def lines(self, record: dict) -> list[list[str]]:
        """The canonical rows of one record (an invoice has one per line item)."""
        return [self.canonical(record)]

    def identity(self, record: dict) -> tuple[str, str]:
        """The record's own id and a link to it in XPM or Xero ("" when there is none)."""
        raise NotImplementedError

    def key(self, record: dict) -> str:
        """What makes a record the same across pages ("": never deduplicated)."""
        return ""


class XpmClients(Source):
    def request(self, cursor: str, window: dict) -> tuple[str, dict]:
        return self.path, {"pageSize": PAGE_SIZE, **({"pageToken": cursor} if cursor else {})}

    def rows(self, body: dict) -> list[dict]:
        return body.get("clients") or []

    def next_cursor(self, body: dict, cursor: str) -> str:
        link = ((body.get("pagination") or {}).get("links") or {}).get("next")
        return parse_qs(urlparse(link).query).get("pageToken", [""])[0] if link else ""

    def canonical(self, c: dict) -> list[str]:
        archived = str(c.get("isArchived") or "").lower() in {"yes", "true"}
        plain = [c.get(k) or "" for k in ("name", "firstName", "lastName", "businessStructure")]
        plain += [c.get(k) or "" for k in ("email", "phone", "address", "city", "region")]
        plain += [c.get(k) or "" for k in ("postCode", "country")]
        born = (c.get("dateOfBirth") or "")[:10]
        tax = c.get("taxNumber") or ""
        status = "Archived" if archived else "Active"
        return [*plain, born, tax, _named(c, "accountManager"), _named(c, "jobManager"), status]

    def identity(self, record: dict) -> tuple[str, str]:
        return record.get("uuid") or "", safe_url(record.get("webUrl"))


class XpmJobs(Source):
    """``job.api/current`` (every job in progress), then ``job.api/list`` over the window (the
    completed ones too, which invoices of the window still reference); a job in both once."""

    windowed = True
    LIST = "list"

    def request(self, cursor: str, window: dict) -> tuple[str, dict]:
        if cursor != self.LIST:
            return f"{XPM}/job.api/current", {}
        compact = {k: window[k].replace("-", "") for k in ("from", "to")}
        return f"{XPM}/job.api/list", compact

    def rows(self, body: dict) -> list[dict]:
        return body.get("jobs") or []

    def next_cursor(self, body: dict, cursor: str) -> str:
        return "" if cursor == self.LIST else self.LIST

    def canonical(self, j: dict) -> list[str]:
        # XPM's job ``type`` is its category (job.api/add takes a categoryUuid); the API gives
        # no template name, so that column stays blank.
        names = [j.get("id") or "", _named(j, "client"), j.get("name") or "", ""]
        names += [j.get("type") or "", j.get("state") or ""]
        people = [_named(j, "manager"), _named(j, "partner")]
        dates = [(j.get("startDate") or "")[:10], (j.get("dueDate") or "")[:10]]
        return [*names, *people, *dates, j.get("clientOrderNumber") or ""]

    def identity(self, record: dict) -> tuple[str, str]:
        return record.get("uuid") or record.get("id") or "", safe_url(record.get("webUrl"))

    def key(self, record: dict) -> str:
        return record.get("uuid") or record.get("id") or ""


class XpmStaff(Source):
    def request(self, cursor: str, window: dict) -> tuple[str, dict]:
        return self.path, {}

    def rows(self, body: dict) -> list[dict]:
        return body.get("staffList") or []

    def next_cursor(self, body: dict, cursor: str) -> str:
        return ""  # one answer holds every member

    def canonical(self, s: dict) -> list[str]:
        return [s.get("name") or "", s.get("email") or ""]

    def identity(self, record: dict) -> tuple[str, str]:
        return record.get("uuid") or "", safe_url(record.get("webUrl"))


class XeroPaged(Source):
    """Xero Accounting's ``?page=N``: the next page while ``pagination`` says there is one (or,
    without it, while a page comes back full)."""

    collection = ""

    def rows(self, body: dict) -> list[dict]:
        return body.get(self.collection) or []

    def next_cursor(self, body: dict, cursor: str) -> str:
        page = int(cursor or 1)
        count = (body.get("pagination") or {}).get("pageCount")
        more = page < count if count is not None else len(self.rows(body)) >= PAGE_SIZE
        return str(page + 1) if more else ""


class XeroContacts(XeroPaged):
    collection = "Contacts"

    def request(self, cursor: str, window: dict) -> tuple[str, dict]:
        return self.path, {
            "page": int(cursor or 1),
            "pageSize": PAGE_SIZE,
            "includeArchived": "true",
        }

    def canonical(self, c: dict) -> list[str]:
        keys = ("Name", "AccountNumber", "EmailAddress", "FirstName", "LastName", "TaxNumber")
        return [*(c.get(k) or "" for k in keys), (c.get("ContactStatus") or "").title()]

    def identity(self, record: dict) -> tuple[str, str]:
        found = record.get("ContactID") or ""
        return found, f"https://go.xero.com/Contacts/View/{quote(found)}" if found else ""


class XeroInvoices(XeroPaged):
    """Sales invoices (``ACCREC``) dated within the window, one canonical row per line item."""

    collection = "Invoices"
    windowed = True

    @staticmethod
    def where(window: dict) -> str:
        def stamp(day: str) -> str:
            return "DateTime({},{},{})".format(*day.split("-"))

        return f'Type=="ACCREC" AND Date>={stamp(window["from"])} AND Date<={stamp(window["to"])}'

    def request(self, cursor: str, window: dict) -> tuple[str, dict]:
        page = {"page": int(cursor or 1), "pageSize": PAGE_SIZE}
        return self.path, {**page, "where": self.where(window)}

    def lines(self, i: dict) -> list[list[str]]:
        head = [(i.get("Contact") or {}).get("Name") or "", i.get("InvoiceNumber") or ""]
        head += [i.get("Reference") or "", ms_date(i.get("Date")), ms_date(i.get("DueDate"))]
        status = i.get("Status") or ""  # as Xero says it (AUTHORISED, PAID), like its export
        items = i.get("LineItems") or [{}]
        return [
            [
                *head,
                item.get("Description") or "",
                _text(item.get("Quantity")),
                _text(item.get("UnitAmount")),
                item.get("AccountCode") or "",
                status,
            ]
            for item in items
        ]

    def identity(self, record: dict) -> tuple[str, str]:
        found = record.get("InvoiceID") or ""
        link = f"https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID={quote(found)}"
        return found, link if found else ""


SOURCES: dict[str, Source] = {
    "xpm_clients": XpmClients(
        f"{XPM}/client.api/paged-list",
        "xpm_tenant_id",
        (
            "name",
            "first_name",
            "last_name",
            "business_structure",
            "email",
            "phone",
            "address",
            "city",
            "region",
            "postcode",
            "country",
            "date_of_birth",
            "tax_number",
            "account_manager",
            "job_manager",
            "status",
        ),
    ),
    "xpm_jobs": XpmJobs(
        f"{XPM}/job.api/current",
        "xpm_tenant_id",
        (
            "job_no",
            "client",
            "name",
            "template",
            "category",
            "state",
            "manager",
            "partner",
            "start_date",
            "due_date",
            "client_order_no",
        ),
    ),
    "xpm_staff": XpmStaff(f"{XPM}/staff.api/list", "xpm_tenant_id", ("name", "email")),
    "xero_contacts": XeroContacts(
        f"{XERO}/Contacts",
        "xero_tenant_id",
        ("name", "account_number", "email", "first_name", "last_name", "tax_number", "status"),
    ),
    "xero_invoices": XeroInvoices(
        f"{XERO}/Invoices",
        "xero_tenant_id",
        (
            "contact",
            "invoice_number",
            "reference",
            "invoice_date",
            "due_date",
            "description",
            "quantity",
            "unit_amount",
            "account_code",
            "status",
        ),
    ),
}
