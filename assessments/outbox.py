"""The outbox: invitations and reminders are rows (OutboxMessage) that a worker sends.

A request (or `send_invitations`) only queues rows, one per mail, and wakes the worker
(assessments/tasks.py, Django's task framework with its database backend). The worker
drains the queue in chunks:

1. **Claim** a chunk: queued rows whose time has come become "sending" under a claim
   id of this run. On PostgreSQL the rows are picked with SELECT … FOR UPDATE SKIP
   LOCKED, so several workers take different chunks without waiting; on SQLite one
   UPDATE … WHERE status='queued' AND pk IN (…) does it (SQLite has one writer at a
   time, and the status condition lets only one claim win a row).
2. **Hand over**, per mail: a fresh token is made and its hash stored, and `handed_at`
   stamped, in one transaction, only while the claim still holds. This is the only
   place a personal invitation's token is rotated for a mail. A row that is still
   "sending" without `handed_at` has not reached SMTP and cannot have been sent.
3. **Send** through one SMTP connection per chunk.
4. **Mark** the row sent and stamp the invitation (`sent_at` or `reminded_at`) in one
   transaction.

Failures. When the server refuses a mail with a 4xx code, or the connection cannot be
opened, the mail has not gone out: the earlier token is put back (the invitee's earlier
link keeps working) and the row goes back to the queue with backoff (1, 2, 4, 8 minutes;
failed after MAX_ATTEMPTS). A 5xx refusal (a bad address) fails at once with the reason.

At most once. Any other error while a mail is being handed to SMTP (the connection
drops, a timeout, the worker is killed) leaves it unknown whether the server took the
mail. Such a row is marked failed with that reason and never sent again by itself: the
consultant sees it and may press "opnieuw proberen". We chose at-most-once because a
second mail with a second token silently breaks the first link, and a person who
receives two invitations distrusts both; a failure on screen with a retry button costs
one click. A worker killed between claim and hand-over loses nothing: after
SENDING_TIMEOUT its rows go back to the queue (they cannot have been sent); every run
that ends while rows are held leaves a task for that moment, so this needs no click. A worker
killed between hand-over and the mark leaves a row "sending" with `handed_at`: after
SENDING_TIMEOUT it becomes failed ("onderbroken"), not sent again. If that slow worker
does finish after all, its mark still turns the row into "sent".
"""

import smtplib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Invitation, OutboxMessage

CHUNK = 20  # mails claimed at once by one worker (one SMTP connection)
MAX_ATTEMPTS = 5  # temporary failures before a mail is failed for good
BACKOFF_SECONDS = 60  # first wait after a temporary failure; doubles each attempt
SENDING_TIMEOUT = timedelta(minutes=15)  # longer than a chunk can take (EMAIL_TIMEOUT)
MAX_WORKERS = 4  # tasks woken for one large queue: more workers may each take chunks
FAILED_SHOWN = 50  # failed mails listed on the invitations page
PREVIEW_LINK = "/v/voorbeeldlink/"  # the link shown in a preview: never a real token

Status = OutboxMessage.Status
Kind = OutboxMessage.Kind
OPEN_STATUSES = (Status.QUEUED, Status.SENDING)


# --- Queueing (the request's side) -------------------------------------------------------


def queue(assessment, invitations, kind, base_url):
    """Queue one mail of `kind` (OutboxMessage.Kind, "invitation" or "reminder") to each
    of `invitations` (personal Invitations of `assessment`: a queryset or a list) with
    links on `base_url`, and wake the worker. An invitee with a mail of this kind
    already queued or being sent gets no second one; a failed one is queued again.
    Returns the number of mails queued. A handful of queries, whatever the number."""
    now = timezone.now()
    if hasattr(invitations, "values_list"):
        ids = list(invitations.values_list("pk", flat=True))
    else:
        ids = [invitation.pk for invitation in invitations]
    if not ids:
        return 0
    mine = OutboxMessage.objects.filter(assessment=assessment, kind=kind)
    with transaction.atomic():
        retried = _requeue(mine.filter(status=Status.FAILED, invitation_id__in=ids), base_url)
        busy = set(
            mine.filter(status__in=OPEN_STATUSES, invitation_id__in=ids).values_list(
                "invitation_id", flat=True
            )
        )
        new = [
            OutboxMessage(
                assessment=assessment,
                invitation_id=pk,
                kind=kind,
                base_url=base_url,
                queued_at=now,
                next_attempt_at=now,
            )
            for pk in ids
            if pk not in busy
        ]
        # A concurrent click may have queued some of them: the constraint keeps one.
        OutboxMessage.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    count = retried + len(new)
    wake(count)
    return count


