"""The survey under load: gunicorn (2 workers) on PostgreSQL, over HTTP.

submit_vs_floor_ratio  page saves (the POST of one survey page, answered in full) per
                       second / floor view (one INSERT) per second, the same
                       concurrency, the same server
load_5xx               5xx answers while 200 respondents fill in full surveys at once
load_answers_lost      |answers sent - answers stored| after that run
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from common import ROOT, report, setup_django

RESPONDENTS = 200
RATE_CLIENTS = 16
RATE_REQUESTS = 800
PORT = int(os.environ.get("BENCH_PORT", "8199"))
BASE = f"http://127.0.0.1:{PORT}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One respondent: cookies, CSRF, and a count of 5xx answers."""

    def __init__(self, errors):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.errors = errors

    def stop_following_redirects(self):
        """Count a POST alone, not the page the browser would load after it."""
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def _csrf(self):
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def open(self, path, data=None):
        body = None
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self._csrf()}
            body = urllib.parse.urlencode(data, doseq=True).encode()
        try:
            with self.opener.open(BASE + path, body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            if 300 <= error.code < 400:
                return error.code, ""
            if error.code >= 500:
                self.errors.append(error.code)
            return error.code, ""
        except OSError:
            self.errors.append(599)
            return 599, ""


def fill(token, pages, errors):
    """A full survey; returns the number of answers sent."""
    browser = Browser(errors)
    browser.open(f"/v/{token}/")
    browser.open("/vragenlijst/", {})
    sent = 0
    for number in range(1, pages + 1):
        status, page = browser.open(f"/vragenlijst/deel/{number}/")
        names = sorted(set(re.findall(r'name="(q\d+-current)"', page)))
        data = {"action": "next"}
        for name in names:
            data[name] = "3"
            data[name.replace("current", "desired")] = "4"
        browser.open(f"/vragenlijst/deel/{number}/", data)
        sent += len(names)
    browser.open("/vragenlijst/controleren/", {})
    return sent


def rate(path, data_for, clients=RATE_CLIENTS, total=RATE_REQUESTS, rounds=3):
    """Requests per second of POSTs to `path` from `clients` threads: the best of
    `rounds` runs (the machine is shared, so the best run is the least disturbed)."""
    errors = []
    per_client = total // clients
    prepared = [data_for(index, errors) for index in range(clients)]

    def run(index):
        browser, data = prepared[index]
        for _ in range(per_client):
            browser.open(path, data)

    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(run, range(clients)))
        best = max(best, clients * per_client / (time.perf_counter() - start))
    return best, errors


def wait_for_port():
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def main():
    setup_django()
    from django.db import connection

    from assessments.collection import token_hash, token_new
    from assessments.models import Answer, Assessment, Invitation, ModelVersion, Organisation

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_floor (id serial, at timestamptz)")
    organisation = Organisation.objects.create(name="Bench belasting", type="gemeente")
    assessment = Assessment.objects.create(
        organisation=organisation,
        name="Belasting",
        model_version=ModelVersion.objects.order_by("code").last(),
        status=Assessment.Status.OPEN,
    )
    assessment.add_default_layers()
    layers = list(assessment.layers.all())
    tokens = []
    for number in range(RESPONDENTS + RATE_CLIENTS):
        token = token_new()
        Invitation.objects.create(
            assessment=assessment,
            kind=Invitation.Kind.PERSONAL,
            email=f"r{number}@bench.example",
            layer=layers[number % len(layers)],
            token_hash=token_hash(token),
        )
        tokens.append(token)
    pages = assessment.model_version.tracks.count()
    connection.close()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "load_settings",
        "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + token_new(),
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "60",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn")
            if (ROOT / ".venv/bin/gunicorn").exists()
            else os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "datagedreven.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port()
        rate_tokens = tokens[RESPONDENTS:]

        def page_client(index, errors):
            browser = Browser(errors)
            browser.open(f"/v/{rate_tokens[index]}/")
            browser.open("/vragenlijst/", {})
            status, page = browser.open("/vragenlijst/deel/1/")
            data = {"action": "next"}
            for name in set(re.findall(r'name="(q\d+-current)"', page)):
                data[name] = "2"
                data[name.replace("current", "desired")] = "3"
            browser.stop_following_redirects()
            return browser, data

        def floor_client(index, errors):
            return Browser(errors), {}

        floor_rate, floor_errors = rate("/floor/", floor_client)
        submit_rate, submit_errors = rate("/vragenlijst/deel/1/", page_client)
        report("floor_requests_per_s", floor_rate, "req/s")
        report("submit_requests_per_s", submit_rate, "req/s")
        report("submit_vs_floor_ratio", submit_rate / floor_rate, "ratio")

        errors = []
        Answer.objects.filter(response__assessment=assessment).delete()
        before = Answer.objects.filter(response__assessment=assessment).count()
        lock = threading.Lock()
        sent = [0]

        def respondent(token):
            count = fill(token, pages, errors)
            with lock:
                sent[0] += count

        with ThreadPoolExecutor(RESPONDENTS) as pool:
            list(pool.map(respondent, tokens[:RESPONDENTS]))
        stored = (
            Answer.objects.filter(
                response__assessment=assessment,
                response__invitation__email__in=[f"r{n}@bench.example" for n in range(RESPONDENTS)],
            ).count()
            - before
        )
        report("load_5xx", len(errors) + len(floor_errors) + len(submit_errors), "count")
        report("load_answers_sent", sent[0], "count")
        report("load_answers_lost", abs(sent[0] - stored), "count")
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
