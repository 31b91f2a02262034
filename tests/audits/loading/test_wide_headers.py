"""Wide headers: the column limit, repeated names, and work that grows with a file's width at
most linearly (issue 13: ``x,x,…,x`` 40,000 times took 17 s in pandas' name mangling).

Growth is counted, never timed: header normalisations, and every function call (Python's and C
builtins', as ``sys.setprofile`` sees them) made while loading 10,000 against 20,000 columns. 2x the
columns may cost at most 2.2x the calls; the quadratic mangling made 4x. Timings stay in
``bench/bench_loading.py``: a CPU-time ratio asserted here failed when another process shared the
machine.
"""

import sys

import pandas as pd
import pytest

from audits.loading import LoadError, LoadLimits, headers, load_bytes
from audits.loading import csv_grid as csv_grid_module
from tests.audits.loading.helpers import refused, xlsx

UNLIMITED = LoadLimits(max_columns=10**9)


def repeated(n: int) -> bytes:
    """The probe's header: one name ``n`` times, and a row of values."""
    return (",".join(["x"] * n) + "\n" + ",".join(["1"] * n) + "\n").encode()


def distinct(n: int) -> bytes:
    """``n`` different names and a row of values: every cell reaches pandas."""
    return (",".join(f"c{i}" for i in range(n)) + "\n" + ",".join(["1"] * n) + "\n").encode()


def calls_made(data: bytes, limits: LoadLimits) -> int:
    """How many functions loading ``data`` calls: the same for the same input, whatever the load."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        calls += event in ("call", "c_call")

    sys.setprofile(count)
    try:
        with pytest.raises(LoadError):
            load_bytes(data, "wide.csv", limits=limits)
    finally:
        sys.setprofile(None)
    return calls


def test_it_refuses_a_header_over_the_column_limit_in_words():
    error = refused(repeated(2_001))
    assert (error.code, error.details) == (
        "too_many_columns",
        {"columns": 2_001, "row": 1, "limit": 2_000},
    )
    assert error.message.startswith(
        "clients.csv has 2,001 columns in row 1; the limit is 2,000. Export only the columns"
    )


def test_it_loads_a_header_at_the_column_limit():
    names = ["Client", *[f"Note {i}" for i in range(1_999)]]
    data = (",".join(names) + "\n" + ",".join(["Jane"] * 2_000) + "\n").encode()
    assert load_bytes(data, "c.csv", kind="xpm_clients").report.rows == 1


def test_it_refuses_a_wide_header_before_pandas_or_the_header_search(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the wide file reached pandas or the header search")

    monkeypatch.setattr(pd, "read_csv", never)
    monkeypatch.setattr(csv_grid_module, "find_header", never)
    assert refused(repeated(40_000)).code == "too_many_columns"


def test_it_refuses_a_wide_title_line_above_the_header():
    data = b"," * 2_500 + b"\nClient,Email\nJane,j@x.com\n"
    error = refused(data)
    assert (error.code, error.details["row"]) == ("too_many_columns", 1)


def test_it_refuses_a_wide_sheet_before_converting_its_cells():
    data = xlsx([[f"c{i}" for i in range(30)], ["1"] * 30])
    error = refused(data, "wide.xlsx", limits=LoadLimits(max_columns=20))
    assert error.code == "too_many_columns"
    assert error.message.startswith("wide.xlsx has 30 columns; the limit is 20.")


def test_it_shortens_the_list_of_a_name_repeated_many_times():
    error = refused(repeated(30))
    assert error.code == "duplicate_headers"
    assert '"x" in columns A, B, C, D, E, F, G, H, I, J and 20 more.' in error.message
    assert len(error.details["duplicates"]["x"]) == 30


def test_it_normalises_each_header_cell_a_bounded_number_of_times(monkeypatch):
    calls = []
    original = headers.normalise_header

    def counted(h):
        calls.append(1)
        return original(h)

    monkeypatch.setattr(headers, "normalise_header", counted)
    work = {}
    for n in (20_000, 40_000):
        calls.clear()
        with pytest.raises(LoadError):
            load_bytes(repeated(n), "wide.csv", limits=UNLIMITED)
        work[n] = len(calls)
    assert work[40_000] == 2 * work[20_000]
    assert work[20_000] <= 2 * 20_000  # the header and the data row, each once


@pytest.mark.parametrize("make", [repeated, distinct], ids=["one name repeated", "distinct"])
def test_it_makes_at_most_linearly_more_calls_as_the_header_widens(make):
    calls = {n: calls_made(make(n), UNLIMITED) for n in (10_000, 20_000)}
    assert calls[10_000] > 10_000  # the count sees the per-column work at all
    assert calls[20_000] <= 2.2 * calls[10_000], calls
