"""Record linkage quality on data it was not built on, and on our own realistic practice.

1. FEBRL data sets 1 and 2 (tests/data/febrl; independent, labelled, FEBRL's typing, OCR and
   phonetic corruptions, swaps and missing values): pair-level recall and precision of the
   engine's "same client?" decision (C05.E001 + C05.W002), beside a name-only rapidfuzz baseline.
2. The labelled synthetic practice with hard negatives (tests/audits/dedupe_practice.py:
   households, twins, namesakes, client groups), 20,000 clients, seeds 1-3: C05.W002 clusters.
3. Our generator with ``--noise realistic`` (a quarter of the Xero contacts typed as people
   type): C13.E001 (XPM client <-> its Xero contact spelled differently) recall and precision,
   and how many "no Xero contact at all" (C13.W002) are false, seeds 3 and 4.
4. Splink (DuckDB, unsupervised EM) on 1 is ``bench/splink_compare.py``, run in a virtualenv of
   its own (Splink is not a project dependency).

Targets (issue 11): recall >= 0.98 and precision >= 0.995 on 1 and 3. Prints; asserts nothing.

    .venv/bin/python bench/bench_linkage.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from audits.loading import load_path  # noqa: E402
from audits.testdata import generate  # noqa: E402
from audits.testdata.scoring import score  # noqa: E402
from audits.validators import clean_data, name_parity  # noqa: E402
from audits.validators.base import Context, Registry, run_rules  # noqa: E402
from audits.validators.linkage import link_within  # noqa: E402
from audits.validators.linkage.duplicates import accepted, probable_duplicates  # noqa: E402
from tests.audits.dedupe_practice import pair_scores, practice  # noqa: E402
from tests.data.febrl import febrl  # noqa: E402

BASELINE = 90  # the name-only baseline's token-sort threshold


def _pr(found: set, truth: set) -> tuple[float, float]:
    hits = len(found & truth)
    return hits / len(truth), (hits / len(found) if found else 1.0)


def febrl_scores() -> None:
    for number in (1, 2):
        frame, truth = febrl(number)
        started = time.perf_counter()
        linkage = link_within(frame)
        keep = accepted(linkage, exact=True)
        seconds = time.perf_counter() - started
        s = linkage.scored
        recall, precision = _pr(
            set(zip(s.i[keep].tolist(), s.j[keep].tolist(), strict=False)), truth
        )
        names = frame["name"].tolist()
        scores = process.cdist(names, names, scorer=fuzz.token_sort_ratio, workers=-1)
        i, j = np.nonzero(np.triu(scores >= BASELINE, k=1))
        b_recall, b_precision = _pr(set(zip(i.tolist(), j.tolist(), strict=False)), truth)
        print(
            f"FEBRL {number} ({len(frame):,} records, {len(truth):,} true pairs): engine recall "
            f"{recall:.3f} precision {precision:.3f} in {seconds:.2f} s "
            f"({len(s.i):,} candidate pairs); name-only baseline recall {b_recall:.3f} "
            f"precision {b_precision:.3f}"
        )


def synthetic_scores() -> None:
    for seed in (1, 2, 3):
        frame, planted = practice(20_000, seed=seed)
        started = time.perf_counter()
        precision, recall = pair_scores(probable_duplicates(frame), planted)
        print(
            f"synthetic practice seed {seed} (20,000 clients, {len(planted)} planted): C05.W002 "
            f"recall {recall:.3f} precision {precision:.3f} in {time.perf_counter() - started:.1f} s"
        )


def realistic_scores() -> None:
    for seed in (3, 4):
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder)
            generate(out, clients=5_000, seed=seed, noise="realistic")
            doc = json.loads((out / "labels.json").read_text(encoding="utf-8"))
            kinds = ("xpm_clients", "xero_contacts", "xero_invoices", "ignition_clients")
            tables = {k: load_path(out / doc["files"][k]).table for k in kinds}
            started = time.perf_counter()
            rules = Registry((*clean_data.RULES, *name_parity.RULES))
            result = run_rules(rules, Context(tables=tables))
            seconds = time.perf_counter() - started
        scores = score(doc["labels"], result.findings)
        e001, w002 = scores["C13.E001"], scores["C13.W002"]
        print(
            f"realistic practice seed {seed} (5,000 clients, {e001.labels} respelled in Xero): "
            f"C13.E001 recall {e001.recall:.3f} precision {e001.precision:.3f}; C13.W002 "
            f"{w002.findings - w002.matched_findings} false of {w002.findings}; steps 5 and 13 in "
            f"{seconds:.1f} s"
        )


if __name__ == "__main__":
    febrl_scores()
    synthetic_scores()
    realistic_scores()
    print("Splink on the same FEBRL data: bench/splink_compare.py, in its own virtualenv")
