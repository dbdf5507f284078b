"""A site's business day (TicketDay): found or created, and refused once signed off."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from modules.ticketing.errors import TicketingError
from modules.ticketing.models import TicketDay
from parkops.extensions import db


def day_record(site_id: int, day: date) -> TicketDay:
    """The site's record for a business day, created on first use (in the caller's transaction)."""
    found = db.session.scalar(
        select(TicketDay).where(TicketDay.site_id == site_id, TicketDay.business_day == day)
    )
    if found is not None:
        return found
    record = TicketDay(site_id=site_id, business_day=day)
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:  # another request created it first
        return db.session.scalar(
            select(TicketDay).where(TicketDay.site_id == site_id, TicketDay.business_day == day)
        )
    return record


def ensure_day_open(site_id: int, day: date) -> TicketDay:
    record = day_record(site_id, day)
    if record.signed:
        raise TicketingError(
            _(
                "The day %(day)s is signed off and locked; ask the auditor for a correction.",
                day=day.isoformat(),
            )
        )
    return record


def ensure_unsigned(day: TicketDay) -> None:
    if day.signed:
        raise TicketingError(
            _("This day is signed off and locked: changes are made as corrections.")
        )
