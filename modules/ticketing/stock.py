"""Ticket stock kept as serial ranges: rolls in, ranges out to sellers, remainders back, voids.

Where a serial is (in the store, with a seller, sold, voided, missing) is
computed from the ranges, the approved voids and the sales lines; there is no
row per serial. A returned range is settled when its shift is counted: each of
its serials before the first unsold one is then voided, sold (by a sales line
with that serial, or by the range's own sales line when the shift recorded that
product by range), or else missing. Hence, for every range:

    sold + returned + voided + missing + with seller == issued
"""

import enum
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from modules.ticketing import four_eyes
from modules.ticketing.errors import TicketingError
from modules.ticketing.models import (
    MAX_SERIAL,
    Product,
    SalesLine,
    SaleSource,
    SaleStatus,
    SerialVoid,
    Shift,
    ShiftStatus,
    StockIssue,
    StockRoll,
    VoidStatus,
)
from parkops import audit
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db

MAX_RANGE = 1_000_000  # more serials than any roll holds: a typing error


class SerialState(enum.StrEnum):
    NOT_RECEIVED = "not_received"
    STORE = "store"
    WITH_SELLER = "with_seller"
    SOLD = "sold"
    VOIDED = "voided"
    MISSING = "missing"


@dataclass(frozen=True)
class RangeCounts:
    issued: int
    returned: int
    voided: int
    sold: int
    missing: int
    with_seller: int


def range_counts(
    first: int,
    last: int,
    returned_from: int | None,
    *,
    voided: int,
    sold_lines: int,
    range_sold: int,
    settled: bool,
) -> RangeCounts:
    """Counts of one range from its totals: what is neither returned, voided nor sold is
    with the seller until the shift is counted, and missing after."""
    issued = last - first + 1
    returned = 0 if returned_from is None else last - returned_from + 1
    rest = issued - returned - voided - sold_lines - range_sold
    return RangeCounts(
        issued=issued,
        returned=returned,
        voided=voided,
        sold=sold_lines + range_sold,
        missing=rest if settled else 0,
        with_seller=0 if settled else rest,
    )


def _held_last():
    return func.coalesce(StockIssue.returned_from - 1, StockIssue.last_serial)


def issue_counts(issues: list[StockIssue]) -> dict[int, RangeCounts]:
    """Counts for many ranges in three grouped queries."""
    if not issues:
        return {}
    ids = [i.id for i in issues]
    sold_lines = dict(
        db.session.execute(
            select(StockIssue.id, func.count(SalesLine.id))
            .join(
                SalesLine,
                and_(
                    SalesLine.product_id == StockIssue.product_id,
                    SalesLine.serial >= StockIssue.first_serial,
                    SalesLine.serial <= _held_last(),
                    SalesLine.status == SaleStatus.SOLD,
                ),
            )
            .where(StockIssue.id.in_(ids))
            .group_by(StockIssue.id)
        ).all()
    )
    voided = dict(
        db.session.execute(
            select(SerialVoid.issue_id, func.count())
            .where(SerialVoid.issue_id.in_(ids), SerialVoid.status == VoidStatus.APPROVED)
            .group_by(SerialVoid.issue_id)
        ).all()
    )
    range_sold = dict(
        db.session.execute(
            select(SalesLine.issue_id, func.sum(SalesLine.quantity))
            .where(SalesLine.issue_id.in_(ids), SalesLine.source == SaleSource.RANGE)
            .group_by(SalesLine.issue_id)
        ).all()
    )
    return {
        i.id: range_counts(
            i.first_serial,
            i.last_serial,
            i.returned_from,
            voided=voided.get(i.id, 0),
            sold_lines=sold_lines.get(i.id, 0),
            range_sold=int(range_sold.get(i.id) or 0),
            settled=i.shift.status != ShiftStatus.OPEN,
        )
        for i in issues
    }


# --- rolls ------------------------------------------------------------------------------


def receive_roll(
    product: Product, first: int, last: int, received_on: date, note: str, actor: User
) -> StockRoll:
    if not product.serialised:
        raise TicketingError(_("%(name)s is not sold from printed stock.", name=product.name))
    _check_bounds(first, last)
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
    db.session.commit()
    return roll


def _check_bounds(first: int, last: int) -> None:
    if first < 1 or last < first or last > MAX_SERIAL:
        raise TicketingError(_("The first serial must be at least 1 and not after the last."))
    if last - first + 1 > MAX_RANGE:
        raise TicketingError(_("More than %(n)s serials at once: check the numbers.", n=MAX_RANGE))


