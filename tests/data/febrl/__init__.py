"""FEBRL data sets 1 and 2 as client frames with their true pairs. pandas only, so the tests,
bench/bench_linkage.py and bench/splink_compare.py (which runs outside the project's
virtualenv) read them one way."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FOLDER = Path(__file__).resolve().parent


def febrl(number: int) -> tuple[pd.DataFrame, set[tuple[int, int]]]:
    """(records as name, first_name, last_name, address, postcode, date_of_birth, tax_number;
    the positional pairs (i < j) of records of one person)."""
    df = pd.read_csv(FOLDER / f"dataset{number}.csv", dtype=str, skipinitialspace=True)
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
    entity = df["rec_id"].str.extract(r"rec-(\d+)")[0]
    truth = set()
    for members in entity.groupby(entity).indices.values():
        truth |= {(int(a), int(b)) for a in members for b in members if a < b}
    return frame, truth
