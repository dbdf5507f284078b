"""What does not add up on a day, each a flag the auditor reviews (or must fix).

A flag's key carries the figures it is about, so a flag reviewed and then
changed underneath (a new gate count, a new deposit) must be reviewed again.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, func, select

from modules.ticketing.labels import label
from modules.ticketing.models import (
    SalesLine,
    SaleSource,
    SaleStatus,
    SerialVoid,
    Shift,
    ShiftStatus,
    StockIssue,
    TicketDay,
    VoidStatus,
)
from modules.ticketing.shifts import total_difference, worst_difference
from modules.ticketing.stock import issue_counts
from modules.ticketing.stock.counts import held_last
from modules.ticketing.stock.repricing import counted_back, declared_back
from parkops.auth.models import User
from parkops.extensions import db
from parkops.money import format_fen

if TYPE_CHECKING:  # the figures import the flags
    from modules.ticketing.days.reconciliation import DayFigures


# Flags that are evidence of tickets or money gone astray: the day is signed off only once
# a finding about each of them has its outcome (days/signoff.py). Their keys start so.
SERIOUS = ("missing", "outside", "return-differs", "statement", "sold-twice")


def serial_line_ids(shift_ids: list[int]):
    """The ids of the shifts' lines that name a serial (a Select): read from the small
    partial index of such lines; asked as a condition on the lines, SQLite walks every line
    of the shifts (30,000 a day) through the plain shift index instead."""
    return select(SalesLine.id).where(
        SalesLine.shift_id.in_(shift_ids), SalesLine.serial.is_not(None)
    )


def is_serious(key: str) -> bool:
    """Whether the flag ``key`` (also one kept in a signed day's figures) is serious."""
    return key.split(":", 1)[0] in SERIOUS


@dataclass
class Flag:
    key: str
    text: str
    blocking: bool = False  # must be fixed, not just reviewed, before signing off
    shift_id: int | None = None
    seller_id: int | None = None

    @property
    def serious(self) -> bool:
        return is_serious(self.key)


def day_flags(f: "DayFigures") -> list[Flag]:
    flags: list[Flag] = []
    for shift in f.shifts:
        flags.extend(_shift_flags(shift))
    flags.extend(_serial_flags(f.shifts))
    flags.extend(_return_flags(f.shifts))
    flags.extend(_price_flags(f.day))
    for v in f.venues:
        if v.gate is None and v.sold > 0:
            flags.append(
                Flag(
                    f"gate-missing:{v.venue.id}",
                    _(
                        "No gate count for %(venue)s, where %(sold)s tickets admit.",
                        venue=v.venue.name,
                        sold=v.sold,
                    ),
                    blocking=True,
                )
            )
        elif v.gap:
            flags.append(
                Flag(
                    f"gate:{v.venue.id}:{v.gate}:{v.sold}",
                    _(
                        "%(venue)s: %(gate)s entries counted at the gate, %(sold)s tickets sold "
                        "(difference %(gap)s).",
                        venue=v.venue.name,
                        gate=v.gate,
                        sold=v.sold,
                        gap=f"{v.gap:+d}",
                    ),
                )
            )
    open_shifts = any(s.status != ShiftStatus.CLOSED for s in f.shifts)
    if not open_shifts and f.cash_to_deposit > 0 and f.deposit is None:
        flags.append(
            Flag(
                "deposit-missing",
                _(
                    "No bank deposit recorded for %(cash)s of cash.",
                    cash=format_fen(f.cash_to_deposit),
                ),
                blocking=True,
            )
        )
    elif f.deposit is not None and f.deposit.amount_fen != f.cash_to_deposit:
        flags.append(
            Flag(
                f"deposit:{f.deposit.amount_fen}:{f.cash_to_deposit}",
                _(
                    "Bank deposit %(deposit)s (slip %(slip)s) against %(cash)s of cash.",
                    deposit=format_fen(f.deposit.amount_fen),
                    slip=f.deposit.slip_number,
                    cash=format_fen(f.cash_to_deposit),
                ),
            )
        )
    return flags


def _shift_flags(shift: Shift) -> list[Flag]:
    who = shift.seller.display_name
    if shift.status != ShiftStatus.CLOSED:
        return [
            Flag(
                f"shift-open:{shift.id}",
                _(
                    "The shift of %(seller)s at %(window)s is not closed.",
                    seller=who,
                    window=shift.window.name,
                ),
                blocking=True,
                shift_id=shift.id,
                seller_id=shift.seller_id,
            )
        ]
    flags = []
    total = total_difference(shift)
    if worst_difference(shift) > (shift.tolerance_fen or 0):
        parts = ", ".join(
            f"{label(t.method)} {format_fen(t.difference_fen)}"
            for t in shift.tallies
            if t.difference_fen
        )
        flags.append(
            Flag(
                f"shift-diff:{shift.id}:{total}",
                _(
                    "%(seller)s's count differs from what was expected: %(parts)s. "
                    "Explanation: %(why)s",
                    seller=who,
                    parts=parts,
                    why=shift.explanation or "—",
                ),
                shift_id=shift.id,
                seller_id=shift.seller_id,
            )
        )
    if any(
        t.second_counted_fen is not None and t.second_counted_fen != t.counted_fen
        for t in shift.tallies
    ):
        flags.append(
            Flag(
                f"second-count:{shift.id}",
                _(
                    "The second count of %(seller)s's takings differs from her own count.",
                    seller=who,
                ),
                shift_id=shift.id,
                seller_id=shift.seller_id,
            )
        )
    return flags


def _serial_flags(shifts: list[Shift]) -> list[Flag]:
    """Missing serials (gaps in what a range sold) and serials sold outside the seller's ranges."""
    closed = [s for s in shifts if s.status == ShiftStatus.CLOSED]
    issues = [i for s in closed for i in s.issues]
    counts = issue_counts(issues)
    flags = []
    for issue in issues:
        missing = counts[issue.id].missing
        if missing > 0:
            flags.append(
                Flag(
                    f"missing:{issue.id}:{missing}",
                    ngettext(
                        "%(num)s serial of %(product)s issued to %(seller)s is neither sold, "
                        "voided nor returned: %(serials)s.",
                        "%(num)s serials of %(product)s issued to %(seller)s are neither sold, "
                        "voided nor returned: %(serials)s.",
                        missing,
                        product=issue.product.name,
                        seller=issue.seller.display_name,
                        serials=spans(missing_serials(issue)),
                    ),
                    shift_id=issue.shift_id,
                    seller_id=issue.seller_id,
                )
            )
    if not closed:
        return flags
    covered = exists().where(
        StockIssue.shift_id == SalesLine.shift_id,
        StockIssue.product_id == SalesLine.product_id,
        StockIssue.first_serial <= SalesLine.serial,
        held_last() >= SalesLine.serial,
    )
    outside: dict[int, list[int]] = {}
    for shift_id, serial in db.session.execute(
        select(SalesLine.shift_id, SalesLine.serial)
        .where(
            SalesLine.id.in_(serial_line_ids([s.id for s in closed])),
            SalesLine.status == SaleStatus.SOLD,
            ~covered,
        )
        .order_by(SalesLine.serial)
    ):
        outside.setdefault(shift_id, []).append(serial)
    by_id = {s.id: s for s in closed}
    for shift_id, serials in outside.items():
        shift = by_id[shift_id]
        flags.append(
            Flag(
                f"outside:{shift_id}:{len(serials)}",
                ngettext(
                    "%(seller)s sold %(num)s serial outside the ranges issued to her: %(serials)s.",
                    "%(seller)s sold %(num)s serials outside the ranges issued to her: "
                    "%(serials)s.",
                    len(serials),
                    seller=shift.seller.display_name,
                    serials=spans(serials),
                ),
                shift_id=shift_id,
                seller_id=shift.seller_id,
            )
        )
    return flags


def _return_flags(shifts: list[Shift]) -> list[Flag]:
    """Remainders the stock keeper has not counted yet (blocking), and counts that differ
    from what the seller declared (serious)."""
    flags = []
    returned = [i for s in shifts for i in s.issues if i.returned]
    differs = [i.id for i in returned if i.return_differs and i.shift.status != ShiftStatus.OPEN]
    # Ranges sold by range that the keeper's count re-priced (repricing.py): their price.
    repriced = (
        dict(
            db.session.execute(
                select(SalesLine.issue_id, func.min(SalesLine.list_price_fen))
                .where(SalesLine.issue_id.in_(differs), SalesLine.source == SaleSource.RANGE)
                .group_by(SalesLine.issue_id)
            ).all()
        )
        if differs
        else {}
    )
    for issue in returned:
        who = issue.seller.display_name
        declared = _remainder(issue.returned_from, issue.last_serial)
        if not issue.confirmed:
            flags.append(
                Flag(
                    f"return-unconfirmed:{issue.id}",
                    _(
                        "Returned, unconfirmed: the stock keeper has not counted what %(seller)s "
                        "returned of %(product)s (declared %(declared)s).",
                        seller=who,
                        product=issue.product.name,
                        declared=declared,
                    ),
                    blocking=True,
                    shift_id=issue.shift_id,
                    seller_id=issue.seller_id,
                )
            )
        elif issue.return_differs:
            seen = _remainder(issue.confirmed_from, issue.confirmed_last)
            text = _(
                "%(seller)s declared %(declared)s of %(product)s returned; the stock "
                "keeper counted %(seen)s.",
                seller=who,
                product=issue.product.name,
                declared=declared,
                seen=seen,
            )
            if issue.id in repriced:
                more = declared_back(issue) - counted_back(issue)
                text += " " + _(
                    "Sold by range: the expected cash follows her count (%(n)s tickets, "
                    "%(amount)s).",
                    n=f"{more:+d}",
                    amount=format_fen(more * repriced[issue.id]),
                )
            flags.append(
                Flag(
                    f"return-differs:{issue.id}:{issue.returned_from}:{issue.confirmed_from}:"
                    f"{issue.confirmed_last}",
                    text,
                    shift_id=issue.shift_id,
                    seller_id=issue.seller_id,
                )
            )
    return flags


def _remainder(first: int, last: int | None) -> str:
    """'1040–1049', or 'nothing' for an empty remainder."""
    if last is None or first > last:
        return _("nothing")
    return f"{first}–{last}"


def missing_serials(issue: StockIssue) -> list[int]:
    """The serials of a settled range that are neither sold, voided nor returned."""
    held_last = issue.held_last
    taken = set(
        db.session.scalars(
            select(SalesLine.serial).where(
                SalesLine.product_id == issue.product_id,
                SalesLine.status == SaleStatus.SOLD,
                SalesLine.serial.between(issue.first_serial, held_last),
            )
        )
    )
    taken.update(
        db.session.scalars(
            select(SerialVoid.serial).where(
                SerialVoid.issue_id == issue.id, SerialVoid.status == VoidStatus.APPROVED
            )
        )
    )
    return [s for s in range(issue.first_serial, held_last + 1) if s not in taken]


def spans(serials: list[int], limit: int = 8) -> str:
    """[1, 2, 3, 7] → '1–3, 7'; long lists are cut with '…'."""
    runs: list[list[int]] = []
    for s in serials:
        if runs and s == runs[-1][1] + 1:
            runs[-1][1] = s
        else:
            runs.append([s, s])
    text = [f"{a}–{b}" if a != b else str(a) for a, b in runs[:limit]]
    return ", ".join(text) + (", …" if len(runs) > limit else "")


def _price_flags(day: TicketDay) -> list[Flag]:
    """Imported sales whose amount is not the day's list price times the quantity."""
    rows = db.session.execute(
        select(
            SalesLine.shift_id,
            SalesLine.seller_id,
            func.count(),
            func.sum(SalesLine.amount_fen - SalesLine.list_price_fen * SalesLine.quantity),
        )
        .where(
            SalesLine.site_id == day.site_id,
            SalesLine.business_day == day.business_day,
            SalesLine.source == SaleSource.IMPORT,
            SalesLine.status == SaleStatus.SOLD,
            SalesLine.amount_fen != SalesLine.list_price_fen * SalesLine.quantity,
        )
        .group_by(SalesLine.shift_id, SalesLine.seller_id)
    ).all()
    sellers = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r[1] for r in rows])))
    }
    return [
        Flag(
            f"price:{shift_id}:{n}:{delta}",
            ngettext(
                "%(num)s sale by %(seller)s was not at the list price (%(delta)s in all).",
                "%(num)s sales by %(seller)s were not at the list price (%(delta)s in all).",
                n,
                seller=sellers[seller_id].display_name,
                delta=format_fen(int(delta)),
            ),
            shift_id=shift_id,
            seller_id=seller_id,
        )
        for shift_id, seller_id, n, delta in rows
    ]
