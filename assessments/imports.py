"""CSV/XLSX in and out: respondent lists and raw answers (spec/interfaces.md).

Every import is all or nothing: the whole file is checked first, and a file with any
bad row imports nothing; each bad row is reported with its line number (the header
is line 1; a comment that spans several lines counts as one) and the reason.
"""

import difflib
import hashlib
import hmac
from dataclasses import dataclass, field

import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import tabular, wide
from .collection import COMMENT_MAX_LENGTH, unusable_token_hash
from .models import (
    Answer,
    Assessment,
    Department,
    FactorComment,
    Invitation,
    ModelVersion,
    Organisation,
    Question,
    Response,
)
from .results import results_forget
from .results_sql import keep_factor_sums
from .safe_cells import csv_line, safe_cell, unquote

ANSWER_COLUMNS = ["respondent", "layer", "department", "question", "current", "desired", "comment"]
RESPONDENT_COLUMNS = ["email", "layer", "department"]
# Header names people write in a Dutch spreadsheet (compared lowercase and trimmed).
RESPONDENT_ALIASES = {
    "e-mail": "email",
    "e-mailadres": "email",
    "emailadres": "email",
    "laag": "layer",
    "afdeling": "department",
}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
LEVELS = {str(level): level for level in range(6)}
BATCH = 5000


class FileRejected(Exception):
    """The file could not be imported; `errors` lists (line, reason), line None for the
    whole file."""

    def __init__(self, errors, columns=None):
        super().__init__("; ".join(describe(line, reason) for line, reason in errors[:5]))
        self.errors = errors
        # A wide file's columns (wide.Column) as they were understood, for the dry run.
        self.columns = columns


def describe(line, reason):
    if line is None:
        return reason
    return _("regel %(line)s: %(reason)s") % {"line": line, "reason": reason}


@dataclass
class Outcome:
    created: int = 0
    skipped: int = 0
    details: dict = field(default_factory=dict)


# --- Reading ---------------------------------------------------------------------------


def read_table(data, name, *, columns, optional=(), aliases=None, limits=None):
    """A file's rows as a DataFrame of stripped strings with exactly `columns`
    (`optional` ones may be missing and are then empty; header names are compared
    lowercase and trimmed, and `aliases` maps other names onto them). A CSV may be
    separated by commas or by semicolons (what Dutch Excel writes). A value loses the
    leading ' that a formula-safe export added (safe_cells.unquote). `data` is bytes or
    a binary file; it is read streamed, within the limits of tabular.py. Raises
    FileRejected."""
    header, rows = read_raw(data, name, limits=limits)
    return table_from(header, rows, columns=columns, optional=optional, aliases=aliases)


def table_from(header, rows, *, columns, optional=(), aliases=None):
    """read_table's frame of a header and rows (tabular.read_frame) read already."""
    found = [str(column).strip() for column in header]
    lowered = [column.lower() for column in found]
    if aliases:
        lowered = [aliases.get(column, column) for column in lowered]
    required = [column for column in columns if column not in optional]
    missing = [column for column in required if column not in lowered]
    extra = [column for column in lowered if column not in columns]
    if missing or extra or len(set(lowered)) != len(lowered):
        raise FileRejected(
            [
                (
                    1,
                    _("de kolommen moeten %(expected)s zijn, het bestand heeft %(found)s.")
                    % {"expected": ",".join(columns), "found": ",".join(found)},
                )
            ]
        )
    frame = rows_frame(rows, lowered)
    for column in columns:
        if column not in frame.columns:
            frame[column] = ""
    return frame[columns]


