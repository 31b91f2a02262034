"""Step 5 (clean data): duplicate, similar, shared-identifier, inactive and blank client rows.

C05.E001 a second client row with the identical name and address, blank email/phone/tax number/DOB/
         code (no job, contact or Ignition client of its own). rows = both; value = name.
C05.W002 a second client with a similar name (accent dropped, variant spelling, "Last First" with
         fields swapped, two-word base joined, or "The …") sharing phone, address (+DOB) with blank
         email/tax; it has its own 2024 Completed job and its own Xero contact. rows = both; value =
         name in the first of the rows (labelled once rows are numbered: ``label_similar``).
C05.W003 an individual's email reused on an unrelated company, or one company's tax number reused on
         another unrelated company. rows = both; value = the shared email / tax number.
C05.W004 status "Archived"/"Inactive" (only a 2024 job, no proposal/invoice/Ignition), or an active
         client with no job at all. xpm row; value = name. (Also for every C10.W003 victim.)
C05.E005 an extra xpm_clients row with blank name (other fields filled), placed last. value = "".
C05.W006 an identifier that fails its own check, each on its own victim: a tax number with one digit
         mistyped (then no valid TFN, ACN or ABN), an email with its "@" doubled ("jane.smith@@…"),
         a phone missing its last digit. xpm row; value = the broken tax number / email / phone.
"""

from __future__ import annotations

from stdnum.au import abn, acn, tfn

from audits.testdata.injectors.victims import anyone, individual, organisation
from audits.testdata.names import unlike
from audits.testdata.practice import Practice
from audits.testdata.records import Client

# Spelling variants used only to inject C05.W002 (never in the pools themselves).
SPELLING = {
    "Sarah": "Sara",
    "Catherine": "Katherine",
    "Stephen": "Steven",
    "Philip": "Phillip",
    "Matthew": "Mathew",
    "Rebecca": "Rebekah",
    "Zoë": "Zoe",
    "José": "Jose",
    "Chloé": "Chloe",
    "Renée": "Renee",
    "Thompson": "Thomson",
    "Clarke": "Clark",
    "Smith": "Smyth",
    "Reid": "Reed",
    "Müller": "Mueller",
    "García": "Garcia",
    "López": "Lopez",
    "McDonald": "MacDonald",
    "Schröder": "Schroeder",
    "Sørensen": "Sorensen",
}


def _copy_contact_details(dup: Client, c: Client) -> None:
    dup.address, dup.city, dup.postcode, dup.region = c.address, c.city, c.postcode, c.region
    dup.account_manager, dup.job_manager = c.account_manager, c.job_manager


def _duplicates(p: Practice, n: int) -> None:
    for c in p.pick(n, "C05.E001", anyone):
        dup = Client(idx=-1, kind=c.kind, name=c.name, first=c.first, last=c.last)
        dup.structure = c.structure
        _copy_contact_details(dup, c)
        p.add_extra(dup)
        p.label("C05.E001", "xpm_clients", [c, dup], c.name)


def _similar_individual(p: Practice, c: Client) -> Client | None:
    candidates = []
    if c.first in SPELLING:
        candidates.append((SPELLING[c.first], c.last))
    if c.last in SPELLING:
        candidates.append((c.first, SPELLING[c.last]))
    candidates.append((c.last, c.first))  # entered family name first
    for first, last in candidates:
        if p.claim(f"{first} {last}"):
            dup = Client(idx=-1, kind="individual", name=f"{first} {last}", first=first, last=last)
            dup.structure = "Individual"
            dup.dob = c.dob
            return dup
    return None


def _similar_organisation(p: Practice, c: Client) -> Client | None:
    words = c.base.split()
    if len(words) == 2 and "&" not in c.base:
        new = c.name.replace(c.base, words[0] + words[1].lower(), 1)
    else:
        new = f"The {c.name}"
    if not p.claim(new):
        return None
    dup = Client(idx=-1, kind=c.kind, name=new)
    dup.structure = c.structure
    return dup


