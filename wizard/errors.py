"""Refusals in the person's words, with a way back: the 403 and 404 pages, and the same message
for an htmx request, shown in the page's message area (``#messages`` in base.html) instead of
being swapped into the panel that asked.

htmx is told to swap 4xx answers (``htmx-config`` in base.html): a form that fails validation
answers 422 with itself and its errors; any other refusal goes through ``refuse``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django_htmx.http import reswap, retarget

TITLES = {
    400: "That could not be done",
    403: "You cannot do that",
    404: "Not found",
}
DEFAULT_REASONS = {
    400: "The request was not complete. Go back and try again.",
    403: "Your role does not allow this. Ask your onboarding lead or practice manager.",
    404: "There is nothing here, or it belongs to another organisation.",
}


def _back(request: HttpRequest) -> str:
    """Where "Back" goes: the page the person came from on this site, else their home page."""
    referer = request.headers.get("Referer", "")
    host = request.get_host()
    if referer and referer.split("/")[2:3] == [host]:
        return referer
    return reverse("home")


def refuse(request: HttpRequest, reason: str, status: int = 400) -> HttpResponse:
    """The refusal page, or for htmx the reason in the message area of the page it came from."""
    context = {
        "title": TITLES.get(status, TITLES[400]),
        "reason": reason or DEFAULT_REASONS.get(status, DEFAULT_REASONS[400]),
        "back": _back(request),
        "status": status,
    }
    if getattr(request, "htmx", False):
        response = render(request, "refusal.html#refusal-message", context, status=status)
        return reswap(retarget(response, "#messages"), "innerHTML")
    return render(request, "refusal.html", context, status=status)


def _reason(exception) -> str:
    # Django passes the exception; its message is ours only when a view or service raised it
    # with words for the person (a bare 404 from a URL that does not exist has none).
    message = str(exception) if exception is not None else ""
    return "" if message in ("", "None") or message.startswith(("{", "Resolver404")) else message


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return refuse(request, _reason(exception), status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return refuse(request, _reason(exception), status=404)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return refuse(request, "", status=400)