@dataclass
class RollStock:
    roll: StockRoll
    store: int
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
        held = sum(c.issued - c.returned for c in mine)
        result.append(
            RollStock(
                roll=roll,
                store=roll.size - held,
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


# --- ranges issued to a seller -------------------------------------------------------------


def issue_range(shift: Shift, product: Product, first: int, last: int, actor: User) -> StockIssue:
    """Hand serials first..last from the store to the seller of an open shift."""
    if shift.status != ShiftStatus.OPEN:
        raise TicketingError(_("The shift is no longer open."))
    if product.site_id != shift.site_id or not product.active:
        raise TicketingError(_("This product is not sold at this site."))
    if not product.serialised:
        raise TicketingError(_("%(name)s is not sold from printed stock.", name=product.name))
    _check_bounds(first, last)
    roll = db.session.scalar(
        select(StockRoll).where(
            StockRoll.product_id == product.id,
            StockRoll.first_serial <= first,
            StockRoll.last_serial >= last,
        )
    )
    if roll is None:
        raise TicketingError(
            _(
                "Serials %(first)s–%(last)s are not inside one roll received for %(name)s.",
                first=first,
                last=last,
                name=product.name,
            )
        )
    held = db.session.scalar(
        select(StockIssue).where(
            StockIssue.product_id == product.id,
            StockIssue.first_serial <= last,
            _held_last() >= first,
            _held_last() >= StockIssue.first_serial,
        )
    )
    if held is not None:
        raise TicketingError(
            _(
                "Serials %(first)s–%(last)s are already with %(seller)s (shift of %(day)s).",
                first=held.first_serial,
                last=held.held_last,
                seller=held.seller.display_name,
                day=held.shift.business_day.isoformat(),
            )
        )
    taken = db.session.scalar(
        select(func.min(SalesLine.serial)).where(
            SalesLine.product_id == product.id,
            SalesLine.status == SaleStatus.SOLD,
            SalesLine.serial.between(first, last),
        )
    ) or db.session.scalar(
        select(func.min(SerialVoid.serial)).where(
            SerialVoid.product_id == product.id,
            SerialVoid.status == VoidStatus.APPROVED,
            SerialVoid.serial.between(first, last),
        )
    )
    if taken is not None:
        raise TicketingError(
            _("Serial %(serial)s is already sold or voided: not in the store.", serial=taken)
        )
    issue = StockIssue(
        site_id=shift.site_id,
        product_id=product.id,
        roll_id=roll.id,
        shift_id=shift.id,
        seller_id=shift.seller_id,
        first_serial=first,
        last_serial=last,
        issued_by_id=actor.id,
    )
    db.session.add(issue)
    db.session.flush()
    audit.record(
        "ticketing.range_issued",
        "stock_issue",
        issue.id,
        {"product": product.code, "first": first, "last": last, "shift": shift.id},
        actor=actor,
    )
    db.session.commit()
    return issue


def return_range(issue: StockIssue, first_unsold: int, actor: User) -> None:
    """Record the first unsold serial; the remainder goes back to the store.

    ``first_unsold == last + 1`` means nothing is returned. It may be changed
    while the shift is open.
    """
    if issue.shift.status != ShiftStatus.OPEN:
        raise TicketingError(_("The shift is no longer open."))
    if not issue.first_serial <= first_unsold <= issue.last_serial + 1:
        raise TicketingError(
            _(
                "The first unsold serial must be between %(first)s and %(after)s "
                "(%(after)s: everything sold).",
                first=issue.first_serial,
                after=issue.last_serial + 1,
            )
        )
    sold = db.session.scalar(
        select(func.max(SalesLine.serial)).where(
            SalesLine.product_id == issue.product_id,
            SalesLine.status == SaleStatus.SOLD,
            SalesLine.serial.between(first_unsold, issue.last_serial),
        )
    )
    if sold is not None:
        raise TicketingError(
            _(
                "Serial %(serial)s is recorded as sold: the first unsold serial comes after it.",
                serial=sold,
            )
        )
    voided = db.session.scalar(
        select(func.max(SerialVoid.serial)).where(
            SerialVoid.issue_id == issue.id,
            SerialVoid.status != VoidStatus.REJECTED,
            SerialVoid.serial >= first_unsold,
        )
    )
    if voided is not None:
        raise TicketingError(
            _(
                "Serial %(serial)s is voided: voided tickets are kept, not returned.",
                serial=voided,
            )
        )
    issue.returned_from = first_unsold
    issue.returned_at = utcnow()
    issue.returned_by_id = actor.id
    audit.record(
        "ticketing.range_returned",
        "stock_issue",
        issue.id,
        {"first_unsold": first_unsold},
        actor=actor,
    )
    db.session.commit()


# --- voids ------------------------------------------------------------------------------------


def request_void(
    shift: Shift, product: Product, serial: int, reason: str, actor: User
) -> SerialVoid:
    """The seller keeps the spoiled ticket and asks a supervisor to approve its void."""
    reason = reason.strip()
    if len(reason) < 2:
        raise TicketingError(_("Say why the ticket is spoiled."))
    if shift.status != ShiftStatus.OPEN:
        raise TicketingError(_("The shift is no longer open."))
    issue = next(
        (
            i
            for i in shift.issues
            if i.product_id == product.id and i.first_serial <= serial <= i.held_last
        ),
        None,
    )
    if issue is None:
        raise TicketingError(
            _("Serial %(serial)s is not in a range this shift holds.", serial=serial)
        )
    if db.session.scalar(
        select(SalesLine.id).where(
            SalesLine.product_id == product.id,
            SalesLine.serial == serial,
            SalesLine.status == SaleStatus.SOLD,
        )
    ):
        raise TicketingError(_("Serial %(serial)s is recorded as sold.", serial=serial))
    if db.session.scalar(
        select(SerialVoid.id).where(
            SerialVoid.product_id == product.id,
            SerialVoid.serial == serial,
            SerialVoid.status != VoidStatus.REJECTED,
        )
    ):
        raise TicketingError(_("Serial %(serial)s is already voided.", serial=serial))
    void = SerialVoid(
        site_id=shift.site_id,
        product_id=product.id,
        issue_id=issue.id,
        shift_id=shift.id,
        serial=serial,
        reason=reason[:300],
        requested_by_id=actor.id,
    )
    db.session.add(void)
    db.session.flush()
    audit.record(
        "ticketing.void_requested",
        "serial_void",
        void.id,
        {"product": product.code, "serial": serial, "reason": reason},
        actor=actor,
    )
    db.session.commit()
    return void


def decide_void(void: SerialVoid, approve: bool, actor: User) -> None:
    if void.status != VoidStatus.PENDING:
        raise TicketingError(_("This void was already decided."))
    if not four_eyes.may_decide_void(actor, void):
        raise TicketingError(_("A void is approved by a supervisor, not by the seller."))
    if void.shift.status != ShiftStatus.OPEN:
        raise TicketingError(_("The shift is no longer open."))
    void.status = VoidStatus.APPROVED if approve else VoidStatus.REJECTED
    void.decided_by_id = actor.id
    void.decided_at = utcnow()
    audit.record(
        "ticketing.void_approved" if approve else "ticketing.void_rejected",
        "serial_void",
        void.id,
        {"serial": void.serial},
        actor=actor,
    )
    db.session.commit()


# --- where one serial is ------------------------------------------------------------------------


@dataclass
class SerialInfo:
    state: SerialState
    roll: StockRoll | None = None
    issue: StockIssue | None = None
    line: SalesLine | None = None
    void: SerialVoid | None = None


def serial_status(product: Product, serial: int, at: datetime | None = None) -> SerialInfo:
    """Where ``serial`` of ``product`` was at ``at`` (now by default), from the recorded times."""
    at = at or utcnow()
    roll = db.session.scalar(
        select(StockRoll).where(
            StockRoll.product_id == product.id,
            StockRoll.first_serial <= serial,
            StockRoll.last_serial >= serial,
            StockRoll.created_at <= at,
        )
    )
    line = db.session.scalar(
        select(SalesLine).where(
            SalesLine.product_id == product.id,
            SalesLine.serial == serial,
            SalesLine.status == SaleStatus.SOLD,
            SalesLine.sold_at <= at,
        )
    )
    issue = db.session.scalar(
        select(StockIssue)
        .where(
            StockIssue.product_id == product.id,
            StockIssue.first_serial <= serial,
            StockIssue.last_serial >= serial,
            StockIssue.issued_at <= at,
        )
        .order_by(StockIssue.issued_at.desc(), StockIssue.id.desc())
        .limit(1)
    )
    if line is not None:
        return SerialInfo(SerialState.SOLD, roll, issue, line=line)
    if issue is None:
        return SerialInfo(SerialState.STORE if roll else SerialState.NOT_RECEIVED, roll)
    returned = issue.returned_at is not None and issue.returned_at <= at
    if returned and serial >= issue.returned_from:
        return SerialInfo(SerialState.STORE, roll)
    void = db.session.scalar(
        select(SerialVoid).where(
            SerialVoid.issue_id == issue.id,
            SerialVoid.serial == serial,
            SerialVoid.status == VoidStatus.APPROVED,
            SerialVoid.decided_at <= at,
        )
    )
    if void is not None:
        return SerialInfo(SerialState.VOIDED, roll, issue, void=void)
    counted_at = issue.shift.counted_at
    if not returned or counted_at is None or counted_at > at:
        return SerialInfo(SerialState.WITH_SELLER, roll, issue)
    range_line = db.session.scalar(
        select(SalesLine).where(
            SalesLine.issue_id == issue.id, SalesLine.source == SaleSource.RANGE
        )
    )
    if range_line is not None:
        return SerialInfo(SerialState.SOLD, roll, issue, line=range_line)
    return SerialInfo(SerialState.MISSING, roll, issue)


def pending_voids(site_ids: set[int] | None) -> list[SerialVoid]:
    q = select(SerialVoid).where(SerialVoid.status == VoidStatus.PENDING)
    if site_ids is not None:
        q = q.where(SerialVoid.site_id.in_(site_ids))
    return list(db.session.scalars(q.order_by(SerialVoid.requested_at)))
