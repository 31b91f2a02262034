"""The loader on awkward and hostile files, built here (docs/exports.md, "Bad input")."""

import io
import zipfile

import pytest
import xlsxwriter

from audits.kinds import KINDS
from audits.loading import (
    LoadError,
    LoadLimits,
    detect_kind,
    load_bytes,
    normalise_header,
    read_header,
    template_csv,
)

CLIENTS = "Client,Email,Business Structure\r\nJane Smith,jane@example.com,Individual\r\n"


def refused(data: bytes, name: str = "clients.csv", **kwargs) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_bytes(data, name, **kwargs)
    return caught.value


def xlsx(rows: list[list[object]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()


def test_it_refuses_an_empty_file():
    error = refused(b"")
    assert (error.code, error.message) == ("empty", "clients.csv has no data rows.")


def test_it_refuses_a_header_only_file():
    error = refused(b"Client,Email,Business Structure\r\n")
    assert (error.code, error.message) == ("no_data_rows", "clients.csv has no data rows.")


def test_it_refuses_a_pdf_renamed_csv_by_its_bytes():
    error = refused(b"%PDF-1.7\n...")
    assert error.code == "not_tabular"
    assert "clients.csv is a PDF document" in error.message and "Excel (.xlsx" in error.message


def test_it_refuses_a_word_document_renamed_xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w/>")
    assert "is a Word document" in refused(buffer.getvalue(), "clients.xlsx").message


def test_it_refuses_binary_junk():
    assert refused(bytes(range(256)) * 4).code == "not_tabular"


@pytest.mark.parametrize(
    ("encoding", "prefix"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")]
)
def test_it_reads_accented_names_in_every_encoding(encoding, prefix):
    data = prefix + "Client,Email,Business Structure\r\nZoë Müller,z@x.com,Individual\r\n".encode(
        encoding
    )
    assert load_bytes(data, "c.csv").table.df["name"].tolist() == ["Zoë Müller"]


def test_it_reads_excel_unicode_text_as_utf16_tabs():
    data = "Client\tEmail\tBusiness Structure\r\nJosé García\tj@x.com\tIndividual\r\n"
    result = load_bytes(data.encode("utf-16"), "c.txt")
    assert result.table.df["name"].tolist() == ["José García"]
    assert (result.report.encoding, result.report.delimiter) == ("utf-16", "tab")


def test_it_reads_semicolons_and_keeps_quoted_newlines():
    data = b'Client;Email;Address\r\n"Blue Bell; Ltd";a@b.c;"1 High St\r\nLevel 2"\r\nJo;j@x;\r\n'
    df = load_bytes(data, "c.csv", kind="xpm_clients").table.df
    assert df["name"].tolist() == ["Blue Bell; Ltd", "Jo"]
    assert df["address"][0] == "1 High St\r\nLevel 2"
    assert df["_row"].tolist() == [2, 3]


def test_it_skips_title_lines_and_blank_rows_but_counts_them():
    data = b"XPM Client Report\r\nPrinted 1/11/2026\r\n\r\n[Client] Client,[Client] Email\r\n"
    data += b"Jane Smith,j@x.com\r\n\r\nBob Brown,b@x.com\r\n"
    result = load_bytes(data, "c.csv", kind="xpm_clients")
    assert result.table.df["_row"].tolist() == [5, 7]
    assert (result.report.header_row, result.report.title_rows_skipped) == (4, 3)
    assert result.table.columns["name"] == "[Client] Client"


def test_it_finds_the_header_under_a_title_line_in_xlsx():
    data = xlsx([["Job templates"], ["Template", "Task"], ["Bookkeeping", "July"]])
    result = load_bytes(data, "t.xlsx")
    assert result.table.kind == "xpm_job_templates"
    assert result.table.df[["template", "task", "_row"]].values.tolist() == [
        ["Bookkeeping", "July", 3]
    ]


def test_it_matches_xero_star_headers():
    data = b"*ContactName,EmailAddress,AccountNumber\r\nBlue Bell,a@b.c,BB1\r\n"
    assert load_bytes(data, "Contacts.csv").table.kind == "xero_contacts"


def test_it_names_a_missing_required_field_and_the_headers_found():
    error = refused(b"Job No.,Client\r\nJ1,Jane\r\n", "jobs.csv", kind="xpm_jobs")
    assert error.code == "missing_required"
    assert "jobs.csv has no column for state" in error.message
    assert "Found: Job No., Client" in error.message


def test_it_names_duplicate_headers_by_column_letter():
    error = refused(b"Client,Email,client\r\nA,b,c\r\n")
    assert error.code == "duplicate_headers"
    assert '"client" in columns A, C' in error.message


def test_it_names_blank_headers_by_column_letter():
    error = refused(b"Client,,Email\r\nA,x,b\r\n")
    assert (error.code, error.details["columns"]) == ("blank_headers", ["B"])


def test_it_lists_ragged_rows_and_loads_the_rest_only_when_accepted():
    data = CLIENTS.encode() + b"Bob,b@x.com,Individual,surprise\r\nAmy,a@x.com,Individual\r\n"
    error = refused(data)
    assert (error.code, error.details["rows"], error.details["loadable"]) == ("bad_rows", [3], 2)
    result = load_bytes(data, "clients.csv", accept_bad_rows=True)
    assert result.table.df["name"].tolist() == ["Jane Smith", "Amy"]
    assert [r for r, _ in result.report.skipped_rows] == [3]


def test_it_refuses_a_file_over_the_size_limit_before_parsing():
    error = refused(CLIENTS.encode() * 10, limits=LoadLimits(max_bytes=100))
    assert error.code == "too_large"
    assert "the limit is 100 bytes" in error.message


def test_it_refuses_a_file_over_the_row_limit():
    data = b"Client,Email,Business Structure\r\n" + b"A,b,Individual\r\n" * 1_000_001
    error = refused(data)
    assert error.code == "too_many_rows"
    assert "the limit is 1,000,000" in error.message


def test_it_refuses_an_xlsx_whose_declared_size_is_a_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * 5_000_000 + "</a>")
    error = refused(buffer.getvalue(), "bomb.xlsx")
    assert error.code == "zip_bomb"
    assert "would unpack to" in error.message


def test_it_refuses_an_xlsx_with_entity_declarations():
    data = xlsx([["Client"], ["Jane"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/workbook.xml":
                content = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + content
            z.writestr(item, content)
    error = refused(buffer.getvalue(), "evil.xlsx")
    assert error.code == "xlsx_unsafe"


def test_it_keeps_formula_looking_cells_as_text():
    data = b'Client,Email,Business Structure\r\n"=HYPERLINK(""http://x"")",@a,+1\r\n'
    row = load_bytes(data, "c.csv").table.df.iloc[0]
    assert (row["name"], row["email"], row["business_structure"]) == (
        '=HYPERLINK("http://x")',
        "@a",
        "+1",
    )


@pytest.mark.parametrize(
    ("order", "typed", "iso"),
    [("dmy", "03/04/1980", "1980-04-03"), ("mdy", "03/04/1980", "1980-03-04")],
)
def test_it_reads_dates_in_the_practices_order(order, typed, iso):
    data = f"Client,Date of Birth\r\nJane,{typed}\r\n".encode()
    df = load_bytes(data, "c.csv", kind="xpm_clients", date_order=order).table.df
    assert df["date_of_birth"].tolist() == [iso]


def test_it_reads_excel_serial_dates():
    data = b"Client,Date of Birth\r\nJane,29221\r\n"
    df = load_bytes(data, "c.csv", kind="xpm_clients").table.df
    assert df["date_of_birth"].tolist() == ["1980-01-01"]


def test_it_reports_dates_it_cannot_read_instead_of_guessing():
    data = b"Client,Date of Birth\r\nJane,sometime in May\r\n"
    result = load_bytes(data, "c.csv", kind="xpm_clients")
    assert result.table.df["date_of_birth"].tolist() == ["sometime in May"]
    assert result.report.value_issues == [
        (2, "date_of_birth", "sometime in May", "not a date Liftoff can read")
    ]


def test_it_reads_numbers_with_thousands_separators():
    data = b'Service,Price\r\nAnnual accounts,"2,400.50"\r\n'
    df = load_bytes(data, "s.csv", kind="ignition_services").table.df
    assert df["price"].tolist() == ["2400.50"]


def test_it_keeps_unknown_columns_in_the_report():
    data = "Client,Email,Favourite colour,Business Structure\r\nJane,j@x.com,teal,Individual\r\n"
    result = load_bytes(data.encode(), "c.csv")
    assert result.report.extra_columns == ["Favourite colour"]


def test_it_asks_when_two_kinds_tie():
    error = refused(b"Client,Email\r\nJane,j@x.com\r\n")
    assert error.code == "ambiguous_kind"
    assert "could be Ignition clients or XPM clients" in error.message


def test_it_lets_an_explicit_mapping_win():
    data = b"Who,Mail\r\nJane,j@x.com\r\n"
    df = load_bytes(data, "c.csv", kind="xpm_clients", mapping={"name": "Who"}).table.df
    assert df["name"].tolist() == ["Jane"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_it_detects_every_kind_from_its_template(kind):
    data = template_csv(kind)
    assert detect_kind(read_header(data, f"{kind}.csv").headers).kind == kind
    assert load_bytes(data, f"{kind}.csv").report.rows == 2


@pytest.mark.parametrize(
    ("header", "normal"),
    [
        ("[Client] Client Name", "client name"),
        ("*ContactName", "contactname"),
        ("  Job  No. ", "job no."),
    ],
)
def test_it_normalises_headers(header, normal):
    assert normalise_header(header) == normal


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b'{"clients": [{"name": "Ann Lee"}]}', "JSON data"),
        (b'[{"name": "Ann Lee", "email": "a@x.com"}]', "JSON data"),
        (b'<?xml version="1.0"?><clients><client/></clients>', "an XML or HTML document"),
        (b"<!DOCTYPE html><html><body>Report</body></html>", "an XML or HTML document"),
    ],
)
def test_it_refuses_structured_text_that_is_not_a_table(data, what):
    """A .json export goes nowhere near the column-mapping form: it is refused in words."""
    with pytest.raises(LoadError) as refused:
        load_bytes(data, "export.json")
    assert refused.value.code == "not_tabular"
    assert refused.value.message.startswith(f"export.json is {what}, not a spreadsheet.")


def test_it_still_reads_a_csv_whose_first_cell_is_bracketed():
    result = load_bytes(
        b"[Client],Email\r\nAnn Lee,a@x.com\r\n",
        "clients.csv",
        kind="xpm_clients",
        mapping={"name": "[Client]"},
    )
    assert len(result.table.df) == 1
