"""The respondent's survey: no account, a link with a token.

The token link puts the invitation into the session and shows the survey at once: the
whole survey as one document (the welcome, every part, the review), which
static/js/survey-flow.js shows one step at a time and saves as a draft on change
(survey_save_all), then sends in one POST (survey_submit). The script replaces the
link's address with /vragenlijst/ (history.replaceState) and the page's Referrer-Policy
sends no path, so the token does not stay in the address bar, the history or a Referer
(and the logs show even the link as /v/…/: datagedreven/log_redaction.py). Without the
script each part is a page of its own (survey_page), as before. From then on the
session is the only key: the URLs carry no ids, so a respondent's session reaches
their own response and nothing else.
"""

import secrets
import time
from contextlib import nullcontext

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from datagedreven.proxies import client_ip

from .. import collection
from .. import generation as model_generation
from ..forms import DONT_KNOW, StartForm, SurveyDraft, SurveyPageForm
from ..models import (
    Answer,
    Assessment,
    FactorComment,
    Invitation,
    LevelDescriptor,
    Response,
)
from ..stages import stage_label

SESSION_KEY = "survey"


# --- Rate limit (shared through the cache: Redis when REDIS_URL is set) ----------------


def _count(name, ip, window):
    key = f"survey-rl:{name}:{ip}:{int(time.time() // window)}"
    cache.add(key, 0, window * 2)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window * 2)
        return 1


def _over(name, ip, window, limit):
    """Count one request of this kind; True once the window holds more than limit."""
    return _count(name, ip, window) > limit


def _unknown(request):
    return render(request, "survey/unknown.html", status=404)


def _too_many(request):
    return render(request, "survey/too_many.html", status=429)


# --- Link and session ------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD"])
def survey_link(request, token):
    response = _link(request, token)
    # Every page shown here has the token in its address: its stylesheets, scripts and
    # links must not carry it on in a Referer (the same-origin default would send it to
    # our own access log). The survey itself posts its forms, and a POST from a
    # no-referrer page says "Origin: null", which the CSRF check refuses: it sends the
    # origin alone (no path, so no token) instead.
    if "Referrer-Policy" not in response:
        response["Referrer-Policy"] = "no-referrer"
    return response


def _link(request, token):
    ip = client_ip(request)
    window = getattr(settings, "SURVEY_LINK_WINDOW", 600)
    if _over("link", ip, window, getattr(settings, "SURVEY_LINK_LIMIT", 3000)):
        return _too_many(request)
    invitation = collection.invitation_for_token(token, related=Survey.RELATED)
    if invitation is None:
        # Only unknown tokens are slowed down: many people behind one address (a town
        # hall's NAT) with an old link must not lock out colleagues with a valid one.
        # Guessing a 256-bit token is hopeless anyway; this only caps the load.
        if _over("bad", ip, window, getattr(settings, "SURVEY_BAD_LINK_LIMIT", 300)):
            return _too_many(request)
        return _unknown(request)
    previous = request.session.get(SESSION_KEY) or {}
    if request.session.session_key:
        # A session that exists gets a new key (no session fixation). Without one (no
        # cookie, or a key the store does not know) the session is made with a fresh
        # key when it is saved: cycling it would write it twice.
        request.session.cycle_key()
    if previous.get("invitation") == invitation.pk:
        state = previous
    else:
        state = {"invitation": invitation.pk, "respondent": "r-" + secrets.token_hex(10)}
    # Sessions from before this key was kept read the open link's response separately.
    state["open"] = invitation.kind == Invitation.Kind.OPEN
    request.session[SESSION_KEY] = state
    # The link shows the survey at once (no redirect: one request less for every
    # respondent); survey-flow.js then puts the survey's own address in the address bar
    # and the history (history.replaceState), so the token stays in neither. It opens
    # a started respondent's survey at their first part with an unanswered question.
    response = _home(request, invitation=invitation)
    response["Referrer-Policy"] = "strict-origin"
    return response


class NoSurvey(Exception):
    """The session holds no (longer an) invitation."""


