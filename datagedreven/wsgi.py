"""WSGI entry point (gunicorn datagedreven.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datagedreven.settings")
application = get_wsgi_application()
