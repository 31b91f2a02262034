"""A generated practice (audits.testdata, noise included) as XPM clients, jobs and staff and Xero
contacts and invoices, in the APIs' own field names (docs/connect.md, "Pulling")."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from audits.testdata import build_practice, tables

XPM_WEB = "https://practicemanager.xero.com"


def _iso(day: str) -> str | None:
    try:
        return datetime.strptime(day, "%d/%m/%Y").strftime("%Y-%m-%dT00:00:00") if day else None
    except ValueError:
        return day  # noise the generator injected stays as it is


def ms_date(day: str) -> str | None:
    """A dd/mm/yyyy day as Xero Accounting sends dates: ``/Date(1751328000000+0000)/``."""
    moment = datetime.strptime(day, "%d/%m/%Y").replace(tzinfo=UTC)
    return f"/Date({int(moment.timestamp()) * 1000}+0000)/"


def _party(name: str) -> dict | None:
    return (
        {"uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"staff:{name}")), "name": name}
        if name
        else None
    )


def xpm_client(row: list[str]) -> dict:
    name, first, last, structure, _code, email, phone, address, city, postcode = row[:10]
    region, country, born, tax, account_manager, job_manager, _group, status = row[10:18]
    ident = str(uuid.uuid4())
    return {
        "uuid": ident,
        "name": name,
        "firstName": first or None,
        "lastName": last or None,
        "businessStructure": structure or None,
        "email": email or None,
        "phone": phone or None,
        "address": address or None,
        "city": city or None,
        "region": region or None,
        "postCode": postcode or None,
        "country": country or None,
        "dateOfBirth": _iso(born),
        "taxNumber": tax or None,
        "accountManager": _party(account_manager),
        "jobManager": _party(job_manager),
        "isArchived": "Yes" if status.lower() == "archived" else "No",
        "webUrl": f"{XPM_WEB}/Client/{ident}/Detail",
    }


def xpm_job(row: tuple, clients: dict[str, str]) -> dict:
    number, client, name, _template, category, state, manager, partner = row[:8]
    start, due, order, budget = row[8:12]
    ident = str(uuid.uuid4())
    return {
        "id": number,
        "uuid": ident,
        "name": name or None,
        "client": {"uuid": clients.get(client) or str(uuid.uuid4()), "name": client},
        "clientOrderNumber": order or None,
        "budget": float(budget) if budget else None,
        "state": state,
        "type": category or None,  # XPM calls a job's category its type
        "startDate": _iso(start),
        "dueDate": _iso(due),
        "manager": _party(manager),
        "partner": _party(partner),
        "webUrl": f"{XPM_WEB}/Job/{number}/Detail",
    }


def xpm_staff(row: list[str]) -> dict:
    name, email = row[:2]
    party = _party(name)
    return {
        "uuid": party["uuid"],
        "name": name,
        "email": email or None,
        "webUrl": f"{XPM_WEB}/Staff/{party['uuid']}/Detail",
    }


def xero_contact(row: list[str]) -> dict:
    name, account, email, first, last, tax = row[:6]
    contact = {"ContactID": str(uuid.uuid4()), "Name": name, "ContactStatus": "ACTIVE"}
    optional = {"AccountNumber": account, "EmailAddress": email, "FirstName": first}
    optional |= {"LastName": last, "TaxNumber": tax}
    return contact | {key: value for key, value in optional.items() if value}


def xero_invoices(rows: list[tuple], contacts: dict[str, str]) -> list[dict]:
    """One invoice per invoice number, its lines in the order the generator wrote them."""
    invoices: dict[str, dict] = {}
    for row in rows:
        contact, number, reference, day, due, description, quantity, amount, account = row[:9]
        status = row[11]
        invoice = invoices.setdefault(
            number,
            {
                "Type": "ACCREC",
                "InvoiceID": str(uuid.uuid4()),
                "InvoiceNumber": number,
                "Contact": {
                    "ContactID": contacts.get(contact) or str(uuid.uuid4()),
                    "Name": contact,
                },
                "Date": ms_date(day),
                "DueDate": ms_date(due),
                "Status": status,
                "LineItems": [],
            },
        )
        if reference:
            invoice["Reference"] = reference
        line = {"LineItemID": str(uuid.uuid4()), "Description": description}
        line |= {"Quantity": float(quantity), "UnitAmount": float(amount), "AccountCode": account}
        invoice["LineItems"].append(line)
    return list(invoices.values())


@dataclass
class Generated:
    clients: list[dict] = field(default_factory=list)
    jobs: list[dict] = field(default_factory=list)
    staff: list[dict] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    invoices: list[dict] = field(default_factory=list)
    tables: dict[str, list] = field(default_factory=dict, repr=False)  # as the generator made them


def generated(clients: int = 40, seed: int = 7) -> Generated:
    made = tables.tables(build_practice(clients, seed))
    xpm = [xpm_client(row) for row in made["xpm_clients"]]
    xero = [xero_contact(row) for row in made["xero_contacts"]]
    by_client = {c["name"]: c["uuid"] for c in xpm}
    by_contact = {c["Name"]: c["ContactID"] for c in xero}
    return Generated(
        clients=xpm,
        jobs=[xpm_job(row, by_client) for row in made["xpm_jobs"]],
        staff=[xpm_staff(row) for row in made["xpm_staff"]],
        contacts=xero,
        invoices=xero_invoices(made["xero_invoices"], by_contact),
        tables=made,
    )
