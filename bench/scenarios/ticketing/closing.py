"""The ticketing bench scenario's day to close: 10 open shifts of 3,000 e-ticket lines
each (at scale 1), plus a range of 300 printed gate tickets per shift (200 sold), whose
gate counts, payment statements and bank deposit are recorded so that the day closes
without a flag; and the operation that closes and signs it again and again.
"""

from collections import defaultdict
from datetime import date

from flask import Flask
from sqlalchemy import and_, delete, insert, or_, select, update

from bench.scenarios.ticketing.history import admissions, insert_shifts, line_rows
from bench.scenarios.ticketing.volume import (
    CLOSE_RANGE,
    CLOSE_SHIFTS,
    FLOAT_FEN,
    RANGE_SIZE,
    RANGE_SOLD,
    at,
    bench_days,
)
from modules.ticketing import shifts, summary
from modules.ticketing.catalog import prices_on
from modules.ticketing.days import signoff
from modules.ticketing.models import (
    DayStatus,
    Deposit,
    EntrySource,
    GateCount,
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
)
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.rectification.models import EvidenceLink


def day_to_close(
    rng, site: Site, sellers: list[int], catalogue, day: date, lines_each: int
) -> None:
    """10 open shifts of ``lines_each`` lines and a returned range each; gate, statements
    and deposit to match."""
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
    opened = insert_shifts(
        [
            {
                "site_id": site.id,
                "office_id": windows[n % len(windows)][0],
                "window_id": windows[n % len(windows)][1],
                "seller_id": sellers[n],
                "business_day": day,
                "opened_at": at(day, 0),
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
        rows = line_rows(rng, shift, catalogue["ZYLZ"]["products"], lines_each, expected)
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
                    "issued_at": at(day, 60),
                    "returned_from": first + RANGE_SOLD,
                    "returned_at": at(day, 31_000),
                    "returned_by_id": shift["seller_id"],
                    "confirmed_from": first + RANGE_SOLD,
                    "confirmed_last": first + RANGE_SIZE - 1,
                    "confirmed_at": at(day, 31_200),
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
    entries = defaultdict(int, {v: n for (_s, _d, v), n in admissions(day, day).items()})
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


def closing(app: Flask):
    _first, _last, close = bench_days()
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
