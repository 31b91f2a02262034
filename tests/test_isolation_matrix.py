"""Every URL × every role × objects of the user's own and of another organisation.

Expected: anonymous → 302 to login; another tenant's object → 404 (never 403, which would confirm
it exists); a role lacking a permission inside its own tenant → 403; otherwise the page works
(200, or 302 after a POST). GET on a POST-only view → 405.

A URL pattern missing from ``MATRIX`` fails ``test_it_covers_every_url``. To add one, write one
line: its name, how to build its kwargs from the ``World`` of objects, its method, and the roles
allowed it in their own organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from audits.models import Finding, Fix, Severity, Upload, UploadStatus, ValidationRun
from audits.uploads import store_file
from tests.conftest import make_user
from wizard.models import Invitation, Membership, Practice, Role, SignOff

ROLES = ("manager", "staff", "lead", "specialist")
ALL = frozenset(ROLES)
LEAD = frozenset({"lead"})
MANAGERS = frozenset({"manager", "lead"})  # a practice manager for their practice, or a lead
PRACTICE_MANAGER = frozenset({"manager"})


@dataclass(frozen=True)
class World:
    """One organisation's objects, as a URL's kwargs need them."""

    practice: Practice
    upload: Upload
    run: ValidationRun
    finding: Finding
    sign_off: SignOff
    membership: Membership  # a practice staff member's
    invitation: Invitation  # pending, to the practice
    fix: Fix  # proposed, from the finding


@dataclass(frozen=True)
class Entry:
    kwargs: Callable[[World], dict]
    method: str = "get"
    allowed: frozenset = ALL  # roles that may use it in their own organisation
    scoped: bool = True  # reaches an object that belongs to one organisation


def none(w: World) -> dict:
    return {}


def pk(w: World) -> dict:
    return {"pk": w.practice.pk}


def step(w: World, key: str = "client-names") -> dict:
    return {"pk": w.practice.pk, "key": key}


def run(w: World) -> dict:
    return {"pk": w.practice.pk, "run_id": w.run.pk}


def finding(w: World) -> dict:
    return {"pk": w.practice.pk, "finding_id": w.finding.pk}


def upload(w: World) -> dict:
    return {**step(w), "upload_id": w.upload.pk}


MATRIX: dict[str, Entry] = {
    "home": Entry(none, scoped=False),
    "password_change": Entry(none, scoped=False),
    "password_change_done": Entry(none, scoped=False),
    "wizard:practice_list": Entry(none, scoped=False),
    "wizard:overview": Entry(pk),
    "wizard:activity": Entry(pk),
    "wizard:step": Entry(step),
    "wizard:attest": Entry(lambda w: step(w, "api-access"), "post"),
    "wizard:report": Entry(lambda w: {**pk(w), "fmt": "csv"}),
    "wizard:acknowledge": Entry(finding, "post"),
    "wizard:acknowledge_all": Entry(run, "post"),
    "wizard:waive": Entry(finding, "post", MANAGERS),
    "wizard:sign": Entry(step, "post", frozenset({"manager"})),
    "wizard:countersign": Entry(step, "post", LEAD),
    "wizard:revoke": Entry(lambda w: {**step(w), "sign_off_id": w.sign_off.pk}, "post", MANAGERS),
    "wizard:template": Entry(lambda w: {"kind": "xpm_clients"}, scoped=False),
    "wizard:findings": Entry(run),
    "wizard:findings_csv": Entry(run),
    "wizard:findings_xlsx": Entry(run),
    "wizard:run_panel": Entry(step),
    "wizard:state_map": Entry(pk),
    "wizard:save_state_map": Entry(pk, "post"),
    "wizard:mapping": Entry(upload),
    "wizard:upload_reading": Entry(step),
    "wizard:upload": Entry(step, "post"),
    "wizard:paste": Entry(step, "post"),
    "wizard:accept_rows": Entry(upload, "post"),
    "wizard:dismiss_upload": Entry(upload, "post"),
    "wizard:connect": Entry(pk, "post", MANAGERS),
    "wizard:disconnect": Entry(pk, "post", MANAGERS),
    "wizard:recheck": Entry(pk, "post", MANAGERS),
    "wizard:pull": Entry(lambda w: {**step(w), "kind": "xpm_clients"}, "post"),
    "wizard:run_again": Entry(step, "post"),
    "wizard:fixes": Entry(pk),
    "wizard:fix_status": Entry(pk),
    "wizard:fix_edit": Entry(lambda w: {**pk(w), "fix_id": w.fix.pk}, "post"),
    "wizard:fix_approve": Entry(pk, "post", PRACTICE_MANAGER),
    "wizard:fix_send": Entry(pk, "post", PRACTICE_MANAGER),
    "wizard:write_back": Entry(pk, "post", MANAGERS),
    # the team's pages
    "wizard:practice_new": Entry(none, allowed=LEAD, scoped=False),
    "wizard:team_members": Entry(none, allowed=LEAD, scoped=False),
    "wizard:notification_settings": Entry(none, scoped=False),
    "wizard:practice_settings": Entry(pk, allowed=LEAD),
    "wizard:practice_archive": Entry(pk, "post", LEAD),
    "wizard:onboarding_new": Entry(pk, "post", LEAD),
    "wizard:members": Entry(pk, allowed=MANAGERS),
    "wizard:member_remove": Entry(lambda w: {"membership_id": w.membership.pk}, "post", MANAGERS),
    "wizard:invitation_revoke": Entry(
        lambda w: {"invitation_id": w.invitation.pk}, "post", MANAGERS
    ),
}
# Reachable without an account by design; each is checked in PUBLIC_CHECKS below.
PUBLIC = {
    "login",
    "logout",
    "wizard:accept_invitation",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue  # Django's admin guards itself (staff only); see test_it_guards_admin
            yield from _names(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern):
            yield prefix + (p.name or str(p.pattern))


# The OAuth callback reaches no object by URL: its practice comes from the ``state`` this
# session was issued (tests/wizard/connect/). Here: login required, and no state is a refusal.
CALLBACK = "wizard:connect_callback"


def test_it_guards_the_oauth_callback(manager, client_for):
    url = reverse(CALLBACK)
    assert Client().get(url)["Location"].startswith(reverse("login"))
    assert client_for(manager).get(url + "?state=forged&code=x").status_code == 400


def test_it_covers_every_url():
    missing = set(_names(get_resolver().url_patterns)) - set(MATRIX) - PUBLIC - {CALLBACK}
    assert not missing, f"add these URLs to the isolation matrix: {sorted(missing)}"


def test_it_lists_no_url_that_is_gone():
    assert set(MATRIX) | PUBLIC <= set(_names(get_resolver().url_patterns))


def _world(practice, staff_member, inviter) -> World:
    onboarding = practice.current_onboarding()
    # Built directly: the matrix is about access, and the services are tested elsewhere.
    upload = Upload.objects.create(
        practice=practice,
        onboarding=onboarding,
        step_key="client-names",
        stored_file=store_file(b"Who,Mail\r\nJane,j@x.com\r\n"),
        original_name="who.csv",
        status=UploadStatus.NEEDS_MAPPING,
        error={"preview": {"headers": ["Who", "Mail"]}},
    )
    run = ValidationRun.objects.create(
        practice=practice, onboarding=onboarding, step_key="client-names", status="succeeded"
    )
    finding = Finding.objects.create(
        run=run,
        position=0,
        code="C03.E001",
        item=3,
        severity=Severity.ERROR,
        message="x",
        match_key="C03.E001|x",
    )
    progress = onboarding.steps.get(step_key="client-names")
    sign_off = SignOff.objects.create(
        progress=progress, signed_by_label="x", role=Role.PRACTICE_MANAGER
    )
    invitation = Invitation.objects.create(
        organisation=practice.organisation,
        practice=practice,
        email=f"invited@{practice.organisation.slug}.example",
        role=Role.PRACTICE_STAFF,
        invited_by=inviter,
        expires_at=timezone.now() + timezone.timedelta(days=7),
    )
    fix = Fix.objects.create(
        practice=practice,
        onboarding=onboarding,
        system="XPM",
        record_kind="client",
        record_id="c0ffee",
        field="name",
        before="x",
        after="X",
        findings=[{"code": "C03.E001", "match_key": "C03.E001|x"}],
    )
    membership = staff_member.membership
    return World(practice, upload, run, finding, sign_off, membership, invitation, fix)


@pytest.fixture
def worlds(practice, other_practice, manager, lead, outsider, staff, other_organisation):
    rival_staff = make_user(
        "staff@rival.example", Role.PRACTICE_STAFF, other_organisation, other_practice
    )
    return {
        "own": _world(practice, staff, lead),
        "other": _world(other_practice, rival_staff, outsider),
    }


def _call(client, name, entry, world, method=None):
    url = reverse(name, kwargs=entry.kwargs(world))
    return client.post(url) if (method or entry.method) == "post" else client.get(url)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_it_sends_anonymous_visitors_to_login(name, worlds):
    entry = MATRIX[name]
    response = _call(Client(), name, entry, worlds["own"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_it_applies_the_role_in_its_own_organisation(request, name, role, worlds, client_for):
    entry = MATRIX[name]
    response = _call(client_for(request.getfixturevalue(role)), name, entry, worlds["own"])
    if role in entry.allowed:
        assert response.status_code in (200, 302), (name, role, response.status_code)
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login")), (name, role)
    else:
        assert response.status_code == 403, (name, role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(n for n, e in MATRIX.items() if e.scoped))
def test_it_hides_another_organisations_objects(request, name, role, worlds, client_for):
    entry = MATRIX[name]
    response = _call(client_for(request.getfixturevalue(role)), name, entry, worlds["other"])
    assert response.status_code == 404, (name, role, response.status_code)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_it_treats_a_user_of_another_organisation_as_a_stranger(name, worlds, outsider, client_for):
    """The outsider (a lead elsewhere) reaching into this organisation: 404 on every object;
    pages without an object show the outsider's own organisation, as for any lead."""
    entry = MATRIX[name]
    response = _call(client_for(outsider), name, entry, worlds["own"])
    if entry.scoped:
        assert response.status_code == 404, (name, response.status_code)
    elif "lead" in entry.allowed:
        assert response.status_code in (200, 302), (name, response.status_code)
    else:
        assert response.status_code == 403, (name, response.status_code)


@pytest.mark.parametrize("name", sorted(n for n, e in MATRIX.items() if e.method == "post"))
def test_it_refuses_get_on_post_only_views(name, worlds, lead, manager, client_for):
    entry = MATRIX[name]
    user = lead if "lead" in entry.allowed else manager
    assert _call(client_for(user), name, entry, worlds["own"], method="get").status_code == 405


def test_it_shows_the_public_pages_without_an_account(worlds):
    client = Client()
    assert client.get(reverse("login")).status_code == 200
    bogus = reverse("wizard:accept_invitation", args=["not-a-real-token"])
    response = client.get(bogus)
    assert response.status_code == 410
    assert "not valid" in response.content.decode()
    assert client.post(reverse("logout")).status_code == 302
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        assert client.get(reverse(name)).status_code == 200, name
    forged = reverse("password_reset_confirm", args=["MQ", "forged-token"])
    assert "This link no longer works" in client.get(forged, follow=True).content.decode()


def test_it_guards_admin(lead, client_for):
    response = client_for(lead).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
