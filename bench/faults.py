"""Faults (spec/quality.md): PostgreSQL restarted during load, and two application
servers on one PostgreSQL.

two_servers_5xx             5xx answers while 100 respondents start a survey on one
                            server and finish it on the other
two_servers_answers_lost    answers sent and not stored exactly (plus stored unsent)
fault_restart_503           requests that got the clear "try again" page (503) while
                            PostgreSQL restarted
fault_restart_other_5xx     any other 5xx during the restart (must be 0)
fault_restart_answers_lost  answers sent and not stored exactly, after every respondent
                            retried what failed (must be 0)
fault_recovered             1 when the servers answered normally after the restart

Needs to restart the local PostgreSQL: `pg_ctlcluster <version> main restart` (as root
or postgres). Traffic goes to 127.0.0.1 only.
"""

import asyncio
import subprocess
import time
from pathlib import Path

import httpx
from common import make_assessment, report, setup_django
from server import Gunicorn, collectstatic
from survey_client import Respondent, answers_lost, client_for, personal_invitations

RESPONDENTS = 100
PORTS = (8312, 8313)


def restart_postgresql():
    version = sorted(path.name for path in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
    )


async def fill(respondent, first, second, pages):
    """Start on `first`, go on with the same cookies on `second`."""
    async with client_for(first) as client:
        await respondent.start(client)
        forms = await respondent.read_pages(client, pages)
        url, csrf, questions = forms[0]
        await respondent.save_page(client, url, csrf, questions)
        cookies = client.cookies
    async with client_for(second) as client:
        client.cookies = cookies
        for url, csrf, questions in forms[1:]:
            await respondent.save_page(client, url, csrf, questions)
        await respondent.submit(client, csrf)


async def two_servers(urls, tokens, pages):
    respondents = [Respondent(token, seed=n) for n, token in enumerate(tokens)]
    await asyncio.gather(
        *(
            fill(respondent, urls[n % 2], urls[(n + 1) % 2], pages)
            for n, respondent in enumerate(respondents)
        )
    )
    return respondents


async def with_restart(urls, tokens, pages):
    """Everyone fills in the survey; PostgreSQL restarts a moment after they began.
    A respondent whose request fails waits and sends the same page again."""
    respondents = [
        Respondent(token, seed=n, retry_unavailable=True) for n, token in enumerate(tokens)
    ]

    async def restart_soon():
        await asyncio.sleep(1.5)
        await asyncio.to_thread(restart_postgresql)

    await asyncio.gather(
        restart_soon(),
        *(
            fill(respondent, urls[n % 2], urls[(n + 1) % 2], pages)
            for n, respondent in enumerate(respondents)
        ),
    )
    return respondents


def recovered(urls):
    for url in urls:
        response = httpx.get(f"{url}/inloggen/", timeout=10)
        if response.status_code != 200:
            return False
    return True


def main():
    database_url = setup_django()
    from django.db import connection

    from assessments.models import Response

    calm = make_assessment("Bench twee servers", respondents=0, status="open")
    stormy = make_assessment("Bench herstart", respondents=0, status="open")
    calm_tokens = personal_invitations(calm, RESPONDENTS)
    stormy_tokens = personal_invitations(stormy, RESPONDENTS)
    pages = len(calm.model_version.tracks.all())
    collectstatic(database_url)
    connection.close()
    with (
        Gunicorn(database_url, port=PORTS[0]) as first,
        Gunicorn(database_url, port=PORTS[1]) as second,
    ):
        urls = (first.url, second.url)
        calm_respondents = asyncio.run(two_servers(urls, calm_tokens, pages))
        stormy_respondents = asyncio.run(with_restart(urls, stormy_tokens, pages))
        time.sleep(1)
        is_recovered = recovered(urls)
    connection.close()
    calm_statuses = [s for r in calm_respondents for s in r.status]
    stormy_statuses = [s for r in stormy_respondents for s in r.status]
    for assessment in (calm, stormy):
        submitted = Response.objects.filter(assessment=assessment, status="submitted").count()
        assert submitted == RESPONDENTS, (assessment.name, submitted)
    report("two_servers_5xx", sum(1 for s in calm_statuses if s >= 500), "count")
    report("two_servers_answers_lost", answers_lost(calm_respondents, calm), "count")
    report("fault_restart_503", sum(1 for s in stormy_statuses if s == 503), "count")
    report(
        "fault_restart_other_5xx", sum(1 for s in stormy_statuses if s >= 500 and s != 503), "count"
    )
    report("fault_restart_connection_errors", sum(1 for s in stormy_statuses if s == 0), "count")
    report("fault_restart_4xx", sum(1 for s in stormy_statuses if 400 <= s < 500), "count")
    report("fault_restart_answers_lost", answers_lost(stormy_respondents, stormy), "count")
    report("fault_recovered", int(is_recovered), "count")


if __name__ == "__main__":
    main()
