"""Step 12: no internal naming conventions ("1478 Blue Bell Group") in client names.

C12.E001 is any XPM client name carrying a code or marker (``names.strip_internal_code``).
C12.E002 is an XPM client whose name and a client-facing name (Xero contact, Ignition client,
Ignition proposal client) differ ONLY by such a code, either way round: the XPM name carries the
code and the other system has the clean name, or the other system carries it. Names equal as typed
are no finding of E002 (they match; E001 still reports the code).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from audits.validators.base import Context, Finding, Related, Rule, rows_by_value
from audits.validators.names import strip_internal_codes

WHERE = "XPM → Clients → (the client) → Edit Client"
FACING = (
    ("xero_contacts", "name", "Xero → Contacts → (the contact) → Edit"),
    ("ignition_clients", "name", "Ignition → Clients → (the client) → Edit"),
    ("ignition_proposals", "client", "Ignition → Clients → (the client) → Edit"),
)


def coded(ctx: Context) -> pd.DataFrame:
    """XPM clients whose name carries a code or marker: index, name, stripped."""

    def compute() -> pd.DataFrame:
        t = ctx.table("xpm_clients")
        names = t.col("name")
        stripped = strip_internal_codes(names)
        hit = (names.str.strip() != "") & (stripped != names)
        return pd.DataFrame({"name": names[hit], "stripped": stripped[hit]})

    return ctx.memo("internal_names.coded", compute)


def facing_names(ctx: Context) -> dict[str, list[tuple[str, str, tuple[int, ...]]]]:
    """Client-facing name as typed -> [(file, where to fix, rows)], one entry per file."""

    def compute():
        out: dict[str, list[tuple[str, str, tuple[int, ...]]]] = {}
        for kind, field, where in FACING:
            t = ctx.table(kind)
            if t is None:
                continue
            for name, rows in rows_by_value(t.col(field), t.rows).items():
                out.setdefault(name, []).append((t.file, where, tuple(rows)))
        return out

    return ctx.memo("internal_names.facing", compute)


def code_pairs(ctx: Context) -> list[tuple[int, str, str, str, str, tuple[int, ...]]]:
    """(xpm index, XPM name, clean name, facing file, where to fix, facing rows) for every XPM
    client that differs from a client-facing name only by an internal code."""

    def compute():
        t = ctx.table("xpm_clients")
        facing = facing_names(ctx)
        names = t.col("name")
        out = []
        # The XPM name carries the code; the facing system has the clean name.
        for index, name, stripped in coded(ctx).itertuples():
            if name in facing:
                continue
            for file, _where, rows in facing.get(stripped, ()):
                out.append((index, name, stripped, file, WHERE, rows))
        # The facing system carries the code; XPM has the clean name.
        present = set(names)
        dirty = pd.Series(list(facing), dtype=object)
        clean = strip_internal_codes(dirty)
        xpm_rows = names.groupby(names, sort=False).indices
        for name, stripped in zip(dirty, clean, strict=True):
            if stripped == name or stripped not in present or name in present:
                continue
            for file, where, rows in facing[name]:
                for position in xpm_rows[stripped]:
                    out.append((names.index[position], stripped, stripped, file, where, rows))
        return sorted(out, key=lambda o: (int(t.rows[o[0]]), o[3]))

    return ctx.memo("internal_names.pairs", compute)


class CodeInName(Rule):
    code = "C12.E001"
    title = "Client name carrying an internal code or marker"
    needs = ("xpm_clients",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        for index, name, stripped in coded(ctx).itertuples():
            yield self.finding(
                f'The client name "{name}" carries an internal code or marker.',
                hint=f'Rename it "{stripped}" in {WHERE} and keep the code in the Client Code '
                "field (archive the client instead of marking it old). Ignition and Xero match "
                "clients on the name as typed, so the code would stop them linking.",
                **t.at(index, "name"),
                value=name,
                suggestion=stripped,
            )


class DiffersOnlyByCode(Rule):
    code = "C12.E002"
    title = "XPM name differs from the client-facing name only by a code"
    needs = ("xpm_clients",)
    uses = ("xero_contacts", "ignition_clients", "ignition_proposals")

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        names = t.col("name")
        for index, xpm_name, clean, file, where, rows in code_pairs(ctx):
            value = names[index]
            if value == xpm_name:
                message = (
                    f'The XPM client "{value}" is "{clean}" in {file}: the names differ only by '
                    "an internal code."
                )
            else:
                message = (
                    f'The XPM client "{value}" has a coded name in {file}: the names differ '
                    "only by an internal code."
                )
            yield self.finding(
                message,
                hint=f'Use "{clean}" in both: rename it in {where}, so the names match exactly '
                "and Ignition links the client.",
                **t.at(index, "name"),
                value=value,
                suggestion=clean,
                related=(Related(file, rows),),
            )


RULES: tuple[Rule, ...] = (CodeInName(), DiffersOnlyByCode())
