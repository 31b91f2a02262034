import pytest

from audits.models import Connection, ConnectionState
from audits.xero import pulling, session
from wizard.access import current_onboarding


@pytest.fixture
def connection(practice, fake_xero) -> Connection:
    """The practice connected to both of the fake's tenants, with a fresh access token."""
    connection = Connection(practice=practice, state=ConnectionState.CONNECTED)
    connection.xpm_tenant_id, connection.xero_tenant_id = (
        fake_xero.xpm["tenantId"],
        fake_xero.org["tenantId"],
    )
    session.save_tokens(connection, fake_xero._issue("openid"))
    connection.save()
    return connection


def start(practice, kind, manager=None, window=None):
    """A pull of ``kind`` for the practice's current onboarding, waiting for its worker."""
    onboarding = current_onboarding(practice)
    return pulling.start(
        practice=practice,
        onboarding=onboarding,
        kind=kind,
        step_key="",
        actor=manager,
        window=window,
    )
