"""A day's electronic takings against the providers' statements, per window and method.

Per window, what its counted shifts expected for a method (their sales less refunds) and
what the sellers counted, against what the provider's statement settled for the window's
terminals on that business day. A method a day used (expected, counted or stated) needs a
statement covering the day (a bill with lines of the site on both sides of it, or on it),
or the auditor's reasoned exception, before the sign-off (a blocking flag); a statement
that differs from what was expected by more than the tolerance is a serious flag.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from modules.ticketing import tolerances
from modules.ticketing.days.flags import Flag
from modules.ticketing.days.record import ensure_unsigned
from modules.ticketing.errors import TicketingError
from modules.ticketing.labels import label
from modules.ticketing.models import (
    Payment,
    Shift,
    ShiftStatus,
    StatementException,
    StatementLine,
    TicketDay,
    Window,
)
from modules.ticketing.pages import day_path
from parkops import audit, idempotency
from parkops.auth.models import User
from parkops.extensions import db
from parkops.money import format_fen

ELECTRONIC = (Payment.CARD, Payment.WECHAT, Payment.ALIPAY)
COVERAGE_DAYS = 31  # a bill's lines this far around a day tell whether it covers the day


@dataclass
class StatementFigure:
    """One window and method on the day, in fen; ``stated`` is None without a statement."""

    window: Window
    method: Payment
    expected: int
    counted: int
    stated: int | None

    @property
    def difference(self) -> int | None:
        """Stated less expected: negative when the provider settled less than was sold."""
        return None if self.stated is None else self.stated - self.expected


@dataclass
class StatementCheck:
    figures: list[StatementFigure] = field(default_factory=list)
    covered: set[Payment] = field(default_factory=set)
    used: set[Payment] = field(default_factory=set)
    exceptions: dict[Payment, StatementException] = field(default_factory=dict)

    @property
    def missing(self) -> list[Payment]:
        """Methods used on the day with neither a statement nor an exception."""
        return [m for m in ELECTRONIC if m in self.used - self.covered and m not in self.exceptions]


def statement_check(day: TicketDay, shifts: list[Shift]) -> StatementCheck:
    """The day's statement figures (three queries, whatever the number of shifts)."""
    check = StatementCheck()
    on_day = (StatementLine.site_id == day.site_id, StatementLine.business_day == day.business_day)
    stated = {
        (window_id, method): int(total)
        for window_id, method, total in db.session.execute(
            select(
                StatementLine.window_id, StatementLine.method, func.sum(StatementLine.amount_fen)
            )
            .where(*on_day)
            .group_by(StatementLine.window_id, StatementLine.method)
        )
    }
    near = (
        StatementLine.site_id == day.site_id,
        StatementLine.business_day.between(
            day.business_day - timedelta(days=COVERAGE_DAYS),
            day.business_day + timedelta(days=COVERAGE_DAYS),
        ),
    )
    for method, first, last in db.session.execute(
        select(
            StatementLine.method,
            func.min(StatementLine.business_day),
            func.max(StatementLine.business_day),
        )
        .where(*near)
        .group_by(StatementLine.import_id, StatementLine.method)
    ):
        if first <= day.business_day <= last:
            check.covered.add(method)
    check.exceptions = {
        e.method: e
        for e in db.session.scalars(
            select(StatementException).where(
                StatementException.site_id == day.site_id,
                StatementException.business_day == day.business_day,
            )
        )
    }
    windows: dict[int, Window] = {}
    sums: dict[tuple[int, Payment], list[int]] = {}
    for shift in shifts:
        if shift.status == ShiftStatus.OPEN:
            continue
        windows[shift.window_id] = shift.window
        for tally in shift.tallies:
            if tally.method in ELECTRONIC:
                pair = sums.setdefault((shift.window_id, tally.method), [0, 0])
                pair[0] += tally.expected_fen
                pair[1] += tally.final_fen
    missing_windows = {w for w, _m in stated} - set(windows)
    if missing_windows:
        windows.update(
            (w.id, w)
            for w in db.session.scalars(select(Window).where(Window.id.in_(missing_windows)))
        )
    for window_id, method in sorted(set(sums) | set(stated), key=lambda k: (k[0], k[1].value)):
        expected, counted = sums.get((window_id, method), [0, 0])
        amount = stated.get((window_id, method))
        if amount is None and method in check.covered:
            amount = 0
        if expected or counted or amount:
            check.used.add(method)
            check.figures.append(
                StatementFigure(windows[window_id], method, expected, counted, amount)
            )
    return check


def statement_flags(check: StatementCheck) -> list[Flag]:
    tolerance, _second = tolerances.thresholds()
    flags = [
        Flag(
            f"statement-missing:{method.value}",
            _(
                "No %(method)s statement covers this day: import it (Import statements) or "
                "record why it cannot be had.",
                method=label(method),
            ),
            blocking=True,
        )
        for method in check.missing
    ]
    for method, exception in check.exceptions.items():
        if method in check.used and method not in check.covered:
            flags.append(
                Flag(
                    f"statement-exception:{method.value}",
                    _(
                        "No %(method)s statement; %(who)s recorded why: %(reason)s",
                        method=label(method),
                        who=exception.recorded_by.display_name,
                        reason=exception.reason,
                    ),
                )
            )
    for f in check.figures:
        if f.difference is not None and abs(f.difference) > tolerance:
            flags.append(
                Flag(
                    f"statement:{f.window.id}:{f.method.value}:{f.expected}:{f.stated}",
                    _(
                        "%(office)s %(window)s: the %(method)s statement settled %(stated)s, "
                        "the shifts expected %(expected)s (difference %(difference)s).",
                        office=f.window.office.name,
                        window=f.window.name,
                        method=label(f.method),
                        stated=format_fen(f.stated),
                        expected=format_fen(f.expected),
                        difference=format_fen(f.difference),
                    ),
                )
            )
    return flags


def record_statement_exception(
    day: TicketDay, method: Payment, reason: str, actor: User, retry_key: str | None = None
) -> StatementException:
    """The auditor's reason why the day has no statement of ``method`` (one per method)."""
    ensure_unsigned(day)
    reason = reason.strip()
    if method not in ELECTRONIC:
        raise TicketingError(_("Only card, WeChat Pay and Alipay have statements."))
    if not reason:
        raise TicketingError(_("Say why the statement cannot be had."))
    exception = StatementException(
        site_id=day.site_id,
        business_day=day.business_day,
        method=method,
        reason=reason,
        recorded_by_id=actor.id,
    )
    db.session.add(exception)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise TicketingError(_("An exception for this method is already recorded.")) from exc
    audit.record(
        "ticketing.statement_exception",
        "ticket_day",
        day.id,
        {"method": method.value, "reason": reason},
        actor=actor,
    )
    idempotency.remember(retry_key, day_path(day, "#statements"), actor.id)
    db.session.commit()
    return exception
