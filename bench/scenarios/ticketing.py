"""Ticketing: closing a day of 30,000 sales lines, and the audit reports over a year of 3,000,000.

On top of the demo month: 14 more sellers, and a year of history before it (ending
37 days ago) at both sites — about 2,900 closed shifts with their blind counts and
3,000,000 sales lines, the daily summary built from them, gate counts per venue and
signed days. The day before the demo month holds 10 open shifts of 3,000 e-ticket
lines each, plus a range of 300 printed gate tickets per shift (200 sold), whose
gate counts and bank deposit are recorded so that the day closes without a flag.

Everything is inserted in bulk (``insert(Model)`` with lists of rows), never one ORM
object at a time.
"""

import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from flask import Flask
from sqlalchemy import and_, delete, func, insert, or_, select, update

from bench.scenarios import Operation, Page
from modules.ticketing import reports, shifts, summary
from modules.ticketing.catalog import prices_on
from modules.ticketing.days import reconciliation, signoff
from modules.ticketing.models import (
    DailySales,
    DayStatus,
    Deposit,
    EntrySource,
    GateCount,
    Office,
    Payment,
    Product,
    ProductVenue,
    SalesImport,
    SalesLine,
    SaleSource,
    SaleStatus,
    Shift,
    ShiftStatus,
    ShiftTally,
    StatementLine,
    StockIssue,
    StockRoll,
    TicketDay,
    office_sellers,
)
from parkops.auth.models import Site, User, UserRole, user_sites
from parkops.extensions import db
from parkops.rectification.models import EvidenceLink
from parkops.timeutil import business_day, local_zone

MODULES = ("ticketing",)

YEAR_LINES = 3_000_000
YEAR_DAYS = 365
SHIFTS_PER_DAY = {"ZYLZ": 6, "PSY": 2}
SELLERS = {"ZYLZ": 10, "PSY": 4}
CLOSE_SHIFTS = 10
CLOSE_LINES_EACH = 3_000
CLOSE_RANGE = (900_001, 999_999)  # a roll of printed gate tickets for the day to close
RANGE_SIZE, RANGE_SOLD = 300, 200
FLOAT_FEN = 50_000
CHUNK = 50_000
# E-ticket products by site (codes of the demo catalogue) and how often each sells.
E_TICKETS = {
    "ZYLZ": {
        "CAROUSEL": 30,
        "TRAIN": 25,
        "CARD-ZOO": 15,
        "CHILD-FREE": 10,
        "SENIOR": 8,
        "DISCOUNT-CARD": 2,
        "PASS": 1,
    },
    "PSY": {"WHEEL": 60, "PSY-COMBO": 40},
}
PAYMENTS = [Payment.CASH] * 8 + [Payment.WECHAT] * 7 + [Payment.ALIPAY] * 4 + [Payment.CARD]


def _days() -> tuple[date, date, date]:
    """(first day of the year of history, its last day, the day to close)."""
    close = business_day() - timedelta(days=36)
    return close - timedelta(days=YEAR_DAYS), close - timedelta(days=1), close


def _at(day: date, seconds: int) -> datetime:
    start = datetime.combine(day, time(8, 30), tzinfo=local_zone()).astimezone(UTC)
    return start + timedelta(seconds=seconds)


def setup(app: Flask) -> None:
    rng = random.Random(2019)
    sites = {s.code: s for s in db.session.scalars(select(Site))}
    sellers = _sellers(sites)
    catalogue = _catalogue(sites)
    first, last, close = _days()
    _year(rng, sites, sellers, catalogue, first, last)
    _day_to_close(rng, sites["ZYLZ"], sellers["ZYLZ"], catalogue, close)
    db.session.commit()


