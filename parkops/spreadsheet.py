"""Writing the .xlsx and .csv files people download: safe cells, one look, a print layout.

Every export goes through here, so each promise holds in every file:

- Text stays text: a cell typed ``=HYPERLINK(…)``, ``+1``, ``-1``, ``@SUM(…)`` or
  starting with a tab or carriage return is a string cell with Excel's quote
  prefix in .xlsx, and gets OWASP's leading ``'`` in CSV; never a formula.
- Numbers stay numbers; amounts in fen (``Column(kind="fen")``) are written as
  yuan with two decimals and a number format; dates as dates.
- Times are local (the app's TIMEZONE, Asia/Shanghai), never UTC: an aware
  datetime is converted, a naive one is taken as already local.
- Control characters XML cannot hold are stripped, so no user text makes an
  export fail; cells are cut at Excel's 32,767 characters.
- An Enum value is refused (TypeError): give its label, no internal key
  reaches a person.
- The header row is bold on a green fill, frozen, filtered, with set column
  widths; every sheet prints on A4 landscape, fit to the page width, wrapped,
  the header row repeated on each page, the title and date in the page header.
"""

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Literal

from flask_babel import gettext as _

from parkops.money import fen_to_decimal
from parkops.timeutil import to_local, utcnow

Kind = Literal["text", "number", "fen", "date", "datetime", "percent"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32767  # Excel's limit on the characters of one cell
# The characters XML 1.0 cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE, without importing it)
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
HEADER_FILL = "DCEFE4"
LINE_POINTS = 14.5  # the height of one line of 11 pt text (Latin or CJK), in points
CJK_WIDTH = 1.85  # a CJK character's width in widths of "0" (Excel's column unit), 11 pt
MAX_ROW_POINTS = 409  # Excel's tallest row
FORMATS = {
    "fen": "#,##0.00",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "percent": "0%",
}


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14  # characters
    kind: Kind = "text"  # how values of the column are written; "fen" takes int fen


def safe_text(value: str) -> str:
    """Text without the control characters XML cannot hold, at most one cell long."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL]


def _local(moment: datetime) -> datetime:
    # Excel has no time zones: write the wall-clock time of the park.
    return to_local(moment).replace(tzinfo=None) if moment.tzinfo else moment


def _value(value, kind: Kind):
    """A Python value as the workbook holds it (str, number, date, datetime or None)."""
    if isinstance(value, Enum):
        raise TypeError(f"write the label of {value!r}, not the enum")
    if value is None:
        return None
    if kind == "fen" and isinstance(value, int) and not isinstance(value, bool):
        return fen_to_decimal(value)
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, int | float | Decimal | date | time | bool):
        return value
    return safe_text(str(value))  # lazy strings and the like


@dataclass(frozen=True)
class _Look:
    header_font: object
    header_fill: object
    header_align: object
    wrap: object


@cache
def _look() -> _Look:
    """The cell styles every sheet shares, built once."""
    # openpyxl (13 MiB, 200 modules) is imported by the first export, not at start.
    from openpyxl.styles import Alignment, Font, PatternFill

    return _Look(
        header_font=Font(bold=True),
        header_fill=PatternFill("solid", fgColor=HEADER_FILL),
        header_align=Alignment(wrap_text=True, vertical="center", horizontal="center"),
        wrap=Alignment(wrap_text=True, vertical="top"),
    )


class Sheet:
    """One worksheet: its layout set and header written; ``append`` adds a row.

    Rows are streamed to the workbook's temporary file as they come (openpyxl's
    write-only mode): a sheet of 100,000 rows holds one row in memory, not every cell.
    """

    def __init__(self, ws, title: str, columns: Sequence[Column], when: datetime):
        from openpyxl.utils import get_column_letter  # see _look: loaded on first use

        self.ws = ws
        self.columns = list(columns)
        self.row = 0
        # Widths, the frozen header and the print layout precede the rows in the file.
        for number, column in enumerate(self.columns, start=1):
            ws.column_dimensions[get_column_letter(number)].width = column.width
        ws.freeze_panes = "A2"
        _print_layout(ws, title, when)
        # Each distinct cell style, built once: openpyxl hashes every style object a cell
        # is given (a third of an export's time), a copied style array is the same ids.
        self.styles: dict[tuple, object] = {}
        look = _look()
        header = [_cell(ws, c.header, "text", styles={}) for c in self.columns]
        for cell in header:
            cell.font, cell.fill, cell.alignment = (
                look.header_font,
                look.header_fill,
                look.header_align,
            )
        self._write(header)

    def append(self, values: Iterable, *, bold: bool = False) -> None:
        """Add a row: one value per column (missing ones left empty)."""
        cells = []
        for number, value in enumerate(values):
            kind = self.columns[number].kind if number < len(self.columns) else "text"
            cells.append(_cell(self.ws, value, kind, bold=bold, styles=self.styles))
        self._write(cells)

    def _write(self, cells: list) -> None:
        lines = max((self._lines(n, c.value) for n, c in enumerate(cells)), default=1)
        if lines > 1:
            # Stored heights, not left to the reader: LibreOffice (and Excel, for a file
            # it did not write) shows a wrapped row one line high until it is resized,
            # and the printout cut every long cell to its first line.
            self.ws.row_dimensions[self.row + 1].height = min(
                lines * LINE_POINTS + 2, MAX_ROW_POINTS
            )
        self.ws.append(cells)
        if lines > 1:
            del self.ws.row_dimensions[self.row + 1]  # written: keep the stream's memory flat
        self.row += 1

    def _lines(self, number: int, value) -> int:
        """How many lines ``value`` wraps to in column ``number``: an estimate, from the
        widths of a CJK and a Latin character as LibreOffice draws them."""
        if not isinstance(value, str) or number >= len(self.columns):
            return 1
        usable = max(self.columns[number].width - 1, 1)
        total = 0
        for line in value.split("\n"):
            # UTF-8 gives CJK three bytes and ASCII one: (bytes - characters) / 2 counts CJK.
            chars = len(line)
            width = chars + (CJK_WIDTH - 1) * (len(line.encode()) - chars) / 2
            total += max(1, math.ceil(width / usable))
        return total

    def filter(self) -> None:
        """An auto-filter over the header and the rows written so far."""
        from openpyxl.utils import get_column_letter  # see _look: loaded on first use

        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{self.row}"


def _cell(ws, value, kind: Kind = "text", *, bold: bool = False, styles: dict):
    """One cell for ``ws.append``: safe (text stays text), formatted by ``kind``, wrapped.

    ``styles`` keeps the style of each (number format, quote prefix, bold) seen in the
    sheet; a cell of a known one gets a copy of it rather than its parts again."""
    from openpyxl.cell import WriteOnlyCell  # see _look: loaded on first use

    stored = _value(value, kind)
    cell = WriteOnlyCell(ws, value=stored)
    number_format, quote = None, False
    if isinstance(stored, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
        quote = stored.startswith(FORMULA_START)  # and stays text when a person edits it
    elif isinstance(stored, datetime):
        number_format = FORMATS["datetime"]
    elif isinstance(stored, date):
        number_format = FORMATS["date"]
    elif kind in FORMATS and isinstance(stored, int | float | Decimal):
        number_format = FORMATS[kind]
    key = (number_format, quote, bold)
    if key in styles:
        cell._style = copy(styles[key])
        return cell
    if number_format:
        cell.number_format = number_format
    if quote:
        cell.quotePrefix = True
    look = _look()
    cell.alignment = look.wrap
    if bold:
        cell.font = look.header_font
    styles[key] = copy(cell._style)
    return cell


def _print_layout(ws, title: str, when: datetime) -> None:
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    # Narrow margins (1 cm, 0.5 cm for the page header and footer): a wide register
    # prints larger.
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.2
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    # "&" starts a code in header text: a title with "&" must stay text.
    ws.oddHeader.center.text = safe_text(title).replace("&", "&&")
    ws.oddHeader.right.text = _local(when).strftime("%Y-%m-%d %H:%M")
    ws.oddFooter.center.text = "&P / &N"


class Book:
    """An .xlsx workbook of one or more sheets sharing a title and an export time.

    Written once: add the sheets and their rows, then ``to_bytes`` (rows cannot be
    added after, nor to a sheet once a later one has rows: each streams in turn).
    """

    def __init__(self, title: str, when: datetime | None = None):
        from openpyxl import Workbook  # see _look: loaded on first use

        self.title = title
        self.when = when or utcnow()
        self.book = Workbook(write_only=True)

    def sheet(self, name: str, columns: Sequence[Column]) -> Sheet:
        """A new sheet named ``name`` (cut to Excel's 31 characters)."""
        ws = self.book.create_sheet(safe_text(name)[:31])
        return Sheet(ws, self.title, columns, self.when)

    def to_bytes(self) -> bytes:
        self.book.properties.title = safe_text(self.title)
        self.book.properties.creator = "ParkOps"
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()


def _csv_value(value, kind: Kind) -> str:
    stored = _value(value, kind)
    if stored is None:
        return ""
    if isinstance(stored, str):
        return "'" + stored if stored.startswith(FORMULA_START) else stored
    if isinstance(stored, bool):
        return _("Yes") if stored else _("No")
    if isinstance(stored, datetime):
        return stored.strftime("%Y-%m-%d %H:%M")
    if isinstance(stored, date):
        return stored.isoformat()
    if kind == "percent":
        return f"{stored:.0%}"
    return str(stored)


def csv_bytes(columns: Sequence[Column], rows: Iterable[Iterable]) -> bytes:
    """A CSV file: UTF-8 with a byte-order mark (so Excel opens Chinese text right),
    CRLF line ends, the header row first, cells made safe as in the workbook."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_value(c.header, "text") for c in columns])
    for values in rows:
        values = list(values)
        values += [None] * (len(columns) - len(values))  # every line as wide as the header
        writer.writerow(
            [
                _csv_value(v, columns[i].kind if i < len(columns) else "text")
                for i, v in enumerate(values)
            ]
        )
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
