"""Full surveys per second over HTTP (issue 13), against gunicorn with 2 workers on
PostgreSQL: 8 closed-loop users, each filling in one whole survey after another as a
browser with survey-autosave.js does (link, welcome, start, per part: the page, one
draft save, "volgende"; the review; submit). The comparison, same server, same users:
a one-page survey storing the same values in one POST (bench/urls.py).

survey_completed_per_s          full surveys per s
survey_one_page_per_s           one-page surveys per s (the comparison)
survey_vs_one_page_ratio        the two divided (bar: at least 1)
survey_requests_per_completion  HTTP requests per full survey (the thank-you page not counted)
survey_page_kb                  one survey part with its CSS and JS, gzip-compressed
"""

import asyncio
import gzip
import os
import re
import time

from common import make_assessment, report, setup_django
from server import Gunicorn, collectstatic
from survey_client import CSRF, QUESTION, Respondent, client_for, personal_invitations

USERS = 8
SECONDS = 20
# SURVEY_DRAFT=0: no draft saves (the survey as it was before survey-autosave.js).
DRAFT = os.environ.get("SURVEY_DRAFT", "1") != "0"
PORT = 8313
ASSETS = re.compile(r'<(?:link[^>]+href|script[^>]+src)="([^"]+\.(?:css|js))"')


async def full_survey(base_url, token, seed):
    """One survey from the link to submit; returns the number of requests."""
    respondent = Respondent(token, seed=seed)
    async with client_for(base_url) as client:
        requests = 0

        async def call(method, url, **kwargs):
            nonlocal requests
            requests += 1
            response = await client.request(method, url, **kwargs)
            assert response.status_code in (200, 204, 302), (method, url, response.status_code)
            return response

        location = (await call("GET", f"/v/{token}/")).headers["location"]
        welcome = await call("GET", location)
        location = (
            await call(
                "POST", "/vragenlijst/", data={"csrfmiddlewaretoken": CSRF.search(welcome.text)[1]}
            )
        ).headers["location"]
        while "/deel/" in location:
            page = await call("GET", location)
            csrf = CSRF.search(page.text)[1]
            questions = [int(q) for q in QUESTION.findall(page.text)]
            answers = respondent.answers_for(questions)
            if DRAFT:
                await call("POST", location + "opslaan/", data=_draft(answers, csrf))
            data = {"csrfmiddlewaretoken": csrf, "action": "next", **answers}
            location = (await call("POST", location, data=data)).headers["location"]
        review = await call("GET", location)
        done = await call(
            "POST", location, data={"csrfmiddlewaretoken": CSRF.search(review.text)[1]}
        )
        assert done.headers["location"].endswith("/bedankt/"), done.headers
    return requests


def _draft(answers, csrf):
    names = list(answers)[: max(1, len(answers) // 2)]
    return {"csrfmiddlewaretoken": csrf, **{name: answers[name] for name in names}}


async def one_page_survey(base_url, token, seed):
    respondent = Respondent(token, seed=seed)
    async with client_for(base_url) as client:
        url = f"/bench/one-page/{token}/"
        page = await client.get(url)
        assert page.status_code == 200, page.status_code
        questions = [int(q) for q in QUESTION.findall(page.text)]
        data = {
            "csrfmiddlewaretoken": CSRF.search(page.text)[1],
            **respondent.answers_for(questions),
        }
        response = await client.post(url, data=data)
        assert response.status_code == 302, response.status_code
    return 2


async def closed_loop(base_url, tokens, survey, seconds):
    """USERS users, each starting a new survey as soon as the last one is done, for
    `seconds`; returns (surveys completed per s, requests per survey)."""
    queue = list(tokens)
    done = []
    deadline = time.perf_counter() + seconds

    async def user(number):
        while time.perf_counter() < deadline and queue:
            token = queue.pop()
            done.append(await survey(base_url, token, seed=len(queue)))

    start = time.perf_counter()
    await asyncio.gather(*(user(number) for number in range(USERS)))
    elapsed = time.perf_counter() - start
    return len(done) / elapsed, sum(done) / len(done)


async def page_kb(base_url, token):
    """gzip size of part 1 and of the stylesheets and scripts it loads, in KiB."""
    async with client_for(base_url) as client:
        await client.get(f"/v/{token}/")
        welcome = await client.get("/vragenlijst/")
        csrf = CSRF.search(welcome.text)[1]
        await client.post("/vragenlijst/", data={"csrfmiddlewaretoken": csrf})
        page = await client.get("/vragenlijst/deel/1/")
        assert page.status_code == 200
        assets = ASSETS.findall(page.text)
        assert not [a for a in assets if "plotly" in a.lower() or "chart" in a.lower()], assets
        total = len(gzip.compress(page.content, 6))
        for asset in assets:
            body = (await client.get(asset)).content
            total += len(gzip.compress(body, 6))
    return total / 1024


def main():
    url = setup_django()
    assessment = make_assessment("Bench snelheid", respondents=0, status="open")
    tokens = personal_invitations(assessment, 3000)
    collectstatic(url)
    with Gunicorn(url, port=PORT, workers=2) as server:
        kb = asyncio.run(page_kb(server.url, tokens[0]))
        # Warm up both (imports, caches, connections), then measure each in turn.
        asyncio.run(closed_loop(server.url, tokens[1:20], full_survey, 3))
        asyncio.run(closed_loop(server.url, tokens[20:40], one_page_survey, 3))
        survey, requests = asyncio.run(
            closed_loop(server.url, tokens[40:1500], full_survey, SECONDS)
        )
        one_page, _ = asyncio.run(closed_loop(server.url, tokens[1500:], one_page_survey, SECONDS))
    report("survey_completed_per_s", survey, "1/s")
    report("survey_one_page_per_s", one_page, "1/s")
    report("survey_vs_one_page_ratio", survey / one_page, "ratio")
    report("survey_requests_per_completion", round(requests), "count")
    report("survey_page_kb", kb, "KiB")


if __name__ == "__main__":
    main()
