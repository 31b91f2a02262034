"""Header rows: title lines, duplicate and blank names, normalising, column letters
(``audits.loading.headers``, ``audits.loading.columns``).

Pure pandas: no Django, no database. Each test pins the exact outcome (code, words, rows, values).
"""

import pytest

from audits.loading import column_letter, load_bytes, match_columns, normalise_header
from tests.audits.loading.helpers import refused, xlsx


def test_it_names_duplicate_headers_by_column_letter():
    error = refused(b"Client,Email,client \r\nA,b,c\r\n")
    assert error.code == "duplicate_headers"
    assert '"client" in columns A, C' in error.message
    assert error.details["duplicates"] == {"client": ["A", "C"]}


def test_it_names_duplicate_headers_past_column_z():
    headers = ["Client", *[f"Note {i}" for i in range(25)], "Client"]
    data = (",".join(headers) + "\r\n" + ",".join("x" * len(headers)) + "\r\n").encode()
    assert refused(data).details["duplicates"] == {"client": ["A", "AA"]}


def test_it_names_blank_headers_that_have_data_by_column_letter():
    error = refused(b"Client,,Email\r\nA,x,b\r\n")
    assert (error.code, error.details["columns"]) == ("blank_headers", ["B"])
    assert "column B but no column name in the header row (row 1)" in error.message


def test_it_ignores_an_unnamed_column_with_no_data():
    result = load_bytes(b"Client,Email,\r\nJane,j@x.com,\r\n", "c.csv", kind="xpm_clients")
    assert (result.report.columns, result.report.extra_columns) == (
        {"name": "Client", "email": "Email"},
        [],
    )


def test_it_skips_title_lines_above_a_csv_header_but_counts_them():
    data = b"XPM Client Report\r\nPrinted 1/11/2026\r\n\r\n[Client] Client,[Client] Email\r\n"
    data += b"Jane Smith,j@x.com\r\n\r\nBob Brown,b@x.com\r\n"
    result = load_bytes(data, "c.csv", kind="xpm_clients")
    assert (result.table.kind, result.report.header_row) == ("xpm_clients", 4)
    assert result.report.title_rows_skipped == 3
    assert result.table.df["_row"].tolist() == [5, 7]


def test_it_skips_title_lines_above_an_xlsx_header_but_counts_them():
    data = xlsx([["Job templates"], [], ["Template", "Task"], ["Bookkeeping", "July"], []])
    data_tail = xlsx(
        [["Job templates"], [], ["Template", "Task"], ["Books", "July"], [], ["B", "Aug"]]
    )
    assert load_bytes(data, "t.xlsx").report.header_row == 3
    result = load_bytes(data_tail, "t.xlsx")
    assert result.table.kind == "xpm_job_templates"
    assert result.table.df[["template", "task", "_row"]].values.tolist() == [
        ["Books", "July", 4],
        ["B", "Aug", 6],
    ]


def test_it_counts_xlsx_rows_and_columns_from_the_sheet_corner():
    data = xlsx([["Client", "Email", "Client"], ["Jane", "j@x.com", "x"]], first_row=2, first_col=2)
    error = refused(data, "c.xlsx")
    assert (error.code, error.details["header_row"]) == ("duplicate_headers", 3)
    assert error.details["duplicates"] == {"client": ["C", "E"]}


def test_it_strips_table_prefixes_from_xpm_report_headers():
    data = b"[Job] Job No.,[Client] Client,[Job] Name,[Job] Status\r\nJ1,Jane,Tax 2026,Planned\r\n"
    result = load_bytes(data, "jobs.csv")
    assert result.table.kind == "xpm_jobs"
    assert result.table.columns == {
        "job_no": "[Job] Job No.",
        "client": "[Client] Client",
        "name": "[Job] Name",
        "state": "[Job] Status",
    }


def test_it_matches_xero_star_headers():
    data = b"*ContactName,*InvoiceNumber,Reference\r\nBlue Bell,INV-1,PROP-1\r\n"
    result = load_bytes(data, "Invoices.csv")
    assert result.table.kind == "xero_invoices"
    assert result.table.columns["invoice_number"] == "*InvoiceNumber"


def test_it_matches_headers_ignoring_spaces_entirely():
    assert match_columns(["Contact Name", "Tax  Number", "account_number"], "xero_contacts") == {
        "name": "Contact Name",
        "account_number": "account_number",
        "tax_number": "Tax  Number",
    }


@pytest.mark.parametrize(
    ("header", "normal"),
    [
        ("[Client] Client Name", "client name"),
        ("*ContactName", "contactname"),
        ("  Job  No. ", "job no."),
        ("first_name", "first name"),
        ("* [Job] *Status", "status"),
    ],
)
def test_it_normalises_headers(header, normal):
    assert normalise_header(header) == normal


def test_it_gives_column_letters_like_excel():
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_it_names_the_missing_required_field_and_the_headers_found():
    error = refused(b"Job No.,Client,Notes\r\nJ1,Jane,x\r\n", "jobs.csv")
    assert error.code == "missing_required"
    assert error.message == (
        "jobs.csv has no column for state (required for XPM jobs). "
        "Found: Job No., Client, Notes. Map the columns to continue."
    )
    assert (error.details["missing"], error.details["headers"]) == (
        ["state"],
        ["Job No.", "Client", "Notes"],
    )


def test_it_keeps_unknown_columns_in_the_report():
    data = b"Client,Favourite colour,Email,Shoe size\r\nJane,Blue,j@x.com,5\r\n"
    result = load_bytes(data, "c.csv", kind="xpm_clients")
    assert result.report.extra_columns == ["Favourite colour", "Shoe size"]
    assert list(result.table.df.columns) == ["name", "email", "_row"]
