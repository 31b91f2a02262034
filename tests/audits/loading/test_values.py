"""Values: formulas kept as text, Excel cells as a person sees them, dates and numbers
(``audits.loading.values``, ``audits.loading.excel``).

Pure pandas: no Django, no database. Each test pins the exact outcome (code, words, rows, values).
"""

from datetime import datetime

import pandas as pd

from audits.loading import load_bytes
from audits.loading.values import parse_dates, parse_numbers
from tests.audits.loading.helpers import CLIENTS, xlsx


def test_it_keeps_formula_looking_csv_cells_as_text():
    data = (
        b"Client,Email,Phone,Address,City,Region\r\n"
        b'"=HYPERLINK(""http://evil"",""x"")",@SUM(A1),+61 400 000,-5,"\tTab","\rCR"\r\n'
    )
    row = load_bytes(data, "c.csv", kind="xpm_clients").table.df.iloc[0]
    assert row[["name", "email", "phone", "address", "city", "region"]].tolist() == [
        '=HYPERLINK("http://evil","x")',
        "@SUM(A1)",
        "+61 400 000",
        "-5",
        "\tTab",
        "\rCR",
    ]


def test_it_reads_xlsx_formulas_as_their_saved_value_and_text_as_typed():
    data = xlsx([["Client", "Email"], [('=CONCAT("Ja","ne")', "Jane"), "=1+2"]])
    row = load_bytes(data, "c.xlsx", kind="xpm_clients").table.df.iloc[0]
    assert (row["name"], row["email"]) == ("Jane", "=1+2")


def test_it_keeps_xlsx_text_and_numbers_as_a_person_sees_them():
    data = xlsx([["Client", "Client Code", "Phone", "Postcode"], ["Jane", "00123", 1234.5, 2000]])
    row = load_bytes(data, "c.xlsx").table.df.iloc[0]
    assert row[["client_code", "phone", "postcode"]].tolist() == ["00123", "1234.5", "2000"]


def test_it_reads_excel_date_cells_and_serials_as_iso_dates():
    data = xlsx(
        [
            ["Job No.", "Client", "State", "Start Date", "Due Date"],
            ["J1", "Jane", "Planned", datetime(2026, 7, 1), 45839],
        ]
    )
    df = load_bytes(data, "jobs.xlsx").table.df
    assert df[["start_date", "due_date"]].values.tolist() == [["2026-07-01", "2025-07-01"]]


def test_it_reads_day_first_dates_for_a_dmy_practice():
    data = b"Client,DOB\r\nA,03/04/2026\r\nB,2026-04-03\r\nC,1 Jul 2026\r\nD,3.4.2026\r\n"
    df = load_bytes(data, "c.csv", kind="xpm_clients", date_order="dmy").table.df
    assert df["date_of_birth"].tolist() == ["2026-04-03", "2026-04-03", "2026-07-01", "2026-04-03"]


def test_it_reads_month_first_dates_for_an_mdy_practice():
    data = b"Client,DOB\r\nA,03/04/2026\r\nB,12/31/2026\r\nC,2026-04-03\r\n"
    df = load_bytes(data, "c.csv", kind="xpm_clients", date_order="mdy").table.df
    assert df["date_of_birth"].tolist() == ["2026-03-04", "2026-12-31", "2026-04-03"]


def test_it_reports_a_month_first_date_in_a_day_first_file_instead_of_guessing():
    result = load_bytes(b"Client,DOB\r\nA,12/31/2026\r\n", "c.csv", kind="xpm_clients")
    assert result.table.df["date_of_birth"].tolist() == ["12/31/2026"]
    assert result.report.value_issues == [
        (2, "date_of_birth", "12/31/2026", "not a date Liftoff can read")
    ]


def test_it_reports_unreadable_dates_and_keeps_them_as_typed():
    data = b"Client,DOB\r\nA,soon\r\nB,\r\nC,2026\r\nD,31/02/2026\r\n"
    result = load_bytes(data, "c.csv", kind="xpm_clients")
    assert result.table.df["date_of_birth"].tolist() == ["soon", "", "2026", "31/02/2026"]
    assert [(r, v) for r, _, v, _ in result.report.value_issues] == [
        (2, "soon"),
        (4, "2026"),
        (5, "31/02/2026"),
    ]


def test_it_strips_thousands_separators_from_numbers():
    data = b'Service,Price\r\nA,"1,234.50"\r\nB,"$2,400"\r\nC,-1000\r\nD,\r\nE,300\r\n'
    df = load_bytes(data, "s.csv", kind="ignition_services").table.df
    assert df["price"].tolist() == ["1234.50", "2400", "-1000", "", "300"]


def test_it_reports_numbers_it_cannot_read():
    data = b'Service,Price\r\nA,TBC\r\nB,"12,34"\r\nC,5\r\n'
    result = load_bytes(data, "s.csv", kind="ignition_services")
    assert result.table.df["price"].tolist() == ["TBC", "12,34", "5"]
    assert result.report.value_issues == [
        (2, "price", "TBC", "not a number"),
        (3, "price", "12,34", "not a number"),
    ]


def test_it_keeps_stray_spaces_in_values():
    df = load_bytes(
        b"Client,Email\r\n Jane  Smith ,j@x.com\r\n", "c.csv", kind="xpm_clients"
    ).table.df
    assert df["name"].tolist() == [" Jane  Smith "]


def test_it_drops_blank_rows_but_keeps_true_row_numbers():
    data = CLIENTS + b"\r\n,,\r\n  , ,\r\nBob,b@x.com,Company\r\n"
    df = load_bytes(data, "c.csv").table.df
    assert df[["name", "_row"]].values.tolist() == [["Jane Smith", 2], ["Bob", 6]]


def test_repeated_values_are_read_once_each_with_the_same_outcome_as_one_by_one():
    typed = ["03/02/2024", "2024-02-03", "45000", "soon", "", "31/02/2024"] * 5
    column = pd.Series(typed, dtype="str")
    dates, bad = parse_dates(column, "dmy")
    one_by_one = [parse_dates(pd.Series([v] * 1, dtype="str"), "dmy") for v in typed]
    assert dates.tolist() == [d.iat[0] for d, _ in one_by_one]
    assert bad.tolist() == [bool(b[0]) for _, b in one_by_one]
    assert dates.dtype == column.dtype
    amounts = pd.Series(["$1,200.50", "300", "lots", " "] * 4, dtype="str")
    numbers, wrong = parse_numbers(amounts)
    assert numbers.tolist()[:4] == ["1200.50", "300", "lots", " "]
    assert wrong.tolist()[:4] == [False, False, True, False]
