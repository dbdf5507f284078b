"""What waits for a user in ticketing: the seller's own shift, the approver's decisions
and the auditor's days. Counted, never listed, so the home page stays cheap."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from modules.ticketing import four_eyes
from modules.ticketing.models import (
    Correction,
    CorrectionStatus,
    DayStatus,
    Reversal,
    SerialVoid,
    Shift,
    ShiftStatus,
    TicketDay,
    VoidStatus,
    office_sellers,
)
from modules.ticketing.permissions import APPROVE, AUDIT, SELL
from modules.ticketing.shifts import unclosed_shift
from parkops.auth.models import User
from parkops.extensions import db
from parkops.registry import TodoItem
from parkops.timeutil import business_day


def _count(q, site_column, user: User) -> int:
    if user.site_ids is not None:
        q = q.where(site_column.in_(user.site_ids))
    return db.session.scalar(q)


def waiting_counts(user: User) -> dict[str, int]:
    """Past days not signed off, and what waits for a decision the user may take: the
    approvals page does not offer anyone a decision on her own request or shift."""
    q = select(func.count(), func.count(TicketDay.escalated_at)).where(
        TicketDay.status == DayStatus.OPEN, TicketDay.business_day < business_day()
    )
    if user.site_ids is not None:
        q = q.where(TicketDay.site_id.in_(user.site_ids))
    days, escalated = db.session.execute(q).one()
    counts = {
        "days": days,
        "escalated_days": escalated,  # not signed off by the next working day
        "voids": 0,
        "reversals": 0,  # voids and refunds of sales imported
        "second_counts": 0,
        "corrections": 0,
    }
    if not user.can(APPROVE):
        return counts
    counts["voids"] = _count(
        select(func.count())
        .select_from(SerialVoid)
        .join(Shift, Shift.id == SerialVoid.shift_id)
        .where(
            SerialVoid.status == VoidStatus.PENDING,
            four_eyes.voids_decidable_where(user),
        ),
        SerialVoid.site_id,
        user,
    )
    counts["reversals"] = _count(
        select(func.count())
        .select_from(Reversal)
        .join(Shift, Shift.id == Reversal.shift_id)
        .where(
            Reversal.status == VoidStatus.PENDING,
            four_eyes.reversals_decidable_where(user),
        ),
        Reversal.site_id,
        user,
    )
    counts["second_counts"] = _count(
        select(func.count())
        .select_from(Shift)
        .where(Shift.status == ShiftStatus.SECOND_COUNT, four_eyes.second_counts_where(user)),
        Shift.site_id,
        user,
    )
    counts["corrections"] = _count(
        select(func.count())
        .select_from(Correction)
        .join(TicketDay, TicketDay.id == Correction.day_id)
        .where(
            Correction.status == CorrectionStatus.PENDING,
            four_eyes.corrections_decidable_where(user),
        ),
        TicketDay.site_id,
        user,
    )
    return counts


def _own_shift(user: User) -> list[TodoItem]:
    shift = unclosed_shift(user)
    if shift is None:
        return _shift_to_open(user)
    url = url_for("ticketing.shift", id=shift.id)
    where = f"{shift.office.name} · {shift.window.name}"
    if shift.status == ShiftStatus.EXPLAINING:
        text = _("Your count at %(where)s is off: explain the difference.", where=where)
        return [TodoItem(text, url)]
    if shift.status == ShiftStatus.SECOND_COUNT:
        return [TodoItem(_("Your takings at %(where)s wait for a second count.", where=where), url)]
    stale = shift.business_day < business_day()
    text = _("Your shift at %(where)s of %(day)s is open.", where=where, day=shift.business_day)
    return [TodoItem(text, url, overdue=stale)]


def _shift_to_open(user: User) -> list[TodoItem]:
    """A seller of some office with no shift today is pointed to opening one."""
    sells_somewhere = db.session.scalar(
        select(func.count()).select_from(office_sellers).where(office_sellers.c.user_id == user.id)
    )
    worked_today = db.session.scalar(
        select(func.count())
        .select_from(Shift)
        .where(Shift.seller_id == user.id, Shift.business_day == business_day())
    )
    if not sells_somewhere or worked_today:
        return []
    return [
        TodoItem(_("No shift open today: open one to start selling."), url_for("ticketing.index"))
    ]


def todo(user: User) -> list[TodoItem]:
    items = _own_shift(user) if user.can(SELL) else []
    if not (user.can(AUDIT) or user.can(APPROVE)):
        return items
    counts = waiting_counts(user)
    approvals = url_for("ticketing.approvals")
    if user.can(AUDIT) and counts["days"]:
        text = ngettext(
            "%(num)s past ticket day not signed off",
            "%(num)s past ticket days not signed off",
            counts["days"],
        )
        late = bool(counts["escalated_days"])
        items.append(TodoItem(text, url_for("ticketing.days", status="open"), overdue=late))
    if counts["second_counts"]:
        text = ngettext(
            "%(num)s shift waits for a second count",
            "%(num)s shifts wait for a second count",
            counts["second_counts"],
        )
        items.append(TodoItem(text, approvals + "#second-counts"))
    if counts["voids"]:
        text = ngettext(
            "%(num)s void waits for approval", "%(num)s voids wait for approval", counts["voids"]
        )
        items.append(TodoItem(text, approvals + "#voids"))
    if counts["reversals"]:
        text = ngettext(
            "%(num)s void or refund of a sale waits for approval",
            "%(num)s voids and refunds of sales wait for approval",
            counts["reversals"],
        )
        items.append(TodoItem(text, approvals + "#reversals"))
    if counts["corrections"]:
        text = ngettext(
            "%(num)s correction waits for approval",
            "%(num)s corrections wait for approval",
            counts["corrections"],
        )
        items.append(TodoItem(text, approvals + "#corrections"))
    return items
