from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD


def _try(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_locks_a_username_after_five_failures(manager):
    client = Client()
    for _ in range(4):
        assert _try(client, manager.username, "wrong-password").status_code == 200
    assert _try(client, manager.username, "wrong-password").status_code == 429
    locked = _try(client, manager.username, PASSWORD)  # even the right password, for now
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()


def test_it_lets_a_correct_password_through_before_the_limit(manager):
    client = Client()
    for _ in range(4):
        _try(client, manager.username, "wrong-password")
    response = _try(client, manager.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
