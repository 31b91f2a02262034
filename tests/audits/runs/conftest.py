import pytest

from tests.audits.runs.factories import CLIENTS_CSV, make_upload


@pytest.fixture
def onboarding(practice):
    return practice.current_onboarding()


@pytest.fixture
def clients(onboarding):
    return make_upload(onboarding, "xpm_clients", CLIENTS_CSV, name="clients.csv")
