import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from wizard.throttling import client_address


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


PROXY = "10.0.0.1"
ATTACKER = "203.0.113.5"
VICTIM = "198.51.100.7"


def _via_proxy(client_ip: str, forwarded: str | None = None) -> Client:
    """A browser behind the README's TLS proxy: the proxy connects, and appends what it saw."""
    header = f"{forwarded}, {client_ip}" if forwarded else client_ip
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)


@pytest.fixture
def one_proxy(settings):
    settings.LIFTOFF_PROXY_COUNT = 1


def test_it_takes_the_client_address_from_the_trusted_proxy_depth(rf, settings):
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}, {VICTIM}")
    settings.LIFTOFF_PROXY_COUNT = 0
    assert client_address(request) == PROXY
    settings.LIFTOFF_PROXY_COUNT = 1
    assert client_address(request) == VICTIM
    settings.LIFTOFF_PROXY_COUNT = 2
    assert client_address(request) == ATTACKER
    settings.LIFTOFF_PROXY_COUNT = 4  # more proxies than hops: the header is not trusted
    assert client_address(request) == PROXY


def test_it_ignores_a_forwarded_address_that_is_not_an_address(rf, one_proxy):
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_address(request) == PROXY


def test_a_victim_behind_the_same_proxy_can_still_log_in(manager, one_proxy):
    attacker = _via_proxy(ATTACKER)
    for _ in range(5):
        _try(attacker, manager.username, "wrong-password")
    assert _try(attacker, manager.username, PASSWORD).status_code == 429
    response = _try(_via_proxy(VICTIM), manager.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_forged_forwarded_header_does_not_move_the_attacker(manager, one_proxy):
    forging = _via_proxy(ATTACKER, forwarded=VICTIM)  # claims to be the victim, proxy appends
    for _ in range(5):
        _try(forging, manager.username, "wrong-password")
    assert _try(_via_proxy(ATTACKER), manager.username, PASSWORD).status_code == 429
    assert _try(_via_proxy(VICTIM), manager.username, PASSWORD).status_code == 302


def test_it_locks_an_address_that_sprays_passwords_over_many_usernames(manager, one_proxy):
    sprayer = _via_proxy(ATTACKER)
    for number in range(12):
        for _ in range(5):
            _try(sprayer, f"guess{number}@example.com", "Summer2024!")
    locked = _try(sprayer, manager.username, PASSWORD)
    assert locked.status_code == 429
    assert _try(_via_proxy(VICTIM), manager.username, PASSWORD).status_code == 302


def test_it_keeps_the_address_limit_higher_than_the_username_limit(manager, one_proxy):
    client = _via_proxy(ATTACKER)
    for number in range(4):
        for _ in range(4):  # 16 failures, none reaching a username's limit of five
            _try(client, f"guess{number}@example.com", "wrong-password")
    assert _try(client, manager.username, PASSWORD).status_code == 302
