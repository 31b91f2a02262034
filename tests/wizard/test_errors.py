"""Refusals say why and link back; with htmx the reason lands in the page's message area."""

from django.urls import reverse


def test_it_says_why_a_role_is_refused_and_links_back(practice, staff, client_for):
    response = client_for(staff).get(reverse("wizard:members", args=[practice.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot do that" in page
    assert "Practice staff cannot invite people" in page
    assert 'href="/"' in page or reverse("home") in page
    assert "<main" in page  # the site's own page, not a bare "403 Forbidden"


def test_it_links_back_to_the_page_the_person_came_from(practice, staff, client_for):
    came_from = "http://testserver" + reverse("wizard:overview", args=[practice.pk])
    response = client_for(staff).get(
        reverse("wizard:members", args=[practice.pk]), HTTP_REFERER=came_from
    )
    assert f'href="{came_from}"' in response.content.decode()


def test_it_does_not_link_back_to_another_site(practice, staff, client_for):
    response = client_for(staff).get(
        reverse("wizard:members", args=[practice.pk]), HTTP_REFERER="https://evil.example/x"
    )
    assert "evil.example" not in response.content.decode()


def test_it_puts_an_htmx_refusal_in_the_message_area(practice, staff, client_for):
    response = client_for(staff).post(
        reverse("wizard:onboarding_new", args=[practice.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403
    assert response["HX-Retarget"] == "#messages"
    assert response["HX-Reswap"] == "innerHTML"
    body = response.content.decode()
    assert "Practice staff cannot manage practices" in body and "<main" not in body


def test_it_shows_a_styled_page_for_an_unknown_address(manager, client_for):
    response = client_for(manager).get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Not found" in page and "Go back" in page


def test_it_refuses_run_again_without_exports_in_words(practice, manager, client_for):
    response = client_for(manager).post(
        reverse("wizard:run_again", args=[practice.pk, "client-names"]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#messages"
    assert "Upload the exports this step needs" in response.content.decode()
