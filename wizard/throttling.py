"""Login throttling (django-axes): who the client is behind our proxies, and a second, higher
limit per address so that spraying one password over many usernames is locked out too.

``client_address`` trusts exactly ``LIFTOFF_PROXY_COUNT`` proxies (``DJANGO_PROXY_COUNT``): each
appends the address it saw to ``X-Forwarded-For``, so the client is that many entries from the
right. Entries further left are whatever the client chose to send and are never believed.
"""

from __future__ import annotations

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's address as the outermost trusted proxy saw it (``AXES_CLIENT_IP_CALLABLE``)."""
    remote = request.META.get("REMOTE_ADDR")
    depth = settings.LIFTOFF_PROXY_COUNT
    if depth <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if len(hops) < depth:
        # Fewer hops than proxies: the request did not come the way we were told it would.
        return remote
    try:
        return str(ipaddress.ip_address(hops[-depth]))
    except ValueError:
        return remote


def address_failures(request: HttpRequest) -> int:
    """Failed log-ins from the request's address, over every username, within the cool-off."""
    total = (
        AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(total=Sum("failures_since_start"))["total"]
        or 0
    )
    return total


class AddressThrottlingHandler(AxesDatabaseHandler):
    """Axes' database handler (lockout per username and address) plus a lockout per address at
    ``LIFTOFF_LOGIN_ADDRESS_FAILURE_LIMIT`` failures. Axes compares one count against one limit,
    so an address over its own limit reports the username limit as its count."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        if address_failures(request) >= settings.LIFTOFF_LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures
