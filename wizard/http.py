import re

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request as HtmxMiddleware leaves it, for type hints in views."""

    htmx: HtmxDetails


def plain_int(raw: str, digits: int = 9) -> int | None:
    """A number typed into a URL, when it is only ASCII digits (at most ``digits``); else None.
    ``str.isdigit`` would let "²" and 5,000-digit strings through to ``int()`` and a 500."""
    return int(raw) if re.fullmatch(rf"[0-9]{{1,{digits}}}", raw) else None
