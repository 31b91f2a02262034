"""Step 13: the same client names in Xero and XPM (and Ignition, which links on an exact name).

Between systems only the very same characters match. An XPM client and a Xero contact (or an
Ignition client) whose names differ are first paired on ALL the evidence both have, by the
record-linkage engine (``linkage.crossing``: tax number, email, account number / client code,
first and last name, the name itself), so "Osei Family Trust" and "The Trustee for the Osei
Family Trust" with one email and account number are one client spelled two ways. What is left is
compared on the name alone: equal after normalisation, or similar enough by rapidfuzz
(``matching.NEAR_SIMILARITY``, blocked on name keys so 100,000 names a side never meet
all-pairs). Either way it is a *near match*: reported with the exact spelling to use and the
evidence, never merged automatically. A name carrying an internal code is near-matched on its name without the
code; a pair that differs ONLY by an internal code is step 12's (C12.E002), not reported here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from audits.validators.base import Context, Finding, Related, Rule, rows_by_value
from audits.validators.clean_data import FIELDS as CLIENT_FIELDS
from audits.validators.clean_data import clients, group_evidence, prepared, same_name_groups
from audits.validators.linkage.crossing import pair_up
from audits.validators.linkage.prepare import prepare, renamed
from audits.validators.matching import NamePool, name_pool, near_matches
from audits.validators.names import parse_individual, proper_case, strip_internal_codes

XERO_WHERE = "Xero → Contacts → (the contact) → Edit"
XPM_WHERE = "XPM → Clients → (the client) → Edit Client"
IGNITION_WHERE = "Ignition → Clients → (the client) → Edit"


ACRONYM_LETTERS = 4  # "KPMG", "ABC": a word this short in capitals is a name, not shouting


def _better_case(a: str, b: str) -> str:
    """Of two spellings of one word that differ only in case, the one step 3 would accept: a
    short all-capitals word is an acronym and stays; otherwise mixed or title case wins over
    all capitals or all lower case."""
    for word in (a, b):
        if word.isupper() and len(word) <= ACRONYM_LETTERS:
            return word
    for word in (a, b):
        if not (word.isupper() or word.islower()):
            return word
    return a


def _badly_cased(name: str) -> bool:
    return name.isupper() or name.islower()


def spelling_to_use(*names: str) -> str:
    """Of two spellings of one client, the one to keep in both systems, written as step 3 wants:
    the first spelling that is not all capitals or all lower case (else the first, properly
    cased); then each word that differs only in case from the other spelling is taken from
    whichever has it right ("Harper SHARMA" and "Harper Sharma" give "Harper Sharma")."""
    cased = [n for n in names if not _badly_cased(n)]
    base = cased[0] if cased else proper_case(names[0])
    words = base.split()
    for other in names:
        theirs = (proper_case(other) if _badly_cased(other) else other).split()
        if other is base or len(theirs) != len(words):
            continue
        words = [
            _better_case(mine, their) if mine.casefold() == their.casefold() else mine
            for mine, their in zip(words, theirs, strict=True)
        ]
    return " ".join(words)


def _stripped(names: list[str]) -> dict[str, str]:
    return dict(zip(names, strip_internal_codes(pd.Series(names, dtype=object)), strict=True))


def _names_of(ctx: Context, kind: str) -> dict[str, list[int]]:
    """A kind's names as typed -> their spreadsheet rows (blank names left out), in first-row
    order; once per run (read-only: shared by the rules)."""
    table = ctx.table(kind)
    return ctx.memo(
        f"name_parity.names.{kind}", lambda: rows_by_value(table.col("name"), table.rows)
    )


def _xpm_pool(ctx: Context) -> NamePool:
    """Every XPM client name, indexed for ``near_matches`` once (Xero's and Ignition's names
    are both compared against it)."""
    return ctx.memo("name_parity.xpm_pool", lambda: name_pool(list(_names_of(ctx, "xpm_clients"))))


def _near_by_probe(names: list[str], candidates: list[str] | NamePool) -> dict[str, str]:
    """``near_matches`` where each name is compared without its internal code, if it has one."""
    probes = _stripped(names)
    found = near_matches(list(dict.fromkeys(probes.values())), candidates)
    return {name: found[probe] for name, probe in probes.items() if probe in found}


# The XPM client fields the linkage weighs (clean_data's, less the name and the status).
XPM_FIELDS = tuple(f for f in CLIENT_FIELDS if f not in ("name", "status"))
XERO_FIELDS = ("first_name", "last_name", "account_number", "email", "tax_number")


FIELDS_OF = {
    "xpm_clients": ("name", *XPM_FIELDS),
    "xero_contacts": ("name", *XERO_FIELDS),
    "ignition_clients": ("name", "contact_email"),
}


def _records(ctx: Context, kind: str):
    """Each distinct name's first row of ``kind`` as a linkage frame (the name without its
    internal code), its spreadsheet rows, and the frame prepared for linkage: once per run,
    shared by C13.E001 and C13.E005. XPM's clients are taken from step 5's preparation, with
    only the names that lose an internal code prepared again."""

    def compute():
        table = ctx.table(kind)
        key, *fields = FIELDS_OF[kind]
        frame = pd.DataFrame({key: table.col(key), "_row": table.rows}).reset_index(drop=True)
        for name in fields:
            frame[name] = table.col(name).reset_index(drop=True)
        frame = frame[frame[key].str.strip() != ""].drop_duplicates(key)
        positions = frame.index.to_numpy()  # positions in the table, as step 5 prepared it
        # Ignition's contact email is the client's email as far as matching goes.
        frame = frame.rename(columns={key: "typed", "contact_email": "email"})
        frame = frame.reset_index(drop=True)
        frame["name"] = strip_internal_codes(frame["typed"])
        if kind != "xpm_clients":
            return frame, frame["_row"].to_numpy(), prepare(frame)
        changed = np.flatnonzero((frame["name"] != frame["typed"]).to_numpy(dtype=bool))
        taken = prepared(ctx).take(positions)
        return frame, frame["_row"].to_numpy(), renamed(taken, changed, frame.iloc[changed])

    return ctx.memo(f"name_parity.records.{kind}", compute)


@dataclass
class Linked:
    """Left name -> (right name, evidence) for the pairs made; and per side, name -> the
    evidence of its nearest candidate for a name left unpaired."""

    pairs: dict[str, tuple[str, dict]] = field(default_factory=dict)
    nearest_left: dict[str, dict] = field(default_factory=dict)
    nearest_right: dict[str, dict] = field(default_factory=dict)


def linked(
    ctx: Context, left: tuple[str, list[str]], right: tuple[str, list[str]], verdict: str
) -> Linked:
    """The pairs the linkage engine makes between the listed names of two kinds (the model
    learns from both tables whole)."""
    (lkind, lnames), (rkind, rnames) = left, right
    if not lnames or not rnames:
        return Linked()
    lf, lrows, lprepared = _records(ctx, lkind)
    rf, rrows, rprepared = _records(ctx, rkind)
    only = (lf["typed"].isin(set(lnames)).to_numpy(), rf["typed"].isin(set(rnames)).to_numpy())
    made = pair_up((lf, rf), (lprepared, rprepared), (lrows, rrows), verdict, only)
    return Linked(
        {lf.at[p.left, "typed"]: (rf.at[p.right, "typed"], p.evidence) for p in made.pairs},
        {lf.at[i, "typed"]: shown for i, shown in made.nearest_left.items()},
        {rf.at[j, "typed"]: shown for j, shown in made.nearest_right.items()},
    )


def _paired(ctx: Context, xpm_names: list[str], xero_names: list[str]):
    return linked(
        ctx,
        ("xpm_clients", xpm_names),
        ("xero_contacts", xero_names),
        "same client in XPM and Xero",
    )


def parity(ctx: Context) -> dict:
    def compute() -> dict:
        xpm, xero = _names_of(ctx, "xpm_clients"), _names_of(ctx, "xero_contacts")
        xpm_missing = [n for n in xpm if n not in xero]
        xero_missing = [n for n in xero if n not in xpm]
        # Pairs differing only by an internal code, either way round, belong to step 12.
        xpm_clean, xero_clean = _stripped(xpm_missing), _stripped(xero_missing)
        xero_set, xpm_set = set(xero), set(xpm)
        coded_xpm = {n for n, c in xpm_clean.items() if c != n and c in xero_set}
        coded_xero = {n for n, c in xero_clean.items() if c != n and c in xpm_set}
        coded_xpm |= {xero_clean[n] for n in coded_xero}
        coded_xero |= {xpm_clean[n] for n in coded_xpm if n in xpm_clean}
        left = [n for n in xpm_missing if n not in coded_xpm]
        right = [n for n in xero_missing if n not in coded_xero]
        found = _paired(ctx, left, right)
        pairs = found.pairs
        xpm_near = {name: partner for name, (partner, _) in pairs.items()}
        xpm_near |= _near_by_probe([n for n in left if n not in pairs], right)
        xero_linked = {partner: name for name, (partner, _) in pairs.items()}
        xero_near = xero_linked | _near_by_probe(
            [n for n in right if n not in xero_linked], _xpm_pool(ctx)
        )
        return {
            "xpm": xpm,
            "xero": xero,
            "xpm_missing": xpm_missing,
            "xero_missing": xero_missing,
            "coded_xpm": coded_xpm,
            "coded_xero": coded_xero,
            "xpm_near": xpm_near,
            "xero_near": xero_near,
            "evidence": {name: shown for name, (_, shown) in pairs.items()},
            "nearest_xpm": found.nearest_left,
            "nearest_xero": found.nearest_right,
        }

    return ctx.memo("name_parity", compute)


class NearMatchInXero(Rule):
    code = "C13.E001"
    title = "XPM client with a near, not exact, Xero contact"
    needs = ("xpm_clients", "xero_contacts")

    def check(self, ctx: Context) -> Iterable[Finding]:
        p = parity(ctx)
        xpm_t, xero_t = ctx.table("xpm_clients"), ctx.table("xero_contacts")
        for name in p["xpm_missing"]:
            partner = p["xpm_near"].get(name)
            if partner is None:
                continue
            use = spelling_to_use(partner, name)
            yield self.finding(
                f'XPM client "{name}" has no Xero contact with the same name.',
                hint=f'Xero has "{partner}". Use one spelling in both, e.g. "{use}" '
                f"({XPM_WHERE}, or {XERO_WHERE}).",
                file=xpm_t.file,
                rows=tuple(p["xpm"][name]),
                column=xpm_t.header("name"),
                value=name,
                suggestion=use,
                related=(Related(xero_t.file, tuple(p["xero"][partner]), partner),),
                evidence=p["evidence"].get(name),
            )


class NoXeroContact(Rule):
    code = "C13.W002"
    title = "XPM client with no Xero contact"
    needs = ("xpm_clients", "xero_contacts")

    def check(self, ctx: Context) -> Iterable[Finding]:
        p = parity(ctx)
        t = ctx.table("xpm_clients")
        for name in p["xpm_missing"]:
            if name in p["xpm_near"] or name in p["coded_xpm"]:
                continue
            yield self.finding(
                f'XPM client "{name}" has no Xero contact at all.',
                hint="If they are billed, create the Xero contact with exactly this name (or let "
                "Ignition create it when a proposal is accepted).",
                file=t.file,
                rows=tuple(p["xpm"][name]),
                column=t.header("name"),
                value=name,
                evidence=p["nearest_xpm"].get(name),
            )


class InvoicedContactWithoutClient(Rule):
    code = "C13.W003"
    title = "Xero contact with invoices but no XPM client"
    needs = ("xpm_clients", "xero_contacts", "xero_invoices")

    def check(self, ctx: Context) -> Iterable[Finding]:
        p = parity(ctx)
        t = ctx.table("xero_contacts")
        invoices = ctx.table("xero_invoices")
        invoiced = set(invoices.col("contact"))
        for name in p["xero_missing"]:
            if name not in invoiced or name in p["xero_near"] or name in p["coded_xero"]:
                continue
            yield self.finding(
                f'Xero contact "{name}" has invoices but no XPM client.',
                hint="XPM cannot allocate their invoices to any job. Add the client to XPM with "
                "exactly this name, or bill them outside the practice's jobs.",
                file=t.file,
                rows=tuple(p["xero"][name]),
                column=t.header("name"),
                value=name,
                evidence=p["nearest_xero"].get(name),
            )


class IgnitionNearMatch(Rule):
    code = "C13.E005"
    title = "Ignition client that nearly, not exactly, matches an XPM client"
    needs = ("xpm_clients", "ignition_clients")

    def check(self, ctx: Context) -> Iterable[Finding]:
        xpm_t, t = ctx.table("xpm_clients"), ctx.table("ignition_clients")
        xpm, ignition = _names_of(ctx, "xpm_clients"), _names_of(ctx, "ignition_clients")
        missing = [n for n in ignition if n not in xpm]
        # A difference only by an internal code, either way round, is step 12's (C12.E002).
        clean, xpm_clean = _stripped(missing), set(_stripped(list(xpm)).values())
        missing = [n for n in missing if clean[n] not in xpm and n not in xpm_clean]
        in_ignition = set(ignition)
        pairs = linked(
            ctx,
            ("ignition_clients", missing),
            ("xpm_clients", [n for n in xpm if n not in in_ignition]),
            "same client in Ignition and XPM",
        )
        near = {name: partner for name, (partner, _) in pairs.pairs.items()}
        near |= _near_by_probe([n for n in missing if n not in near], _xpm_pool(ctx))
        for name in missing:
            partner = near.get(name)
            if partner is None:
                continue
            use = spelling_to_use(partner, name)
            yield self.finding(
                f'Ignition client "{name}" is "{partner}" in XPM. Ignition links clients to XPM '
                "only on an exact name, so it will not link them.",
                hint=f'Use one spelling in both, e.g. "{use}": rename it in {IGNITION_WHERE} '
                f"or in {XPM_WHERE}.",
                file=t.file,
                rows=tuple(ignition[name]),
                column=t.header("name"),
                value=name,
                suggestion=use,
                related=(Related(xpm_t.file, tuple(xpm[partner]), partner),),
                evidence=pairs.pairs[name][1] if name in pairs.pairs else None,
            )


class Namesakes(Rule):
    code = "C13.W004"
    title = "Different clients with the same name"
    needs = ("xpm_clients",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        frame = clients(ctx)
        names, rows = frame["name"].to_numpy(), frame["row"].to_numpy()
        _, namesakes = same_name_groups(ctx)
        for group in namesakes:
            name = names[group[0]]
            yield self.finding(
                f'{len(group)} different clients are called "{name}" (their date of birth, tax '
                "number or email differ); matching by name cannot tell them apart.",
                hint=f"Give each a name of their own in {XPM_WHERE} and in {XERO_WHERE} alike: "
                f"{distinguishing_example(name)}. Never an internal code: Ignition and Xero "
                "show the name to the client.",
                file=t.file,
                rows=tuple(int(rows[p]) for p in group),
                column=t.header("name"),
                value=name,
                suggestion=distinguishing_example(name, bare=True),
                evidence=group_evidence(ctx, group, "namesakes"),
            )


def distinguishing_example(name: str, bare: bool = False) -> str:
    """How to tell namesakes apart: a middle initial for a person ("Bruce A. Sullivan" as a
    pattern), a trading or place name for an organisation. ``bare`` gives just the pattern."""
    parsed = parse_individual(name)
    words = name.split()
    if (
        2 <= len(words) <= 4
        and parsed.given
        and parsed.family
        and not any(c.isdigit() for c in name)
    ):
        pattern = f"{parsed.given} <middle initial> {parsed.family}"
        return pattern if bare else f'add a middle name or initial, e.g. "{pattern}"'
    pattern = f"{name} (<trading or place name>)"
    return pattern if bare else f'add what the client is known by, e.g. "{pattern}"'


RULES: tuple[Rule, ...] = (
    NearMatchInXero(),
    NoXeroContact(),
    InvoicedContactWithoutClient(),
    IgnitionNearMatch(),
    Namesakes(),
)
