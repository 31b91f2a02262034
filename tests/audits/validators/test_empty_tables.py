"""Every rule of every step on exports that hold no data: a header row alone, or rows whose every
cell is blank (a template downloaded and uploaded unfilled). None may crash (C00.E999); an earlier
version crashed six rules on header-only files and two on blank rows."""

import pandas as pd
import pytest

from audits.kinds import KINDS
from audits.validators.base import ROW, Context, Table, run_rules
from audits.validators.registry import REGISTRY


def _table(kind: str, fields: list[str], rows: int) -> Table:
    df = pd.DataFrame({f: [""] * rows for f in fields}, columns=fields, dtype="str")
    df[ROW] = range(2, rows + 2)
    return Table(kind=kind, df=df, file=f"{kind}.csv", columns={f: f for f in fields})


@pytest.mark.parametrize("rows", [0, 3], ids=["header only", "blank rows"])
@pytest.mark.parametrize("columns", ["every column", "required columns"])
def test_no_rule_crashes_on_exports_without_data(rows, columns):
    tables = {
        kind: _table(
            kind,
            list(spec.field_names if columns == "every column" else spec.required),
            rows,
        )
        for kind, spec in KINDS.items()
    }
    result = run_rules(REGISTRY, Context(tables=tables, state_map={}, country="AU"))
    crashed = [f.message for f in result.findings if f.code == "C00.E999"]
    assert crashed == []
    assert not [f for f in result.findings if f.code == "C00.I001"]  # every step was checked
