"""Settings for the load benchmark: the real settings, plus a floor view, no rate limit."""

from datagedreven.settings import *  # noqa: F403

ROOT_URLCONF = "load_urls"
SURVEY_LINK_LIMIT = 10**9
SURVEY_BAD_LINK_LIMIT = 10**9
# No collected static files here: serve the names as they are.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
