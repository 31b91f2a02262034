"""Step 13 (name parity): the same client spelt differently, or missing, across the systems.

C13.E001 the Xero contact is a normalisation-equal variant (suffix "Pty Ltd"/"Ltd"/"Limited"/
         "Pty. Ltd.", "&"/"and", case); invoices use the Xero spelling. xpm row; value = XPM name.
C13.W002 the client has no Xero contact (and no invoices). xpm row; value = name.
C13.W003 an extra Xero contact (not an XPM client) with one one-line invoice, Reference "PO-…".
         xero_contacts row; value = contact name.
C13.E005 the Ignition client (one contact row, no proposals) is a normalisation-equal variant of the
         XPM name. ignition_clients row; value = Ignition name. (Labelled where the Ignition clients
         table is written: ``tables.build_ignition_clients``.)
C13.W004 a second individual with the same name but different DOB, email, phone, tax number and
         address. rows = both; value = name.

C13.W002/W003 are injected last: they need fuzzy isolation from every other name.
"""

from __future__ import annotations

from audits.testdata.injectors.victims import anyone, individual
from audits.testdata.names import ascii_letters, filter_isolated, name_key
from audits.testdata.practice import Practice
from audits.testdata.records import Client, Rec


def near_variant(c: Client, i: int) -> str:
    """A spelling equal to ``c.name`` after the spec normalisation, but not identical."""
    name = c.name
    if c.kind == "individual":
        return f"{c.first} {c.last.upper()}" if i % 2 == 0 else name.lower()
    options = []
    for a, b in (("Pty Ltd", "Pty. Ltd."), (" Limited", " Ltd"), (" Ltd", " Limited")):
        if name.endswith(a.strip()) and a in name:
            options.append(name[: name.rfind(a)] + b)
    if " & " in name:
        options.append(name.replace(" & ", " and "))
    options.append(name.upper())
    return options[i % len(options)]


def _in_ignition(c: Client) -> bool:
    return c.ignition


def _namesake(p: Practice, c: Client) -> Client:
    twin = Client(idx=-1, kind="individual", name=c.name, first=c.first, last=c.last)
    twin.structure = "Individual"
    twin.code = p.code(c.last)
    twin.email = p.email(f"{ascii_letters(c.first)}.{ascii_letters(c.last)}", "example.net")
    twin.phone = p.phone(True)
    twin.dob = p.dob(c.first, c.last)
    twin.tax = p.tax(9)
    twin.address, twin.city, twin.postcode, twin.region = p.address()
    twin.account_manager, twin.job_manager = c.account_manager, c.job_manager
    return twin


def inject_variants(p: Practice, n: int) -> None:
    """C13.E001 (Xero spelling), C13.E005 (Ignition spelling) and C13.W004 (namesakes)."""
    for i, c in enumerate(p.pick(n, "C13.E001", anyone)):
        c.xero_name = near_variant(c, i)
        p.label("C13.E001", "xpm_clients", [c], c.name)
    for i, c in enumerate(p.pick(n, "C13.E005", _in_ignition)):
        c.ignition_name = near_variant(c, i)
        c.single_contact = True
        c.proposals = False
        c.mods["C13.E005"] = True
    for c in p.pick(n, "C13.W004", individual):
        twin = _namesake(p, c)
        p.add_extra(twin)
        p.label("C13.W004", "xpm_clients", [c, twin], c.name)


def _isolated(candidates: list[Client], contacts: list[str], n: int) -> list[Client]:
    """Up to ``n`` candidates whose name is near no contact but their own."""
    keys = [name_key(c.name) for c in candidates]
    chosen = filter_isolated(keys, [name_key(x) for x in contacts], n, allow_self=True)
    picked = []
    chosen_set = list(chosen)
    for c, k in zip(candidates, keys, strict=True):
        if k in chosen_set and len(picked) < n:
            picked.append(c)
            chosen_set.remove(k)
    return picked


def _extra_contact(p: Practice, i: int, name: str) -> None:
    slug = ascii_letters(name.replace("Pty", "").replace("Ltd", "")).lower()
    email = p.email("accounts", f"{slug}.example")
    rec = Rec([name, "", email, "", "", p.tax(11), "", "", "", "Australia"])
    p.extra_contacts.append((rec, None))
    p.w003_invoices.append((name, f"PO-{4400 + i * 7 + p.rng.randint(0, 6)}"))
    p.label("C13.W003", "xero_contacts", [rec], name)


def inject_missing(p: Practice, n: int) -> None:
    """C13.W002 (no Xero contact) and C13.W003 (a Xero contact that is no XPM client)."""
    contacts = p.contact_names()
    victims = _isolated([c for c in p.pool if not c.victim][: 6 * n], contacts, n)
    for c in victims:
        c.victim = "C13.W002"
        c.xero_name = None
        c.invoices = False
        p.label("C13.W002", "xpm_clients", [c], c.name)
    if not n:
        return
    xpm_names = [name_key(c.name) for c in p.clients + p.extra_rows if c.name]
    fresh = []
    for _ in range(6 * n):
        kind = p.rng.choice(["company", "company", "trust"])
        name, _base = p.org_name(kind)
        fresh.append(name)
    for i, name in enumerate(filter_isolated(fresh, xpm_names, n)):
        _extra_contact(p, i, name)