class Survey:
    """The invitation and response of the session (never of a URL). `invitation`: the
    session's invitation as the link just read it (with RELATED), so it is read once."""

    RELATED = ("assessment__organisation", "assessment__model_version", "layer", "response__layer")

    def __init__(self, request, *, invitation=None):
        state = request.session.get(SESSION_KEY)
        if not state:
            raise NoSurvey
        self.state = state
        if invitation is not None and invitation.pk != state.get("invitation"):
            invitation = None
        if state.get("open"):
            # An open-link respondent: their response brings the link along (one query);
            # before the start there is no response, and the link is read by itself.
            self.response = (
                Response.objects.select_related(
                    "layer",
                    "open_link__assessment__organisation",
                    "open_link__assessment__model_version",
                    "open_link__layer",
                )
                .filter(open_link_id=state["invitation"], respondent=state["respondent"])
                .first()
            )
            if self.response is not None:
                self.invitation = self.response.open_link
                self.assessment = self.invitation.assessment
                self.response.assessment = self.assessment
                return
        # A personal invitation brings its response along (reverse one-to-one).
        self.invitation = invitation or (
            Invitation.objects.select_related(*self.RELATED).filter(pk=state["invitation"]).first()
        )
        if self.invitation is None:
            raise NoSurvey
        self.assessment = self.invitation.assessment
        responses = Response.objects.select_related("layer")
        if self.invitation.kind == Invitation.Kind.PERSONAL:
            self.response = getattr(self.invitation, "response", None)
        elif state.get("open"):
            self.response = None  # looked for above: not started yet
        else:
            self.response = responses.filter(
                open_link=self.invitation, respondent=state["respondent"]
            ).first()
        if self.response is not None:
            self.response.assessment = self.assessment

    @property
    def personal(self):
        return self.invitation.kind == Invitation.Kind.PERSONAL


def _closed_page(request, survey):
    return render(
        request,
        "survey/closed.html",
        {"assessment": survey.assessment},
        status=200 if request.method == "GET" else 409,
    )


def _guard(request, invitation=None):
    """(survey, page to show instead or None)."""
    try:
        survey = Survey(request, invitation=invitation)
    except NoSurvey:
        return None, _unknown(request)
    if survey.assessment.status != Assessment.Status.OPEN:
        return survey, _closed_page(request, survey)
    if survey.response is not None and survey.response.is_submitted:
        return survey, render(
            request, "survey/done.html", {"assessment": survey.assessment, "already": True}
        )
    return survey, None


def _page_url(number, pages):
    if number < 1:
        return reverse("survey") + "?welkom=1"
    if number > pages:
        return reverse("survey_review")
    return reverse("survey_page", args=[number])


@never_cache
@require_http_methods(["GET", "POST"])
def survey_home(request):
    return _home(request)


