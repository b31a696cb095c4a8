"""The shipped maturity model: its content, load_model, export_model and freezing."""

import copy
import io
import json

import pytest
from django.core.management import call_command

from assessments.model_content import (
    ModelFileError,
    copy_model_version,
    export_model,
    fixture_data,
    load_model_data,
    load_model_file,
    model_files,
)
from assessments.models import Assessment, Organisation, Question

pytestmark = pytest.mark.django_db

FACTOR_CODES = [
    "LC1",
    "LC2",
    "LC3",
    "OG1",
    "OG2",
    "ML1",
    "ML2",
    "IT1",
    "IT2",
    "IT3",
    "PEB1",
    "PEB2",
]
LAYERS = ["bestuur", "directie", "management", "beleid", "specialist", "uitvoering"]


def export_json(*args):
    out = io.StringIO()
    call_command("export_model", *args, stdout=out)
    return json.loads(out.getvalue())


def test_it_exports_the_whole_model(model_version):
    data = export_json()
    assert data["version"] == "DGW-2026.1"
    assert [t["code"] for t in data["tracks"]] == ["LC", "OG", "ML", "IT", "PEB"]
    assert [f["code"] for f in data["factors"]] == FACTOR_CODES
    assert [layer["code"] for layer in data["layers"]] == LAYERS
    assert [s["name"] for s in data["stages"]] == [
        "Afwachtend",
        "Pionier",
        "Adept",
        "Bekwaam",
        "Professioneel",
        "Excellent",
    ]
    for factor in data["factors"]:
        assert [level["level"] for level in factor["levels"]] == [0, 1, 2, 3, 4, 5]
        for level in factor["levels"]:
            assert level["text"].strip() and level["text_en"].strip()
        assert factor["name_en"]
    assert len(data["questions"]) >= 24
    assert len({q["code"] for q in data["questions"]}) == len(data["questions"])


def test_it_asks_every_factor_of_every_layer(model_version):
    data = export_json("DGW-2026.1")
    for code in FACTOR_CODES:
        questions = [q for q in data["questions"] if q["factor"] == code]
        assert len(questions) >= 2, code
        asked = set()
        for question in questions:
            asked |= set(question["layers"] or LAYERS)
        assert asked == set(LAYERS), code


def test_it_writes_distinct_descriptors_per_factor(model_version):
    # Not the generic stage text repeated: no two factors share a level text.
    data = export_json()
    texts = [level["text"] for factor in data["factors"] for level in factor["levels"]]
    assert len(set(texts)) == len(texts)


def test_load_model_twice_changes_nothing(model_version):
    before = export_model(model_version)
    ids = sorted(Question.objects.values_list("pk", flat=True))
    out = io.StringIO()
    call_command("load_model", stdout=out)
    assert "DGW-2026.1: unchanged" in out.getvalue()
    assert export_model(model_version) == before
    assert sorted(Question.objects.values_list("pk", flat=True)) == ids


def test_it_updates_an_unused_version_in_place(model_version):
    data = fixture_data(model_version)
    data["tracks"][0]["factors"][0]["questions"][0]["text"] = "Nieuwe vraagtekst?"
    result = load_model_data(data)
    assert result.outcome == "updated"
    assert Question.objects.get(version=model_version, code="LC1.1").text == "Nieuwe vraagtekst?"


def test_it_never_alters_a_frozen_version(model_version):
    organisation = Organisation.objects.create(name="Gemeente X", type="gemeente")
    Assessment.objects.create(organisation=organisation, model_version=model_version, name="M")
    assert model_version.is_frozen
    before = export_model(model_version)
    data = fixture_data(model_version)
    data["tracks"][0]["factors"][0]["questions"][0]["text"] = "Gewijzigd?"
    data["tracks"][0]["factors"][0]["questions"].pop()
    assert load_model_data(data).outcome == "frozen"
    assert export_model(model_version) == before


def test_copying_a_frozen_version_makes_an_editable_one(model_version):
    organisation = Organisation.objects.create(name="Gemeente X", type="gemeente")
    Assessment.objects.create(organisation=organisation, model_version=model_version, name="M")
    new = copy_model_version(model_version)
    assert new.code == "DGW-2026.1.2"
    assert not new.is_frozen
    old, copied = export_model(model_version), export_model(new)
    assert copied["factors"] == old["factors"] and copied["questions"] == old["questions"]


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: d["tracks"][0]["factors"][0]["levels"].pop(), "levels must be 0..5"),
        (
            lambda d: d["tracks"][0]["factors"][0]["questions"][0].update(layers=["raad"]),
            "unknown layers",
        ),
        (
            lambda d: d["tracks"][1]["factors"][0]["questions"][0].update(code="LC1.1"),
            "duplicate question codes",
        ),
        (
            lambda d: d["tracks"][0]["factors"][0].update(
                questions=[
                    dict(q, layers=["bestuur"]) for q in d["tracks"][0]["factors"][0]["questions"]
                ]
            ),
            "no question for layers",
        ),
    ],
)
def test_it_rejects_a_broken_model_file(model_version, damage, message):
    data = copy.deepcopy(fixture_data(model_version))
    data["version"] = "BROKEN-1"
    damage(data)
    with pytest.raises(ModelFileError, match=message):
        load_model_data(data)
    assert not model_version.__class__.objects.filter(code="BROKEN-1").exists()


def test_the_shipped_file_loads_on_an_empty_database(transactional_db):
    for path in model_files():
        assert load_model_file(path).outcome in {"created", "unchanged"}