def _sellers(sites) -> dict[str, list[int]]:
    """14 sellers with the demo password, each a seller of her site's offices."""
    password_hash = db.session.scalar(select(User.password_hash).where(User.username == "cashier"))
    made: dict[str, list[int]] = {}
    for code, count in SELLERS.items():
        names = [f"seller-{code.lower()}-{n:02d}" for n in range(1, count + 1)]
        db.session.execute(
            insert(User),
            [{"username": n, "display_name": n, "password_hash": password_hash} for n in names],
        )
        ids = list(db.session.scalars(select(User.id).where(User.username.in_(names))))
        db.session.execute(insert(UserRole), [{"user_id": i, "role": "cashier"} for i in ids])
        db.session.execute(
            insert(user_sites), [{"user_id": i, "site_id": sites[code].id} for i in ids]
        )
        offices = db.session.scalars(select(Office.id).where(Office.site_id == sites[code].id))
        db.session.execute(
            insert(office_sellers), [{"office_id": o, "user_id": i} for o in offices for i in ids]
        )
        made[code] = ids
    return made


def _catalogue(sites) -> dict:
    """Per site: its offices' windows, its e-ticket products with weights and prices."""
    found = {}
    for code, site in sites.items():
        offices = db.session.scalars(select(Office).where(Office.site_id == site.id)).all()
        products = {
            p.code: p
            for p in db.session.scalars(
                select(Product).where(Product.site_id == site.id, Product.code.in_(E_TICKETS[code]))
            )
        }
        prices = prices_on([p.id for p in products.values()], business_day())
        found[code] = {
            "windows": [(o.id, w.id) for o in offices for w in o.windows],
            "products": [
                (products[c].id, prices[products[c].id], w) for c, w in E_TICKETS[code].items()
            ],
        }
    found["gate"] = db.session.scalar(select(Product).where(Product.code == "GATE-ADULT"))
    return found


def _line_rows(rng, shift: dict, products, count: int, expected: dict) -> list[dict]:
    ids = [p for p, _price, _w in products]
    weights = [w for _p, _price, w in products]
    price = {p: fen for p, fen, _w in products}
    rows = []
    for n in range(count):
        product = rng.choices(ids, weights)[0]
        quantity = rng.choice((1, 1, 1, 2, 2, 3))
        payment = rng.choice(PAYMENTS)
        roll = rng.random()
        status = (
            SaleStatus.SOLD
            if roll < 0.97
            else SaleStatus.REFUND
            if roll < 0.99
            else SaleStatus.VOID
        )
        amount = price[product] * quantity
        sign = {SaleStatus.SOLD: 1, SaleStatus.REFUND: -1, SaleStatus.VOID: 0}[status]
        expected[payment] += sign * amount
        rows.append(
            {
                "site_id": shift["site_id"],
                "business_day": shift["business_day"],
                "shift_id": shift["id"],
                "office_id": shift["office_id"],
                "seller_id": shift["seller_id"],
                "product_id": product,
                "sold_at": _at(shift["business_day"], 20 * n % 30_000),
                "quantity": quantity,
                "amount_fen": amount,
                "list_price_fen": price[product],
                "payment": payment,
                "status": status,
                "source": SaleSource.IMPORT,
            }
        )
    return rows


def _insert_shifts(rows: list[dict]) -> list[dict]:
    """Insert shifts in bulk and return the rows with their ids."""
    db.session.execute(insert(Shift), rows)
    keys = {(r["seller_id"], r["business_day"], r["window_id"]) for r in rows}
    days = {r["business_day"] for r in rows}
    found = db.session.execute(
        select(Shift.id, Shift.seller_id, Shift.business_day, Shift.window_id).where(
            Shift.business_day.in_(days)
        )
    ).all()
    ids = {(s, d, w): i for i, s, d, w in found if (s, d, w) in keys}
    return [{**r, "id": ids[(r["seller_id"], r["business_day"], r["window_id"])]} for r in rows]


