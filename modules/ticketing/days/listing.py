"""The days of a month as the auditor's list shows them."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from modules.ticketing.models import (
    DayStatus,
    Finding,
    FindingStatus,
    Shift,
    ShiftStatus,
    TicketDay,
)
from parkops.extensions import db


@dataclass
class DayRow:
    day: TicketDay
    shifts: int
    closed: int
    open_findings: int


def day_rows(
    site_ids: set[int] | None, start: date, end: date, status: DayStatus | None
) -> list[DayRow]:
    """The days of a period with their shift and finding counts, newest first (four queries)."""
    q = select(TicketDay).where(TicketDay.business_day.between(start, end))
    if site_ids is not None:
        q = q.where(TicketDay.site_id.in_(site_ids))
    if status is not None:
        q = q.where(TicketDay.status == status)
    days = list(db.session.scalars(q.order_by(TicketDay.business_day.desc(), TicketDay.site_id)))
    shift_counts = {
        (site, d): (n, closed)
        for site, d, n, closed in db.session.execute(
            select(
                Shift.site_id,
                Shift.business_day,
                func.count(),
                func.count().filter(Shift.status == ShiftStatus.CLOSED),
            )
            .where(Shift.business_day.between(start, end))
            .group_by(Shift.site_id, Shift.business_day)
        )
    }
    open_findings = dict(
        db.session.execute(
            select(Finding.day_id, func.count())
            .where(
                Finding.status == FindingStatus.OPEN,
                Finding.day_id.in_([d.id for d in days]),
            )
            .group_by(Finding.day_id)
        ).all()
    )
    return [
        DayRow(
            d,
            *shift_counts.get((d.site_id, d.business_day), (0, 0)),
            open_findings.get(d.id, 0),
        )
        for d in days
    ]
