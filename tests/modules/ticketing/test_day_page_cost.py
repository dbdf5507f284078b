"""The day page at 30,000 lines a day and years of them: its checks read the day's rows
through indexes, never the site's whole history of lines."""

import pytest
from sqlalchemy import text

from modules.ticketing.days.sold_twice import sold_twice_query
from parkops.extensions import db


def plan_of(query) -> str:
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    return " ".join(
        str(row[-1]) for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
    )


def test_the_sold_twice_check_reads_the_days_serials_not_the_sites_lines(world):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")
    plan = plan_of(sold_twice_query([world.open().id, world.open(seller=world.seller2).id]))
    # The day's lines that name a serial come from the small partial index, the lines in
    # the day's ranges from the (product, serial) index: no walk of the site's lines (a
    # year of them: 330 ms) nor of every line of the day's shifts.
    assert "ix_tkt_sales_lines_shift_serial" in plan, plan
    assert "ix_tkt_sales_lines_day_figures" not in plan, plan
    assert "SCAN tkt_sales_lines" not in plan, plan
    assert "ix_tkt_sales_lines_shift_id " not in plan + " ", plan
