"""The shipped activity library: its coverage, load_model, freezing, bad files, admin."""

import copy
import io
import json
from collections import Counter

import pytest
from django.core.management import call_command

from assessments.models import Assessment, Organisation
from roadmap.admin import LibraryActivityForm
from roadmap.library import (
    LIBRARY_FILE,
    LibraryFileError,
    load_library_data,
    version_library,
)
from roadmap.models import LibraryActivity

pytestmark = pytest.mark.django_db


def shipped():
    with open(LIBRARY_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def test_it_covers_every_factor_at_every_transition(model_version):
    activities = list(version_library(model_version))
    steps = {(a.factor.code, a.from_level) for a in activities}
    for factor in model_version.factors.all():
        for level in range(5):
            assert (factor.code, level) in steps, (factor.code, level)
    assert 60 <= len(activities) <= 90


def test_it_has_enough_data_projects_over_several_factors(model_version):
    projects = [a for a in version_library(model_version) if a.kind == "dataproject"]
    assert len(projects) >= 12
    assert len(Counter(a.factor.code for a in projects)) >= 4


def test_a_personal_data_use_case_waits_for_a_peb_precondition(model_version):
    needs_peb = [
        a
        for a in version_library(model_version)
        if a.kind == "dataproject"
        and any(
            p.factor.track.code == "PEB" for p in a.prerequisites.select_related("factor__track")
        )
    ]
    assert needs_peb


def test_every_activity_has_both_languages(model_version):
    for activity in version_library(model_version):
        assert activity.title and activity.title_en and activity.description


def test_load_model_loads_the_library_once(model_version):
    first = list(LibraryActivity.objects.values_list("code", "title", "from_level"))
    out = io.StringIO()
    call_command("load_model", stdout=out)
    assert "activities DGW-2026.1: unchanged" in out.getvalue()
    assert list(LibraryActivity.objects.values_list("code", "title", "from_level")) == first


def test_load_model_repairs_an_unfrozen_library(model_version):
    activity = LibraryActivity.objects.get(version=model_version, code="LC1-2a")
    activity.title = "Iets anders"
    activity.save()
    activity.prerequisites.clear()
    LibraryActivity.objects.filter(code="IT3-4b").delete()
    out = io.StringIO()
    call_command("load_model", stdout=out)
    assert "activities DGW-2026.1: updated" in out.getvalue()
    activity.refresh_from_db()
    assert activity.title != "Iets anders"
    assert [p.code for p in activity.prerequisites.all()] == ["LC1-1a"]
    assert LibraryActivity.objects.filter(code="IT3-4b").exists()


def test_a_frozen_version_keeps_its_edited_library(model_version):
    organisation = Organisation.objects.create(name="Gemeente X", type="gemeente")
    Assessment.objects.create(organisation=organisation, model_version=model_version, name="M")
    LibraryActivity.objects.filter(code="LC1-2a").update(title="Eigen titel")
    out = io.StringIO()
    call_command("load_model", stdout=out)
    assert "activities DGW-2026.1: frozen" in out.getvalue()
    assert LibraryActivity.objects.get(code="LC1-2a").title == "Eigen titel"


def test_a_frozen_version_without_a_library_gets_it(model_version):
    organisation = Organisation.objects.create(name="Gemeente X", type="gemeente")
    Assessment.objects.create(organisation=organisation, model_version=model_version, name="M")
    LibraryActivity.objects.all().delete()
    result = load_library_data(shipped())
    assert result.outcome == "created"
    assert LibraryActivity.objects.count() == len(shipped()["activities"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: rows[0].update(prerequisites=["NOPE-1a"]), "unknown prerequisite"),
        (lambda rows: rows[0].update(factor="XX9"), "unknown factor"),
        (lambda rows: rows[0].update(from_level=5), "from level"),
        (lambda rows: rows[0].update(kind="feest"), "unknown kind"),
        (lambda rows: rows[0].update(title=""), "without a title"),
        (lambda rows: rows[0].pop("effort"), "effort"),
        (lambda rows: rows.append(dict(rows[0])), "duplicate"),
        # LC1-0a needing LC1-2a, which needs LC1-1a: a higher level of the same factor.
        (lambda rows: rows[0].update(prerequisites=["LC1-2a"]), "cycle"),
    ],
)
def test_it_rejects_a_bad_library_and_writes_nothing(model_version, change, message):
    data = copy.deepcopy(shipped())
    change(data["activities"])
    before = list(LibraryActivity.objects.order_by("pk").values())
    with pytest.raises(LibraryFileError, match=message):
        load_library_data(data)
    assert list(LibraryActivity.objects.order_by("pk").values()) == before


def test_it_needs_the_model_version_first(model_version):
    data = dict(shipped(), library="GEEN-1")
    with pytest.raises(LibraryFileError, match="load it first"):
        load_library_data(data)


def admin_form(activity, **changes):
    data = {
        "version": activity.version_id,
        "code": activity.code,
        "factor": activity.factor_id,
        "from_level": activity.from_level,
        "kind": activity.kind,
        "effort": activity.effort,
        "title": activity.title,
        "title_en": activity.title_en,
        "description": activity.description,
        "description_en": activity.description_en,
        "prerequisites": [p.pk for p in activity.prerequisites.all()],
    }
    data.update(changes)
    return LibraryActivityForm(data, instance=activity)


def test_the_admin_edits_the_library_but_refuses_a_cycle(model_version):
    first = LibraryActivity.objects.get(code="LC1-1a")
    second = LibraryActivity.objects.get(code="LC1-2a")
    form = admin_form(first, title="Een visie schrijven")
    assert form.is_valid(), form.errors
    form.save()
    assert LibraryActivity.objects.get(code="LC1-1a").title == "Een visie schrijven"
    form = admin_form(first, prerequisites=[second.pk])
    assert not form.is_valid()
    assert "cycle" in str(form.errors)
