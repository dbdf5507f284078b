"""Demo data: the products, offices and windows of both sites, a second seller, and a
month of shifts and days in every state, with discrepancies planted for the auditor.

The month is built record by record with its real times (a service would stamp
today's); the figures still come from the services that compute them (expected
money, the daily summary, the day's flags), and days are signed off, found and
corrected through the services. What is planted, for the auditor to find:

- cashier2 at the zoo: small cash shortfalls within the tolerance most days,
  more free entries than her colleague, and more people through the zoo gate
  than tickets sold on her days (the 2019 pattern);
- three days ago: a shortfall beyond the second-count threshold, explained and
  counted again; two days ago: serials missing from a range, a sale below the
  list price, a zoo gate count above the tickets sold; four days ago: a bank
  deposit short of the day's cash; five days ago: a serial sold outside the
  seller's range;
- signed days with an open and a resolved finding, an approved gate-count
  correction and a correction waiting for approval;
- today at 濮上园: cashier2's shift open; cashier3 counted blind ¥30 short and has
  yet to explain it; cashier4 counted ¥150 short, explained it, and waits for a
  second count (these two go through the services, as a seller would);
- today at 中原绿色庄园: no shift yet;
- the days left unsigned past the next working day are escalated by the daily job.
"""

import hashlib
import random
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from modules.ticketing import corrections, jobs, shifts, stock, summary
from modules.ticketing.catalog import prices_on
from modules.ticketing.days import findings, reconciliation, signoff
from modules.ticketing.days.record import day_record
from modules.ticketing.models import (
    Deposit,
    EntrySource,
    GateCount,
    Office,
    Payment,
    Product,
    ProductKind,
    ProductPrice,
    ProductVenue,
    SalesImport,
    SalesLine,
    SaleSource,
    SaleStatus,
    SerialVoid,
    Shift,
    ShiftStatus,
    ShiftTally,
    StockIssue,
    StockRoll,
    Venue,
    VoidStatus,
    Window,
)
from modules.ticketing.shifts import (
    METHODS,
    expected_by_method,
    range_sale,
    shift_line,
    total_difference,
)
from modules.ticketing.tolerances import DEFAULT_SECOND_COUNT_FEN, DEFAULT_TOLERANCE_FEN
from parkops import demo as core_demo
from parkops.auth.models import Department, Site, User
from parkops.extensions import db
from parkops.rectification.services import link_evidence
from parkops.timeutil import business_day, local_zone

DAYS = 30
SEED = 2019

VENUES = {
    "ZYLZ": (
        ("GATE", "园区大门"),
        ("ZOO", "动物园"),
        ("CAROUSEL", "旋转木马"),
        ("TRAIN", "小火车"),
    ),
    "PSY": (("BOAT", "游船码头"), ("WHEEL", "摩天轮")),
}
# code, name, kind, serialised, venues (code:weight), price in fen, id check
PRODUCTS = {
    "ZYLZ": (
        ("GATE-ADULT", "大门成人票", ProductKind.TICKET, True, "GATE", 4000, ""),
        ("ZOO-ADULT", "动物园门票", ProductKind.TICKET, True, "ZOO", 6000, ""),
        ("COMBO", "大门+动物园联票", ProductKind.COMBINED, True, "GATE:40,ZOO:60", 8000, ""),
        ("CAROUSEL", "旋转木马", ProductKind.TICKET, False, "CAROUSEL", 2000, ""),
        ("TRAIN", "小火车", ProductKind.TICKET, False, "TRAIN", 3000, ""),
        ("DISCOUNT-CARD", "打折卡", ProductKind.DISCOUNT_CARD, False, "", 10000, ""),
        ("PASS", "畅玩卡(年卡)", ProductKind.PASS, False, "", 30000, ""),
        ("CARD-ZOO", "持卡入动物园", ProductKind.CARD_ENTRY, False, "ZOO", 3000, ""),
        ("CHILD-FREE", "儿童免票", ProductKind.CONCESSION, False, "ZOO", 0, "身高1.2米以下儿童"),
        ("SENIOR", "老年人优惠票", ProductKind.CONCESSION, False, "ZOO", 3000, "65岁以上凭身份证"),
    ),
    "PSY": (
        ("BOAT", "游船票", ProductKind.TICKET, True, "BOAT", 3000, ""),
        ("WHEEL", "摩天轮", ProductKind.TICKET, False, "WHEEL", 4000, ""),
        ("PSY-COMBO", "游船+摩天轮联票", ProductKind.COMBINED, False, "BOAT:30,WHEEL:40", 6000, ""),
    ),
}
ROLLS = {  # product code → rolls (first, last); the zoo's rolls leave a gap
    "GATE-ADULT": ((100001, 110000),),
    "ZOO-ADULT": ((200001, 210000), (210501, 220000)),
    "COMBO": ((300001, 310000),),
    "BOAT": ((400001, 405000),),
}
OFFICES = {
    "ZYLZ": (
        ("ZYLZ-N", "北门售票处", ("1号窗口", "2号窗口")),
        ("ZYLZ-ZOO", "动物园售票处", ("1号窗口",)),
    ),
    "PSY": (("PSY-E", "东门售票处", ("1号窗口", "2号窗口", "3号窗口")),),
}
# username, name, the sites she sells at
SELLERS = (
    ("cashier2", "售票员 李娜", ("ZYLZ", "PSY")),
    ("cashier3", "售票员 赵敏", ("PSY",)),
    ("cashier4", "售票员 钱红", ("PSY",)),
)
FLOAT_FEN = 50_000
PAYMENT_MIX = (Payment.CASH,) * 8 + (Payment.WECHAT,) * 7 + (Payment.ALIPAY,) * 4 + (Payment.CARD,)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone()).astimezone(UTC)


