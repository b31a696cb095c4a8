"""Answers in the wide shape: one row per respondent, a column per question part.

What Microsoft Forms, LimeSurvey, Google Forms and a hand-made spreadsheet export.
Each column is understood by its header (compared on its words: case, spacing and
punctuation do not matter):

- the layer (`laag`, `layer`) and the department (`afdeling`, `department`);
- a respondent id (`ID`, `Response ID`, `respondent`); without one, a respondent is
  known by the file's content and the row, so importing the same file twice is caught;
- a question part: the question's code (`LC1.1`, or `LC11` as LimeSurvey writes codes
  without dots, also `LC1[1]`) or its Dutch or English text, with `nu`/`huidig`/
  `current` or `gewenst`/`desired` before or after it (`LC1.1 nu`, `LC1.1[gewenst]`,
  `In hoeverre …? (nu)`);
- columns a survey tool adds (start and completion time, e-mail, name, IP address …)
  are ignored: identity columns are never read into anything that is stored;
- any other header by the assessment's saved mapping (`Assessment.import_mapping`,
  normalised header -> target); a header that is still not understood is an error.

A level is a number 0–5 or a stage name (Dutch or English, also "3 - Bekwaam" or
"Bekwaam (3)"); "weet ik niet"/"don't know" is don't know; empty is not answered. A
question part left empty while the other part of the same question has a value is
stored as don't know (an answer has both parts); a question with both parts empty is
not answered (no answer row); a row without any answer is skipped and counted, and
so is an answer to a question the respondent's layer is not asked (imports.py).

The result is the long frame of imports.ANSWER_COLUMNS, checked and written by the
same code as the long format.
"""

import hashlib
import re
from dataclasses import dataclass

import pandas as pd
from django.utils.translation import gettext as _

from .stages import STAGE_NAMES

CURRENT, DESIRED = "current", "desired"
PART_WORDS = {
    "nu": CURRENT,
    "huidig": CURRENT,
    "huidige": CURRENT,
    "current": CURRENT,
    "now": CURRENT,
    "gewenst": DESIRED,
    "gewenste": DESIRED,
    "desired": DESIRED,
    "wens": DESIRED,
}
LAYER_HEADERS = {"laag", "layer"}
DEPARTMENT_HEADERS = {"afdeling", "department"}
RESPONDENT_HEADERS = {"id", "response id", "responseid", "respondent", "respondent id"}
# What survey tools add around the answers (Forms, LimeSurvey, Google Forms); identity
# columns among them are never stored.
IGNORED_HEADERS = {
    "start time",
    "completion time",
    "last modified time",
    "email",
    "e mail",
    "e mailadres",
    "emailadres",
    "name",
    "naam",
    "date submitted",
    "submitdate",
    "last page",
    "lastpage",
    "start language",
    "startlanguage",
    "seed",
    "date started",
    "startdate",
    "date last action",
    "datestamp",
    "ip address",
    "ipaddr",
    "referrer url",
    "refurl",
    "token",
    "timestamp",
    "tijdstempel",
    "starttijd",
    "begintijd",
    "eindtijd",
    "tijd van voltooien",
}
ENGLISH_STAGE_NAMES = ("Waiting", "Pioneer", "Adept", "Competent", "Professional", "Excellent")
DONT_KNOW_WORDS = {"weet ik niet", "weet niet", "don t know", "dont know", "do not know", "x"}
# Targets a mapping may name, besides "<code>:current" and "<code>:desired".
ROLES = ("layer", "department", "respondent", "ignore")
EMPTY = object()


def words(text):
    """A header or value compared on its words: lowercase, punctuation as spaces."""
    return " ".join(re.findall(r"\w+", str(text).casefold()))


def _levels():
    lookup = {str(level): level for level in range(6)}
    for names in (STAGE_NAMES, ENGLISH_STAGE_NAMES):
        for level, name in enumerate(names):
            lookup[words(name)] = level
    return lookup


LEVEL_WORDS = _levels()


