"""票本: rolls of printed tickets received from the printer, and what the store holds."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from modules.ticketing.errors import TicketingError
from modules.ticketing.models import MAX_SERIAL, Product, StockIssue, StockRoll
from modules.ticketing.pages import page_path
from modules.ticketing.stock.counts import issue_counts
from parkops import audit, idempotency
from parkops.auth.models import User
from parkops.extensions import db

MAX_RANGE = 1_000_000  # more serials than any roll holds: a typing error


def receive_roll(
    product: Product,
    first: int,
    last: int,
    received_on: date,
    note: str,
    actor: User,
    retry_key: str | None = None,
) -> StockRoll:
    if not product.serialised:
        raise TicketingError(_("%(name)s is not sold from printed stock.", name=product.name))
    check_bounds(first, last)
    overlap = db.session.scalar(
        select(StockRoll).where(
            StockRoll.product_id == product.id,
            StockRoll.first_serial <= last,
            StockRoll.last_serial >= first,
        )
    )
    if overlap is not None:
        raise TicketingError(
            _(
                "Serials %(first)s–%(last)s overlap a roll already received "
                "(%(rfirst)s–%(rlast)s): a duplicate.",
                first=first,
                last=last,
                rfirst=overlap.first_serial,
                rlast=overlap.last_serial,
            )
        )
    roll = StockRoll(
        site_id=product.site_id,
        product_id=product.id,
        first_serial=first,
        last_serial=last,
        received_on=received_on,
        received_by_id=actor.id,
        note=note.strip(),
    )
    db.session.add(roll)
    db.session.flush()
    audit.record(
        "ticketing.roll_received",
        "stock_roll",
        roll.id,
        {"product": product.code, "first": first, "last": last},
        actor=actor,
    )
    idempotency.remember(retry_key, page_path("ticketing.stock_page"), actor.id)
    db.session.commit()
    return roll


def check_bounds(first: int, last: int) -> None:
    if first < 1 or last < first or last > MAX_SERIAL:
        raise TicketingError(_("The first serial must be at least 1 and not after the last."))
    if last - first + 1 > MAX_RANGE:
        raise TicketingError(_("More than %(n)s serials at once: check the numbers.", n=MAX_RANGE))


@dataclass
class RollStock:
    roll: StockRoll
    store: int  # back in the store: never issued, or counted back by the keeper
    unconfirmed: int  # returned by a seller, not yet counted by the keeper: not in the store
    with_seller: int
    sold: int
    voided: int
    missing: int


def product_stock(product: Product) -> tuple[list[RollStock], list[tuple[int, int]]]:
    """Each roll's serials by where they are, and the gaps between consecutive rolls."""
    rolls = list(
        db.session.scalars(
            select(StockRoll)
            .where(StockRoll.product_id == product.id)
            .order_by(StockRoll.first_serial)
        )
    )
    issues = list(db.session.scalars(select(StockIssue).where(StockIssue.product_id == product.id)))
    counts = issue_counts(issues)
    result = []
    for roll in rolls:
        mine = [counts[i.id] for i in issues if i.roll_id == roll.id]
        held = sum(c.issued - c.returned + c.unconfirmed for c in mine)
        result.append(
            RollStock(
                roll=roll,
                store=roll.size - held,
                unconfirmed=sum(c.unconfirmed for c in mine),
                with_seller=sum(c.with_seller for c in mine),
                sold=sum(c.sold for c in mine),
                voided=sum(c.voided for c in mine),
                missing=sum(c.missing for c in mine),
            )
        )
    gaps = [
        (a.last_serial + 1, b.first_serial - 1)
        for a, b in zip(rolls, rolls[1:], strict=False)
        if b.first_serial > a.last_serial + 1
    ]
    return result, gaps
