"""The activity library: loading it from fixtures/activities.json and reading it for the
planner.

The fixture is {"library": "<model version>", "activities": [{"code", "factor",
"from_level", "kind", "effort", "title", "title_en", "description", "description_en",
"prerequisites": [codes]}]}. Like the maturity model, a library is loaded in full
(created, updated and pruned to the file) while its model version is not frozen; the
library of a frozen version is left as it is, unless it is still empty.
"""

import json
from dataclasses import dataclass

from django.db import transaction

from assessments.model_content import FIXTURES_DIR
from assessments.models import ModelVersion

from . import planner
from .models import LibraryActivity

LIBRARY_FILE = FIXTURES_DIR / "activities.json"
FIELDS = ("from_level", "kind", "effort", "title", "title_en", "description", "description_en")


class LibraryFileError(ValueError):
    pass


@dataclass
class LibraryLoadResult:
    version: ModelVersion
    outcome: str  # "created", "updated", "unchanged" or "frozen"
    count: int


def library_records(activities):
    """LibraryActivity rows (with factor and prerequisites prefetched) as planner input."""
    return [
        planner.LibraryActivity(
            code=activity.code,
            factor=activity.factor.code,
            from_level=activity.from_level,
            kind=activity.kind,
            effort=activity.effort,
            prerequisites=tuple(sorted(p.code for p in activity.prerequisites.all())),
        )
        for activity in activities
    ]


def version_library(version):
    return (
        LibraryActivity.objects.filter(version=version)
        .select_related("factor")
        .prefetch_related("prerequisites")
    )


def validate_library_data(data, version):
    """Check the file against the planner's rules before anything is written."""
    try:
        records = [
            planner.LibraryActivity(
                code=row["code"],
                factor=row["factor"],
                from_level=row["from_level"],
                kind=row["kind"],
                effort=row["effort"],
                prerequisites=tuple(row.get("prerequisites", [])),
            )
            for row in data["activities"]
        ]
    except (KeyError, TypeError) as error:
        raise LibraryFileError(f"every activity needs {error}") from error
    missing_titles = [row["code"] for row in data["activities"] if not row.get("title")]
    if missing_titles:
        raise LibraryFileError(f"activities without a title: {missing_titles}")
    try:
        planner.check_library(records, set(version.factors.values_list("code", flat=True)))
    except planner.LibraryError as error:
        raise LibraryFileError(str(error)) from error


@transaction.atomic
def load_library_data(data):
    version = ModelVersion.objects.filter(code=data.get("library")).first()
    if version is None:
        raise LibraryFileError(f"model version {data.get('library')} not found; load it first")
    validate_library_data(data, version)
    existing = {activity.code: activity for activity in version_library(version)}
    rows = data["activities"]
    if existing and version.is_frozen:
        return LibraryLoadResult(version, "frozen", len(existing))
    was_empty = not existing

    factors = {factor.code: factor for factor in version.factors.all()}
    changed = False
    activities = {}
    for row in rows:
        values = {name: row.get(name, "") for name in FIELDS}
        activity = existing.pop(row["code"], None)
        if activity is None:
            activity = LibraryActivity.objects.create(
                version=version, code=row["code"], factor=factors[row["factor"]], **values
            )
            changed = True
        else:
            dirty = [name for name, value in values.items() if getattr(activity, name) != value]
            if activity.factor.code != row["factor"]:
                activity.factor = factors[row["factor"]]
                dirty.append("factor")
            if dirty:
                for name in FIELDS:
                    setattr(activity, name, values[name])
                activity.save(update_fields=dirty)
                changed = True
        activities[row["code"]] = activity
    for activity in existing.values():
        activity.delete()
        changed = True
    for row in rows:
        activity = activities[row["code"]]
        wanted = set(row.get("prerequisites", []))
        if {p.code for p in activity.prerequisites.all()} != wanted:
            activity.prerequisites.set([activities[code] for code in sorted(wanted)])
            changed = True

    if was_empty:
        outcome = "created"
    else:
        outcome = "updated" if changed else "unchanged"
    return LibraryLoadResult(version, outcome, len(activities))


def load_library_file(path=LIBRARY_FILE):
    """Load the shipped library; None when there is no library file."""
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as handle:
        return load_library_data(json.load(handle))
