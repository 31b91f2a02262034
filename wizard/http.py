"""What every view shares: the typed htmx request, numbers from URLs, and one answer for "an
htmx request gets the fragment back, a plain form post a redirect"."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import reswap, retarget, trigger_client_event
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request as HtmxMiddleware leaves it, for type hints in views."""

    htmx: HtmxDetails


def plain_int(raw: str, digits: int = 9) -> int | None:
    """A number typed into a URL, when it is only ASCII digits (at most ``digits``); else None.
    ``str.isdigit`` would let "²" and 5,000-digit strings through to ``int()`` and a 500."""
    return int(raw) if re.fullmatch(rf"[0-9]{{1,{digits}}}", raw) else None


def fragment_or_redirect(
    request: HtmxHttpRequest,
    *,
    fragment: str,
    context: Callable[[], dict],
    to: str,
    error: str = "",
    note: str = "",
    events: Iterable[str] = ("stepsChanged",),
) -> HttpResponse:
    """After a POST: htmx gets ``fragment`` (``template.html#partial``) rendered with
    ``context()`` and the client ``events`` (panels listening for them refresh themselves); a
    plain form post is redirected to ``to``, the outcome carried by a message. ``context`` is
    only called when the fragment is rendered."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        if note:
            messages.info(request, note)
        return redirect(to)
    response = render(request, fragment, context())
    for event in events:
        trigger_client_event(response, event)
    return response


def confirm(
    request: HtmxHttpRequest,
    *,
    title: str,
    consequences: list[str],
    action: str,
    fields: dict[str, str],
    confirm_label: str,
    cancel: str,
    danger: bool = True,
) -> HttpResponse:
    """The page that names what a destructive action will do before it is done: a POST of the
    same form with ``confirmed=1`` does it, Cancel goes back. Works without JavaScript; an htmx
    request gets the card in place of the page's content (its form is a plain one)."""
    context = {
        "title": title,
        "consequences": consequences,
        "action": action,
        "fields": fields,
        "confirm_label": confirm_label,
        "cancel": cancel,
        "danger": danger,
    }
    if request.htmx:
        response = render(request, "wizard/confirm.html#confirm-card", context)
        return reswap(retarget(response, "#main"), "innerHTML")
    return render(request, "wizard/confirm.html", context)
