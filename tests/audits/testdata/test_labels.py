"""Practices with problems are fully labelled.

Several tests are a small independent oracle for the labels: they recompute what a correct validator
must find for the simpler rules and compare it with labels.json (both ways: nothing missing,
nothing extra).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from rapidfuzz import fuzz

from audits.testdata import name_key
from audits.validators.names import normalise_name
from tests.audits.testdata.helpers import MONTH_RE, STATE_TYPES, fold, labelled, labels_of

CODE_RE = re.compile(
    r"^\d+ |^[A-Z]{2,4}\d{2} - |^(zz|xx) | - DO NOT USE$| \(old\)$| \[[A-Z]{2,4}\d{2}\]$"
)
EXTRA_RE = re.compile(r"subscription|licen[cs]e|disbursement", re.IGNORECASE)


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
