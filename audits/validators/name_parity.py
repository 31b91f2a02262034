"""Step 13: the same client names in Xero and XPM (and Ignition, which links on an exact name).

Between systems only the very same characters match. A name equal after normalisation, or
similar enough by rapidfuzz (``NEAR_SIMILARITY``), is a *near match*: reported with the exact
spelling to use, never merged automatically. Pairs that differ only by an internal code are step
12's (C12.E002).
"""

from __future__ import annotations

from collections.abc import Iterable

from audits.validators.base import Context, Finding, Related, Rule
from audits.validators.clean_data import same_name_groups
from audits.validators.matching import match_name, similar
from audits.validators.names import normalise_name, strip_internal_code

# Near matches that are not normalisation-equal: ``matching.similar`` of ``match_name`` forms
# (token-sort ratio, or plain ratio with spaces removed for "Bluebell"/"Blue Bell"). Measured on
# the generator's practices (1,000 default and 3,000 heavy clients): any value from 85 to 96 gives
# recall and precision 1.000 for C13.E001/W002/W003/E005, because every planted near match there is
# equal after normalisation. 92 is a judgement: strict enough that two different clients rarely
# pass, loose enough for one-letter typos in longer names. It needs tuning on real data.
NEAR_SIMILARITY = 92
XERO_WHERE = "Xero → Contacts → (the contact) → Edit"
XPM_WHERE = "XPM → Clients → (the client) → Edit client"


def _names(table, field: str) -> dict[str, list[int]]:
    """Name -> its spreadsheet rows (blank names left out)."""
    names = table.col(field)
    rows = table.rows.to_numpy()
    return {
        name: [int(rows[i]) for i in positions]
        for name, positions in names.groupby(names, sort=False).indices.items()
        if name.strip()
    }


def spelling_to_use(*names: str) -> str:
    """Of two spellings of one client, the one to keep in both systems: not shouting in capitals
    or all lower case when the other is properly cased."""
    for name in names:
        if not (name.isupper() or name.islower()):
            return name
    return names[0]


def near_matches(names: list[str], candidates: list[str]) -> dict[str, str]:
    """For each name with no exact partner: the candidate it nearly matches, if any."""
    by_normal: dict[str, str] = {}
    for candidate in candidates:
        by_normal.setdefault(normalise_name(candidate), candidate)
    found = {}
    leftovers = []
    for name in names:
        partner = by_normal.get(normalise_name(name))
        if partner is not None:
            found[name] = partner
        else:
            leftovers.append(name)
    if leftovers and candidates:
        pool = list(dict.fromkeys(candidates))
        forms = [match_name(c) for c in pool]
        scores = similar([match_name(n) for n in leftovers], forms)
        for i, name in enumerate(leftovers):
            j = int(scores[i].argmax())
            if scores[i, j] >= NEAR_SIMILARITY:
                found[name] = pool[j]
    return found


def parity(ctx: Context) -> dict:
    def compute() -> dict:
        xpm = _names(ctx.table("xpm_clients"), "name")
        xero = _names(ctx.table("xero_contacts"), "name")
        xpm_missing = [n for n in xpm if n not in xero]
        xero_missing = [n for n in xero if n not in xpm]
        # Names that differ only by an internal code belong to step 12.
        coded = {n for n in xpm_missing if strip_internal_code(n) != n}
        code_partners = {strip_internal_code(n) for n in coded}
        xpm_near = near_matches([n for n in xpm_missing if n not in coded], xero_missing)
        xero_near = near_matches([n for n in xero_missing if n not in code_partners], list(xpm))
        return {
            "xpm": xpm,
            "xero": xero,
            "xpm_missing": xpm_missing,
            "xero_missing": xero_missing,
            "coded": coded,
            "code_partners": code_partners,
            "xpm_near": xpm_near,
            "xero_near": xero_near,
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
                related=(Related(xero_t.file, tuple(p["xero"][partner])),),
            )


class NoXeroContact(Rule):
    code = "C13.W002"
    title = "XPM client with no Xero contact"
    needs = ("xpm_clients", "xero_contacts")

    def check(self, ctx: Context) -> Iterable[Finding]:
        p = parity(ctx)
        t = ctx.table("xpm_clients")
        for name in p["xpm_missing"]:
            if name in p["xpm_near"] or name in p["coded"]:
                continue
            yield self.finding(
                f'XPM client "{name}" has no Xero contact at all.',
                hint="If they are billed, create the Xero contact with exactly this name (or let "
                "Ignition create it when a proposal is accepted).",
                file=t.file,
                rows=tuple(p["xpm"][name]),
                column=t.header("name"),
                value=name,
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
            if name not in invoiced or name in p["xero_near"] or name in p["code_partners"]:
                continue
            yield self.finding(
                f'Xero contact "{name}" has invoices but no XPM client.',
                hint="XPM cannot allocate their invoices to any job. Add the client to XPM with "
                "exactly this name, or bill them outside the practice's jobs.",
                file=t.file,
                rows=tuple(p["xero"][name]),
                column=t.header("name"),
                value=name,
            )


class IgnitionNearMatch(Rule):
    code = "C13.E005"
    title = "Ignition client that nearly, not exactly, matches an XPM client"
    needs = ("xpm_clients", "ignition_clients")

    def check(self, ctx: Context) -> Iterable[Finding]:
        xpm = _names(ctx.table("xpm_clients"), "name")
        t = ctx.table("ignition_clients")
        ignition = _names(t, "name")
        missing = [n for n in ignition if n not in xpm]
        near = near_matches(missing, list(xpm))
        for name in missing:
            partner = near.get(name)
            if partner is None:
                continue
            yield self.finding(
                f'Ignition client "{name}" is "{partner}" in XPM; Ignition links clients only on '
                "an exact name, so it will not link them.",
                hint=f'Rename the Ignition client "{partner}" (Ignition → Clients → the client), '
                "or the XPM client, so both spell it the same.",
                file=t.file,
                rows=tuple(ignition[name]),
                column=t.header("name"),
                value=name,
                suggestion=partner,
                related=(Related(ctx.table("xpm_clients").file, tuple(xpm[partner])),),
            )


class Namesakes(Rule):
    code = "C13.W004"
    title = "Different clients with the same name"
    needs = ("xpm_clients",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        _, namesakes = same_name_groups(ctx)
        for group in sorted(namesakes, key=lambda g: int(g["row"].min())):
            name = group["name"].iloc[0]
            yield self.finding(
                f'{len(group)} different clients are called "{name}"; matching by name cannot '
                "tell them apart.",
                hint="Add a distinguishing middle name or initial to one of them in XPM and "
                "Xero alike (never an internal code).",
                file=t.file,
                rows=tuple(int(r) for r in group["row"]),
                column=t.header("name"),
                value=name,
            )


RULES: tuple[Rule, ...] = (
    NearMatchInXero(),
    NoXeroContact(),
    InvoicedContactWithoutClient(),
    IgnitionNearMatch(),
    Namesakes(),
)
