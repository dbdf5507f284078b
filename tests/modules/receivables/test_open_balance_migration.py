"""Migration a9e1c0000005 stores every existing receivable's open balance and the
aging sums from the allocations already recorded."""

from datetime import date, datetime

from flask_migrate import upgrade
from sqlalchemy import MetaData, select

from parkops import create_app
from parkops.extensions import db


def installed_app(tmp_path):
    """An app on an SQLite file of its own, upgraded by the migrations (not created)."""
    config = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "t"}
    return create_app({**config, "DATABASE_URL": f"sqlite:///{tmp_path / 'installed.db'}"})


def tables_at(directory, revision: str) -> dict:
    """The tables as migration ``revision`` leaves them (upgraded to it)."""
    upgrade(directory=directory, revision=revision)
    found = MetaData()
    found.reflect(db.engine)
    return found.tables


def add_site_and_debtor(c, t, now) -> None:
    """Site 1 and its debtor 1, inserted over connection ``c`` into tables ``t``."""
    c.execute(t["sites"].insert().values(id=1, code="PSY", name="濮上园", active=True))
    c.execute(
        t["rcv_debtors"].insert().values(
            id=1, site_id=1, name="茶社", kind="merchant", id_code="", contact="",
            phone="", address="", created_at=now,
        )
    )  # fmt: skip


def test_the_migration_fills_the_open_balances_and_the_sums(tmp_path):
    app = installed_app(tmp_path)
    now = datetime(2025, 1, 1, 8)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        t = tables_at(directory, "a9e1c0000004")
        with db.engine.begin() as c:
            add_site_and_debtor(c, t, now)
            for rid, fen, due in ((1, 1000_00, date(2024, 3, 31)), (2, 300_00, date(2024, 3, 31)),
                                  (3, 50_00, date(2024, 6, 30))):  # fmt: skip
                c.execute(
                    t["rcv_receivables"].insert().values(
                        id=rid, debtor_id=1, site_id=1, kind="rent", origin="", amount_fen=fen,
                        raised_on=date(2024, 3, 1), due_on=due, note="", created_at=now,
                    )
                )  # fmt: skip
            c.execute(
                t["rcv_payments"].insert().values(
                    id=1, debtor_id=1, site_id=1, paid_on=date(2024, 5, 1), amount_fen=500_00,
                    method="bank", receipt_no="R1", note="", recorded_at=now,
                )
            )  # fmt: skip
            for rid, fen in ((1, 400_00), (2, 300_00), (1, -100_00), (1, 100_00)):
                c.execute(
                    t["rcv_allocations"]
                    .insert()
                    .values(
                        payment_id=1, receivable_id=rid, amount_fen=fen, paid_on=date(2024, 5, 1)
                    )
                )
        upgrade(directory=directory, revision="a9e1c0000005")
        after = MetaData()
        after.reflect(db.engine)
        t = after.tables
        with db.engine.connect() as c:
            balances = c.execute(
                select(t["rcv_receivables"].c.id, t["rcv_receivables"].c.open_fen).order_by("id")
            ).all()
            sums = c.execute(
                select(t["rcv_open_sums"].c.due_on, t["rcv_open_sums"].c.open_fen).order_by(
                    "due_on"
                )
            ).all()
        db.engine.dispose()
    assert [tuple(b) for b in balances] == [(1, 600_00), (2, 0), (3, 50_00)]
    # The paid receivable's zero is no row; the sum of a due day is its receivables'.
    assert [tuple(s) for s in sums] == [(date(2024, 3, 31), 600_00), (date(2024, 6, 30), 50_00)]
