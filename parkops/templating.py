"""Template globals and filters: navigation, money, local time, the DEMO marker."""

from datetime import date, datetime

from flask import Flask, current_app, g
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

from parkops import idempotency
from parkops.auth.services import is_demo
from parkops.i18n import LANGUAGES
from parkops.money import format_fen
from parkops.registry import registry
from parkops.timeutil import business_day


def _nav():
    if not current_user.is_authenticated:
        return []
    return [e for e in registry(current_app).nav if current_user.can(e.permission)]


def _demo() -> bool:
    if "parkops_demo" not in g:
        g.parkops_demo = is_demo()
    return g.parkops_demo


def _local_datetime(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    return format_datetime(value, fmt) if value else ""


def _local_date(value: date | None, fmt: str = "yyyy-MM-dd") -> str:
    return format_date(value, fmt) if value else ""


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["fen"] = format_fen
    app.jinja_env.filters["dt"] = _local_datetime
    app.jinja_env.filters["d"] = _local_date
    app.jinja_env.globals.update(
        nav_entries=_nav,
        is_demo=_demo,
        languages=LANGUAGES,
        get_locale=get_locale,
        idempotency_field=idempotency.field,
        today=business_day,
    )
