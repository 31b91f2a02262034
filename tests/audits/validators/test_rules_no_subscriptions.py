import pandas as pd

from audits.validators import no_subscriptions
from audits.validators.no_subscriptions import pass_through_jobs
from tests.audits.validators.rule_helpers import findings


def line(proposal, service, frequency="Annually"):
    return {
        "proposal": proposal,
        "client": "Jane Smith",
        "service": service,
        "frequency": frequency,
    }


def test_it_flags_a_subscription_inside_an_annual_proposal():
    (f,) = findings(
        no_subscriptions,
        "C15.E001",
        ignition_proposals=[
            line("PROP-1", "Annual accounts"),
            line("PROP-1", "Xero subscription", "Monthly"),
        ],
    )
    assert (f.rows, f.value) == ((3,), "Xero subscription")


def test_it_allows_a_subscription_on_its_own_proposal():
    rows = [line("PROP-1", "Annual accounts"), line("PROP-2", "Xero subscription", "Monthly")]
    assert findings(no_subscriptions, ignition_proposals=rows) == []


def test_it_uses_the_service_category_from_the_library():
    services = [{"service": "ASIC fee", "category": "Disbursement"}]
    (f,) = findings(
        no_subscriptions,
        "C15.E001",
        ignition_proposals=[line("PROP-1", "Annual accounts"), line("PROP-1", "ASIC fee")],
        ignition_services=services,
    )
    assert f.value == "ASIC fee"


def test_it_warns_about_a_subscription_job_beside_an_annual_job():
    jobs = [
        {
            "job_no": "J1",
            "client": "Jane Smith",
            "name": "Annual Compliance 2025",
            "template": "Annual Compliance",
            "state": "Planned",
        },
        {
            "job_no": "J2",
            "client": "Jane Smith",
            "name": "Xero Subscription 2025",
            "state": "Planned",
        },
    ]
    (f,) = findings(no_subscriptions, "C15.W002", xpm_jobs=jobs)
    assert (f.rows, f.value) == ((3,), "Xero Subscription 2025")


def test_it_leaves_a_subscription_job_alone_when_the_client_has_no_annual_job():
    jobs = [
        {
            "job_no": "J1",
            "client": "Jane Smith",
            "name": "Annual Compliance 2025",
            "template": "Annual Compliance",
            "state": "Planned",
        },
        {
            "job_no": "J2",
            "client": "Bob Jones",
            "name": "Xero Subscription 2025",
            "state": "Planned",
        },
    ]
    assert findings(no_subscriptions, "C15.W002", xpm_jobs=jobs) == []


def test_a_missing_template_cell_reads_as_blank_not_as_another_rows_template():
    names = pd.Series(["Xero subscription", "Tax return"])
    templates = pd.Series(["Annual", None], dtype="str")
    assert pass_through_jobs(names, templates).tolist() == [True, False]
