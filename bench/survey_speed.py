"""Full surveys per second over HTTP (issue 13), against gunicorn with 2 workers on
PostgreSQL: 8 closed-loop users, each filling in one whole survey after another as a
browser with survey-flow.js does (bench/survey_client.py: the link, the survey as one
document, per part one draft save of what changed since the last save, one final POST
of every part that submits; the review is built in the browser). The comparison, same
server, same users: a one-page survey storing the same values in one POST
(bench/urls.py).

survey_completed_per_s          full surveys per s
survey_one_page_per_s           one-page surveys per s (the comparison)
survey_vs_one_page_ratio        the two divided (bar: at least 1)
survey_requests_per_completion  HTTP requests per full survey (the thank-you page not counted)
survey_without_drafts_vs_one_page_ratio
                                the same document answered and submitted without a draft
                                save (link, final POST), against the one-page design: what
                                the gap above owes to the draft saves ("nothing lost")
survey_page_kb                  the survey document (every part) with its CSS and JS, gzip
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
SECONDS = 20  # per design, in ROUNDS turns
ROUNDS = 4
PARTS = 5  # the tracks of the shipped model
PORT = int(os.environ.get("PORT", "8313"))
ASSETS = re.compile(r'<(?:link[^>]+href|script[^>]+src)="([^"]+\.(?:css|js))"')


async def full_survey(base_url, token, seed, drafts=True):
    """One survey from the link to submit as a browser with survey-flow.js fills it in;
    returns the number of requests (every one, draft saves included). Without drafts:
    every part answered before a debounced save went out, then submitted."""
    respondent = Respondent(token, seed=seed)
    async with client_for(base_url) as client:
        await respondent.start(client)
        parts = await respondent.read_pages(client, PARTS)
        for url, csrf, questions in parts:
            if drafts:
                assert await respondent.save_page(client, url, csrf, questions) == 204
            else:
                respondent.answer_without_saving(questions)
        assert await respondent.submit(client, parts[0][1]) == 302
    assert all(status in (200, 204, 302) for status in respondent.status), respondent.status
    return len(respondent.status)


async def survey_without_drafts(base_url, token, seed):
    return await full_survey(base_url, token, seed, drafts=False)


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
    `seconds`; returns (surveys completed, seconds taken, requests per survey)."""
    done = []
    deadline = time.perf_counter() + seconds

    async def user(number):
        while time.perf_counter() < deadline and tokens:
            token = tokens.pop()
            done.append(await survey(base_url, token, seed=len(tokens)))

    start = time.perf_counter()
    await asyncio.gather(*(user(number) for number in range(USERS)))
    elapsed = time.perf_counter() - start
    return len(done), elapsed, sum(done) / max(len(done), 1)


def alternating(base_url, survey_tokens, one_page_tokens, bare_tokens):
    """The designs in turns of SECONDS / ROUNDS, so that a load from elsewhere on the
    machine falls on all alike: (surveys/s, one-page surveys/s, requests per survey,
    surveys/s without draft saves)."""
    totals = {"survey": [0, 0.0], "one": [0, 0.0], "bare": [0, 0.0]}
    requests = []
    for _round in range(ROUNDS):
        for name, tokens, design in (
            ("survey", survey_tokens, full_survey),
            ("one", one_page_tokens, one_page_survey),
            ("bare", bare_tokens, survey_without_drafts),
        ):
            count, elapsed, per = asyncio.run(
                closed_loop(base_url, tokens, design, SECONDS / ROUNDS)
            )
            totals[name][0] += count
            totals[name][1] += elapsed
            if name == "survey":
                requests.append(per)
    rate = {name: count / elapsed for name, (count, elapsed) in totals.items()}
    return rate["survey"], rate["one"], sum(requests) / len(requests), rate["bare"]


async def page_kb(base_url, token):
    """gzip size of the survey document (every part) and of the stylesheets and
    scripts it loads, in KiB."""
    async with client_for(base_url) as client:
        page = await Respondent(token, seed=0).start(client)
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
    tokens = personal_invitations(assessment, 4500)
    collectstatic(url)
    with Gunicorn(url, port=PORT, workers=2) as server:
        kb = asyncio.run(page_kb(server.url, tokens[0]))
        # Warm up both (imports, caches, connections), then measure them in turns.
        asyncio.run(closed_loop(server.url, tokens[1:20], full_survey, 3))
        asyncio.run(closed_loop(server.url, tokens[20:40], one_page_survey, 3))
        survey, one_page, requests, bare = alternating(
            server.url, tokens[40:1500], tokens[1500:3000], tokens[3000:]
        )
    report("survey_completed_per_s", survey, "1/s")
    report("survey_one_page_per_s", one_page, "1/s")
    report("survey_vs_one_page_ratio", survey / one_page, "ratio")
    report("survey_requests_per_completion", round(requests), "count")
    report("survey_without_drafts_vs_one_page_ratio", bare / one_page, "ratio")
    report("survey_page_kb", kb, "KiB")


if __name__ == "__main__":
    main()