def read_raw(data, name, *, limits=None):
    """(header, rows) of tabular.read_frame, its errors as FileRejected."""
    if isinstance(data, bytes | bytearray):
        if len(data) > MAX_UPLOAD_BYTES:
            raise FileRejected([(None, _("Het bestand is te groot (meer dan 50 MB)."))])
        if not data.strip():
            raise FileRejected([(None, _("Het bestand is leeg."))])
    try:
        header, rows = tabular.read_frame(data, name, limits)
    except tabular.TableError as error:
        raise FileRejected([(error.line, error.reason)]) from None
    if rows.empty:
        raise FileRejected([(None, _("Het bestand heeft geen regels onder de kopregel."))])
    return header, rows


def rows_frame(rows, columns):
    """The data rows (tabular.read_frame) with the names `columns`, as stripped strings
    (a leading ' of a formula-safe export taken off)."""
    frame = rows.copy()
    frame.columns = columns
    for column in frame.columns.unique():
        values = frame[column].str.strip()
        quoted = values.str.startswith("'")
        if quoted.any():  # rare: spare large files a call per cell
            values[quoted] = values[quoted].map(unquote)
        frame[column] = values
    return frame


def _errors_of(frame, mask, reason):
    return [(int(line), reason) for line in frame.index[mask]]


# --- Departments -----------------------------------------------------------------------


def _department_key(name):
    return " ".join(name.split()).casefold()


def resolve_departments(frame, *, organisation, create):
    """Check the `department` column against the organisation's departments, in place.

    A name that matches a department but for case and spacing is that department (and
    is written as the organisation spells it): "sociaal  domein" is "Sociaal Domein".
    Any other unknown name is an error on its line naming the closest department,
    unless `create`: then it becomes a new department. Returns (errors, new names)."""
    known = {
        _department_key(name): name
        for name in organisation.departments.values_list("name", flat=True)
    }
    names = {}
    new = {}
    errors = []
    for value in frame["department"].unique():
        if not value:
            names[value] = ""
            continue
        key = _department_key(value)
        if key in known:
            names[value] = known[key]
        elif create:
            names[value] = new.setdefault(key, " ".join(value.split()))
    unknown = ~frame["department"].isin(list(names))
    for line, value in frame.loc[unknown, "department"].items():
        errors.append((int(line), _unknown_department(value, known)))
    frame["department"] = [names.get(value, value) for value in frame["department"]]
    return errors, sorted(new.values())


def _unknown_department(value, known):
    close = difflib.get_close_matches(_department_key(value), list(known), n=1, cutoff=0.6)
    reason = _("onbekende afdeling '%(value)s'") % {"value": value[:80]}
    if close:
        reason += "; " + _("bedoelt u '%(name)s'?") % {"name": known[close[0]]}
    elif known:
        shown = sorted(known.values())
        reason += "; " + _("de organisatie heeft: %(names)s") % {
            "names": ", ".join(shown[:12]) + (" …" if len(shown) > 12 else "")
        }
    else:
        reason += "; " + _("de organisatie heeft nog geen afdelingen")
    return (
        reason
        + " "
        + _("(of kies 'nieuwe afdelingen aanmaken'; bij de opdrachtregel --create-departments).")
    )


def create_departments_of(organisation, names):
    Department.objects.bulk_create(
        [Department(organisation=organisation, name=name) for name in names],
        ignore_conflicts=True,
    )


# --- Respondent lists ------------------------------------------------------------------


