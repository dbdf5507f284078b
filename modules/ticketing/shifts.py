"""A seller's shift: open at a window with a float, sell, close with a blind count.

The blind count: the seller enters what she counted per payment method before
the system shows what it expected. Expected cash is the opening float plus cash
sales less cash refunds (the float is counted with the takings); the other
methods are their sales less refunds. The largest difference of any one method
decides: beyond the tolerance the seller must explain it; beyond the second
threshold another person must count again and confirm, and that count is final.

Sales of printed tickets come from the ranges (sold = issued − returned −
voided, at the day's price, in cash) unless the shift imported lines carrying
serials of that product: then those lines are the sales, and an unaccounted
serial of the range is missing.

The business day of a sale is its shift's: a shift belongs to the local day it
was opened on, and takes that day's sales and, while it stays open past
midnight (an evening event: the lantern festival), those made before
``NIGHT_ENDS`` the next morning.
"""

from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from modules.ticketing import four_eyes, summary
from modules.ticketing.catalog import prices_on
from modules.ticketing.days.record import ensure_day_open
from modules.ticketing.errors import TicketingError
from modules.ticketing.models import (
    Payment,
    Reversal,
    SalesLine,
    SaleSource,
    SaleStatus,
    SerialVoid,
    Shift,
    ShiftStatus,
    ShiftTally,
    StockIssue,
    VoidStatus,
    Window,
)
from modules.ticketing.pages import shift_path
from modules.ticketing.stock import issue_counts
from modules.ticketing.tolerances import thresholds
from parkops import audit, deciding, idempotency
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db
from parkops.money import format_fen
from parkops.rectification.services import link_evidence
from parkops.templating import local_datetime
from parkops.timeutil import business_day, to_local

NIGHT_ENDS = time(6, 0)  # local; later sales of the next day need that day's own shift

METHODS = tuple(Payment)
MIN_EXPLANATION = 5


def signed_amount():
    """A line's effect on the money: + sold, − refund, nothing for a void."""
    return case(
        (SalesLine.status == SaleStatus.SOLD, SalesLine.amount_fen),
        (SalesLine.status == SaleStatus.REFUND, -SalesLine.amount_fen),
        else_=0,
    )


def unclosed_shift(seller: User) -> Shift | None:
    return db.session.scalar(
        select(Shift).where(Shift.seller_id == seller.id, Shift.status != ShiftStatus.CLOSED)
    )


def open_shift(
    seller: User, window: Window, opening_float_fen: int, retry_key: str | None = None
) -> Shift:
    """Open a shift; ``retry_key`` (a form's idempotency key) makes a repeated post land on it."""
    office = window.office
    if not (window.active and office.active):
        raise TicketingError(_("This window is closed."))
    if seller not in office.sellers or not seller.can_see_site(office.site_id):
        raise TicketingError(_("You are not a seller of %(office)s.", office=office.name))
    if opening_float_fen < 0:
        raise TicketingError(_("The opening float cannot be negative."))
    current = unclosed_shift(seller)
    if current is not None:
        raise TicketingError(
            _(
                "Your shift at %(office)s of %(day)s is not closed yet: close it first.",
                office=current.office.name,
                day=current.business_day.isoformat(),
            )
        )
    day = business_day()
    ensure_day_open(office.site_id, day)
    shift = Shift(
        site_id=office.site_id,
        office_id=office.id,
        window_id=window.id,
        seller_id=seller.id,
        business_day=day,
        opening_float_fen=opening_float_fen,
    )
    db.session.add(shift)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a second tab opened one a moment ago
        db.session.rollback()
        raise TicketingError(_("You already have a shift open: close it first.")) from exc
    idempotency.remember(retry_key, shift_path(shift), seller.id)
    audit.record(
        "ticketing.shift_opened",
        "shift",
        shift.id,
        {"window": window.name, "float": format_fen(opening_float_fen)},
        actor=seller,
    )
    db.session.commit()
    return shift


def expected_by_method(shift: Shift) -> dict[Payment, int]:
    rows = dict(
        db.session.execute(
            select(SalesLine.payment, func.sum(signed_amount()))
            .where(SalesLine.shift_id == shift.id)
            .group_by(SalesLine.payment)
        ).all()
    )
    expected = {m: int(rows.get(m) or 0) for m in METHODS}
    expected[Payment.CASH] += shift.opening_float_fen
    return expected


