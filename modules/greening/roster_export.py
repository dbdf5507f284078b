"""The roster's whole dated history as a spreadsheet: the zones workbook's second
sheet ("Roster") and a .csv of its own.

One row per roster entry, by site, zone code and first day: who answered for the
zone (display name and account name), the team, from (a local date) and until (the
day before the zone's next entry starts; empty for the last one, which holds from
then on). Entries to come are listed too. Written by ``parkops.spreadsheet``, so
every cell is safe; the import reads only the workbook's first sheet.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import defaultload

from modules.greening.models import RosterEntry, Zone
from parkops.auth.models import User
from parkops.extensions import db
from parkops.spreadsheet import Book, Column, csv_bytes

# (English header, Chinese header, width in characters)
COLUMNS = (
    ("site", "景区", 10),
    ("code", "编号", 12),
    ("name", "名称", 24),
    ("responsible", "责任人", 16),
    ("account", "账号", 16),
    ("team", "班组", 14),
    ("from", "起始日期", 12),
    ("until", "截止日期", 12),
)


@dataclass
class HistoryRow:
    """One roster entry of a zone; ``until`` None while no later entry follows."""

    zone: Zone
    entry: RosterEntry
    until: date | None


def history(site_ids) -> list[HistoryRow]:
    """Every roster entry of the zones at ``site_ids`` (None: every site), by site,
    zone code and first day. One query whatever the number of zones and entries."""
    query = (
        select(Zone, RosterEntry)
        .join(RosterEntry, RosterEntry.zone_id == Zone.id)
        .order_by(Zone.site_id, Zone.code, RosterEntry.starts_on)
        # The person's names are written; their roles and sites are not needed.
        .options(
            defaultload(RosterEntry.responsible).lazyload(User.role_rows),
            defaultload(RosterEntry.responsible).lazyload(User.sites),
        )
    )
    if site_ids is not None:
        query = query.where(Zone.site_id.in_(site_ids))
    pairs = [(zone, entry) for zone, entry in db.session.execute(query)]
    rows = []
    for i, (zone, entry) in enumerate(pairs):
        following = pairs[i + 1] if i + 1 < len(pairs) else None
        same_zone = following is not None and following[0].id == zone.id
        until = following[1].starts_on - timedelta(days=1) if same_zone else None
        rows.append(HistoryRow(zone, entry, until))
    return rows


def _columns(chinese: bool) -> list[Column]:
    kinds = {"from": "date", "until": "date"}
    return [
        Column(zh if chinese else en, width, kinds.get(en, "text")) for en, zh, width in COLUMNS
    ]


def _values(rows: list[HistoryRow]):
    for row in rows:
        yield [
            row.zone.site.code,
            row.zone.code,
            row.zone.name,
            row.entry.responsible.display_name,
            row.entry.responsible.username,
            row.entry.team,
            row.entry.starts_on,
            row.until,
        ]


def add_sheet(book: Book, rows: list[HistoryRow], chinese: bool) -> None:
    """The "Roster" sheet of ``book`` (after the zones sheet)."""
    sheet = book.sheet(_("Roster"), _columns(chinese))
    for values in _values(rows):
        sheet.append(values)
    sheet.filter()


def to_csv(rows: list[HistoryRow], chinese: bool) -> bytes:
    """The history as .csv (UTF-8 with BOM), headers in Chinese or English."""
    return csv_bytes(_columns(chinese), _values(rows))
