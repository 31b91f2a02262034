"""Step 12: no internal naming conventions ("1478 Blue Bell Group") in client names."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from audits.validators.base import Context, Finding, Related, Rule
from audits.validators.names import strip_internal_code

WHERE = "XPM → Clients → (the client) → Edit client"


def coded(ctx: Context) -> list[tuple[int, str, str]]:
    """(index, name, stripped) for XPM clients whose name carries a code or marker."""

    def compute():
        t = ctx.table("xpm_clients")
        names = t.col("name")
        uniques = {n: strip_internal_code(n) for n in names.unique() if n.strip()}
        return [
            (i, names[i], uniques[names[i]])
            for i in t.df.index
            if names[i].strip() and uniques[names[i]] != names[i]
        ]

    return ctx.memo("internal_names.coded", compute)


def facing_names(ctx: Context) -> dict[str, tuple[str, list[int]]]:
    """Client-facing names (Xero contacts, Ignition clients, proposal clients) -> (file, rows)."""

    def compute():
        out: dict[str, tuple[str, list[int]]] = {}
        for kind, field in (
            ("xero_contacts", "name"),
            ("ignition_clients", "name"),
            ("ignition_proposals", "client"),
        ):
            t = ctx.table(kind)
            if t is None:
                continue
            frame = pd.DataFrame({"name": t.col(field), "row": t.rows})
            for name, rows in frame.groupby("name", sort=False)["row"]:
                out.setdefault(name, (t.file, [int(r) for r in rows]))
        return out

    return ctx.memo("internal_names.facing", compute)


class CodeInName(Rule):
    code = "C12.E001"
    title = "Client name carrying an internal code or marker"
    needs = ("xpm_clients",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        for index, name, stripped in coded(ctx):
            yield self.finding(
                f'The client name "{name}" carries an internal code or marker.',
                hint=f'Rename it "{stripped}" in {WHERE}; keep codes in the client code field. '
                "Ignition and Xero match on the name, so codes stop them linking the client.",
                file=t.file,
                rows=(int(t.rows[index]),),
                column=t.header("name"),
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
        facing = facing_names(ctx)
        for index, name, stripped in coded(ctx):
            if name in facing or stripped not in facing:
                continue
            file, rows = facing[stripped]
            yield self.finding(
                f'The XPM client "{name}" is "{stripped}" in {file}: the names differ only by an '
                "internal code.",
                hint=f'Rename the XPM client "{stripped}" in {WHERE}, so the names match exactly.',
                file=t.file,
                rows=(int(t.rows[index]),),
                column=t.header("name"),
                value=name,
                suggestion=stripped,
                related=(Related(file, tuple(rows)),),
            )


RULES: tuple[Rule, ...] = (CodeInName(), DiffersOnlyByCode())
