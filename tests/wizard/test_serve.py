"""manage.py serve (make run) starts beat as its own process, as production runs it, and, for the
demo, the fake XPM and Xero (tests/fakes/serve.py) with the app pointed at it."""

import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import httpx2
import pytest
from django.core.management import call_command

from tests.fakes import serve as fake_serve
from wizard import demo
from wizard.management.commands import serve

ROOT = Path(__file__).resolve().parents[2]


class FakeProcess:
    started: list[list[str]] = []

    def __init__(self, args):
        self.args, self.pid = args, 1000 + len(FakeProcess.started)
        FakeProcess.started.append(args)

    def poll(self):
        return 0


def test_it_runs_beat_apart_from_the_worker(monkeypatch):
    FakeProcess.started = []
    monkeypatch.delenv("RUN_MAIN", raising=False)
    monkeypatch.setattr(serve.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)
    call_command("serve")
    worker, beat = FakeProcess.started
    assert "worker" in worker and "--beat" not in worker and "-B" not in worker
    assert beat[beat.index("config") + 1] == "beat"


@pytest.fixture
def started(monkeypatch, settings):
    """Run ``serve`` with its processes and the web server stood in for; no XERO_* set (an
    empty value counts as unset, and monkeypatch puts the environment back afterwards)."""
    FakeProcess.started = []
    monkeypatch.delenv("RUN_MAIN", raising=False)
    for name in serve.XERO_VARIABLES:
        monkeypatch.setenv(name, "")
    monkeypatch.setattr(serve.subprocess, "Popen", lambda args, **kwargs: FakeProcess(args))
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)
    settings.DEBUG = True
    return FakeProcess.started


def test_it_runs_the_fake_xero_for_the_demo_and_points_the_app_at_it(started):
    out = StringIO()
    call_command("serve", stdout=out)
    fake, worker, beat = started
    assert fake[1:4] == ["-m", "tests.fakes.serve", "--port"] and "8765" in fake
    assert fake[fake.index("--client-id") + 1] == demo.DEMO_XERO_CLIENT_ID
    assert "worker" in worker and "beat" in beat
    assert serve.os.environ["XERO_CLIENT_ID"] == demo.DEMO_XERO_CLIENT_ID
    assert serve.os.environ["XERO_CLIENT_SECRET"] == demo.DEMO_XERO_CLIENT_SECRET
    assert serve.os.environ["XERO_API_URL"] == "http://127.0.0.1:8765"
    assert "Connect XPM and Xero" in out.getvalue() and "--no-fake-xero" in out.getvalue()


@pytest.mark.parametrize("how", ["a real app", "production", "asked not to"])
def test_it_leaves_the_fake_off(started, monkeypatch, settings, how):
    options = []
    if how == "a real app":
        monkeypatch.setenv("XERO_CLIENT_ID", "the-practice-s-own-app")
    elif how == "production":
        settings.DEBUG = False
    else:
        options = ["--no-fake-xero"]
    call_command("serve", *options, stdout=StringIO())
    assert not [args for args in started if "tests.fakes.serve" in args]
    assert len(started) == 2


def test_the_fake_and_the_demo_agree_on_the_client():
    assert fake_serve.DEMO_CLIENT_ID == demo.DEMO_XERO_CLIENT_ID
    assert fake_serve.DEMO_CLIENT_SECRET == demo.DEMO_XERO_CLIENT_SECRET


@pytest.fixture
def fake_process():
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.serve", "--port", "0", "--clients", "30"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    banner = process.stdout.readline()  # printed once it listens
    try:
        yield re.search(r"at (http://\S+):", banner).group(1), banner
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_fake_serves_on_its_own(fake_process):
    url, banner = fake_process
    assert "client id liftoff-demo" in banner
    assert httpx2.get(f"{url}/connections").status_code == 401  # no token
    allow = {
        "client_id": demo.DEMO_XERO_CLIENT_ID,
        "redirect_uri": "http://127.0.0.1:8000/connect/callback/",
        "state": "s",
    }
    page = httpx2.get(f"{url}/identity/connect/authorize", params=allow)
    tenants = re.findall(r'name="tenant" value="([^"]+)"', page.text)
    assert "Allow access" in page.text and len(tenants) == 2
    back = httpx2.post(f"{url}/identity/connect/authorize", data={**allow, "tenant": tenants})
    code = re.search(r"code=([^&]+)", back.headers["Location"]).group(1)
    token = httpx2.post(
        f"{url}/connect/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": allow["redirect_uri"],
        },
        auth=(demo.DEMO_XERO_CLIENT_ID, demo.DEMO_XERO_CLIENT_SECRET),
    ).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    found = httpx2.get(f"{url}/connections", headers=bearer).json()
    xpm = next(t["tenantId"] for t in found if t["tenantType"] == "PRACTICEMANAGER")
    clients = httpx2.get(
        f"{url}/practicemanager/v3.1/client.api/paged-list",
        params={"pageSize": 100},
        headers={**bearer, "Xero-Tenant-Id": xpm},
    ).json()["clients"]
    assert len(clients) >= 30
