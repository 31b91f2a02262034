"""OAuth tokens at rest: Fernet-encrypted with keys from the environment (LIFTOFF_TOKEN_KEYS,
newest first, so an old key still decrypts while rows are re-encrypted with the new one)."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in settings.LIFTOFF_TOKEN_KEYS])
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "LIFTOFF_TOKEN_KEYS must be Fernet keys (32 url-safe base64-encoded bytes)."
        ) from None


def encrypt(token: str) -> str:
    return _fernet().encrypt(token.encode()).decode() if token else ""


def decrypt(ciphertext: str) -> str:
    """The token, or "" when there is none or no configured key opens it."""
    if not ciphertext:
        return ""
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        return ""
