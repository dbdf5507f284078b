"""Importing sales files and gate counts: everything or nothing, and never twice.

An import is one transaction: if any row is invalid, nothing is imported and
every bad row is reported with its line number and reasons. The same file
imported again is recognised by its hash and imports nothing. A line already
imported from another file is recognised by its natural key (its fields, and
which occurrence of identical lines it is within its file) and skipped, so an
export that overlaps an earlier one adds only what is new.

Sales lines go into the seller's open shift at that office on that business
day. Voids of printed tickets are not imported: they need a reason and a
supervisor's approval on the shift page.
"""

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from modules.ticketing import summary
from modules.ticketing.catalog import prices_on
from modules.ticketing.days.record import day_record
from modules.ticketing.errors import TicketingError
from modules.ticketing.models import (
    MAX_AMOUNT_FEN,
    MAX_ENTRIES,
    MAX_QUANTITY,
    MAX_SERIAL,
    EntrySource,
    GateCount,
    Office,
    Payment,
    Product,
    SalesImport,
    SalesLine,
    SaleSource,
    SaleStatus,
    SerialVoid,
    Shift,
    ShiftStatus,
    Venue,
    VoidStatus,
)
from modules.ticketing.tabular import read_table
from parkops import audit
from parkops.auth.models import Site, User
from parkops.db import utcnow
from parkops.extensions import db
from parkops.money import MoneyError, parse_yuan
from parkops.timeutil import business_day, local_zone

SALES_COLUMNS = (
    "sold_at",
    "office",
    "cashier",
    "product",
    "serial",
    "quantity",
    "amount",
    "payment",
    "status",
)
GATE_COLUMNS = ("date", "venue", "entries")
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


