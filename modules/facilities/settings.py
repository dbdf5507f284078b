"""The module's settings: app config first (instance config.py), then PARKOPS_* variables.

The core reads only the variables it declares, so the module reads its own:

- ``FACILITIES_DEADLINES``: hours to repair by priority, e.g.
  ``urgent=4,high=24,normal=72,low=168`` (the default);
- ``FACILITIES_VISITOR_REPORTS_PER_HOUR``: visitor reports one client address may
  send in an hour (default 5);
- ``FACILITIES_LABEL_FONT``: a TrueType/OpenType font with Chinese glyphs for the
  label PNGs (default: the first CJK font found on the machine).
"""

import os
from datetime import timedelta

from flask import current_app

from modules.facilities.models import Priority

DEFAULT_DEADLINES = "urgent=4,high=24,normal=72,low=168"
DEFAULT_VISITOR_LIMIT = 5


def _setting(name: str, default: str) -> str:
    value = current_app.config.get(name)
    if value in (None, ""):
        value = os.environ.get(f"PARKOPS_{name}", "") or default
    return str(value)


def parse_deadlines(text: str) -> dict[Priority, timedelta]:
    """``urgent=4,high=24,…`` → {Priority: timedelta}; every priority must be given."""
    hours: dict[Priority, timedelta] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in Priority._value2member_map_:
            raise ValueError(f"FACILITIES_DEADLINES: {part.strip()!r} is not priority=hours")
        try:
            number = float(value)
        except ValueError as exc:
            raise ValueError(f"FACILITIES_DEADLINES: {value.strip()!r} is not hours") from exc
        if number <= 0:
            raise ValueError(f"FACILITIES_DEADLINES: {name} needs a positive number of hours")
        hours[Priority(name)] = timedelta(hours=number)
    missing = [p.value for p in Priority if p not in hours]
    if missing:
        raise ValueError(f"FACILITIES_DEADLINES: no deadline for {', '.join(missing)}")
    return hours


def deadlines() -> dict[Priority, timedelta]:
    return parse_deadlines(_setting("FACILITIES_DEADLINES", DEFAULT_DEADLINES))


def visitor_reports_per_hour() -> int:
    return int(_setting("FACILITIES_VISITOR_REPORTS_PER_HOUR", str(DEFAULT_VISITOR_LIMIT)))


def label_font_setting() -> str:
    return _setting("FACILITIES_LABEL_FONT", "")
