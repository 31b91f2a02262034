"""Every URL × every role × own or another organisation's objects.

Expected: anonymous → 302 to login; another tenant's object → 404 (never 403, which would confirm
it exists); a role lacking a permission inside its own tenant → 403; otherwise the page works.
A URL pattern missing from ``MATRIX`` fails ``test_it_covers_every_url``: add new URLs here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audits.models import Finding, Severity, Upload, UploadStatus, ValidationRun
from audits.uploads import store_file
from tests.conftest import make_user
from wizard.models import Role, SignOff

ROLES = ("manager", "staff", "lead", "specialist")
ALL = frozenset(ROLES)


@dataclass(frozen=True)
class Entry:
    method: str = "get"
    allowed: frozenset = ALL  # roles that may use it in their own organisation
    scoped: bool = True  # takes a practice (and so can be another tenant's)


MATRIX: dict[str, Entry] = {
    "home": Entry(scoped=False),
    "password_change": Entry(scoped=False),
    "password_change_done": Entry(scoped=False),
    "wizard:practice_list": Entry(scoped=False),
    "audits:template": Entry(scoped=False),
    "wizard:overview": Entry(),
    "wizard:activity": Entry(),
    "wizard:step": Entry(),
    "wizard:report": Entry(),
    "audits:findings": Entry(),
    "audits:findings_csv": Entry(),
    "audits:findings_xlsx": Entry(),
    "audits:run_panel": Entry(),
    "audits:state_map": Entry(),
    "audits:mapping": Entry(),
    "wizard:attest": Entry("post"),
    "audits:upload": Entry("post"),
    "audits:paste": Entry("post"),
    "audits:accept_rows": Entry("post"),
    "audits:run_again": Entry("post"),
    "audits:save_state_map": Entry("post"),
    "wizard:acknowledge": Entry("post"),
    "wizard:acknowledge_all": Entry("post"),
    "wizard:sign": Entry("post", frozenset({"manager"})),
    "wizard:countersign": Entry("post", frozenset({"lead"})),
    "wizard:revoke": Entry("post", frozenset({"manager", "lead"})),
    "wizard:waive": Entry("post", frozenset({"manager", "lead"})),
    "wizard:practice_new": Entry(allowed=frozenset({"lead"}), scoped=False),
    "wizard:team_members": Entry(allowed=frozenset({"lead"}), scoped=False),
    "wizard:practice_settings": Entry(allowed=frozenset({"lead"})),
    "wizard:practice_archive": Entry("post", frozenset({"lead"})),
    "wizard:onboarding_new": Entry("post", frozenset({"lead"})),
    "wizard:members": Entry(allowed=frozenset({"manager", "lead"})),
    "wizard:member_remove": Entry("post", frozenset({"manager", "lead"})),
    "wizard:notification_settings": Entry(scoped=False),
}
# Reachable without an account by design (the invitation link is checked in test_invitations).
PUBLIC = {"login", "logout", "wizard:accept_invitation"}


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            yield from _names(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern):
            yield prefix + (p.name or str(p.pattern))


def test_it_covers_every_url():
    missing = set(_names(get_resolver().url_patterns)) - set(MATRIX) - PUBLIC
    assert not missing, f"add these URLs to the isolation matrix: {sorted(missing)}"


def _world(practice, user, member):
    onboarding = practice.current_onboarding()
    # Built directly: the matrix is about access, and the upload service is tested elsewhere.
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
    return {
        "upload": upload,
        "run": run,
        "finding": finding,
        "sign_off": sign_off,
        "membership": member.membership,
    }


def _kwargs(name, practice, objects):
    base = {"pk": practice.pk}
    key = {"key": "client-names"}
    return {
        "home": {},
        "password_change": {},
        "password_change_done": {},
        "wizard:practice_list": {},
        "audits:template": {"kind": "xpm_clients"},
        "wizard:overview": base,
        "wizard:activity": base,
        "wizard:step": {**base, **key},
        "wizard:report": {**base, "fmt": "csv"},
        "audits:findings": {**base, "run_id": objects["run"].pk},
        "audits:findings_csv": {**base, "run_id": objects["run"].pk},
        "audits:findings_xlsx": {**base, "run_id": objects["run"].pk},
        "audits:run_panel": {**base, **key},
        "audits:state_map": base,
        "audits:mapping": {**base, **key, "upload_id": objects["upload"].pk},
        "wizard:attest": {**base, "key": "api-access"},
        "audits:upload": {**base, **key},
        "audits:paste": {**base, **key},
        "audits:accept_rows": {**base, **key, "upload_id": objects["upload"].pk},
        "audits:run_again": {**base, **key},
        "audits:save_state_map": base,
        "wizard:acknowledge": {**base, "finding_id": objects["finding"].pk},
        "wizard:acknowledge_all": {**base, "run_id": objects["run"].pk},
        "wizard:sign": {**base, **key},
        "wizard:countersign": {**base, **key},
        "wizard:revoke": {**base, **key, "sign_off_id": objects["sign_off"].pk},
        "wizard:waive": {**base, "finding_id": objects["finding"].pk},
        "wizard:practice_new": {},
        "wizard:team_members": {},
        "wizard:practice_settings": base,
        "wizard:practice_archive": base,
        "wizard:onboarding_new": base,
        "wizard:members": base,
        "wizard:member_remove": {"membership_id": objects["membership"].pk},
        "wizard:notification_settings": {},
    }[name]


@pytest.fixture
def worlds(practice, other_practice, manager, outsider, staff, other_organisation):
    return {
        "own": (practice, _world(practice, manager, staff)),
        "other": (
            other_practice,
            _world(
                other_practice,
                outsider,
                make_user(
                    "staff@rival.example", Role.PRACTICE_STAFF, other_organisation, other_practice
                ),
            ),
        ),
    }


def _call(client, name, entry, kwargs):
    url = reverse(name, kwargs=kwargs)
    return client.post(url) if entry.method == "post" else client.get(url)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_it_sends_anonymous_visitors_to_login(name, worlds):
    entry = MATRIX[name]
    response = _call(Client(), name, entry, _kwargs(name, *worlds["own"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_it_applies_the_role_in_its_own_organisation(request, name, role, worlds, client_for):
    entry = MATRIX[name]
    response = _call(
        client_for(request.getfixturevalue(role)), name, entry, _kwargs(name, *worlds["own"])
    )
    if role in entry.allowed:
        assert response.status_code in (200, 302), (name, role, response.status_code)
    else:
        assert response.status_code == 403, (name, role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(n for n, e in MATRIX.items() if e.scoped))
def test_it_hides_another_organisations_objects(request, name, role, worlds, client_for):
    entry = MATRIX[name]
    response = _call(
        client_for(request.getfixturevalue(role)), name, entry, _kwargs(name, *worlds["other"])
    )
    assert response.status_code == 404, (name, role, response.status_code)
