"""Each role × each wizard page × its own practice or another tenant's."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

ROLES = ["manager", "staff", "lead", "specialist"]
PAGES = [
    ("wizard:overview", ()),
    ("wizard:activity", ()),
    ("wizard:step", ("api-access",)),
    ("wizard:step", ("client-names",)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "args"), PAGES)
def test_it_shows_own_practice_pages(request, role, name, args, practice, client_for):
    user = request.getfixturevalue(role)
    response = client_for(user).get(reverse(name, args=[practice.pk, *args]))
    assert response.status_code == 200
    assert escape(practice.name) in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "args"), PAGES)
def test_it_hides_other_tenants_pages(request, role, name, args, other_practice, client_for):
    user = request.getfixturevalue(role)
    response = client_for(user).get(reverse(name, args=[other_practice.pk, *args]))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_it_sends_anonymous_visitors_to_login(name, args, practice):
    path = reverse(name, args=[practice.pk, *args])
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_hides_a_sibling_practice_from_practice_staff(organisation, manager, client_for):
    from wizard.practices.services import create_practice

    sibling = create_practice(organisation=organisation, name="Sibling & Co")
    assert client_for(manager).get(reverse("wizard:overview", args=[sibling.pk])).status_code == 404


def test_it_lists_the_organisations_practices_for_the_team(
    practice, other_practice, lead, client_for
):
    body = client_for(lead).get(reverse("wizard:practice_list")).content.decode()
    assert escape(practice.name) in body
    assert escape(other_practice.name) not in body


def test_it_sends_practice_users_home_to_their_overview(practice, manager, client_for):
    response = client_for(manager).get(reverse("home"))
    assert response["Location"] == reverse("wizard:overview", args=[practice.pk])


def test_it_sends_the_team_home_to_the_practice_list(lead, client_for):
    assert client_for(lead).get(reverse("home"))["Location"] == reverse("wizard:practice_list")


def test_it_is_a_404_for_a_user_without_membership(practice, django_user_model, client_for):
    user = django_user_model.objects.create_user("nobody@example.com", password="x")
    assert client_for(user).get(reverse("wizard:overview", args=[practice.pk])).status_code == 404


def test_it_serves_the_login_page_to_anonymous_visitors(db):
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert "Log in to Liftoff" in response.content.decode()
