"""audits.loading on a corpus of awkward and hostile files, every one built here from bytes.

Pure pandas: no Django, no database. Each test pins the exact outcome (code, words, rows, values).
"""

import io
import pickle
import random
import struct
import zipfile
from datetime import date, datetime

import pytest
import xlsxwriter

from audits.kinds import KINDS
from audits.loading import (
    DetectResult,
    LoadError,
    LoadLimits,
    column_letter,
    detect_kind,
    load_bytes,
    load_path,
    match_columns,
    normalise_header,
    read_header,
    sniff_format,
    template_csv,
)

CLIENTS = b"Client,Email,Business Structure\r\nJane Smith,jane@example.com,Individual\r\n"
ACCEPTED = "Accepted: CSV (comma, semicolon or tab separated) or Excel (.xlsx, .xls)."


def refused(data: bytes, name: str = "clients.csv", **kwargs) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_bytes(data, name, **kwargs)
    return caught.value


def xlsx(rows: list[list[object]], first_row: int = 0, first_col: int = 0) -> bytes:
    """An .xlsx whose cells keep their Python types: str as text, numbers as numbers, dates as
    date-formatted serials, ("=formula", cached) tuples as formulas."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet()
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            at = (first_row + r, first_col + c)
            if isinstance(value, tuple):
                sheet.write_formula(*at, value[0], None, value[1])
            elif isinstance(value, datetime | date):
                sheet.write_datetime(*at, value, date_format)
            elif isinstance(value, str):
                sheet.write_string(*at, value)
            elif value is not None:
                sheet.write_number(*at, value)
    book.close()
    return buffer.getvalue()


def rezip(data: bytes, patch: dict[str, bytes]) -> bytes:
    """The same zip with some parts' content replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, patch.get(info.filename, source.read(info)))
    return buffer.getvalue()


# --- empty and not tabular ---------------------------------------------------------------------


def test_it_refuses_a_zero_byte_csv_as_empty():
    error = refused(b"")
    assert (error.code, error.message) == ("empty", "clients.csv has no data rows.")


def test_it_refuses_a_zero_byte_xlsx_as_empty():
    error = refused(b"", "clients.xlsx")
    assert (error.code, error.message) == ("empty", "clients.xlsx has no data rows.")


def test_it_refuses_a_header_only_file():
    error = refused(b"Client,Email,Business Structure\r\n")
    assert (error.code, error.message) == ("no_data_rows", "clients.csv has no data rows.")
    assert error.details["headers"] == ["Client", "Email", "Business Structure"]


def test_it_refuses_a_header_followed_only_by_blank_rows():
    error = refused(b"Client,Email\r\n\r\n,\r\n  ,\t\r\n")
    assert (error.code, error.message) == ("no_data_rows", "clients.csv has no data rows.")


def test_it_refuses_a_pdf_renamed_csv():
    error = refused(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert error.code == "not_tabular"
    assert error.message == f"clients.csv is a PDF document, not a spreadsheet. {ACCEPTED}"
    assert error.details["detected"] == "a PDF document"


def test_it_refuses_png_bytes():
    error = refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "clients.csv")
    assert (error.code, error.details["detected"]) == ("not_tabular", "a PNG image")


def test_it_refuses_binary_junk():
    junk = random.Random(7).randbytes(4096)
    error = refused(junk, "clients.csv")
    assert (error.code, error.details["detected"]) == ("not_tabular", "binary data")


def test_it_refuses_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("clients.csv", CLIENTS)
    error = refused(buffer.getvalue(), "clients.xlsx")
    assert error.code == "not_tabular"
    assert error.message.startswith(
        "clients.xlsx is a ZIP archive that is not an Excel workbook, not a spreadsheet."
    )


def test_it_refuses_a_damaged_zip():
    error = refused(b"PK\x03\x04" + b"\x00" * 64, "clients.xlsx")
    assert (error.code, error.details["detected"]) == ("not_tabular", "a damaged ZIP archive")


def test_it_refuses_an_office_file_that_is_not_a_workbook():
    error = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "clients.xls")
    assert error.code == "not_tabular"
    assert error.details["detected"] == "an Office document that is not a readable Excel workbook"


def test_it_sniffs_the_format_from_bytes_not_the_name():
    assert sniff_format(xlsx([["Client"], ["Jane"]]), "clients.csv") == "xlsx"
    assert sniff_format(CLIENTS, "clients.xlsx") == "csv"


