"""A respondent over HTTP, as a browser does it: the invitation link, the welcome
page, every track page with one draft save halfway (survey-autosave.js, debounced)
and "volgende", the review and submit.

Used by the load and fault scripts. Every answer the respondent sends is recorded, so
the script can compare them with what the database holds.
"""

import asyncio
import random
import re

import httpx

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUESTION = re.compile(r'name="q(\d+)-current"')
PAGE = re.compile(r"/vragenlijst/deel/(\d+)/$")


def personal_invitations(assessment, count):
    """`count` personal invitations spread over the layers; returns their tokens."""
    from assessments.collection import token_hash, token_new
    from assessments.models import Invitation

    layers = list(assessment.layers.order_by("order"))
    tokens = [token_new() for _ in range(count)]
    Invitation.objects.bulk_create(
        Invitation(
            assessment=assessment,
            kind=Invitation.Kind.PERSONAL,
            email=f"respondent{number}@voorbeeld.nl",
            layer=layers[number % len(layers)],
            department=f"Afdeling {number % 5}",
            token_hash=token_hash(token),
        )
        for number, token in enumerate(tokens)
    )
    return tokens


class Outage(Exception):
    """The server answered 503 (database unavailable): try the same step again."""


class Respondent:
    def __init__(self, token, *, seed, retry_unavailable=False):
        self.token = token
        self.rng = random.Random(seed)
        self.retry_unavailable = retry_unavailable
        self.sent = {}  # question id → (current, desired) as last sent and acknowledged
        self.status = []  # every HTTP status seen
        self.posts = 0

    async def _request(self, client, method, url, **kwargs):
        while True:
            try:
                response = await client.request(method, url, **kwargs)
            except httpx.TransportError:
                if not self.retry_unavailable:
                    raise
                self.status.append(0)
                await asyncio.sleep(0.5)
                continue
            self.status.append(response.status_code)
            if response.status_code == 503 and self.retry_unavailable:
                await asyncio.sleep(0.5)
                continue
            return response

    async def start(self, client):
        """The link and the welcome page: the respondent arrives at page 1. In fault mode
        a step that fails is taken again from the link, as a person would."""
        while True:
            response = await self._request(client, "GET", f"/v/{self.token}/")
            if response.status_code == 302:
                page = await self._request(client, "GET", "/vragenlijst/")
                if page.status_code == 200:
                    response = await self._request(
                        client,
                        "POST",
                        "/vragenlijst/",
                        data={"csrfmiddlewaretoken": self._csrf(page)},
                    )
                    if response.status_code == 302:
                        return response.headers["location"]
            assert self.retry_unavailable, f"start failed: {response.status_code}"
            await asyncio.sleep(0.5)

    async def read_pages(self, client, count):
        """GET every track page once: (url, csrf token, question ids) per page."""
        pages = []
        for number in range(1, count + 1):
            url = f"/vragenlijst/deel/{number}/"
            page = await self._request(client, "GET", url)
            assert page.status_code == 200, (url, page.status_code)
            pages.append((url, self._csrf(page), [int(q) for q in QUESTION.findall(page.text)]))
        return pages

    def answers_for(self, questions):
        data = {}
        for question in questions:
            current = self.rng.choice(["0", "1", "2", "3", "4", "5", "x"])
            desired = self.rng.choice(["2", "3", "4", "5", "x"])
            data[f"q{question}-current"] = current
            data[f"q{question}-desired"] = desired
        return data

    async def save_draft(self, client, url, csrf, answers):
        """The autosave of a part filled in halfway: the first half of its fields (with
        an odd number of questions the last of them has "nu" only, a half answer).
        Acknowledged drafts are recorded."""
        names = list(answers)[: max(1, len(answers) // 2)]
        data = {"csrfmiddlewaretoken": csrf, **{name: answers[name] for name in names}}
        response = await self._request(client, "POST", url.rstrip("/") + "/opslaan/", data=data)
        self.posts += 1
        if response.status_code == 204:
            given = {}
            for name in names:
                question, part = name[1:].split("-")
                value = None if answers[name] == "x" else int(answers[name])
                given.setdefault(int(question), {})[part] = value
            for question, parts in given.items():
                if len(parts) == 2:  # a half answer is kept apart, never scored
                    self.sent[question] = (parts["current"], parts["desired"])
        return response.status_code

    async def save_page(self, client, url, csrf, questions, draft=True):
        answers = self.answers_for(questions)
        if draft:
            await self.save_draft(client, url, csrf, answers)
        data = {"csrfmiddlewaretoken": csrf, "action": "next", **answers}
        while True:
            response = await self._request(client, "POST", url, data=data)
            self.posts += 1
            if response.status_code == 302 or not self.retry_unavailable:
                break
            # Fault mode: the page failed (say a lost session write); read it again for a
            # fresh form and send the same answers once more.
            await asyncio.sleep(0.5)
            page = await self._request(client, "GET", url)
            if page.status_code == 200:
                data["csrfmiddlewaretoken"] = self._csrf(page)
        if response.status_code != 302:
            return response.status_code
        for question in questions:
            current = data[f"q{question}-current"]
            desired = data[f"q{question}-desired"]
            self.sent[question] = (
                None if current == "x" else int(current),
                None if desired == "x" else int(desired),
            )
        return response.status_code

    async def submit(self, client, csrf):
        while True:
            response = await self._request(
                client, "POST", "/vragenlijst/controleren/", data={"csrfmiddlewaretoken": csrf}
            )
            self.posts += 1
            if response.status_code == 302 or not self.retry_unavailable:
                return response.status_code
            await asyncio.sleep(0.5)
            page = await self._request(client, "GET", "/vragenlijst/controleren/")
            if page.status_code in (200, 400):
                csrf = self._csrf(page)

    async def review_csrf(self, client):
        page = await self._request(client, "GET", "/vragenlijst/controleren/")
        return self._csrf(page)

    @staticmethod
    def _csrf(page):
        match = CSRF.search(page.text)
        assert match, f"no CSRF token on {page.url} ({page.status_code})"
        return match.group(1)


def client_for(base_url):
    return httpx.AsyncClient(
        base_url=base_url,
        follow_redirects=False,
        timeout=httpx.Timeout(120),
        limits=httpx.Limits(max_connections=1),
    )


def stored_answers(assessment):
    """{token hash: {question id: (current, desired)}} of the assessment's responses."""
    from assessments.models import Answer

    stored = {}
    rows = Answer.objects.filter(response__assessment=assessment).values_list(
        "response__invitation__token_hash", "question_id", "current", "desired"
    )
    for token_hash, question, current, desired in rows:
        stored.setdefault(token_hash, {})[question] = (current, desired)
    return stored


def answers_lost(respondents, assessment):
    """Answers sent and not stored exactly, plus answers stored and never sent."""
    from assessments.collection import token_hash

    stored = stored_answers(assessment)
    lost = 0
    for respondent in respondents:
        held = stored.pop(token_hash(respondent.token), {})
        sent = respondent.sent
        lost += sum(1 for q, value in sent.items() if held.get(q) != value)
        lost += sum(1 for q in held if q not in sent)
    lost += sum(len(held) for held in stored.values())
    return lost
