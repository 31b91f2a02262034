"""The export generator: deterministic, realistic, consistent when clean, and fully labelled.

Runs without Django (``pytest -p no:django``): the generator is pure Python. Several tests are a
small independent oracle for the labels: they recompute what a correct validator must find for the
simpler rules and compare it with labels.json (both ways: nothing missing, nothing extra).
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pytest

from audits.generator import DATA_RULE_CODES, ENCODINGS, FILES, HEADERS, TITLE_LINES, generate
from audits.validators.names import normalise_name

SPEC = Path(__file__).resolve().parents[2] / "docs" / "checklist.md"


def spec_data_rule_codes() -> tuple[str, ...]:
    """Every data rule code of docs/checklist.md (items 3, 4, 5, 7-15; C00 is the runner's
    own)."""
    codes = set(re.findall(r"\bC(?:0[1-9]|1[0-5])\.[EWI]\d{3}\b", SPEC.read_text()))
    return tuple(sorted(codes))


def test_it_knows_every_data_rule_of_the_spec():
    assert sorted(DATA_RULE_CODES) == list(spec_data_rule_codes())
    assert len(DATA_RULE_CODES) == 37


STATE_TYPES = {
    "planned": "Standard",
    "notstarted": "Standard",
    "inprogress": "Standard",
    "active": "Standard",
    "open": "Standard",
    "onhold": "On Hold",
    "paused": "On Hold",
    "completed": "Completed",
    "complete": "Completed",
    "done": "Completed",
    "closed": "Completed",
    "cancelled": "Cancelled",
    "canceled": "Cancelled",
}
MONTH_RE = re.compile(
    r"\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?"
    r"|oct(ober)?|nov(ember)?|dec(ember)?|q[1-4])\b",
    re.IGNORECASE,
)


# ---------------------------------------------------------------------------------------------
# Reading the files back as a person (or the loader) would
# ---------------------------------------------------------------------------------------------
def read_kind(out: Path, kind: str) -> list[dict[str, str]]:
    """Rows as {canonical field: value, "_row": spreadsheet row}, honouring encoding and titles."""
    fields = [f for f, _h in HEADERS[kind]]
    headers = [h for _f, h in HEADERS[kind]]
    titles = len(TITLE_LINES.get(kind, []))
    path = out / FILES[kind]
    if path.suffix == ".xlsx":
        ws = openpyxl.load_workbook(path, read_only=True).active
        raw = [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]
    else:
        with path.open(encoding=ENCODINGS.get(kind, "utf-8"), newline="") as fh:
            raw = list(csv.reader(fh))
    assert raw[titles] == headers, f"{kind}: header not in row {titles + 1}"
    rows = []
    for offset, values in enumerate(raw[titles + 1 :]):
        record = {f: v for f, v in zip(fields, values, strict=True) if f}
        record["_row"] = titles + 2 + offset
        rows.append(record)
    return rows


def read_all(out: Path) -> dict[str, list[dict[str, str]]]:
    return {kind: read_kind(out, kind) for kind in FILES}


def labels_of(out: Path) -> dict:
    return json.loads((out / "labels.json").read_text(encoding="utf-8"))


def labelled(doc: dict, code: str) -> set[tuple[str, tuple[int, ...]]]:
    return {(e["value"], tuple(e["rows"])) for e in doc["labels"].get(code, [])}


def fold(value: str) -> str:
    return re.sub(r"\s+", "", value).casefold()


@pytest.fixture(
    scope="module",
    params=[
        ("default", 1000, 1),
        ("heavy", 1000, 2),
        ("default", 200, 11),
        ("heavy", 3000, 12),
        ("heavy", 50, 5),
    ],
    ids=lambda p: f"{p[0]}-{p[1]}-seed{p[2]}",
)
def default_1000(request, tmp_path_factory) -> Path:
    """Practices with problems (default and heavy, small and larger): the oracle runs on each."""
    problems, clients, seed = request.param
    out = tmp_path_factory.mktemp(problems)
    generate(out, clients=clients, seed=seed, problems=problems)
    return out


@pytest.fixture(scope="module")
def clean_1000(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("none")
    generate(out, clients=1000, seed=3, problems="none")
    return out


@pytest.fixture(scope="module")
def default_tables(default_1000):
    return read_all(default_1000)


@pytest.fixture(scope="module")
def clean_tables(clean_1000):
    return read_all(clean_1000)


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


def test_it_generates_1000_clients_in_a_couple_of_seconds(tmp_path):
    started = time.perf_counter()
    generate(tmp_path, clients=1000, seed=9)
    assert time.perf_counter() - started < 5


# ---------------------------------------------------------------------------------------------
# The clean practice is consistent (a correct validator finds nothing)
# ---------------------------------------------------------------------------------------------
def test_it_gives_every_job_an_existing_client_and_every_client_a_job(clean_tables):
    clients = {r["name"] for r in clean_tables["xpm_clients"]}
    job_clients = {r["client"] for r in clean_tables["xpm_jobs"]}
    assert job_clients <= clients
    assert clients <= job_clients


def test_it_keeps_clean_client_names_unique_and_first_last(clean_tables):
    clients = clean_tables["xpm_clients"]
    normalised = Counter(normalise_name(r["name"]) for r in clients)
    assert max(normalised.values()) == 1
    for r in clients:
        assert r["name"] and r["status"] == "Active"
        assert not re.search(r"\d|[()\[\]]|^(zz|xx)|\b(old|archived|do not use)\b", r["name"], re.I)
        if r["business_structure"] == "Individual":
            assert r["name"] == f"{r['first_name']} {r['last_name']}"
            assert not re.match(r"(mr|mrs|ms|dr|miss)\b", r["name"], re.I)
            assert r["name"] not in (r["name"].upper(), r["name"].lower())
    for key in ("email", "tax_number", "phone"):
        values = [r[key] for r in clients if r[key]]
        assert len(values) == len(set(values)), key


def test_it_matches_names_exactly_across_systems_when_clean(clean_tables):
    xpm = {r["name"] for r in clean_tables["xpm_clients"]}
    xero = [r["name"] for r in clean_tables["xero_contacts"]]
    assert set(xero) == xpm and len(xero) == len(set(xero))
    ignition = {r["name"] for r in clean_tables["ignition_clients"]}
    assert ignition <= xpm
    assert len(ignition) >= 0.85 * len(xpm)
    invoice_contacts = {r["contact"] for r in clean_tables["xero_invoices"]}
    assert invoice_contacts <= set(xero)


def test_it_links_invoices_to_exactly_one_standard_job_when_clean(clean_tables):
    jobs = clean_tables["xpm_jobs"]
    targets: dict[str, list[dict]] = defaultdict(list)
    for j in jobs:
        targets[j["job_no"]].append(j)
        if j["client_order_no"]:
            targets[j["client_order_no"]].append(j)
    proposals = {r["proposal"] for r in clean_tables["ignition_proposals"]}
    for inv in clean_tables["xero_invoices"]:
        ref = inv["reference"]
        assert ref and not ref.startswith("CLI-")
        assert len(targets[ref]) == 1, ref
        job = targets[ref][0]
        assert STATE_TYPES[fold(job["state"])] == "Standard"
        assert job["client"] == inv["contact"]
    for j in jobs:
        assert fold(j["state"]) in STATE_TYPES
        if j["client_order_no"]:
            assert j["client_order_no"] in proposals
            assert STATE_TYPES[fold(j["state"])] == "Standard"
    refs = [j["client_order_no"] for j in jobs if j["client_order_no"]]
    assert len(refs) == len(set(refs))
    assert sum(1 for r in refs if r.startswith("PROP-")) > 0.8 * len({j["client"] for j in jobs})


def test_it_keeps_one_job_per_client_template_and_year_when_clean(clean_tables):
    seen = Counter(
        (j["client"], j["template"], j["start_date"][-4:]) for j in clean_tables["xpm_jobs"]
    )
    assert max(seen.values()) == 1
    for j in clean_tables["xpm_jobs"]:
        assert j["template"] and not MONTH_RE.search(j["name"])
        assert not re.search(r"ad ?hoc|misc|subscription|disbursement|licen[cs]e", j["name"], re.I)
        assert j["start_date"][-4:] == j["due_date"][-4:] == j["name"][-4:]


def test_it_links_every_staff_member_when_clean(clean_tables):
    staff = {r["name"]: r for r in clean_tables["xpm_staff"]}
    team = {r["name"]: r for r in clean_tables["ignition_team"]}
    assert set(team) == set(staff)
    assert all(r["xpm_user"] == r["name"] for r in team.values())
    managers = {j["manager"] for j in clean_tables["xpm_jobs"]} | {
        j["partner"] for j in clean_tables["xpm_jobs"]
    }
    managers |= {c["account_manager"] for c in clean_tables["xpm_clients"]}
    assert managers <= set(team)


def test_it_keeps_templates_and_library_annual_when_clean(clean_tables):
    tasks: dict[str, list[str]] = defaultdict(list)
    category: dict[str, str] = {}
    for r in clean_tables["xpm_job_templates"]:
        tasks[r["template"]].append(r["task"])
        category[r["template"]] = r["category"]
    for name, items in tasks.items():
        assert len(items) == len(set(items)), name
        assert not MONTH_RE.search(name), name
        if re.search(r"bookkeeping|bas|gst|vat|payroll|monthly", f"{name} {category[name]}", re.I):
            assert len(items) == 12 and all(MONTH_RE.search(t) for t in items), name
    assert "Bookkeeping" in tasks
    for s in clean_tables["ignition_services"]:
        assert s["xpm_job_template"] in tasks, s
    for line in clean_tables["ignition_proposals"]:
        assert not re.search(r"subscription|licen[cs]e|disbursement", line["service"], re.I)
        assert line["billing_level"] == "Proposal" and line["status"] == "Accepted"


# ---------------------------------------------------------------------------------------------
# Default mode: an independent oracle for the simpler rules (labels complete and exact)
# ---------------------------------------------------------------------------------------------
def test_it_labels_every_invoice_reference_problem_exactly(default_1000, default_tables):
    doc = labels_of(default_1000)
    targets: dict[str, int] = Counter()
    for j in default_tables["xpm_jobs"]:
        targets[j["job_no"]] += 1
        if j["client_order_no"]:
            targets[j["client_order_no"]] += 1
    expected: dict[str, set] = defaultdict(set)
    by_ref: dict[str, list[int]] = defaultdict(list)
    for inv in default_tables["xero_invoices"]:
        by_ref[inv["reference"]].append(inv["_row"])
        if inv["reference"] == "":
            expected["C09.W004"].add((inv["invoice_number"], (inv["_row"],)))
    for ref, rows in by_ref.items():
        if ref.startswith("CLI-"):
            expected["C09.E001"].add((ref, tuple(rows)))
        elif ref and targets[ref] > 1:
            expected["C09.E002"].add((ref, tuple(rows)))
        elif ref.startswith("PROP-") and targets[ref] == 0:
            expected["C09.E003"].add((ref, tuple(rows)))
    for code in ("C09.E001", "C09.E002", "C09.E003", "C09.W004"):
        assert labelled(doc, code) == expected[code], code


def test_it_labels_every_job_state_problem_exactly(default_1000, default_tables):
    doc = labels_of(default_1000)
    invoice_refs = {inv["reference"] for inv in default_tables["xero_invoices"]}
    proposals = {p["proposal"] for p in default_tables["ignition_proposals"]}
    e001, e002 = set(), defaultdict(list)
    for j in default_tables["xpm_jobs"]:
        kind = STATE_TYPES.get(fold(j["state"]))
        if kind is None:
            e002[j["state"]].append(j["_row"])
            continue
        order_no = j["client_order_no"]
        receives = j["job_no"] in invoice_refs or (order_no and order_no in invoice_refs)
        carries = order_no in proposals
        if kind != "Standard" and (receives or carries):
            e001.add((j["state"], (j["_row"],)))
    assert labelled(doc, "C11.E001") == e001
    assert labelled(doc, "C11.E002") == {(s, tuple(rows)) for s, rows in e002.items()}


def test_it_labels_every_name_parity_problem(default_1000, default_tables):
    doc = labels_of(default_1000)
    xero = {r["name"] for r in default_tables["xero_contacts"]}
    xero_norm = {normalise_name(n) for n in xero}
    xpm = default_tables["xpm_clients"]
    xpm_names = {r["name"] for r in xpm}
    code_only = {v for v, _rows in labelled(doc, "C12.E002")}
    missing_exact = {(r["name"], (r["_row"],)) for r in xpm if r["name"] and r["name"] not in xero}
    near = {x for x in missing_exact if normalise_name(x[0]) in xero_norm}
    assert labelled(doc, "C13.E001") == near
    assert labelled(doc, "C13.W002") == {x for x in missing_exact - near if x[0] not in code_only}
    ign = {(r["name"], r["_row"]) for r in default_tables["ignition_clients"]}
    assert {(v, rows[0]) for v, rows in labelled(doc, "C13.E005")} == {
        (n, row) for n, row in ign if n not in xpm_names
    }
    billed = {inv["contact"] for inv in default_tables["xero_invoices"]}
    xpm_norm = {normalise_name(n) for n in xpm_names}
    orphan = {
        (r["name"], (r["_row"],))
        for r in default_tables["xero_contacts"]
        if r["name"] in billed and r["name"] not in xpm_names
    }
    assert labelled(doc, "C13.W003") == {
        x
        for x in orphan
        if normalise_name(x[0]) not in xpm_norm
        and x[0]
        not in {re.sub(r"^\d+ |^[A-Z]{3}\d{2} - | \[[A-Z]{3}\d{2}\]$", "", v) for v in code_only}
    }


def test_it_labels_every_client_without_a_job(default_1000, default_tables):
    doc = labels_of(default_1000)
    job_clients = {j["client"] for j in default_tables["xpm_jobs"]}
    expected = {
        (r["name"], (r["_row"],))
        for r in default_tables["xpm_clients"]
        if r["name"] and (r["name"] not in job_clients or r["status"] != "Active")
    }
    assert labelled(doc, "C05.W004") == expected


def test_it_labels_every_individual_name_problem(default_1000, default_tables):
    doc = labels_of(default_1000)
    rows = {
        r["_row"]
        for r in default_tables["xpm_clients"]
        if r["business_structure"] == "Individual"
        and r["name"] != f"{r['first_name']} {r['last_name']}"
    }
    found = set()
    for code in ("C03.E001", "C03.E002", "C03.W003", "C03.W004"):
        found |= {rows_[0] for _v, rows_ in labelled(doc, code)}
    assert found == rows


def test_it_keeps_duplicate_and_namesake_clusters_apart(default_1000, default_tables):
    doc = labels_of(default_1000)
    by_row = {r["_row"]: r for r in default_tables["xpm_clients"]}
    for _v, rows in labelled(doc, "C05.E001"):
        a, b = (by_row[n] for n in rows)
        assert a["name"] == b["name"]
        for key in ("email", "phone", "tax_number", "date_of_birth"):
            assert not (a[key] and b[key] and a[key] != b[key])
    for _v, rows in labelled(doc, "C13.W004"):
        a, b = (by_row[n] for n in rows)
        assert a["name"] == b["name"] and a["date_of_birth"] != b["date_of_birth"]
        assert a["email"] != b["email"] and a["tax_number"] != b["tax_number"]
    for _v, rows in labelled(doc, "C05.W002"):
        a, b = (by_row[n] for n in rows)
        assert normalise_name(a["name"]) != normalise_name(b["name"])
        assert a["phone"] == b["phone"] and a["address"] == b["address"]
    # Exact-name clusters are exactly the C05.E001 and C13.W004 labels.
    names = Counter(normalise_name(r["name"]) for r in by_row.values() if r["name"])
    dup_names = {n for n, k in names.items() if k > 1}
    clusters = {
        normalise_name(v) for v, _r in labelled(doc, "C05.E001") | labelled(doc, "C13.W004")
    }
    assert clusters == dup_names


def test_it_labels_every_job_naming_problem(default_1000, default_tables):
    doc = labels_of(default_1000)
    month_jobs = {
        (j["name"], (j["_row"],)) for j in default_tables["xpm_jobs"] if MONTH_RE.search(j["name"])
    }
    assert labelled(doc, "C10.W002") == month_jobs
    groups: dict[tuple, list[int]] = defaultdict(list)
    for j in default_tables["xpm_jobs"]:
        if j["template"]:
            groups[(j["client"], j["template"], j["start_date"][-4:])].append(j["_row"])
    repeated = {(k[0], tuple(v)) for k, v in groups.items() if len(v) > 1}
    assert labelled(doc, "C10.E001") == repeated


def test_it_labels_every_team_problem(default_1000, default_tables):
    doc = labels_of(default_1000)
    team = {r["name"]: r for r in default_tables["ignition_team"]}
    touching = {j["manager"] for j in default_tables["xpm_jobs"]} | {
        j["partner"] for j in default_tables["xpm_jobs"]
    }
    touching |= {c["account_manager"] for c in default_tables["xpm_clients"]}
    touching |= {c["job_manager"] for c in default_tables["xpm_clients"]}
    e001, w003 = set(), set()
    for s in default_tables["xpm_staff"]:
        if s["name"] not in team:
            (e001 if s["name"] in touching else w003).add((s["name"], (s["_row"],)))
    assert labelled(doc, "C04.E001") == e001
    assert labelled(doc, "C04.W003") == w003
    assert labelled(doc, "C04.E002") == {
        (r["name"], (r["_row"],)) for r in team.values() if not r["xpm_user"]
    }


def test_it_runs_the_management_command_when_django_is_configured(tmp_path):
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


CODE_RE = re.compile(
    r"^\d+ |^[A-Z]{2,4}\d{2} - |^(zz|xx) | - DO NOT USE$| \(old\)$| \[[A-Z]{2,4}\d{2}\]$"
)
EXTRA_RE = re.compile(r"subscription|licen[cs]e|disbursement", re.IGNORECASE)


def test_it_labels_every_internal_code_in_a_client_name(default_1000, default_tables):
    doc = labels_of(default_1000)
    coded = {
        (r["name"], (r["_row"],))
        for r in default_tables["xpm_clients"]
        if CODE_RE.search(r["name"])
    }
    assert labelled(doc, "C12.E001") == coded
    xero = {r["name"] for r in default_tables["xero_contacts"]}
    code_only = {(n, rows) for n, rows in coded if CODE_RE.sub("", n) in xero and n not in xero}
    assert labelled(doc, "C12.E002") == code_only


def test_it_labels_every_adhoc_and_subscription_job(default_1000, default_tables):
    doc = labels_of(default_1000)
    proposals = {p["proposal"] for p in default_tables["ignition_proposals"]}
    adhoc = set()
    for j in default_tables["xpm_jobs"]:
        if re.fullmatch(r"ad hoc( job)?|misc(ellaneous)?( work)?", j["name"], re.IGNORECASE):
            adhoc.add((j["name"], (j["_row"],)))
        elif j["client_order_no"] and j["client_order_no"] not in proposals:
            adhoc.add((j["client_order_no"], (j["_row"],)))
    assert labelled(doc, "C14.W001") == adhoc
    subs = {
        (j["name"], (j["_row"],)) for j in default_tables["xpm_jobs"] if EXTRA_RE.search(j["name"])
    }
    assert labelled(doc, "C15.W002") == subs
    lines = {
        (p["service"], (p["_row"],))
        for p in default_tables["ignition_proposals"]
        if EXTRA_RE.search(p["service"])
    }
    assert labelled(doc, "C15.E001") == lines


def test_it_labels_every_shared_identifier(default_1000, default_tables):
    doc = labels_of(default_1000)
    expected = set()
    for key in ("email", "tax_number"):
        owners: dict[str, list[dict]] = defaultdict(list)
        for r in default_tables["xpm_clients"]:
            if r[key]:
                owners[r[key]].append(r)
        for value, rows in owners.items():
            if len({normalise_name(r["name"]) for r in rows}) > 1:
                expected.add((value, tuple(sorted(r["_row"] for r in rows))))
    assert labelled(doc, "C05.W003") == expected


def test_it_labels_every_template_and_library_problem(default_1000, default_tables):
    doc = labels_of(default_1000)
    rows: dict[str, list[dict]] = defaultdict(list)
    for r in default_tables["xpm_job_templates"]:
        rows[r["template"]].append(r)
    e001, w002, w003 = set(), set(), set()
    for name, items in rows.items():
        tasks = [r["task"] for r in items]
        row_numbers = tuple(r["_row"] for r in items)
        text = f"{name} {items[0]['category']}"
        bookkeeping = re.search(r"bookkeeping|bas|gst|vat|payroll|monthly", text, re.IGNORECASE)
        monthly = len(tasks) == 12 and len({MONTH_RE.search(t).group(0) for t in tasks}) == 12
        if bookkeeping and not monthly:
            e001.add((name, row_numbers))
        if MONTH_RE.search(name):
            w002.add((name, row_numbers))
        for task, count in Counter(tasks).items():
            if count > 1:
                w003.add((task, tuple(r["_row"] for r in items if r["task"] == task)))
    assert labelled(doc, "C07.E001") == e001
    assert labelled(doc, "C07.W002") == w002
    assert labelled(doc, "C07.W003") == w003
    services = default_tables["ignition_services"]
    templates = set(rows)
    assert labelled(doc, "C08.E001") == {
        (s["service"], (s["_row"],))
        for s in services
        if s["billing_type"] == "Recurring" and not s["xpm_job_template"]
    }
    assert labelled(doc, "C08.E002") == {
        (s["xpm_job_template"], (s["_row"],))
        for s in services
        if s["xpm_job_template"] and s["xpm_job_template"] not in templates
    }
    assert labelled(doc, "C08.W003") == {
        (s["service"], (s["_row"],))
        for s in services
        if s["billing_type"] == "One-off" and not s["xpm_job_template"]
    }


def test_it_labels_every_group_member_without_a_job(default_1000, default_tables):
    doc = labels_of(default_1000)
    job_clients = {j["client"] for j in default_tables["xpm_jobs"]}
    members: dict[str, list[dict]] = defaultdict(list)
    for r in default_tables["xpm_clients"]:
        if r["group"]:
            members[r["group"]].append(r)
    expected = set()
    for rows in members.values():
        with_jobs = [r for r in rows if r["name"] in job_clients]
        if with_jobs:
            expected |= {(r["name"], (r["_row"],)) for r in rows if r["name"] not in job_clients}
    assert labelled(doc, "C10.W003") == expected


def test_it_pairs_similar_names_with_a_shared_identifier_only_when_labelled(
    default_1000, default_tables
):
    from rapidfuzz import fuzz

    from audits.generator import name_key

    doc = labels_of(default_1000)
    labelled_pairs = {tuple(e["rows"]) for e in doc["labels"].get("C05.W002", [])}
    found = set()
    for key in ("phone", "date_of_birth", "email", "tax_number", "address"):
        groups: dict[str, list[dict]] = defaultdict(list)
        for r in default_tables["xpm_clients"]:
            if r[key]:
                groups[f"{r[key]}|{r['postcode']}" if key == "address" else r[key]].append(r)
        for rows in groups.values():
            for i, a in enumerate(rows):
                for b in rows[i + 1 :]:
                    ka, kb = name_key(a["name"]), name_key(b["name"])
                    if ka != kb and max(fuzz.ratio(ka, kb), fuzz.token_sort_ratio(ka, kb)) >= 80:
                        found.add(tuple(sorted((a["_row"], b["_row"]))))
    assert found <= labelled_pairs


def test_it_draws_names_from_disjoint_cp1252_pools():
    from audits.generator import FIRST_F, FIRST_M, LAST

    assert not set(FIRST_M + FIRST_F) & set(LAST)
    for word in FIRST_M + FIRST_F + LAST:
        word.encode("cp1252")
