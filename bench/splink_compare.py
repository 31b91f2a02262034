"""Splink, the field's reference record-linkage library, on the same data as bench_linkage.py.

Not a project dependency and not run by ``make bench``: it needs its own virtualenv, e.g.

    python3 -m venv /tmp/splinkenv
    /tmp/splinkenv/bin/pip install splink==4.0.8 "sqlglot<25" pandas
    /tmp/splinkenv/bin/python bench/splink_compare.py [--clients-csv var/bench/practice-100000-7-default/xpm_clients.csv]

Splink 4 off the shelf: unsupervised (u by random sampling, m by expectation maximisation on two
blocking rules), name, date-of-birth, Levenshtein and exact comparisons, five blocking rules,
DuckDB. Prints records, true pairs, pair-level recall and precision and time on FEBRL 1 to 4 (3
and 4 are held out, as in ``tests/data/febrl``): 1, 2 and 3 deduplicated, 4 two files linked
(``link_only``, then kept one-to-one greedily, strongest first, like the engine's pairing). With
``--clients-csv`` also the time and peak memory of deduplicating a generated practice's XPM clients.
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

from tests.data.febrl import febrl, febrl_linkage

COMPARISONS = [
    cl.NameComparison("first_name"),
    cl.NameComparison("last_name"),
    cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
    cl.LevenshteinAtThresholds("tax_number", [1, 2]),
    cl.ExactMatch("postcode"),
    cl.LevenshteinAtThresholds("address", [1, 3]),
]
BLOCKING = ["first_name", "last_name", "date_of_birth", "tax_number", "postcode"]


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    df = frame.copy()
    df["unique_id"] = range(len(df))
    return df.replace("", None)


def predict(frames: list[pd.DataFrame], link_type: str, threshold: float) -> pd.DataFrame:
    """Splink trained unsupervised on ``frames``; its pairs at or above ``threshold``."""
    settings = SettingsCreator(
        link_type=link_type,
        comparisons=COMPARISONS,
        blocking_rules_to_generate_predictions=[block_on(column) for column in BLOCKING],
    )
    aliases = ["febrl_4a", "febrl_4b"] if len(frames) == 2 else None
    linker = Linker(frames, settings, db_api=DuckDBAPI(), input_table_aliases=aliases)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    return linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()


def run(frame: pd.DataFrame, threshold: float = 0.5) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of ``frame`` rows Splink calls one person."""
    found = predict([prepare(frame)], "dedupe_only", threshold)
    pairs = zip(found["unique_id_l"], found["unique_id_r"], strict=True)
    return {(min(a, b), max(a, b)) for a, b in pairs}


def link(left: pd.DataFrame, right: pd.DataFrame, threshold: float = 0.5) -> set[tuple[int, int]]:
    """Pairs (i, j) of a ``left`` row and a ``right`` row Splink calls one person, one-to-one:
    greedily, strongest match probability first, each row in at most one pair."""
    found = predict([prepare(left), prepare(right)], "link_only", threshold)
    found = found.sort_values("match_probability", ascending=False, kind="stable")
    rows = zip(found["source_dataset_l"], found["unique_id_l"], found["unique_id_r"], strict=True)
    pairs: set[tuple[int, int]] = set()
    used_left: set[int] = set()
    used_right: set[int] = set()
    for source, a, b in rows:
        i, j = (int(a), int(b)) if source == "febrl_4a" else (int(b), int(a))
        if i not in used_left and j not in used_right:
            used_left.add(i)
            used_right.add(j)
            pairs.add((i, j))
    return pairs


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

    def score(label: str, records: int, truth: set, found: set, seconds: float) -> None:
        hits = len(found & truth)
        print(
            f"Splink on FEBRL {label}: {records:,} records, {len(truth):,} true pairs, "
            f"recall {hits / len(truth):.3f} precision {hits / max(len(found), 1):.3f} "
            f"in {seconds:.1f} s"
        )

    for number in (1, 2, 3):
        frame, truth = febrl(number)
        started = time.perf_counter()
        found = run(frame)
        score(str(number), len(frame), truth, found, time.perf_counter() - started)
    left, right, truth = febrl_linkage()
    started = time.perf_counter()
    found = link(left, right)
    score("4 (4a to 4b)", len(left) + len(right), truth, found, time.perf_counter() - started)
    if "--clients-csv" in sys.argv:
        frame = clients(Path(sys.argv[sys.argv.index("--clients-csv") + 1]))
        started = time.perf_counter()
        found = run(frame)
        print(
            f"Splink dedupe of {len(frame):,} clients: {time.perf_counter() - started:.1f} s, "
            f"peak {peak_gib():.2f} GiB, {len(found):,} pairs"
        )