def _check_counts(counted: dict[Payment, int]) -> None:
    if set(counted) != set(METHODS) or any(v is None or v < 0 for v in counted.values()):
        raise TicketingError(_("Enter every amount counted (0 where there is none)."))


def shift_line(shift: Shift, **fields) -> SalesLine:
    """A sales line of ``shift``: its site, business day, office and seller are the shift's."""
    return SalesLine(
        site_id=shift.site_id,
        business_day=shift.business_day,
        shift_id=shift.id,
        office_id=shift.office_id,
        seller_id=shift.seller_id,
        **fields,
    )


def range_sale(
    shift: Shift, issue: StockIssue, sold: int, price: int, sold_at: datetime
) -> SalesLine:
    """The sale of ``sold`` printed tickets of a range, in cash at the day's list price."""
    return shift_line(
        shift,
        product_id=issue.product_id,
        issue_id=issue.id,
        sold_at=sold_at,
        quantity=sold,
        amount_fen=sold * price,
        list_price_fen=price,
        payment=Payment.CASH,
        status=SaleStatus.SOLD,
        source=SaleSource.RANGE,
    )


def _record_range_sales(shift: Shift) -> list[SalesLine]:
    """Sales lines for the ranges of products this shift did not record line by line."""
    by_line = set(
        db.session.scalars(
            select(SalesLine.product_id).where(
                SalesLine.shift_id == shift.id, SalesLine.serial.is_not(None)
            )
        )
    )
    issues = [i for i in shift.issues if i.product_id not in by_line]
    counts = issue_counts(issues)
    prices = prices_on([i.product_id for i in issues], shift.business_day)
    now = utcnow()
    recorded = []
    for issue in issues:
        sold = counts[issue.id].with_seller  # not yet settled: what is left was sold
        if sold <= 0:
            continue
        price = prices.get(issue.product_id)
        if price is None:
            raise TicketingError(
                _(
                    "%(name)s has no price on %(day)s: the manager adds one before you close.",
                    name=issue.product.name,
                    day=shift.business_day.isoformat(),
                )
            )
        recorded.append(range_sale(shift, issue, sold, price, now))
    db.session.add_all(recorded)
    db.session.flush()
    return recorded


def count_blind(
    shift: Shift, counted: dict[Payment, int], actor: User, retry_key: str | None = None
) -> Shift:
    """The seller's blind count; afterwards the differences are known and shown."""
    if actor.id != shift.seller_id:
        raise TicketingError(_("Only the seller counts her own shift."))
    deciding.once(shift, lambda s: s.status == ShiftStatus.OPEN, already_counted)
    _check_counts(counted)
    unreturned = [i for i in shift.issues if not i.returned]
    if unreturned:
        raise TicketingError(
            _(
                "First record the first unsold serial of every range (%(ranges)s).",
                ranges=", ".join(f"{i.first_serial}–{i.last_serial}" for i in unreturned),
            )
        )
    if db.session.scalar(
        select(SerialVoid.id).where(
            SerialVoid.shift_id == shift.id, SerialVoid.status == VoidStatus.PENDING
        )
    ):
        raise TicketingError(
            _("A supervisor must first approve or reject the voids you asked for.")
        )
    if db.session.scalar(
        select(Reversal.id).where(
            Reversal.shift_id == shift.id, Reversal.status == VoidStatus.PENDING
        )
    ):
        raise TicketingError(
            _("Someone else must first approve or reject the voids and refunds imported.")
        )
    summary.add_lines(_record_range_sales(shift))
    expected = expected_by_method(shift)
    tolerance, second = thresholds()
    shift.tallies = [
        ShiftTally(method=m, position=n, expected_fen=expected[m], counted_fen=counted[m])
        for n, m in enumerate(METHODS)
    ]
    shift.counted_at = utcnow()
    shift.tolerance_fen, shift.second_count_fen = tolerance, second
    worst = worst_difference(shift)
    shift.status = ShiftStatus.EXPLAINING if worst > tolerance else ShiftStatus.CLOSED
    audit.record(
        "ticketing.shift_counted",
        "shift",
        shift.id,
        {
            "counted": {m.value: format_fen(counted[m]) for m in METHODS},
            "expected": {m.value: format_fen(expected[m]) for m in METHODS},
        },
        actor=actor,
    )
    if shift.status == ShiftStatus.CLOSED:
        _close(shift)
    idempotency.remember(retry_key, shift_path(shift), actor.id)
    db.session.commit()
    return shift


