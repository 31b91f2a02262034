"""The final tables: rows numbered, Xero contacts, Ignition clients (one row per contact), the team.

``finish`` runs after the activity; it sorts xpm_clients (blank names last), xero_contacts and
xpm_staff by name and numbers their rows, so labels that refer to records resolve to spreadsheet
rows. Only the Ignition contacts draw from the random source.
"""

from __future__ import annotations

from audits.testdata.injectors import clean_data
from audits.testdata.names import ascii_letters
from audits.testdata.practice import Practice
from audits.testdata.records import Client, Rec
from audits.testdata.vocabulary import FIRST_F, FIRST_M, LAST


def _number_xpm_clients(p: Practice) -> list[Client]:
    everyone = p.clients + p.extra_rows
    everyone.sort(key=lambda c: (c.name == "", c.name.casefold(), c.idx))
    for i, c in enumerate(everyone):
        c.row = i + 2
    p.xpm_rows = everyone
    return everyone


def _contact(c: Client, name: str) -> Rec:
    tax = c.tax if c.kind != "individual" else ""
    typed = c.mods.get("xero", {})  # what ``noise`` made of the Xero side, if anything
    code, email = typed.get("code", c.code), typed.get("email", c.email)
    first, last, tax = typed.get("first", c.first), typed.get("last", c.last), typed.get("tax", tax)
    return Rec([name, code, email, first, last, tax, c.address, c.city, c.postcode, c.country])


def build_contacts(p: Practice, everyone: list[Client]) -> None:
    """One Xero contact per distinct contact name, plus the injected extra contacts."""
    contacts: list[Rec] = []
    seen: set[str] = set()
    for c in everyone:
        if not c.name or c.xero_name is None:
            continue
        name = c.xero_name or c.name
        if name in seen:
            continue
        seen.add(name)
        contacts.append(_contact(c, name))
    contacts.extend(rec for rec, _ in p.extra_contacts)
    contacts.sort(key=lambda r: r.values[0].casefold())
    for i, r in enumerate(contacts):
        r.row = i + 2
    p.contact_rows = contacts


def _people(p: Practice, c: Client) -> list[tuple[str, str]]:
    """An Ignition client's contacts: the individual, or one or two people of the organisation."""
    rng = p.rng
    if c.kind == "individual":
        return [(f"{c.first} {c.last}", c.email)]
    count = 1 if c.single_contact else rng.choice([1, 1, 2])
    people = []
    slug = c.email.split("@", 1)[1]
    for _ in range(count):
        male = rng.random() < 0.5
        first = rng.choice(FIRST_M if male else FIRST_F)
        last = rng.choice(LAST)
        people.append((f"{first} {last}", f"{ascii_letters(first).lower()}@{slug}"))
    return people


def build_ignition_clients(p: Practice) -> None:
    rows: list[list[str]] = []
    contact_id = 500000
    for c in p.ignition_order:
        name = c.ignition_name or c.name
        cid = p.client_ids[c.idx]
        for person, email in _people(p, c):
            contact_id += 1
            rows.append([name, person, email, cid, str(contact_id)])
            if c.mods.get("C13.E005"):  # name_parity: the Ignition spelling differs
                p.label("C13.E005", "ignition_clients", [len(rows) + 1], name)
    p.ignition_rows = rows


def build_team(p: Practice) -> None:
    p.staff.sort(key=lambda r: r.values[0].casefold())
    for i, r in enumerate(p.staff):
        r.row = i + 2
    team = []
    for s in p.staff:
        if s in p.not_in_team or s in p.new_staff:  # team_linked: C04.E001, C04.W003
            continue
        role = "Admin" if s.values[3] == "Partner" else "Member"
        unlinked = s in p.unlinked  # team_linked: C04.E002
        rec = Rec([s.values[0], s.values[1], role, "" if unlinked else s.values[0]])
        team.append(rec)
        if unlinked:
            p.label("C04.E002", "ignition_team", [rec], s.values[0])
    for i, r in enumerate(team):
        r.row = i + 2
    p.team_rows = team


def finish(p: Practice) -> None:
    everyone = _number_xpm_clients(p)
    clean_data.label_similar(p)
    build_contacts(p, everyone)
    build_ignition_clients(p)
    build_team(p)


def tables(p: Practice) -> dict[str, list]:
    return {
        "xpm_clients": [c.values() for c in p.xpm_rows],
        "xpm_jobs": p.jobs,
        "xpm_staff": [r.values for r in p.staff],
        "xpm_job_templates": p.template_rows,
        "ignition_clients": p.ignition_rows,
        "ignition_team": [r.values for r in p.team_rows],
        "ignition_services": p.service_rows,
        "ignition_proposals": p.proposals,
        "xero_contacts": [r.values for r in p.contact_rows],
        "xero_invoices": p.invoices,
    }
