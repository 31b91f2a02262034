"""Record linkage quality on data it was not built on, and on our own realistic practice.

1. FEBRL data sets 1 to 4 (tests/data/febrl; independent, labelled, FEBRL's typing, OCR and
   phonetic corruptions, swaps and missing values): pair-level recall and precision of the
   engine's "same client?" decision (C05.E001 + C05.W002) on sets 1, 2 and 3, and of step 13's
   one-to-one pairing across two files on set 4, beside a name-only rapidfuzz baseline. Sets 3
   and 4 are held out: first scored after the engine was finished, never tuned on.
2. The labelled synthetic practice with hard negatives (tests/audits/dedupe_practice.py:
   households, twins, namesakes, client groups), 20,000 clients, seeds 1-3: C05.W002 clusters.
3. Our generator with ``--noise realistic`` (a quarter of the Xero contacts typed as people
   type): C13.E001 (XPM client <-> its Xero contact spelled differently) recall and precision,
   and how many "no Xero contact at all" (C13.W002) are false, seeds 3 and 4.
4. Splink (DuckDB, unsupervised EM) on 1 is ``bench/splink_compare.py``, run in a virtualenv of
   its own (Splink is not a project dependency).

Targets (issue 11): recall >= 0.98 and precision >= 0.995 on FEBRL 1 and 2 and on the realistic
practice (3). Prints; asserts nothing.

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
from audits.validators.linkage.duplicates import probable_duplicates  # noqa: E402
from tests.audits.dedupe_practice import pair_scores, practice  # noqa: E402
from tests.audits.febrl_scores import (  # noqa: E402
    duplicates_found,
    links_found,
    recall_precision,
)
from tests.data.febrl import febrl, febrl_linkage  # noqa: E402

BASELINE = 90  # the name-only baseline's token-sort threshold


def _baseline_within(names: list[str]) -> set:
    scores = process.cdist(names, names, scorer=fuzz.token_sort_ratio, workers=-1)
    i, j = np.nonzero(np.triu(scores >= BASELINE, k=1))
    return set(zip(i.tolist(), j.tolist(), strict=True))


def _baseline_between(left: list[str], right: list[str]) -> set:
    scores = process.cdist(left, right, scorer=fuzz.token_sort_ratio, workers=-1)
    best = scores.argmax(axis=1)
    keep = scores[np.arange(len(left)), best] >= BASELINE
    return set(zip(np.nonzero(keep)[0].tolist(), best[keep].tolist(), strict=True))


def febrl_scores() -> None:
    for number in (1, 2, 3):
        started = time.perf_counter()
        found, truth, candidates = duplicates_found(number)
        seconds = time.perf_counter() - started
        recall, precision = recall_precision(found, truth)
        frame, _ = febrl(number)
        b_recall, b_precision = recall_precision(_baseline_within(frame["name"].tolist()), truth)
        held = " (held out)" if number == 3 else ""
        print(
            f"FEBRL {number}{held} ({len(frame):,} records, {len(truth):,} true pairs): engine "
            f"recall {recall:.3f} precision {precision:.3f} in {seconds:.2f} s "
            f"({candidates:,} candidate pairs); name-only baseline recall {b_recall:.3f} "
            f"precision {b_precision:.3f}"
        )
    started = time.perf_counter()
    found, truth = links_found()
    seconds = time.perf_counter() - started
    recall, precision = recall_precision(found, truth)
    left, right, _ = febrl_linkage()
    baseline = _baseline_between(left["name"].tolist(), right["name"].tolist())
    b_recall, b_precision = recall_precision(baseline, truth)
    print(
        f"FEBRL 4 (held out; {len(left):,} + {len(right):,} records linked one-to-one as step 13 "
        f"links XPM and Xero, {len(truth):,} true pairs): engine recall {recall:.3f} precision "
        f"{precision:.3f} in {seconds:.2f} s; name-only baseline (best match) recall "
        f"{b_recall:.3f} precision {b_precision:.3f}"
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