def _home(request, invitation=None):
    survey, stop = _guard(request, invitation)
    if stop:
        return stop
    assessment = survey.assessment
    # The model's generation is read when first needed: for a fresh respondent by
    # _fresh_parts, along with the parts (one cache round trip for the link).
    shown = 0  # the welcome
    if survey.response is not None and request.method == "GET" and "welkom" not in request.GET:
        if survey.response.current_page >= 1:
            generation = _model_generation(request)
            tracks = collection.survey_tracks(assessment, generation=generation)
            shown = collection.first_open_page(
                response=survey.response, tracks=tracks, generation=generation
            )
            if shown > len(tracks):
                return redirect("survey_review")
    link = None if survey.personal else survey.invitation
    layer = survey.response.layer if survey.response else survey.invitation.layer
    choices = []
    if link is not None and survey.response is None:
        refusal = collection.open_link_refusal(
            link, used=link.link_responses.count(), min_group_size=assessment.min_group_size
        )
        if refusal:
            return _link_refused(request, survey, refusal)
        choices = list(assessment.layers.filter(code__in=link.layers).order_by("order", "pk"))
        if not choices:  # its layers were removed from the assessment since
            return _link_refused(request, survey, "unbound")
        layer = choices[0] if len(choices) == 1 else None
    departments = []
    # The department is chosen once, when the response starts; a started respondent is
    # not asked again (else the welcome would keep asking and never show the parts).
    if link is not None and not link.department and survey.response is None:
        departments = list(assessment.organisation.departments.values_list("name", flat=True))
    form = StartForm(
        request.POST if request.method == "POST" else None,
        layers=choices,
        departments=departments,
        ask_layer=len(choices) > 1,
    )
    if request.method == "POST" and form.is_valid():
        response = survey.response
        if response is None:
            if "layer" in form.fields:
                layer = next(c for c in choices if c.code == form.cleaned_data["layer"])
            department = survey.invitation.department or form.cleaned_data.get("department", "")
            try:
                response = collection.response_start(
                    assessment=assessment,
                    invitation=survey.invitation,
                    respondent=survey.state["respondent"],
                    layer=layer,
                    department=department,
                )
            except collection.OpenLinkRefused as refused:
                return _link_refused(request, survey, refused.reason)
        if response.current_page < 1:
            Response.objects.filter(pk=response.pk, current_page=0).update(current_page=1)
        if request.POST.get("script"):
            # survey-flow.js: the whole survey as one document, at the part to go on with.
            return redirect("survey")
        tracks = collection.survey_tracks(assessment, generation=_model_generation(request))
        return redirect(_page_url(max(response.current_page, 1), len(tracks)))
    ask = "layer" in form.fields or "department" in form.fields
    # With the layer known, every part stands in the same document (survey-flow.js shows
    # one at a time); without the script only the welcome or the part to go on with shows.
    parts = []
    if layer is not None and not ask:
        initial = (
            _initial(survey.response, None, layer, generation=_model_generation(request))
            if survey.response
            else {}
        )
        if initial:  # a resumed respondent sees their own choices
            generation = _model_generation(request)
            tracks = collection.survey_tracks(assessment, generation=generation)
            parts = _doc_parts(assessment, tracks, layer, initial=initial, generation=generation)
        else:  # a fresh respondent gets what every fresh respondent gets
            parts = _fresh_parts(request, assessment, layer)
    generation = _model_generation(request)
    tracks = collection.survey_tracks(assessment, generation=generation)
    # About how long it takes: for the respondent's layer, else the longest they can choose.
    minutes = max(
        (
            collection.survey_minutes(
                assessment=assessment, layer_code=option.code, generation=generation
            )
            for option in ([layer] if layer else choices)
        ),
        default=None,
    )
    return render(
        request,
        "survey/welcome.html",
        {
            "assessment": assessment,
            "form": form,
            "pages": len(tracks),
            "started": survey.response is not None,
            "layer": layer,
            "ask": ask,
            "personal": survey.personal,
            "minutes": minutes,
            "parts": parts,
            "shown": shown if parts else 0,
        },
    )


def _doc_parts(assessment, tracks, layer, *, initial=None, data=None, generation=None):
    """Every part of the survey for one document: its form and blocks per track. With
    `data` (a refused final POST) each part shows what was posted and its errors.
    `generation`: the model's, when the caller has read it already."""
    if generation is None:
        generation = model_generation.current()
    descriptors = _descriptors(assessment, generation)
    parts = []
    for number, track in enumerate(tracks, 1):
        questions = collection.page_questions(
            assessment=assessment, track=track, layer_code=layer.code, generation=generation
        )
        if data is None:
            form = SurveyPageForm(initial=initial, questions=questions, require_all=True)
        else:
            names = _field_names(questions)
            form = SurveyPageForm(
                {name: data[name] for name in names if name in data},
                questions=questions,
                require_all=True,
            )
            form.is_valid()
        blocks = _page_blocks(form, questions, descriptors)
        parts.append(
            {
                "number": number,
                "track": track,
                "pages": len(tracks),
                "percent": round(100 * (number - 1) / len(tracks)),
                "form": form,
                "blocks": blocks,
                "errors": bool(data is not None and form.errors),
                "error_links": _error_summary(blocks) if data is not None and form.errors else [],
            }
        )
    return parts


# The parts of a fresh respondent's survey (nothing chosen yet) are the same for every
# fresh respondent of a layer and language, but for the CSRF token: rendered once and
# kept in the cache (Redis when REDIS_URL is set, so shared by every app server), with
# a placeholder where the token goes, all parts under one key. The key holds what the
# parts show: the model version, the layer, the language and the assessment's horizon;
# a change of the model (track, factor, question, level descriptor) gives a new
# generation (assessments/generation.py), which every app server reads from the cache
# along with the parts (one round trip), so no stale part is ever served. What this
# process keeps of the model (the tracks and questions, collection._structure; the level
# descriptors, _descriptors) follows the same generation, so a change made by another
# process (the admin on another worker, `load_model`) reaches this one too.
FRAGMENT_GENERATION = model_generation.GENERATION_KEY
FRAGMENT_SECONDS = 24 * 3600
CSRF_PLACEHOLDER = "@@survey-csrf-token@@"