def test_it_refuses_bytes_no_encoding_can_read():
    # 0x81 and 0x8D are undefined in Windows-1252 and invalid as UTF-8.
    error = refused(b"Client,Email\r\nJ\x81ne,j\x8d@x.com\r\n")
    assert error.code == "encoding"
    assert "tried UTF-8, UTF-16 and Windows-1252" in error.message


# --- encodings and delimiters ------------------------------------------------------------------


def test_it_reads_utf8_with_a_bom():
    result = load_bytes(
        b"\xef\xbb\xbf" + "Client,Email\r\nZoë,z@x.com\r\n".encode(), "c.csv", kind="xpm_clients"
    )
    assert result.report.encoding == "utf-8-sig"
    assert result.table.columns["name"] == "Client"
    assert result.table.df["name"].tolist() == ["Zoë"]


def test_it_reads_excel_unicode_text_as_utf16_tabs():
    text = "Client\tEmail\tBusiness Structure\r\nJosé García\tj@x.com\tIndividual\r\n"
    result = load_bytes(text.encode("utf-16"), "clients.txt")
    assert (result.report.encoding, result.report.delimiter) == ("utf-16", "tab")
    assert result.table.df["name"].tolist() == ["José García"]


def test_it_falls_back_to_windows_1252_for_accents():
    data = "Client,Email\r\nRenée Côté,r@x.com\r\n".encode("cp1252")
    result = load_bytes(data, "c.csv", kind="xpm_clients")
    assert result.report.encoding == "cp1252"
    assert result.table.df["name"].tolist() == ["Renée Côté"]


def test_it_reads_semicolon_separated_files():
    data = b"Service;Price;Billing\r\nAudit;2400;Fixed\r\nTax, personal;300;Fixed\r\n"
    result = load_bytes(data, "services.csv")
    assert (result.table.kind, result.report.delimiter) == ("ignition_services", ";")
    assert result.table.df["service"].tolist() == ["Audit", "Tax, personal"]


def test_it_keeps_quoted_newlines_inside_one_row():
    data = b'Client,Address\r\n"Blue Bell","1 High St\nLevel 2"\r\nJo,"2 Low Rd"\r\n'
    df = load_bytes(data, "c.csv", kind="xpm_clients").table.df
    assert df["address"].tolist() == ["1 High St\nLevel 2", "2 Low Rd"]
    assert df["_row"].tolist() == [2, 3]


# --- malformed rows ----------------------------------------------------------------------------


RAGGED = CLIENTS + (
    b"Bob,b@x.com,Individual,surprise\r\nAmy,a@x.com,Individual\r\nTom,t@x.com\r\n"
    b"Eve,e@x.com,Company\r\n"
)


def test_it_refuses_ragged_rows_listing_their_numbers():
    error = refused(RAGGED)
    assert error.code == "bad_rows"
    assert error.message == (
        "clients.csv has 2 rows that could not be read: 3, 5. "
        "Fix them, or load the rest without them."
    )
    assert (error.details["rows"], error.details["loadable"]) == ([3, 5], 3)


def test_it_skips_ragged_rows_when_the_user_accepts():
    result = load_bytes(RAGGED, "clients.csv", accept_bad_rows=True)
    assert result.table.df[["name", "_row"]].values.tolist() == [
        ["Jane Smith", 2],
        ["Amy", 4],
        ["Eve", 6],
    ]
    assert result.report.skipped_rows == [
        (3, "has 4 values where the header has 3 columns"),
        (5, "has 2 values where the header has 3 columns"),
    ]


def test_it_finds_a_row_broken_by_an_unquoted_newline():
    data = CLIENTS + b"Bob,bob@\nexample.com,Individual\r\nAmy,a@x.com,Individual\r\n"
    assert refused(data).details["rows"] == [3, 4]


def test_it_finds_rows_with_a_different_delimiter():
    data = CLIENTS + b"Bob;b@x.com;Individual\r\nAmy,a@x.com,Individual\r\n"
    error = refused(data)
    assert (error.code, error.details["rows"]) == ("bad_rows", [3])
    assert error.details["reasons"] == {3: "has 1 values where the header has 3 columns"}


def test_it_refuses_an_unclosed_quote_that_would_swallow_the_rest():
    data = CLIENTS + b'Bob,"b@x.com,Individual\r\nAmy,a@x.com,Individual\r\n'
    error = refused(data, accept_bad_rows=True)
    assert error.code == "bad_rows"
    assert error.message.startswith("clients.csv could not be read from row 3 on")


