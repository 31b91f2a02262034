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
        .startswith('"C03.E001","","","","","","2, 5","","\'=1"')
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Acme;=1+2", "Acme;'=1+2"),
        ("Acme; +1", "Acme; '+1"),
        ("a,-2+3", "a,'-2+3"),
        ("x|@SUM(A1)", "x|'@SUM(A1)"),
        ("line\n=1", "line\n'=1"),
    ],
)
def test_it_defuses_formulas_after_a_separator(value, expected):
    assert escape_cell(value) == expected


def _excel_parts(raw_csv: str, separator: str) -> list[str]:
    """What Excel in a locale with another list separator sees: quotes dropped, split again."""
    return [part.strip().strip('"') for part in raw_csv.replace('","', separator).split(separator)]


def test_it_keeps_a_semicolon_locale_from_running_a_formula():
    raw = to_csv(["name", "town"], [["Acme;=1+2", "Leeds"]]).decode("utf-8-sig")
    data_line = raw.splitlines()[1]
    assert data_line == '"Acme;\'=1+2","Leeds"'
    assert not any(part.startswith(("=", "+", "-", "@")) for part in _excel_parts(data_line, ";"))


def test_it_quotes_every_cell():
    raw = to_csv(["code", "rows"], [["C01", 3], ["", None]]).decode("utf-8-sig")
    assert raw.splitlines() == ['"code","rows"', '"C01","3"', '"",""']
