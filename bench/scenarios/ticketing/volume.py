"""The volume of the ticketing bench scenario, and the days it fills.

At ``scale`` 1: a year of 3,000,000 sales lines before the demo month (ending 37 days ago)
at both sites, and a day of 10 shifts of 3,000 lines to close; ``scale`` 0.01 (the bench's
hundredth) keeps the days, shifts and sellers and has a hundredth of the lines.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from modules.ticketing.models import Payment
from parkops.timeutil import business_day, local_zone

YEAR_LINES = 3_000_000
YEAR_DAYS = 365
SHIFTS_PER_DAY = {"ZYLZ": 6, "PSY": 2}
SELLERS = {"ZYLZ": 10, "PSY": 4}
CLOSE_SHIFTS = 10
CLOSE_LINES_EACH = 3_000
CLOSE_RANGE = (900_001, 999_999)  # a roll of printed gate tickets for the day to close
RANGE_SIZE, RANGE_SOLD = 300, 200
FLOAT_FEN = 50_000
CHUNK = 50_000
# E-ticket products by site (codes of the demo catalogue) and how often each sells.
E_TICKETS = {
    "ZYLZ": {
        "CAROUSEL": 30,
        "TRAIN": 25,
        "CARD-ZOO": 15,
        "CHILD-FREE": 10,
        "SENIOR": 8,
        "DISCOUNT-CARD": 2,
        "PASS": 1,
    },
    "PSY": {"WHEEL": 60, "PSY-COMBO": 40},
}
PAYMENTS = [Payment.CASH] * 8 + [Payment.WECHAT] * 7 + [Payment.ALIPAY] * 4 + [Payment.CARD]


@dataclass(frozen=True)
class Volume:
    """How many sales lines: in the year of history, and in each shift of the day to close."""

    year_lines: int
    close_lines_each: int

    @classmethod
    def at(cls, scale: float) -> "Volume":
        return cls(max(1, round(YEAR_LINES * scale)), max(1, round(CLOSE_LINES_EACH * scale)))


def bench_days() -> tuple[date, date, date]:
    """(first day of the year of history, its last day, the day to close)."""
    close = business_day() - timedelta(days=36)
    return close - timedelta(days=YEAR_DAYS), close - timedelta(days=1), close


def at(day: date, seconds: int) -> datetime:
    start = datetime.combine(day, time(8, 30), tzinfo=local_zone()).astimezone(UTC)
    return start + timedelta(seconds=seconds)
