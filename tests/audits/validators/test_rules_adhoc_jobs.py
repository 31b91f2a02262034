from audits.validators import adhoc_jobs
from tests.audits.validators.rule_helpers import findings

PROPOSALS = [{"proposal": "PROP-1", "client": "Jane Smith", "service": "Annual accounts"}]


def job(no, name, order=""):
    return {
        "job_no": no,
        "client": "Jane Smith",
        "name": name,
        "state": "Planned",
        "client_order_no": order,
    }


def test_it_warns_about_an_ad_hoc_job_by_name():
    (f,) = findings(
        adhoc_jobs,
        xpm_jobs=[job("J1", "Ad Hoc Job"), job("J2", "Annual Compliance 2025", "PROP-1")],
        ignition_proposals=PROPOSALS,
    )
    assert (f.code, f.value, f.rows) == ("C14.W001", "Ad Hoc Job", (2,))
    assert "Business → Settings → Xero" in f.hint


def test_it_warns_about_an_order_number_that_matches_no_proposal():
    (f,) = findings(
        adhoc_jobs,
        xpm_jobs=[job("J1", "Tax Planning 2025", "PROP-404")],
        ignition_proposals=PROPOSALS,
    )
    assert f.value == "PROP-404"


def test_it_is_quiet_on_jobs_from_proposals_and_blank_order_numbers():
    jobs = [job("J1", "Annual Compliance 2025", "PROP-1"), job("J2", "Individual Tax Return 2024")]
    assert findings(adhoc_jobs, xpm_jobs=jobs, ignition_proposals=PROPOSALS) == []
