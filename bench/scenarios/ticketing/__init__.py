"""Ticketing: closing a day of 30,000 sales lines, and the audit reports over a year of 3,000,000.

On top of the demo month: 14 more sellers, a year of history before it (history.py:
about 2,900 closed shifts, 3,000,000 sales lines, the daily summary, gate counts, signed
days) and the day before the demo month with 10 open shifts to close (closing.py). The
volume and its ``scale`` are in volume.py: at the bench's hundredth, a hundredth of the
lines on the same days and shifts.
"""

import random
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select

from bench.scenarios import Operation, Page
from bench.scenarios.ticketing.closing import closing, day_to_close
from bench.scenarios.ticketing.history import add_sellers, add_year, catalogue_of
from bench.scenarios.ticketing.volume import CLOSE_SHIFTS, Volume, bench_days
from modules.ticketing import reports
from modules.ticketing.models import Shift
from parkops.auth.models import Site, User
from parkops.extensions import db

MODULES = ("ticketing",)
__all__ = ["CLOSE_SHIFTS", "MODULES", "operations", "pages", "setup"]


def setup(app: Flask, scale: float = 1.0) -> None:
    """The sellers, the year of history and the day to close, at ``scale`` of the lines."""
    size = Volume.at(scale)
    rng = random.Random(2019)
    sites = {s.code: s for s in db.session.scalars(select(Site))}
    sellers = add_sellers(sites)
    catalogue = catalogue_of(sites)
    first, last, close = bench_days()
    add_year(rng, sites, sellers, catalogue, first, last, size.year_lines)
    day_to_close(rng, sites["ZYLZ"], sellers["ZYLZ"], catalogue, close, size.close_lines_each)
    db.session.commit()


def _month() -> tuple[date, date]:
    """A whole month inside the year of history."""
    first, last, _close = bench_days()
    start = (first + timedelta(days=40)).replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def pages(app: Flask) -> list[Page]:
    _reopen, _close, day_id, shift_ids = closing(app)
    start, end = _month()
    first, last, _ = bench_days()
    seller = db.session.scalar(select(Shift.seller_id).where(Shift.id == shift_ids[0]))
    username = db.session.scalar(select(User.username).where(User.id == seller))
    return [
        Page("ticketing: day of 30,000 lines", f"/ticketing/days/{day_id}", "auditor"),
        Page("ticketing: a shift of 3,000 lines", f"/ticketing/shifts/{shift_ids[0]}", username),
        Page(
            "ticketing: sellers report, a month",
            f"/ticketing/reports/sellers?start={start}&end={end}",
            "auditor",
        ),
        Page(
            "ticketing: shortfall patterns, a month",
            f"/ticketing/reports/patterns?start={start}&end={end}",
            "auditor",
        ),
        Page(
            "ticketing: sales by month, a year",
            f"/ticketing/reports/sales?by=month&start={first}&end={last}",
            "auditor",
        ),
        Page(
            "ticketing: patterns .xlsx, a month",
            f"/ticketing/reports/patterns?start={start}&end={end}&format=xlsx",
            "auditor",
        ),
        Page("ticketing: days of a month", f"/ticketing/days?month={start:%Y-%m}", "auditor"),
        Page("ticketing: import payment statements", "/ticketing/imports/statements", "auditor"),
    ]


def operations(app: Flask) -> list[Operation]:
    reopen, close_day, _day_id, _shift_ids = closing(app)
    start, end = _month()

    def monthly_audit() -> None:
        reports.seller_report(None, start, end)
        reports.gate_gaps(None, start, end)
        reports.share_patterns(None, start, end)
        for by in ("day", "office", "product", "payment", "venue"):
            reports.breakdown(None, start, end, by)

    return [
        Operation(
            "ticketing: close a day of 30,000 lines", run=close_day, repeat=5, prepare=reopen
        ),
        Operation("ticketing: monthly audit report (3M-line year)", run=monthly_audit, repeat=10),
    ]