def _model_generation(request, found=None):
    """The model's generation for this request: read from the cache once (or taken from
    `found`, a get_many that asked for it along with other keys), then kept on the
    request, so every survey function this request calls sees the same model."""
    generation = getattr(request, "_model_generation", None)
    if generation is None:
        generation = request._model_generation = model_generation.current(found)
    return generation


def _fragment_key(assessment, layer):
    return (
        f"survey-parts:{assessment.model_version_id}:{layer.code}:{get_language()}:"
        f"{assessment.horizon}"
    )


def _fresh_parts(request, assessment, layer):
    """The parts of a fresh respondent's document, from the cache where it has them."""
    key = _fragment_key(assessment, layer)
    if getattr(request, "_model_generation", None) is None:
        found = cache.get_many([FRAGMENT_GENERATION, key])
        generation = _model_generation(request, found)
        kept = found.get(key)
    else:
        generation = _model_generation(request)
        kept = cache.get(key)
    tracks = collection.survey_tracks(assessment, generation=generation)
    if kept is None or kept[0] != generation or len(kept[1]) != len(tracks):
        html = []
        for part in _doc_parts(assessment, tracks, layer, initial={}, generation=generation):
            html.append(
                render_to_string(
                    "survey/_part.html",
                    {
                        **part,
                        "assessment": assessment,
                        "summary": False,
                        "csrf_token": CSRF_PLACEHOLDER,
                    },
                )
            )
        kept = (generation, html)
        cache.set(key, kept, FRAGMENT_SECONDS)
    token = get_token(request)
    return [
        {
            "number": number,
            "track": track,
            "pages": len(tracks),
            "html": mark_safe(html.replace(CSRF_PLACEHOLDER, token)),  # noqa: S308
        }
        for number, (track, html) in enumerate(zip(tracks, kept[1], strict=True), 1)
    ]


def _field_names(questions):
    names = [f"q{question.pk}-{part}" for question in questions for part in ("current", "desired")]
    return names + [f"c{pk}" for pk in dict.fromkeys(question.factor_id for question in questions)]


def _link_refused(request, survey, reason):
    """An open link that starts no new response: full, or without a group and maximum."""
    return render(
        request,
        "survey/link_refused.html",
        {"assessment": survey.assessment, "full": reason == "full"},
        status=200 if request.method == "GET" else 409,
    )


# The level descriptors of a model version, per factor, kept per process under the
# model's generation (assessments/generation.py, in the shared cache): a version in use is
# frozen (spec/domain.md), but a descriptor saved anyway (admin, `load_model`, tests),
# in this process or another, gives a new generation, and the next survey page here
# reads the descriptors again instead of showing the old texts.
_descriptor_cache = {}


def _descriptors(assessment, generation=None):
    """The level descriptors of the assessment's model version by factor id, in level
    order; `generation`: the model's, if the caller read it (else one cache read)."""
    if generation is None:
        generation = model_generation.current()
    version_id = assessment.model_version_id
    kept = _descriptor_cache.get(version_id)
    if kept is not None and kept[0] == generation:
        return kept[1]
    found = {}
    for descriptor in LevelDescriptor.objects.filter(factor__track__version_id=version_id).order_by(
        "factor_id", "level"
    ):
        found.setdefault(descriptor.factor_id, []).append(descriptor)
    if len(_descriptor_cache) > 32:
        _descriptor_cache.clear()
    _descriptor_cache[version_id] = (generation, found)
    return found


def _initial(response, questions, layer=None, *, generation=None):
    """The saved answers, comments and half answers as form data: of `questions`, or
    with None of every question asked of `layer` (the whole survey, of the model's
    `generation`)."""
    if questions is None:
        questions = collection.asked_questions(
            assessment=response.assessment, layer_code=layer.code, generation=generation
        )
        answers = Answer.objects.filter(response=response)
        comments = FactorComment.objects.filter(response=response)
    else:
        answers = Answer.objects.filter(response=response, question__in=questions)
        factor_ids = {question.factor_id for question in questions}
        comments = FactorComment.objects.filter(response=response, factor_id__in=factor_ids)
    initial = {}
    for answer in answers:
        for part in ("current", "desired"):
            value = getattr(answer, part)
            initial[f"q{answer.question_id}-{part}"] = DONT_KNOW if value is None else str(value)
    for comment in comments:
        initial[f"c{comment.factor_id}"] = comment.text
    # Questions of a draft answered on one side only come back as they were given.
    for question in questions:
        for part in ("current", "desired"):
            name = f"q{question.pk}-{part}"
            if name in response.half_answers:
                initial.setdefault(name, response.half_answers[name])
    return initial


