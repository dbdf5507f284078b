"""Import and export of the facility registry as .csv or .xlsx.

A CSV may be UTF-8 with or without a BOM, or GB18030 (what Chinese Excel saves).
The first row names the columns, in English or Chinese. A row's code says which
facility it is: a new code adds one, a known code updates it. Every valid row is
taken and every bad row is reported with its line number and what is wrong
(DESIGN.md: an import takes every valid row unless its issue says otherwise);
nothing of a bad row is written.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import select

from modules.facilities.errors import FacilityError
from modules.facilities.models import Facility, FacilityType
from modules.facilities.registry import FacilityData, new_token
from parkops import audit
from parkops.auth.models import Site, User
from parkops.extensions import db
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
MAX_ROWS = 50_000
LIMITS = {"code": 30, "name": 100, "area": 60, "location": 200, "team": 100}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        raise FacilityError(_("The file is neither UTF-8 nor GB18030 text.")) from exc
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader]


def _xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FacilityError(_("The file is not a readable .xlsx workbook.")) from exc
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, list(row)))
            if number > MAX_ROWS + 1:
                break
        return rows
    finally:
        book.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\x00", "").strip()


def _header(row: list) -> dict[str, int]:
    names = {_cell(v).lower().lstrip("\ufeff"): i for i, v in enumerate(row)}
    found = {}
    for key, accepted in COLUMNS.items():
        for name in accepted:
            if name.lower() in names:
                found[key] = names[name.lower()]
                break
    missing = [k for k in REQUIRED if k not in found]
    if missing:
        raise FacilityError(
            _(
                "The first row must name the columns; missing: %(cols)s.",
                cols=", ".join(f"{COLUMNS[k][0]}/{COLUMNS[k][1]}" for k in missing),
            )
        )
    return found


def _coordinate(text: str, low: float, high: float, what: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError as exc:
        raise ValueError(_("%(what)s is not a number", what=what)) from exc
    if not low <= value <= high:
        raise ValueError(_("%(what)s is out of range", what=what))
    return value


def _parse_row(values: dict[str, str], sites: dict, types: dict) -> FacilityData:
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
    installed = None
    if values.get("installed_on"):
        try:
            installed = date.fromisoformat(values["installed_on"].replace("/", "-"))
        except ValueError as exc:
            raise ValueError(_("installed_on is not a date (YYYY-MM-DD)")) from exc
    return FacilityData(
        site_id=site.id,
        code=values["code"].upper(),
        name=values["name"],
        type_id=ftype.id,
        area=values.get("area", ""),
        location=values.get("location", ""),
        latitude=_coordinate(values.get("latitude", ""), -90, 90, "latitude"),
        longitude=_coordinate(values.get("longitude", ""), -180, 180, "longitude"),
        installed_on=installed,
        team=values.get("team", ""),
        notes=values.get("notes", ""),
    )


def import_file(filename: str, data: bytes, actor: User) -> ImportResult:
    """Read a .csv or .xlsx and take every valid row; one transaction."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "csv":
        rows = _csv_rows(data)
    elif suffix == "xlsx":
        rows = _xlsx_rows(data)
    else:
        raise FacilityError(_("Choose a .csv or .xlsx file."))
    rows = [(n, r) for n, r in rows if any(_cell(v) for v in r)]
    if not rows:
        raise FacilityError(_("The file is empty."))
    if len(rows) > MAX_ROWS + 1:
        raise FacilityError(_("At most %(n)s rows in one import.", n=MAX_ROWS))
    columns = _header(rows[0][1])
    visible = [s for s in db.session.scalars(select(Site)) if actor.can_see_site(s.id)]
    sites = {k.lower(): s for s in visible for k in (s.code, s.name)}
    types = {
        k.lower(): t for t in db.session.scalars(select(FacilityType)) for k in (t.code, t.name)
    }
    result = ImportResult()
    parsed: dict[str, tuple[int, FacilityData]] = {}
    for line, row in rows[1:]:
        values = {k: _cell(row[i]) if i < len(row) else "" for k, i in columns.items()}
        try:
            data_row = _parse_row(values, sites, types)
        except ValueError as exc:
            result.errors.append((line, str(exc)))
            continue
        if data_row.code in parsed:
            first = parsed[data_row.code][0]
            result.errors.append((line, _("code repeats line %(line)s", line=first)))
            continue
        parsed[data_row.code] = (line, data_row)
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


def _export_rows(facilities, chinese: bool):
    index = 1 if chinese else 0
    yield [names[index] for names in (*COLUMNS.values(), *EXPORT_EXTRA.values())]
    for f in facilities:
        yield [
            f.code,
            f.name,
            f.type.code,
            f.site.code,
            f.area,
            f.location,
            "" if f.latitude is None else f.latitude,
            "" if f.longitude is None else f.longitude,
            f.installed_on.isoformat() if f.installed_on else "",
            f.team,
            f.notes,
            f.status.value,
            business_day(f.last_inspected_at).isoformat() if f.last_inspected_at else "",
        ]


def export_csv(facilities, chinese: bool) -> bytes:
    """UTF-8 with a BOM: Excel and WPS then open the Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _export_rows(facilities, chinese):
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(facilities, chinese: bool) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("facilities")
    for row in _export_rows(facilities, chinese):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
