# gunicorn settings of Datagedreven: `gunicorn -c deploy/gunicorn.conf.py` from the
# project folder (deploy/datagedreven.service, deploy/compose.yaml; docs/deploy.md).
# Options given on the command line win over these.
wsgi_app = "datagedreven.wsgi"
bind = "127.0.0.1:8000"
workers = 3  # suits 2 cores: scoring and PDFs are CPU-bound, add cores rather than workers
timeout = 60
# The access log goes to stdout (the journal). Survey links (/v/<token>/) appear in it,
# in the error log and in the Referer as /v/…/: the logger class redacts every field.
accesslog = "-"
logger_class = "datagedreven.gunicorn_logging.RedactingLogger"