def _year(rng, sites, sellers, catalogue, first: date, last: date) -> None:
    plan = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        for code, count in SHIFTS_PER_DAY.items():
            for n in range(count):
                office_id, window_id = catalogue[code]["windows"][
                    n % len(catalogue[code]["windows"])
                ]
                plan.append(
                    {
                        "site_id": sites[code].id,
                        "office_id": office_id,
                        "window_id": window_id,
                        "seller_id": sellers[code][(offset + n) % len(sellers[code])],
                        "business_day": day,
                        "opened_at": _at(day, 0),
                        "opening_float_fen": FLOAT_FEN,
                        "status": ShiftStatus.CLOSED,
                        "counted_at": _at(day, 32_000),
                        "closed_at": _at(day, 32_100),
                        "tolerance_fen": 1_000,
                        "second_count_fen": 10_000,
                    }
                )
    planned = []
    for start in range(0, len(plan), 1_000):
        planned += _insert_shifts(plan[start : start + 1_000])
    per_shift, extra = divmod(YEAR_LINES, len(planned))
    lines, tallies = [], []
    for index, shift in enumerate(planned):
        code = next(c for c, s in sites.items() if s.id == shift["site_id"])
        expected = dict.fromkeys(Payment, 0)
        count = per_shift + (index < extra)
        lines += _line_rows(rng, shift, catalogue[code]["products"], count, expected)
        expected[Payment.CASH] += FLOAT_FEN
        short = rng.choice((0, 0, 0, 0, -100, -300, 200))
        tallies += [
            {
                "shift_id": shift["id"],
                "method": method,
                "position": position,
                "expected_fen": expected[method],
                "counted_fen": expected[method] + (short if method == Payment.CASH else 0),
            }
            for position, method in enumerate(Payment)
        ]
        if len(lines) >= CHUNK:
            db.session.execute(insert(SalesLine), lines)
            lines = []
    if lines:
        db.session.execute(insert(SalesLine), lines)
    db.session.execute(insert(ShiftTally), tallies)
    summary.rebuild(first, last)
    _gate_counts_and_days(rng, first, last)


def _admissions(start: date, end: date) -> dict[tuple[int, date, int], int]:
    admitted = func.sum(reconciliation.admissions())
    return {
        (site, day, venue): int(n or 0)
        for site, day, venue, n in db.session.execute(
            select(DailySales.site_id, DailySales.business_day, ProductVenue.venue_id, admitted)
            .join(ProductVenue, ProductVenue.product_id == DailySales.product_id)
            .where(DailySales.business_day.between(start, end))
            .group_by(DailySales.site_id, DailySales.business_day, ProductVenue.venue_id)
        )
    }


def _gate_counts_and_days(rng, first: date, last: date) -> None:
    auditor = db.session.scalar(select(User.id).where(User.username == "auditor"))
    counts = [
        {
            "site_id": site,
            "venue_id": venue,
            "business_day": day,
            "entries": max(0, sold + rng.choice((0, 0, 0, 1, 2, -1))),
            "source": EntrySource.IMPORTED,
            "recorded_by_id": auditor,
        }
        for (site, day, venue), sold in _admissions(first, last).items()
    ]
    db.session.execute(insert(GateCount), counts)
    days = {(c["site_id"], c["business_day"]) for c in counts}
    db.session.execute(
        insert(TicketDay),
        [
            {
                "site_id": site,
                "business_day": day,
                "status": DayStatus.SIGNED,
                "signed_by_id": auditor,
                "signed_at": _at(day + timedelta(days=1), 3_600),
            }
            for site, day in sorted(days)
        ],
    )


