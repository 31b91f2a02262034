"""The entry points: header previews and ``LoadError`` surviving pickling (``audits.loading.load``).

Pure pandas: no Django, no database. Each test pins the exact outcome (code, words, rows, values).
"""

import pickle

from audits.loading import read_header
from tests.audits.loading.helpers import refused, xlsx


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
