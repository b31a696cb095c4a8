"""Login throttling, the Content Security Policy and the production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def attempt(client, password):
    return client.post(reverse("login"), {"username": "alice", "password": password})


def test_it_locks_a_username_out_after_five_failures(client, people):
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    assert "Te vaak een verkeerd wachtwoord" in locked.content.decode()
    # Even the right password is refused while locked out.
    assert attempt(client, "secret-pass-123").status_code == 429


def test_a_good_login_resets_the_count(client, people):
    for _ in range(3):
        attempt(client, "wrong")
    assert attempt(client, "secret-pass-123").status_code == 302
    client.logout()
    for _ in range(3):
        assert attempt(client, "wrong").status_code == 200


def test_pages_carry_a_content_security_policy(client, people):
    client.force_login(people.consultant)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_forms_need_a_csrf_token(people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people.consultant)
    response = client.post(reverse("organisation_create"), {"name": "X", "type": "gemeente"})
    assert response.status_code == 403


def test_the_statements_are_public(client):
    assert "Privacyverklaring" in client.get(reverse("privacy")).content.decode()
    assert "WCAG 2.1" in client.get(reverse("accessibility")).content.decode()


def production_env(**extra):
    # Not what a server has: the test database and the e2e tests' async switch.
    skip = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="nulmeting.example.nl",
        **extra,
    )
    return env


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_static_files_collect_with_production_settings(tmp_path):
    """collectstatic with the manifest storage of production: every file a stylesheet
    or script refers to must exist (a vendored file's source-map reference once broke
    this), and the pages then link the hashed names."""
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        # Compression (slow, and not what broke) off; the manifest is the same.
        env=production_env(STATIC_ROOT=str(tmp_path), STATIC_COMPRESS="false"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/bootstrap/bootstrap.min.css" in manifest
    assert "vendor/plotly/" in manifest
