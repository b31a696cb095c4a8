"""gunicorn's logger without survey tokens (deploy/gunicorn.conf.py sets it as
`logger_class`).

The access log's atoms (request line, path, Referer, every header and environ value)
pass through `redact`, so `"GET /v/<token>/ HTTP/1.1"` is logged as `"GET /v/…/
HTTP/1.1"` whatever access_log_format says; the error log ("Error handling request
/v/<token>/") gets the same filter as Django's loggers.
"""

from gunicorn.glogging import Logger

from .log_redaction import RedactTokens, redact

REDACT_TOKENS = RedactTokens()


class RedactingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)  # runs again on a configuration reload
        if REDACT_TOKENS not in self.error_log.filters:
            self.error_log.addFilter(REDACT_TOKENS)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }
