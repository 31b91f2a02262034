from audits.validators import annual_templates
from tests.audits.validators.rule_helpers import findings

MONTHS = ["Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun"]


def template(name, tasks, category=""):
    return [{"template": name, "task": t, "category": category} for t in tasks]


def test_it_flags_bookkeeping_without_twelve_tasks():
    (f,) = findings(
        annual_templates,
        "C07.E001",
        xpm_job_templates=template("GST Returns", ["Q1", "Q2", "Q3", "Q4"]),
    )
    assert (f.rows, f.value) == ((2, 3, 4, 5), "GST Returns")


def test_it_accepts_twelve_monthly_bookkeeping_tasks():
    rows = template("Bookkeeping", [f"{m} bookkeeping" for m in MONTHS], "Bookkeeping")
    assert findings(annual_templates, xpm_job_templates=rows) == []


def test_it_flags_a_template_per_month():
    (f,) = findings(
        annual_templates,
        "C07.W002",
        xpm_job_templates=template("Management Report - March", ["Prepare", "Review"]),
    )
    assert (f.value, f.suggestion) == ("Management Report - March", "Management Report")


def test_it_flags_a_quarterly_template():
    (f,) = findings(
        annual_templates, "C07.W002", xpm_job_templates=template("Q3 Board Pack", ["Prepare"])
    )
    assert f.rows == (2,)


def test_it_flags_the_same_task_twice():
    (f,) = findings(
        annual_templates,
        "C07.W003",
        xpm_job_templates=template("Tax Planning", ["Meeting", "Notes", "meeting "]),
    )
    assert (f.rows, f.value) == ((2, 4), "Meeting")


def test_it_is_quiet_on_an_ordinary_annual_template():
    rows = template("Annual Compliance", ["Collect records", "Prepare accounts", "Lodge return"])
    assert findings(annual_templates, xpm_job_templates=rows) == []


def test_it_counts_only_monthly_tasks_and_names_the_missing_months():
    tasks = [f"{m} payroll" for m in MONTHS[:11]] + ["Year-end payroll review"]
    (f,) = findings(
        annual_templates, "C07.E001", xpm_job_templates=template("Payroll Services", tasks)
    )
    assert f.value == "Payroll Services" and f.rows == tuple(range(2, 14))
    assert "11 monthly task(s)" in f.message and "No task for June" in f.message
    assert "Job templates" in f.hint


def test_it_accepts_twelve_monthly_tasks_beside_a_year_end_task():
    tasks = [f"{m} bookkeeping" for m in MONTHS] + ["Year-end review"]
    assert (
        findings(annual_templates, "C07.E001", xpm_job_templates=template("Bookkeeping", tasks))
        == []
    )
