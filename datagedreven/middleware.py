"""Middleware of the project as a whole."""

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 10


class DatabaseUnavailableMiddleware:
    """A lost database connection (PostgreSQL restarting, a failover) gives a clear 503
    page that asks to try again, instead of a bare server error.

    The page is rendered without the request's context: no session, no user, nothing
    that needs the database. The failing request's transaction was rolled back, so a
    survey page is either saved whole or not at all; the next request reconnects
    (CONN_HEALTH_CHECKS), so the application recovers by itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        response = HttpResponse(
            render_to_string("errors/unavailable.html"), status=503, content_type="text/html"
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class DutchFirstMiddleware:
    """Dutch unless the visitor chose another language with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a
    respondent with an English browser at a Dutch municipality would get the survey in
    English unasked. The product speaks Dutch by default; English is a choice (kept in
    the language cookie). Placed just before LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
