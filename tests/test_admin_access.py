"""/beheer/ is the operator's alone (spec/quality.md, tenancy).

The admin's URLs are read from the admin site itself (its own URLs, and those of every
registered ModelAdmin for a real object of its model), so a newly registered model or a
new admin view is covered the moment it exists. No account but a superuser gets a page,
an object or a change out of any of them: not the organisation's own consultant or
viewer, not those of another organisation, not a staff account holding every model
permission (what the demo's consultants once had).
"""

import itertools
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, reverse

from assessments.models import Organisation
from assessments.tasks import send_outbox
from roadmap.models import DataProject
from tests.conftest import make_user
from tests.roadmap_data import answer_and_close, roadmap_with_activities

pytestmark = pytest.mark.django_db

SECRETS = ("Gemeente Aadorp", "Gemeente Bedorp")
# Whatever a form in the admin might take: a delete confirmation, a bulk action, a name.
POST_DATA = {
    "post": "yes",
    "action": "delete_selected",
    "name": "Overgenomen",
    "username": "mallory",
    "password1": "Over-genomen-2026",
    "password2": "Over-genomen-2026",
}


@pytest.fixture
def objects(people, settings):
    """At least one real object of every model the admin shows."""
    # A background task's record (django-tasks-db's admin): one queued mail run.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    send_outbox.enqueue()
    assessment = answer_and_close(people.assessment)
    roadmap_with_activities(assessment, 2)
    DataProject.objects.create(organisation=people.organisation, subject="Dashboard")
    Group.objects.create(name="Operators")
    access = {
        "username": "alice",
        "ip_address": "127.0.0.1",
        "user_agent": "test",
        "http_accept": "*/*",
        "path_info": "/inloggen/",
    }
    AccessAttempt.objects.create(**access, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**access)
    AccessFailureLog.objects.create(**access)
    first = {}
    for model in admin.site._registry:
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            raise AssertionError(f"make an object of {model.__name__} in this fixture")
        first[model] = obj
    return first


def _route(pattern, values):
    """Every URL of a route pattern ('<path:object_id>/change/') with `values` filled in."""
    route = str(pattern)
    names = list(pattern.converters)
    unknown = [name for name in names if name not in values]
    if unknown:
        raise AssertionError(f"give {unknown} of the admin URL {route!r} a value in this test")
    urls = []
    for combination in itertools.product(*(values[name] for name in names)):
        url = route
        for name, value in zip(names, combination, strict=True):
            url = re.sub(rf"<(\w+:)?{name}>", str(value), url)
        urls.append(url)
    return urls


def admin_urls(objects):
    """Every URL of the admin site but its login form, with real objects."""
    site = admin.site
    organisation = objects[Organisation]
    site_values = {
        "app_label": sorted({model._meta.app_label for model in site._registry}),
        "content_type_id": [ContentType.objects.get_for_model(Organisation).pk],
        "object_id": [organisation.pk],
        "url": ["assessments/nergens/"],
    }
    urls = []
    for entry in site.get_urls():
        if isinstance(entry, URLResolver):
            continue  # a model's URLs: below, for every registered model
        if entry.name == "login":
            continue  # a form for everyone: test_it_refuses_a_consultant_at_the_admin_login
        if entry.pattern.converters or not entry.pattern.regex.groupindex:
            urls += ["/beheer/" + url for url in _route(entry.pattern, site_values)]
        elif entry.name:  # a regular expression: the app index
            names = list(entry.pattern.regex.groupindex)
            for values in itertools.product(*(site_values[name] for name in names)):
                kwargs = dict(zip(names, values, strict=True))
                urls.append(reverse(f"admin:{entry.name}", kwargs=kwargs))
        elif list(entry.pattern.regex.groupindex) == ["url"]:  # the catch-all
            urls += ["/beheer/" + url for url in site_values["url"]]
        else:
            raise AssertionError(f"classify the admin URL {entry.pattern!r} in this test")
    for model, model_admin in site._registry.items():
        obj = objects[model]
        prefix = f"/beheer/{model._meta.app_label}/{model._meta.model_name}/"
        values = {"object_id": [obj.pk], "id": [obj.pk]}
        for entry in model_admin.get_urls():
            urls += [prefix + url for url in _route(entry.pattern, values)]
        for source in [model_admin, *model_admin.inlines]:
            source_model = source.model
            for field in source.autocomplete_fields:
                urls.append(
                    reverse("admin:autocomplete") + f"?app_label={source_model._meta.app_label}"
                    f"&model_name={source_model._meta.model_name}&field_name={field}&term="
                )
    return urls


