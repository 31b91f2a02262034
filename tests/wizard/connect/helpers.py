"""Connecting a practice to the fake Xero through the real views, for the connect tests."""

from urllib.parse import parse_qs, urlparse

import httpx2
from django.urls import reverse

from audits.models import Connection


def consent(fake, authorise_url: str) -> str:
    """Allow both tenants on the fake's consent page; the callback URL it redirects to."""
    query = {k: v[0] for k, v in parse_qs(urlparse(authorise_url).query).items()}
    page = httpx2.get(authorise_url)
    assert "Allow access" in page.text
    answer = httpx2.post(
        authorise_url, data={**query, "tenant": [fake.xpm["tenantId"], fake.org["tenantId"]]}
    )
    return answer.headers["Location"]


def connect(client, fake, practice) -> Connection:
    started = client.post(reverse("wizard:connect", args=[practice.pk]))
    assert started.status_code == 302
    callback = consent(fake, started["Location"])
    done = client.get(callback.replace("http://testserver", ""))
    assert done.status_code == 302
    return Connection.objects.get(practice=practice)
