"""Aging buckets (账龄段): how long a due date is overdue on a day.

Cut-off dates are computed once for the day, so SQL compares dates only (portable,
index-friendly): not yet due (due on or after the day); 1–30, 31–90, 91–180 days
overdue; 181 days to 1 year, 1–2 years, 2–3 years, over 3 years by the calendar (a
debt is over one year overdue the day after its anniversary: due 2023-02-28, on
2024-02-29; due 2024-02-29, on 2025-03-01).
"""

import enum
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import case


class Bucket(enum.IntEnum):
    NOT_DUE = 0
    D1_30 = 1
    D31_90 = 2
    D91_180 = 3
    D181_365 = 4
    Y1_2 = 5
    Y2_3 = 6
    OVER_3Y = 7


BUCKET_LABELS = {
    Bucket.NOT_DUE: _l("Not yet due"),
    Bucket.D1_30: _l("1–30 days"),
    Bucket.D31_90: _l("31–90 days"),
    Bucket.D91_180: _l("91–180 days"),
    Bucket.D181_365: _l("181 days–1 year"),
    Bucket.Y1_2: _l("1–2 years"),
    Bucket.Y2_3: _l("2–3 years"),
    Bucket.OVER_3Y: _l("Over 3 years"),
}


def years_before(day: date, years: int) -> date:
    """The earliest due date not yet ``years`` overdue on ``day``: the same calendar
    day ``years`` earlier; for 29 February, 1 March (a debt due 28 February of a
    common year had its anniversary the day before)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 3, 1)


def cutoffs(as_of: date) -> list[tuple[date, Bucket]]:
    """(earliest due date in the bucket, bucket), youngest first: a receivable due on
    ``d`` falls in the first bucket whose date is <= d; older ones are over 3 years."""
    return [
        (as_of, Bucket.NOT_DUE),
        (as_of - timedelta(days=30), Bucket.D1_30),
        (as_of - timedelta(days=90), Bucket.D31_90),
        (as_of - timedelta(days=180), Bucket.D91_180),
        (years_before(as_of, 1), Bucket.D181_365),
        (years_before(as_of, 2), Bucket.Y1_2),
        (years_before(as_of, 3), Bucket.Y2_3),
    ]


def bucket_of(due_on: date, as_of: date) -> Bucket:
    """The bucket of one due date on ``as_of`` (the rule the SQL applies)."""
    for earliest, bucket in cutoffs(as_of):
        if due_on >= earliest:
            return bucket
    return Bucket.OVER_3Y


def bucket_sql(due_on, as_of: date):
    """SQL: the bucket (int) of the due date column ``due_on`` on ``as_of``."""
    return case(
        *[(due_on >= earliest, int(b)) for earliest, b in cutoffs(as_of)],
        else_=int(Bucket.OVER_3Y),
    )