def _options(descriptors, field, prefix):
    value = field.value()
    options = [
        {
            "value": str(descriptor.level),
            "id": f"{prefix}-{descriptor.level}",
            "stage": stage_label(descriptor.level),
            "level": descriptor.level,
            "text": descriptor.localised("text"),
            "checked": value == str(descriptor.level),
        }
        for descriptor in descriptors
    ]
    options.append(
        {
            "value": DONT_KNOW,
            "id": f"{prefix}-x",
            "stage": _("Weet ik niet"),
            "level": None,
            "text": "",
            "checked": value == DONT_KNOW,
        }
    )
    return options


def _page_blocks(form, questions, descriptors):
    """Per factor its questions, each with its two radio groups, for the template."""
    blocks = []
    for question in questions:
        if not blocks or blocks[-1]["factor"] != question.factor:
            comment = form[f"c{question.factor_id}"]
            blocks.append(
                {
                    "factor": question.factor,
                    "description": question.factor.localised("description"),
                    "levels": [
                        {
                            "level": descriptor.level,
                            "stage": stage_label(descriptor.level),
                            "text": descriptor.localised("text"),
                        }
                        for descriptor in descriptors.get(question.factor_id, [])
                    ],
                    "questions": [],
                    "comment": comment,
                }
            )
        parts = []
        for part in ("current", "desired"):
            name = f"q{question.pk}-{part}"
            field = form[name]
            parts.append(
                {
                    "part": part,
                    "name": name,
                    "errors": field.errors,
                    "options": _options(descriptors.get(question.factor_id, []), field, name),
                }
            )
        blocks[-1]["questions"].append(
            {
                "question": question,
                "text": question.localised("text"),
                "parts": parts,
                "anchor": f"vraag-{question.pk}",
                "invalid": any(part["errors"] for part in parts),
            }
        )
    return blocks


def _error_summary(blocks):
    """Links to every question and comment with an error, in page order."""
    items = []
    for block in blocks:
        for item in block["questions"]:
            if item["invalid"]:
                items.append({"anchor": item["anchor"], "text": item["text"]})
        if block["comment"].errors:
            items.append(
                {
                    "anchor": f"id_c{block['factor'].pk}",
                    "text": _("Toelichting bij %(factor)s") % {"factor": block["factor"].label},
                }
            )
    return items


def _half(form, questions):
    """The form fields of the questions answered on one side only: {field: value}."""
    found = {}
    for question in questions:
        names = [f"q{question.pk}-{part}" for part in ("current", "desired")]
        given = [name for name in names if form.cleaned_data.get(name)]
        if len(given) == 1:
            found[given[0]] = form.cleaned_data[given[0]]
    return found


def _save(survey, form, questions, next_page):
    return collection.page_save(
        response=survey.response,
        answers=form.answers(),
        comments=form.comments(),
        half=_half(form, questions),
        questions=questions,
        next_page=next_page,
    )


def _page_setup(request, survey, number):
    """(tracks, track, questions) of part `number`; Http404 for a part that is none."""
    generation = _model_generation(request)
    tracks = collection.survey_tracks(survey.assessment, generation=generation)
    if not 1 <= number <= len(tracks):
        raise Http404
    track = tracks[number - 1]
    questions = collection.page_questions(
        assessment=survey.assessment,
        track=track,
        layer_code=survey.response.layer.code,
        generation=generation,
    )
    return tracks, track, questions


