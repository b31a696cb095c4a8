"""Loading the shipped maturity model from fixtures/ and exporting it as JSON.

The fixture nests factors in tracks and levels and questions in factors; the export
is the flat shape of spec/interfaces.md ("Model JSON").
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import KeyFactor, LevelDescriptor, ModelLayer, ModelVersion, Question, Track
from .stages import MAX_LEVEL, MIN_LEVEL, STAGE_NAMES

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


class ModelFileError(ValueError):
    pass


@dataclass
class LoadResult:
    version: ModelVersion
    outcome: str  # "created", "updated", "unchanged" or "frozen"


def model_files():
    return sorted(FIXTURES_DIR.glob("model-*.json"))


def validate_model_data(data):
    """Check the rules the rest of the product relies on before anything is written."""
    problems = []
    layer_codes = [layer["code"] for layer in data.get("layers", [])]
    if not layer_codes:
        problems.append("the model has no layers")
    factor_codes, question_codes = [], []
    for track in data.get("tracks", []):
        for factor in track.get("factors", []):
            factor_codes.append(factor["code"])
            levels = sorted(level["level"] for level in factor.get("levels", []))
            if levels != list(range(MIN_LEVEL, MAX_LEVEL + 1)):
                problems.append(f"{factor['code']}: levels must be 0..5 once each, got {levels}")
            asked = set()
            for question in factor.get("questions", []):
                question_codes.append(question["code"])
                unknown = set(question.get("layers", [])) - set(layer_codes)
                if unknown:
                    problems.append(f"{question['code']}: unknown layers {sorted(unknown)}")
                asked |= set(question.get("layers") or layer_codes)
            missing = set(layer_codes) - asked
            if missing:
                problems.append(f"{factor['code']}: no question for layers {sorted(missing)}")
    for kind, codes in (("factor", factor_codes), ("question", question_codes)):
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            problems.append(f"duplicate {kind} codes {duplicates}")
    if problems:
        raise ModelFileError("; ".join(problems))


def _sync(queryset, key, rows, **parents):
    """Make the rows below one parent equal to `rows` (dicts keyed by `key`).

    Returns whether anything changed and the objects by key. Rows are updated in
    place so ids stay stable across loads.
    """
    existing = {getattr(obj, key): obj for obj in queryset}
    changed = False
    objects = {}
    for row in rows:
        obj = existing.pop(row[key], None)
        if obj is None:
            obj = queryset.model.objects.create(**parents, **row)
            changed = True
        else:
            dirty = [name for name, value in row.items() if getattr(obj, name) != value]
            if dirty:
                for name in dirty:
                    setattr(obj, name, row[name])
                obj.save(update_fields=dirty)
                changed = True
        objects[row[key]] = obj
    for obj in existing.values():
        obj.delete()
        changed = True
    return changed, objects


@transaction.atomic
def load_model_data(data):
    """Create or update a model version from fixture data; a frozen version is left alone."""
    validate_model_data(data)
    version, created = ModelVersion.objects.get_or_create(
        code=data["version"], defaults={"name": data.get("name", data["version"])}
    )
    if not created and version.is_frozen:
        return LoadResult(version, "frozen")
    changed = created
    if version.name != data.get("name", version.name):
        version.name = data["name"]
        version.save(update_fields=["name"])
        changed = True

    layer_rows = [
        {
            "code": layer["code"],
            "name": layer["name"],
            "name_en": layer.get("name_en", ""),
            "order": index,
        }
        for index, layer in enumerate(data["layers"])
    ]
    changed |= _sync(version.layers.all(), "code", layer_rows, version=version)[0]

    track_rows = [
        {"code": t["code"], "name": t["name"], "name_en": t.get("name_en", ""), "order": i}
        for i, t in enumerate(data["tracks"])
    ]
    track_changed, tracks = _sync(version.tracks.all(), "code", track_rows, version=version)
    changed |= track_changed

    factor_order = 0
    question_order = 0
    seen_factors = []
    for track_data in data["tracks"]:
        track = tracks[track_data["code"]]
        for factor_data in track_data["factors"]:
            factor_row = {
                "code": factor_data["code"],
                "track": track,
                "name": factor_data["name"],
                "name_en": factor_data.get("name_en", ""),
                "description": factor_data.get("description", ""),
                "description_en": factor_data.get("description_en", ""),
                "order": factor_order,
            }
            factor_order += 1
            seen_factors.append(factor_row)
    factor_changed, factors = _sync(version.factors.all(), "code", seen_factors, version=version)
    changed |= factor_changed

    question_rows = []
    for track_data in data["tracks"]:
        for factor_data in track_data["factors"]:
            factor = factors[factor_data["code"]]
            level_rows = [
                {
                    "level": level["level"],
                    "text": level["text"],
                    "text_en": level.get("text_en", ""),
                }
                for level in factor_data["levels"]
            ]
            changed |= _sync(
                LevelDescriptor.objects.filter(factor=factor), "level", level_rows, factor=factor
            )[0]
            for question in factor_data["questions"]:
                question_rows.append(
                    {
                        "code": question["code"],
                        "factor": factor,
                        "text": question["text"],
                        "text_en": question.get("text_en", ""),
                        "layers": list(question.get("layers", [])),
                        "order": question_order,
                    }
                )
                question_order += 1
    changed |= _sync(version.questions.all(), "code", question_rows, version=version)[0]

    outcome = "created" if created else ("updated" if changed else "unchanged")
    return LoadResult(version, outcome)


def load_model_file(path):
    with open(path, encoding="utf-8") as handle:
        return load_model_data(json.load(handle))


def export_model(version):
    """The model version as the "Model JSON" of spec/interfaces.md."""
    factors = list(
        KeyFactor.objects.filter(version=version).select_related("track").prefetch_related("levels")
    )
    return {
        "version": version.code,
        "layers": [
            {"code": layer.code, "name": layer.name}
            for layer in ModelLayer.objects.filter(version=version)
        ],
        "stages": [{"level": level, "name": name} for level, name in enumerate(STAGE_NAMES)],
        "tracks": [
            {"code": track.code, "name": track.name, "name_en": track.name_en}
            for track in Track.objects.filter(version=version)
        ],
        "factors": [
            {
                "code": factor.code,
                "track": factor.track.code,
                "name": factor.name,
                "name_en": factor.name_en,
                "levels": [
                    {"level": level.level, "text": level.text, "text_en": level.text_en}
                    for level in factor.levels.all()
                ],
            }
            for factor in factors
        ],
        "questions": [
            {
                "code": question.code,
                "factor": question.factor.code,
                "text": question.text,
                "text_en": question.text_en,
                "layers": question.layers,
            }
            for question in Question.objects.filter(version=version).select_related("factor")
        ],
    }


def fixture_data(version):
    """A version in the nested fixture shape that load_model_data reads."""
    factors_by_track = {}
    for factor in (
        KeyFactor.objects.filter(version=version)
        .select_related("track")
        .prefetch_related("levels", "questions")
    ):
        factors_by_track.setdefault(factor.track_id, []).append(
            {
                "code": factor.code,
                "name": factor.name,
                "name_en": factor.name_en,
                "description": factor.description,
                "description_en": factor.description_en,
                "levels": [
                    {"level": lv.level, "text": lv.text, "text_en": lv.text_en}
                    for lv in factor.levels.all()
                ],
                "questions": [
                    {"code": q.code, "text": q.text, "text_en": q.text_en, "layers": q.layers}
                    for q in sorted(factor.questions.all(), key=lambda q: q.order)
                ],
            }
        )
    return {
        "version": version.code,
        "name": version.name,
        "layers": [
            {"code": layer.code, "name": layer.name, "name_en": layer.name_en}
            for layer in version.layers.all()
        ],
        "tracks": [
            {
                "code": track.code,
                "name": track.name,
                "name_en": track.name_en,
                "factors": factors_by_track.get(track.pk, []),
            }
            for track in version.tracks.all()
        ],
    }


def copy_model_version(version):
    """Copy a (frozen) version under the next free code, so it can be edited."""
    number = 2
    while ModelVersion.objects.filter(code=f"{version.code}.{number}").exists():
        number += 1
    data = fixture_data(version)
    data["version"] = f"{version.code}.{number}"
    return load_model_data(data).version
