"""The demo month's shifts, built record by record with their real times: ranges, e-tickets,
the planted discrepancies, the blind count."""

import hashlib
from datetime import date, datetime, timedelta

from sqlalchemy import select

from modules.ticketing.catalog import prices_on
from modules.ticketing.demo.catalog import ROLLS
from modules.ticketing.demo.clock import at
from modules.ticketing.models import (
    Payment,
    Product,
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
    VoidStatus,
)
from modules.ticketing.shifts import (
    METHODS,
    expected_by_method,
    range_sale,
    shift_line,
    total_difference,
)
from modules.ticketing.tolerances import DEFAULT_SECOND_COUNT_FEN, DEFAULT_TOLERANCE_FEN
from parkops.extensions import db
from parkops.money import format_fen
from parkops.rectification.services import link_evidence

FLOAT_FEN = 50_000
PAYMENT_MIX = (Payment.CASH,) * 8 + (Payment.WECHAT,) * 7 + (Payment.ALIPAY,) * 4 + (Payment.CARD,)


class ShiftBuilder:
    """Month's shifts (see month.Month for the attributes it uses)."""

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
            # finance counts the remainder back in at the close
            confirmed_from=first + sold,
            confirmed_last=first + size - 1 if sold < size else None,
            confirmed_at=closing - timedelta(minutes=5),
            confirmed_by_id=self.users["finance"].id,
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
            f"{shift.seller.display_name}: {format_fen(total_difference(shift))}",
            site_id=shift.site_id,
            created_at=shift.closed_at,
        )
