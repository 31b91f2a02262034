"""Logging in by email, and resetting a forgotten password (Django's flow, in our words)."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse


def test_it_asks_for_an_email_to_log_in():
    page = Client().get(reverse("login")).content.decode()
    assert ">Email<" in page and "Username" not in page
    assert reverse("password_reset") in page


def test_it_resets_a_forgotten_password_by_email(manager):
    client = Client()
    response = client.post(reverse("password_reset"), {"email": manager.email})
    assert response["Location"] == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.to == [manager.email]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    new = "harbour-lighthouse-2027"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert "Your password is changed" in done.content.decode()
    manager.refresh_from_db()
    assert manager.check_password(new)


def test_it_says_the_same_for_an_unknown_address(manager):
    response = Client().post(reverse("password_reset"), {"email": "nobody@nowhere.example"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
