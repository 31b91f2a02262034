"""Limits: size, rows, zip bombs and DTDs in .xlsx parts (``audits.loading.limits``,
``audits.loading.excel``).

Pure pandas: no Django, no database. Each test pins the exact outcome (code, words, rows, values).
"""

import io
import struct
import zipfile

import pytest

from audits.loading import LoadError, LoadLimits, load_bytes, load_path
from tests.audits.loading.helpers import CLIENTS, refused, rezip, xlsx


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
