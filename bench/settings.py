"""Settings of the application servers the load and fault scripts start: the
production settings (DEBUG off, from the environment) plus the floor view's URL."""

from datagedreven.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