def counts():
    return {model: model._default_manager.count() for model in admin.site._registry}


def test_it_knows_every_admin_url(objects):
    urls = admin_urls(objects)
    organisation, user = objects[Organisation].pk, objects[get_user_model()].pk
    for expected in (
        "/beheer/",
        "/beheer/assessments/",
        "/beheer/password_change/",
        f"/beheer/assessments/organisation/{organisation}/change/",
        f"/beheer/assessments/organisation/{organisation}/delete/",
        f"/beheer/assessments/organisation/{organisation}/history/",
        f"/beheer/auth/user/{user}/password/",
    ):
        assert expected in urls, expected
    assert any(url.startswith("/beheer/autocomplete/?") for url in urls)
    assert len(urls) >= 14 * 5


@pytest.fixture
def staff_with_every_permission(db):
    """The attacker of issue 12: a consultant in a group with every model permission."""
    user = make_user("mallory", staff=True)
    group = Group.objects.create(name="Consultants")
    group.permissions.set(Permission.objects.all())
    user.groups.add(group)
    return user


@pytest.mark.parametrize(
    "who", ["consultant", "viewer", "other_consultant", "other_viewer", "every_permission"]
)
def test_it_gives_no_one_but_the_operator_anything_of_the_admin(
    client, people, objects, staff_with_every_permission, who
):
    user = staff_with_every_permission if who == "every_permission" else getattr(people, who)
    client.force_login(user)
    before = counts()
    for url in admin_urls(objects):
        for response in (client.get(url), client.post(url, POST_DATA)):
            assert response.status_code != 200, url
            content = response.content.decode()
            assert not any(secret in content for secret in SECRETS), url
    assert counts() == before
    people.consultant.refresh_from_db()
    assert not people.consultant.is_superuser


def test_it_tells_a_consultant_where_access_is_managed_now(client, people):
    client.force_login(people.consultant)
    response = client.get("/beheer/assessments/organisation/")
    assert response.status_code == 403
    assert "alleen voor de beheerder" in response.content.decode()


def test_it_sends_a_visitor_who_is_not_signed_in_to_the_admin_login(client, objects):
    for url in admin_urls(objects)[:20]:
        response = client.get(url)
        assert response.status_code in {302, 405}, url
        assert not any(secret in response.content.decode() for secret in SECRETS), url


def test_it_refuses_a_consultant_at_the_admin_login(client, people):
    response = client.post(
        reverse("admin:login"), {"username": "alice", "password": "secret-pass-123"}
    )
    assert response.status_code == 200
    assert "alleen voor de beheerder" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_it_serves_the_operator_every_model(client, people, objects):
    operator = make_user("olivia", staff=True)
    operator.is_superuser = True
    operator.save()
    client.force_login(operator)
    assert client.get(reverse("admin:index")).status_code == 200
    for model, obj in objects.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{name}_changelist")).status_code == 200, name
        assert client.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200, name
    search = reverse("admin:autocomplete") + (
        "?app_label=assessments&model_name=assessment&field_name=organisation&term=Aad"
    )
    assert "Gemeente Aadorp" in client.get(search).content.decode()


def test_it_shows_the_admin_link_to_the_operator_only(client, people):
    client.force_login(people.consultant)
    for url in ("/", reverse("organisation", args=[people.organisation.pk])):
        assert "/beheer/" not in client.get(url).content.decode(), url
    people.consultant.is_superuser = True
    people.consultant.save()
    assert "/beheer/" in client.get("/").content.decode()
