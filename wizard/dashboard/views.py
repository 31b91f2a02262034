"""The onboarding team's dashboard: every practice of the organisation, filtered, sorted and
paged, its chart of practices per step, and the same rows as CSV."""

from __future__ import annotations

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET
from django_htmx.http import push_url

from audits import spreadsheets
from wizard.access import membership_of, practices_of_organisation
from wizard.checklist import STEPS
from wizard.dashboard import figures
from wizard.http import HtmxHttpRequest
from wizard.practices.forms import team_of

PER_PAGE = 25  # rendering rows is most of the page's cost (bench/bench_figures.py)

CSV_HEADER = (
    "practice",
    "signed of 15",
    "current step",
    "open errors",
    "open warnings",
    "steps needing attention",
    "waivers",
    "assignees",
    "target go-live",
    "last activity",
    "status",
    "archived",
)

# (sort key or "", heading) for the table's header; a sortable heading toggles its direction.
COLUMNS = (
    ("name", "Practice"),
    ("progress", "Progress"),
    ("step", "Current step"),
    ("errors", "Open"),
    ("waivers", "Waivers"),
    ("", "Assignees"),
    ("target", "Target"),
    ("activity", "Last activity"),
    ("status", "Status"),
)


def _csv(rows: list[figures.Row]) -> HttpResponse:
    body = spreadsheets.to_csv(
        CSV_HEADER,
        (
            [
                r.name,
                r.signed,
                r.current_step or "",
                r.errors,
                r.warnings,
                " ".join(map(str, r.blocked_steps)),
                r.waivers,
                "; ".join(r.assignees),
                r.target_go_live.isoformat() if r.target_go_live else "",
                r.last_activity.isoformat(timespec="seconds") if r.last_activity else "",
                r.health_label,
                "yes" if r.archived_at else "",
            ]
            for r in rows
        ),
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="liftoff-practices.csv"'
    return response


@require_GET
def dashboard_view(request: HtmxHttpRequest) -> HttpResponse:
    """Every practice of the organisation: filtered, sorted and paged.

    The table (chart, rows, pager) is the same for everyone in the organisation who asks with
    the same filters while nothing changes, so it is rendered once per snapshot, filters and
    page and cached; it holds nothing of the person asking (rendered without the request).
    """
    membership = membership_of(request.user)
    if not membership.is_team:
        return redirect("wizard:overview", pk=membership.practice_id)
    filters = figures.Filters.from_query(request.GET)
    snapshot = figures.Snapshot.of(membership.organisation_id, timezone.now())
    practices = practices_of_organisation(membership)
    chosen = figures.choose(figures.rows_for(snapshot, practices), filters)
    shown = figures.at_step(chosen, filters.step)
    if request.GET.get("format") == "csv":
        return _csv(shown)
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    # Keyed on what the table shows, never on raw parameters: junk cannot fill the cache.
    table_key = snapshot.key("table", filters, page.number)
    table = cache.get(table_key)
    if table is None:
        table = _dashboard_table(filters, chosen, page)
        cache.set(table_key, table, figures.CACHE_SECONDS)  # a SafeString, pickled as one
    if request.htmx and request.GET.get("fragment") == "dashboard":
        # The address bar gets the filters, not the fragment: back, reload and sharing the
        # address give the whole page.
        query = filters.query()
        response = push_url(
            HttpResponse(table), f"{request.path}?{query}" if query else request.path
        )
    else:
        response = render(
            request,
            "wizard/dashboard.html",
            {
                "table": table,
                "statuses": figures.HEALTH_LABELS.items(),
                "team": team_of(membership.organisation),
                "filters": filters,
                "steps": STEPS,
            },
        )
    patch_vary_headers(response, ("HX-Request",))  # a cache must not give one for the other
    return response


def _dashboard_table(filters: figures.Filters, chosen: list[figures.Row], page) -> str:
    """The chart (over every step), the page of rows and the pager, as HTML."""
    histogram = figures.step_histogram(chosen)
    row_template = get_template("wizard/dashboard.html#dashboard-row")
    for row in page.object_list:
        # Rows are shared by every sort, filter and page of the snapshot: render each once.
        if row.html is None:
            row.html = row_template.render({"r": row})
    return render_to_string(
        "wizard/dashboard.html#dashboard",
        {
            "page": page,
            "rows": page.object_list,
            "total": page.paginator.count,
            "histogram": histogram,
            "histogram_max": max((n for _, _, n in histogram), default=0) or 1,
            "filters": filters,
            "query_string": filters.query(),
            "sort_query": filters.query(without=("sort",)),
            "chart_query": filters.query(without=("sort", "step")),
            "columns": COLUMNS,
            "stuck_days": figures.stuck_after().days,
        },
    )
