import pytest

from audits.models import Connection
from tests.wizard.connect.helpers import connect


@pytest.fixture
def connected(client, manager, practice, fake_xero) -> Connection:
    """The practice connected to the fake by its manager, who stays logged in on ``client``."""
    client.force_login(manager)
    return connect(client, fake_xero, practice)
