"""Step 7 (annual templates): problems in the XPM job templates export.

C07.E001 extra template "GST Returns" (4 tasks) [heavy: + "Payroll Services" 6, "Bookkeeping
         (Legacy)" 11 monthly]. rows = all its task rows; value = template name.
C07.W002 extra template "Management Report - March" [heavy: + "Q3 Board Pack", "Advisory Review -
         September"], not bookkeeping-type. rows = all its rows; value = template name.
C07.W003 a task listed twice in "Tax Planning" [heavy: + "Company Secretarial", "Individual Tax
         Return"]. rows = the two task rows; value = task name.

Default takes the first of each list, heavy all three. Nothing here draws from the random source.
"""

from __future__ import annotations

from audits.testdata.practice import Practice
from audits.testdata.vocabulary import FY_MONTHS

BAD_TEMPLATES_E001 = [
    ("GST Returns", "BAS", ["Prepare GST return", "Review", "Lodge", "Pay"]),
    (
        "Payroll Services",
        "Payroll",
        [
            "Set up employees",
            "Process pays",
            "Pay run review",
            "STP lodgement",
            "Super payments",
            "Payroll tax",
        ],
    ),
    ("Bookkeeping (Legacy)", "Bookkeeping", [f"{m} bookkeeping" for m in FY_MONTHS[:11]]),
]
BAD_TEMPLATES_W002 = [
    ("Management Report - March", "Advisory", ["Prepare report", "Review", "Send to client"]),
    ("Q3 Board Pack", "Advisory", ["Collect figures", "Prepare pack", "Partner review"]),
    ("Advisory Review - September", "Advisory", ["Agenda", "Meeting", "Follow-up notes"]),
]
DUP_TASKS_W003 = [
    ("Tax Planning", "Tax planning meeting"),
    ("Company Secretarial", "Solvency resolution"),
    ("Individual Tax Return", "Review"),
]


def inject(templates: dict[str, tuple[str, list[str]]], k: int) -> None:
    """Repeat ``k`` tasks and add ``k`` non-annual and ``k`` period-named templates."""
    for tpl, task in DUP_TASKS_W003[:k]:
        tasks = templates[tpl][1]
        tasks.insert(tasks.index(task) + 2, task)
    for name, cat, tasks in BAD_TEMPLATES_E001[:k] + BAD_TEMPLATES_W002[:k]:
        templates[name] = (cat, list(tasks))


def label(p: Practice, rows_of: dict[str, list[int]], k: int) -> None:
    """Label the injected templates; ``rows_of`` maps a template (or template NUL task) to rows."""
    for name, _c, _t in BAD_TEMPLATES_E001[:k]:
        p.label("C07.E001", "xpm_job_templates", rows_of[name], name)
    for name, _c, _t in BAD_TEMPLATES_W002[:k]:
        p.label("C07.W002", "xpm_job_templates", rows_of[name], name)
    for tpl, task in DUP_TASKS_W003[:k]:
        p.label("C07.W003", "xpm_job_templates", rows_of[f"{tpl}\x00{task}"], task)