def _previous(kind: str, digest: str) -> SalesImport | None:
    return db.session.scalar(
        select(SalesImport).where(SalesImport.kind == kind, SalesImport.file_hash == digest)
    )


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- cells -----------------------------------------------------------------------------------


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_time(value) -> datetime:
    """A sale's time: local unless it carries an offset; returned as aware UTC."""
    if isinstance(value, datetime):  # an .xlsx date cell holds local time
        moment = value
    else:
        raw = _text(value)
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
    raw = _text(value)
    try:
        if not DAY.match(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValueError(_("date %(value)s is not YYYY-MM-DD", value=raw or "—")) from exc


def parse_whole(value, minimum: int, maximum: int, what: str) -> int:
    raw = _text(value)
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


# --- sales -------------------------------------------------------------------------------------


@dataclass
class _Sale:
    line_no: int
    sold_at: datetime
    day: date
    office: str
    cashier: str
    product: str
    serial: int | None
    quantity: int
    amount_fen: int
    payment: Payment
    status: SaleStatus
    key: str = ""
    values: dict = field(default_factory=dict)  # the row to insert, once resolved

    @property
    def identity(self) -> str:
        return "|".join(
            str(v)
            for v in (
                self.sold_at.isoformat(),
                self.office,
                self.cashier,
                self.product,
                self.serial or "",
                self.quantity,
                self.amount_fen,
                self.payment.value,
                self.status.value,
            )
        )


def _parse_sale(line_no: int, row: dict, reasons: list[str]) -> _Sale | None:
    values = {}
    checks = (
        ("sold_at", parse_time),
        ("quantity", lambda v: parse_whole(v, 1, MAX_QUANTITY, _("quantity"))),
        ("serial", _parse_serial),
        ("amount", _parse_amount),
        ("payment", lambda v: _parse_choice(v, Payment, _("payment"))),
        ("status", lambda v: _parse_choice(v, SaleStatus, _("status"))),
    )
    for column, parse in checks:
        try:
            values[column] = parse(row[column])
        except ValueError as exc:
            reasons.append(str(exc))
    for column in ("office", "cashier", "product"):
        values[column] = _text(row[column])
        if not values[column]:
            reasons.append(_("%(column)s is empty", column=column))
    if reasons:
        return None
    return _Sale(
        line_no=line_no,
        sold_at=values["sold_at"],
        day=business_day(values["sold_at"]),
        office=values["office"],
        cashier=values["cashier"].lower(),
        product=values["product"],
        serial=values["serial"],
        quantity=values["quantity"],
        amount_fen=values["amount"],
        payment=values["payment"],
        status=values["status"],
    )


def _parse_serial(value) -> int | None:
    raw = _text(value)
    if raw == "":
        return None
    if not WHOLE.match(raw) or not 1 <= int(raw) <= MAX_SERIAL:
        raise ValueError(_("serial %(value)s is not a ticket number", value=raw))
    return int(raw)


def _parse_amount(value) -> int:
    raw = _text(value)
    try:
        fen = parse_yuan(raw)
    except MoneyError as exc:
        raise ValueError(
            _("amount %(value)s is not money (yuan, up to 2 decimals)", value=raw or "—")
        ) from exc
    if fen < 0:
        raise ValueError(_("amount %(value)s is negative", value=raw))
    if fen > MAX_AMOUNT_FEN:
        raise ValueError(_("amount %(value)s is too large for one line", value=raw))
    return fen


def _parse_choice(value, enum_cls, what: str):
    raw = _text(value).lower()
    if raw not in enum_cls._value2member_map_:
        raise ValueError(
            _(
                "%(what)s %(value)s is not one of %(choices)s",
                what=what,
                value=raw or "—",
                choices=", ".join(m.value for m in enum_cls),
            )
        )
    return enum_cls(raw)


class _Lookups:
    """The offices, sellers, products, shifts and prices a file refers to, loaded once."""

    def __init__(self, actor: User, sales: list[_Sale]):
        self.actor = actor
        self.any_seller = actor.can("ticketing.manage")
        self.offices = {
            o.code: o
            for o in db.session.scalars(
                select(Office).where(Office.code.in_({s.office for s in sales}))
            )
            if actor.can_see_site(o.site_id)
        }
        self.users = {
            u.username: u
            for u in db.session.scalars(
                select(User).where(User.username.in_({s.cashier for s in sales}))
            )
        }
        self.sellers = {o.id: {u.id for u in o.sellers} for o in self.offices.values()}
        site_ids = {o.site_id for o in self.offices.values()}
        self.products = {
            (p.site_id, p.code): p
            for p in db.session.scalars(
                select(Product).where(
                    Product.site_id.in_(site_ids), Product.code.in_({s.product for s in sales})
                )
            )
        }
        self.shifts = {
            (sh.seller_id, sh.office_id): sh
            for sh in db.session.scalars(
                select(Shift).where(
                    Shift.status == ShiftStatus.OPEN,
                    Shift.seller_id.in_([u.id for u in self.users.values()]),
                )
            )
        }
        self.prices: dict[tuple[int, date], int] = {}
        by_day: dict[date, set[int]] = defaultdict(set)
        for p in self.products.values():
            for day in {s.day for s in sales}:
                by_day[day].add(p.id)
        for day, ids in by_day.items():
            for product_id, price in prices_on(ids, day).items():
                self.prices[(product_id, day)] = price

    def resolve(self, sale: _Sale, now: datetime) -> list[str]:
        """The reasons this sale cannot be recorded; fills ``sale.values`` when it can."""
        reasons = []
        office = self.offices.get(sale.office)
        user = self.users.get(sale.cashier)
        if office is None:
            reasons.append(_("unknown office %(code)s", code=sale.office))
        if user is None:
            reasons.append(_("unknown seller %(name)s", name=sale.cashier))
        elif not self.any_seller and user.id != self.actor.id:
            reasons.append(_("you may import only your own sales"))
        elif office is not None and user.id not in self.sellers[office.id]:
            reasons.append(
                _(
                    "%(name)s is not a seller of office %(code)s",
                    name=sale.cashier,
                    code=sale.office,
                )
            )
        product = self.products.get((office.site_id, sale.product)) if office else None
        if office is not None and product is None:
            reasons.append(_("unknown product %(code)s", code=sale.product))
        if sale.sold_at > now + CLOCK_SKEW:
            reasons.append(_("time is in the future"))
        if product is not None:
            reasons.extend(self._product_rules(sale, product))
        if reasons:
            return reasons
        shift = self.shifts.get((user.id, office.id))
        if shift is None or shift.business_day != sale.day:
            return [
                _(
                    "no open shift of %(name)s at office %(code)s on %(day)s",
                    name=sale.cashier,
                    code=sale.office,
                    day=sale.day.isoformat(),
                )
            ]
        sale.values = {
            "site_id": office.site_id,
            "business_day": sale.day,
            "shift_id": shift.id,
            "office_id": office.id,
            "seller_id": user.id,
            "product_id": product.id,
            "sold_at": sale.sold_at,
            "serial": sale.serial,
            "quantity": sale.quantity,
            "amount_fen": sale.amount_fen,
            "list_price_fen": self.prices[(product.id, sale.day)],
            "payment": sale.payment,
            "status": sale.status,
            "source": SaleSource.IMPORT,
            "line_no": sale.line_no,
            "natural_key": sale.key,
        }
        return []

    def _product_rules(self, sale: _Sale, product: Product) -> list[str]:
        reasons = []
        if not product.active:
            reasons.append(_("product %(code)s is no longer sold", code=sale.product))
        if product.serialised and sale.serial is None and sale.status != SaleStatus.VOID:
            reasons.append(
                _("%(code)s is a printed ticket: its serial is missing", code=sale.product)
            )
        if not product.serialised and sale.serial is not None:
            reasons.append(_("%(code)s has no printed serials", code=sale.product))
        if sale.serial is not None and sale.quantity != 1:
            reasons.append(_("a line with a serial is one ticket: quantity must be 1"))
        if sale.serial is not None and sale.status == SaleStatus.VOID:
            reasons.append(
                _("a printed ticket is voided on the shift page, with a reason, for approval")
            )
        if (product.id, sale.day) not in self.prices:
            reasons.append(
                _("%(code)s has no price on %(day)s", code=sale.product, day=sale.day.isoformat())
            )
        return reasons


def _serial_errors(sales: list[_Sale]) -> dict[int, list[str]]:
    """A serial sold twice (in the file or before), a voided one sold, a refund of nothing."""
    errors: dict[int, list[str]] = defaultdict(list)
    by_product: dict[int, set[int]] = defaultdict(set)
    for s in sales:
        if s.serial is not None:
            by_product[s.values["product_id"]].add(s.serial)
    sold_before: set[tuple[int, int]] = set()
    refunded_before: set[tuple[int, int]] = set()
    voided: set[tuple[int, int]] = set()
    for product_id, serials in by_product.items():
        for chunk in _chunks(sorted(serials)):
            for serial, status in db.session.execute(
                select(SalesLine.serial, SalesLine.status).where(
                    SalesLine.product_id == product_id,
                    SalesLine.serial.in_(chunk),
                    SalesLine.status != SaleStatus.VOID,
                )
            ):
                target = sold_before if status == SaleStatus.SOLD else refunded_before
                target.add((product_id, serial))
            voided.update(
                (product_id, serial)
                for serial in db.session.scalars(
                    select(SerialVoid.serial).where(
                        SerialVoid.product_id == product_id,
                        SerialVoid.serial.in_(chunk),
                        SerialVoid.status != VoidStatus.REJECTED,
                    )
                )
            )
    sold_in_file: dict[tuple[int, int], int] = {}
    refunded_in_file: dict[tuple[int, int], int] = {}
    for s in sorted(sales, key=lambda s: s.line_no):
        if s.serial is None:
            continue
        key = (s.values["product_id"], s.serial)
        if s.status == SaleStatus.SOLD:
            if key in sold_before:
                errors[s.line_no].append(_("serial %(serial)s is already sold", serial=s.serial))
            elif key in sold_in_file:
                errors[s.line_no].append(
                    _(
                        "serial %(serial)s is sold twice in this file (also line %(line)s)",
                        serial=s.serial,
                        line=sold_in_file[key],
                    )
                )
            if key in voided:
                errors[s.line_no].append(_("serial %(serial)s is voided", serial=s.serial))
            sold_in_file.setdefault(key, s.line_no)
        elif s.status == SaleStatus.REFUND:
            if key not in sold_before and key not in sold_in_file:
                errors[s.line_no].append(
                    _("serial %(serial)s was not sold: nothing to refund", serial=s.serial)
                )
            elif key in refunded_before or key in refunded_in_file:
                errors[s.line_no].append(
                    _("serial %(serial)s is already refunded", serial=s.serial)
                )
            refunded_in_file.setdefault(key, s.line_no)
    return errors


def _known_keys(keys: list[str]) -> set[str]:
    known: set[str] = set()
    for chunk in _chunks(keys):
        known.update(
            db.session.scalars(
                select(SalesLine.natural_key).where(SalesLine.natural_key.in_(chunk))
            )
        )
    return known


def import_sales(file_name: str, data: bytes, actor: User) -> ImportResult:
    """Import a sales export (.csv or .xlsx) in one transaction, or report why not."""
    digest = file_hash(data)
    previous = _previous("sales", digest)
    if previous is not None:
        return ImportResult(previous=previous)
    table = read_table(file_name, data, SALES_COLUMNS)
    errors: dict[int, list[str]] = defaultdict(list)
    sales: list[_Sale] = []
    seen: Counter = Counter()
    for line_no, row in table.rows:
        sale = _parse_sale(line_no, row, errors[line_no])
        if sale is None:
            continue
        seen[sale.identity] += 1
        sale.key = hashlib.sha256(f"{sale.identity}#{seen[sale.identity]}".encode()).hexdigest()
        sales.append(sale)
    known = _known_keys([s.key for s in sales])
    new = [s for s in sales if s.key not in known]
    if new:
        lookups = _Lookups(actor, new)
        now = utcnow()
        for sale in new:
            errors[sale.line_no].extend(lookups.resolve(sale, now))
        resolved = [s for s in new if not errors[s.line_no]]
        for line_no, reasons in _serial_errors(resolved).items():
            errors[line_no].extend(reasons)
    bad = [RowError(line, reasons) for line, reasons in sorted(errors.items()) if reasons]
    if bad:
        db.session.rollback()
        return ImportResult(errors=bad, skipped=len(known))
    if not new:
        return ImportResult(skipped=len(known))
    record = SalesImport(
        kind="sales",
        file_name=file_name[:255],
        file_hash=digest,
        rows=len(sales),
        imported=len(new),
        skipped=len(known),
        imported_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    rows = [{**s.values, "import_id": record.id} for s in new]
    for chunk in _chunks(rows, 5000):
        db.session.execute(insert(SalesLine), chunk)
    for site_id, day in {(s.values["site_id"], s.day) for s in new}:
        summary.refresh_day(site_id, day)
    audit.record(
        "ticketing.sales_imported",
        "sales_import",
        record.id,
        {"file": file_name, "lines": len(new), "skipped": len(known)},
        actor=actor,
    )
    _commit_import()
    return ImportResult(imported=len(new), skipped=len(known), record=record)


def _commit_import() -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:  # the same lines or file imported at the same moment
        db.session.rollback()
        raise TicketingError(
            _("Some of these lines were imported at the same moment by someone else; try again.")
        ) from exc


# --- gate counts -----------------------------------------------------------------------------


def import_gate_counts(file_name: str, data: bytes, site: Site, actor: User) -> ImportResult:
    """``date,venue,entries`` for one site, in one transaction."""
    digest = file_hash(data)
    previous = _previous("gate", digest)
    if previous is not None:
        return ImportResult(previous=previous)
    table = read_table(file_name, data, GATE_COLUMNS)
    venues = {v.code: v for v in db.session.scalars(select(Venue).where(Venue.site_id == site.id))}
    today = business_day()
    errors: dict[int, list[str]] = defaultdict(list)
    first_line: dict[tuple[int, date], int] = {}
    counts: list[tuple[int, Venue, date, int]] = []
    for line_no, row in table.rows:
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
        venue = venues.get(_text(row["venue"]))
        if venue is None:
            reasons.append(_("unknown venue %(code)s", code=_text(row["venue"]) or "—"))
        if reasons:
            continue
        if day > today:
            reasons.append(_("date %(day)s is in the future", day=day.isoformat()))
        elif day_record(site.id, day).signed:
            reasons.append(
                _("%(day)s is signed off: ask the auditor for a correction", day=day.isoformat())
            )
        key = (venue.id, day)
        if key in first_line:
            reasons.append(_("this venue and date are also on line %(line)s", line=first_line[key]))
        first_line.setdefault(key, line_no)
        if not reasons:
            counts.append((line_no, venue, day, entries))
    bad = [RowError(line, reasons) for line, reasons in sorted(errors.items()) if reasons]
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
    _commit_import()
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
