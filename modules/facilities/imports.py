"""Import and export of the facility registry as .csv or .xlsx.

Files are read by ``parkops.tabular`` (encodings, bounds, damaged workbooks,
control characters) and dates parsed by ``parkops.cells``; exports are written by
``parkops.spreadsheet`` (text stays text, labels not keys). The first row names
the columns, in English or Chinese. A row's code says which facility it is: a new
code adds one, a known code updates it. Every valid row is taken and every bad
row is reported with its line number and what is wrong (DESIGN.md: an import
takes every valid row unless its issue says otherwise); nothing of a bad row is
written.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from modules.facilities import texts  # noqa: F401  (registers the enum labels)
from modules.facilities.errors import FacilityError
from modules.facilities.models import Facility, FacilityType
from modules.facilities.registry import FacilityData, new_token
from parkops import audit, labels
from parkops.auth.models import Site, User
from parkops.cells import parse_date
from parkops.extensions import db
from parkops.query_args import half_width
from parkops.spreadsheet import Book, Column, csv_bytes
from parkops.tabular import Table, TabularError, naming, read_table
from parkops.timeutil import business_day

# column key → the header names accepted for it (English, Chinese)
COLUMNS = {
    "code": ("code", "编号"),
    "name": ("name", "名称"),
    "type": ("type", "类型"),
    "site": ("site", "景区"),
    "area": ("area", "区域"),
    "location": ("location", "位置"),
    "latitude": ("latitude", "纬度"),
    "longitude": ("longitude", "经度"),
    "installed_on": ("installed_on", "安装日期"),
    "team": ("team", "责任班组"),
    "notes": ("notes", "备注"),
}
REQUIRED = ("code", "name", "type", "site")
EXPORT_EXTRA = {"status": ("status", "状态"), "last_inspected": ("last_inspected", "上次巡查")}
WIDTHS = {"name": 24, "location": 30, "notes": 30}
LIMITS = {"code": 30, "name": 100, "area": 60, "location": 200, "team": 100}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


def _text(value) -> str:
    """A cell as text: whole floats without ``.0`` (a code typed as a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _columns(table: Table) -> dict[str, int]:
    found = {k: i for k, names in COLUMNS.items() if (i := table.column(*names)) is not None}
    missing = [k for k in REQUIRED if k not in found]
    if missing:
        raise FacilityError(
            _(
                "Columns missing from the header row: %(columns)s.",
                columns=", ".join(f"{COLUMNS[k][0]}/{COLUMNS[k][1]}" for k in missing),
            )
        )
    return found


def _coordinate(value, low: float, high: float, what: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise ValueError(_("%(what)s is not a number", what=what)) from exc
    if not low <= number <= high:
        raise ValueError(_("%(what)s is out of range", what=what))
    return number


def _parse_row(cells: dict, sites: dict, types: dict) -> FacilityData:
    values = {k: _text(v) for k, v in cells.items() if k not in ("installed_on",)}
    problems = [_("%(col)s is empty", col=k) for k in REQUIRED if not values.get(k)]
    if problems:
        raise ValueError("; ".join(problems))
    for key, limit in LIMITS.items():
        if len(values.get(key, "")) > limit:
            raise ValueError(_("%(col)s is longer than %(n)s characters", col=key, n=limit))
    site = sites.get(values["site"].lower())
    if site is None:
        raise ValueError(_("unknown site %(site)s (or not one of yours)", site=values["site"]))
    ftype = types.get(values["type"].lower())
    if ftype is None:
        raise ValueError(_("unknown facility type %(type)s", type=values["type"]))
    try:
        installed = parse_date(cells.get("installed_on"))
    except TabularError as exc:
        raise ValueError(_("%(column)s: %(problem)s", column="installed_on", problem=exc)) from exc
    return FacilityData(
        site_id=site.id,
        code=half_width(values["code"]).upper(),  # "ＰＳＹ－０１" is PSY-01
        name=values["name"],
        type_id=ftype.id,
        area=values.get("area", ""),
        location=values.get("location", ""),
        latitude=_coordinate(cells.get("latitude"), -90, 90, "latitude"),
        longitude=_coordinate(cells.get("longitude"), -180, 180, "longitude"),
        installed_on=installed,
        team=values.get("team", ""),
        notes=values.get("notes", ""),
    )


def import_file(filename: str, data: bytes, actor: User) -> ImportResult:
    """Read a .csv, .xlsx or .xls and take every valid row; one transaction.

    FacilityError (nothing written) when the file as a whole cannot be read."""
    try:
        # A title row (merged across) may stand above the header: skipped.
        table = read_table(filename, data, header_like=naming(*(COLUMNS[k] for k in REQUIRED)))
    except TabularError as exc:
        raise FacilityError(str(exc)) from exc
    columns = _columns(table)
    visible = [s for s in db.session.scalars(select(Site)) if actor.can_see_site(s.id)]
    sites = {k.lower(): s for s in visible for k in (s.code, s.name)}
    types = {
        k.lower(): t for t in db.session.scalars(select(FacilityType)) for k in (t.code, t.name)
    }
    result = ImportResult()
    parsed: dict[str, tuple[int, FacilityData]] = {}
    for row in table.rows:
        cells = {k: row.cells[i] for k, i in columns.items()}
        try:
            data_row = _parse_row(cells, sites, types)
        except ValueError as exc:
            result.errors.append((row.line, str(exc)))
            continue
        if data_row.code in parsed:
            first = parsed[data_row.code][0]
            result.errors.append((row.line, _("code repeats line %(line)s", line=first)))
            continue
        parsed[data_row.code] = (row.line, data_row)
    existing = {
        f.code: f
        for chunk in _chunks(list(parsed), 500)
        for f in db.session.scalars(select(Facility).where(Facility.code.in_(chunk)))
    }
    today = business_day()
    for code, (line, data_row) in parsed.items():
        facility = existing.get(code)
        if facility is not None and not actor.can_see_site(facility.site_id):
            result.errors.append((line, _("code %(code)s belongs to another site", code=code)))
            continue
        if facility is None:
            facility = Facility(token=new_token(), due_on=today)
            db.session.add(facility)
            result.created += 1
        else:
            result.updated += 1
        _assign(facility, data_row)
    result.errors.sort()
    audit.record(
        "facilities.imported",
        "facility",
        None,
        {
            "file": filename[:100],
            "created": result.created,
            "updated": result.updated,
            "bad_rows": len(result.errors),
        },
        actor,
    )
    db.session.commit()
    return result


def _assign(facility: Facility, d: FacilityData) -> None:
    facility.site_id, facility.code, facility.name, facility.type_id = (
        d.site_id,
        d.code,
        d.name,
        d.type_id,
    )
    facility.area, facility.location, facility.team, facility.notes = (
        d.area,
        d.location,
        d.team,
        d.notes,
    )
    facility.latitude, facility.longitude, facility.installed_on = (
        d.latitude,
        d.longitude,
        d.installed_on,
    )


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- export -----------------------------------------------------------------------------


def _export_columns(chinese: bool) -> list[Column]:
    index = 1 if chinese else 0
    keys = {**COLUMNS, **EXPORT_EXTRA}
    return [Column(names[index], WIDTHS.get(key, 14)) for key, names in keys.items()]


def _export_rows(facilities):
    for f in facilities:
        yield [
            f.code,
            f.name,
            f.type.code,
            f.site.code,
            f.area,
            f.location,
            f.latitude,
            f.longitude,
            f.installed_on,
            f.team,
            f.notes,
            labels.label(f.status),
            business_day(f.last_inspected_at) if f.last_inspected_at else None,
        ]


def export_csv(facilities, chinese: bool) -> bytes:
    """UTF-8 with a BOM (Excel and WPS then open the Chinese text correctly), safe cells."""
    return csv_bytes(_export_columns(chinese), _export_rows(facilities))


def export_xlsx(facilities, chinese: bool) -> bytes:
    """One sheet, the core's look and print layout; text never becomes a formula."""
    book = Book(_("Facilities"))
    sheet = book.sheet(_("Facilities"), _export_columns(chinese))
    for row in _export_rows(facilities):
        sheet.append(row)
    sheet.filter()
    return book.to_bytes()