def parse_level(text):
    """0..5, None for don't know, EMPTY for not answered; ValueError when not a level."""
    value = words(text)
    if not value:
        return EMPTY
    if str(text).strip()[:1] in "-+":  # "-1" is not level 1
        raise ValueError(text)
    if value in DONT_KNOW_WORDS:
        return None
    if value in LEVEL_WORDS:
        return LEVEL_WORDS[value]
    # "3 - Bekwaam", "3. Bekwaam", "Bekwaam (3)": number and name must agree.
    match = re.fullmatch(r"([0-5]) (.+)", value) or re.fullmatch(r"(.+) ([0-5])", value)
    if match:
        number, name = (
            match.groups() if match.group(1).isdigit() else (match.group(2), match.group(1))
        )
        if LEVEL_WORDS.get(name) == int(number):
            return int(number)
    raise ValueError(text)


@dataclass
class Column:
    index: int
    header: str
    target: str  # a role of ROLES or "<code>:current|desired", "" when not understood
    source: str  # how it was understood: "header", "mapping", "" (not understood)


class Questions:
    """The model version's questions, findable by code, code without dots, or text."""

    def __init__(self, questions):
        self.codes = {}
        by_key = {}
        for code, text, text_en in questions:
            self.codes[code.casefold()] = code
            for key in ("".join(words(code).split()), words(text), words(text_en or "")):
                if key:
                    by_key.setdefault(key, set()).add(code)
        # A key two questions share (LC1.11 and LC11.1 without dots) decides nothing.
        self.by_key = {key: codes.pop() for key, codes in by_key.items() if len(codes) == 1}

    def find(self, text):
        key = words(text)
        return self.by_key.get(key) or self.by_key.get("".join(key.split()))


def understand_header(header, questions, mapping):
    """(target, source) of one header; target "" when it is not understood."""
    key = words(header)
    if key in mapping:
        return mapping[key], "mapping"
    if key in LAYER_HEADERS:
        return "layer", "header"
    if key in DEPARTMENT_HEADERS:
        return "department", "header"
    if key in RESPONDENT_HEADERS:
        return "respondent", "header"
    if key in IGNORED_HEADERS:
        return "ignore", "header"
    tokens = key.split()
    for part_at, rest in ((-1, tokens[:-1]), (0, tokens[1:])):
        if len(tokens) > 1 and tokens[part_at] in PART_WORDS:
            code = questions.find(" ".join(rest))
            if code:
                return f"{code}:{PART_WORDS[tokens[part_at]]}", "header"
    return "", ""


def understand(header, questions, mapping):
    """The columns of a wide file, each with what it was understood as."""
    return [
        Column(index, str(text).strip(), *understand_header(text, questions, mapping))
        for index, text in enumerate(header)
    ]


def describe_target(target, question_texts):
    """A column's target as the consultant reads it (dry-run table, command output)."""
    labels = {
        "layer": _("laag"),
        "department": _("afdeling"),
        "respondent": _("respondent-id (alleen als schuilnaam bewaard)"),
        "ignore": _("genegeerd (niet opgeslagen)"),
        "": _("niet herkend"),
    }
    if target in labels:
        return labels[target]
    code, part = target.split(":")
    part_label = _("nu") if part == CURRENT else _("gewenst")
    return f"{code} {part_label}: {question_texts.get(code, '')}".strip()


