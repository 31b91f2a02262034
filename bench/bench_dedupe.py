"""Item 5 near-duplicate detection on 100,000 clients (target: <= 20 s, <= 512 MiB peak RSS on
2 cores), its precision/recall on planted duplicates, and the ratio to brute-force all-pairs
``cdist`` on a 10,000-name sample, extrapolated to 100,000 names (n² growth).

Data: ``tests/audits/dedupe_practice.py`` (households, namesakes, shared birthdays, client
groups, shared buildings, ~1% planted duplicates). No Django. Prints; asserts nothing.

    .venv/bin/python bench/bench_dedupe.py [CLIENTS]
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz, process

from audits.validators import clean_data
from audits.validators.base import ROW, Context, Registry, Table, run_rules
from audits.validators.linkage.duplicates import probable_duplicates
from audits.validators.names import match_series
from tests.audits.dedupe_practice import pair_scores, practice

SAMPLE = 10_000


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    started = time.perf_counter()
    frame, planted = practice(clients, seed=7)
    print(
        f"synthesised {len(frame):,} clients with {len(planted):,} planted duplicates in "
        f"{time.perf_counter() - started:.1f} s; RSS so far {peak_rss_mib():.0f} MiB"
    )

    started = time.perf_counter()
    clusters = probable_duplicates(frame)
    blocked = time.perf_counter() - started
    precision, recall = pair_scores(clusters, planted)
    print(
        f"blocked detection: {blocked:.2f} s, {len(clusters):,} clusters, peak RSS "
        f"{peak_rss_mib():.0f} MiB (targets <= 20 s, <= 512 MiB)"
    )
    print(f"planted duplicates: precision {precision:.3f}, recall {recall:.3f} (pairs)")

    table_frame = frame.assign(status="Active", **{ROW: range(2, len(frame) + 2)})
    ctx = Context(tables={"xpm_clients": Table("xpm_clients", table_frame, "clients.csv")})
    started = time.perf_counter()
    result = run_rules(Registry(clean_data.RULES), ctx)
    counts = {code: 0 for code in (r.code for r in clean_data.RULES)}
    for finding in result.findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
    print(
        f"all step-5 rules: {time.perf_counter() - started:.2f} s, peak RSS "
        f"{peak_rss_mib():.0f} MiB; findings {counts}"
    )

    sample = list(match_series(frame["name"].head(SAMPLE)))
    started = time.perf_counter()
    process.cdist(sample, sample, scorer=fuzz.token_sort_ratio, workers=-1, dtype="uint8")
    brute = time.perf_counter() - started
    extrapolated = brute * (len(frame) / SAMPLE) ** 2
    print(
        f"brute-force cdist, {SAMPLE:,} names: {brute:.2f} s -> ~{extrapolated:,.0f} s for "
        f"{len(frame):,} (one scorer, all pairs, n^2); blocked is ~{extrapolated / blocked:,.0f}x "
        "faster"
    )


if __name__ == "__main__":
    main()
