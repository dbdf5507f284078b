"""Migration a9e1c0000007 counts, beside each aging sum, the receivables that owe."""

from datetime import date, datetime

from sqlalchemy import select

from parkops.extensions import db
from tests.modules.receivables.test_open_balance_migration import (
    add_site_and_debtor,
    installed_app,
    tables_at,
)


def test_the_migration_counts_the_receivables_that_owe_per_sum(tmp_path):
    app = installed_app(tmp_path)
    now, due, later = datetime(2025, 1, 1, 8), date(2023, 3, 31), date(2024, 3, 31)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        t = tables_at(directory, "a9e1c0000006")
        with db.engine.begin() as c:
            add_site_and_debtor(c, t, now)
            # Due on ``due``: 600 owed, paid in full, 100 overpaid (500, one owes); due
            # ``later``: 200 owed, 200 overpaid (a sum of 0 that one still owes).
            for rid, left, day in ((1, 600_00, due), (2, 0, due), (3, -100_00, due),
                                   (4, 200_00, later), (5, -200_00, later)):  # fmt: skip
                c.execute(
                    t["rcv_receivables"].insert().values(
                        id=rid, debtor_id=1, site_id=1, kind="rent", origin="", amount_fen=600_00,
                        raised_on=date(2023, 1, 1), due_on=day, note="", created_at=now,
                        open_fen=left,
                    )
                )  # fmt: skip
            c.execute(
                t["rcv_open_sums"]
                .insert()
                .values(site_id=1, kind="rent", handler_id=0, due_on=due, open_fen=500_00)
            )
        t = tables_at(directory, "a9e1c0000007")
        with db.engine.connect() as c:
            sums = c.execute(
                select(
                    t["rcv_open_sums"].c.due_on,
                    t["rcv_open_sums"].c.open_fen,
                    t["rcv_open_sums"].c.open_count,
                ).order_by("due_on")
            ).all()
        db.engine.dispose()
    assert [tuple(s) for s in sums] == [(due, 500_00, 1), (later, 0, 1)]
