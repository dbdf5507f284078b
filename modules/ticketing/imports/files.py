"""What every import file shares: reading it (through ``parkops.tabular``), its hash (the
same file twice imports nothing), the result and its row errors (line numbers, the header is
line 1), and the parsing of one cell (through ``parkops.cells``).
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from modules.ticketing.errors import TicketingError
from modules.ticketing.models import SalesImport
from parkops.cells import bounded, parse_date, parse_datetime
from parkops.extensions import db
from parkops.forms import halfwidth
from parkops.tabular import TabularError, naming, read_table
from parkops.timeutil import business_day

# A time with an explicit offset (ISO 8601, as ticketing systems export): read as written.
WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})$")
WHOLE = re.compile(r"^\d+$")
CLOCK_SKEW = timedelta(minutes=10)  # a till's clock may run a little ahead
# How far back an import reaches: a bill or a count of a day older than this is a wrong
# date (1999 for 2026), not a late file; a past day is changed by a correction.
FURTHEST_BACK_DAYS = 731  # two years
CHUNK = 500  # values per IN (…) list


@dataclass
class RowError:
    line: int
    reasons: list[str]
    link: str | None = None  # the page where it is put right (a signed day's page)


@dataclass
class ImportResult:
    imported: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    previous: SalesImport | None = None  # an earlier import of this very file
    record: SalesImport | None = None
    reversals: int = 0  # void and refund lines now waiting for approval
    confirmed_voids: int = 0  # printed tickets' void lines matching approved voids

    @property
    def ok(self) -> bool:
        return not self.errors


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def earlier_import(kind: str, digest: str) -> SalesImport | None:
    return db.session.scalar(
        select(SalesImport).where(SalesImport.kind == kind, SalesImport.file_hash == digest)
    )


def chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def cell_text(value) -> str:
    """A cell holding a code, a number or a choice as text: whole floats without ``.0``,
    full-width forms as ASCII (``parkops.forms.halfwidth``: "ＺＯＯ" is "ZOO"), stripped."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return halfwidth(str(value)).strip()


def read_rows(
    file_name: str, data: bytes, required: tuple[str, ...], optional: tuple[str, ...] = ()
):
    """The data rows of an upload as ``[(line, {column: cell})]`` for the ``required``
    columns and those ``optional`` ones the header names ("" where it does not); any
    order, case ignored, other columns ignored. Raises TicketingError for a file that
    cannot be read (its message names the line when one is at fault)."""
    try:
        # A title row (merged across) may stand above the header: skipped.
        table = read_table(file_name, data, header_like=naming(*((c,) for c in required)))
    except TabularError as exc:
        raise TicketingError(str(exc)) from exc
    index = {c: table.column(c) for c in required}
    missing = [c for c, i in index.items() if i is None]
    if missing:
        raise TicketingError(
            _("Columns missing from the header row: %(columns)s.", columns=", ".join(missing))
        )
    folded = [h.strip().lower() for h in table.header]
    doubled = sorted({c for c in required + optional if folded.count(c) > 1})
    if doubled:
        raise TicketingError(
            _("Columns named twice in the header row: %(columns)s.", columns=", ".join(doubled))
        )
    index.update({c: table.column(c) for c in optional})
    return [
        (row.line, {c: "" if i is None else row.cells[i] for c, i in index.items()})
        for row in table.rows
    ]


def parse_time(value) -> datetime:
    """A sale's time → aware UTC. Local time as Excel and WPS write it (``2024/5/1
    9:05``, a workbook date cell…) unless it carries an offset (``+08:00``, ``Z``).
    Raises ValueError with the reason alone: the error table has a line column."""
    raw = cell_text(value) if isinstance(value, str) else ""
    if WITH_OFFSET.match(raw):
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        bounded(moment.date())  # year 1 or 9999 would overflow in UTC
        return moment.astimezone(UTC)
    moment = parse_datetime(value)
    if moment is None:
        raise ValueError(_("time %(value)s is not a date and time", value="—"))
    return moment.astimezone(UTC)


def parse_day(value) -> date:
    """A local date as Excel and WPS write it; raises ValueError with the reason alone."""
    day = parse_date(value)
    if day is None:
        raise ValueError(_("date %(value)s is not a date", value="—"))
    return day


def too_far_back(day: date) -> str | None:
    """Why a local day is too far back to import, naming the earliest day taken; None
    when it is not."""
    earliest = business_day() - timedelta(days=FURTHEST_BACK_DAYS)
    if day >= earliest:
        return None
    return _(
        "%(day)s is more than two years back (before %(earliest)s): check the date",
        day=day.isoformat(),
        earliest=earliest.isoformat(),
    )


def parse_whole(value, minimum: int, maximum: int, what: str) -> int:
    raw = cell_text(value)
    if not WHOLE.match(raw) or not minimum <= int(raw) <= maximum:
        raise ValueError(
            _(
                "%(what)s %(value)s is not a whole number from %(min)s to %(max)s",
                what=what,
                value=raw or "—",
                min=minimum,
                max=maximum,
            )
        )
    return int(raw)


def commit_import() -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:  # the same lines or file imported at the same moment
        db.session.rollback()
        raise TicketingError(
            _("Some of these lines were imported at the same moment by someone else; try again.")
        ) from exc