def similar_client(p: Practice, c: Client) -> Client | None:
    """A client whose name is like ``c``'s, sharing its phone and address; None if none is free."""
    similar = _similar_individual if c.kind == "individual" else _similar_organisation
    dup = similar(p, c)
    if dup is None:
        return None
    dup.phone = c.phone
    _copy_contact_details(dup, c)
    dup.partner = c.partner
    dup.code = ""
    return dup


def _similar(p: Practice, n: int) -> None:
    for c in p.pick(n, "C05.W002", anyone):
        dup = similar_client(p, c)
        if dup is None:
            c.victim = ""
            continue
        p.add_extra(dup)
        dup.jobs, dup.xero_name, dup.prior = "prior_only", "", list(c.prior)
        dup.mods["own_contact"] = True
        c.mods["C05.W002"] = dup


def _shared_identifiers(p: Practice, n: int) -> None:
    for i in range(n):
        first = individual if i % 2 == 0 else organisation
        a = p.pick(1, "C05.W003", first)
        b = p.pick(1, "C05.W003", lambda c, a=a: organisation(c) and unlike(a, c))
        if not (a and b):
            continue
        if i % 2 == 0:
            b[0].email = a[0].email
            p.label("C05.W003", "xpm_clients", [a[0], b[0]], a[0].email)
        else:
            b[0].tax = a[0].tax
            p.label("C05.W003", "xpm_clients", [a[0], b[0]], a[0].tax)


def _inactive_or_jobless(p: Practice, n: int) -> None:
    for i, c in enumerate(p.pick(n, "C05.W004", anyone)):
        if i % 2 == 0:
            c.status = "Archived" if i % 4 == 0 else "Inactive"
            c.jobs = "prior_only"
        else:
            c.jobs = "none"
        c.ignition = c.proposals = c.invoices = False
        p.label("C05.W004", "xpm_clients", [c], c.name)


def _blank_names(p: Practice, n: int) -> None:
    for _ in range(n):
        blank = Client(idx=-1, kind="", name="")
        blank.code = p.code("ZZZ")
        blank.email = p.email(f"newclient{p.rng.randint(100, 999)}", "example.com")
        blank.phone = p.phone(True)
        blank.address, blank.city, blank.postcode, blank.region = p.address()
        p.add_extra(blank)
        p.label("C05.E005", "xpm_clients", [blank], "")


def _mistyped_tax(p: Practice, tax: str) -> str:
    """``tax`` with one digit typed wrong, so that it is no valid TFN, ACN or ABN any more."""
    positions = [i for i, ch in enumerate(tax) if ch.isdigit()]
    while True:
        i = p.rng.choice(positions)
        wrong = tax[:i] + p.rng.choice([d for d in "0123456789" if d != tax[i]]) + tax[i + 1 :]
        number = wrong.replace(" ", "")
        valid = tfn.is_valid(number) or acn.is_valid(number) or abn.is_valid(number)
        if not valid and wrong not in p.used_tax:
            p.used_tax.add(wrong)
            return wrong


def _broken_identifiers(p: Practice, n: int) -> None:
    for c in p.pick(n, "C05.W006", lambda c: bool(c.tax)):
        c.tax = _mistyped_tax(p, c.tax)
        p.label("C05.W006", "xpm_clients", [c], c.tax)
    for c in p.pick(n, "C05.W006", lambda c: "@" in c.email):
        c.email = c.email.replace("@", "@@", 1)
        p.used_emails.add(c.email)
        p.label("C05.W006", "xpm_clients", [c], c.email)
    for c in p.pick(n, "C05.W006", lambda c: bool(c.phone)):
        c.phone = c.phone[:-1]
        p.used_phones.add(c.phone)
        p.label("C05.W006", "xpm_clients", [c], c.phone)


def inject(p: Practice, n: int) -> None:
    _duplicates(p, n)
    _similar(p, n)
    _shared_identifiers(p, n)
    _inactive_or_jobless(p, n)
    _blank_names(p, n)
    _broken_identifiers(p, n)


def label_similar(p: Practice) -> None:
    """Once xpm_clients rows are numbered: label each similar pair, value = the first row's name."""
    for c in p.clients:
        dup = c.mods.get("C05.W002")
        if dup is not None:
            first = c if c.row < dup.row else dup
            p.label("C05.W002", "xpm_clients", [c, dup], first.name)
