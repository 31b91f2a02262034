"""The demo onboarding team, practice and users that `make run` loads. Safe to run twice."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from wizard import services
from wizard.models import Membership, Organisation, Practice, Role

DEMO_PASSWORD = "liftoff-demo-2026"  # noqa: S105 - published demo credentials, local only


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
    ).first() or services.create_practice(
        organisation=organisation, name="Harbour & Co Accountants"
    )
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
