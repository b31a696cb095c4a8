"""Formula-safe cells for every CSV and XLSX the app writes (spec/scoring.md, privacy).

Respondents' comments and department names are free text. A spreadsheet program takes
a cell that starts with = + - @, a tab or a carriage return for a formula
(`=HYPERLINK(…)` leaks data when clicked, `=2+3` is computed), so such a text is written
with a leading ' and stays text. Only text is prefixed: numbers stay numbers (a gap of
-0.5 is a number, not a formula).

A CSV line is written by `csv_line`, which quotes a field with a lone carriage return
too: Python 3.11's csv module leaves it bare when lines end in "\n", and a spreadsheet
takes it for a new row, whose first cell would then escape the quote.

Import undoes exactly what export added, so export → import → export gives the same
file. For that to hold for every text, a text that starts with quotes followed by a
formula character (`'=x`) gets one more quote too: `unquote` then strips exactly one.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(text):
    return text.lstrip("'").startswith(FORMULA_STARTS)


def safe_cell(value):
    """A cell value as written: a text that a spreadsheet would take for a formula gets
    a leading '; anything else (numbers, None, other text) is returned as it is."""
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def unquote(text):
    """A text cell as read from a file: without the one ' that `safe_cell` added."""
    if text.startswith("'") and _needs_quote(text):
        return text[1:]
    return text


def csv_line(fields, delimiter=","):
    """One CSV line ending in "\n", quoted as the csv module does (a field with the
    delimiter, a double quote or a line break between double quotes, "" for a quote),
    except that a lone carriage return is quoted too. Fields are str, int or None."""
    return delimiter.join(_csv_field(field, delimiter) for field in fields) + "\n"


def _csv_field(field, delimiter):
    text = "" if field is None else str(field)
    if delimiter in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text