# --- headers -----------------------------------------------------------------------------------


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


# --- kinds and mappings ------------------------------------------------------------------------


def test_it_refuses_a_tie_between_kinds():
    error = refused(b"Name,Email\r\nJane,j@x.com\r\n")
    assert error.code == "ambiguous_kind"
    assert error.details["tied"] == [
        "ignition_clients",
        "ignition_team",
        "xero_contacts",
        "xpm_clients",
        "xpm_staff",
    ]
    assert error.message == (
        "clients.csv could be Ignition clients or Ignition team or Xero contacts or XPM clients "
        "or XPM staff. Choose which export it is."
    )


def test_it_refuses_headers_that_match_no_kind():
    error = refused(b"Foo,Bar\r\n1,2\r\n")
    assert (error.code, error.details["candidates"]) == ("unknown_kind", [])


def test_it_lets_an_explicit_kind_win_over_detection():
    result = load_bytes(b"Name,Email\r\nJane,j@x.com\r\n", "staff.csv", kind="xpm_staff")
    assert (result.table.kind, result.table.df["name"].tolist()) == ("xpm_staff", ["Jane"])


def test_it_lets_an_explicit_mapping_override_matching():
    data = b"Client,Customer\r\nC-1,Jane Smith\r\n"
    result = load_bytes(data, "c.csv", kind="xpm_clients", mapping={"name": "Customer"})
    assert result.table.df["name"].tolist() == ["Jane Smith"]
    assert (result.table.columns, result.report.extra_columns) == ({"name": "Customer"}, ["Client"])


def test_it_leaves_out_a_field_mapped_to_nothing():
    result = load_bytes(CLIENTS, "c.csv", kind="xpm_clients", mapping={"email": ""})
    assert "email" not in result.table.df.columns
    assert result.report.extra_columns == ["Email"]


def test_it_ignores_mapped_fields_the_kind_does_not_have():
    mapping = {"name": "Client", "invoice_number": "Email"}
    result = load_bytes(CLIENTS, "c.csv", kind="xpm_clients", mapping=mapping)
    assert result.table.columns == {
        "name": "Client",
        "business_structure": "Business Structure",
        "email": "Email",
    }


def test_it_uses_a_remembered_mapping_to_detect_the_kind():
    data = b"Ref,Who,What\r\nP-1,Jane,Audit\r\n"
    mapping = {"proposal": "Ref", "client": "Who", "service": "What"}
    result = load_bytes(data, "p.csv", mapping=mapping)
    assert result.table.kind == "ignition_proposals"


def test_it_refuses_an_unknown_explicit_kind():
    assert refused(CLIENTS, kind="myob_clients").code == "unknown_kind"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_it_detects_each_kind_from_its_template(kind):
    data = template_csv(kind)
    detected = detect_kind(read_header(data, f"{kind}.csv").headers)
    assert isinstance(detected, DetectResult)
    assert (detected.kind, detected.candidates[0][2]) == (kind, ())


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_it_round_trips_each_template_through_the_loader(kind):
    result = load_bytes(template_csv(kind), f"{kind}.csv")
    spec = KINDS[kind]
    expected = [
        dict(zip(spec.field_names, (*row, *[""] * len(spec.fields)), strict=False))
        for row in spec.example_rows
    ]
    df = result.table.df
    assert df[list(spec.field_names)].to_dict("records") == expected
    assert (result.report.rows, df["_row"].tolist(), result.report.value_issues) == (2, [2, 3], [])


# --- values ------------------------------------------------------------------------------------


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


# --- limits ------------------------------------------------------------------------------------


def test_it_refuses_a_file_over_the_size_limit_before_parsing():
    data = b"%PDF" + b"x" * 200  # would be not_tabular, but size is checked first
    error = refused(data, limits=LoadLimits(max_bytes=100))
    assert (error.code, error.details) == ("too_large", {"size": 204, "limit": 100})
    assert error.message.startswith("clients.csv is 204 bytes; the limit is 100 bytes.")


