"""The clean practice (``problems="none"``) is consistent: a correct validator finds nothing."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from audits.validators.names import normalise_name
from tests.audits.testdata.helpers import MONTH_RE, STATE_TYPES, fold


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
