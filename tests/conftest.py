"""Shared fixtures: the shipped model, and the same four people in every test.

A consultant and a viewer of organisation A, and a consultant and a viewer of
organisation B (the strangers for every organisation-scoped view of A).
"""

import pytest
from django.contrib.auth import get_user_model

from assessments.model_content import load_model_file, model_files
from assessments.models import Assessment, Membership, ModelVersion, Organisation
from roadmap.inspiration import load_inspiration_files
from roadmap.library import load_library_file

MODEL_CODE = "DGW-2026.1"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language (Dutch): a request through the
    test client in English leaves English active in the thread, which would make a later
    test's Dutch wording depend on the order the tests run in."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background tasks run inside the call that enqueues them (the immediate backend),
    so a test sees the mails a click queued. tests/test_outbox.py runs the worker's
    steps itself where the order of events matters."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for path in model_files():
            load_model_file(path)
        load_library_file()
        load_inspiration_files()


@pytest.fixture
def model_version(db):
    """The shipped model; reloaded when a transactional test flushed the database."""
    version = ModelVersion.objects.filter(code=MODEL_CODE).first()
    if version is None:
        for path in model_files():
            load_model_file(path)
        load_library_file()
        load_inspiration_files()
        version = ModelVersion.objects.get(code=MODEL_CODE)
    return version


def make_user(username, *, staff=False):
    return get_user_model().objects.create_user(
        username=username, password="secret-pass-123", is_staff=staff
    )


def make_organisation(name, *, consultant, viewer, model_version):
    organisation = Organisation.objects.create(name=name, type=Organisation.Type.GEMEENTE)
    Membership.objects.create(
        user=consultant, organisation=organisation, role=Membership.Role.CONSULTANT
    )
    Membership.objects.create(user=viewer, organisation=organisation, role=Membership.Role.VIEWER)
    assessment = Assessment.objects.create(
        organisation=organisation, model_version=model_version, name="Nulmeting 2026"
    )
    assessment.add_default_layers()
    return organisation, assessment


class People:
    def __init__(self, model_version):
        self.consultant = make_user("alice", staff=True)
        self.viewer = make_user("victor")
        self.other_consultant = make_user("charlie", staff=True)
        self.other_viewer = make_user("olga")
        self.organisation, self.assessment = make_organisation(
            "Gemeente Aadorp",
            consultant=self.consultant,
            viewer=self.viewer,
            model_version=model_version,
        )
        self.other_organisation, self.other_assessment = make_organisation(
            "Gemeente Bedorp",
            consultant=self.other_consultant,
            viewer=self.other_viewer,
            model_version=model_version,
        )


@pytest.fixture
def people(model_version):
    return People(model_version)


@pytest.fixture
def empty_cache():
    """The survey's rate limits live in the cache: each test starts and ends empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def survey(people):
    """An open assessment with one personal invitation: (assessment, invitation, token)."""
    from tests.survey_data import invite, open_assessment

    open_assessment(people.assessment)
    invitation, token = invite(people.assessment)
    return people.assessment, invitation, token
