"""A generated practice (audits.testdata, noise included) as XPM clients and Xero contacts in the
APIs' own field names (docs/connect.md, "Pulling")."""

from __future__ import annotations

import uuid
from datetime import datetime

from audits.testdata import build_practice, tables


def _iso(day: str) -> str | None:
    try:
        return datetime.strptime(day, "%d/%m/%Y").strftime("%Y-%m-%dT00:00:00") if day else None
    except ValueError:
        return day  # noise the generator injected stays as it is


def xpm_client(row: list[str]) -> dict:
    name, first, last, structure, _code, email, phone, address, city, postcode = row[:10]
    region, country, born, tax, account_manager, job_manager, _group, status = row[10:18]
    return {
        "uuid": str(uuid.uuid4()),
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
        "accountManager": {"uuid": str(uuid.uuid4()), "name": account_manager}
        if account_manager
        else None,
        "jobManager": {"uuid": str(uuid.uuid4()), "name": job_manager} if job_manager else None,
        "isArchived": "Yes" if status.lower() == "archived" else "No",
    }


def xero_contact(row: list[str]) -> dict:
    name, account, email, first, last, tax = row[:6]
    contact = {"ContactID": str(uuid.uuid4()), "Name": name, "ContactStatus": "ACTIVE"}
    optional = {"AccountNumber": account, "EmailAddress": email, "FirstName": first}
    optional |= {"LastName": last, "TaxNumber": tax}
    return contact | {key: value for key, value in optional.items() if value}


def generated(clients: int = 40, seed: int = 7) -> tuple[list[dict], list[dict]]:
    made = tables.tables(build_practice(clients, seed))
    return (
        [xpm_client(row) for row in made["xpm_clients"]],
        [xero_contact(row) for row in made["xero_contacts"]],
    )
