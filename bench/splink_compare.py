"""Splink, the field's reference record-linkage library, on the same data as bench_linkage.py.

Not a project dependency and not run by ``make bench``: it needs its own virtualenv, e.g.

    python3 -m venv /tmp/splinkenv
    /tmp/splinkenv/bin/pip install splink==4.0.8 "sqlglot<25" pandas
    /tmp/splinkenv/bin/python bench/splink_compare.py [--clients-csv var/bench/practice-100000-7-default/xpm_clients.csv]

Splink 4 off the shelf: unsupervised (u by random sampling, m by expectation maximisation on two
blocking rules), name, date-of-birth, Levenshtein and exact comparisons, five blocking rules,
DuckDB. Prints pair-level recall and precision on FEBRL 1 and 2, time and peak memory; with
``--clients-csv`` the time and memory of deduplicating a generated practice's XPM clients.
"""

from __future__ import annotations

import re
import resource
import sys
import time
from pathlib import Path

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

# The repository root, for the FEBRL loader the tests use (pandas only).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.data.febrl import febrl


def run(frame: pd.DataFrame, threshold: float = 0.5) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of ``frame`` rows Splink calls one person."""
    df = frame.copy()
    df["unique_id"] = range(len(df))
    df = df.replace("", None)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("last_name"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.LevenshteinAtThresholds("tax_number", [1, 2]),
            cl.ExactMatch("postcode"),
            cl.LevenshteinAtThresholds("address", [1, 3]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name"),
            block_on("last_name"),
            block_on("date_of_birth"),
            block_on("tax_number"),
            block_on("postcode"),
        ],
    )
    linker = Linker(df, settings, db_api=DuckDBAPI())
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    found = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    pairs = zip(found["unique_id_l"], found["unique_id_r"], strict=True)
    return {(min(a, b), max(a, b)) for a, b in pairs}


def clients(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, encoding="utf-8-sig").fillna("")
    df.columns = [c.replace("[Client] ", "").lower().replace(" ", "_") for c in df.columns]
    dob = df["date_of_birth"].map(lambda v: "".join(reversed(re.findall(r"\d+", v))))
    return pd.DataFrame(
        {
            "first_name": df["first_name"],
            "last_name": df["last_name"].where(df["last_name"] != "", df["client"]),
            "address": df["postal_address"],
            "postcode": df["postcode"],
            "date_of_birth": dob.where(dob.str.len() == 8, ""),
            "tax_number": df["tax_number"],
        }
    )


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


if __name__ == "__main__":
    for number in (1, 2):
        frame, truth = febrl(number)
        started = time.perf_counter()
        found = run(frame)
        hits = len(found & truth)
        print(
            f"Splink on FEBRL {number}: recall {hits / len(truth):.3f} precision "
            f"{hits / max(len(found), 1):.3f} in {time.perf_counter() - started:.1f} s"
        )
    if "--clients-csv" in sys.argv:
        frame = clients(Path(sys.argv[sys.argv.index("--clients-csv") + 1]))
        started = time.perf_counter()
        found = run(frame)
        print(
            f"Splink dedupe of {len(frame):,} clients: {time.perf_counter() - started:.1f} s, "
            f"peak {peak_gib():.2f} GiB, {len(found):,} pairs"
        )
