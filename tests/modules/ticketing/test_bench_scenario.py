"""The ticketing bench scenario stays in step with the module: its data loads, its pages
answer, and its operations close and sign a day again and again. Timings are `make bench`'s."""

from sqlalchemy import func, select

from bench.measure import queries_per_page
from bench.scenarios import ticketing
from bench.scenarios.ticketing import volume
from modules.ticketing.models import DayStatus, SalesLine, Shift, ShiftStatus, TicketDay
from parkops import demo
from parkops.extensions import db
from tests.demo_copy import load_demo


def test_ticketing_scenario_builds_closes_and_reports(app, monkeypatch):
    monkeypatch.setattr(volume, "YEAR_DAYS", 40)
    load_demo()
    before = db.session.scalar(select(func.count()).select_from(SalesLine))
    ticketing.setup(app, scale=0.01)  # the bench's hundredth: 30,000 + 10 × 30 lines
    added = db.session.scalar(select(func.count()).select_from(SalesLine)) - before
    assert added == 30_000 + ticketing.CLOSE_SHIFTS * 30
    db.session.remove()

    close, audit = ticketing.operations(app)
    _first, _last, day = volume.bench_days()
    for _ in range(2):  # the operation can be repeated: prepare undoes the last close
        close.prepare()
        close.run()
        db.session.commit()
        signed = db.session.scalar(select(TicketDay).where(TicketDay.business_day == day))
        assert signed.status == DayStatus.SIGNED
        statuses = set(db.session.scalars(select(Shift.status).where(Shift.business_day == day)))
        assert statuses == {ShiftStatus.CLOSED}
        db.session.remove()
    audit.run()

    for page in ticketing.pages(app):
        _queries, status = queries_per_page(app, page, demo.PASSWORD)
        assert status == 200, f"{page.name} ({page.path}) answered {status}"
