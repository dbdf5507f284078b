"""Import and export of maintenance zones and their roster as .csv or .xlsx.

One row per zone: its site, code, details, the responsible person (account name) and
team, and the day they answer from (empty: today). Files are read by
``parkops.tabular`` (UTF-8 with or without BOM, GB18030, bounds, damaged workbooks)
and written by ``parkops.spreadsheet``; an export is a valid import file.

All or nothing: any bad row (each named by its line) and nothing is written. A new
code adds the zone, its first responsible person answering from today; a known code
updates the zone's details and, when the person or team differs from the entry in
force on the row's day, starts a new roster entry that day (today or later: the past
is not rewritten). A row equal to what is stored changes nothing, so the same file
imported twice changes nothing the second time.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from modules.greening import roster_export, zones
from modules.greening.models import Grade, RosterEntry, Zone, ZoneKind
from modules.greening.zones import GreeningError, ZoneData
from parkops import audit, labels
from parkops.auth.models import Site, User
from parkops.cells import parse_date
from parkops.extensions import db
from parkops.forms import halfwidth
from parkops.spreadsheet import FORMULA_START, Book, Column, csv_bytes
from parkops.tabular import Table, TabularError, naming, read_table
from parkops.timeutil import business_day

MAX_ROWS = 5000  # zones of one file; the largest park has about 500
# column key → the header names accepted for it (English, Chinese)
COLUMNS = {
    "site": ("site", "景区"),
    "code": ("code", "编号"),
    "name": ("name", "名称"),
    "area_m2": ("area_m2", "面积"),
    "kind": ("kind", "类型"),
    "grade": ("grade", "养护等级"),
    "responsible": ("responsible", "责任人"),
    "team": ("team", "班组"),
    "starts_on": ("from", "起始日期"),
    "notes": ("notes", "备注"),
}
REQUIRED = ("site", "code", "name", "area_m2", "kind", "grade", "responsible")
LIMITS = {"code": 30, "name": 100, "team": 100, "notes": 2000}
WIDTHS = {"name": 24, "notes": 30, "responsible": 16}


@dataclass
class ImportResult:
    """``created``/``updated`` zones and ``reassigned`` roster entries started; ``errors``
    [(line, message)] by line, and then nothing was written."""

    created: int = 0
    updated: int = 0
    reassigned: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    data: ZoneData
    responsible: User
    team: str
    starts_on: date


def _text(value) -> str:
    """A cell as text: whole floats without ``.0`` (a code typed as a number), and
    without the ``'`` our CSV export puts before a text that looks like a formula."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_START else text


def _columns(table: Table) -> dict[str, int]:
    found = {k: i for k, names in COLUMNS.items() if (i := table.column(*names)) is not None}
    missing = [k for k in REQUIRED if k not in found]
    if missing:
        raise GreeningError(
            _(
                "Columns missing from the header row: %(columns)s.",
                columns=", ".join(f"{COLUMNS[k][0]}/{COLUMNS[k][1]}" for k in missing),
            )
        )
    return found


def _choices(enum_class) -> dict[str, object]:
    """Key, English and Chinese label (lower case) → member."""
    found = {m.value: m for m in enum_class}
    for locale in ("en", "zh"):
        with force_locale(locale):
            found.update({labels.label(m).lower(): m for m in enum_class})
    return found


def _area(value) -> int:
    text = _text(value).replace(",", "")
    try:
        area = int(float(text))
        if area != float(text) or not 1 <= area <= 10_000_000:
            raise ValueError
    except (ValueError, OverflowError):  # "abc", "nan"; "inf"
        raise ValueError(
            _("area %(value)s is not a whole number of m² from 1 to 10,000,000", value=text)
        ) from None
    return area


