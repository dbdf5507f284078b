"""The pages that read merchants' violations read an index alone, so a merchant with a
thousand violations a year, or a thousand open ones across the parks, costs index
entries, not table rows (SQLite's plans; the statements per page stay the same)."""

from datetime import timedelta

import pytest
from sqlalchemy import event, insert

from modules.merchants.inspection_models import Violation, ViolationState
from parkops.extensions import db
from parkops.timeutil import business_day, utcnow
from tests.modules.merchants import test_inspections

leased = test_inspections.leased  # the fixture: merchants leasing units at both sites


def _violations(leased, park, state: ViolationState, count: int) -> None:
    rows = [
        {
            "site_id": leased.tea.site_id,
            "merchant_id": leased.tea.id,
            "check": "hygiene",
            "note": "",
            "found_at": utcnow() - timedelta(days=n),
            "deadline": business_day() + timedelta(days=n % 30),
            "state": state.value,
            "repeat": n % 2 == 0,
            "failed_rechecks": n % 3,
            "recorded_by_id": park.manager.id,
        }
        for n in range(count)
    ]
    db.session.execute(insert(Violation), rows)
    db.session.commit()


def _plans(client, url: str) -> list[tuple[str, str]]:
    """(statement, SQLite's plan) of each statement of the page reading violations."""
    seen = []

    def log(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", log)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", log)
    cursor = db.session.connection().connection.cursor()
    return [
        (s, " ".join(str(r[-1]) for r in cursor.execute(f"EXPLAIN QUERY PLAN {s}", p)))
        for s, p in seen
        if "mer_violations" in s
    ]


@pytest.fixture
def sqlite_only():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")


def test_repeats_and_a_merchants_open_violations_read_the_index_alone(
    client, login, park, leased, count_queries, sqlite_only
):
    _violations(leased, park, ViolationState.OPEN, 12)
    _violations(leased, park, ViolationState.CORRECTED, 40)
    login(park.manager)
    with count_queries() as few:
        client.get(f"/merchants/merchants/{leased.tea.id}")
    plans = _plans(client, f"/merchants/merchants/{leased.tea.id}")
    repeats = [p for s, p in plans if "failed_rechecks" in s and "sum(" in s]
    assert repeats and all(
        "COVERING INDEX ix_mer_violations_merchant_strikes" in p for p in repeats
    ), repeats
    # Its open violations and their count: the merchant's own, not every open one.
    mine = [p for s, p in plans if "failed_rechecks" not in s or "sum(" not in s]
    assert len(mine) == 2, plans
    assert all(
        "ix_mer_violations_merchant_state_deadline (merchant_id=? AND state=?)" in p for p in mine
    ), mine
    listed = _plans(client, "/merchants/")
    assert all("COVERING INDEX ix_mer_violations_merchant_strikes" in p for _, p in listed), listed
    _violations(leased, park, ViolationState.OPEN, 30)
    with count_queries() as more:
        page = client.get(f"/merchants/merchants/{leased.tea.id}").get_data(as_text=True)
    assert more.count == few.count and "(42)" in page


def test_the_open_violations_are_counted_from_the_index_without_the_merchants(
    client, login, park, leased, count_queries, sqlite_only
):
    _violations(leased, park, ViolationState.OPEN, 3)
    login(park.manager)
    with count_queries() as few:
        client.get("/merchants/violations/")
    _violations(leased, park, ViolationState.OPEN, 70)
    with count_queries() as q:
        page = client.get("/merchants/violations/").get_data(as_text=True)
    assert q.count == few.count and "(73)" in page and page.count("data-violation=") == 50
    counts = [(s, p) for s, p in _plans(client, "/merchants/violations/") if "count(" in s]
    assert len(counts) == 1, counts
    statement, plan = counts[0]
    assert "mer_merchants" not in statement, statement
    assert "COVERING INDEX ix_mer_violations_state_deadline_site" in plan, plan