def load() -> None:
    # Flags and notifications are worded in the installation's language.
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        _load()


def _load() -> None:
    if db.session.scalar(select(Office.id).limit(1)) is not None:
        return
    sites = {s.code: s for s in db.session.scalars(select(Site))}
    if not {"PSY", "ZYLZ"} <= set(sites):
        return
    users = {u.username: u for u in db.session.scalars(select(User))}
    users.update(_sellers(sites))
    today = business_day()
    catalog = _catalog(sites, users, today)
    offices = _offices(sites, users)
    _rolls(catalog, users["finance"], today)
    db.session.commit()
    _Month(sites, users, catalog, offices, today).build()
    jobs.escalate_unsigned_days(today)


def _sellers(sites: dict[str, Site]) -> dict[str, User]:
    department = db.session.scalar(select(Department).where(Department.name == "经营管理科"))
    sellers = {}
    for username, name, site_codes in SELLERS:
        user = db.session.scalar(select(User).where(User.username == username)) or User(
            username=username
        )
        user.display_name = name
        user.department = department
        user.set_password(core_demo.PASSWORD)
        user.set_roles(["cashier"])
        user.sites = [sites[code] for code in site_codes]
        db.session.add(user)
        sellers[username] = user
    db.session.flush()
    return sellers


def _catalog(sites, users, today) -> dict[str, Product]:
    products = {}
    for site_code, venues in VENUES.items():
        site = sites[site_code]
        by_code = {}
        for code, name in venues:
            by_code[code] = Venue(site_id=site.id, code=code, name=name)
            db.session.add(by_code[code])
        db.session.flush()
        for code, name, kind, serialised, venue_spec, price, id_check in PRODUCTS[site_code]:
            links = []
            for part in filter(None, venue_spec.split(",")):
                venue_code, _sep, weight = part.partition(":")
                links.append(ProductVenue(venue_id=by_code[venue_code].id, weight=int(weight or 1)))
            product = Product(
                site_id=site.id,
                code=code,
                name=name,
                kind=kind,
                serialised=serialised,
                id_check=id_check,
                venue_links=links,
            )
            db.session.add(product)
            db.session.flush()
            # The zoo's price went up 45 days ago: a price history to see.
            history = [(today - timedelta(days=90), price)]
            if code == "ZOO-ADULT":
                history = [(today - timedelta(days=90), 5000), (today - timedelta(days=45), price)]
            for valid_from, fen in history:
                db.session.add(
                    ProductPrice(
                        product_id=product.id,
                        valid_from=valid_from,
                        price_fen=fen,
                        created_by_id=users["finance"].id,
                    )
                )
            products[code] = product
    db.session.flush()
    return products


