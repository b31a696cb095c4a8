"""Survey collection: invitation tokens, e-mails, and writing a respondent's answers.

Tokens: 256 bits from `secrets`; only their sha256 is stored. A personal invitation
gets a fresh token whenever a mail is sent (the invitation and every reminder carry
a working link; an earlier link stops working): the worker that sends the mail makes
it (assessments/outbox.py); queueing a mail changes no token. An open link's token is shown once,
when it is made or renewed.

Writing answers: one page is saved in one transaction, with the response locked
(select_for_update), so a double click, a retry or the back button never writes a
page twice; the database's unique constraints are the last guard. A submitted
response is never changed.
"""

import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import generation as model_generation
from .models import (
    Answer,
    Assessment,
    AssessmentLayer,
    FactorComment,
    Invitation,
    Question,
    Response,
    Track,
)
from .presentation import group_name
from .results import freeze_reporting_groups, groups_now, layer_counts
from .results_sql import keep_factor_sums
from .scoring import ReportingGroup, group_code
from .versions import after_close

TOKEN_BYTES = 32
COMMENT_MAX_LENGTH = 2000

DEFAULT_INVITATION_TEXT = gettext_lazy(
    "Beste collega,\n\n"
    "{organisatie} wil weten hoe ver we zijn met datagedreven werken, en waar we over "
    "een paar jaar willen staan. Daarom vragen we u mee te doen aan de vragenlijst "
    '"{meting}". Het invullen duurt ongeveer {minuten} minuten. U kunt tussendoor stoppen '
    "en later verdergaan met dezelfde link.\n\n"
    "Uw antwoorden zijn vertrouwelijk: niemand ziet wat u persoonlijk antwoordt. "
    "We tonen alleen uitkomsten van groepen van minstens {groepsgrootte} mensen.\n\n"
    "Uw persoonlijke link:\n{link}\n\n"
    "Deel deze link niet met anderen. De vragenlijst sluit op {sluitdatum}.\n\n"
    "Hartelijk dank voor uw hulp!"
)
DEFAULT_REMINDER_TEXT = gettext_lazy(
    "Beste collega,\n\n"
    'Een tijdje geleden vroegen we u de vragenlijst "{meting}" van {organisatie} in '
    "te vullen. We hebben uw antwoorden nog niet ontvangen. Wilt u de vragenlijst nog "
    "invullen? Het duurt ongeveer {minuten} minuten. Bent u al begonnen, dan gaat u verder "
    "waar u was.\n\n"
    "Uw persoonlijke link (de link uit de eerdere e-mail werkt niet meer):\n{link}\n\n"
    "De vragenlijst sluit op {sluitdatum}. Alvast bedankt!"
)
PLACEHOLDERS = (
    "{link}",
    "{organisatie}",
    "{meting}",
    "{sluitdatum}",
    "{groepsgrootte}",
    "{minuten}",
)
# A placeholder as written: "{" and what follows up to a closing brace, or up to the
# first character no placeholder has (so "{link" and "{link {meting}" are caught).
PLACEHOLDER_PATTERN = re.compile(r"\{[^{}\s]{0,40}\}?")
# What one answer (the current or the desired level of one question) takes a respondent
# on average: read the question and the levels once, then tap. It makes {minuten}.
SECONDS_PER_ANSWER = 20


# --- Tokens ----------------------------------------------------------------------------


def token_new():
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token, *, related=("assessment", "layer")):
    """The invitation of a token, or None. Only well-formed tokens reach the database.
    `related`: what to read along with it (select_related)."""
    if not (32 <= len(token) <= 64) or not token.replace("-", "").replace("_", "").isalnum():
        return None
    digest = token_hash(token)
    invitation = Invitation.objects.select_related(*related).filter(token_hash=digest).first()
    if invitation is None or not hmac.compare_digest(invitation.token_hash, digest):
        return None
    return invitation


def invitation_rotate(*, invitation):
    """Give the invitation a new token (the old link stops working); returns the token."""
    token = token_new()
    invitation.token_hash = token_hash(token)
    invitation.save(update_fields=["token_hash"])
    return token


def link_path(token):
    return reverse("survey_link", args=[token])


# --- Open links ------------------------------------------------------------------------

# Small layers at the top of an organisation: their people take part only with a
# personal invitation (issue 12: an open link lets anyone fill in again and again).
PERSONAL_ONLY_LAYERS = ("bestuur", "directie")
# Headcounts beyond this are typing errors, not groups.
MAX_HEADCOUNT = 100_000