class _Lookups:
    """What rows are checked against, each read once per file."""

    def __init__(self, actor: User):
        visible = [s for s in db.session.scalars(select(Site)) if zones.may_manage(actor, s.id)]
        self.sites = {k.lower(): s for s in visible for k in (s.code, s.name)}
        self.kinds, self.grades = _choices(ZoneKind), _choices(Grade)
        self._people: dict[int, dict[str, User]] = {}

    def person(self, site_id: int, name: str) -> User | None:
        """A greening worker of the site by account name, or by a display name only
        one of them has."""
        if site_id not in self._people:
            found: dict[str, User] = {}
            candidates = zones.responsible_candidates(site_id)
            shown = [u.display_name for u in candidates]
            for u in candidates:
                found[u.username.lower()] = u
                if shown.count(u.display_name) == 1:
                    found.setdefault(u.display_name.lower(), u)
            self._people[site_id] = found
        return self._people[site_id].get(name.lower())


def _parse(cells: dict, line: int, look: _Lookups, today: date) -> _Row:
    values = {k: _text(v) for k, v in cells.items() if k != "starts_on"}
    if not values.get("responsible"):
        raise ValueError(_("a zone may not be left without a responsible person"))
    empty = [COLUMNS[k][0] for k in REQUIRED if not values.get(k)]
    if empty:
        raise ValueError(_("empty: %(cols)s", cols=", ".join(empty)))
    for key, limit in LIMITS.items():
        if len(values.get(key, "")) > limit:
            raise ValueError(
                _("%(col)s is longer than %(n)s characters", col=COLUMNS[key][0], n=limit)
            )
    site = look.sites.get(values["site"].lower())
    if site is None:
        raise ValueError(_("unknown site %(site)s (or not one of yours)", site=values["site"]))
    kind = look.kinds.get(values["kind"].lower())
    grade = look.grades.get(values["grade"].lower())
    if kind is None:
        raise ValueError(_("unknown kind %(kind)s", kind=values["kind"]))
    if grade is None:
        raise ValueError(_("unknown grade %(grade)s", grade=values["grade"]))
    person = look.person(site.id, values["responsible"])
    if person is None:
        raise ValueError(
            _(
                "unknown person %(name)s: not an active gardener of %(site)s",
                name=values["responsible"],
                site=site.name,
            )
        )
    try:
        starts_on = parse_date(cells.get("starts_on")) or today
    except TabularError as exc:
        raise ValueError(_("%(column)s: %(problem)s", column="from", problem=exc)) from None
    data = ZoneData(
        site.id,
        halfwidth(values["code"]),
        values["name"],
        _area(cells["area_m2"]),
        kind,
        grade,
        values.get("notes", ""),
    )
    return _Row(line, data, person, values.get("team", ""), starts_on)


def _changed(zone: Zone, d: ZoneData) -> bool:
    now = (zone.name, zone.area_m2, zone.kind, zone.grade, zone.notes)
    return now != (d.name, d.area_m2, d.kind, d.grade, d.notes)


def _check_roster(row: _Row, zone: Zone | None, today: date) -> RosterEntry | None:
    """The entry to add for ``row`` (None: the roster already says so); ValueError."""
    if zone is None:
        if row.starts_on != today:
            raise ValueError(_("a new zone's responsible person answers from today"))
    else:
        current = zones.entry_on(zone.id, row.starts_on)
        if current is not None and (current.responsible_id, current.team) == (
            row.responsible.id,
            row.team,
        ):
            return None
        if row.starts_on < today:
            raise ValueError(
                _(
                    "the roster date %(day)s is in the past: the past is not rewritten",
                    day=row.starts_on.isoformat(),
                )
            )
    return RosterEntry(starts_on=row.starts_on, responsible_id=row.responsible.id, team=row.team)


