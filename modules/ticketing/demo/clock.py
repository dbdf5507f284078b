"""The demo's moments: a local time on a business day, stored as aware UTC."""

from datetime import UTC, date, datetime, time

from parkops.timeutil import local_zone


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone()).astimezone(UTC)
