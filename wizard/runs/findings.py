"""The findings of a run: grouped by rule, filtered, paged, with waivers and acknowledgements in
place and what changed since the previous run; and the same findings as CSV or XLSX. Another
tenant's run is a 404; the page runs a fixed number of queries however many findings a run has.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Min, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from audits import fixes, spreadsheets
from audits.models import Finding, RunStatus, Severity, ValidationRun
from audits.runs.diff import diff_against_previous
from audits.validators.linkage import MATCH_WEIGHT
from audits.validators.registry import REGISTRY
from wizard.access import Action, can, get_practice_for_user, get_run
from wizard.checklist import STEPS_BY_KEY
from wizard.http import HtmxHttpRequest
from wizard.models import Practice
from wizard.signoff.selectors import (
    DOWNLOAD_COLUMNS,
    acknowledged_keys,
    active_waivers,
    download_rows,
    waiver_changed,
)

PER_PAGE = 50
MAX_PAGES = 200  # beyond 10,000 rows, narrow with filters or download the file


@dataclass(frozen=True)
class Filters:
    severity: str = ""
    rule: str = ""
    q: str = ""

    @classmethod
    def from_request(cls, request) -> Filters:
        severity = request.GET.get("severity", "")
        return cls(
            severity=severity if severity in Severity.values else "",
            rule=request.GET.get("rule", "").strip()[:10],
            q=request.GET.get("q", "").strip()[:200],
        )

    def apply(self, findings):
        if self.severity:
            findings = findings.filter(severity=self.severity)
        if self.rule:
            findings = findings.filter(code=self.rule)
        if self.q:
            findings = findings.filter(
                Q(message__icontains=self.q)
                | Q(value__icontains=self.q)
                | Q(hint__icontains=self.q)
                | Q(suggestion__icontains=self.q)
                | Q(column__icontains=self.q)
                | Q(file__icontains=self.q)
            )
        return findings

    @property
    def active(self) -> bool:
        return bool(self.severity or self.rule or self.q)

    def query(self, **extra) -> str:
        params = {"severity": self.severity, "rule": self.rule, "q": self.q, **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _rule_title(code: str) -> str:
    if code in REGISTRY:
        return REGISTRY.get(code).title
    return {
        "C00.E999": "A rule could not finish",
        "C00.I001": "Not checked",
    }.get(code, code)


def _rows_label(rows: list[int], shown: int = 12) -> str:
    label = ", ".join(str(r) for r in rows[:shown])
    return label + (f" and {len(rows) - shown} more" if len(rows) > shown else "")


FIXABLE = fixes.RENAMES | {fixes.STATE_CHANGE}  # a fix can be sent back for these


def _findings_context(request, practice: Practice, run: ValidationRun) -> dict:
    filters = Filters.from_request(request)
    all_findings = Finding.objects.filter(run=run)
    shown = filters.apply(all_findings)

    # Findings are stored item, severity, rule order (the runner sorts them), so position order
    # is "grouped by rule, worst first" and uses the (run, position) index; the per-rule counts
    # read only the covering finding_rule_groups index (COUNT(*), not COUNT(id), keeps it so).
    groups = list(
        shown.values("code", "severity", "item")
        .annotate(count=Count("*"), first=Min("position"))
        .order_by("first")
    )
    for group in groups:
        group["title"] = _rule_title(group["code"])
    total = sum(g["count"] for g in groups)
    pages = min(max((total + PER_PAGE - 1) // PER_PAGE, 1), MAX_PAGES)
    try:
        page = min(max(int(request.GET.get("page", "1")), 1), pages)
    except ValueError:
        page = 1
    offset = (page - 1) * PER_PAGE
    rows = list(shown.order_by("position")[offset : offset + PER_PAGE])
    counts_by_code = {g["code"]: g["count"] for g in groups}
    # Waivers and acknowledgements: one query each, whatever the page size.
    waivers = active_waivers(run.onboarding, run.step_key)
    acknowledged = acknowledged_keys(run.onboarding, run.step_key)
    for finding in rows:
        finding.waiver = waivers.get(finding.match_key)
        finding.waiver_changed = bool(finding.waiver) and waiver_changed(finding.waiver, finding)
        finding.acknowledged = finding.match_key in acknowledged
        finding.group_count = counts_by_code.get(finding.code, 0)
        finding.rule_title = _rule_title(finding.code)
        finding.rows_label = _rows_label(finding.rows)

    return {
        "practice": practice,
        "run": run,
        "can_waive": can(request.user, Action.WAIVE),
        "can_acknowledge": can(request.user, Action.ACKNOWLEDGE),
        "step": STEPS_BY_KEY.get(run.step_key),
        # The step's sign-off panel belongs on this page only for the onboarding in progress.
        "current_run_step": run.onboarding_id == getattr(practice.current_onboarding(), "pk", None),
        "filters": filters,
        "groups": groups,
        "findings": rows,
        "total": total,
        "page": page,
        "pages": pages,
        "capped": total > MAX_PAGES * PER_PAGE,
        "previous_query": filters.query(page=page - 1) if page > 1 else None,
        "next_query": filters.query(page=page + 1) if page < pages else None,
        "download_query": filters.query(),
        "rule_choices": [(code, _rule_title(code)) for code in _rule_codes(filters, groups, run)],
        "severities": Severity.choices,
        "diff": _diff(run),
        "match_weight": MATCH_WEIGHT,
        "fixable": all_findings.filter(code__in=FIXABLE).exclude(records=[]).exists(),
    }


def _rule_codes(filters: Filters, groups: list[dict], run: ValidationRun) -> list[str]:
    """The run's rule codes, worst first: unfiltered, the groups already hold them all (one
    aggregation over 50,000 findings fewer)."""
    if not filters.active:
        return list(dict.fromkeys(g["code"] for g in groups))
    every = Finding.objects.filter(run=run).values("code").annotate(first=Min("position"))
    return [c["code"] for c in every.order_by("first")]


def _diff(run: ValidationRun) -> dict | None:
    """Fixed / new / still open against the previous successful run of the step: stored when the
    run finished; computed here, by the engine's same function, for a run stored before that."""
    if run.status != RunStatus.SUCCEEDED:
        return None
    diff = run.diff if run.diff is not None else diff_against_previous(run)
    previous = diff["previous"]
    if previous is None:
        return None
    finished_at = previous["finished_at"]
    return {**diff, "previous_finished_at": parse_datetime(finished_at) if finished_at else None}


@require_GET
def findings(request: HtmxHttpRequest, pk: int, run_id: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk)
    run = get_run(practice, run_id)
    template_name = "wizard/findings.html"
    if request.htmx and request.GET.get("fragment") == "findings":
        template_name += "#findings"
    return render(request, template_name, _findings_context(request, practice, run))


def _export_rows(request, run: ValidationRun):
    shown = Filters.from_request(request).apply(Finding.objects.filter(run=run))
    return download_rows(shown.order_by("position"))


def _filename(practice: Practice, run: ValidationRun, ext: str) -> str:
    return f"liftoff-findings-run{run.pk}-{run.step_key or 'all'}.{ext}"


@require_GET
def findings_csv(request: HtmxHttpRequest, pk: int, run_id: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk)
    run = get_run(practice, run_id)
    body = spreadsheets.to_csv(DOWNLOAD_COLUMNS, _export_rows(request, run))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(practice, run, "csv")}"'
    return response


@require_GET
def findings_xlsx(request: HtmxHttpRequest, pk: int, run_id: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk)
    run = get_run(practice, run_id)
    body = spreadsheets.to_xlsx(DOWNLOAD_COLUMNS, _export_rows(request, run), sheet="Findings")
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(practice, run, "xlsx")}"'
    return response
