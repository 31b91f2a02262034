"""FEBRL data sets as client frames with their true pairs. pandas only, so the tests,
bench/bench_linkage.py and bench/splink_compare.py (which runs outside the project's
virtualenv) read them one way.

Sets 1 and 2 were scored while the engine was built. Sets 3 (duplicates) and 4 (two files to link,
like XPM and Xero) are held out: they were first scored after the engine was finished, and are
scored but never tuned on."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FOLDER = Path(__file__).resolve().parent


def _read(name: str) -> tuple[pd.DataFrame, pd.Series]:
    """(records as name, first_name, last_name, address, postcode, date_of_birth, tax_number;
    the person each record is, from its ``rec-N-org`` / ``rec-N-dup-K`` id)."""
    df = pd.read_csv(FOLDER / name, dtype=str, skipinitialspace=True)
    df = df.fillna("")
    df.columns = [c.strip() for c in df.columns]
    frame = pd.DataFrame(
        {
            "name": (df["given_name"] + " " + df["surname"]).str.strip(),
            "first_name": df["given_name"],
            "last_name": df["surname"],
            "address": (df["street_number"] + " " + df["address_1"]).str.strip(),
            "postcode": df["postcode"],
            "date_of_birth": df["date_of_birth"],
            "tax_number": df["soc_sec_id"],
        }
    )
    return frame, df["rec_id"].str.extract(r"rec-(\d+)")[0]


def febrl(number: int) -> tuple[pd.DataFrame, set[tuple[int, int]]]:
    """Data set 1, 2 or 3: the records and the positional pairs (i < j) of records of one person."""
    frame, entity = _read(f"dataset{number}.csv")
    truth = set()
    for members in entity.groupby(entity).indices.values():
        truth |= {(int(a), int(b)) for a in members for b in members if a < b}
    return frame, truth


def febrl_linkage() -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[int, int]]]:
    """Data set 4: 5,000 originals (4a) and one corrupted copy of each (4b), shuffled; the
    positional pairs (record of 4a, record of 4b) of one person."""
    left, left_entity = _read("dataset4a.csv")
    right, right_entity = _read("dataset4b.csv")
    position = {entity: j for j, entity in enumerate(right_entity)}
    truth = {(i, position[e]) for i, e in enumerate(left_entity) if e in position}
    return left, right, truth
