"""Survey tokens never reach a log (spec/quality.md): Django's request, CSRF and
runserver logs, the error mail, gunicorn's access and error logs, pages and Referers
show /v/…/ instead of /v/<token>/."""

import io
import logging
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client
from django.utils.module_loading import import_string
from gunicorn.config import Config

from assessments import collection
from datagedreven.gunicorn_logging import RedactingLogger
from datagedreven.log_redaction import RedactingAdminEmailHandler, redact
from tests.survey_data import invite, open_assessment

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
UNKNOWN = "Zz" * 22  # well-formed, but no invitation has it


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token(people):
    open_assessment(people.assessment)
    _invitation, token = invite(people.assessment)
    return token


def logged(records):
    return "\n".join(record.getMessage() for record in records)


def test_it_redacts_the_token_wherever_it_stands():
    assert redact("GET /v/abc_-123/ HTTP/1.1") == "GET /v/…/ HTTP/1.1"
    assert redact("https://nulmeting.nl/v/abc?x=1") == "https://nulmeting.nl/v/…?x=1"
    assert redact("<WSGIRequest: GET '/v/abc/'>") == "<WSGIRequest: GET '/v/…/'>"
    assert redact("/vragenlijst/deel/1/") == "/vragenlijst/deel/1/"
    assert redact(redact("/v/abc/")) == "/v/…/"
    assert redact("/v/…abc/") == "/v/…/"


# --- Django ----------------------------------------------------------------------------


def test_an_unknown_link_is_logged_without_its_token(client, caplog):
    with caplog.at_level(logging.INFO):
        assert client.get(f"/v/{UNKNOWN}/").status_code == 404
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.getMessage() == "Not Found: /v/…/"
    assert record.request.path == "/v/…/"
    assert record.request.META["PATH_INFO"] == "/v/…/"
    assert UNKNOWN not in record.request.build_absolute_uri()  # the error mail's "Request URL"
    assert UNKNOWN not in caplog.text


def test_a_limited_link_is_logged_without_its_token(client, token, settings, caplog):
    settings.SURVEY_LINK_LIMIT = 0
    with caplog.at_level(logging.INFO):
        assert client.get(f"/v/{token}/").status_code == 429
    assert "Too Many Requests: /v/…/" in logged(caplog.records)
    assert token not in caplog.text


def test_a_csrf_refusal_is_logged_without_the_token(token, caplog):
    with caplog.at_level(logging.INFO):
        assert Client(enforce_csrf_checks=True).post(f"/v/{token}/").status_code == 403
    assert "Forbidden (CSRF cookie not set.): /v/…/" in logged(caplog.records)
    assert token not in caplog.text


def test_the_link_page_sends_no_referer_and_shows_no_token(client, token):
    response = client.get(f"/v/{UNKNOWN}/")
    assert response["Referrer-Policy"] == "no-referrer"
    assert UNKNOWN not in response.content.decode()  # not even for the language switch
    # The survey shown by a valid link sends its origin only (no path, so no token):
    # with no-referrer a form's POST would say "Origin: null", refused by the CSRF check.
    survey = client.get(f"/v/{token}/")
    assert survey["Referrer-Policy"] == "strict-origin"
    assert token not in survey.content.decode()


def test_runserver_logs_the_link_without_its_token(token):
    handler = logging.getLogger("django.server").handlers[0]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        fake = SimpleNamespace(request=object(), log_date_time_string=lambda: "now")
        WSGIRequestHandler.log_message(fake, '"%s" %s %s', f"GET /v/{token}/ HTTP/1.1", "302", "0")
    finally:
        handler.setStream(previous)
    assert stream.getvalue() == '[now] "GET /v/…/ HTTP/1.1" 302 0\n'


def test_the_error_mail_carries_no_token(token, settings, monkeypatch):
    settings.ADMINS = [("Beheer", "beheer@example.nl")]
    handler = next(
        handler
        for handler in logging.getLogger("django").handlers
        if isinstance(handler, RedactingAdminEmailHandler)
    )
    monkeypatch.setattr(handler, "include_html", True)  # the HTML part lists local variables

    def broken(*args, **kwargs):
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(collection, "invitation_for_token", broken)
    response = Client(raise_request_exception=False).get(
        f"/v/{token}/", HTTP_REFERER=f"https://mail.example.nl/v/{token}/"
    )
    assert response.status_code == 500
    [message] = mail.outbox
    assert "/v/…/" in message.subject and "/v/…/" in message.body
    assert "the database is gone" in message.body
    assert token not in message.subject + message.body
    # Also the view's argument and the resolver's kwargs among the local variables.
    [(html, _mimetype)] = message.alternatives
    assert "callback_kwargs" in html and "&#x27;token&#x27;" in html
    assert token not in html


# --- gunicorn --------------------------------------------------------------------------


def gunicorn_logger(access_log_format):
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", access_log_format)
    cfg.set("logger_class", "datagedreven.gunicorn_logging.RedactingLogger")
    log = cfg.logger_class(cfg)
    streams = {}
    for name in ("access_log", "error_log"):
        streams[name] = io.StringIO()
        for handler in getattr(log, name).handlers:
            handler.setStream(streams[name])
    return log, streams


def test_gunicorns_logs_show_no_token(token):
    everything = '"%(r)s" %(U)s "%(f)s" %({raw_uri}e)s %({referer}i)s %(s)s'
    log, streams = gunicorn_logger(everything)
    assert isinstance(log, RedactingLogger)
    path = f"/v/{token}/"
    referer = f"https://mail.example.nl{path}"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.7",
        "HTTP_REFERER": referer,
    }
    request = SimpleNamespace(headers=[("REFERER", referer)])
    response = SimpleNamespace(status="302 Found", headers=[("Location", "/vragenlijst/")], sent=0)
    log.access(response, request, environ, timedelta(milliseconds=5))
    log.error("Error handling request %s", path)
    line = streams["access_log"].getvalue()
    assert line.startswith('"GET /v/…/ HTTP/1.1" /v/…/ "https://mail.example.nl/v/…/" /v/…/')
    assert line.rstrip().endswith("302")
    assert "Error handling request /v/…/" in streams["error_log"].getvalue()
    assert token not in line + streams["error_log"].getvalue()


def test_the_deployment_runs_gunicorn_with_that_logger():
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert import_string(config["logger_class"]) is RedactingLogger
    for name in ("datagedreven.service", "compose.yaml"):
        assert "gunicorn -c deploy/gunicorn.conf.py" in (ROOT / "deploy" / name).read_text()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_real_gunicorn_logs_no_token(tmp_path):
    """The shipped configuration end to end: a survey link whose database is not there
    (a 503), so the access log and the error log both have something to say."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}", DEBUG="true")
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
        + ["--access-logfile", str(access), "--error-logfile", str(errors), "--capture-output"],
        cwd=ROOT,
        env=env,
    )
    token = "T" * 43
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/v/{token}/", timeout=5)
            except urllib.error.HTTPError as error:
                assert error.code == 503
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    logs = access.read_text() + errors.read_text()
    assert '"GET /v/…/ HTTP/1.1" 503' in access.read_text()
    assert "Service Unavailable: /v/…/" in errors.read_text()
    assert token not in logs