@never_cache
@require_http_methods(["GET", "POST"])
def survey_page(request, number):
    survey, stop = _guard(request)
    if stop:
        return stop
    if survey.response is None:
        return redirect("survey")
    assessment = survey.assessment
    tracks, track, questions = _page_setup(request, survey, number)
    action = request.POST.get("action", "next")
    data = request.POST if request.method == "POST" else None
    form = SurveyPageForm(
        data,
        # A posted page shows what was posted; only a fresh page needs the saved answers.
        initial=_initial(survey.response, questions) if request.method == "GET" else {},
        questions=questions,
        require_all=action == "next",
    )
    if request.method == "POST":
        try:
            if form.is_valid():
                target = number - 1 if action == "previous" else number + 1
                _save(survey, form, questions, max(target, 1))
                return redirect(_page_url(target, len(tracks)))
            # "Volgende" on a part not complete yet: what was given is kept all the same
            # (as a draft), and the page asks for the rest.
            draft = SurveyPageForm(data, questions=questions, require_all=False)
            if draft.is_valid():
                _save(survey, draft, questions, number)
        except collection.SubmittedError:
            return redirect("survey")
    descriptors = _descriptors(assessment, _model_generation(request))
    blocks = _page_blocks(form, questions, descriptors)
    return render(
        request,
        "survey/page.html",
        {
            "assessment": assessment,
            "track": track,
            "number": number,
            "pages": len(tracks),
            "percent": round(100 * (number - 1) / len(tracks)),
            "form": form,
            "blocks": blocks,
            "error_links": _error_summary(blocks) if form.errors else [],
            "summary": bool(form.errors),
        },
        status=400 if request.method == "POST" else 200,
    )


def _json(status, **body):
    return JsonResponse(body, status=status)


@never_cache
@require_POST
def survey_save(request, number):
    """A part's draft, saved as it is given (survey-autosave.js): incomplete answers are
    kept, with the validation of the page's POST (values 0–5 or 'weet ik niet', only
    this part's questions, the comment's length). 204 when saved; 400 and nothing saved
    for bad input; 404 without the survey session; 409 once submitted or closed."""
    try:
        survey = Survey(request)
    except NoSurvey:
        return _json(404, error="unknown")
    if survey.assessment.status != Assessment.Status.OPEN:
        return _json(409, error="closed")
    if survey.response is None:
        return _json(409, error="not-started")
    if survey.response.is_submitted:
        return _json(409, error="submitted")
    _tracks, _track, questions = _page_setup(request, survey, number)
    form = SurveyPageForm(request.POST, questions=questions, require_all=False)
    if not form.is_valid():
        return _json(400, error="invalid", fields=sorted(form.errors))
    try:
        _save(survey, form, questions, number)
    except collection.SubmittedError:
        return _json(409, error="submitted")
    return HttpResponse(status=204)


def _respondent(survey):
    """The session's response, started now if the welcome asks nothing (survey-flow.js
    starts the survey without a POST of the welcome): None when the respondent still has
    to choose a layer or department. OpenLinkRefused for a full open link."""
    if survey.response is not None:
        return survey.response
    invitation = survey.invitation
    assessment = survey.assessment
    if survey.personal:
        layer, department = invitation.layer, invitation.department
    else:
        if len(invitation.layers) != 1:
            return None
        if not invitation.department and assessment.organisation.departments.exists():
            return None
        layer = assessment.layers.filter(code=invitation.layers[0]).first()
        department = invitation.department
    if layer is None:
        return None
    response = collection.response_start(
        assessment=assessment,
        invitation=invitation,
        respondent=survey.state["respondent"],
        layer=layer,
        department=department,
    )
    response.assessment = assessment
    survey.response = response
    return response


@never_cache
@require_POST
def survey_save_all(request):
    """The whole survey's draft as it stands (survey-flow.js, debounced on change): the
    fields of every part in one POST, with "deel" the part shown. The validation of a
    part's POST over all parts; 204 when saved; 400 and nothing saved for bad input; 404
    without the survey session; 409 once submitted or closed, or not startable here."""
    if _quick_save(request):
        return HttpResponse(status=204)
    try:
        survey = Survey(request)
    except NoSurvey:
        return _json(404, error="unknown")
    if survey.assessment.status != Assessment.Status.OPEN:
        return _json(409, error="closed")
    if survey.response is not None and survey.response.is_submitted:
        return _json(409, error="submitted")
    if survey.response is not None:
        layer_code = survey.response.layer.code
    elif survey.personal:
        layer_code = survey.invitation.layer.code
    else:
        layer_code = _link_layer(survey)
    generation = _model_generation(request)
    questions = collection.asked_questions(
        assessment=survey.assessment, layer_code=layer_code, generation=generation
    )
    draft = SurveyDraft(request.POST, questions=questions)
    if not draft.is_valid():
        return _json(400, error="invalid", fields=sorted(draft.errors))
    part = _shown_part(request, collection.survey_tracks(survey.assessment, generation=generation))
    try:
        # A response started by this save is written with its answers: one commit.
        with transaction.atomic() if survey.response is None else nullcontext():
            if _respondent(survey) is None:
                return _json(409, error="not-started")
            # Only the questions in the draft are written (a half one loses its full
            # answer).
            collection.page_save(
                response=survey.response,
                answers=draft.answers,
                comments=draft.comments,
                half=draft.half,
                questions=draft.touched,
                next_page=part,
            )
    except collection.OpenLinkRefused:
        return _json(409, error="full")
    except collection.SubmittedError:
        return _json(409, error="submitted")
    _remember_draft(survey)
    return HttpResponse(status=204)