def _offices(sites, users) -> dict[str, Office]:
    sellers = {
        "ZYLZ": [users["cashier"], users["cashier2"]],
        "PSY": [users["cashier2"], users["cashier3"], users["cashier4"]],
    }
    offices = {}
    for site_code, rows in OFFICES.items():
        for code, name, windows in rows:
            office = Office(site_id=sites[site_code].id, code=code, name=name)
            office.windows = [Window(name=w) for w in windows]
            office.sellers = sellers[site_code]
            db.session.add(office)
            offices[code] = office
    db.session.flush()
    return offices


def _rolls(catalog, finance: User, today: date) -> None:
    for code, rolls in ROLLS.items():
        for first, last in rolls:
            db.session.add(
                StockRoll(
                    site_id=catalog[code].site_id,
                    product_id=catalog[code].id,
                    first_serial=first,
                    last_serial=last,
                    received_on=today - timedelta(days=60),
                    received_by_id=finance.id,
                    created_at=at(today - timedelta(days=60), 10),
                    note="印刷厂交付",
                )
            )


class _Month:
    """A month of days at both sites, oldest first."""

    def __init__(self, sites, users, catalog, offices, today):
        self.sites, self.users, self.catalog, self.offices = sites, users, catalog, offices
        self.today = today
        self.random = random.Random(SEED)
        self.cursor = {code: rolls[0][0] for code, rolls in ROLLS.items()}
        # The discrepancies sit on the last four weekdays (cashier2 is at the zoo on
        # weekdays), left for the auditor; older days are signed off.
        weekdays = [d for d in (today - timedelta(days=n) for n in range(1, 12)) if d.weekday() < 5]
        self.plant = dict(
            zip(("missing", "shortfall", "deposit", "outside"), weekdays, strict=False)
        )
        self.sign_before = weekdays[3]

    def weekday_back(self, days: int) -> date:
        """The first weekday at least ``days`` before today."""
        day = self.today - timedelta(days=days)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day

    def build(self) -> None:
        for back in range(DAYS, 0, -1):
            day = self.today - timedelta(days=back)
            weekend = day.weekday() >= 5
            zylz = [self._shift(day, "ZYLZ-N", "cashier")]
            if weekend:
                self._close_day("PSY", day, [self._shift(day, "PSY-E", "cashier2")])
            else:
                zylz.append(self._shift(day, "ZYLZ-ZOO", "cashier2"))
            self._close_day("ZYLZ", day, zylz)
        self._today()
        self._corrections()

    # --- one shift ---------------------------------------------------------------------

    def _shift(self, day: date, office_code: str, username: str) -> Shift:
        office = self.offices[office_code]
        seller = self.users[username]
        opened, closing = at(day, 8, 20), at(day, 17, 40)
        shift = Shift(
            site_id=office.site_id,
            office_id=office.id,
            window_id=office.windows[0].id,
            seller_id=seller.id,
            business_day=day,
            opened_at=opened,
            opening_float_fen=FLOAT_FEN,
        )
        db.session.add(shift)
        db.session.flush()
        prices = prices_on([p.id for p in self.catalog.values()], day)
        zoo = office_code == "ZYLZ-ZOO"
        for code in self._paper(office_code):
            by_line = zoo and day == self.plant["missing"]
            self._range(shift, code, opened, closing, prices, by_line)
        self._e_tickets(shift, office_code, username, closing, prices)
        if zoo and day == self.plant["outside"]:
            self._outside_range(shift, closing, prices)
        db.session.flush()
        self._count(shift, closing)
        return shift

    @staticmethod
    def _paper(office_code: str) -> tuple[str, ...]:
        return {
            "ZYLZ-N": ("GATE-ADULT", "COMBO"),
            "ZYLZ-ZOO": ("ZOO-ADULT",),
            "PSY-E": ("BOAT",),
        }[office_code]

    def _range(self, shift, code, opened, closing, prices, by_line: bool) -> None:
        product = self.catalog[code]
        size = 300
        first = self.cursor[code]
        roll_last = next(last for start, last in ROLLS[code] if start <= first <= last)
        if first + size - 1 > roll_last:  # this roll is used up: on to the next one
            first = self.cursor[code] = next(
                start for start, _l in ROLLS[code] if start > roll_last
            )
        sold = self.random.randint(120, 260)
        issue = StockIssue(
            site_id=shift.site_id,
            product_id=product.id,
            roll_id=self._roll_id(product, first),
            shift_id=shift.id,
            seller_id=shift.seller_id,
            first_serial=first,
            last_serial=first + size - 1,
            issued_by_id=self.users["finance"].id,
            issued_at=opened + timedelta(minutes=5),
            returned_from=first + sold,
            returned_at=closing - timedelta(minutes=10),
            returned_by_id=shift.seller_id,
        )
        db.session.add(issue)
        db.session.flush()
        # The remainder goes back to the store and is issued again next time.
        self.cursor[code] = first + sold
        voided = 0
        if self.random.random() < 0.3:
            voided = 1
            db.session.add(
                SerialVoid(
                    site_id=shift.site_id,
                    product_id=product.id,
                    issue_id=issue.id,
                    shift_id=shift.id,
                    serial=first + sold - 1,
                    reason="打印错位,票面模糊",
                    requested_by_id=shift.seller_id,
                    requested_at=closing - timedelta(hours=2),
                    status=VoidStatus.APPROVED,
                    decided_by_id=self.users["auditor"].id,
                    decided_at=closing - timedelta(hours=1),
                )
            )
        price = prices[product.id]
        if by_line:  # sold line by line from the ticketing system; three serials unaccounted
            skipped = {first + 17, first + 18, first + 40}
            for serial in range(first, first + sold - voided):
                if serial in skipped:
                    continue
                db.session.add(
                    self._line(
                        shift, product, price, 1, self._moment(shift, closing), serial=serial
                    )
                )
            return
        db.session.add(range_sale(shift, issue, sold - voided, price, closing))

    def _roll_id(self, product: Product, serial: int) -> int:
        return db.session.scalar(
            select(StockRoll.id).where(
                StockRoll.product_id == product.id,
                StockRoll.first_serial <= serial,
                StockRoll.last_serial >= serial,
            )
        )

    def _moment(self, shift: Shift, closing: datetime) -> datetime:
        span = (closing - shift.opened_at).total_seconds()
        return shift.opened_at + timedelta(seconds=self.random.uniform(600, span - 1200))

    def _line(
        self,
        shift,
        product,
        price,
        quantity,
        sold_at,
        *,
        serial=None,
        payment=None,
        status=SaleStatus.SOLD,
        amount=None,
    ) -> SalesLine:
        return shift_line(
            shift,
            product_id=product.id,
            sold_at=sold_at,
            serial=serial,
            quantity=quantity,
            amount_fen=price * quantity if amount is None else amount,
            list_price_fen=price,
            payment=payment or self.random.choice(PAYMENT_MIX),
            status=status,
            source=SaleSource.IMPORT,
        )

    def _e_tickets(self, shift, office_code, username, closing, prices) -> None:
        """The day's electronic sales, as the ticketing system's export would list them."""
        if office_code == "PSY-E":
            plan = {"WHEEL": 40, "PSY-COMBO": 25}
        elif office_code == "ZYLZ-N":
            plan = {"CAROUSEL": 45, "TRAIN": 35, "DISCOUNT-CARD": 3, "PASS": 1, "CHILD-FREE": 4}
        else:
            # The 2019 pattern: many more free and concession entries on her days.
            free = 22 if username == "cashier2" else 6
            plan = {"CARD-ZOO": 12, "CHILD-FREE": free, "SENIOR": free // 2}
        record = SalesImport(
            kind="sales",
            file_name=f"{office_code}-{shift.business_day.isoformat()}.csv",
            file_hash=hashlib.sha256(f"demo {shift.id}".encode()).hexdigest(),
            rows=0,
            imported=0,
            skipped=0,
            imported_by_id=shift.seller_id,
            imported_at=closing - timedelta(minutes=20),
        )
        db.session.add(record)
        db.session.flush()
        lines = []
        for code, count in plan.items():
            product = self.catalog[code]
            for _n in range(count):
                quantity = self.random.choice((1, 1, 1, 2, 2, 3))
                line = self._line(
                    shift, product, prices[product.id], quantity, self._moment(shift, closing)
                )
                line.import_id = record.id
                lines.append(line)
        if lines and self.random.random() < 0.25:  # a visitor changed her mind
            refund = lines[0]
            lines.append(
                self._line(
                    shift,
                    next(p for p in self.catalog.values() if p.id == refund.product_id),
                    refund.list_price_fen,
                    refund.quantity,
                    refund.sold_at + timedelta(minutes=30),
                    payment=refund.payment,
                    status=SaleStatus.REFUND,
                )
            )
        if office_code == "ZYLZ-ZOO" and shift.business_day == self.plant["missing"]:
            cheap = lines[0]  # sold below the list price
            cheap.amount_fen = max(cheap.amount_fen - 1000, 0)
        db.session.add_all(lines)
        record.rows = record.imported = len(lines)

    def _outside_range(self, shift, closing, prices) -> None:
        """A zoo ticket from the store, never issued to her, sold on her shift."""
        product = self.catalog["ZOO-ADULT"]
        db.session.add(
            self._line(
                shift,
                product,
                prices[product.id],
                1,
                closing - timedelta(hours=3),
                serial=ROLLS["ZOO-ADULT"][-1][1] - 5,
                payment=Payment.WECHAT,
            )
        )

    def _count(self, shift: Shift, closing: datetime) -> None:
        expected = expected_by_method(shift)
        counted = dict(expected)
        zoo = shift.office.code == "ZYLZ-ZOO"
        big = zoo and shift.business_day == self.plant["shortfall"]
        if zoo:
            counted[Payment.CASH] -= self.random.choice((300, 500, 600, 800, 900))
        elif self.random.random() < 0.2:
            counted[Payment.CASH] += self.random.choice((-100, 100, -200))
        if big:
            counted[Payment.CASH] = expected[Payment.CASH] - 15_000
        shift.tallies = [
            ShiftTally(method=m, position=n, expected_fen=expected[m], counted_fen=counted[m])
            for n, m in enumerate(METHODS)
        ]
        shift.counted_at = closing
        shift.tolerance_fen, shift.second_count_fen = (
            DEFAULT_TOLERANCE_FEN,
            DEFAULT_SECOND_COUNT_FEN,
        )
        if big:
            shift.explanation = "找零时多找给一位团队游客,已联系导游追回。"
            shift.explained_at = closing + timedelta(minutes=5)
            shift.second_counter_id = self.users["auditor"].id
            shift.second_counted_at = closing + timedelta(minutes=20)
            for tally in shift.tallies:  # the auditor found a ¥20 note the seller missed
                extra = 2000 if tally.method == Payment.CASH else 0
                tally.second_counted_fen = tally.counted_fen + extra
        shift.status = ShiftStatus.CLOSED
        shift.closed_at = closing + timedelta(minutes=25)
        db.session.flush()
        link_evidence(
            "ticketing.shift",
            shift.id,
            f"{shift.business_day.isoformat()} {shift.office.name} {shift.window.name} "
            f"{shift.seller.display_name}: {total_difference(shift)}",
        )

    # --- one day ------------------------------------------------------------------------

    def _close_day(self, site_code: str, day: date, shifts: list[Shift]) -> None:
        site = self.sites[site_code]
        summary.refresh_day(site.id, day)
        record = day_record(site.id, day)
        sold = reconciliation.sold_per_venue(site.id, day)
        cashier2_worked = any(s.seller.username == "cashier2" for s in shifts)
        for venue_id, tickets in sold.items():
            venue = db.session.get(Venue, venue_id)
            entries = tickets
            if venue.code == "ZOO" and cashier2_worked:
                entries += max(3, round(tickets * self.random.uniform(0.03, 0.06)))
            if venue.code == "ZOO" and day == self.plant["missing"]:
                entries += 20
            db.session.add(
                GateCount(
                    site_id=site.id,
                    venue_id=venue_id,
                    business_day=day,
                    entries=max(entries, 0),
                    source=EntrySource.IMPORTED,
                    recorded_by_id=self.users["auditor"].id,
                    recorded_at=at(day, 18, 30),
                )
            )
        db.session.flush()
        figures = reconciliation.day_figures(record)
        short = site_code == "ZYLZ" and day == self.plant["deposit"]
        deposit = figures.cash_to_deposit - (10_000 if short else 0)
        db.session.add(
            Deposit(
                day_id=record.id,
                amount_fen=deposit,
                slip_number=f"{site_code}{day:%Y%m%d}01",
                source=EntrySource.ENTERED,
                recorded_by_id=self.users["finance"].id,
                recorded_at=at(day + timedelta(days=1), 9, 40),
            )
        )
        db.session.commit()
        if site_code == "ZYLZ" and day == self.weekday_back(12):
            self._finding(record, shifts, "售票员李娜连续多日现金短款(每日¥3–¥9),需约谈。", False)
        if site_code == "ZYLZ" and day == self.weekday_back(20):
            self._finding(record, shifts, "短款已由售票员当日补齐。", True)
        if day < self.sign_before:
            figures = reconciliation.day_figures(record)
            signoff.sign_off(record, {f.key for f in figures.to_review}, self.users["auditor"])
            record.signed_at = at(day + timedelta(days=1), 11, 0)
            db.session.commit()

    def _finding(self, day, shifts, text: str, resolved: bool) -> None:
        shift = next(s for s in shifts if s.seller.username == "cashier2")
        finding = findings.add_finding(
            day, text, self.users["auditor"], amount_fen=total_difference(shift), shift=shift
        )
        finding.created_at = at(day.business_day + timedelta(days=1), 10, 30)
        if resolved:
            findings.resolve_finding(finding, "已补交短款,收据存档。", self.users["leader"])
            finding.resolved_at = at(day.business_day + timedelta(days=2), 15, 0)
        db.session.commit()

    # --- today and corrections ---------------------------------------------------------------

    def _today(self) -> None:
        """At 濮上园 cashier2 is selling; cashier3 and cashier4 have counted their morning's
        takings short, one waiting to explain, the other for a second count."""
        boat, first = self.catalog["BOAT"], self.cursor["BOAT"]
        self._open_today("cashier2", 0, boat, first, first + 199)
        price = prices_on([boat.id], self.today)[boat.id]
        short = self._open_today("cashier3", 1, boat, first + 200, first + 299, sold=60)
        self._count_cash(short, FLOAT_FEN + 60 * price - 3_000)
        beyond = self._open_today("cashier4", 2, boat, first + 300, first + 399, sold=80)
        self._count_cash(beyond, FLOAT_FEN + 80 * price - 15_000)
        why = "清点时发现一张百元假币已被没收,另有找零差错,待复点。"
        shifts.explain(beyond, why, beyond.seller)
        day_record(boat.site_id, self.today)
        db.session.commit()

    def _open_today(self, username, window, product, first, last, sold=None) -> Shift:
        """A shift of today opened (and a range taken and returned) through the services."""
        seller = self.users[username]
        office = self.offices["PSY-E"]
        shift = shifts.open_shift(seller, office.windows[window], FLOAT_FEN)
        # Backdated to the morning: the services stamp the moment the demo is loaded.
        shift.opened_at = min(at(self.today, 8, 20), datetime.now(UTC) - timedelta(minutes=30))
        issue = stock.issue_range(shift, product, first, last, self.users["finance"])
        issue.issued_at = shift.opened_at + timedelta(minutes=5)
        if sold is not None:
            stock.return_range(issue, first + sold, seller)
        db.session.commit()
        return shift

    @staticmethod
    def _count_cash(shift: Shift, cash_fen: int) -> None:
        """A blind count of a shift that took only cash."""
        counted = dict.fromkeys(METHODS, 0) | {Payment.CASH: cash_fen}
        shifts.count_blind(shift, counted, shift.seller)

    def _corrections(self) -> None:
        auditor, leader = self.users["auditor"], self.users["leader"]
        zylz = self.sites["ZYLZ"].id
        day15 = day_record(zylz, self.today - timedelta(days=15))
        gate = db.session.scalar(select(Venue).where(Venue.site_id == zylz, Venue.code == "GATE"))
        latest = reconciliation.latest_gate_counts(zylz, day15.business_day)[gate.id]
        correction = corrections.request_correction(
            day15,
            corrections.GateCorrection(gate, latest.entries - 12),
            "闸机重复计数12人次(设备维修记录为证),按人工复核数更正。",
            auditor,
        )
        corrections.decide_correction(correction, True, leader)
        day9 = day_record(zylz, self.today - timedelta(days=9))
        deposit = reconciliation.latest_deposit(day9)
        corrections.request_correction(
            day9,
            corrections.DepositCorrection(deposit.amount_fen, deposit.slip_number + "-2"),
            "银行回单号录入错误,按回单原件更正。",
            auditor,
        )
