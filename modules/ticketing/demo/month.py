"""A month of days at both sites, oldest first, with discrepancies planted for the auditor."""

import random
from datetime import date, timedelta

from modules.ticketing.demo.catalog import ROLLS
from modules.ticketing.demo.days import DayCloser
from modules.ticketing.demo.shifts import ShiftBuilder
from modules.ticketing.demo.today import Today

DAYS = 30
SEED = 2019


class Month(ShiftBuilder, DayCloser, Today):
    """A month of days at both sites, oldest first."""

    def __init__(self, sites, users, catalog, offices, today):
        self.sites, self.users, self.catalog, self.offices = sites, users, catalog, offices
        self.today = today
        self.random = random.Random(SEED)
        self.cursor = {code: rolls[0][0] for code, rolls in ROLLS.items()}
        # The discrepancies sit on the last four weekdays (cashier2 is at the zoo on
        # weekdays), left for the auditor; older days are signed off.
        weekdays = [d for d in (today - timedelta(days=n) for n in range(1, 12)) if d.weekday() < 5]
        self.plant = dict(
            zip(("missing", "shortfall", "deposit", "outside"), weekdays, strict=False)
        )
        self.sign_before = weekdays[3]

    def weekday_back(self, days: int) -> date:
        """The first weekday at least ``days`` before today."""
        day = self.today - timedelta(days=days)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day

    def build(self) -> None:
        for back in range(DAYS, 0, -1):
            day = self.today - timedelta(days=back)
            weekend = day.weekday() >= 5
            zylz = [self._shift(day, "ZYLZ-N", "cashier")]
            if weekend:
                self._close_day("PSY", day, [self._shift(day, "PSY-E", "cashier2")])
            else:
                zylz.append(self._shift(day, "ZYLZ-ZOO", "cashier2"))
            self._close_day("ZYLZ", day, zylz)
        self._today()
        self._corrections()
