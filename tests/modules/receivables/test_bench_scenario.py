"""The receivables bench scenario stays in step with the module: its data loads (small
here), every page it measures answers. Timings and counts are `make bench`'s."""

from sqlalchemy import func, select

from bench.measure import queries_per_page
from bench.scenarios import receivables
from modules.receivables.models import FollowUp, Letter, WriteOff
from parkops import demo
from parkops.extensions import db
from tests.demo_copy import load_demo


def test_receivables_scenario_loads_and_its_pages_answer(app, monkeypatch):
    monkeypatch.setattr(receivables, "DEBTORS", 30)
    monkeypatch.setattr(receivables, "RECEIVABLES", 600)
    monkeypatch.setattr(receivables, "PAYMENTS", 900)
    monkeypatch.setattr(receivables, "FOLLOW_UPS", 300)
    load_demo()
    letters_before = db.session.scalar(select(func.count()).select_from(Letter))
    receivables.setup(app, scale=0.5)
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 150
    assert db.session.scalar(select(func.count()).select_from(Letter)) == letters_before + 1
    assert db.session.scalar(select(func.count()).select_from(WriteOff)) > 0
    db.session.remove()
    for page in receivables.pages(app):
        _queries, status = queries_per_page(app, page, demo.PASSWORD)
        assert status == 200, f"{page.name} ({page.path}) answered {status}"
