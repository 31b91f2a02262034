"""Malformed CSV rows: ragged rows, broken quotes and newlines (``audits.loading.csv_grid``).

Pure pandas: no Django, no database. Each test pins the exact outcome (code, words, rows, values).
"""

import csv

import pytest

from audits.loading import load_bytes
from audits.loading.csv_grid import _field_counts, _lines
from audits.loading.limits import LoadLimits
from tests.audits.loading.helpers import CLIENTS, refused

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


@pytest.mark.parametrize(
    "body",
    [
        'a,b,c\n"Smith, Jo",2,3\n\nx,,\n',  # a quoted delimiter, a blank line, empty fields
        'a,b\r\n"x ""y""",z\r\n\r\nlast,row\r\n',  # CRLF, escaped quotes
        'a,"multi\nline",c\nd,e,f\n',  # a quoted field over two lines: the csv module reads all
        "one\n",
    ],
)
def test_field_counts_agree_with_the_csv_module(body):
    expected = [len(r) for r in csv.reader(_lines(body), strict=True)]
    got = _field_counts(body, ",", 1, "clients.csv", LoadLimits())
    assert got.tolist() == expected
