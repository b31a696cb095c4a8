"""Knowledge and inspiration: the glossary and the catalogue of example use cases,
shipped as versioned data in fixtures/inspiration/*.json, and adding a use case to an
organisation's register of data projects.

A file is {"version": "INSP-2026.1", "name": …, "terms": [{"code", "term", "term_en",
"definition", "definition_en", "key"?}], "use_cases": [{"code", "title", "title_en",
"description", "description_en", "domain", "level", "factors": [factor codes],
"privacy": ["dpia", "iama"], "question", "question_en", "action", "action_en"}]}.

Loading is idempotent: a version is created, updated to the file and pruned to it. The
whole file is checked before anything is written; every problem is named at once. The
pages show the newest version (highest code).
"""

import json
from collections import Counter
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from assessments.model_content import FIXTURES_DIR
from assessments.models import KeyFactor

from .models import (
    DataProject,
    GlossaryTerm,
    InspirationVersion,
    UseCase,
    UseCaseDomain,
    UseCaseLevel,
)

INSPIRATION_DIR = FIXTURES_DIR / "inspiration"

TERM_FIELDS = ("term", "term_en", "definition", "definition_en")
USE_CASE_FIELDS = (
    "title",
    "title_en",
    "description",
    "description_en",
    "domain",
    "level",
    "question",
    "question_en",
    "action",
    "action_en",
)


class InspirationFileError(ValueError):
    pass


@dataclass
class InspirationLoadResult:
    version: InspirationVersion
    outcome: str  # "created", "updated" or "unchanged"
    terms: int
    use_cases: int


def validate_inspiration_data(data, factor_codes):
    """Raise InspirationFileError naming every problem of the file, or return None."""
    if not isinstance(data, dict):
        raise InspirationFileError("the file must hold one JSON object")
    problems = []
    if not data.get("version"):
        problems.append("no version code")
    if not data.get("name"):
        problems.append("no name")
    terms = data.get("terms")
    use_cases = data.get("use_cases")
    if not isinstance(terms, list) or not terms:
        problems.append("no terms")
        terms = []
    if not isinstance(use_cases, list) or not use_cases:
        problems.append("no use_cases")
        use_cases = []

    def check_rows(rows, kind, fields):
        codes = Counter()
        for index, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                problems.append(f"{kind} {index}: not an object")
                continue
            code = row.get("code")
            name = code or f"#{index}"
            if not code or not isinstance(code, str):
                problems.append(f"{kind} {name}: no code")
            else:
                codes[code] += 1
            missing = [
                field
                for field in fields
                if not isinstance(row.get(field), str) or not row.get(field).strip()
            ]
            if missing:
                problems.append(f"{kind} {name}: missing {', '.join(missing)}")
        problems.extend(f"duplicate {kind} code {code}" for code, n in codes.items() if n > 1)

    check_rows(terms, "term", TERM_FIELDS)
    check_rows(use_cases, "use case", USE_CASE_FIELDS)
    for row in use_cases:
        if not isinstance(row, dict):
            continue
        name = row.get("code") or "?"
        if row.get("domain") and row["domain"] not in UseCaseDomain.values:
            problems.append(f"use case {name}: unknown domain {row['domain']!r}")
        if row.get("level") and row["level"] not in UseCaseLevel.values:
            problems.append(f"use case {name}: unknown level {row['level']!r}")
        factors = row.get("factors")
        if not isinstance(factors, list) or not factors:
            problems.append(f"use case {name}: no factors")
        else:
            unknown = [code for code in factors if code not in factor_codes]
            if unknown:
                problems.append(
                    f"use case {name}: unknown factor codes {', '.join(map(str, unknown))}"
                )
        privacy = row.get("privacy", [])
        if not isinstance(privacy, list) or any(p not in UseCase.PRIVACY_CHECKS for p in privacy):
            problems.append(f"use case {name}: privacy must be a list of dpia, iama")
    if problems:
        raise InspirationFileError("; ".join(problems))