def _day_to_close(rng, site: Site, sellers: list[int], catalogue, day: date) -> None:
    """10 open shifts of 3,000 lines and a returned range each; gate and deposit to match."""
    gate = catalogue["gate"]
    gate_price = prices_on([gate.id], day)[gate.id]
    finance = db.session.scalar(select(User.id).where(User.username == "finance"))
    db.session.execute(
        insert(StockRoll),
        [
            {
                "site_id": site.id,
                "product_id": gate.id,
                "first_serial": CLOSE_RANGE[0],
                "last_serial": CLOSE_RANGE[1],
                "received_on": day,
                "received_by_id": finance,
            }
        ],
    )
    roll = db.session.scalar(select(StockRoll.id).where(StockRoll.first_serial == CLOSE_RANGE[0]))
    windows = catalogue["ZYLZ"]["windows"]
    opened = _insert_shifts(
        [
            {
                "site_id": site.id,
                "office_id": windows[n % len(windows)][0],
                "window_id": windows[n % len(windows)][1],
                "seller_id": sellers[n],
                "business_day": day,
                "opened_at": _at(day, 0),
                "opening_float_fen": FLOAT_FEN,
                "status": ShiftStatus.OPEN,
            }
            for n in range(CLOSE_SHIFTS)
        ]
    )
    bill = SalesImport(
        kind="statement-bench",
        file_name="bench-bills.csv",
        file_hash="bench-bills",
        rows=0,
        imported=0,
        skipped=0,
        imported_by_id=finance,
    )
    db.session.add(bill)
    db.session.flush()
    cash = 0
    for n, shift in enumerate(opened):
        expected = dict.fromkeys(Payment, 0)
        rows = _line_rows(rng, shift, catalogue["ZYLZ"]["products"], CLOSE_LINES_EACH, expected)
        db.session.execute(insert(SalesLine), rows)
        db.session.execute(insert(StatementLine), _statement_rows(bill.id, shift, rows))
        first = CLOSE_RANGE[0] + n * RANGE_SIZE
        db.session.execute(
            insert(StockIssue),
            [
                {
                    "site_id": site.id,
                    "product_id": gate.id,
                    "roll_id": roll,
                    "shift_id": shift["id"],
                    "seller_id": shift["seller_id"],
                    "first_serial": first,
                    "last_serial": first + RANGE_SIZE - 1,
                    "issued_by_id": finance,
                    "issued_at": _at(day, 60),
                    "returned_from": first + RANGE_SOLD,
                    "returned_at": _at(day, 31_000),
                    "returned_by_id": shift["seller_id"],
                    "confirmed_from": first + RANGE_SOLD,
                    "confirmed_last": first + RANGE_SIZE - 1,
                    "confirmed_at": _at(day, 31_200),
                    "confirmed_by_id": finance,
                }
            ],
        )
        cash += expected[Payment.CASH] + RANGE_SOLD * gate_price
    summary.refresh_day(site.id, day)
    record = TicketDay(site_id=site.id, business_day=day)
    db.session.add(record)
    db.session.flush()
    auditor = db.session.scalar(select(User.id).where(User.username == "auditor"))
    gate_venue = db.session.scalar(
        select(ProductVenue.venue_id).where(ProductVenue.product_id == gate.id)
    )
    entries = defaultdict(int, {v: n for (_s, _d, v), n in _admissions(day, day).items()})
    entries[gate_venue] += CLOSE_SHIFTS * RANGE_SOLD
    db.session.execute(
        insert(GateCount),
        [
            {
                "site_id": site.id,
                "venue_id": venue,
                "business_day": day,
                "entries": n,
                "source": EntrySource.ENTERED,
                "recorded_by_id": auditor,
            }
            for venue, n in entries.items()
        ],
    )
    db.session.add(
        Deposit(
            day_id=record.id,
            amount_fen=cash,
            slip_number="BENCH-0001",
            source=EntrySource.ENTERED,
            recorded_by_id=finance,
        )
    )


def _statement_rows(bill_id: int, shift: dict, rows: list[dict]) -> list[dict]:
    """The providers' settlement of a shift's electronic sales, a line each, as sold."""
    sign = {SaleStatus.SOLD: 1, SaleStatus.REFUND: -1}
    return [
        {
            "import_id": bill_id,
            "site_id": shift["site_id"],
            "window_id": shift["window_id"],
            "method": row["payment"],
            "business_day": shift["business_day"],
            "paid_at": row["sold_at"],
            "reference": f"B{shift['id']}-{n}",
            "amount_fen": sign[row["status"]] * row["amount_fen"],
            "line_no": n + 2,
        }
        for n, row in enumerate(rows)
        if row["payment"] != Payment.CASH and row["status"] in sign
    ]


# --- what is measured ----------------------------------------------------------------------


