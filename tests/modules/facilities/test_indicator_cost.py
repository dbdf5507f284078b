"""Problem 14's indicators at the installation's scale: the ledger, a problem's page, the
home page and the weekly report compute them for every site on each request, so their
statements walk an index range and never load the month's orders as rows."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import event

from modules.facilities import reports
from modules.facilities.models import OrderState, Priority
from parkops.extensions import db
from parkops.registry import registry
from parkops.timeutil import utcnow


def _indicators(app):
    return {i.name: i for i in registry(app).indicators if i.name.startswith("facilities.")}


def _statements(app, name):
    """(SQL, parameters) of each statement the indicator ``name`` runs for every site."""
    seen = []

    def log(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", log)
    try:
        with app.test_request_context(), force_locale("en"):
            _indicators(app)[name].compute(None)
    finally:
        event.remove(db.engine, "before_cursor_execute", log)
    return seen


def _plan(statement, parameters):
    cursor = db.session.connection().connection.cursor()
    return " ".join(
        str(row[-1]) for row in cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
    )


@pytest.mark.parametrize(
    "name, table, index",
    [
        # a day's range of inspections per site, not the whole index of a million
        (
            "facilities.coverage_today",
            "fac_inspections",
            "ix_fac_inspections_site_day (site_id=? AND day>? AND day<?)",
        ),
        (
            "facilities.coverage_week",
            "fac_inspections",
            "ix_fac_inspections_site_day (site_id=? AND day>? AND day<?)",
        ),
        # the orders verified in the last 30 days, not every verified order
        (
            "facilities.closed_within_deadline",
            "fac_orders",
            "ix_fac_orders_state_closed_at (state=? AND closed_at>?)",
        ),
        (
            "facilities.median_time_to_repair",
            "fac_orders",
            "ix_fac_orders_state_closed_at (state=? AND closed_at>?)",
        ),
    ],
)
def test_every_site_indicator_reads_an_index_range(app, ledger, park, name, table, index):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")
    plans = [_plan(s, p) for s, p in _statements(app, name) if table in s]
    assert plans, name
    for plan in plans:
        assert f"SEARCH {table} USING" in plan and index in plan, plan
        assert f"SCAN {table}" not in plan, plan


def test_the_median_is_the_middle_repair_or_the_mean_of_the_two_middle_ones(
    app, ledger, park, make_facility
):
    median = _indicators(app)["facilities.median_time_to_repair"]
    now = utcnow()

    def repaired_in(hours):
        facility = make_facility()
        with app.test_request_context():
            order = reports.report_damage(
                facility, park.crew, "坏了", Priority.NORMAL, False, [], None
            ).order
        order.state = OrderState.VERIFIED
        order.reported_at = now - timedelta(hours=hours + 1)
        order.deadline_at = now
        order.repaired_at = now - timedelta(hours=1)
        order.closed_at = now - timedelta(minutes=30)
        db.session.commit()

    with app.test_request_context(), force_locale("en"):
        assert median.compute(None) == ("no repair in the last 30 days", None)
        for hours in (30, 2, 10):
            repaired_in(hours)
        assert median.compute(None) == ("10.0 h", True)
        repaired_in(41)
        assert median.compute(None) == ("20.0 h", True)  # (10 + 30) / 2
        repaired_in(0.5)
        assert median.compute(None) == ("10.0 h", True)
