"""The gate-count file (date, venue, entries) of one site: a newer count of a venue and day
replaces the older until the day is signed off.
"""

from collections import defaultdict
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from modules.ticketing.days.record import day_record
from modules.ticketing.imports.files import (
    ImportResult,
    RowError,
    cell_text,
    commit_import,
    earlier_import,
    file_hash,
    parse_day,
    parse_whole,
    read_rows,
    too_far_back,
)
from modules.ticketing.models import MAX_ENTRIES, EntrySource, GateCount, SalesImport, Venue
from modules.ticketing.pages import day_path
from parkops import audit
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.timeutil import business_day

GATE_COLUMNS = ("date", "venue", "entries")


def import_gate_counts(file_name: str, data: bytes, site: Site, actor: User) -> ImportResult:
    """``date,venue,entries`` for one site, in one transaction."""
    digest = file_hash(data)
    previous = earlier_import("gate", digest)
    if previous is not None:
        return ImportResult(previous=previous)
    rows = read_rows(file_name, data, GATE_COLUMNS)
    venues = {v.code: v for v in db.session.scalars(select(Venue).where(Venue.site_id == site.id))}
    today = business_day()
    errors: dict[int, list[str]] = defaultdict(list)
    first_line: dict[tuple[int, date], int] = {}
    links: dict[int, str] = {}  # line → the signed day's page
    counts: list[tuple[int, Venue, date, int]] = []
    for line_no, row in rows:
        reasons = errors[line_no]
        day = entries = None
        try:
            day = parse_day(row["date"])
        except ValueError as exc:
            reasons.append(str(exc))
        try:
            entries = parse_whole(row["entries"], 0, MAX_ENTRIES, _("entries"))
        except ValueError as exc:
            reasons.append(str(exc))
        venue = venues.get(cell_text(row["venue"]))
        if venue is None:
            reasons.append(_("unknown venue %(code)s", code=cell_text(row["venue"]) or "—"))
        if reasons:
            continue
        if day > today:
            reasons.append(_("date %(day)s is in the future", day=day.isoformat()))
        elif old := too_far_back(day):
            reasons.append(old)
        elif (record := day_record(site.id, day)).signed:
            reasons.append(
                _(
                    "%(day)s is signed off: its gate count is changed by a correction, "
                    "on the day's page",
                    day=day.isoformat(),
                )
            )
            links[line_no] = day_path(record)
        key = (venue.id, day)
        if key in first_line:
            reasons.append(_("this venue and date are also on line %(line)s", line=first_line[key]))
        first_line.setdefault(key, line_no)
        if not reasons:
            counts.append((line_no, venue, day, entries))
    bad = [
        RowError(line, reasons, links.get(line))
        for line, reasons in sorted(errors.items())
        if reasons
    ]
    if bad:
        db.session.rollback()
        return ImportResult(errors=bad)
    latest = _latest_gate_counts(site.id, {day for _l, _v, day, _e in counts})
    new = [c for c in counts if latest.get((c[1].id, c[2])) != c[3]]
    skipped = len(counts) - len(new)
    if not new:
        db.session.rollback()
        return ImportResult(skipped=skipped)
    record = SalesImport(
        kind="gate",
        file_name=file_name[:255],
        file_hash=digest,
        rows=len(counts),
        imported=len(new),
        skipped=skipped,
        imported_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    for _line, venue, day, entries in new:
        db.session.add(
            GateCount(
                site_id=site.id,
                venue_id=venue.id,
                business_day=day,
                entries=entries,
                source=EntrySource.IMPORTED,
                recorded_by_id=actor.id,
                import_id=record.id,
            )
        )
    audit.record(
        "ticketing.gate_counts_imported",
        "sales_import",
        record.id,
        {"file": file_name, "counts": len(new), "skipped": skipped},
        actor=actor,
    )
    commit_import()
    return ImportResult(imported=len(new), skipped=skipped, record=record)


def _latest_gate_counts(site_id: int, days: set[date]) -> dict[tuple[int, date], int]:
    """(venue, day) → the entries of the latest count."""
    latest: dict[tuple[int, date], int] = {}
    if not days:
        return latest
    for venue_id, day, entries in db.session.execute(
        select(GateCount.venue_id, GateCount.business_day, GateCount.entries)
        .where(GateCount.site_id == site_id, GateCount.business_day.in_(days))
        .order_by(GateCount.id)
    ):
        latest[(venue_id, day)] = entries
    return latest
