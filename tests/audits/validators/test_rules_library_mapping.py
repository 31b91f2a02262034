from audits.validators import library_mapping
from tests.audits.validators.rule_helpers import findings

TEMPLATES = [{"template": "Annual Compliance", "task": "Prepare"}]


def service(name, billing, frequency, template=""):
    return {
        "service": name,
        "billing_type": billing,
        "frequency": frequency,
        "xpm_job_template": template,
    }


def test_it_flags_a_recurring_service_without_template():
    (f,) = findings(
        library_mapping,
        "C08.E001",
        ignition_services=[service("Quarterly reporting", "Recurring", "Quarterly")],
    )
    assert (f.rows, f.value) == ((2,), "Quarterly reporting")
    assert "Ignition → Library" in f.hint


def test_it_flags_a_template_missing_from_xpm():
    (f,) = findings(
        library_mapping,
        "C08.E002",
        ignition_services=[service("SMSF audit", "Recurring", "Annually", "SMSF Compliance")],
        xpm_job_templates=TEMPLATES,
    )
    assert f.value == "SMSF Compliance"


def test_it_warns_about_a_one_off_service_without_template():
    (f,) = findings(
        library_mapping, "C08.W003", ignition_services=[service("Business plan", "One-off", "Once")]
    )
    assert f.value == "Business plan"


def test_it_is_quiet_when_every_service_maps_to_a_known_template():
    services = [service("Annual accounts", "Recurring", "Annually", "annual compliance")]
    assert findings(library_mapping, ignition_services=services, xpm_job_templates=TEMPLATES) == []
