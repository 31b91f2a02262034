"""Build validator input tables in tests, as loading would: text columns, "" for blank, ``_row``."""

from __future__ import annotations

import pandas as pd

from audits.kinds import KINDS
from audits.validators.base import ROW, Context, Table


def make_table(kind: str, rows: list[dict[str, str]], file: str | None = None) -> Table:
    """Rows become spreadsheet rows 2, 3, … (row 1 is the header), canonical fields as columns."""
    fields = KINDS[kind].field_names
    used = [f for f in fields if any(f in r for r in rows)] or list(KINDS[kind].required)
    df = pd.DataFrame([{f: str(r.get(f, "") or "") for f in used} for r in rows], columns=used)
    df[ROW] = range(2, len(rows) + 2)
    return Table(kind=kind, df=df, file=file or f"{kind}.csv", columns={f: f for f in used})


def make_context(
    state_map: dict[str, str] | None = None, country: str = "AU", **tables: list[dict[str, str]]
) -> Context:
    """``make_context(xpm_clients=[{...}], xero_contacts=[{...}])``."""
    return Context(
        tables={kind: make_table(kind, rows) for kind, rows in tables.items()},
        state_map=state_map or {},
        country=country,
    )
