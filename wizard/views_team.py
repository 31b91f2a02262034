"""The onboarding team's pages: the dashboard, practice admin, people and invitations, emails."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from audits import export
from wizard import dashboard, invitations, team
from wizard.access import Action, get_practice_for_user, membership_of, require
from wizard.checklist import STEPS
from wizard.forms_team import (
    AcceptForm,
    InviteForm,
    PracticeForm,
    PreferenceForm,
    team_of,
)
from wizard.http import HtmxHttpRequest
from wizard.models import (
    PRACTICE_ROLES,
    TEAM_ROLES,
    DateOrder,
    Invitation,
    Membership,
    NotificationPreference,
    Practice,
    Role,
)

PER_PAGE = 25  # rendering rows is most of the page's cost (bench/bench_dashboard.py)

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


def _csv(rows: list[dashboard.Row]) -> HttpResponse:
    body = export.to_csv(
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
    filters = dashboard.Filters.from_query(request.GET)
    snapshot = dashboard.Snapshot.of(membership.organisation_id, timezone.now())
    practices = Practice.objects.filter(organisation_id=membership.organisation_id)
    chosen = dashboard.choose(dashboard.rows_for(snapshot, practices), filters)
    shown = dashboard.at_step(chosen, filters.step)
    if request.GET.get("format") == "csv":
        return _csv(shown)
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    # Keyed on what the table shows, never on raw parameters: junk cannot fill the cache.
    table_key = snapshot.key("table", filters, page.number)
    table = cache.get(table_key)
    if table is None:
        table = _dashboard_table(filters, chosen, page)
        cache.set(table_key, table, dashboard.CACHE_SECONDS)  # a SafeString, pickled as one
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
                "statuses": dashboard.HEALTH_LABELS.items(),
                "team": team_of(membership.organisation),
                "filters": filters,
                "steps": STEPS,
            },
        )
    patch_vary_headers(response, ("HX-Request",))  # a cache must not give one for the other
    return response


def _dashboard_table(filters: dashboard.Filters, chosen: list[dashboard.Row], page) -> str:
    """The chart (over every step), the page of rows and the pager, as HTML."""
    histogram = dashboard.step_histogram(chosen)
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
            "stuck_days": dashboard.stuck_after().days,
        },
    )


@require_http_methods(["GET", "POST"])
def practice_new(request: HtmxHttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    require(request.user, Action.MANAGE_PRACTICE)
    form = PracticeForm(
        request.POST or None,
        organisation=membership.organisation,
        initial={"date_order": DateOrder.DMY},
    )
    if request.method == "POST" and form.is_valid():
        practice = team.create_practice(
            organisation=membership.organisation, actor=request.user, **form.cleaned_data
        )
        messages.success(request, f"{practice.name} is ready for its onboarding.")
        return redirect("wizard:overview", pk=practice.pk)
    return render(request, "wizard/practice_admin_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def practice_admin(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.MANAGE_PRACTICE)
    form = PracticeForm(
        request.POST or None,
        organisation=practice.organisation,
        initial={
            "name": practice.name,
            "target_go_live": practice.target_go_live,
            "date_order": practice.date_order,
            "assignees": list(practice.assignees.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        team.update_practice(practice=practice, actor=request.user, **form.cleaned_data)
        messages.success(request, "Practice updated.")
        return redirect("wizard:practice_settings", pk=practice.pk)
    return render(
        request,
        "wizard/practice_admin.html",
        {
            "practice": practice,
            "form": form,
            "onboardings": practice.onboardings.select_related("started_by"),
        },
    )


@require_POST
def practice_archive(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.MANAGE_PRACTICE)
    archived = request.POST.get("archived") == "1"
    team.set_archived(practice=practice, actor=request.user, archived=archived)
    messages.success(request, "Practice archived." if archived else "Practice restored.")
    return redirect("wizard:practice_settings", pk=practice.pk)


@require_POST
def onboarding_new(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.MANAGE_PRACTICE)
    team.start_fresh_onboarding(
        practice=practice, actor=request.user, label=request.POST.get("label", "")
    )
    messages.success(request, "A fresh onboarding has started; the previous one is kept.")
    return redirect("wizard:overview", pk=practice.pk)


def _accept_url(request: HtmxHttpRequest):
    return lambda token: request.build_absolute_uri(
        reverse("wizard:accept_invitation", args=[token])
    )


def _invite_or_list(
    request: HtmxHttpRequest,
    *,
    practice: Practice | None,
    roles: tuple[Role, ...],
    memberships,
    back: str,
) -> HttpResponse:
    organisation = practice.organisation if practice else membership_of(request.user).organisation
    # A new team member is a specialist unless the lead chooses otherwise (least access first).
    initial = {"role": Role.ONBOARDING_SPECIALIST} if Role.ONBOARDING_SPECIALIST in roles else {}
    form = InviteForm(request.POST or None, roles=roles, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.invite(
                organisation=organisation,
                practice=practice,
                email=form.cleaned_data["email"],
                role=Role(form.cleaned_data["role"]),
                actor=request.user,
                accept_url=_accept_url(request),
            )
        except invitations.InvitationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect(back)
    return render(
        request,
        "wizard/members.html",
        {
            "practice": practice,
            "organisation": organisation,
            "form": form,
            "memberships": memberships.select_related("user").order_by("role", "user__username"),
            "invitations": invitations.pending(organisation=organisation, practice=practice),
            "invitation_days": invitations.lifetime().days,
        },
    )


@require_http_methods(["GET", "POST"])
def members(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A practice's people; its lead or practice manager invites managers and staff."""
    practice = get_practice_for_user(request.user, pk, Action.INVITE)
    return _invite_or_list(
        request,
        practice=practice,
        roles=PRACTICE_ROLES,
        memberships=Membership.objects.filter(practice=practice),
        back=reverse("wizard:members", args=[practice.pk]),
    )


