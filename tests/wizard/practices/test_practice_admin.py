"""The lead manages practices: create, settings and assignees, archive, fresh onboardings."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from audits.validators.identifier_checks import COUNTRIES
from wizard.models import Attestation, AuditEvent, Country, Verb
from wizard.practices.services import set_archived


def test_it_creates_a_practice_with_its_target_and_assignees(
    organisation, lead, specialist, client_for
):
    response = client_for(lead).post(
        reverse("wizard:practice_new"),
        {
            "name": "Kestrel Tax",
            "date_order": "dmy",
            "country": "NZ",
            "target_go_live": "2027-03-01",
            "assignees": [specialist.pk],
        },
    )
    practice = organisation.practices.get(name="Kestrel Tax")
    assert response["Location"] == reverse("wizard:overview", args=[practice.pk])
    assert practice.target_go_live == datetime.date(2027, 3, 1)
    assert practice.country == "NZ"
    assert list(practice.assignees.all()) == [specialist]
    assert practice.current_onboarding().steps.count() == 15
    verbs = set(AuditEvent.objects.filter(practice=practice).values_list("verb", flat=True))
    assert {Verb.PRACTICE_CREATED, Verb.ONBOARDING_STARTED, Verb.PRACTICE_UPDATED} <= verbs


def test_it_refuses_an_assignee_from_another_organisation(lead, outsider, client_for):
    response = client_for(lead).post(
        reverse("wizard:practice_new"),
        {"name": "Kestrel Tax", "date_order": "dmy", "country": "AU", "assignees": [outsider.pk]},
    )
    assert response.status_code == 200
    assert "not one of the available choices" in response.content.decode()


def test_it_updates_settings_and_records_what_changed(practice, lead, specialist, client_for):
    response = client_for(lead).post(
        reverse("wizard:practice_settings", args=[practice.pk]),
        {
            "name": practice.name,
            "date_order": "mdy",
            "country": "GB",
            "target_go_live": "2027-06-30",
            "assignees": [specialist.pk],
        },
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert (practice.date_order, practice.target_go_live) == ("mdy", datetime.date(2027, 6, 30))
    assert practice.country == "GB"
    event = AuditEvent.objects.filter(verb=Verb.PRACTICE_UPDATED).latest("sequence")
    assert event.details == {
        "date_order": "mdy",
        "country": "GB",
        "target_go_live": "2027-06-30",
        "assignees": [specialist.username],
    }


def test_it_records_nothing_when_nothing_changed(practice, lead, client_for):
    before = AuditEvent.objects.count()
    response = client_for(lead).post(
        reverse("wizard:practice_settings", args=[practice.pk]),
        {"name": practice.name, "date_order": practice.date_order, "country": practice.country},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.count() == before


def test_it_shows_the_country_and_offers_only_the_countries_liftoff_checks(
    practice, lead, client_for
):
    assert practice.country == "AU"  # the default
    page = client_for(lead).get(reverse("wizard:practice_settings", args=[practice.pk]))
    body = page.content.decode()
    assert 'name="country"' in body and '<option value="AU" selected>Australia</option>' in body
    assert sorted(Country.values) == sorted(COUNTRIES)
    response = client_for(lead).post(
        reverse("wizard:practice_settings", args=[practice.pk]),
        {"name": practice.name, "date_order": practice.date_order, "country": "US"},
    )
    assert response.status_code == 200 and "not one of the available choices" in (
        response.content.decode()
    )
    practice.refresh_from_db()
    assert practice.country == "AU"


def test_it_archives_and_restores_a_practice_keeping_its_data(practice, lead, client_for):
    client = client_for(lead)
    url = reverse("wizard:practice_archive", args=[practice.pk])
    client.post(url, {"archived": "1", "confirmed": "1"})
    practice.refresh_from_db()
    assert practice.archived_at is not None and practice.onboardings.count() == 1
    assert AuditEvent.objects.filter(verb=Verb.PRACTICE_ARCHIVED).count() == 1
    assert client.get(reverse("wizard:overview", args=[practice.pk])).status_code == 200
    client.post(url, {"archived": "0"})
    practice.refresh_from_db()
    assert practice.archived_at is None


def test_it_starts_a_fresh_onboarding_and_keeps_the_previous_one(practice, lead, client_for):
    first = practice.current_onboarding()
    first.steps.filter(number=1).update(status="signed_off")
    client = client_for(lead)
    client.post(
        reverse("wizard:onboarding_new", args=[practice.pk]),
        {"label": "Re-check 2027", "confirmed": "1"},
    )
    assert practice.onboardings.count() == 2
    assert practice.current_onboarding().label == "Re-check 2027"
    assert first.steps.filter(status="signed_off").count() == 1
    body = client.get(reverse("wizard:practice_settings", args=[practice.pk])).content.decode()
    assert "Re-check 2027" in body and first.label in body


def test_it_lets_only_the_lead_manage_practices(practice, manager, specialist, client_for):
    for user in (manager, specialist):
        client = client_for(user)
        assert client.post(reverse("wizard:practice_new"), {"name": "X"}).status_code == 403
        url = reverse("wizard:practice_archive", args=[practice.pk])
        assert client.post(url, {"archived": "1"}).status_code == 403
    practice.refresh_from_db()
    assert practice.archived_at is None


def test_it_asks_before_archiving_and_names_the_consequence(practice, lead, client_for):
    url = reverse("wizard:practice_archive", args=[practice.pk])
    response = client_for(lead).post(url, {"archived": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "read-only" in page and 'name="confirmed" value="1"' in page
    practice.refresh_from_db()
    assert practice.archived_at is None


def test_it_asks_before_a_fresh_onboarding_and_says_what_is_kept(practice, lead, client_for):
    practice.current_onboarding().steps.filter(number__in=[1, 2]).update(status="signed_off")
    response = client_for(lead).post(
        reverse("wizard:onboarding_new", args=[practice.pk]), {"label": "Re-check 2027"}
    )
    page = response.content.decode()
    assert "step 1" in page and "2 of 15 steps signed" in page
    assert practice.onboardings.count() == 1


@pytest.mark.parametrize("label", ["", "   ", "onboarding {year}"])
def test_it_refuses_a_blank_or_repeated_onboarding_name(practice, lead, client_for, label):
    label = label.format(year=practice.current_onboarding().label.split()[-1])
    client = client_for(lead)
    response = client.post(
        reverse("wizard:onboarding_new", args=[practice.pk]),
        {"label": label, "confirmed": "1"},
        follow=True,
    )
    assert practice.onboardings.count() == 1
    assert "Give the fresh onboarding a name" in response.content.decode() or (
        "already has an onboarding called" in response.content.decode()
    )


def test_it_makes_an_archived_practice_read_only(practice, lead, manager, client_for):
    set_archived(practice=practice, actor=lead, archived=True)
    client = client_for(manager)
    page = client.get(reverse("wizard:step", args=[practice.pk, "client-names"])).content.decode()
    assert "this practice is read-only" in page
    assert reverse("wizard:upload", args=[practice.pk, "client-names"]) not in page
    response = client.post(
        reverse("wizard:attest", args=[practice.pk, "api-access"]), {"confirmed": "on"}
    )
    assert response.status_code == 403
    assert "is archived, so it is read-only" in response.content.decode()
    assert not Attestation.objects.exists()
