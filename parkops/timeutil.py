"""Time: stored in UTC, shown and reasoned about in the park's time zone."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from parkops.db import utcnow

__all__ = ["utcnow", "local_zone", "to_local", "business_day", "local_midnight_utc", "week_start"]


def local_zone() -> ZoneInfo:
    name = current_app.config["TIMEZONE"] if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(local_zone())


def business_day(moment: datetime | None = None) -> date:
    """The local date a moment falls on: a ticket office's or a patrol's day."""
    return to_local(moment or utcnow()).date()


def local_midnight_utc(day: date) -> datetime:
    """The UTC instant at which a local business day starts."""
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)


def week_start(day: date) -> date:
    """The Monday of the ISO week that holds ``day``."""
    return day - timedelta(days=day.weekday())
