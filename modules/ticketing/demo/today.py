"""Today in the demo: at 濮上园 a shift in every state before closed (through the services)."""

from datetime import UTC, datetime, timedelta

from modules.ticketing import shifts, stock
from modules.ticketing.catalog import prices_on
from modules.ticketing.days.record import day_record
from modules.ticketing.demo.clock import at
from modules.ticketing.demo.shifts import FLOAT_FEN
from modules.ticketing.models import Payment, Shift
from modules.ticketing.shifts import METHODS
from parkops.extensions import db


class Today:
    """Month's today (see month.Month for the attributes it uses)."""

    def _today(self) -> None:
        """At 濮上园 cashier2 is selling; cashier3 and cashier4 have counted their morning's
        takings short, one waiting to explain, the other for a second count."""
        boat, first = self.catalog["BOAT"], self.cursor["BOAT"]
        self._open_today("cashier2", 0, boat, first, first + 199)
        price = prices_on([boat.id], self.today)[boat.id]
        short = self._open_today("cashier3", 1, boat, first + 200, first + 299, sold=60)
        self._count_cash(short, FLOAT_FEN + 60 * price - 3_000)
        beyond = self._open_today("cashier4", 2, boat, first + 300, first + 399, sold=80)
        self._count_cash(beyond, FLOAT_FEN + 80 * price - 15_000)
        why = "清点时发现一张百元假币已被没收,另有找零差错,待复点。"
        shifts.explain(beyond, why, beyond.seller)
        day_record(boat.site_id, self.today)
        db.session.commit()

    def _open_today(self, username, window, product, first, last, sold=None) -> Shift:
        """A shift of today opened (and a range taken and returned) through the services."""
        seller = self.users[username]
        office = self.offices["PSY-E"]
        shift = shifts.open_shift(seller, office.windows[window], FLOAT_FEN)
        # Backdated to the morning: the services stamp the moment the demo is loaded.
        shift.opened_at = min(at(self.today, 8, 20), datetime.now(UTC) - timedelta(minutes=30))
        issue = stock.issue_range(shift, product, first, last, self.users["finance"])
        issue.issued_at = shift.opened_at + timedelta(minutes=5)
        if sold is not None:
            stock.return_range(issue, first + sold, seller)
        db.session.commit()
        return shift

    @staticmethod
    def _count_cash(shift: Shift, cash_fen: int) -> None:
        """A blind count of a shift that took only cash."""
        counted = dict.fromkeys(METHODS, 0) | {Payment.CASH: cash_fen}
        shifts.count_blind(shift, counted, shift.seller)
