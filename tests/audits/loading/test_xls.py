"""A real Excel 97-2003 workbook (.xls, BIFF8, written by xlwt) through the loader: the format
older XPM and Xero exports still come in."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
import xlwt

from audits.loading import LoadError, load_bytes, sniff_format


def xls(rows: list[list[object]], sheet: str = "Jobs") -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    page = book.add_sheet(sheet)
    as_date = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                page.write(r, c, value, as_date)
            else:
                page.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


JOBS = [
    ["Job report for Harbour & Co"],
    [],
    ["Job No.", "Client", "State", "Start Date", "Due Date", "Budget"],
    ["J0001", "Müller & Søn", "Planned", datetime(2026, 7, 1), datetime(2026, 9, 30), 1250.5],
    ["00042", '=HYPERLINK("x")', "In Progress", datetime(2026, 1, 3), "", 0],
]


def test_it_reads_a_real_xls_with_a_title_line_dates_and_text():
    data = xls(JOBS)
    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file
    assert sniff_format(data, "jobs.csv") == "xls"  # by bytes, not by name
    result = load_bytes(data, "jobs.xls")
    assert result.table.kind == "xpm_jobs"
    assert result.report.title_rows_skipped == 2 and result.report.header_row == 3
    df = result.table.df
    assert df[["job_no", "client", "state", "start_date", "due_date"]].values.tolist() == [
        ["J0001", "Müller & Søn", "Planned", "2026-07-01", "2026-09-30"],
        ["00042", '=HYPERLINK("x")', "In Progress", "2026-01-03", ""],
    ]
    assert df["_row"].tolist() == [4, 5]


def test_it_refuses_a_truncated_xls_in_words():
    with pytest.raises(LoadError) as refused:
        load_bytes(xls(JOBS)[:600], "jobs.xls")
    assert refused.value.code == "not_tabular"
    assert refused.value.message.startswith(
        "jobs.xls is an Office document that is not a readable Excel workbook"
    )
