"""Content-Security-Policy and Permissions-Policy on every page, and pages that keep to the
policy: no inline script, style or event handler for the browser to refuse."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from wizard.checklist import STEPS

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"\shx-on", re.I), "an hx-on handler (needs eval)"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def test_it_sends_a_strict_content_security_policy(db):
    response = Client().get(reverse("login"))
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


def test_it_sends_a_permissions_policy(db):
    header = Client().get(reverse("login"))["Permissions-Policy"]
    assert "camera=()" in header and "geolocation=()" in header and "microphone=()" in header


@pytest.fixture
def pages(practice):
    return [
        reverse("wizard:overview", args=[practice.pk]),
        reverse("wizard:activity", args=[practice.pk]),
        *[reverse("wizard:step", args=[practice.pk, step.key]) for step in STEPS],
        reverse("wizard:members", args=[practice.pk]),
        reverse("wizard:practice_list"),
        reverse("wizard:notification_settings"),
        reverse("password_change"),
    ]


def test_the_pages_keep_to_the_policy(pages, lead, client_for):
    client = client_for(lead)
    bodies = {url: client.get(url) for url in pages}
    bodies[reverse("login")] = Client().get(reverse("login"))
    for url, response in bodies.items():
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response
        body = response.content.decode()
        found = [what for pattern, what in INLINE if pattern.search(body)]
        assert found == [], f"{url} has {', '.join(found)}"


def test_htmx_is_told_not_to_inject_styles_or_eval(lead, client_for):
    body = client_for(lead).get(reverse("home"), follow=True).content.decode()
    assert '"includeIndicatorStyles": false' in body and '"allowEval": false' in body
