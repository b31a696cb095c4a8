"""Reading an uploaded CSV or XLSX as rows of text, streamed and within limits.

A file is never read whole into memory before it is checked: a CSV is decoded line by
line, an XLSX is unzipped and its XML parsed in chunks (the workbook is opened
read-only, never loaded). Three limits, all settings, are checked while reading, so a
file that is small when compressed but huge inside (a "zip bomb") is refused after at
most the limit's worth of work:

- IMPORT_MAX_ROWS: data rows under the header (default 50,000);
- IMPORT_MAX_BYTES: uncompressed bytes read, for an XLSX its sheet and its shared
  strings together (default 16 MiB);
- IMPORT_MAX_CELL_CHARS: characters in one cell (default 32,767, Excel's own limit).

A NUL byte or text that is not UTF-8 is an error on its line. Errors are raised as
TableError(line, reason), line None for the whole file; imports.py reports them.
"""

import codecs
import csv
import io
import posixpath
import re
import zipfile
from xml.etree.ElementTree import ParseError, XMLPullParser

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext as _

CHUNK = 64 * 1024


class TableError(Exception):
    def __init__(self, line, reason):
        super().__init__(reason)
        self.line = line
        self.reason = reason


class Limits:
    def __init__(self, *, max_rows=None, max_bytes=None, max_cell=None):
        self.max_rows = max_rows or getattr(settings, "IMPORT_MAX_ROWS", 50_000)
        self.max_bytes = max_bytes or getattr(settings, "IMPORT_MAX_BYTES", 16 * 1024 * 1024)
        self.max_cell = max_cell or getattr(settings, "IMPORT_MAX_CELL_CHARS", 32_767)

    def too_many_rows(self):
        return TableError(
            None,
            _(
                "Het bestand heeft meer dan %(max)s regels onder de kopregel (de grens voor "
                "één upload); splits het bestand."
            )
            % {"max": f"{self.max_rows:,}".replace(",", ".")},
        )

    def too_large(self):
        return TableError(
            None,
            _(
                "Het bestand is uitgepakt groter dan %(max)s MB (de grens voor één upload); "
                "splits het bestand."
            )
            % {"max": self.max_bytes // (1024 * 1024)},
        )

    def cell_too_long(self, line):
        return TableError(
            line,
            _("een cel is langer dan %(max)s tekens (de grens per cel).")
            % {"max": f"{self.max_cell:,}".replace(",", ".")},
        )


def open_source(source):
    """A binary file object of bytes or of an (uploaded or opened) file."""
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    if hasattr(source, "seek"):
        source.seek(0)
    return source


def read_frame(source, name, limits=None):
    """(header, frame) of a CSV or XLSX: the header as a list of strings, the data rows
    as a DataFrame of text with the columns 0..len(header)-1, indexed by line number;
    rows without any text are left out. A row with text beyond the header's columns
    is an error on its line."""
    limits = limits or Limits()
    stream = open_source(source)
    if not name.lower().endswith(".xlsx"):
        return _csv_frame(stream, limits)
    header, rows = _xlsx_table(stream, limits)
    width = len(header)
    for line, cells in rows:
        if len(cells) > width and "".join(cells[width:]).strip():
            raise TableError(line, _("deze regel heeft meer cellen dan de kopregel kolommen."))
    frame = pd.DataFrame(
        [cells[:width] + [""] * (width - len(cells)) for _line, cells in rows],
        index=[line for line, _cells in rows],
        columns=range(width),
        dtype=str,
    )
    return header, frame


def _csv_frame(stream, limits):
    """A CSV read up to the byte limit, checked whole for NUL bytes and UTF-8 (in C),
    parsed by pandas' C parser (a record whose quoted text spans lines counts as one
    line; the header is line 1). Only a file that fails a check is read again line by
    line, to name the line."""
    data = _read_limited(stream, limits)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        if b"\x00" in data:
            raise ValueError
        text = data.decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        for _record in _csv_rows_by_line(io.BytesIO(data), limits):
            pass  # raises on the bad line
        raise TableError(
            None, _("Het bestand is geen UTF-8-tekst. Sla het op als CSV UTF-8.")
        ) from None
    if not text.strip():
        raise TableError(None, _("Het bestand is leeg."))
    delimiter = _delimiter(text.lstrip().split("\n", 1)[0])
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
            nrows=limits.max_rows + 2,  # the header, the limit, and one to know
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as error:
        raise TableError(
            None, _("Het bestand is geen geldige CSV: %(error)s") % {"error": error}
        ) from None
    frame = frame.fillna("")
    header = [str(value) for value in frame.iloc[0]]
    frame = frame.iloc[1:]
    frame.index = range(2, len(frame) + 2)
    frame.columns = range(len(header))
    if len(frame) > limits.max_rows:
        raise limits.too_many_rows()
    for column in frame.columns:
        lengths = frame[column].str.len()
        if len(lengths) and lengths.max() > limits.max_cell:
            raise limits.cell_too_long(int(lengths.idxmax()))
    blank = (frame == "").all(axis=1)
    return header, frame[~blank] if blank.any() else frame


def _xlsx_table(stream, limits):
    """(header, [(line, cells), …]) of an XLSX's first sheet: the first row with text
    is the header; rows without text are left out; the row limit is checked here."""
    header = None
    data = []
    for line, cells in _xlsx_rows(stream, limits):
        if not "".join(cells).strip():
            continue
        if header is None:
            header = cells
            continue
        if len(data) >= limits.max_rows:
            raise limits.too_many_rows()
        data.append((line, cells))
    if header is None:
        raise TableError(None, _("Het bestand is leeg."))
    return header, data


# --- CSV -------------------------------------------------------------------------------


def _delimiter(header):
    """';' when the header line has more semicolons than commas (Dutch Excel's "CSV"),
    else ','. Only the header decides: values (comments) may hold either."""
    return ";" if header.count(";") > header.count(",") else ","


def _utf16():
    return TableError(
        None, _("Het bestand is geen UTF-8-tekst (maar UTF-16). Sla het op als CSV UTF-8.")
    )


def _read_limited(stream, limits):
    chunks = []
    total = 0
    while True:
        chunk = stream.read(CHUNK * 16)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limits.max_bytes:
            raise limits.too_large()
        if not chunks and chunk[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            raise _utf16()
        chunks.append(chunk)


def _records(reader, limits, state=None):
    state = state if state is not None else {"record": 1}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise limits.cell_too_long(state["record"]) from None
            raise TableError(
                state["record"], _("geen geldige CSV: %(error)s") % {"error": error}
            ) from None
        if cells and max(map(len, cells)) > limits.max_cell:
            raise limits.cell_too_long(state["record"])
        yield state["record"], cells
        state["record"] += 1


def _csv_rows_by_line(stream, limits):
    """A CSV decoded line by line: the slow way that names the line with a
    NUL byte or with text that is not UTF-8."""
    state = {"record": 1, "bytes": 0}
    lines = _decoded_lines(stream, limits, state)
    try:
        first = next(lines)
    except StopIteration:
        return

    def all_lines():
        yield first
        yield from lines

    reader = csv.reader(all_lines(), delimiter=_delimiter(first), strict=False)
    yield from _records(reader, limits, state)


def _decoded_lines(stream, limits, state):
    """The file's lines as text: UTF-8 (a byte-order mark is dropped), each checked for
    NUL bytes and bad encoding, the bytes read counted against the limit."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    first = True
    # A line longer than a cell can be (4 bytes a character), plus room for the rest.
    longest = limits.max_cell * 4 + 4096
    while True:
        raw = stream.readline(longest + 1)
        if not raw:
            return
        state["bytes"] += len(raw)
        if state["bytes"] > limits.max_bytes:
            raise limits.too_large()
        if len(raw) > longest:
            raise limits.cell_too_long(state["record"])
        if first:
            first = False
            if raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            elif raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                raise _utf16()
        if b"\x00" in raw:
            raise TableError(
                state["record"],
                _("de regel bevat een NUL-teken (een beschadigd of binair bestand?)."),
            )
        try:
            yield decoder.decode(raw)
        except UnicodeDecodeError as error:
            raise TableError(
                state["record"],
                _("de tekst is geen UTF-8 (teken 0x%(byte)02x); sla het bestand op als CSV UTF-8.")
                % {"byte": raw[error.start] if error.start < len(raw) else 0},
            ) from None


# --- XLSX ------------------------------------------------------------------------------

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
CELL_REFERENCE = re.compile(r"([A-Z]+)(\d+)$")


def _bad_xlsx():
    return TableError(None, _("Het bestand is geen geldig Excel-bestand (.xlsx)."))


def _names(local):
    """A tag as ElementTree names it, with the main namespace and without (both occur)."""
    return {MAIN + local, local}


ROW, CELL, VALUE, TEXT = _names("row"), _names("c"), _names("v"), _names("t")


def _elements(archive, member, limits, counter, tags):
    """The elements whose tag is in `tags`, each when it is complete, parsed a chunk
    at a time. Only end events: a used element is cleared (its text and children
    freed); what stays is an empty shell per element, bounded by the row limit and
    the byte limit."""
    parser = XMLPullParser(events=("end",))
    with archive.open(member) as part:
        while True:
            chunk = part.read(CHUNK)
            if not chunk:
                break
            counter["bytes"] += len(chunk)
            if counter["bytes"] > limits.max_bytes:
                raise limits.too_large()
            parser.feed(chunk)
            for _event, element in parser.read_events():
                if element.tag in tags:
                    yield element
                    element.clear()
        parser.close()
        for _event, element in parser.read_events():
            if element.tag in tags:
                yield element


def _xlsx_rows(stream, limits):
    """(row number, cells) of the workbook's first sheet. Shared strings and the sheet
    are parsed in chunks; their uncompressed bytes together count against the limit."""
    try:
        archive = zipfile.ZipFile(stream)
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _bad_xlsx() from None
    counter = {"bytes": 0}
    try:
        sheet = _first_sheet(archive, names, limits, counter)
        _prescan(archive, sheet, names, limits)
        counter["bytes"] = 0
        strings = []
        if "xl/sharedStrings.xml" in names:
            strings = _shared_strings(archive, limits, counter)
        yield from _sheet_rows(archive, sheet, strings, limits, counter)
    except TableError:
        raise
    except (zipfile.BadZipFile, ParseError, KeyError, OSError, EOFError, ValueError):
        raise _bad_xlsx() from None


ROW_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def _prescan(archive, sheet, names, limits):
    """Unzip the sheet and its shared strings once without parsing (fast, in C): their
    size against the byte limit and the sheet's rows against the row limit, before the
    slower parse. Every <row> counts here, also an empty one (a sheet of more than
    IMPORT_MAX_ROWS formatted empty rows is refused too)."""
    total = 0
    rows = 0
    for member in ("xl/sharedStrings.xml", sheet):
        if member not in names:
            continue
        tail = b""
        with archive.open(member) as part:
            while True:
                chunk = part.read(CHUNK * 16)
                if not chunk:
                    break
                total += len(chunk)
                if total > limits.max_bytes:
                    raise limits.too_large()
                if member == sheet:
                    window = tail + chunk
                    rows += sum(
                        1 for match in ROW_START.finditer(window) if match.end() > len(tail)
                    )
                    if rows > limits.max_rows + 1:
                        raise limits.too_many_rows()
                    tail = window[-32:]


def _first_sheet(archive, names, limits, counter):
    sheet_id = None
    for element in _elements(archive, "xl/workbook.xml", limits, counter, _names("sheet")):
        sheet_id = element.get(RELATIONSHIP)
        break
    target = None
    if sheet_id and "xl/_rels/workbook.xml.rels" in names:
        for element in _elements(
            archive,
            "xl/_rels/workbook.xml.rels",
            limits,
            counter,
            {"{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"},
        ):
            if element.get("Id") == sheet_id:
                target = element.get("Target", "")
                break
    if target:
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        path = posixpath.normpath(path)
        if path in names:
            return path
    if "xl/worksheets/sheet1.xml" in names:
        return "xl/worksheets/sheet1.xml"
    raise _bad_xlsx()


def _shared_strings(archive, limits, counter):
    strings = []
    for element in _elements(archive, "xl/sharedStrings.xml", limits, counter, _names("si")):
        text = "".join(node.text or "" for node in element.iter() if node.tag in TEXT)
        if len(text) > limits.max_cell:
            raise limits.cell_too_long(None)
        strings.append(text)
    return strings


def _column_index(letters):
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _sheet_rows(archive, sheet, strings, limits, counter):
    number = 0
    rows_seen = 0
    for row in _elements(archive, sheet, limits, counter, ROW):
        number = int(row.get("r") or number + 1)
        rows_seen += 1
        # The header and the data rows; blank rows are dropped later but still count
        # here, so a sheet of millions of empty rows stops too.
        if rows_seen > 2 * limits.max_rows + 1:
            raise limits.too_many_rows()
        cells = []
        for cell in row:
            if cell.tag not in CELL:
                continue
            reference = CELL_REFERENCE.match(cell.get("r") or "")
            index = _column_index(reference.group(1)) if reference else len(cells)
            if index > 16_384:
                raise _bad_xlsx()
            value = _cell_value(cell, strings)
            if len(value) > limits.max_cell:
                raise limits.cell_too_long(number)
            while len(cells) < index:
                cells.append("")
            cells.append(value)
        yield number, cells


def _cell_value(cell, strings):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(node.text or "" for node in cell.iter() if node.tag in TEXT)
    value = ""
    for node in cell:
        if node.tag in VALUE:
            value = node.text or ""
    if kind == "s":
        try:
            return strings[int(value)]
        except (ValueError, IndexError):
            raise _bad_xlsx() from None
    if kind == "b":
        return "TRUE" if value == "1" else "FALSE"
    if kind == "n" and value.endswith(".0"):
        return value[:-2]  # a whole number written as a float
    return value
