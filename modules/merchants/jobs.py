"""Scheduled jobs, each idempotent for its period."""

from modules.merchants import schedule
from parkops.extensions import db
from parkops.scheduler import once
from parkops.timeutil import business_day


def raise_rent() -> int:
    """Once a local day: raise every instalment due by today and not raised yet (a
    run missed on earlier days is caught up). Returns how many were raised."""
    today = business_day()
    if not once("merchants.raise_rent", today.isoformat()):
        return 0
    raised = schedule.raise_due(today)
    db.session.commit()
    return raised
