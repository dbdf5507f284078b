"""The ticketing bench scenario's history: 14 more sellers, and a year of closed shifts
with their blind counts, sales lines, the daily summary built from them, gate counts per
venue and signed days, all before the demo month.

Everything is inserted in bulk (``insert(Model)`` with lists of rows), never one ORM
object at a time.
"""

from datetime import date, timedelta

from sqlalchemy import func, insert, select

from bench.scenarios.ticketing.volume import (
    CHUNK,
    E_TICKETS,
    FLOAT_FEN,
    PAYMENTS,
    SELLERS,
    SHIFTS_PER_DAY,
    at,
)
from modules.ticketing import summary
from modules.ticketing.catalog import prices_on
from modules.ticketing.days import reconciliation
from modules.ticketing.models import (
    DailySales,
    DayStatus,
    EntrySource,
    GateCount,
    Office,
    Payment,
    Product,
    ProductVenue,
    SalesLine,
    SaleSource,
    SaleStatus,
    Shift,
    ShiftStatus,
    ShiftTally,
    TicketDay,
    office_sellers,
)
from parkops import people
from parkops.auth.models import User, UserGram, UserRole, user_sites
from parkops.extensions import db
from parkops.timeutil import business_day


def add_sellers(sites) -> dict[str, list[int]]:
    """14 sellers with the demo password, each a seller of her site's offices."""
    password_hash = db.session.scalar(select(User.password_hash).where(User.username == "cashier"))
    made: dict[str, list[int]] = {}
    for code, count in SELLERS.items():
        names = [f"seller-{code.lower()}-{n:02d}" for n in range(1, count + 1)]
        db.session.execute(
            insert(User),
            [{"username": n, "display_name": n, "password_hash": password_hash} for n in names],
        )
        sellers = db.session.execute(select(User.id, User.username).where(User.username.in_(names)))
        ids = []
        for i, name in sellers:  # a bulk insert passes by the people search's listeners
            ids.append(i)
            db.session.execute(insert(UserGram), people.index_rows(i, name, name))
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


def catalogue_of(sites) -> dict:
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


def line_rows(rng, shift: dict, products, count: int, expected: dict) -> list[dict]:
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
        if status == SaleStatus.REFUND and expected[payment] < amount:
            status = SaleStatus.SOLD  # money is given back only after it was taken
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
                "sold_at": at(shift["business_day"], 20 * n % 30_000),
                "quantity": quantity,
                "amount_fen": amount,
                "list_price_fen": price[product],
                "payment": payment,
                "status": status,
                "source": SaleSource.IMPORT,
            }
        )
    return rows


def insert_shifts(rows: list[dict]) -> list[dict]:
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


def add_year(rng, sites, sellers, catalogue, first: date, last: date, lines: int) -> None:
    """Closed shifts every day from ``first`` to ``last`` sharing ``lines`` sales lines."""
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
                        "opened_at": at(day, 0),
                        "opening_float_fen": FLOAT_FEN,
                        "status": ShiftStatus.CLOSED,
                        "counted_at": at(day, 32_000),
                        "closed_at": at(day, 32_100),
                        "tolerance_fen": 1_000,
                        "second_count_fen": 10_000,
                    }
                )
    planned = []
    for start in range(0, len(plan), 1_000):
        planned += insert_shifts(plan[start : start + 1_000])
    per_shift, extra = divmod(lines, len(planned))
    lines, tallies = [], []
    for index, shift in enumerate(planned):
        code = next(c for c, s in sites.items() if s.id == shift["site_id"])
        expected = dict.fromkeys(Payment, 0)
        count = per_shift + (index < extra)
        lines += line_rows(rng, shift, catalogue[code]["products"], count, expected)
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


def admissions(start: date, end: date) -> dict[tuple[int, date, int], int]:
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
        for (site, day, venue), sold in admissions(first, last).items()
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
                "signed_at": at(day + timedelta(days=1), 3_600),
            }
            for site, day in sorted(days)
        ],
    )
