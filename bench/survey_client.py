"""A respondent over HTTP, as a browser with survey-flow.js does it: the invitation
link, which shows the survey as one document (every part in it), per part the draft save of the
whole survey so far (debounced on change, sent at once by "Volgende"), and one final
POST of every part that submits. The review is built in the browser: no request.

Used by the load, fault and speed scripts. Every answer the respondent sends is
recorded, so the scripts can compare them with what the database holds.
"""

import asyncio
import random
import re

import httpx

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUESTION = re.compile(r'name="q(\d+)-current"')
PART = re.compile(r"<form [^>]*data-part=")
SAVE = "/vragenlijst/opslaan/"
SUBMIT = "/vragenlijst/versturen/"


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
        self.document = ""  # the survey as one document, as start() read it
        self.given = {}  # every field given so far, as the document's forms hold them
        self.pending = {}  # fields given since the last acknowledged draft save
        self.part = 0

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
        """The link: it shows the survey document at once. In fault mode a failed link
        is opened again, as a person would."""
        while True:
            page = await self._request(client, "GET", f"/v/{self.token}/")
            if page.status_code == 200 and "data-survey-doc" in page.text:
                self.document = page.text
                return page
            assert self.retry_unavailable, f"start failed: {page.status_code}"
            await asyncio.sleep(0.5)

    async def read_pages(self, client, count):
        """The parts of the document read by start(), without a request: (the draft
        endpoint, csrf token, question ids) per part."""
        csrf = self._csrf_of(self.document)
        parts = PART.split(self.document)[1:]
        assert len(parts) == count, (len(parts), count)
        return [(SAVE, csrf, [int(q) for q in QUESTION.findall(part)]) for part in parts]

    def answers_for(self, questions):
        data = {}
        for question in questions:
            current = self.rng.choice(["0", "1", "2", "3", "4", "5", "x"])
            desired = self.rng.choice(["2", "3", "4", "5", "x"])
            data[f"q{question}-current"] = current
            data[f"q{question}-desired"] = desired
        return data

    async def save_page(self, client, url, csrf, questions):
        """A part answered: the script's draft save (one per part: the debounced
        changes and "Volgende" fall together), holding the parts changed since the last
        acknowledged save, as survey-flow.js sends it. Acknowledged saves are recorded.
        In fault mode a failed save is sent again."""
        answers = self.answers_for(questions)
        self.given.update(answers)
        self.pending.update(answers)
        self.part += 1
        data = {"csrfmiddlewaretoken": csrf, "deel": str(self.part + 1), **self.pending}
        while True:
            response = await self._request(client, "POST", url, data=data)
            self.posts += 1
            if response.status_code == 204 or not self.retry_unavailable:
                break
            await asyncio.sleep(0.5)
        if response.status_code == 204:
            self._record(self.pending)
            self.pending = {}
        return response.status_code

    def answer_without_saving(self, questions):
        """A part answered with no draft save going out (the whole survey sent only by
        the final POST)."""
        answers = self.answers_for(questions)
        self.given.update(answers)
        self.part += 1

    def _record(self, fields):
        for name, value in fields.items():
            question, part = name[1:].split("-")
            if part == "current":
                desired = fields[f"q{question}-desired"]
                self.sent[int(question)] = (
                    None if value == "x" else int(value),
                    None if desired == "x" else int(desired),
                )

    async def submit(self, client, csrf):
        """The one final POST: every part's fields; 302 to the thank-you page."""
        while True:
            data = {"csrfmiddlewaretoken": csrf, **self.given}
            response = await self._request(client, "POST", SUBMIT, data=data)
            self.posts += 1
            if response.status_code == 302:
                self._record(self.given)
            if response.status_code == 302 or not self.retry_unavailable:
                return response.status_code
            # Fault mode: a fresh document (and CSRF token), then the same answers again.
            await asyncio.sleep(0.5)
            page = await self._request(client, "GET", "/vragenlijst/")
            if page.status_code == 200 and CSRF.search(page.text):
                csrf = self._csrf(page)

    @staticmethod
    def _csrf_of(text):
        match = CSRF.search(text)
        assert match, "no CSRF token in the survey document"
        return match.group(1)

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