def _sync(model, version, rows, fields, extra):
    """Create, update and prune one kind of row to the file; True if anything changed."""
    existing = {obj.code: obj for obj in model.objects.filter(version=version)}
    changed = False
    for order, row in enumerate(rows):
        values = {field: row[field] for field in fields}
        values.update(extra(row))
        values["order"] = order
        obj = existing.pop(row["code"], None)
        if obj is None:
            model.objects.create(version=version, code=row["code"], **values)
            changed = True
            continue
        dirty = [name for name, value in values.items() if getattr(obj, name) != value]
        if dirty:
            for name in dirty:
                setattr(obj, name, values[name])
            obj.save(update_fields=dirty)
            changed = True
    if existing:
        model.objects.filter(pk__in=[obj.pk for obj in existing.values()]).delete()
        changed = True
    return changed


@transaction.atomic
def load_inspiration_data(data):
    factor_codes = set(KeyFactor.objects.values_list("code", flat=True))
    if not factor_codes:
        raise InspirationFileError("no maturity model loaded; run load_model first")
    validate_inspiration_data(data, factor_codes)
    version, created = InspirationVersion.objects.get_or_create(
        code=data["version"], defaults={"name": data["name"]}
    )
    changed = False
    if not created and version.name != data["name"]:
        version.name = data["name"]
        version.save(update_fields=["name"])
        changed = True
    changed |= _sync(
        GlossaryTerm,
        version,
        data["terms"],
        TERM_FIELDS,
        lambda row: {"key": bool(row.get("key", False))},
    )
    changed |= _sync(
        UseCase,
        version,
        data["use_cases"],
        USE_CASE_FIELDS,
        lambda row: {"factors": list(row["factors"]), "privacy": list(row.get("privacy", []))},
    )
    outcome = "created" if created else ("updated" if changed else "unchanged")
    return InspirationLoadResult(version, outcome, len(data["terms"]), len(data["use_cases"]))


def inspiration_files():
    return sorted(INSPIRATION_DIR.glob("*.json"))


def load_inspiration_file(path):
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except json.JSONDecodeError as error:
        raise InspirationFileError(f"not valid JSON: {error}") from error
    return load_inspiration_data(data)


def load_inspiration_files():
    return [load_inspiration_file(path) for path in inspiration_files()]


def current_version():
    """The newest loaded version, or None."""
    return InspirationVersion.objects.order_by("-code").first()


# --- Reading for the pages -------------------------------------------------------------


def filter_use_cases(use_cases, *, domain="", level="", factor="", track_factors=None):
    """The use cases matching every given filter; `track_factors`: the factor codes of
    the chosen track (a use case needing any of them matches)."""
    result = []
    for use_case in use_cases:
        if domain and use_case.domain != domain:
            continue
        if level and use_case.level != level:
            continue
        if factor and factor not in use_case.factors:
            continue
        if track_factors is not None and not set(use_case.factors) & set(track_factors):
            continue
        result.append(use_case)
    return result


# --- Into the register -----------------------------------------------------------------


def add_use_case_to_register(organisation, use_case):
    """Add the use case to the organisation's register as an idea.

    Returns the new DataProject, or None when the register already has an entry with
    this subject (the subject is unique per organisation). The one place a catalogue
    idea enters the register (the pipeline's `source="catalogue"` belongs here)."""
    # The Dutch title, whatever the consultant's language: the register is the
    # organisation's, and one example must not enter it twice under two names.
    subject = use_case.title
    if DataProject.objects.filter(organisation=organisation, subject=subject).exists():
        return None
    try:
        with transaction.atomic():
            return DataProject.objects.create(
                organisation=organisation,
                subject=subject,
                domain=use_case.get_domain_display(),
                status=DataProject.Status.IDEA,
                source=DataProject.Source.CATALOGUE,
                description=use_case.description_label,
                information_question=use_case.question_label,
                action=use_case.action_label,
                dpia_needed="dpia" in use_case.privacy,
                iama_needed="iama" in use_case.privacy,
            )
    except IntegrityError:  # added by a parallel request in between
        return None
