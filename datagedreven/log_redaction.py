"""Survey tokens never reach a log (spec/quality.md, security).

The first request of a respondent, `/v/<token>/`, carries a working token. Every log the
app controls shows that path as `/v/…/`: `RedactTokens` rewrites a record's message,
arguments, traceback text and request before a handler sees it (settings.LOGGING puts it
on the loggers that log request paths and on every handler), the error mail is redacted
as a whole (`RedactingAdminEmailHandler`), and gunicorn's access and error logs go
through the same `redact` (datagedreven/gunicorn_logging.py).
"""

import copy
import logging
import re
from collections.abc import MutableMapping

from django.conf import settings
from django.utils.log import AdminEmailHandler

# `/v/` and the path segment after it, wherever it stands: a request line, a path, a
# full URL in a Referer, a request's repr. A percent-encoded token is one segment too.
# A segment that is just "…" is what redact() left: not found again.
TOKEN_PATH = re.compile(r"/v/(?!…(?:[/?#\s\"'<>]|$))([^/?#\s\"'<>]+)")
REDACTED = "/v/…"
PLAIN = (int, float, type(None))


def redact(text):
    """`text` with every survey-link token replaced: `/v/abc…/` → `/v/…/`."""
    return TOKEN_PATH.sub(REDACTED, text)


def tokens_in(text):
    """The tokens of the survey links in `text` that could work (a real one has at least
    32 characters; shorter ones are not worth a search through a whole error mail)."""
    return [token for token in TOKEN_PATH.findall(text) if len(token) >= 16]


def _redacted(value):
    """A log argument without tokens; an object is replaced by its redacted text only
    when its text holds a token (numbers and the like stay as they are)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, PLAIN):
        return value
    try:
        text = str(value)
    except Exception:  # an argument that cannot be shown is not our business here
        return value
    cleaned = redact(text)
    return value if cleaned == text else cleaned


def redacted_request(request):
    """A copy of `request` whose path, META (PATH_INFO, REQUEST_URI, RAW_URI, the
    Referer …) and resolver match hold no token; `request` itself when none did. The
    copy keeps the tokens it lost in `survey_tokens`, for RedactingAdminEmailHandler
    (it must find a token that stands alone too, as a view's argument)."""
    meta = getattr(request, "META", None)
    path = getattr(request, "path", "")
    if not isinstance(meta, dict) or not isinstance(path, str):
        return request
    texts = [path, *(value for value in meta.values() if isinstance(value, str))]
    if not any(TOKEN_PATH.search(text) for text in texts):
        return request
    clean = copy.copy(request)
    clean.survey_tokens = tuple({token for text in texts for token in tokens_in(text)})
    clean.path = redact(path)
    clean.path_info = redact(getattr(request, "path_info", ""))
    clean.META = {
        key: redact(value) if isinstance(value, str) else value for key, value in meta.items()
    }
    if hasattr(request, "environ"):
        clean.environ = clean.META
    clean.resolver_match = None
    return clean


class RedactTokens(logging.Filter):
    """Rewrites a record in place so that no survey-link token is left in its message,
    arguments, traceback text or request."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, MutableMapping):
            for key, value in list(record.args.items()):
                record.args[key] = _redacted(value)
        elif isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        request = getattr(record, "request", None)
        if request is not None:
            record.request = redacted_request(request)
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


class RedactingAdminEmailHandler(AdminEmailHandler):
    """Django's error mail to ADMINS without survey tokens. The report lists the local
    variables of every frame (a view's `token`, a resolver's path), so the finished
    subject and text are redacted: by pattern, and every token of the record's request
    is replaced wherever it stands."""

    def emit(self, record):
        if not settings.ADMINS:
            return
        request = redacted_request(getattr(record, "request", None))
        self._tokens = sorted(getattr(request, "survey_tokens", ()), key=len, reverse=True)
        try:
            super().emit(record)
        finally:
            self._tokens = []

    def send_mail(self, subject, message, *args, **kwargs):
        if kwargs.get("html_message"):
            kwargs["html_message"] = self._clean(kwargs["html_message"])
        super().send_mail(self._clean(subject), self._clean(message), *args, **kwargs)

    def _clean(self, text):
        text = redact(text)
        for token in getattr(self, "_tokens", []):
            text = text.replace(token, "…")
        return text
