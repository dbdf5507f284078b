"""The checks of a sales file against the database: offices, sellers, products, shifts and
prices it names, serials sold or voided before, lines imported before.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from modules.ticketing.catalog import prices_on
from modules.ticketing.imports.files import CLOCK_SKEW, chunks, too_far_back
from modules.ticketing.imports.sales_rows import Sale
from modules.ticketing.models import (
    Office,
    Product,
    Reversal,
    SalesLine,
    SaleSource,
    SaleStatus,
    SerialVoid,
    Shift,
    ShiftStatus,
    VoidStatus,
)
from modules.ticketing.shifts import takes_sale
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import to_local


class Lookups:
    """The offices, sellers, products, shifts and prices a file refers to, loaded once."""

    def __init__(self, actor: User, sales: list[Sale]):
        self.actor = actor
        # Finance and the auditors import a ticketing system's export of any seller.
        self.any_seller = actor.can("ticketing.manage") or actor.can("ticketing.audit")
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
        days = {s.day for s in sales} | {s.day - timedelta(days=1) for s in sales}  # after midnight
        for p in self.products.values():
            for day in days:
                by_day[day].add(p.id)
        for day, ids in by_day.items():
            for product_id, price in prices_on(ids, day).items():
                self.prices[(product_id, day)] = price

    def resolve(self, sale: Sale, now: datetime) -> list[str]:
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
        elif old := too_far_back(to_local(sale.sold_at).date()):
            reasons.append(old)
        shift = None
        if office is not None and user is not None:
            shift = self.shifts.get((user.id, office.id))
            if shift is not None and takes_sale(shift, sale.sold_at):
                sale.day = shift.business_day  # an after-midnight sale counts to its shift's day
            else:
                shift = None
        if product is not None:
            reasons.extend(self._product_rules(sale, product))
        if reasons:
            return reasons
        if shift is None:
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

    def _product_rules(self, sale: Sale, product: Product) -> list[str]:
        reasons = []
        if not product.active:
            reasons.append(_("product %(code)s is no longer sold", code=sale.product))
        if product.serialised and sale.serial is None:
            reasons.append(
                _("%(code)s is a printed ticket: its serial is missing", code=sale.product)
            )
        if not product.serialised and sale.serial is not None:
            reasons.append(_("%(code)s has no printed serials", code=sale.product))
        if sale.serial is not None and sale.quantity != 1:
            reasons.append(_("a line with a serial is one ticket: quantity must be 1"))
        if (product.id, sale.day) not in self.prices:
            reasons.append(
                _("%(code)s has no price on %(day)s", code=sale.product, day=sale.day.isoformat())
            )
        return reasons


def serial_errors(sales: list[Sale]) -> dict[int, list[str]]:
    """A serial sold twice (in the file or before), a voided one sold. (Refunds and voids:
    sales_reversals.py.)"""
    errors: dict[int, list[str]] = defaultdict(list)
    by_product: dict[int, set[int]] = defaultdict(set)
    for s in sales:
        if s.serial is not None and s.status == SaleStatus.SOLD:
            by_product[s.values["product_id"]].add(s.serial)
    sold_before: set[tuple[int, int]] = set()
    voided: set[tuple[int, int]] = set()
    for product_id, serials in by_product.items():
        for chunk in chunks(sorted(serials)):
            sold_before.update(
                (product_id, serial)
                for serial in db.session.scalars(
                    select(SalesLine.serial).where(
                        SalesLine.product_id == product_id,
                        SalesLine.serial.in_(chunk),
                        SalesLine.status == SaleStatus.SOLD,
                    )
                )
            )
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
    for s in sorted(sales, key=lambda s: s.line_no):
        if s.serial is None or s.status != SaleStatus.SOLD:
            continue
        key = (s.values["product_id"], s.serial)
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
    return errors


def known_keys(keys: list[str]) -> set[str]:
    """The natural keys imported before: as sales lines or as voids and refunds asked for."""
    known: set[str] = set()
    for chunk in chunks(keys):
        for column in (SalesLine.natural_key, Reversal.natural_key):
            known.update(db.session.scalars(select(column).where(column.in_(chunk))))
    return known
