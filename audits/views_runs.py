"""Validation-run pages: the step's run panel (polled while a run works), the findings of a run with
filters and downloads, "Run again", and the job-state map of step 11.

Every view reaches practice data through ``wizard.access.get_practice_for_user``: another tenant's
run is a 404. The findings page runs a fixed number of queries however many findings a run has.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Min, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from audits import export, runs
from audits.models import Finding, RunStatus, Severity, StateType, ValidationRun
from audits.selectors import current_uploads, latest_run
from wizard.access import Action, can, get_practice_for_user
from wizard.checklist import STEPS_BY_KEY
from wizard.http import HtmxHttpRequest
from wizard.models import Practice

PER_PAGE = 50
MAX_PAGES = 200  # beyond 10,000 rows, narrow with filters or download the file
DIFF_SAMPLE = 20
JOB_STATES_STEP = "job-states"


def _get_run_for_user(user, pk: int, run_id: int) -> tuple[Practice, ValidationRun]:
    practice = get_practice_for_user(user, pk)
    run = (
        ValidationRun.objects.filter(practice=practice, pk=run_id)
        .select_related("onboarding")
        .first()
    )
    if run is None:
        raise Http404("No such run.")
    return practice, run


def _step_or_404(key: str):
    step = STEPS_BY_KEY.get(key)
    if step is None or not step.all_exports:
        raise Http404("No such data step.")
    return step


def _onboarding(practice: Practice):
    onboarding = practice.current_onboarding()
    if onboarding is None:
        raise Http404("No onboarding.")
    return onboarding


# --- the run panel on the step page ----------------------------------------------------------


@require_GET
def run_panel(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    """The panel alone: what htmx polls while a run is queued or running."""
    practice = get_practice_for_user(request.user, pk)
    step = _step_or_404(key)
    onboarding = _onboarding(practice)
    run = latest_run(onboarding, step.key)
    if not request.htmx:
        return redirect("wizard:step", pk=practice.pk, key=step.key)
    context = {"practice": practice, "onboarding": onboarding, "step": step, "run": run}
    response = render(request, "audits/run_panel.html#run-panel", context)
    if run is not None and run.is_finished:
        # Only a panel that was polling asks again, so a finished answer is news: the step list
        # and status change with it.
        trigger_client_event(response, "stepsChanged")
    return response


@require_POST
def run_again(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.UPLOAD)
    step = _step_or_404(key)
    onboarding = _onboarding(practice)
    run = runs.start_run(onboarding=onboarding, step_key=step.key, actor=request.user)
    if run is None:
        message = "Upload the exports this step needs before checking it."
        if request.htmx:
            return HttpResponse(message, status=400)
        messages.error(request, message)
    elif not request.htmx:
        messages.success(request, f"Step {step.number} is being checked again.")
    if not request.htmx:
        return redirect("wizard:step", pk=practice.pk, key=step.key)
    context = {"practice": practice, "onboarding": onboarding, "step": step, "run": run}
    response = render(request, "audits/run_panel.html#run-panel", context)
    return trigger_client_event(response, "stepsChanged")


# --- findings --------------------------------------------------------------------------------


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
    from audits.validators.registry import REGISTRY

    if code in REGISTRY:
        return REGISTRY.get(code).title
    return {
        "C00.E999": "A rule could not finish",
        "C00.I001": "Not checked",
    }.get(code, code)


def _rows_label(rows: list[int], shown: int = 12) -> str:
    label = ", ".join(str(r) for r in rows[:shown])
    return label + (f" and {len(rows) - shown} more" if len(rows) > shown else "")


def _findings_context(request, practice: Practice, run: ValidationRun) -> dict:
    filters = Filters.from_request(request)
    all_findings = Finding.objects.filter(run=run)
    shown = filters.apply(all_findings)

    # Findings are stored item, severity, rule order (the runner sorts them), so position order
    # is "grouped by rule, worst first" and uses the (run, position) index.
    groups = list(
        shown.values("code", "severity", "item")
        .annotate(count=Count("pk"), first=Min("position"))
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
    from wizard.access import Action, can
    from wizard.signoff import acknowledged_keys, active_waivers, waiver_changed

    waivers = active_waivers(run.onboarding, run.step_key)
    acknowledged = acknowledged_keys(run.onboarding, run.step_key)
    for finding in rows:
        finding.waiver = waivers.get(finding.match_key)
        finding.waiver_changed = bool(finding.waiver) and waiver_changed(finding.waiver, finding)
        finding.acknowledged = finding.match_key in acknowledged
        finding.group_count = counts_by_code.get(finding.code, 0)
        finding.rule_title = _rule_title(finding.code)
        finding.rows_label = _rows_label(finding.rows)

    rule_choices = list(
        all_findings.values("code").annotate(first=Min("position")).order_by("first")
    )
    return {
        "practice": practice,
        "run": run,
        "can_waive": can(request.user, Action.WAIVE),
        "can_acknowledge": can(request.user, Action.ACKNOWLEDGE),
        "step": STEPS_BY_KEY.get(run.step_key),
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
        "rule_choices": [(c["code"], _rule_title(c["code"])) for c in rule_choices],
        "severities": Severity.choices,
        "diff": _diff(run),
    }


def _diff(run: ValidationRun) -> dict | None:
    """Fixed / new / still open against the previous finished run of the step, by match key
    (rule code + normalised value), never by row number: rows move when a file is re-exported."""
    if run.status != RunStatus.SUCCEEDED:
        return None
    previous = (
        ValidationRun.objects.filter(
            onboarding_id=run.onboarding_id,
            step_key=run.step_key,
            status=RunStatus.SUCCEEDED,
            created_at__lte=run.created_at,
        )
        .exclude(pk=run.pk)
        .filter(Q(created_at__lt=run.created_at) | Q(pk__lt=run.pk))
        .order_by("-created_at", "-pk")
        .first()
    )
    if previous is None:
        return None
    now_keys = Finding.objects.filter(run=run).values("match_key")
    before_keys = Finding.objects.filter(run=previous).values("match_key")
    fixed = Finding.objects.filter(run=previous).exclude(match_key__in=now_keys)
    new = Finding.objects.filter(run=run).exclude(match_key__in=before_keys)
    still_open = Finding.objects.filter(run=run, match_key__in=before_keys)
    return {
        "previous": previous,
        "fixed_count": fixed.count(),
        "new_count": new.count(),
        "open_count": still_open.count(),
        "fixed": list(fixed.order_by("position")[:DIFF_SAMPLE]),
        "new": list(new.order_by("position")[:DIFF_SAMPLE]),
    }


@require_GET
def findings(request: HtmxHttpRequest, pk: int, run_id: int) -> HttpResponse:
    practice, run = _get_run_for_user(request.user, pk, run_id)
    template_name = "audits/findings.html"
    if request.htmx and request.GET.get("fragment") == "findings":
        template_name += "#findings"
    return render(request, template_name, _findings_context(request, practice, run))


def _export_rows(request, run: ValidationRun):
    shown = Filters.from_request(request).apply(Finding.objects.filter(run=run))
    values = shown.order_by("position").values(*export.FINDING_COLUMNS)
    return export.finding_rows(values.iterator(chunk_size=2000))


def _filename(practice: Practice, run: ValidationRun, ext: str) -> str:
    return f"liftoff-findings-run{run.pk}-{run.step_key or 'all'}.{ext}"


@require_GET
def findings_csv(request: HtmxHttpRequest, pk: int, run_id: int) -> HttpResponse:
    practice, run = _get_run_for_user(request.user, pk, run_id)
    body = export.to_csv(export.FINDING_COLUMNS, _export_rows(request, run))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(practice, run, "csv")}"'
    return response


@require_GET
def findings_xlsx(request: HtmxHttpRequest, pk: int, run_id: int) -> HttpResponse:
    practice, run = _get_run_for_user(request.user, pk, run_id)
    body = export.to_xlsx(export.FINDING_COLUMNS, _export_rows(request, run), sheet="Findings")
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(practice, run, "xlsx")}"'
    return response


# --- step 11: the job-state map --------------------------------------------------------------


def _default_types() -> dict[str, str]:
    try:
        from audits.validators.job_states import DEFAULT_STATE_TYPES
    except ImportError:
        return {}
    from audits.validators.base import fold

    return {fold(name): kind for name, kind in DEFAULT_STATE_TYPES.items()}


def states_in_jobs_upload(onboarding) -> list[str]:
    """The distinct job-state names of the current XPM jobs upload, as written there."""
    upload = current_uploads(onboarding).get("xpm_jobs")
    if upload is None:
        return []
    from django.core.cache import cache

    key = f"liftoff:job-states:{upload.sha256}:{upload.pk}"
    states = cache.get(key)
    if states is None:
        from audits.loading import load_bytes
        from audits.validators.base import fold

        (only,) = runs.inputs_for_uploads([upload])
        table = load_bytes(
            only.data,
            only.name,
            kind="xpm_jobs",
            mapping=only.mapping,
            date_order=onboarding.practice.date_order,
            accept_bad_rows=True,
        ).table
        seen: dict[str, str] = {}
        for name in table.col("state").str.strip().unique():
            if name:
                seen.setdefault(fold(name), name)
        states = sorted(seen.values(), key=str.casefold)
        cache.set(key, states, 24 * 3600)
    return states


def _state_rows(practice: Practice, onboarding) -> list[dict]:
    from audits.validators.base import fold

    confirmed = {fold(k): v for k, v in runs.confirmed_state_map(practice).items()}
    defaults = _default_types()
    rows = []
    for index, name in enumerate(states_in_jobs_upload(onboarding)):
        folded = fold(name)
        rows.append(
            {
                "index": index,
                "name": name,
                "type": confirmed.get(folded) or defaults.get(folded, ""),
                "confirmed": folded in confirmed,
            }
        )
    return rows


@require_GET
def state_map(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk)
    onboarding = _onboarding(practice)
    template_name = "audits/run_state_map.html"
    if request.htmx:
        template_name += "#state-map"
    context = {
        "practice": practice,
        "step": STEPS_BY_KEY[JOB_STATES_STEP],
        "rows": _state_rows(practice, onboarding),
        "state_types": StateType.choices,
        "can_edit": can(request.user, Action.UPLOAD),
    }
    return render(request, template_name, context)


@require_POST
def save_state_map(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.UPLOAD)
    onboarding = _onboarding(practice)
    names = states_in_jobs_upload(onboarding)
    choices = {}
    for index, name in enumerate(names):
        value = request.POST.get(f"type-{index}", "")
        if value in StateType.values:
            choices[name] = value
    runs.save_state_map(practice=practice, choices=choices, actor=request.user)
    run = runs.start_run(onboarding=onboarding, step_key=JOB_STATES_STEP, actor=request.user)
    if not request.htmx:
        messages.success(request, "Job-state types saved; step 11 is being checked again.")
        return redirect("wizard:step", pk=practice.pk, key=JOB_STATES_STEP)
    step = STEPS_BY_KEY[JOB_STATES_STEP]
    context = {"practice": practice, "onboarding": onboarding, "step": step, "run": run}
    response = render(request, "audits/run_panel.html#run-panel", context)
    return trigger_client_event(response, "stepsChanged")
