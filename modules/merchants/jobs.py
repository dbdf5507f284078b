"""Scheduled jobs, each idempotent for its period."""

from modules.merchants import documents, renewals, schedule
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


def remind_renewals() -> int:
    """Daily: the renewal reminders due today (each contract and threshold once)."""
    return renewals.remind(business_day())


def expire_contracts() -> int:
    """Once a local day: contracts in force past their last day with no exit expire."""
    today = business_day()
    if not once("merchants.expire", today.isoformat()):
        return 0
    return renewals.expire(today)


def remind_documents() -> int:
    """Daily: the reminders of documents about to expire (each document once)."""
    return documents.remind(business_day())