def would_queue(invitations, kind):
    """How many mails queue() would queue now to `invitations` (a queryset): all but
    those with a mail of this kind already queued or being sent."""
    waiting = OutboxMessage.objects.filter(kind=kind, status__in=OPEN_STATUSES)
    return invitations.exclude(pk__in=waiting.values("invitation_id")).count()


def _requeue(rows, base_url=None):
    now = timezone.now()
    changes = {
        "status": Status.QUEUED,
        "attempts": 0,
        "queued_at": now,
        "next_attempt_at": now,
        "claim": "",
        "claimed_at": None,
        "handed_at": None,
        "error": "",
    }
    if base_url:
        changes["base_url"] = base_url
    return rows.update(**changes)


def retry_failed(assessment, base_url=None):
    """Queue the assessment's failed mails again (the consultant's "opnieuw proberen");
    returns how many."""
    with transaction.atomic():
        count = _requeue(
            OutboxMessage.objects.filter(assessment=assessment, status=Status.FAILED), base_url
        )
    wake(count)
    return count


def wake(count, run_after=None):
    """Enqueue worker tasks for `count` queued mails: one per 500, at most MAX_WORKERS, so
    several workers can share a large queue (each task drains until nothing is left)."""
    if count <= 0:
        return
    from .tasks import send_outbox

    task = send_outbox
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the next wake or `send_invitations` picks them up
        task = task.using(run_after=run_after)
    for _number in range(min(MAX_WORKERS, 1 + (count - 1) // 500)):
        task.enqueue()


# --- Sending (the worker's side) -------------------------------------------------------


def drain(*, chunks=None):
    """Send queued mails whose time has come until none is left (or `chunks` chunks are
    done); returns {"sent": n, "failed": n, "retry": n}. Runs in the worker's task."""
    done = {"sent": 0, "failed": 0, "retry": 0}
    recover()
    while chunks is None or chunks > 0:
        claim, rows = claim_chunk()
        if not rows:
            break
        for key, value in send_chunk(claim, rows).items():
            done[key] += value
        if chunks is not None:
            chunks -= 1
    # Rows another run holds: if that run died, a later drain must find them once the
    # timeout has passed, even when nobody clicks anything.
    oldest = OutboxMessage.objects.filter(status=Status.SENDING).aggregate(
        oldest=Min("claimed_at")
    )["oldest"]
    if oldest is not None:
        wake(1, run_after=oldest + SENDING_TIMEOUT + timedelta(seconds=1))
    return done


def recover(now=None):
    """Rows left "sending" by a worker that died: back to the queue when they never
    reached SMTP, failed (not sent again by itself) when they may have. Returns
    (requeued, failed)."""
    now = now or timezone.now()
    stale = now - SENDING_TIMEOUT
    stuck = OutboxMessage.objects.filter(status=Status.SENDING)
    requeued = stuck.filter(handed_at__isnull=True, claimed_at__lt=stale).update(
        status=Status.QUEUED, claim="", claimed_at=None, next_attempt_at=timezone.now()
    )
    failed = stuck.filter(handed_at__lt=stale).update(
        status=Status.FAILED,
        error=_(
            "Onderbroken tijdens het versturen: mogelijk is de e-mail wel aangekomen. "
            "Kijk dat na voordat u het opnieuw probeert."
        ),
    )
    return requeued, failed


def claim_chunk(now=None):
    """Claim up to CHUNK queued rows for this run: (claim id, rows)."""
    now = now or timezone.now()
    claim = uuid.uuid4().hex
    ready = OutboxMessage.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now).order_by(
        "pk"
    )
    claimed = {"status": Status.SENDING, "claim": claim, "claimed_at": now}
    claimed["attempts"] = F("attempts") + 1
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(
                ready.select_for_update(skip_locked=True).values_list("pk", flat=True)[:CHUNK]
            )
            if ids:
                OutboxMessage.objects.filter(pk__in=ids, status=Status.QUEUED).update(**claimed)
    else:
        OutboxMessage.objects.filter(
            pk__in=ready.values("pk")[:CHUNK], status=Status.QUEUED
        ).update(**claimed)
    rows = list(
        OutboxMessage.objects.filter(claim=claim, status=Status.SENDING)
        .select_related("invitation__layer", "assessment__organisation")
        .order_by("pk")
    )
    return claim, rows


def _texts(assessment, kind):
    from . import collection

    if kind == Kind.REMINDER:
        subject = _("Herinnering: vragenlijst %(name)s")
        text = collection.reminder_text(assessment)
    else:
        subject = _("Uitnodiging: vragenlijst %(name)s")
        text = collection.invitation_text(assessment)
    return subject % {"name": assessment.name}, text


def render(row, link, minutes_cache=None):
    """(subject, body) of the row's mail with this link, in the site's language."""
    from . import collection

    minutes_cache = {} if minutes_cache is None else minutes_cache
    assessment = row.assessment
    with translation.override(settings.LANGUAGE_CODE):
        subject, text = _texts(assessment, row.kind)
        code = row.invitation.layer.code
        key = (assessment.pk, code)
        if key not in minutes_cache:
            minutes_cache[key] = collection.survey_minutes(assessment=assessment, layer_code=code)
        body = collection.mail_body(
            text, assessment=assessment, link=link, minutes=minutes_cache[key]
        )
    return subject, body


def preview(*, assessment, invitation, kind, base_url):
    """The mail `invitation` would get now, as (subject, body), with a placeholder link
    in place of the personal one (no token is made or shown)."""
    row = OutboxMessage(assessment=assessment, invitation=invitation, kind=kind)
    return render(row, base_url.rstrip("/") + PREVIEW_LINK)


def _classify(error):
    """'temporary' (not sent; try again later), 'permanent' (not sent; the server refused
    it for good) or 'unknown' (it may have been sent)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return "temporary" if codes and all(400 <= code < 500 for code in codes) else "permanent"
    if isinstance(error, smtplib.SMTPResponseException):
        return "temporary" if 400 <= error.smtp_code < 500 else "permanent"
    return "unknown"


def _reason(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        parts = [f"{code} {message!r}" for code, message in error.recipients.values()]
        text = "; ".join(parts)
    elif isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        if isinstance(message, bytes):
            message = message.decode("utf-8", "replace")
        text = f"{error.smtp_code} {message}"
    else:
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return text[:500]


def _later(rows, claim, reason):
    """Rows that did not go out (temporary): back to the queue with backoff, or failed
    after MAX_ATTEMPTS. Schedules a worker task for the earliest retry."""
    now = timezone.now()
    earliest = None
    for row in rows:
        mine = OutboxMessage.objects.filter(pk=row.pk, claim=claim, status=Status.SENDING)
        if row.attempts >= MAX_ATTEMPTS:
            mine.update(status=Status.FAILED, error=reason)
            continue
        when = now + timedelta(seconds=BACKOFF_SECONDS * 2 ** (row.attempts - 1))
        mine.update(
            status=Status.QUEUED,
            claim="",
            claimed_at=None,
            handed_at=None,
            next_attempt_at=when,
            error=reason,
        )
        earliest = min(earliest or when, when)
    if earliest is not None:
        wake(1, run_after=earliest)


def send_chunk(claim, rows):
    """Send claimed rows through one SMTP connection; returns counts as drain()."""
    from .collection import link_path, token_hash, token_new

    done = {"sent": 0, "failed": 0, "retry": 0}
    minutes = {}
    backend = mail.get_connection(fail_silently=False)
    try:
        backend.open()
    except Exception as error:  # the server cannot be reached: nothing went out
        _later(rows, claim, _reason(error))
        done["retry"] += len(rows)
        return done
    try:
        for index, row in enumerate(rows):
            mine = OutboxMessage.objects.filter(pk=row.pk, claim=claim)
            if not row.assessment.is_open:
                mine.filter(status=Status.SENDING).update(
                    status=Status.FAILED,
                    error=_("De vragenlijst is niet open: de e-mail is niet verstuurd."),
                )
                done["failed"] += 1
                continue
            token = token_new()
            earlier = row.invitation.token_hash
            with transaction.atomic():
                if not mine.filter(status=Status.SENDING).update(handed_at=timezone.now()):
                    continue  # taken back by recover(): another run sends it
                Invitation.objects.filter(pk=row.invitation_id).update(token_hash=token_hash(token))
            subject, body = render(row, row.base_url.rstrip("/") + link_path(token), minutes)
            message = mail.EmailMessage(
                subject, body, settings.DEFAULT_FROM_EMAIL, [row.invitation.email]
            )
            try:
                backend.send_messages([message])
            except Exception as error:
                outcome = _classify(error)
                if outcome != "unknown":
                    # Not sent: the invitee's earlier link works again.
                    Invitation.objects.filter(
                        pk=row.invitation_id, token_hash=token_hash(token)
                    ).update(token_hash=earlier)
                if outcome == "temporary":
                    _later([row], claim, _reason(error))
                    done["retry"] += 1
                else:
                    mine.update(status=Status.FAILED, error=_reason(error))
                    done["failed"] += 1
                if outcome == "unknown":
                    # The connection is in an unknown state: start a new one.
                    backend.close()
                    try:
                        backend.open()
                    except Exception as reopen:
                        rest = rows[index + 1 :]
                        _later(rest, claim, _reason(reopen))
                        done["retry"] += len(rest)
                        return done
                continue
            stamp = "reminded_at" if row.kind == Kind.REMINDER else "sent_at"
            now = timezone.now()
            with transaction.atomic():
                mine.update(status=Status.SENT, sent_at=now, error="")
                Invitation.objects.filter(pk=row.invitation_id).update(**{stamp: now})
            done["sent"] += 1
    finally:
        backend.close()
    return done


# --- What the invitations page shows ---------------------------------------------------


def progress(assessment):
    """The outbox of an assessment as the invitations page shows it: counts per status
    over everything, and the current round (the rows queued since the earliest one
    still unfinished) as a fraction done. Two queries."""
    rows = OutboxMessage.objects.filter(assessment=assessment)
    counts = rows.aggregate(
        queued=Count("pk", filter=Q(status=Status.QUEUED)),
        sending=Count("pk", filter=Q(status=Status.SENDING)),
        sent=Count("pk", filter=Q(status=Status.SENT)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        start=Min("queued_at", filter=Q(status__in=OPEN_STATUSES)),
    )
    start = counts.pop("start")
    busy = counts["queued"] + counts["sending"]
    round_total = round_done = 0
    if start is not None:
        this_round = rows.filter(queued_at__gte=start).aggregate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status__in=[Status.SENT, Status.FAILED])),
        )
        round_total, round_done = this_round["total"], this_round["done"]
    return {
        **counts,
        "busy": busy,
        "round_total": round_total,
        "round_done": round_done,
        "percent": round(100 * round_done / round_total) if round_total else 100,
    }


def failed_mails(assessment, limit=FAILED_SHOWN):
    """The failed mails with their invitee and reason, newest round first."""
    return list(
        OutboxMessage.objects.filter(assessment=assessment, status=Status.FAILED)
        .select_related("invitation")
        .order_by("-queued_at", "pk")[:limit]
    )
