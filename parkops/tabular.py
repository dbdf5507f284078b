"""Reading an uploaded .csv, .xlsx or .xls into a header and numbered rows.

Every import goes through ``read_table``; the cells it returns are parsed with
``parkops.cells`` (dates, times, amounts). What it promises:

- Bounds before parsing: the file's bytes; for .xlsx the uncompressed size of
  every zip part (read from the zip's directory, so a bomb is refused without
  being inflated; Python's zipfile never inflates a part past its declared
  size); rows (reading stops at the cap); columns (only the header's width is
  read, whatever the sheet's declared dimension says).
- CSV text in UTF-8 (with or without a byte-order mark) or GB18030; anything
  else (Big5, Shift-JIS…) is refused naming the accepted encodings, never
  stored as mojibake.
- Control characters (``\\x0b`` pasted from Word or WeChat…) are removed from
  every text cell; tabs and line breaks inside a cell are kept.
- Any damaged workbook (bad zip, missing parts, broken or hostile XML: openpyxl
  parses through defusedxml when it is installed, and it is a dependency) is
  "not a readable workbook", a ``TabularError``, never a 500.

Errors are ``TabularError``: a translatable message, with the line when one
line is at fault. A problem with one row is worded by ``line_problem``, the one place
that puts a line number before a reason.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

import xlrd
from charset_normalizer import from_bytes
from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from parkops.i18n import LANGUAGES

MAX_ROWS = 50_000  # data rows of one import
HEADER_SEARCH = 100  # rows looked at for the header row
MAX_COLUMNS = 200  # header cells looked at; a sheet claiming 16,384 columns is read this wide
MAX_PART_BYTES = 64 * 1024 * 1024  # one .xlsx part, uncompressed
MAX_WORKBOOK_BYTES = 160 * 1024 * 1024  # all parts together, uncompressed
DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # without an app; with one, UPLOAD_MAX_BYTES
UTF8_BOM = b"\xef\xbb\xbf"
ENCODINGS = "UTF-8, GB18030"

# C0 controls but tab and line feed, DEL, C1 controls, and the non-characters XML refuses.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
# OOXML writes a character XML cannot hold (Excel's \x0b) as _x000B_, and "_x" as _x005F_x.
_OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")

Cell = str | int | float | bool | date | datetime | time | None


class TabularError(ValueError):
    """A file or a line that cannot be read; ``str()`` is the message in the reader's
    language, ``line`` the file's line (1-based) at fault or None."""

    def __init__(self, message, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return str(self.message)


def line_problem(line: int, problem) -> str:
    """What is wrong with a file's line, for a list of problems: "Line 2: not a date:
    45500". ``problem`` is the reason alone (``parkops.cells`` and the modules' checks
    never name the line themselves), so the number is written once."""
    return str(_l("Line %(line)s: %(problem)s", line=line, problem=problem))


@dataclass(frozen=True)
class Row:
    line: int  # the line of the file (CSV: where the record starts; sheets: the row number)
    cells: tuple[Cell, ...]  # as wide as the header; text stripped and cleaned, empty as ""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]  # the first non-blank row, as text
    rows: list[Row]  # data rows, blank ones left out

    def column(self, *names: str) -> int | None:
        """The index of the first header cell matching one of ``names`` (case, spaces
        and full- or half-width forms ignored: "金额（元）" is "金额(元)"), or None."""
        folded = [fold_header(h) for h in self.header]
        for name in map(fold_header, names):
            if name in folded:
                return folded.index(name)
        return None


def naming(*columns: tuple[str, ...]) -> Callable[[tuple[str, ...]], bool]:
    """A ``header_like`` for ``read_table``: a row naming every one of ``columns``, each
    the names one column goes by (as ``Table.column`` takes them)."""
    return lambda cells: all(Table(cells, []).column(*names) is not None for names in columns)


def fold_header(text: str) -> str:
    """A header as compared: NFKC (full-width brackets and letters as half-width),
    lower case, without spaces (an Excel header wraps or pads at will)."""
    return "".join(unicodedata.normalize("NFKC", str(text)).lower().split())


def in_every_language(label) -> tuple[str, ...]:
    """A (lazy) label as each language of the interface writes it: the headers a file
    may use because the import page or its errors name the field so."""
    found = []
    for locale in LANGUAGES:
        with force_locale(locale):
            found.append(str(label))
    return tuple(found)


def clean_text(text: str) -> str:
    """``text`` without control characters, with Windows/Mac line ends as ``\\n``,
    stripped."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def too_large(limit: int):
    """The refusal of a file over ``limit`` bytes (a lazy string)."""
    return _l("The file is larger than %(mb)s MB: split it.", mb=round(limit / 1024 / 1024, 1))


def read_table(
    file_name: str,
    data: bytes,
    *,
    max_rows: int = MAX_ROWS,
    max_bytes: int | None = None,
    header_has: tuple[str, ...] = (),
    header_like: Callable[[tuple[str, ...]], bool] | None = None,
) -> Table:
    """The first sheet (or the CSV) of an upload: header and data rows.

    ``file_name`` chooses the format by its extension (.csv, .xlsx, .xls);
    ``max_bytes`` defaults to the app's UPLOAD_MAX_BYTES. ``header_has``: the header is
    the first row holding all these names (a payment bill's title lines before it are
    skipped; looked for in the first HEADER_SEARCH rows), not the first non-blank row.
    ``header_like``: the header is the first of those rows it accepts (given the row's
    cells as text), the rows above it (a report's title, its unit and date, as 用友 and
    金蝶 export them) skipped; when it accepts none, the first non-blank row, so the
    caller can name the columns it missed. Raises TabularError.
    """
    limit = max_bytes or (
        current_app.config["UPLOAD_MAX_BYTES"] if has_app_context() else DEFAULT_MAX_BYTES
    )
    if len(data) > limit:
        raise TabularError(too_large(limit))
    name = file_name.lower()
    if name.endswith(".csv"):
        lines = _csv_lines(data, max_rows)
    elif name.endswith(".xlsx"):
        lines = _xlsx_lines(data, max_rows)
    elif name.endswith(".xls"):
        lines = _xls_lines(data, max_rows)
    else:
        raise TabularError(_l("Upload a .csv, .xlsx or .xls file."))
    if header_like is not None:
        lines = _from_header(lines, header_like)
    return _table(lines, max_rows, header_has)


def _from_header(lines, header_like):
    """``lines`` from the first non-blank one among the first HEADER_SEARCH that
    ``header_like`` accepts; all of them when it accepts none."""
    looked = []
    for line, cells in lines:
        texts = tuple(str(c) for c in map(_clean, cells))
        if all(t == "" for t in texts):
            continue
        if header_like(texts):
            yield line, cells
            break
        looked.append((line, cells))
        if len(looked) >= HEADER_SEARCH:
            yield from looked
            break
    else:
        yield from looked
    yield from lines


def _table(lines, max_rows: int, header_has: tuple[str, ...] = ()) -> Table:
    header: tuple[str, ...] | None = None
    rows: list[Row] = []
    looked = 0
    for line, cells in lines:
        cells = [_clean(c) for c in cells]
        if all(c == "" for c in cells):
            continue
        if header is None and header_has:
            looked += 1
            if not set(header_has) <= {str(c).lstrip("\ufeff") for c in cells}:
                if looked >= HEADER_SEARCH:
                    break
                continue
        if header is None:
            texts = [str(c) for c in cells[:MAX_COLUMNS]]
            width = max((i for i, c in enumerate(texts) if c), default=0) + 1
            header = tuple(t.lstrip("\ufeff") for t in texts[:width])
            continue
        if len(rows) >= max_rows:
            raise TabularError(
                _l("The file has more than %(n)s rows: split it.", n=max_rows), line=line
            )
        cells = cells[: len(header)] + [""] * (len(header) - len(cells))
        rows.append(Row(line, tuple(cells)))
    if header is None and header_has:
        raise TabularError(_l("No header row naming %(columns)s.", columns=", ".join(header_has)))
    if header is None:
        raise TabularError(_l("The file is empty."))
    if not rows:
        raise TabularError(_l("The file has a header row but no data."))
    return Table(header, rows)


def _clean(value) -> Cell:
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    return value


# --- CSV ---------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (a byte-order mark is dropped) or GB18030. Text that
    is neither, or that reads as GB18030 only by accident (Big5 does: every Big5
    byte pair is some GB18030 character), is refused naming the accepted encodings."""
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    refused = TabularError(
        _l(
            "The file's text is not in an accepted encoding (%(encodings)s): "
            "save it again as 'CSV UTF-8'.",
            encodings=ENCODINGS,
        )
    )
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise refused from exc
    # Big5 read as GB18030 lands in the private use area, or outside GB2312 (a Big5
    # trail byte below 0xA1 makes a rare GBK character): then ask charset-normalizer.
    # Text wholly in GB2312 is taken as GB: short files are ambiguous, GB is local.
    if _PRIVATE_USE.search(text):
        raise refused
    if not _within_gb2312(text):
        guess = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
        if guess is not None and guess.encoding == "big5":
            raise refused
    return text


def _within_gb2312(text: str) -> bool:
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _csv_lines(data: bytes, max_rows: int):
    text = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel in some locales writes ';'
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for count, cells in enumerate(reader):
            if count > max_rows + 1:
                raise TabularError(
                    _l("The file has more than %(n)s rows: split it.", n=max_rows), line=start
                )
            yield start, cells[:MAX_COLUMNS]
            start = reader.line_num + 1
    except csv.Error as exc:
        raise TabularError(
            _l("Line %(line)s is not valid CSV: %(error)s", line=start, error=str(exc)), line=start
        ) from exc


# --- workbooks ---------------------------------------------------------------------------------


def _unreadable() -> TabularError:
    return TabularError(_l("The file is not a readable workbook: open it and save it again."))


def check_zip_parts(data: bytes) -> None:
    """Refuse an .xlsx whose parts would inflate past the limits, from the zip's
    directory alone (nothing is decompressed)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sizes = [info.file_size for info in archive.infolist()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise _unreadable() from exc
    if any(size > MAX_PART_BYTES for size in sizes) or sum(sizes) > MAX_WORKBOOK_BYTES:
        raise TabularError(
            _l("The workbook is too large once unpacked: split it or save it as CSV.")
        )


def _xlsx_lines(data: bytes, max_rows: int):
    from openpyxl import load_workbook  # 13 MiB: loaded by the first import, not every worker

    check_zip_parts(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception as exc:  # a damaged file fails in many ways: all mean the same to a user
        raise _unreadable() from exc
    try:
        # The widest of the first rows (where the header is) sets the width: the sheet's
        # declared dimension is ignored (max_col given), and reading stops just past
        # the row cap (max_row given).
        found = list(_sheet_rows(sheet, max_col=MAX_COLUMNS, max_row=HEADER_SEARCH))
        first = next((line for line, c in found if c), 0)
        width = max((len(c) for _line, c in found), default=1)
        last = first + max_rows
        for line, cells in _sheet_rows(sheet, max_col=max(width, 1), max_row=last + 1):
            if line > last:
                raise TabularError(
                    _l("The file has more than %(n)s rows: split it.", n=max_rows), line=line
                )
            yield line, [_unescape(c) if isinstance(c, str) else c for c in cells]
    finally:
        book.close()


def _unescape(text: str) -> str:
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _sheet_rows(sheet, *, max_col: int, max_row: int):
    """(row number, values without trailing blanks) of the sheet's first rows."""
    try:
        rows = sheet.iter_rows(max_col=max_col, max_row=max_row, values_only=True)
        for line, cells in enumerate(rows, start=1):
            cells = list(cells)
            while cells and cells[-1] in (None, ""):
                cells.pop()
            yield line, cells
    except Exception as exc:  # XML errors, defusedxml refusals, missing parts
        raise _unreadable() from exc


def _xls_lines(data: bytes, max_rows: int):
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        sheet = book.sheet_by_index(0)
    except Exception as exc:  # xlrd raises XLRDError, struct.error, IndexError… on damage
        raise _unreadable() from exc
    if sheet.nrows > max_rows + 1:
        raise TabularError(_l("The file has more than %(n)s rows: split it.", n=max_rows))
    width = min(sheet.ncols, MAX_COLUMNS)
    for r in range(sheet.nrows):
        types = sheet.row_types(r, end_colx=width)
        values = sheet.row_values(r, end_colx=width)
        yield r + 1, [_xls_cell(t, v, book.datemode) for t, v in zip(types, values, strict=True)]


def _xls_cell(kind: int, value, datemode: int) -> Cell:
    if kind == xlrd.XL_CELL_DATE:
        moment = xlrd.xldate_as_datetime(value, datemode)
        return moment.date() if moment.time() == time.min else moment
    if kind == xlrd.XL_CELL_NUMBER:
        return int(value) if float(value).is_integer() else value  # .xls keeps every number a float
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    return value