def _closing(app: Flask):
    _first, _last, close = _days()
    zylz = db.session.scalar(select(Site.id).where(Site.code == "ZYLZ"))
    day_id = db.session.scalar(
        select(TicketDay.id).where(TicketDay.site_id == zylz, TicketDay.business_day == close)
    )
    shift_ids = list(
        db.session.scalars(
            select(Shift.id).where(Shift.site_id == zylz, Shift.business_day == close)
        )
    )
    auditor_id = db.session.scalar(select(User.id).where(User.username == "auditor"))
    gate = db.session.scalar(select(Product).where(Product.code == "GATE-ADULT"))
    gate_price = prices_on([gate.id], close)[gate.id]

    def reopen() -> None:
        """Undo the last close: the shifts open again, their range sales gone, the day unsigned."""
        db.session.execute(delete(ShiftTally).where(ShiftTally.shift_id.in_(shift_ids)))
        db.session.execute(
            delete(SalesLine).where(
                SalesLine.shift_id.in_(shift_ids), SalesLine.source == SaleSource.RANGE
            )
        )
        db.session.execute(
            delete(EvidenceLink).where(
                or_(
                    and_(
                        EvidenceLink.kind == "ticketing.shift",
                        EvidenceLink.record_id.in_(shift_ids),
                    ),
                    and_(EvidenceLink.kind == "ticketing.day", EvidenceLink.record_id == day_id),
                )
            )
        )
        db.session.execute(
            update(Shift)
            .where(Shift.id.in_(shift_ids))
            .values(status=ShiftStatus.OPEN, counted_at=None, closed_at=None)
        )
        db.session.execute(
            update(TicketDay)
            .where(TicketDay.id == day_id)
            .values(status=DayStatus.OPEN, signed_by_id=None, signed_at=None, signed_figures=None)
        )
        summary.refresh_day(zylz, close)
        db.session.commit()

    def close_day() -> None:
        """Every seller's blind count (exact), then the auditor's reconciliation and sign-off."""
        for shift_id in shift_ids:
            shift = db.session.get(Shift, shift_id)
            counted = shifts.expected_by_method(shift)  # exact: the range's sales in cash too
            counted[Payment.CASH] += RANGE_SOLD * gate_price
            shifts.count_blind(shift, counted, shift.seller)
        day = db.session.get(TicketDay, day_id)
        signoff.sign_off(day, set(), db.session.get(User, auditor_id))

    return reopen, close_day, day_id, shift_ids


def _month() -> tuple[date, date]:
    """A whole month inside the year of history."""
    first, last, _close = _days()
    start = (first + timedelta(days=40)).replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def pages(app: Flask) -> list[Page]:
    _reopen, _close, day_id, shift_ids = _closing(app)
    start, end = _month()
    first, last, _ = _days()
    seller = db.session.scalar(select(Shift.seller_id).where(Shift.id == shift_ids[0]))
    username = db.session.scalar(select(User.username).where(User.id == seller))
    return [
        Page("ticketing: day of 30,000 lines", f"/ticketing/days/{day_id}", "auditor"),
        Page("ticketing: a shift of 3,000 lines", f"/ticketing/shifts/{shift_ids[0]}", username),
        Page(
            "ticketing: sellers report, a month",
            f"/ticketing/reports/sellers?start={start}&end={end}",
            "auditor",
        ),
        Page(
            "ticketing: shortfall patterns, a month",
            f"/ticketing/reports/patterns?start={start}&end={end}",
            "auditor",
        ),
        Page(
            "ticketing: sales by month, a year",
            f"/ticketing/reports/sales?by=month&start={first}&end={last}",
            "auditor",
        ),
        Page("ticketing: days of a month", f"/ticketing/days?month={start:%Y-%m}", "auditor"),
        Page("ticketing: import payment statements", "/ticketing/imports/statements", "auditor"),
    ]


def operations(app: Flask) -> list[Operation]:
    reopen, close_day, _day_id, _shift_ids = _closing(app)
    start, end = _month()

    def monthly_audit() -> None:
        reports.seller_report(None, start, end)
        for by in ("day", "office", "product", "payment", "venue"):
            reports.breakdown(None, start, end, by)

    return [
        Operation(
            "ticketing: close a day of 30,000 lines", run=close_day, repeat=5, prepare=reopen
        ),
        Operation("ticketing: monthly audit report (3M-line year)", run=monthly_audit, repeat=10),
    ]
