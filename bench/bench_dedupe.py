"""Near-duplicate detection alone on 100,000 clients (issue 5: ≤ 20 s, ≤ 512 MiB), and the ratio
to brute-force all-pairs ``cdist`` on a 10,000-name sample, extrapolated to 100,000 names.

Uses the generator's 100,000-client practice (written to var/bench/ once). Prints; asserts nothing.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import pandas as pd  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from audits.generator import generate  # noqa: E402
from audits.loading import LoadLimits, load_path  # noqa: E402
from audits.validators.matching import probable_duplicates  # noqa: E402
from audits.validators.names import match_name  # noqa: E402

CLIENTS = 100_000
SAMPLE = 10_000


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    folder = ROOT / "var" / "bench" / f"practice-{CLIENTS}-7-default"
    if not (folder / "xpm_clients.csv").exists():
        generate(folder, clients=CLIENTS, seed=7, problems="default")
    table = load_path(folder / "xpm_clients.csv", limits=LoadLimits(max_bytes=500 * 2**20)).table
    frame = pd.DataFrame(
        {f: table.col(f) for f in ("name", "phone", "email", "tax_number", "address", "postcode")}
    )
    before = rss_mib()
    started = time.perf_counter()
    clusters = probable_duplicates(frame)
    blocked = time.perf_counter() - started
    print(
        f"blocked near-duplicate detection: {len(frame):,} clients in {blocked:.2f} s, "
        f"{len(clusters)} clusters; peak RSS {rss_mib():.0f} MiB (before {before:.0f} MiB); "
        "targets <= 20 s, <= 512 MiB"
    )
    names = [match_name(n) for n in frame["name"].head(SAMPLE)]
    started = time.perf_counter()
    process.cdist(names, names, scorer=fuzz.token_sort_ratio, workers=-1, dtype="uint8")
    brute = time.perf_counter() - started
    extrapolated = brute * (len(frame) / SAMPLE) ** 2
    print(
        f"brute-force cdist on {SAMPLE:,} names: {brute:.2f} s -> about {extrapolated:.0f} s for "
        f"{len(frame):,} (all pairs); blocked is {extrapolated / blocked:.0f}x faster"
    )


if __name__ == "__main__":
    main()