def _shown_part(request, tracks):
    """The part a draft save says is shown ("deel"), from 1 to the review (len(tracks)
    + 1); 1 when it says nothing usable."""
    try:
        return min(max(int(request.POST.get("deel", "1")), 1), len(tracks) + 1)
    except ValueError:
        return 1


# The next draft saves of a response need neither its invitation nor the response read
# first: what they need (the response, its layer, its assessment and model version) is
# kept in the cache, keyed by the session's invitation and respondent (the session is
# the only key, as everywhere in the survey), and the one statement that writes the
# answers checks all of it again (collection.draft_answers_save): a draft response of
# that invitation, layer and assessment, the assessment open on that model version,
# nothing half answered. When anything differs the statement writes nothing and the
# save takes the full path, which gives the answer it always gave.
DRAFT_SECONDS = 3600


def _draft_key(state):
    return f"survey-draft:{state['invitation']}:{state['respondent']}"


def _remember_draft(survey):
    response = survey.response
    cache.set(
        _draft_key(survey.state),
        {
            "response": response.pk,
            "personal": survey.personal,
            "layer": response.layer_id,
            "layer_code": response.layer.code,
            "assessment": survey.assessment.pk,
            "version": survey.assessment.model_version_id,
        },
        DRAFT_SECONDS,
    )


def _quick_save(request):
    """A draft save of whole answers by the short path; False when it takes the full one."""
    if connection.vendor != "postgresql":
        return False
    state = request.session.get(SESSION_KEY)
    if not state or "respondent" not in state:
        return False
    # The model's generation comes along in the same round trip (the full path, if it
    # comes to that, uses it too).
    key = _draft_key(state)
    found = cache.get_many([key, FRAGMENT_GENERATION])
    generation = _model_generation(request, found)
    kept = found.get(key)
    if kept is None:
        return False
    questions = collection.version_questions(
        kept["version"], kept["layer_code"], generation=generation
    )
    draft = SurveyDraft(request.POST, questions=questions)
    if not draft.is_valid() or draft.half or draft.comments or not draft.answers:
        return False
    part = _shown_part(request, collection.version_tracks(kept["version"], generation=generation))
    return collection.draft_answers_save(
        response_id=kept["response"],
        invitation_id=state["invitation"],
        respondent=None if kept["personal"] else state["respondent"],
        layer_id=kept["layer"],
        assessment_id=kept["assessment"],
        version_id=kept["version"],
        answers=draft.answers,
        next_page=part,
    )


def _link_layer(survey):
    """The layer code of an open link that offers one layer; '' when it offers more."""
    layers = survey.invitation.layers
    return layers[0] if len(layers) == 1 else ""


