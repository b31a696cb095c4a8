"""Settings of the application servers the load and fault scripts start: the
production settings (DEBUG off, from the environment) plus the floor view's URL."""

from datagedreven.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The token-link throttle is per address, and every simulated respondent comes from
# 127.0.0.1: lift it for the load scripts (tests/test_survey*.py test the throttle).
SURVEY_LINK_LIMIT = 10**9
SURVEY_BAD_LINK_LIMIT = 10**9
