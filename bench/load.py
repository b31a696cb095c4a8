"""200 respondents filling in the whole survey at once, over HTTP, against gunicorn
with 2 workers on PostgreSQL (spec/quality.md), against the floor: a bare Django view
that inserts one row, on the same server, at the same concurrency.

submit_vs_floor_ratio  survey POSTs (page saves and submits) per s / floor POSTs per s
load_5xx               responses with a 5xx status, over the whole run
load_answers_lost      answers sent and not stored exactly, plus answers stored unsent

Each respondent first opens the link and reads the pages (untimed); then all of them
save every page and submit at the same moment (timed). Traffic goes to 127.0.0.1 only.
"""

import asyncio
import os
import time

from common import make_assessment, report, setup_django
from server import Gunicorn, collectstatic
from survey_client import Respondent, answers_lost, client_for, personal_invitations

RESPONDENTS = 200
PORT = int(os.environ.get("PORT", "8311"))


async def floor_rate(base_url, *, clients, posts):
    async def one(number):
        async with client_for(base_url) as client:
            statuses = []
            for n in range(posts):
                response = await client.post("/bench/floor/", content=f"{number}-{n}")
                statuses.append(response.status_code)
            return statuses

    start = time.perf_counter()
    statuses = await asyncio.gather(*(one(number) for number in range(clients)))
    seconds = time.perf_counter() - start
    flat = [status for group in statuses for status in group]
    assert all(status == 200 for status in flat), set(flat)
    return len(flat) / seconds


async def survey_run(base_url, tokens, pages):
    respondents = [Respondent(token, seed=number) for number, token in enumerate(tokens)]
    clients = [client_for(base_url) for _ in respondents]
    try:

        async def prepare(respondent, client):
            await respondent.start(client)
            return await respondent.read_pages(client, pages)

        forms = await asyncio.gather(
            *(prepare(r, c) for r, c in zip(respondents, clients, strict=True))
        )

        async def fill(respondent, client, pages):
            for url, csrf, questions in pages:
                await respondent.save_page(client, url, csrf, questions)
            await respondent.submit(client, pages[0][1])

        start = time.perf_counter()
        await asyncio.gather(
            *(fill(r, c, f) for r, c, f in zip(respondents, clients, forms, strict=True))
        )
        seconds = time.perf_counter() - start
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
    posts = sum(respondent.posts for respondent in respondents)
    return respondents, posts / seconds


def main():
    url = setup_django()
    from django.db import connection

    from assessments.models import Response

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_floor (id serial PRIMARY KEY, payload bytea)")
    assessment = make_assessment("Bench loadgemeente", respondents=0, status="open")
    tokens = personal_invitations(assessment, RESPONDENTS)
    collectstatic(url)
    with Gunicorn(url, port=PORT, workers=2) as server:
        pages = len(assessment.model_version.tracks.all())
        floor = asyncio.run(floor_rate(server.url, clients=RESPONDENTS, posts=pages + 1))
        respondents, survey = asyncio.run(survey_run(server.url, tokens, pages))
    statuses = [status for respondent in respondents for status in respondent.status]
    submitted = Response.objects.filter(assessment=assessment, status="submitted").count()
    assert submitted == RESPONDENTS, submitted
    report("load_floor_posts_per_s", floor, "1/s")
    report("load_survey_posts_per_s", survey, "1/s")
    report("submit_vs_floor_ratio", survey / floor, "ratio")
    report("load_5xx", sum(1 for status in statuses if status >= 500), "count")
    report("load_answers_lost", answers_lost(respondents, assessment), "count")


if __name__ == "__main__":
    main()