@never_cache
@require_POST
def survey_submit(request):
    """The final POST of the survey as one document (survey-flow.js): every part's
    fields. All answered: saved and submitted, on to the thank-you page. Otherwise
    what was given is kept as a draft and the document comes back at the first part with
    an error (400)."""
    survey, stop = _guard(request)
    if stop:
        return stop
    try:
        response = _respondent(survey)
    except collection.OpenLinkRefused as refused:
        return _link_refused(request, survey, refused.reason)
    if response is None:
        return redirect("survey")
    assessment = survey.assessment
    generation = _model_generation(request)
    tracks = collection.survey_tracks(assessment, generation=generation)
    questions = collection.asked_questions(
        assessment=assessment, layer_code=response.layer.code, generation=generation
    )
    # The common case, every question answered: checked as a draft is (the same rules
    # as the form's, without a form field per answer), saved and submitted in one
    # transaction. Anything else takes the form below, which names what is missing.
    draft = SurveyDraft(request.POST, questions=questions)
    if draft.is_valid() and len(draft.answers) == len(questions):
        factors = dict.fromkeys(question.factor_id for question in questions)
        try:
            with transaction.atomic():
                collection.page_save(
                    response=response,
                    answers=draft.answers,
                    comments={pk: draft.comments.get(pk, "") for pk in factors},
                    questions=questions,
                    next_page=len(tracks) + 1,
                )
                collection.response_submit(response=response)
        except collection.SubmittedError:
            return redirect("survey")
        return redirect("survey_thanks")
    form = SurveyPageForm(request.POST, questions=questions, require_all=True)
    try:
        if form.is_valid():
            _save(survey, form, questions, len(tracks) + 1)
            collection.response_submit(response=response)
            return redirect("survey_thanks")
        draft = SurveyPageForm(request.POST, questions=questions, require_all=False)
        if draft.is_valid():
            _save(survey, draft, questions, response.current_page or 1)
    except collection.SubmittedError:
        return redirect("survey")
    parts = _doc_parts(assessment, tracks, response.layer, data=request.POST, generation=generation)
    shown = next((part["number"] for part in parts if part["errors"]), 1)
    if form.non_field_errors():
        # Fields of another survey: said at the first part.
        parts[0]["errors"] = True
        parts[0]["form"].add_error(None, form.non_field_errors()[0])
        shown = 1
    for part in parts:
        part["errors"] = part["errors"] and part["number"] == shown
    return render(
        request,
        "survey/welcome.html",
        {
            "assessment": assessment,
            "pages": len(tracks),
            "started": True,
            "layer": response.layer,
            "personal": survey.personal,
            "parts": parts,
            "shown": shown,
        },
        status=400,
    )


def _label(value):
    if value is None:
        return _("Weet ik niet")
    return f"{value} · {stage_label(value)}"


@never_cache
@require_http_methods(["GET", "POST"])
def survey_review(request):
    survey, stop = _guard(request)
    if stop:
        return stop
    if survey.response is None:
        return redirect("survey")
    response = survey.response
    assessment = survey.assessment
    generation = _model_generation(request)
    missing = collection.missing_questions(response=response, generation=generation)
    if request.method == "POST" and not missing:
        collection.response_submit(response=response)
        return redirect("survey_thanks")
    tracks = collection.survey_tracks(assessment, generation=generation)
    page_of = {track.pk: index + 1 for index, track in enumerate(tracks)}
    answers = {answer.question_id: answer for answer in Answer.objects.filter(response=response)}
    comments = {
        comment.factor_id: comment.text
        for comment in FactorComment.objects.filter(response=response)
        if comment.text.strip()
    }
    sections = []
    for question in collection.asked_questions(
        assessment=assessment, layer_code=response.layer.code, generation=generation
    ):
        track = question.factor.track
        if not sections or sections[-1]["track"] != track:
            sections.append({"track": track, "page": page_of[track.pk], "rows": [], "comments": []})
        factor = question.factor
        if factor.pk in comments and not any(
            shown["factor"] == factor for shown in sections[-1]["comments"]
        ):
            sections[-1]["comments"].append({"factor": factor, "text": comments[factor.pk]})
        answer = answers.get(question.pk)
        sections[-1]["rows"].append(
            {
                "question": question,
                "text": question.localised("text"),
                "answered": answer is not None,
                "current": _label(answer.current) if answer else "",
                "desired": _label(answer.desired) if answer else "",
            }
        )
    if response.current_page <= len(tracks):
        Response.objects.filter(pk=response.pk).update(current_page=len(tracks) + 1)
    return render(
        request,
        "survey/review.html",
        {
            "assessment": assessment,
            "sections": sections,
            "missing": missing,
            "pages": len(tracks),
            "tried": request.method == "POST",
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
def survey_thanks(request):
    try:
        survey = Survey(request)
    except NoSurvey:
        return _unknown(request)
    if survey.response is None or not survey.response.is_submitted:
        return redirect("survey")
    return render(request, "survey/done.html", {"assessment": survey.assessment})