def import_respondents(*, assessment, data, name, create_departments=False, limits=None):
    """Personal invitations from `email,layer[,department]`. E-mail addresses that are
    invited already are left as they are (counted as skipped). A department must be one
    of the organisation's (resolve_departments) unless `create_departments`."""
    if assessment.is_closed:
        raise FileRejected([(None, _("Deze meting is gesloten; er kan niemand meer bij."))])
    frame = read_table(
        data,
        name,
        columns=RESPONDENT_COLUMNS,
        optional=("department",),
        aliases=RESPONDENT_ALIASES,
        limits=limits,
    )
    layers, allowed = _layer_lookup(assessment)
    errors = []
    frame["email"] = frame["email"].str.lower()
    for line, row in frame.iterrows():
        try:
            validate_email(row["email"])
        except ValidationError:
            errors.append(
                (line, _("'%(value)s' is geen geldig e-mailadres.") % {"value": row["email"][:80]})
            )
        if row["layer"].lower() not in layers:
            errors.append(
                (
                    line,
                    _("onbekende laag '%(value)s'; gebruik een van: %(allowed)s.")
                    % {"value": row["layer"][:80], "allowed": allowed},
                )
            )
    errors += _errors_of(
        frame, frame["department"].str.len() > 200, _("de afdeling is te lang (max. 200 tekens).")
    )
    errors += _errors_of(
        frame,
        frame["email"].duplicated() & (frame["email"] != ""),
        _("dit e-mailadres staat al eerder in het bestand."),
    )
    department_errors, new_departments = resolve_departments(
        frame, organisation=assessment.organisation, create=create_departments
    )
    errors += department_errors
    if errors:
        raise FileRejected(sorted(errors, key=lambda error: error[0]))
    existing = set(
        Invitation.objects.filter(assessment=assessment)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    new = frame[~frame["email"].isin(existing)]
    with transaction.atomic():
        create_departments_of(assessment.organisation, new_departments)
        Invitation.objects.bulk_create(
            [
                Invitation(
                    assessment=assessment,
                    kind=Invitation.Kind.PERSONAL,
                    email=row.email,
                    layer=layers[row.layer.lower()],
                    department=row.department,
                    token_hash=unusable_token_hash(),
                )
                for row in new.itertuples()
            ],
            batch_size=BATCH,
        )
    return Outcome(
        created=len(new),
        skipped=len(frame) - len(new),
        details={"new_departments": new_departments},
    )


def _layer_lookup(assessment):
    """({lowercase code or name: layer}, the allowed values in layer order for a
    message). A list may name a layer by its code or by the name shown in the app."""
    lookup = {}
    allowed = []
    for layer in assessment.layers.order_by("order", "pk"):
        names = [layer.name, layer.name_en] if layer.name_en else [layer.name]
        for value in [layer.code, *names]:
            lookup.setdefault(value.strip().lower(), layer)
        allowed.append(f"{layer.code} ({layer.label})")
    return lookup, ", ".join(allowed)


# --- Raw answers -----------------------------------------------------------------------


def pseudonym(assessment_id, respondent):
    """A respondent id of a file, keyed-hashed: the same file id gives the same
    pseudonym within one assessment (so importing twice is caught), and the original
    id (maybe an e-mail address) is never stored."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{assessment_id}:{respondent}".encode(), hashlib.sha256
    ).hexdigest()
    return f"p-{digest[:20]}"


def check_answers(frame, *, assessment):
    """Every bad row of a raw-answers frame as (line, reason)."""
    layers = set(assessment.layers.values_list("code", flat=True))
    questions = {
        code: (pk, layers_, factor_id)
        for code, pk, layers_, factor_id in Question.objects.filter(
            version_id=assessment.model_version_id
        ).values_list("code", "pk", "layers", "factor_id")
    }
    errors = []
    errors += _errors_of(frame, frame["respondent"] == "", _("de respondent is leeg."))
    errors += _errors_of(
        frame, frame["respondent"].str.len() > 200, _("de respondent-id is te lang.")
    )
    errors += _errors_of(
        frame,
        ~frame["layer"].isin(layers),
        _("onbekende laag; gebruik een van: %(codes)s.") % {"codes": ", ".join(sorted(layers))},
    )
    known_question = frame["question"].isin(list(questions))
    errors += _errors_of(frame, ~known_question, _("onbekende vraag voor dit model."))
    asked = [
        question not in questions or not questions[question][1] or layer in questions[question][1]
        for question, layer in zip(frame["question"], frame["layer"], strict=True)
    ]
    errors += _errors_of(
        frame,
        ~pd.Series(asked, index=frame.index, dtype=bool),
        _("deze vraag wordt niet aan deze laag gesteld."),
    )
    for column, label in (("current", _("huidig")), ("desired", _("gewenst"))):
        bad = ~frame[column].isin(list(LEVELS) + [""])
        errors += _errors_of(
            frame,
            bad,
            _("%(label)s moet een heel getal van 0 tot en met 5 zijn, of leeg voor 'weet ik niet'.")
            % {"label": label},
        )
    errors += _errors_of(
        frame,
        frame["comment"].str.len() > COMMENT_MAX_LENGTH,
        _("de toelichting is te lang (max. %(max)s tekens).") % {"max": COMMENT_MAX_LENGTH},
    )
    errors += _errors_of(
        frame,
        frame["department"].str.len() > 200,
        _("de afdeling is te lang (max. 200 tekens)."),
    )
    errors += _errors_of(
        frame,
        frame.duplicated(["respondent", "question"]),
        _("dubbele regel: deze respondent heeft deze vraag al eerder in het bestand."),
    )
    first = frame.groupby("respondent", sort=False)[["layer", "department"]].transform("first")
    errors += _errors_of(
        frame,
        (first["layer"] != frame["layer"]) | (first["department"] != frame["department"]),
        _("de laag of afdeling van deze respondent verschilt van een eerdere regel."),
    )
    existing = set(
        Response.objects.filter(assessment=assessment).values_list("respondent", flat=True)
    )
    if existing:
        taken = frame["respondent"].map(lambda r: pseudonym(assessment.pk, r) in existing)
        errors += _errors_of(
            frame, taken, _("deze respondent is al eerder in deze meting geïmporteerd.")
        )
    return sorted(errors, key=lambda error: error[0]), questions


def resolve_assessment(*, organisation, type, assessment, model=None):
    """The organisation and assessment of `import_answers` (created when missing)."""
    if type not in Organisation.Type.values:
        raise FileRejected(
            [
                (
                    None,
                    _("Onbekend type organisatie '%(type)s'; kies uit: %(types)s.")
                    % {"type": type, "types": ", ".join(Organisation.Type.values)},
                )
            ]
        )
    versions = ModelVersion.objects.all()
    version = (versions.filter(code=model) if model else versions.order_by("code")).last()
    if version is None:
        raise FileRejected([(None, _("Onbekende modelversie '%(code)s'.") % {"code": model})])
    found = Organisation.objects.filter(name=organisation).first()
    if found is not None and found.type != type:
        raise FileRejected(
            [
                (
                    None,
                    _("De organisatie '%(name)s' bestaat al met een ander type.")
                    % {"name": organisation},
                )
            ]
        )
    existing = (
        Assessment.objects.filter(organisation=found, name=assessment).first() if found else None
    )
    if existing is not None and model and existing.model_version_id != version.pk:
        raise FileRejected([(None, _("De meting bestaat al met een andere modelversie."))])
    return found, existing, version


def import_answers_file(
    *,
    data,
    name,
    organisation,
    type,
    assessment,
    model=None,
    close=False,
    create_departments=False,
    dry_run=False,
    limits=None,
):
    """`import_answers`: creates (or reuses) organisation and assessment, then imports.
    The departments of an organisation the command creates are those of the file
    (there is nothing to check them against); an existing organisation's are checked.
    A dry run checks everything and rolls it all back."""
    found, existing, version = resolve_assessment(
        organisation=organisation, type=type, assessment=assessment, model=model
    )
    table = read_raw(data, name, limits=limits)
    with transaction.atomic():
        if found is None:
            found = Organisation.objects.create(name=organisation, type=type)
            create_departments = True
        target = existing
        if target is None:
            target = Assessment.objects.create(
                organisation=found, name=assessment, model_version=version
            )
            target.add_default_layers()
        outcome = import_answers(
            assessment=target,
            table=table,
            create_departments=create_departments,
            dry_run=dry_run,
        )
        if close and not target.is_closed and not dry_run:
            target.status = Assessment.Status.CLOSED
            target.closed_at = timezone.now()
            target.save(update_fields=["status", "closed_at"])
        if dry_run:
            transaction.set_rollback(True)
    outcome.details["assessment"] = target
    return outcome


def is_long(header):
    """Whether a header is the raw-answers CSV's own (one row per respondent per
    question: it has a `question` column) rather than one row per respondent (wide.py)."""
    return "question" in {str(column).strip().lower() for column in header}


def answers_frame(assessment, header, rows):
    """(long frame, wide columns or None, counts) of a file in either shape; counts has
    the wide file's rows without any answer (`skipped_rows`) and its answers to
    questions the respondent's layer is not asked (`not_asked`), both left out: a
    survey tool may have put every question to everyone."""
    counts = {"skipped_rows": 0, "not_asked": 0}
    if is_long(header):
        frame = table_from(header, rows, columns=ANSWER_COLUMNS, optional=("department", "comment"))
        return frame, None, counts
    found = list(
        Question.objects.filter(version_id=assessment.model_version_id).values_list(
            "code", "text", "text_en", "layers"
        )
    )
    questions = wide.Questions([(code, text, text_en) for code, text, text_en, _l in found])
    asked_of = {code: set(layers) for code, _t, _e, layers in found}
    frame, columns, skipped, errors = wide.to_long(
        header, rows, questions=questions, mapping=assessment.import_mapping or {}
    )
    if errors:
        raise FileRejected(sorted(errors, key=lambda error: error[0]), columns=columns)
    if frame.empty:
        raise FileRejected(
            [(None, _("Geen enkele regel van het bestand bevat een antwoord."))], columns=columns
        )
    layers, _allowed = _layer_lookup(assessment)
    frame["layer"] = [
        layers[value.lower()].code if value.lower() in layers else value for value in frame["layer"]
    ]
    asked = [
        not asked_of[code] or layer in asked_of[code]
        for code, layer in zip(frame["question"], frame["layer"], strict=True)
    ]
    counts["skipped_rows"] = skipped
    counts["not_asked"] = len(asked) - sum(asked)
    if counts["not_asked"]:
        frame = frame[asked]
    return frame, columns, counts


def import_answers(
    *,
    assessment,
    data=None,
    name="",
    table=None,
    create_departments=False,
    dry_run=False,
    limits=None,
):
    """Submitted responses from a file (`data`, or `table` as read_raw read it) in the
    long or the wide shape; all or nothing. `dry_run` checks and reports (details:
    columns, answers) without writing."""
    if assessment.is_closed:
        raise FileRejected([(None, _("Deze meting is gesloten; er kan niets meer bij."))])
    header, rows = table or read_raw(data, name, limits=limits)
    frame, columns, counts = answers_frame(assessment, header, rows)
    errors, new_departments = resolve_departments(
        frame, organisation=assessment.organisation, create=create_departments
    )
    more, questions = check_answers(frame, assessment=assessment)
    errors = sorted(errors + more, key=lambda error: error[0])
    if errors:
        raise FileRejected(errors, columns=columns)
    respondents = frame.drop_duplicates("respondent")
    details = {
        "answers": len(frame),
        "columns": columns,
        **counts,
        "new_departments": new_departments,
    }
    if dry_run:
        return Outcome(created=len(respondents), details={**details, "dry_run": True})
    create_departments_of(assessment.organisation, new_departments)
    layers = {layer.code: layer for layer in assessment.layers.all()}
    now = timezone.now()
    with transaction.atomic():
        responses = Response.objects.bulk_create(
            [
                Response(
                    assessment=assessment,
                    respondent=pseudonym(assessment.pk, row.respondent),
                    layer=layers[row.layer],
                    department=row.department,
                    status=Response.Status.SUBMITTED,
                    submitted_at=now,
                    current_page=0,
                )
                for row in respondents.itertuples()
            ],
            batch_size=BATCH,
        )
        if responses and responses[0].pk is None:  # a backend that returns no ids
            ids = dict(
                Response.objects.filter(assessment=assessment).values_list("respondent", "pk")
            )
            response_of = {
                row: ids[pseudonym(assessment.pk, row)] for row in respondents["respondent"]
            }
        else:
            response_of = dict(
                zip(respondents["respondent"], (r.pk for r in responses), strict=True)
            )
        # Plain lists: a pandas column would turn "weet ik niet" (None) into NaN.
        response_ids = [response_of[respondent] for respondent in frame["respondent"]]
        question_ids = [questions[code][0] for code in frame["question"]]
        current = [LEVELS.get(value) for value in frame["current"]]
        desired = [LEVELS.get(value) for value in frame["desired"]]
        for start in range(0, len(frame), BATCH):
            end = start + BATCH
            Answer.objects.bulk_create(
                [
                    Answer(response_id=r, question_id=q, current=c, desired=d)
                    for r, q, c, d in zip(
                        response_ids[start:end],
                        question_ids[start:end],
                        current[start:end],
                        desired[start:end],
                        strict=True,
                    )
                ]
            )
        with_comment = frame[frame["comment"] != ""]
        comments = {}
        for respondent, question, text in zip(
            with_comment["respondent"],
            with_comment["question"],
            with_comment["comment"],
            strict=True,
        ):
            key = (response_of[respondent], questions[question][2])
            comments.setdefault(key, []).append(text)
        FactorComment.objects.bulk_create(
            [
                FactorComment(response_id=response_id, factor_id=factor_id, text="\n\n".join(texts))
                for (response_id, factor_id), texts in comments.items()
            ],
            batch_size=BATCH,
        )
        # All the assessment's responses: those kept before are left as they are.
        keep_factor_sums(Response.objects.filter(assessment=assessment))
    results_forget(assessment)
    return Outcome(created=len(respondents), details=details)


def _question_order(assessment):
    return {
        pk: (index, code, factor_id)
        for index, (pk, code, factor_id) in enumerate(
            Question.objects.filter(version_id=assessment.model_version_id)
            .order_by("factor__track__order", "factor__order", "order")
            .values_list("pk", "code", "factor_id")
        )
    }


def export_answers(assessment):
    """The raw-answers CSV of the submitted responses, as text: pseudonymous ids,
    respondents in the order they came in, questions in model order, each factor's
    comment on the respondent's first row of that factor. Formula-safe: a text that a
    spreadsheet would compute gets a leading ' (which import takes off again)."""
    order = _question_order(assessment)
    rows = list(
        Answer.objects.filter(
            response__assessment=assessment, response__status=Response.Status.SUBMITTED
        )
        .values_list(
            "response_id",
            "response__respondent",
            "response__layer__code",
            "response__department",
            "question_id",
            "current",
            "desired",
        )
        .order_by()
    )
    comments = {
        (response_id, factor_id): text
        for response_id, factor_id, text in FactorComment.objects.filter(
            response__assessment=assessment, response__status=Response.Status.SUBMITTED
        ).values_list("response_id", "factor_id", "text")
    }
    rows.sort(key=lambda row: (row[0], order[row[4]][0]))
    lines = [csv_line(ANSWER_COLUMNS)]
    seen = set()
    for response_id, respondent, layer, department, question_id, current, desired in rows:
        _index, code, factor_id = order[question_id]
        comment = ""
        if (response_id, factor_id) not in seen:
            seen.add((response_id, factor_id))
            comment = comments.get((response_id, factor_id), "")
        row = [
            respondent,
            layer,
            department,
            code,
            "" if current is None else current,
            "" if desired is None else desired,
            comment,
        ]
        lines.append(csv_line([safe_cell(value) for value in row]))
    return "".join(lines)
