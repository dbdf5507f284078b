"""A debtor's statement (对账单) for a period: opening balance, what was raised, paid
and written off in it, closing balance, and the lines in date order with a running
balance.

Counts only the receivables the reader may see (her sites; a handler: hers). A
payment counts on the day it was received; a reversed one nets to zero there (its
contra rows carry the same day) and is marked; an approved write-off on the day it
was approved. Amounts are fen; days are local dates, both ends of the period
included. Five queries whatever the volume.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from modules.receivables import access
from modules.receivables.models import Allocation, Debtor, Payment, Receivable, WriteOff
from parkops.extensions import db
from parkops.labels import label
from parkops.spreadsheet import Column


@dataclass
class Line:
    day: date
    text: str
    raised_fen: int = 0
    paid_fen: int = 0
    written_off_fen: int = 0
    balance_fen: int = 0
    reversed: bool = False


@dataclass
class Statement:
    debtor: Debtor
    start: date
    end: date
    opening_fen: int
    lines: list[Line] = field(default_factory=list)

    @property
    def raised_fen(self) -> int:
        return sum(line.raised_fen for line in self.lines)

    @property
    def paid_fen(self) -> int:
        return sum(line.paid_fen for line in self.lines)

    @property
    def written_off_fen(self) -> int:
        return sum(line.written_off_fen for line in self.lines)

    @property
    def closing_fen(self) -> int:
        return self.opening_fen + self.raised_fen - self.paid_fen - self.written_off_fen


def statement(user, debtor: Debtor, start: date, end: date) -> Statement:
    """``debtor``'s statement from ``start`` to ``end`` (inclusive) as ``user`` sees it."""
    scope = (Receivable.debtor_id == debtor.id, access.receivable_scope(user))
    raised_before = db.session.scalar(
        select(func.coalesce(func.sum(Receivable.amount_fen), 0)).where(
            *scope, Receivable.raised_on < start
        )
    )
    paid_before = db.session.scalar(
        select(func.coalesce(func.sum(Allocation.amount_fen), 0))
        .join(Receivable, Receivable.id == Allocation.receivable_id)
        .where(*scope, Allocation.paid_on < start)
    )
    lines = [
        Line(
            r.raised_on,
            " · ".join(x for x in (label(r.kind), r.origin) if x),
            raised_fen=r.amount_fen,
        )
        for r in db.session.scalars(
            select(Receivable)
            .where(*scope, Receivable.raised_on >= start, Receivable.raised_on <= end)
            .order_by(Receivable.raised_on, Receivable.id)
        )
    ]
    paid = db.session.execute(
        select(Payment, func.sum(Allocation.amount_fen), func.min(Allocation.amount_fen))
        .join(Allocation, Allocation.payment_id == Payment.id)
        .join(Receivable, Receivable.id == Allocation.receivable_id)
        .where(*scope, Payment.paid_on >= start, Payment.paid_on <= end)
        .group_by(Payment.id)
        .order_by(Payment.paid_on, Payment.id)
    ).all()
    for payment, net, smallest in paid:
        text = " · ".join(x for x in (label(payment.method), payment.receipt_no) if x)
        lines.append(Line(payment.paid_on, text, paid_fen=net, reversed=smallest < 0))
    written = db.session.execute(
        select(WriteOff.written_off_on, WriteOff.reason, Allocation.amount_fen)
        .join(Allocation, Allocation.write_off_id == WriteOff.id)
        .join(Receivable, Receivable.id == Allocation.receivable_id)
        .where(*scope, Allocation.paid_on >= start, Allocation.paid_on <= end)
        .order_by(Allocation.paid_on, Allocation.id)
    ).all()
    for day, reason, fen in written:
        text = _("Written off") + f" · {reason}"
        lines.append(Line(day, text, written_off_fen=fen))
    # Raised before paid or written off on the same day: never a balance below zero.
    lines.sort(key=lambda line: (line.day, line.raised_fen == 0))
    running = raised_before - paid_before
    for line in lines:
        running += line.raised_fen - line.paid_fen - line.written_off_fen
        line.balance_fen = running
    return Statement(debtor, start, end, raised_before - paid_before, lines)


def columns_and_rows(found: Statement):
    """The .xlsx sheet's columns and rows: the opening line, each line, the closing."""
    columns = [
        Column(_("Date"), 12, "date"),
        Column(_("Item"), 36),
        Column(_("Raised"), 14, "fen"),
        Column(_("Paid"), 14, "fen"),
        Column(_("Written off"), 14, "fen"),
        Column(_("Balance"), 14, "fen"),
    ]
    rows = [[found.start, _("Opening balance"), None, None, None, found.opening_fen]]
    for line in found.lines:
        text = line.text + (" (" + _("reversed") + ")" if line.reversed else "")
        amounts = [line.raised_fen, line.paid_fen, line.written_off_fen]
        rows.append([line.day, text, *[fen or None for fen in amounts], line.balance_fen])
    totals = [found.raised_fen, found.paid_fen, found.written_off_fen, found.closing_fen]
    rows.append([found.end, _("Closing balance"), *totals])
    return columns, rows