def test_it_refuses_a_path_over_the_size_limit_without_reading_it(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(CLIENTS * 10)
    with pytest.raises(LoadError) as caught:
        load_path(path, limits=LoadLimits(max_bytes=100))
    assert (caught.value.code, caught.value.details["size"]) == ("too_large", len(CLIENTS) * 10)


def test_it_loads_a_path(tmp_path):
    path = tmp_path / "Clients.csv"
    path.write_bytes(CLIENTS)
    assert load_path(path).table.file == "Clients.csv"


def test_it_refuses_a_million_and_one_rows():
    data = b"Job No.,Client,State\n" + b"J1,Jane,Planned\n" * 1_000_001
    error = refused(data, "jobs.csv")
    assert error.code == "too_many_rows"
    assert error.message.startswith("jobs.csv has 1,000,001 data rows; the limit is 1,000,000.")
    assert error.details == {"rows": 1_000_001, "limit": 1_000_000}


def test_it_does_not_count_blank_rows_against_the_row_limit():
    data = b"Client\n" + b"Jane\n\n\n" * 3
    limits = LoadLimits(max_rows=3)
    assert load_bytes(data, "c.csv", kind="xpm_clients", limits=limits).report.rows == 3
    assert refused(data + b"Bob\n", kind="xpm_clients", limits=limits).code == "too_many_rows"


def test_it_refuses_an_xlsx_over_the_row_limit():
    data = xlsx([["Client"], ["A"], ["B"], ["C"]])
    error = refused(data, "c.xlsx", limits=LoadLimits(max_rows=2))
    assert (error.code, error.details) == ("too_many_rows", {"rows": 3, "limit": 2})


def test_it_refuses_an_xlsx_whose_zip_directory_declares_a_huge_size():
    data = bytearray(xlsx([["Client"], ["Jane"]]))
    # Forge the uncompressed size (offset 24) of the first central-directory entry: 3.5 GB.
    at = data.index(b"PK\x01\x02")
    data[at + 24 : at + 28] = struct.pack("<I", 3_500_000_000)
    error = refused(bytes(data), "bomb.xlsx")
    assert error.code == "zip_bomb"
    assert error.details["declared_uncompressed"] > 3_500_000_000
    assert error.message.startswith("bomb.xlsx would unpack to 3.3 GB from")


def test_it_refuses_an_xlsx_that_unpacks_too_many_times_its_size():
    data = xlsx([["Client"], ["Jane"]])
    error = refused(data, "c.xlsx", limits=LoadLimits(max_xlsx_ratio=2))
    assert (error.code, error.details["max_ratio"]) == ("zip_bomb", 2)
    assert error.details["ratio"] > 2


def test_it_refuses_an_xlsx_with_an_external_entity():
    data = xlsx([["Client"], ["Jane"]])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    evil = sheet.replace(b"?>", b'?>\n<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1)
    error = refused(rezip(data, {"xl/worksheets/sheet1.xml": evil}), "evil.xlsx")
    assert (error.code, error.details["part"]) == ("xlsx_unsafe", "xl/worksheets/sheet1.xml")


def test_it_finds_a_doctype_hidden_behind_a_long_prolog_comment():
    data = xlsx([["Client"], ["Jane"]])
    workbook = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    padding = b"<!--" + b"x" * 200_000 + b"-->"
    evil = workbook.replace(b"?>", b"?>" + padding + b"<!DOCTYPE w [<!ENTITY a 'b'>]>", 1)
    assert refused(rezip(data, {"xl/workbook.xml": evil}), "c.xlsx").code == "xlsx_unsafe"


# --- preview and errors ------------------------------------------------------------------------


def test_it_previews_the_header_and_first_rows():
    data = b"Client report\r\nClient;Email\r\n" + b"".join(
        f"C{i};c{i}@x.com\r\n".encode() for i in range(8)
    )
    preview = read_header(data, "c.csv")
    assert (preview.format, preview.encoding, preview.delimiter, preview.header_row) == (
        "csv",
        "utf-8",
        ";",
        2,
    )
    assert preview.headers == ["Client", "Email"]
    assert preview.preview == [[f"C{i}", f"c{i}@x.com"] for i in range(5)]


def test_it_previews_an_xlsx_header():
    preview = read_header(xlsx([["Title"], ["Staff", "Email"], ["Priya", "p@x"]]), "s.xlsx")
    assert (preview.format, preview.header_row, preview.headers) == ("xlsx", 2, ["Staff", "Email"])
    assert preview.preview == [["Priya", "p@x"]]


def test_it_keeps_a_load_error_intact_through_pickling():
    error = refused(b"")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (copy.code, copy.message, copy.details) == (error.code, error.message, error.details)
