from audits.validators import annual_jobs
from tests.audits.validators.rule_helpers import findings

CLIENTS = [
    {"name": "Silver Creek Holdings Pty Ltd", "group": "Silver Creek Group"},
    {"name": "Silver Creek Unit Trust", "group": "Silver Creek Group"},
    {"name": "Jane Smith"},
]


def job(no, client, template, start, name=None):
    return {
        "job_no": no,
        "client": client,
        "template": template,
        "state": "Planned",
        "name": name or f"{template} {start[:4]}",
        "start_date": start,
    }


def test_it_flags_twelve_monthly_jobs():
    jobs = [job(f"J{m}", "Jane Smith", "Bookkeeping", f"2025-{m:02d}-01") for m in range(1, 13)]
    (f,) = findings(annual_jobs, "C10.E001", xpm_jobs=jobs, xpm_clients=CLIENTS)
    assert (f.rows, f.value) == (tuple(range(2, 14)), "Jane Smith")


def test_it_allows_one_job_per_template_per_year():
    jobs = [
        job("J1", "Jane Smith", "Bookkeeping", "2024-07-01"),
        job("J2", "Jane Smith", "Bookkeeping", "2025-07-01"),
    ]
    assert findings(annual_jobs, "C10.E001", xpm_jobs=jobs, xpm_clients=CLIENTS) == []


def test_it_warns_about_a_month_in_a_job_name():
    jobs = [
        job(
            "J1",
            "Jane Smith",
            "Individual Tax Return",
            "2025-07-01",
            "Individual Tax Return - June 2025",
        )
    ]
    (f,) = findings(annual_jobs, "C10.W002", xpm_jobs=jobs, xpm_clients=CLIENTS)
    assert (f.value, f.suggestion) == (
        "Individual Tax Return - June 2025",
        "Individual Tax Return 2025",
    )


def test_it_warns_about_a_group_entity_without_an_annual_job():
    jobs = [
        job("J1", "Silver Creek Holdings Pty Ltd", "Annual Compliance", "2025-07-01"),
        job("J2", "Jane Smith", "Annual Compliance", "2025-07-01"),
    ]
    (f,) = findings(annual_jobs, "C10.W003", xpm_jobs=jobs, xpm_clients=CLIENTS)
    assert (f.value, f.rows) == ("Silver Creek Unit Trust", (3,))


def test_it_is_quiet_when_every_group_entity_has_its_job():
    jobs = [
        job("J1", "Silver Creek Holdings Pty Ltd", "Annual Compliance", "2025-07-01"),
        job("J2", "Silver Creek Unit Trust", "Trust Compliance", "2025-07-01"),
    ]
    assert findings(annual_jobs, xpm_jobs=jobs, xpm_clients=CLIENTS) == []


def test_it_groups_jobs_without_a_template_by_their_name_and_the_year_in_it():
    jobs = [
        {"job_no": f"J{m}", "client": "Jane Smith", "state": "Planned", "name": f"BAS - {q} 2025"}
        for m, q in enumerate(["Q1", "Q2", "Q3", "Q4"], start=1)
    ]
    jobs.append({"job_no": "J9", "client": "Jane Smith", "state": "Planned", "name": "BAS 2024"})
    (f,) = findings(annual_jobs, "C10.E001", xpm_jobs=jobs, xpm_clients=CLIENTS)
    assert (f.rows, f.value) == ((2, 3, 4, 5), "Jane Smith")
    assert 'has 4 "BAS" jobs in 2025' in f.message


def test_next_years_early_jobs_do_not_hide_a_group_entity_without_its_job():
    jobs = [
        job("J1", "Silver Creek Holdings Pty Ltd", "Annual Compliance", "2025-07-01"),
        *(job(f"J{k}", "Jane Smith", f"Service {k}", "2025-07-01") for k in range(2, 7)),
        job("J9", "Jane Smith", "Annual Compliance", "2026-07-01"),  # next year's, created early
    ]
    (f,) = findings(annual_jobs, "C10.W003", xpm_jobs=jobs, xpm_clients=CLIENTS)
    assert f.value == "Silver Creek Unit Trust"


def test_a_client_in_several_groups_is_a_member_of_each():
    clients = [
        {"name": "Osei Holdings Pty Ltd", "group": "Osei Group"},
        {"name": "Osei Family Trust", "group": "Osei Family, Osei Group"},
        {"name": "Ama Osei", "group": "Osei Family"},
    ]
    jobs = [
        job("J1", "Osei Holdings Pty Ltd", "Annual Compliance", "2025-07-01"),
        job("J2", "Ama Osei", "Individual Tax Return", "2025-07-01"),
    ]
    found = findings(annual_jobs, "C10.W003", xpm_jobs=jobs, xpm_clients=clients)
    assert {f.value for f in found} == {"Osei Family Trust"}
    assert len(found) == 2  # missing its job in both of its groups