def already_counted(shift: Shift) -> str:
    """Why a blind count of a counted shift records nothing: when the count was
    submitted (local time) and the cash it gave, so that a seller who counted again in
    another tab knows her new figure does not stand."""
    cash = next((t.counted_fen for t in shift.tallies if t.method == Payment.CASH), None)
    return _(
        "This shift's blind count was already submitted at %(time)s (cash %(cash)s): "
        "this count was not recorded.",
        time=local_datetime(shift.counted_at),
        cash=format_fen(cash) or "—",
    )


def worst_difference(shift: Shift) -> int:
    return max((abs(t.difference_fen) for t in shift.tallies), default=0)


def total_difference(shift: Shift) -> int:
    return sum(t.difference_fen for t in shift.tallies)


def explain(shift: Shift, text: str, actor: User, retry_key: str | None = None) -> None:
    if actor.id != shift.seller_id:
        raise TicketingError(_("Only the seller explains her own count."))
    deciding.take(shift)
    if shift.explained_at is not None:
        raise deciding.AlreadyDecided(
            _(
                "This count was explained already, by %(name)s at %(time)s.",
                **deciding.who_when(shift.seller_id, shift.explained_at),
            )
        )
    if shift.status != ShiftStatus.EXPLAINING:
        raise TicketingError(_("This shift does not wait for an explanation."))
    text = text.strip()
    if len(text) < MIN_EXPLANATION:
        raise TicketingError(_("Explain the difference in a sentence."))
    shift.explanation = text
    shift.explained_at = utcnow()
    beyond = worst_difference(shift) > (shift.second_count_fen or 0)
    shift.status = ShiftStatus.SECOND_COUNT if beyond else ShiftStatus.CLOSED
    audit.record("ticketing.shift_explained", "shift", shift.id, {"text": text}, actor=actor)
    if shift.status == ShiftStatus.CLOSED:
        _close(shift)
    idempotency.remember(retry_key, shift_path(shift), actor.id)
    db.session.commit()


def second_count(
    shift: Shift, counted: dict[Payment, int], actor: User, retry_key: str | None = None
) -> None:
    """Another person counts the takings again; their figures are final."""
    if not four_eyes.may_second_count(actor, shift):
        raise TicketingError(_("The second count is made by someone other than the seller."))
    deciding.take(shift)
    if shift.second_counter_id is not None:
        raise deciding.AlreadyDecided(
            _(
                "This shift was counted a second time already, by %(name)s at %(time)s.",
                **deciding.who_when(shift.second_counter_id, shift.second_counted_at),
            )
        )
    if shift.status != ShiftStatus.SECOND_COUNT:
        raise TicketingError(_("This shift does not wait for a second count."))
    _check_counts(counted)
    for tally in shift.tallies:
        tally.second_counted_fen = counted[tally.method]
    shift.second_counter_id = actor.id
    shift.second_counted_at = utcnow()
    audit.record(
        "ticketing.shift_second_count",
        "shift",
        shift.id,
        {"counted": {m.value: format_fen(counted[m]) for m in METHODS}},
        actor=actor,
    )
    _close(shift)
    idempotency.remember(retry_key, shift_path(shift), actor.id)
    db.session.commit()


def _close(shift: Shift) -> None:
    shift.status = ShiftStatus.CLOSED
    shift.closed_at = utcnow()
    db.session.flush()
    link_evidence(
        "ticketing.shift",
        shift.id,
        f"{shift.business_day.isoformat()} {shift.office.name} {shift.window.name} "
        f"{shift.seller.display_name}: {format_fen(total_difference(shift))}",
        site_id=shift.site_id,
    )


def takes_sale(shift: Shift, sold_at: datetime) -> bool:
    """Whether a sale made at ``sold_at`` (aware) belongs to this open shift: made on
    the shift's business day, or after midnight before NIGHT_ENDS the next morning."""
    local = to_local(sold_at)
    if local.date() == shift.business_day:
        return True
    return local.date() == shift.business_day + timedelta(days=1) and local.time() < NIGHT_ENDS
