"""The records behind pulled rows (audits.records) and the pieces the pull sources rely on."""

import datetime as dt

from audits.records import PER_FINDING, Links, rows_of, safe_url
from audits.validators.base import Related
from audits.xero.sources import default_window, ms_date

PULLED = (
    b"contact,invoice_number,record_id,record_url\r\n"
    b"Jane Smith,INV-1,i-1,https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=i-1\r\n"
    b"Jane Smith,INV-1,i-1,https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=i-1\r\n"
    b'"Smith,\nJohn",INV-2,i-2,javascript:alert(1)\r\n'
    b"Nobody,INV-3,,\r\n"
)


def test_it_reads_each_rows_record_by_spreadsheet_row():
    assert rows_of(PULLED) == {
        2: ("i-1", "https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=i-1"),
        3: ("i-1", "https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=i-1"),
        4: ("i-2", ""),  # a value over two lines is still one row
    }
    assert rows_of(b"Client,Email\r\nJane,jane@example.com\r\n") == {}  # an uploaded file


def test_it_gives_a_finding_each_record_once_own_rows_first():
    links = Links(
        {
            "invoices.csv": ("Xero", rows_of(PULLED)),
            "jobs.csv": ("XPM", {7: ("j-7", "https://practicemanager.xero.com/Job/J7")}),
        }
    )
    found = links.of("invoices.csv", (2, 3, 5), (Related("jobs.csv", (7, 8)),))
    assert [(r["system"], r["id"], r["row"]) for r in found] == [
        ("Xero", "i-1", 2),
        ("XPM", "j-7", 7),
    ]
    assert links.of("uploaded.csv", (2,)) == []
    many = Links({"f.csv": ("XPM", {r: (f"c-{r}", "") for r in range(2, 40)})})
    assert len(many.of("f.csv", range(2, 40))) == PER_FINDING
    assert not Links({})


def test_it_offers_only_https_links():
    assert safe_url("https://go.xero.com/Contacts/View/1") == "https://go.xero.com/Contacts/View/1"
    for bad in ("javascript:alert(1)", "http://example.com/", "https:///nohost", "", None):
        assert safe_url(bad) == ""


def test_it_reads_xero_dates():
    assert ms_date("/Date(1751328000000+0000)/") == "2025-07-01"
    assert ms_date("/Date(1751328000000)/") == "2025-07-01"
    assert ms_date("2025-07-01T00:00:00") == "2025-07-01"
    assert ms_date(None) == ""


def test_the_default_window_is_the_last_18_months():
    assert default_window(dt.date(2026, 12, 1)) == {"from": "2025-06-01", "to": "2026-12-01"}
    assert default_window(dt.date(2026, 8, 31))["from"] == "2025-02-28"
    assert default_window(dt.date(2026, 1, 15))["from"] == "2024-07-15"
