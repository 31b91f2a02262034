import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import envbool, envint

ROOT = Path(__file__).resolve().parent.parent


def test_it_reads_booleans_strictly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "off")
    assert envbool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        envbool("X_FLAG", True)


def test_it_reads_integers_strictly(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    assert envint("X_NUM", 1) == 12
    monkeypatch.setenv("X_NUM", "12mb")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        envint("X_NUM", 1)


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "XERO_"))
        and k not in {"LIFTOFF_AUDIT_KEY", "LIFTOFF_TOKEN_KEYS"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_passes_the_deployment_checks_in_production():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x7" * 30 + "-production-secret-from-the-environment",
        DJANGO_ALLOWED_HOSTS="liftoff.example.com",
        LIFTOFF_AUDIT_KEY="k9" * 30,
        LIFTOFF_TOKEN_KEYS="ZGV2LW9ubHktdG9rZW4ta2V5LW5vdC1zZWNyZXQtMDA=",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = _manage("check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="liftoff.example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_it_refuses_to_start_in_production_without_an_audit_key():
    result = _manage(
        "check",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x7" * 30 + "-production-secret-from-the-environment",
        DJANGO_ALLOWED_HOSTS="liftoff.example.com",
    )
    assert result.returncode != 0
    assert "LIFTOFF_AUDIT_KEY must be set" in result.stderr


def test_the_embedded_database_lets_the_web_and_the_worker_write_at_once(tmp_path):
    """SQLite file under LIFTOFF_VAR_DIR: write-ahead log and transactions that take the write
    lock at BEGIN (a read turning into a write is where "database is locked" came from)."""
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
        "print(connection.settings_dict['OPTIONS']['transaction_mode'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LIFTOFF_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "IMMEDIATE"]


def test_production_never_defaults_to_the_fake_xero():
    shown = "from django.conf import settings as s; print(s.XERO_CLIENT_ID or '-', s.XERO_CLIENT_SECRET or '-', s.XERO_LOGIN_URL, s.XERO_IDENTITY_URL, s.XERO_API_URL)"
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        shown,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x7" * 30 + "-production-secret-from-the-environment",
        LIFTOFF_AUDIT_KEY="k9" * 30,
        LIFTOFF_TOKEN_KEYS="ZGV2LW9ubHktdG9rZW4ta2V5LW5vdC1zZWNyZXQtMDA=",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "-",
        "-",
        "https://login.xero.com",
        "https://identity.xero.com",
        "https://api.xero.com",
    ]
