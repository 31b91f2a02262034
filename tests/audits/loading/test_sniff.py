"""Formats and encodings: empty and non-tabular files refused, encodings and delimiters read
(``audits.loading.sniff``).

Pure pandas: no Django, no database. Each test pins the exact outcome (code, words, rows, values).
"""

import io
import random
import zipfile

from audits.loading import load_bytes, sniff_format
from tests.audits.loading.helpers import ACCEPTED, CLIENTS, refused, xlsx

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
