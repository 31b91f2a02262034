import csv
import io

import openpyxl
import pytest

from audits.spreadsheets import FINDING_COLUMNS, escape_cell, finding_rows, to_csv, to_xlsx

HOSTILE = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", HOSTILE)
def test_it_defuses_formula_like_cells(value):
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Blue Bell", "", "1478 Blue Bell", "a=b"])
def test_it_leaves_ordinary_text_alone(value):
    assert escape_cell(value) == value


def test_it_writes_inert_csv():
    data = to_csv(["name"], [[v] for v in HOSTILE])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["'" + v for v in HOSTILE]


def test_it_writes_inert_xlsx():
    data = to_xlsx(["name"], [[v] for v in HOSTILE])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [sheet.cell(row=i, column=1) for i in range(2, len(HOSTILE) + 2)]
    assert all(c.data_type == "s" for c in cells)
    # XLSX stores a carriage return as the escape _x000D_, which openpyxl hands back verbatim.
    assert [c.value.replace("_x000D_", "\r") for c in cells] == ["'" + v for v in HOSTILE]


def test_it_flattens_finding_rows():
    row = next(finding_rows([{"code": "C03.E001", "rows": [2, 5], "value": "=1"}]))
    assert dict(zip(FINDING_COLUMNS, row, strict=True))["rows"] == [2, 5]
    assert (
        to_csv(FINDING_COLUMNS, [row])
        .decode("utf-8-sig")
        .splitlines()[1]
        .startswith('C03.E001,,,,,,"2, 5",,\'=1')
    )