@require_http_methods(["GET", "POST"])
def team_members(request: HtmxHttpRequest) -> HttpResponse:
    """The organisation's onboarding team; only a lead invites to it."""
    membership = membership_of(request.user)
    require(request.user, Action.MANAGE_PRACTICE)
    return _invite_or_list(
        request,
        practice=None,
        roles=TEAM_ROLES,
        memberships=Membership.objects.filter(
            organisation_id=membership.organisation_id, practice__isnull=True
        ),
        back=reverse("wizard:team_members"),
    )


def _may_manage(mine: Membership, practice_id: int | None) -> bool:
    """A lead manages everyone of the organisation; a practice manager, their practice's people."""
    if mine.is_lead:
        return True
    return mine.role == Role.PRACTICE_MANAGER and practice_id == mine.practice_id


def _visible(mine: Membership, practice_id: int | None) -> bool:
    return mine.is_team or practice_id == mine.practice_id


@require_POST
def member_remove(request: HtmxHttpRequest, membership_id: int) -> HttpResponse:
    mine = membership_of(request.user)
    target = get_object_or_404(
        Membership.objects.select_related("user", "organisation", "practice"),
        pk=membership_id,
        organisation_id=mine.organisation_id,
    )
    if not _visible(mine, target.practice_id):
        raise Http404("No such member.")
    if not _may_manage(mine, target.practice_id) or target.user_id == request.user.pk:
        raise PermissionDenied("You cannot remove this member.")
    team.remove_member(membership=target, actor=request.user)
    messages.success(request, f"{target.user.get_username()} no longer has access.")
    if target.practice_id:
        return redirect("wizard:members", pk=target.practice_id)
    return redirect("wizard:team_members")


@require_POST
def invitation_revoke(request: HtmxHttpRequest, invitation_id: int) -> HttpResponse:
    mine = membership_of(request.user)
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation", "practice"),
        pk=invitation_id,
        organisation_id=mine.organisation_id,
    )
    if not _visible(mine, invitation.practice_id):
        raise Http404("No such invitation.")
    if not _may_manage(mine, invitation.practice_id):
        raise PermissionDenied("You cannot withdraw this invitation.")
    invitations.revoke(invitation=invitation, actor=request.user)
    messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    if invitation.practice_id:
        return redirect("wizard:members", pk=invitation.practice_id)
    return redirect("wizard:team_members")


@login_not_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """Anonymous by design: the signed link is the credential."""
    checked = invitations.check_token(token)
    email = checked.invitation.email if checked.invitation else ""
    form = AcceptForm(request.POST or None, email=email)
    if checked.invitation is not None and request.method == "POST" and form.is_valid():
        try:
            invitations.accept(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except invitations.InvitationError as error:
            checked = invitations.Checked(None, str(error))
        else:
            messages.success(request, f"Your account is ready: log in as {email}.")
            return redirect("login")
    status = 200 if checked.invitation else 410
    return render(
        request,
        "wizard/invitation_accept.html",
        {"checked": checked, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def notification_settings(request: HtmxHttpRequest) -> HttpResponse:
    membership_of(request.user)
    preference = NotificationPreference.objects.filter(user=request.user).first()
    form = PreferenceForm(
        request.POST or None,
        instance=preference or NotificationPreference(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Email preferences saved.")
        return redirect("wizard:notification_settings")
    return render(request, "wizard/notification_settings.html", {"form": form})