PERSONAL_ONLY_MESSAGE = gettext_lazy(
    "Bestuur en directie doen alleen met een persoonlijke uitnodiging mee. Het zijn "
    "kleine groepen: met een open link kan iemand de vragenlijst vaker invullen, en zo "
    "de antwoorden van één collega zichtbaar maken."
)
CHOICE_TOO_SMALL_MESSAGE = gettext_lazy(
    "Zelf de laag kiezen kan alleen in een groep van minstens %(minimum)s mensen (twee "
    "keer de minimale groepsgrootte van %(k)s). In een kleinere groep kan iemand met een "
    "andere laag een kleine laag zo aanvullen dat de antwoorden van één collega zichtbaar "
    "worden. Maak daarom één link per laag."
)
NOT_A_GROUP_MESSAGE = gettext_lazy(
    "Deze lagen vormen nu samen geen rapportagegroep. Kies één laag, of een groep uit de lijst."
)
UNKNOWN_LAYER_MESSAGE = gettext_lazy("Kies een laag of groep uit de lijst.")
HEADCOUNT_MESSAGE = gettext_lazy("Vul het aantal mensen in de groep in (1 tot 100.000).")


class OpenLinkNotAllowed(ValueError):
    """An open link that may not be made like this; the message says why."""


class OpenLinkRefused(Exception):
    """An open link that starts no new response now; `reason`: see open_link_refusal."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


# A respondent chooses a layer only among groups of at least 2k people (scoring.md).
CHOICE_FACTOR = 2


def choice_minimum(assessment):
    """The fewest people in a group whose open link lets the respondent choose the layer."""
    return CHOICE_FACTOR * assessment.min_group_size


def open_link_groups(assessment):
    """The reporting groups as they stand (scoring.ReportingGroup, in layer order): the
    groups an open link may cover (three small queries)."""
    return groups_now(assessment, layer_counts(assessment))


def open_link_problem(*, assessment, layers, headcount, groups=None):
    """Why an open link for these layer codes and this headcount may not be made, as a
    message, or None. `groups`: open_link_groups(), when the caller has them."""
    known = set(assessment.layers.values_list("code", flat=True))
    if not layers or any(code not in known for code in layers):
        return UNKNOWN_LAYER_MESSAGE
    if any(code in PERSONAL_ONLY_LAYERS for code in layers):
        return PERSONAL_ONLY_MESSAGE
    if len(layers) > 1:
        if groups is None:
            groups = open_link_groups(assessment)
        if set(layers) not in [set(group.layers) for group in groups]:
            return NOT_A_GROUP_MESSAGE
    if headcount is None or not 1 <= headcount <= MAX_HEADCOUNT:
        return HEADCOUNT_MESSAGE
    if len(layers) > 1 and headcount < choice_minimum(assessment):
        return CHOICE_TOO_SMALL_MESSAGE % {
            "minimum": choice_minimum(assessment),
            "k": assessment.min_group_size,
        }
    return None


def open_link_create(*, assessment, layers, headcount, department=""):
    """A new open link for one layer, or for the layers of one reporting group among
    which the respondent chooses, with the group's headcount as its maximum of
    responses; returns (invitation, token). The token is not stored: show it now."""
    layers = list(layers)
    problem = open_link_problem(assessment=assessment, layers=layers, headcount=headcount)
    if problem:
        raise OpenLinkNotAllowed(str(problem))
    order = dict(assessment.layers.values_list("code", "order"))
    token = token_new()
    invitation = Invitation.objects.create(
        assessment=assessment,
        kind=Invitation.Kind.OPEN,
        layers=sorted(layers, key=order.get),
        headcount=headcount,
        department=department,
        token_hash=token_hash(token),
    )
    return invitation, token


def open_link_name(link, names):
    """What an open link is for: its layer, or its group's layers ("Management & beleid"),
    or '' for a link made before links were bound to a group. `names`: layer names."""
    if not link.layers:
        return names.get(link.layer.code, "") if link.layer_id else ""
    group = ReportingGroup(code=group_code(link.layers), layers=tuple(link.layers))
    return group_name(group, names)


def open_link_refusal(link, *, used, min_group_size):
    """Why an open link starts no new response now, or '' when it does. `used`: its
    responses, started or submitted.
    - 'unbound': made before links had a group and a maximum (no headcount), or it lets
      the respondent choose while its group is under 2k (k was raised since);
    - 'full': as many responses as its group has people."""
    if link.headcount is None or not link.layers:
        return "unbound"
    if len(link.layers) > 1 and link.headcount < CHOICE_FACTOR * min_group_size:
        return "unbound"
    if used >= link.headcount:
        return "full"
    return ""


@dataclass(frozen=True)
class OpenLinkOverflow:
    """A reporting group with more submitted open-link responses than its headcount."""

    group: str  # the group's code (its layer codes joined by '+')
    layers: tuple[str, ...]
    responses: int  # submitted through an open link
    headcount: int  # the sum of the headcounts of the open links covering its layers


def open_link_overflow(assessment, groups=None):
    """The reporting groups (as they stand; frozen once the assessment is closed) whose
    submitted open-link responses exceed the headcount of the open links that cover
    their layers: the sum of those links' headcounts, a link over layers of several
    groups counting in full for each. A link made before links had a maximum counts
    0: its responses cannot be vouched for. In group order; three queries, two when
    the caller has the groups (the results' groups: the same ones)."""
    submitted, via_link = {}, {}
    for code, n, linked in (
        Response.objects.filter(assessment=assessment, status=Response.Status.SUBMITTED)
        .values("layer__code")
        .annotate(n=Count("pk"), linked=Count("open_link"))
        .values_list("layer__code", "n", "linked")
        .order_by()
    ):
        submitted[code] = n
        via_link[code] = linked
    if groups is None:
        codes = AssessmentLayer.objects.filter(assessment=assessment).order_by("order", "pk")
        counts = {code: submitted.get(code, 0) for code in codes.values_list("code", flat=True)}
        groups = groups_now(assessment, counts)
    links = list(
        Invitation.objects.filter(assessment=assessment, kind=Invitation.Kind.OPEN).values_list(
            "layers", "headcount"
        )
    )
    found = []
    for group in groups:
        responses = sum(via_link.get(code, 0) for code in group.layers)
        headcount = sum(
            headcount or 0 for layers, headcount in links if set(layers) & set(group.layers)
        )
        if responses > headcount:
            found.append(
                OpenLinkOverflow(
                    group=group.code,
                    layers=tuple(group.layers),
                    responses=responses,
                    headcount=headcount,
                )
            )
    return found


def unusable_token_hash():
    """A hash no one holds the token of: a personal invitation before its mail is sent."""
    return token_hash(token_new())


# --- E-mail ----------------------------------------------------------------------------


def invitation_text(assessment):
    return assessment.invitation_text or str(DEFAULT_INVITATION_TEXT)


def reminder_text(assessment):
    return assessment.reminder_text or str(DEFAULT_REMINDER_TEXT)


def survey_minutes(*, assessment, layer_code, generation=None):
    """About how many minutes the survey takes this layer: its questions, two answers
    each, rounded up to a whole minute."""
    questions = len(
        asked_questions(assessment=assessment, layer_code=layer_code, generation=generation)
    )
    return max(1, math.ceil(questions * 2 * SECONDS_PER_ANSWER / 60))


def mail_body(text, *, assessment, link, minutes=None):
    closes = (
        formats.date_format(assessment.closes_on, "j F Y")
        if assessment.closes_on
        else _("het einde van de meting")
    )
    values = {
        "{organisatie}": assessment.organisation.name,
        "{meting}": assessment.name,
        "{sluitdatum}": closes,
        "{groepsgrootte}": str(assessment.min_group_size),
    }
    if minutes is not None:
        values["{minuten}"] = str(minutes)
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    if "{link}" not in text:
        text = f"{text.rstrip()}\n\n{{link}}"
    return text.replace("{link}", link)


def placeholder_problems(text):
    """What is wrong with the placeholders of a mail text, as messages ([] when nothing):
    a placeholder not in PLACEHOLDERS ({naam}), a brace left open ({link) or a closing
    one alone, then which ones are known; and {link} missing."""
    problems = []
    unknown = []
    for found in PLACEHOLDER_PATTERN.finditer(text):
        word = found.group(0)
        if not word.endswith("}"):
            problems.append(
                _("Een accolade staat niet goed bij “%(text)s”.") % {"text": word.strip()[:40]}
            )
        elif word not in PLACEHOLDERS and word not in unknown:
            unknown.append(word)
    if unknown:
        problems.append(_("Onbekend: %(unknown)s.") % {"unknown": ", ".join(unknown)})
    if "}" in PLACEHOLDER_PATTERN.sub("", text):
        problems.append(_("Er staat een losse sluitaccolade “}” in de tekst."))
    if problems:
        problems.append(
            _("Tussen accolades kan alleen: %(known)s.") % {"known": ", ".join(PLACEHOLDERS)}
        )
    if "{link}" not in text:
        problems.append(_("De tekst moet {link} bevatten: daar komt de persoonlijke link."))
    return problems


def invitations_to_mail(*, assessment, resend=False):
    """The personal invitations an invitation mail goes to: those not mailed yet (all
    of them with `resend`)."""
    invitations = Invitation.objects.filter(assessment=assessment, kind=Invitation.Kind.PERSONAL)
    return invitations if resend else invitations.filter(sent_at__isnull=True)


def invitations_to_remind(*, assessment):
    """The invited people who have not submitted (started or not)."""
    return Invitation.objects.filter(
        assessment=assessment, kind=Invitation.Kind.PERSONAL, sent_at__isnull=False
    ).exclude(response__status=Response.Status.SUBMITTED)


def invitations_send(*, assessment, base_url, resend=False):
    """Queue the invitation mail for the personal invitations not mailed yet (all of
    them with `resend`); the worker sends them (assessments/outbox.py). Returns the
    number queued."""
    from . import outbox

    invitations = invitations_to_mail(assessment=assessment, resend=resend)
    return outbox.queue(assessment, invitations, outbox.Kind.INVITATION, base_url)


def reminders_send(*, assessment, base_url):
    """Queue a reminder for the invited people who have not submitted (started or not);
    the worker sends them. Returns the number queued."""
    from . import outbox

    invitations = invitations_to_remind(assessment=assessment)
    return outbox.queue(assessment, invitations, outbox.Kind.REMINDER, base_url)


# --- Status ----------------------------------------------------------------------------

TRANSITIONS = {
    "open": ("draft", "open"),
    "close": ("open", "closed"),
}


def assessment_set_status(*, assessment, action):
    """draft → open → closed; returns False when the step is not allowed now."""
    if action not in TRANSITIONS:
        return False
    source, target = TRANSITIONS[action]
    if assessment.status != source:
        return False
    assessment.status = target
    if target == "closed":
        assessment.closed_at = timezone.now()
    assessment.save(update_fields=["status", "closed_at"])
    if target == "closed":
        # Results of a closed assessment never change: its grouping is fixed now.
        freeze_reporting_groups(assessment)
        # After a reopen: may viewers see the new version? (scoring.md, Versions)
        after_close(assessment)
    return True


# --- The survey's structure ------------------------------------------------------------

# Tracks and questions of a model version, kept per process under the model's generation
# (assessments/generation.py, in the shared cache): a version that an assessment uses is
# frozen (spec/domain.md), but a track, factor or question saved anyway (the admin on any
# worker, `load_model`, tests) gives a new generation, and the next request here reads
# them again instead of asking the old questions. `generation`: the model's generation
# as the caller read it (a survey view reads it once per request); without it each call
# reads it from the cache (management commands, the mail worker).
_structures = {}


def _structure(version_id, generation=None):
    if generation is None:
        generation = model_generation.current()
    kept = _structures.get(version_id)
    if kept is not None and kept[0] == generation:
        return kept[1]
    tracks = list(Track.objects.filter(version_id=version_id).order_by("order"))
    questions = list(
        Question.objects.filter(version_id=version_id)
        .select_related("factor__track")
        .order_by("factor__track__order", "factor__order", "order")
    )
    if len(_structures) > 32:
        _structures.clear()
    _structures[version_id] = (generation, (tracks, questions))
    return tracks, questions


def survey_tracks(assessment, *, generation=None):
    """The tracks of the assessment's model, in order: one page each."""
    return version_tracks(assessment.model_version_id, generation=generation)


def page_questions(*, assessment, track, layer_code, generation=None):
    """The track's questions asked of this layer, with their factors, in order."""
    return [
        question
        for question in _structure(assessment.model_version_id, generation)[1]
        if question.factor.track_id == track.pk and question.is_asked_of(layer_code)
    ]


def version_tracks(version_id, *, generation=None):
    """The tracks of a model version, in order (the survey's draft save knows the
    version without reading the assessment)."""
    return _structure(version_id, generation)[0]


def version_questions(version_id, layer_code, *, generation=None):
    """The questions of a model version asked of a layer, in order."""
    return [
        question
        for question in _structure(version_id, generation)[1]
        if question.is_asked_of(layer_code)
    ]


def asked_questions(*, assessment, layer_code, generation=None):
    """The questions of the assessment's model asked of this layer, in order."""
    return version_questions(assessment.model_version_id, layer_code, generation=generation)


# --- Writing ---------------------------------------------------------------------------


class SubmittedError(Exception):
    """The response was submitted already: nothing may change."""


def response_start(*, assessment, invitation, respondent, layer, department):
    """The respondent's response, created once. `respondent` is the pseudonymous id
    the session holds, so a double click finds the same response (unique per
    assessment) instead of making a second one. An open link starts a new response
    only while it has room (open_link_refusal); else OpenLinkRefused."""
    if invitation.kind == Invitation.Kind.OPEN:
        return _open_link_response_start(
            assessment=assessment,
            link=invitation,
            respondent=respondent,
            layer=layer,
            department=department,
        )
    found = Response.objects.filter(invitation=invitation).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            response, _created = Response.objects.get_or_create(
                assessment=assessment,
                respondent=respondent,
                defaults={"layer": layer, "department": department, "invitation": invitation},
            )
    except IntegrityError:
        # A concurrent request created it first (same respondent or same invitation).
        response = Response.objects.get(invitation=invitation, assessment=assessment)
    return response


def _open_link_response_start(*, assessment, link, respondent, layer, department):
    if layer.code not in link.layers:
        raise ValueError(f"layer {layer.code} is not on this open link")
    with transaction.atomic():
        # The link's row lock makes concurrent starts on one link wait for each other,
        # so the count below cannot be passed by two requests that both saw room for
        # one more. The same respondent's double click finds its response after the wait.
        locked = Invitation.objects.select_for_update().get(pk=link.pk)
        found = Response.objects.filter(assessment=assessment, respondent=respondent).first()
        if found is not None:
            return found
        used = Response.objects.filter(open_link=locked).count()
        reason = open_link_refusal(locked, used=used, min_group_size=assessment.min_group_size)
        if reason:
            raise OpenLinkRefused(reason)
        try:
            with transaction.atomic():
                return Response.objects.create(
                    assessment=assessment,
                    respondent=respondent,
                    open_link=locked,
                    layer=layer,
                    department=department,
                )
        except IntegrityError:
            # Without row locks (SQLite) a double click can still arrive here second.
            return Response.objects.get(assessment=assessment, respondent=respondent)


def page_save(*, response, answers, comments, questions, next_page, half=None):
    """Write one page, as a draft save or on "volgende": `answers` maps question id to
    (current, desired) for the questions answered twice (None = "weet ik niet"); the
    page's other questions lose their answer. `half` maps the form field of a question
    answered on one side only to its value ("q12-current": "3"): kept apart, never
    scored, so a draft comes back as it was given. `comments` maps factor id to text
    ('' removes it). One transaction; a submitted response raises SubmittedError."""
    question_ids = [question.pk for question in questions]
    page_fields = {f"q{pk}-{part}" for pk in question_ids for part in ("current", "desired")}
    half = {key: value for key, value in (half or {}).items() if key in page_fields}
    draft = Response.objects.filter(pk=response.pk, status=Response.Status.DRAFT)
    unanswered = [pk for pk in question_ids if pk not in answers]
    if (
        connection.vendor == "postgresql"
        and answers
        and not comments
        and not unanswered
        and not half
        and not page_fields & set(response.half_answers)
    ):
        # The common draft save (whole answers only): the guarded UPDATE and the upsert
        # in one statement, so without BEGIN and COMMIT around them.
        _answers_upsert(response, answers, next_page)
        response.current_page = next_page
        return response
    with transaction.atomic():
        if half or page_fields & set(response.half_answers):
            # The row lock makes a second save or a submit of the same response wait for
            # this one; the status filter refuses a submitted response.
            kept = draft.select_for_update().values_list("half_answers", flat=True).first()
            if kept is None:
                raise SubmittedError
            merged = {key: value for key, value in kept.items() if key not in page_fields}
            merged.update(half)
            draft.update(current_page=next_page, updated_at=timezone.now(), half_answers=merged)
        else:
            # Nothing half on this page, before or now (the common case): the conditional
            # UPDATE alone locks the row and refuses a submitted response.
            merged = response.half_answers
            if not draft.update(current_page=next_page, updated_at=timezone.now()):
                raise SubmittedError
        if unanswered:
            Answer.objects.filter(response_id=response.pk, question_id__in=unanswered).delete()
        if answers:
            Answer.objects.bulk_create(
                [
                    Answer(
                        response_id=response.pk, question_id=pk, current=current, desired=desired
                    )
                    for pk, (current, desired) in answers.items()
                ],
                update_conflicts=True,
                unique_fields=["response", "question"],
                update_fields=["current", "desired"],
            )
        empty = [factor_id for factor_id, text in comments.items() if not text]
        if empty:
            FactorComment.objects.filter(response_id=response.pk, factor_id__in=empty).delete()
        written = [
            FactorComment(response_id=response.pk, factor_id=factor_id, text=text)
            for factor_id, text in comments.items()
            if text
        ]
        if written:
            FactorComment.objects.bulk_create(
                written,
                update_conflicts=True,
                unique_fields=["response", "factor"],
                update_fields=["text"],
            )
    response.current_page = next_page
    response.half_answers = merged
    return response


def _guarded_upsert(*, conditions, condition_params, answers, next_page, response_id):
    """PostgreSQL, one statement (its own transaction: both or neither): move the draft
    response `response_id` on to `next_page` where it still meets `conditions` (SQL on
    the response's columns, with `condition_params`), and upsert `answers` (question id
    → (current, desired)) for it. The upsert joins the UPDATE's rows, so nothing is
    written when the response no longer qualifies. True when it did."""
    response_table = Response._meta.db_table
    answer_table = Answer._meta.db_table
    ids = list(answers)
    sql = f"""
        WITH guard AS (
            UPDATE {response_table} SET current_page = %s, updated_at = %s
            WHERE id = %s AND status = %s {conditions}
            RETURNING id
        ), upsert AS (
            INSERT INTO {answer_table} (response_id, question_id, current, desired)
            SELECT guard.id, given.question_id, given.current, given.desired
            FROM guard, unnest(%s::bigint[], %s::smallint[], %s::smallint[])
                AS given (question_id, current, desired)
            ON CONFLICT (response_id, question_id)
            DO UPDATE SET current = EXCLUDED.current, desired = EXCLUDED.desired
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM guard), (SELECT count(*) FROM upsert)
    """
    params = [
        next_page,
        timezone.now(),
        response_id,
        Response.Status.DRAFT.value,
        *condition_params,
        ids,
        [answers[pk][0] for pk in ids],
        [answers[pk][1] for pk in ids],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        updated, _written = cursor.fetchone()
    return bool(updated)


def _answers_upsert(response, answers, next_page):
    """PostgreSQL: the draft's UPDATE (which locks the response row and refuses a
    submitted one, as in page_save's transaction) and the upsert of its answers as one
    statement. SubmittedError when the response is no longer a draft (then no answer
    is written)."""
    if not _guarded_upsert(
        conditions="",
        condition_params=[],
        answers=answers,
        next_page=next_page,
        response_id=response.pk,
    ):
        raise SubmittedError


def draft_answers_save(
    *,
    response_id,
    invitation_id,
    respondent,
    layer_id,
    assessment_id,
    version_id,
    answers,
    next_page,
):
    """PostgreSQL: a draft save of whole answers in one statement, without reading the
    response first. It writes only when the response is still a draft of this personal
    invitation (respondent None) or of this open link and respondent, of this layer and
    assessment, with nothing half answered, and the assessment is open on this model
    version. True when written; False (nothing written) otherwise."""
    assessment_table = Assessment._meta.db_table
    if respondent is None:
        owner, owner_params = "invitation_id = %s", [invitation_id]
    else:
        owner, owner_params = "open_link_id = %s AND respondent = %s", [invitation_id, respondent]
    conditions = f"""AND {owner} AND layer_id = %s
                AND assessment_id = %s AND half_answers = '{{}}'::jsonb
                AND EXISTS (
                    SELECT 1 FROM {assessment_table}
                    WHERE id = %s AND status = %s AND model_version_id = %s
                )"""
    return _guarded_upsert(
        conditions=conditions,
        condition_params=[
            *owner_params,
            layer_id,
            assessment_id,
            assessment_id,
            Assessment.Status.OPEN.value,
            version_id,
        ],
        answers=answers,
        next_page=next_page,
        response_id=response_id,
    )


def first_open_page(*, response, tracks, generation=None):
    """The number of the first page with a question not answered (twice) yet, or
    len(tracks) + 1 (the review) when every asked question is answered. One query."""
    answered = set(Answer.objects.filter(response=response).values_list("question_id", flat=True))
    number = {track.pk: index + 1 for index, track in enumerate(tracks)}
    for question in asked_questions(
        assessment=response.assessment, layer_code=response.layer.code, generation=generation
    ):
        if question.pk not in answered:
            return number[question.factor.track_id]
    return len(tracks) + 1


def missing_questions(*, response, generation=None):
    """The asked questions the respondent has not answered yet, in order."""
    answered = set(Answer.objects.filter(response=response).values_list("question_id", flat=True))
    return [
        question
        for question in asked_questions(
            assessment=response.assessment, layer_code=response.layer.code, generation=generation
        )
        if question.pk not in answered
    ]


def response_submit(*, response):
    """Submit once. Returns True when it was submitted now, False when it already was."""
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.is_submitted:
            return False
        locked.status = Response.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        # Saving a submitted response drops the kept results (results._response_saved).
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        keep_factor_sums(Response.objects.filter(pk=locked.pk))
    return True


# --- Monitor ---------------------------------------------------------------------------

# The monitor's counts that say who takes part. Invitations are the organisation's own
# knowledge; these are not, below k (spec/scoring.md, Privacy).
PRIVATE_COUNTS = ("started", "submitted", "personal_submitted")


def _line(label, invited, started, submitted, personal_submitted):
    # Response rate = submitted personal invitations / personal invitations. Open-link
    # respondents have no "invited" number, so they only count, never make a rate.
    return {
        "label": label,
        "invited": invited,
        "started": started,
        "submitted": submitted,
        "personal_submitted": personal_submitted,
        "percent": round(100 * personal_submitted / invited) if invited else None,
    }


def _sum_lines(label, lines):
    keys = ("invited", "started", "submitted", "personal_submitted")
    return _line(label, *(sum(line[key] for line in lines) for key in keys))


def _masked(value, k):
    return value if value >= k else f"< {k}"


def _private_rows(rows, k):
    """Rows as a viewer sees them: every private count under k shown as "< k", and the
    response rate only where the submitted personal invitations it comes from are shown."""
    return [
        {
            **row,
            **{key: _masked(row[key], k) for key in PRIVATE_COUNTS},
            "percent": row["percent"] if row["personal_submitted"] >= k else None,
            "rate_hidden": row["personal_submitted"] < k and bool(row["invited"]),
        }
        for row in rows
    ]


def _hidden(rows, key, k):
    return [row[key] for row in rows if row[key] < k]


def private_count(parts, k):
    """A total over the parts of a split (the counts per reporting group) as a viewer sees
    it: "< k" under k; exact from k on, unless the parts under k hold fewer than k
    together, when total minus the shown parts would be their sum: then "≥ the shown
    parts' sum", which the parts say anyway."""
    total = sum(parts)
    hidden = [n for n in parts if n < k]
    if total < k:
        return f"< {k}"
    if hidden and sum(hidden) < k:
        return f"≥ {total - sum(hidden)}"
    return total


def viewer_submitted(assessments):
    """{assessment id: its submitted respondents as the response monitor's total shows
    them to a viewer} for a list of assessments (two queries for all of them)."""
    ids = [assessment.pk for assessment in assessments]
    if not ids:
        return {}
    sizes = {
        (assessment_id, code): n
        for assessment_id, code, n in Response.objects.filter(
            assessment_id__in=ids, status=Response.Status.SUBMITTED
        )
        .values("assessment_id", "layer__code")
        .annotate(n=Count("pk"))
        .values_list("assessment_id", "layer__code", "n")
        .order_by()
    }
    codes = {}
    for assessment_id, code in (
        AssessmentLayer.objects.filter(assessment_id__in=ids)
        .order_by("order", "pk")
        .values_list("assessment_id", "code")
    ):
        codes.setdefault(assessment_id, []).append(code)
    shown = {}
    for assessment in assessments:
        counts = {
            code: sizes.get((assessment.pk, code), 0) for code in codes.get(assessment.pk, [])
        }
        parts = [sum(counts[c] for c in g.layers) for g in groups_now(assessment, counts)]
        shown[assessment.pk] = private_count(parts, assessment.min_group_size)
    return shown


def _safe(rows, key, k):
    """True when the total of this column gives no hidden count away: none is hidden, or
    the hidden ones hold at least k together (total minus the shown ones is their sum)."""
    hidden = _hidden(rows, key, k)
    return not hidden or sum(hidden) >= k


def _private_total(total, group_rows, k):
    """The organisation's total as a viewer sees it (private_count over the groups)."""
    shown = {**total}
    for key in PRIVATE_COUNTS:
        shown[key] = private_count([row[key] for row in group_rows], k)
    # The rate of the total only where its count of submitted invitations is exact.
    released = isinstance(shown["personal_submitted"], int)
    shown["percent"] = total["percent"] if released else None
    shown["rate_hidden"] = not released and bool(total["invited"])
    return shown


def _departments_private(group_rows, department_rows, k):
    """Whether a viewer may see the rows per department. Departments and groups are two
    splits of the same people, so both must keep the hidden counts hidden:
    - per column, the hidden departments hold 0 or at least k together;
    - where the total is not given exactly (the hidden groups hold under k), some
      department is hidden too, else the departments' sum would give the total."""
    for key in PRIVATE_COUNTS:
        if not _safe(department_rows, key, k):
            return False
        if not _safe(group_rows, key, k) and not _hidden(department_rows, key, k):
            return False
    return True


def _personal_and_open(total, personal_started):
    """The total in its own two lines: personal invitations (with the response rate, the
    only one there is) and open-link respondents (counts only: nobody knows how many got
    the link). Empty when no one answered through an open link."""
    open_started = total["started"] - personal_started
    open_submitted = total["submitted"] - total["personal_submitted"]
    if not open_submitted and not open_started:
        return []
    personal = {
        **_line(_("Persoonlijk uitgenodigd"), total["invited"], 0, 0, 0),
        "started": personal_started,
        "submitted": total["personal_submitted"],
        "personal_submitted": total["personal_submitted"],
        "percent": total["percent"],
    }
    opened = {
        **_line(_("Via een open link"), 0, 0, 0, 0),
        "started": open_started,
        "submitted": open_submitted,
        "percent": None,
    }
    return [personal, opened]


def _private_split(split, shown_total, k):
    """The personal/open-link lines as a viewer sees them. Per count: exact only where
    the total is exact and neither line is under k (but above 0), else one line would
    be the total minus the other; such a count shows as "–". No lines at all while the
    submitted counts cannot be shown."""
    if not split:
        return []
    lines = [dict(line) for line in split]
    for key in ("started", "submitted"):
        values = [line[key] for line in split]
        safe = isinstance(shown_total[key], int) and not any(0 < v < k for v in values)
        if not safe:
            if key == "submitted":
                return []
            for line in lines:
                line[key] = None
    lines[0]["percent"] = shown_total["percent"]
    return lines


def response_monitor(assessment, *, private=False):
    """Counts per layer and per department: invited, started, submitted. Never answers.

    `private` (a viewer, not the consultant): rows per reporting group instead of per
    layer, and no count of people who started or submitted under k, nor a way to work
    one out from the totals (spec/scoring.md, Privacy). Invitation counts stay: the
    organisation knows whom it invited."""
    k = assessment.min_group_size
    layers = list(assessment.layers.order_by("order", "pk"))
    invited = dict(
        Invitation.objects.filter(assessment=assessment, kind=Invitation.Kind.PERSONAL)
        .values("layer_id")
        .annotate(n=Count("pk"))
        .values_list("layer_id", "n")
    )
    invited_by_department = dict(
        Invitation.objects.filter(assessment=assessment, kind=Invitation.Kind.PERSONAL)
        .values("department")
        .annotate(n=Count("pk"))
        .values_list("department", "n")
    )
    counts = {}
    by_department = {}
    personal_started = 0
    rows = (
        Response.objects.filter(assessment=assessment)
        .values("layer_id", "department", "status")
        .annotate(n=Count("pk"), personal=Count("invitation"))
        .order_by()
    )
    for row in rows:
        key = (row["layer_id"], row["status"])
        counts[key] = counts.get(key, 0) + row["n"]
        department = by_department.setdefault(
            row["department"], {"draft": 0, "submitted": 0, "personal": 0}
        )
        department[row["status"]] += row["n"]
        if row["status"] == Response.Status.DRAFT:
            personal_started += row["personal"]
        if row["status"] == Response.Status.SUBMITTED:
            counts[(row["layer_id"], "personal")] = (
                counts.get((row["layer_id"], "personal"), 0) + row["personal"]
            )
            department["personal"] += row["personal"]

    layer_rows = [
        _line(
            layer.label,
            invited.get(layer.pk, 0),
            counts.get((layer.pk, "draft"), 0),
            counts.get((layer.pk, "submitted"), 0),
            counts.get((layer.pk, "personal"), 0),
        )
        for layer in layers
    ]
    names = sorted(set(by_department) | set(invited_by_department), key=lambda n: (n == "", n))
    department_rows = [
        _line(
            name or _("Geen afdeling"),
            invited_by_department.get(name, 0),
            by_department.get(name, {}).get("draft", 0),
            by_department.get(name, {}).get("submitted", 0),
            by_department.get(name, {}).get("personal", 0),
        )
        for name in names
    ]
    total = _sum_lines(_("Totaal"), layer_rows)
    split = _personal_and_open(total, personal_started)
    if not private:
        return {
            "layers": layer_rows,
            "departments": department_rows,
            "total": total,
            "split": split,
        }

    row_of = {layer.code: row for layer, row in zip(layers, layer_rows, strict=True)}
    submitted = {layer.code: row_of[layer.code]["submitted"] for layer in layers}
    names_of = {layer.code: layer.label for layer in layers}
    group_rows = [
        _sum_lines(group_name(group, names_of), [row_of[code] for code in group.layers])
        for group in groups_now(assessment, submitted)
    ]
    departments_shown = _departments_private(group_rows, department_rows, k)
    shown_total = _private_total(total, group_rows, k)
    return {
        "private": True,
        "groups": _private_rows(group_rows, k),
        "split": _private_split(split, shown_total, k),
        "departments": _private_rows(department_rows, k) if departments_shown else [],
        "departments_hidden": bool(department_rows) and not departments_shown,
        "total": shown_total,
    }
