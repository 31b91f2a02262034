"""The demo onboarding team, practice, users and exports that `make run` loads. Safe to run twice."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from audits.models import Upload
from audits.testdata import generate
from audits.uploads import receive_upload
from wizard.checklist import STEPS
from wizard.models import Membership, Organisation, Practice, Role
from wizard.practices.services import create_practice

DEMO_PASSWORD = "liftoff-demo-2026"  # noqa: S105 - published demo credentials, local only
DEMO_CLIENTS = 250
DEMO_SEED = 7
# The app registration `make run` gives the fake XPM and Xero (tests/fakes/serve.py), and only
# under DEBUG with no XERO_* variable set (wizard/management/commands/serve.py).
DEMO_XERO_CLIENT_ID = "liftoff-demo"
DEMO_XERO_CLIENT_SECRET = "liftoff-demo-not-secret"  # noqa: S105 - published, local demo only


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role


DEMO_USERS = (
    DemoUser("lead@summit.example", "Olivia", "Grant", Role.ONBOARDING_LEAD),
    DemoUser("specialist@summit.example", "Sam", "Okafor", Role.ONBOARDING_SPECIALIST),
    DemoUser("pm@harbour.example", "Priya", "Patel", Role.PRACTICE_MANAGER),
    DemoUser("staff@harbour.example", "Tom", "Walker", Role.PRACTICE_STAFF),
)


@transaction.atomic
def load_demo() -> tuple[Organisation, Practice]:
    organisation, _ = Organisation.objects.get_or_create(
        slug="summit-onboarding", defaults={"name": "Summit Onboarding"}
    )
    practice = Practice.objects.filter(
        organisation=organisation, name="Harbour & Co Accountants"
    ).first() or create_practice(organisation=organisation, name="Harbour & Co Accountants")
    User = get_user_model()
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "email": demo.username,
                "first_name": demo.first_name,
                "last_name": demo.last_name,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        is_team = demo.role in (Role.ONBOARDING_LEAD, Role.ONBOARDING_SPECIALIST)
        Membership.objects.update_or_create(
            user=user,
            defaults={
                "organisation": organisation,
                "practice": None if is_team else practice,
                "role": demo.role,
            },
        )
        if demo.role == Role.ONBOARDING_SPECIALIST:
            practice.assignees.add(user)
    return organisation, practice


def load_demo_exports(practice, actor=None) -> list[Upload]:
    """Upload every export kind of a generated practice (with the usual problems) once, through
    the real upload path."""
    onboarding = practice.current_onboarding()
    if Upload.objects.filter(onboarding=onboarding).exists():
        return []
    first_step = {}
    for step in STEPS:
        for kind in step.all_exports:
            first_step.setdefault(kind, step.key)
    uploads = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        generate(out, clients=DEMO_CLIENTS, seed=DEMO_SEED, problems="default")
        files = json.loads((out / "labels.json").read_text(encoding="utf-8"))["files"]
        for kind, name in files.items():
            uploads.append(
                receive_upload(
                    practice=practice,
                    onboarding=onboarding,
                    step_key=first_step.get(kind, ""),
                    name=name,
                    data=(out / name).read_bytes(),
                    actor=actor,
                    kind=kind,  # the generator names each file's kind; no one is there to map columns
                )
            )
    return uploads
