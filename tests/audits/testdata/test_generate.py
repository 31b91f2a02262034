"""The export generator: deterministic, realistic, in the documented formats and modes.

Runs without Django (``pytest -p no:django``): the generator is pure Python; only the management
command test needs Django, and skips without it.
"""

from __future__ import annotations

import csv
import re
from collections import Counter

import openpyxl
import pytest

from audits.testdata import (
    DATA_RULE_CODES,
    FILES,
    FIRST_F,
    FIRST_M,
    LAST,
    generate,
)
from tests.audits.testdata.helpers import labels_of, read_kind
from tests.docs import documented_codes


def test_it_knows_every_data_rule_of_the_spec():
    implemented, _planned = documented_codes()  # a planned code has no rule to provoke yet
    assert sorted(DATA_RULE_CODES) == sorted(implemented)
    assert len(DATA_RULE_CODES) == 38


# ---------------------------------------------------------------------------------------------
# Determinism, modes, format
# ---------------------------------------------------------------------------------------------
def test_it_is_deterministic_for_a_seed(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    generate(a, clients=300, seed=42, problems="heavy")
    generate(b, clients=300, seed=42, problems="heavy")
    for name in [*FILES.values(), "labels.json"]:
        if name.endswith(".xlsx"):
            kind = next(k for k, v in FILES.items() if v == name)
            assert read_kind(a, kind) == read_kind(b, kind)
        else:
            assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_it_differs_between_seeds(tmp_path):
    generate(tmp_path / "a", clients=300, seed=1)
    generate(tmp_path / "b", clients=300, seed=2)
    for name in ("xpm_clients.csv", "xero_invoices.csv", "labels.json"):
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes()


def test_it_labels_nothing_when_problems_none(clean_1000):
    doc = labels_of(clean_1000)
    assert doc["labels"] == {}
    assert doc["problems"] == "none"


def test_it_labels_every_data_rule_in_default_mode(tmp_path):
    generate(tmp_path, clients=1000, seed=1)
    doc = labels_of(tmp_path)
    missing = [c for c in DATA_RULE_CODES if not doc["labels"].get(c)]
    assert missing == []
    assert set(doc["labels"]) <= set(DATA_RULE_CODES)


def test_it_labels_every_data_rule_at_200_clients(tmp_path):
    generate(tmp_path, clients=200, seed=5)
    doc = labels_of(tmp_path)
    assert [c for c in DATA_RULE_CODES if not doc["labels"].get(c)] == []


def test_it_injects_more_problems_when_heavy(tmp_path):
    generate(tmp_path / "d", clients=1000, seed=1, problems="default")
    generate(tmp_path / "h", clients=1000, seed=1, problems="heavy")
    count = lambda p: sum(len(v) for v in labels_of(p)["labels"].values())  # noqa: E731
    # Client-level rules get 4x the cases; fixed-size ones (templates, library, staff) fewer.
    assert 2.5 * count(tmp_path / "d") <= count(tmp_path / "h") <= 5 * count(tmp_path / "d")


def test_it_writes_the_documented_labels_format(default_1000):
    doc = labels_of(default_1000)
    assert doc["version"] == 1
    assert doc["seed"] >= 1 and doc["clients"] in (50, 200, 1000, 3000)
    assert doc["problems"] in ("default", "heavy")
    assert doc["files"] == FILES
    for code, entries in doc["labels"].items():
        assert re.fullmatch(r"C\d{2}\.[EWI]\d{3}", code)
        for entry in entries:
            assert set(entry) == {"file", "rows", "value"}
            assert entry["file"] in FILES.values()
            assert entry["rows"] == sorted(set(entry["rows"])) and entry["rows"]


def test_it_returns_a_summary(tmp_path):
    summary = generate(tmp_path, clients=100, seed=1)
    assert summary["files"]["xpm_clients"]["rows"] >= 100
    assert summary["labels"]["C03.E001"] >= 1
    assert summary["seconds"] >= 0


def test_it_rejects_an_unknown_problem_level(tmp_path):
    with pytest.raises(ValueError, match="problems"):
        generate(tmp_path, clients=10, seed=1, problems="lots")


def test_it_labels_rows_that_exist_and_hold_the_value(default_1000, default_tables):
    doc = labels_of(default_1000)
    by_file = {FILES[k]: {r["_row"]: r for r in rows} for k, rows in default_tables.items()}
    for code, entries in doc["labels"].items():
        for entry in entries:
            rows = by_file[entry["file"]]
            for n in entry["rows"]:
                assert n in rows, (code, entry)
            first = rows[entry["rows"][0]]
            if entry["value"] == "":
                assert first["name"] == "", (code, entry)
                continue
            assert entry["value"] in first.values(), (code, entry)
            if code != "C05.W002":  # a probable-duplicate cluster spells the name differently
                for n in entry["rows"]:
                    assert entry["value"] in rows[n].values(), (code, entry, n)


def test_it_writes_one_file_in_windows_1252(default_1000):
    data = (default_1000 / "ignition_clients.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert re.search(r"[éëüöáíóñøåèÉ]", text)


def test_it_puts_a_title_line_above_the_xlsx_header(default_1000):
    ws = openpyxl.load_workbook(default_1000 / "xpm_job_templates.xlsx", read_only=True).active
    first, second = list(ws.iter_rows(min_row=1, max_row=2, values_only=True))
    assert first[0] and "Template" in first[0] and first[1] is None
    assert list(second[:2]) == ["Template Name", "Task Name"]


def test_it_uses_real_world_header_styles(default_1000):
    def header(name, encoding="utf-8-sig"):
        with (default_1000 / name).open(encoding=encoding, newline="") as fh:
            return next(csv.reader(fh))

    assert header("xpm_clients.csv")[0] == "[Client] Client"
    assert "[Job] Client Order No." in header("xpm_jobs.csv")
    assert header("xero_contacts.csv")[0] == "*ContactName"
    assert header("xero_invoices.csv")[:2] == ["*ContactName", "*InvoiceNumber"]
    assert header("ignition_clients.csv", "cp1252")[0] == "Client Name"


def test_it_writes_dates_day_first_in_xpm_and_xero(default_tables):
    assert all(
        re.fullmatch(r"\d{2}/\d{2}/\d{4}", r["start_date"]) for r in default_tables["xpm_jobs"]
    )
    assert all(
        re.fullmatch(r"\d{2}/\d{2}/\d{4}", r["invoice_date"])
        for r in default_tables["xero_invoices"]
    )
    days = {int(r["start_date"][:2]) for r in default_tables["xpm_jobs"]}
    assert max(days) > 12  # genuinely day-first, not ambiguous everywhere


def test_it_uses_realistic_names(clean_tables):
    clients = clean_tables["xpm_clients"]
    names = [r["name"] for r in clients]
    structures = Counter(r["business_structure"] for r in clients)
    assert {"Individual", "Company", "Trust", "Partnership"} <= set(structures)
    assert not any(re.search(r"client \d", n, re.I) for n in names)
    assert any(re.search(r"[^\x00-\x7f]", n) for n in names)
    assert any(n.endswith("Pty Ltd") for n in names) and any(n.endswith(" Limited") for n in names)
    assert any(r["group"] for r in clients)
    assert len({r["group"] for r in clients if r["group"]}) >= 5


def test_it_runs_the_management_command_when_django_is_configured(tmp_path):
    # Imported here, not at the top: the other tests run without Django (pytest -p no:django).
    django = pytest.importorskip("django")
    from django.conf import settings

    try:
        if not settings.configured:
            import os

            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
            django.setup()
        from io import StringIO

        from django.core.management import call_command
    except Exception as exc:  # settings are still being written by another engineer
        pytest.skip(f"Django settings not usable yet: {exc}")
    out = StringIO()
    call_command(
        "generate_exports", "--out", str(tmp_path), "--clients", "50", "--seed", "3", stdout=out
    )
    assert "labels.json" in out.getvalue()
    assert (tmp_path / "labels.json").exists() and (tmp_path / "xpm_clients.csv").exists()


def test_it_draws_names_from_disjoint_cp1252_pools():
    assert not set(FIRST_M + FIRST_F) & set(LAST)
    for word in FIRST_M + FIRST_F + LAST:
        word.encode("cp1252")
