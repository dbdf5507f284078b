"""What every import file shares: its hash (the same file twice imports nothing), the result
and its row errors (line numbers, the header is line 1), and the parsing of one cell.
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
from parkops.extensions import db
from parkops.timeutil import local_zone

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WHOLE = re.compile(r"^\d+$")
CLOCK_SKEW = timedelta(minutes=10)  # a till's clock may run a little ahead
CHUNK = 500  # values per IN (…) list


@dataclass
class RowError:
    line: int
    reasons: list[str]


@dataclass
class ImportResult:
    imported: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    previous: SalesImport | None = None  # an earlier import of this very file
    record: SalesImport | None = None

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
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_time(value) -> datetime:
    """A sale's time: local unless it carries an offset; returned as aware UTC."""
    if isinstance(value, datetime):  # an .xlsx date cell holds local time
        moment = value
    else:
        raw = cell_text(value)
        if not TIME.match(raw):
            raise ValueError(_("time %(value)s is not YYYY-MM-DD HH:MM[:SS]", value=raw or "—"))
        try:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValueError(_("time %(value)s does not exist", value=raw)) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone())
    return moment.astimezone(UTC)


def parse_day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = cell_text(value)
    try:
        if not DAY.match(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValueError(_("date %(value)s is not YYYY-MM-DD", value=raw or "—")) from exc


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