def to_long(header, rows, *, questions, mapping):
    """(long frame, columns, skipped rows, errors) of a wide file; `rows` as
    tabular.read_frame gives them."""
    columns = understand(header, questions, mapping)
    errors = []
    unknown = [column.header or f"#{column.index + 1}" for column in columns if not column.target]
    if unknown:
        errors.append(
            (
                1,
                _(
                    "kolom(men) niet herkend: %(headers)s. Gebruik de vraagcode of de vraagtekst "
                    "met 'nu' of 'gewenst', of leg de koppeling vast in de kolomkoppeling "
                    "(ook 'negeren' kan)."
                )
                % {"headers": ", ".join(f"'{h[:60]}'" for h in unknown[:10])},
            )
        )
    targets = [column.target for column in columns if column.target not in ("", "ignore")]
    doubled = sorted({target for target in targets if targets.count(target) > 1})
    if doubled:
        errors.append(
            (
                1,
                _("meer dan één kolom voor: %(targets)s.")
                % {"targets": ", ".join(target.replace(":", " ") for target in doubled)},
            )
        )
    if "layer" not in targets:
        errors.append((1, _("er is geen kolom met de laag (kop 'laag' of 'layer').")))
    if not any(":" in target for target in targets):
        errors.append((1, _("er is geen kolom met antwoorden op een vraag.")))
    if errors:
        return None, columns, 0, errors
    at = {column.target: column.index for column in columns}
    parts = {}
    for column in columns:
        if ":" in column.target:
            code, part = column.target.split(":")
            parts.setdefault(code, {})[part] = column.index
    digest = None
    if "respondent" not in at:
        content = hashlib.sha256()
        for cells in rows.itertuples(index=False, name=None):
            content.update("\x1f".join(cells).encode() + b"\x1e")
        digest = content.hexdigest()[:16]
    records = []
    skipped = 0

    def cell(cells, index):
        return cells[index].strip() if index is not None and index < len(cells) else ""

    for line, *cells in rows.itertuples(name=None):
        respondent = cell(cells, at.get("respondent")) or (f"{digest}-{line}" if digest else "")
        layer = cell(cells, at["layer"])
        department = cell(cells, at.get("department"))
        answered = []
        for code, indexes in parts.items():
            levels = {}
            for part in (CURRENT, DESIRED):
                text = cell(cells, indexes.get(part))
                try:
                    levels[part] = parse_level(text)
                except ValueError:
                    errors.append(
                        (
                            line,
                            _(
                                "'%(value)s' bij %(code)s %(part)s is geen niveau: gebruik 0 "
                                "tot en met 5, een fasenaam (Afwachtend … Excellent) of "
                                "'weet ik niet'."
                            )
                            % {
                                "value": text[:40],
                                "code": code,
                                "part": _("nu") if part == CURRENT else _("gewenst"),
                            },
                        )
                    )
                    levels[part] = None
            if levels[CURRENT] is EMPTY and levels[DESIRED] is EMPTY:
                continue
            answered.append(
                (
                    code,
                    *(
                        "" if levels[part] in (None, EMPTY) else str(levels[part])
                        for part in (CURRENT, DESIRED)
                    ),
                )
            )
        if not answered:
            skipped += 1
            continue
        for code, current, desired in answered:
            records.append((line, respondent, layer, department, code, current, desired, ""))
    frame = pd.DataFrame(
        [record[1:] for record in records],
        columns=["respondent", "layer", "department", "question", "current", "desired", "comment"],
        index=[record[0] for record in records],
        dtype=str,
    )
    return frame, columns, skipped, errors


def parse_mapping(text, questions):
    """The saved mapping's text ("header = target" a line) as {header words: target};
    raises ValueError with the bad lines."""
    targets = {
        "laag": "layer",
        "layer": "layer",
        "afdeling": "department",
        "department": "department",
        "respondent": "respondent",
        "id": "respondent",
        "negeren": "ignore",
        "ignore": "ignore",
    }
    mapping = {}
    bad = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        header, sep, target = line.rpartition("=")
        key = words(header)
        wanted = words(target)
        found = targets.get(wanted)
        if found is None:
            tokens = wanted.split()
            if len(tokens) > 1 and tokens[-1] in PART_WORDS:
                code = questions.find(" ".join(tokens[:-1]))
                if code:
                    found = f"{code}:{PART_WORDS[tokens[-1]]}"
        if not sep or not key or found is None:
            bad.append(number)
            continue
        mapping[key] = found
    if bad:
        raise ValueError(bad)
    return mapping


def mapping_text(mapping):
    """The saved mapping as the form shows it."""
    names = {"layer": "laag", "department": "afdeling", "respondent": "respondent"}
    names["ignore"] = "negeren"
    lines = []
    for header, target in mapping.items():
        if ":" in target:
            code, part = target.split(":")
            shown = f"{code} {'nu' if part == CURRENT else 'gewenst'}"
        else:
            shown = names[target]
        lines.append(f"{header} = {shown}")
    return "\n".join(lines)
