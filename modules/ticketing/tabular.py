"""Reading an uploaded .csv or .xlsx into numbered rows keyed by column name.

CSV files come from Excel, WPS and ticketing systems in UTF-8 (with or without
a byte-order mark) or GB18030; the encoding is found by trying them in that
order. Column names are matched without regard to case or surrounding spaces,
in any order; extra columns are ignored.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from modules.ticketing.errors import TicketingError

UTF8_BOM = b"\xef\xbb\xbf"


@dataclass
class Table:
    rows: list[tuple[int, dict[str, object]]]  # (line number in the file, column → value)


def read_table(file_name: str, data: bytes, required: tuple[str, ...]) -> Table:
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if len(data) > limit:
        raise TicketingError(
            _("The file is larger than %(mb)s MB: split it.", mb=round(limit / 1024 / 1024, 1))
        )
    name = file_name.lower()
    if name.endswith(".xlsx"):
        lines = _xlsx_lines(data)
    elif name.endswith(".csv"):
        lines = _csv_lines(data)
    else:
        raise TicketingError(_("Upload a .csv or .xlsx file."))
    header = next(lines, None)
    if header is None:
        raise TicketingError(_("The file is empty."))
    names = [str(h or "").strip().lower() for h in header[1]]
    missing = [c for c in required if c not in names]
    if missing:
        raise TicketingError(
            _("Columns missing from the header row: %(columns)s.", columns=", ".join(missing))
        )
    doubled = sorted({c for c in required if names.count(c) > 1})
    if doubled:
        raise TicketingError(
            _("Columns named twice in the header row: %(columns)s.", columns=", ".join(doubled))
        )
    index = {c: names.index(c) for c in required}
    rows = []
    for line_no, cells in lines:
        if all(_blank(c) for c in cells):
            continue
        rows.append(
            (line_no, {c: _clean(cells[i]) if i < len(cells) else "" for c, i in index.items()})
        )
    if not rows:
        raise TicketingError(_("The file has a header row but no data."))
    return Table(rows)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(value):
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


def _decode(data: bytes) -> str:
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TicketingError(_("The file is neither UTF-8 nor GB18030 text."))


def _csv_lines(data: bytes):
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        start = 1
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise TicketingError(
            _("Line %(line)s is not valid CSV: %(error)s", line=reader.line_num, error=exc)
        ) from exc


def _xlsx_lines(data: bytes):
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise TicketingError(_("The file is not a readable .xlsx workbook.")) from exc
    try:
        sheet = book.worksheets[0]
        for line_no, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line_no, list(cells)
    finally:
        book.close()