def import_file(filename: str, data: bytes, actor: User) -> ImportResult:
    """Read a .csv, .xlsx or .xls of zones and apply it whole, or not at all.

    GreeningError when the file as a whole cannot be read or names no columns; bad
    rows come back in ``errors`` (nothing written)."""
    try:
        # A title row (merged across) may stand above the header: skipped.
        header_like = naming(*(COLUMNS[k] for k in REQUIRED))
        table = read_table(filename, data, max_rows=MAX_ROWS, header_like=header_like)
    except TabularError as exc:
        raise GreeningError(str(exc)) from exc
    columns = _columns(table)
    look, today = _Lookups(actor), business_day()
    result = ImportResult()
    rows: list[_Row] = []
    seen: dict[tuple[int, str], int] = {}
    for table_row in table.rows:
        cells = {k: table_row.cells[i] for k, i in columns.items()}
        try:
            row = _parse(cells, table_row.line, look, today)
        except ValueError as exc:
            result.errors.append((table_row.line, str(exc)))
            continue
        key = (row.data.site_id, row.data.code.lower())
        if key in seen:
            result.errors.append(
                (
                    row.line,
                    _("code %(code)s repeats line %(line)s", code=row.data.code, line=seen[key]),
                )
            )
            continue
        seen[key] = row.line
        rows.append(row)
    existing = {
        (z.site_id, z.code.lower()): z
        for z in db.session.scalars(select(Zone).where(Zone.site_id.in_({s for s, _c in seen})))
    }
    plan = []
    for row in rows:
        zone = existing.get((row.data.site_id, row.data.code.lower()))
        try:
            plan.append((row, zone, _check_roster(row, zone, today)))
        except ValueError as exc:
            result.errors.append((row.line, str(exc)))
    if result.errors:
        result.errors.sort()
        return result
    for row, zone, entry in plan:
        _apply(row, zone, entry, actor, result)
    audit.record(
        "greening.zones_imported",
        "zone",
        None,
        {
            "file": filename[:100],
            "created": result.created,
            "updated": result.updated,
            "reassigned": result.reassigned,
        },
        actor=actor,
    )
    db.session.commit()
    return result


def _apply(row: _Row, zone: Zone | None, entry, actor: User, result: ImportResult) -> None:
    d = row.data
    if zone is None:
        zone = Zone(site_id=d.site_id, code=d.code, outline=None)
        db.session.add(zone)
        result.created += 1
    elif _changed(zone, d):
        result.updated += 1
    else:
        zone = zone if entry is not None else None
    if zone is None:
        return
    zone.name, zone.area_m2, zone.kind, zone.grade, zone.notes = (
        d.name,
        d.area_m2,
        d.kind,
        d.grade,
        d.notes,
    )
    db.session.flush()
    if entry is not None:
        same_day = db.session.scalar(
            select(RosterEntry).where(
                RosterEntry.zone_id == zone.id, RosterEntry.starts_on == entry.starts_on
            )
        )
        if same_day is not None:  # not yet past (checked): replaced, as zones.assign does
            db.session.delete(same_day)
            db.session.flush()
        entry.zone_id, entry.recorded_by_id = zone.id, actor.id
        db.session.add(entry)
        result.reassigned += 1


# --- export -----------------------------------------------------------------------------


def _export_columns(chinese: bool) -> list[Column]:
    index = 1 if chinese else 0
    return [Column(names[index], WIDTHS.get(key, 14)) for key, names in COLUMNS.items()]


def _export_rows(rows):
    for zone, entry in rows:
        yield [
            zone.site.code,
            zone.code,
            zone.name,
            zone.area_m2,
            labels.label(zone.kind),
            labels.label(zone.grade),
            entry.responsible.username if entry else "",
            entry.team if entry else "",
            entry.starts_on if entry else None,
            zone.notes,
        ]


def export(rows, fmt: str, chinese: bool, history=None) -> bytes:
    """[(zone, roster entry in force today)] as .csv (UTF-8 with BOM) or .xlsx; the
    headers in Chinese or English, both read back by ``import_file``. The .xlsx gets
    ``history`` (``roster_export.history``), when given, as its second sheet."""
    columns = _export_columns(chinese)
    if fmt == "csv":
        return csv_bytes(columns, _export_rows(rows))
    book = Book(_("Maintenance zones"))
    sheet = book.sheet(_("Maintenance zones"), columns)
    for values in _export_rows(rows):
        sheet.append(values)
    if history is not None:
        roster_export.add_sheet(book, history, chinese)
    return book.to_bytes()
