"""OAuth 2.0 authorisation code against Xero identity (Authlib over httpx2), the least scopes,
and ``/connections``. Tokens pass through here in clear only in memory: ``audits.xero.session``
stores them encrypted. Nothing here logs a token."""

from __future__ import annotations

import httpx2
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from django.conf import settings

# Read scopes only (docs/connect.md): practicemanager.read also covers template and category
# lists; write scopes come with "send fixes back", in a separate consent.
READ_SCOPES = (
    "openid profile email offline_access practicemanager.read "
    "accounting.contacts.read accounting.transactions.read"
)
# Asked for only once the practice turns on "Write fixes back" (a separate consent).
WRITE_SCOPES = "practicemanager.client practicemanager.job accounting.contacts"
XPM, XERO = "PRACTICEMANAGER", "ORGANISATION"


class Refused(Exception):
    """Xero identity refused the grant (a used or expired refresh token, a bad code)."""


def configured() -> bool:
    return bool(settings.XERO_CLIENT_ID and settings.XERO_CLIENT_SECRET)


def _client(redirect_uri: str = "", *, write: bool = False) -> OAuth2Client:
    return OAuth2Client(
        client_id=settings.XERO_CLIENT_ID,
        client_secret=settings.XERO_CLIENT_SECRET,
        scope=f"{READ_SCOPES} {WRITE_SCOPES}" if write else READ_SCOPES,
        redirect_uri=redirect_uri or settings.XERO_REDIRECT_URI or None,
        timeout=settings.XERO_TIMEOUT_SECONDS,
    )


def token_url() -> str:
    return f"{settings.XERO_IDENTITY_URL}/connect/token"


def authorization_url(*, state: str, redirect_uri: str, write: bool = False) -> str:
    """Xero's consent page; ``write`` adds the write scopes (sending fixes back)."""
    with _client(redirect_uri, write=write) as client:
        url, _state = client.create_authorization_url(
            f"{settings.XERO_LOGIN_URL}/identity/connect/authorize", state=state
        )
    return url


def exchange(*, code: str, redirect_uri: str) -> dict:
    """The token set for an authorisation code."""
    with _client(redirect_uri) as client:
        try:
            return dict(client.fetch_token(token_url(), code=code))
        except OAuthError as error:
            raise Refused(error.error) from None


def refresh(refresh_token: str) -> dict:
    """A new token set; the refresh token rotates (the one given is used up)."""
    with _client() as client:
        try:
            return dict(client.refresh_token(token_url(), refresh_token=refresh_token))
        except OAuthError as error:
            raise Refused(error.error) from None


def connections(access_token: str) -> list[dict]:
    """The tenants the token reaches (``GET /connections``)."""
    answer = httpx2.get(
        f"{settings.XERO_API_URL}/connections",
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=settings.XERO_TIMEOUT_SECONDS,
    )
    answer.raise_for_status()
    return answer.json()


def delete_connection(access_token: str, connection_id: str) -> None:
    """Revoke one tenant's connection; one already gone is fine."""
    answer = httpx2.delete(
        f"{settings.XERO_API_URL}/connections/{connection_id}",
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=settings.XERO_TIMEOUT_SECONDS,
    )
    if answer.status_code not in (204, 404):
        answer.raise_for_status()
