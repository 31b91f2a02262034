"""The fake itself: it holds the contracts, so a field the real API does not have fails."""

from pathlib import Path

import httpx2
import pytest

from tests.fakes import xero
from tests.fakes.contracts import CONTRACTS


def _token(fake) -> str:
    issued = fake._issue("openid")
    return issued["access_token"]


def test_it_refuses_a_call_without_the_tenant_header(fake_xero):
    headers = {"Authorization": f"Bearer {_token(fake_xero)}"}
    answer = httpx2.get(f"{fake_xero.base_url}/api.xro/2.0/Contacts", headers=headers)
    assert answer.status_code == 403
    assert any("xero-tenant-id" in v for v in fake_xero.violations)  # the contract says so too
    fake_xero.violations.clear()


def test_it_answers_429_with_retry_after_past_the_limit(fake_xero):
    fake_xero.per_minute = 1
    headers = {"Authorization": f"Bearer {_token(fake_xero)}"}
    headers["Xero-Tenant-Id"] = fake_xero.org["tenantId"]
    url = f"{fake_xero.base_url}/api.xro/2.0/Contacts"
    assert httpx2.get(url, headers=headers).status_code == 200
    refused = httpx2.get(url, headers=headers)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1


def test_it_reports_a_field_the_contract_does_not_have(fake_xero, monkeypatch):
    fake_xero.contacts[0]["ContactName"] = "not a Xero field"
    headers = {"Authorization": f"Bearer {_token(fake_xero)}"}
    headers["Xero-Tenant-Id"] = fake_xero.org["tenantId"]
    httpx2.get(f"{fake_xero.base_url}/api.xro/2.0/Contacts", headers=headers)
    assert any("ContactName" in v for v in fake_xero.violations)
    fake_xero.violations.clear()


def test_it_refuses_an_expired_access_token(fake_xero):
    headers = {"Authorization": f"Bearer {_token(fake_xero)}"}
    fake_xero.offset = xero.ACCESS_SECONDS + 1
    assert httpx2.get(f"{fake_xero.base_url}/connections", headers=headers).status_code == 401


def test_it_keeps_the_contract_copies_in_step_with_the_product_owners():
    """tests/fakes/contracts are copies of shared/contracts (beside the checkout in CI)."""
    shared = Path(__file__).resolve().parents[4] / "shared" / "contracts"
    if not shared.exists():
        pytest.skip("shared/contracts is not beside this checkout")
    for original in sorted(shared.glob("*.yaml")):
        assert (CONTRACTS / original.name).read_bytes() == original.read_bytes(), original.name


def test_it_holds_invoices_and_jobs_to_the_contracts_too(fake_xero):
    """Xero's real JSON has a DateString beside Date; the contract does not, so neither may we."""
    fake_xero.invoices[0]["DateString"] = "2025-07-01T00:00:00"
    current = next(j for j in fake_xero.jobs if j["state"] not in ("Completed", "Cancelled"))
    current["template"] = "Annual Compliance"  # not a JobDto field
    headers = {"Authorization": f"Bearer {_token(fake_xero)}"}
    xero = {**headers, "Xero-Tenant-Id": fake_xero.org["tenantId"]}
    xpm = {**headers, "Xero-Tenant-Id": fake_xero.xpm["tenantId"]}
    httpx2.get(f"{fake_xero.base_url}/api.xro/2.0/Invoices", headers=xero)
    httpx2.get(f"{fake_xero.base_url}/practicemanager/v3.1/job.api/current", headers=xpm)
    assert any("DateString" in v for v in fake_xero.violations)
    assert any("template" in v for v in fake_xero.violations)
    fake_xero.violations.clear()


def test_it_refuses_an_invoice_filter_it_does_not_understand(fake_xero):
    headers = {"Authorization": f"Bearer {_token(fake_xero)}"}
    headers["Xero-Tenant-Id"] = fake_xero.org["tenantId"]
    url = f"{fake_xero.base_url}/api.xro/2.0/Invoices"
    assert httpx2.get(url, headers=headers, params={"where": 'Status=="PAID"'}).status_code == 400
    assert httpx2.get(url, headers=headers, params={"where": 'Type=="ACCREC"'}).status_code == 200


def _headers(fake, tenant: dict, **more) -> dict:
    return {"Authorization": f"Bearer {_token(fake)}", "Xero-Tenant-Id": tenant["tenantId"], **more}


def test_it_holds_the_changes_sent_back_to_the_contracts(fake_xero):
    client = fake_xero.clients[0]
    url = f"{fake_xero.base_url}/practicemanager/v3.1/client.api/update"
    body = {"uuid": client["uuid"], "nmae": "Misspelled"}
    httpx2.put(url, json=body, headers=_headers(fake_xero, fake_xero.xpm))
    assert any("client.api/update" in v for v in fake_xero.violations)
    fake_xero.violations.clear()
    body = {"uuid": client["uuid"], "name": "Renamed Client"}
    answer = httpx2.put(url, json=body, headers=_headers(fake_xero, fake_xero.xpm))
    assert answer.json()["client"]["name"] == "Renamed Client"
    assert fake_xero.violations == []


def test_it_applies_a_repeated_idempotency_key_once(fake_xero):
    contact = fake_xero.contacts[0]
    url = f"{fake_xero.base_url}/api.xro/2.0/Contacts/{contact['ContactID']}"
    headers = _headers(fake_xero, fake_xero.org, **{"Idempotency-Key": "k-1"})
    body = {"Contacts": [{"ContactID": contact["ContactID"], "Name": "First"}]}
    assert httpx2.post(url, json=body, headers=headers).json()["Contacts"][0]["Name"] == "First"
    body["Contacts"][0]["Name"] = "Second"
    again = httpx2.post(url, json=body, headers=headers)
    assert again.json()["Contacts"][0]["Name"] == "First"  # the first answer, not applied again
    assert contact["Name"] == "First" and len(fake_xero.writes) == 1
