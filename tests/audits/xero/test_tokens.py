from cryptography.fernet import Fernet

from audits.xero import tokens


def test_it_round_trips_a_token():
    assert tokens.decrypt(tokens.encrypt("secret-access")) == "secret-access"


def test_it_never_stores_the_token_in_clear():
    assert "secret-access" not in tokens.encrypt("secret-access")


def test_it_reads_tokens_of_an_older_key_after_rotation(settings):
    old = tokens.encrypt("secret-access")
    settings.LIFTOFF_TOKEN_KEYS = [Fernet.generate_key().decode(), *settings.LIFTOFF_TOKEN_KEYS]
    assert tokens.decrypt(old) == "secret-access"


def test_it_gives_nothing_for_a_token_no_key_opens(settings):
    ciphertext = tokens.encrypt("secret-access")
    settings.LIFTOFF_TOKEN_KEYS = [Fernet.generate_key().decode()]
    assert tokens.decrypt(ciphertext) == ""
