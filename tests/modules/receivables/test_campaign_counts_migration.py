"""Migration a9e1c0000006 counts the existing campaigns from their items (the stored
progress) and gives each item its receivable's due day."""

from datetime import date, datetime

from sqlalchemy import select

from parkops.extensions import db
from tests.modules.receivables.test_open_balance_migration import installed_app, tables_at


def test_the_migration_counts_the_campaigns_and_dates_their_items(tmp_path):
    app = installed_app(tmp_path)
    now, paid = datetime(2025, 1, 1, 8), date(2024, 5, 1)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        t = tables_at(directory, "a9e1c0000005")
        with db.engine.begin() as c:
            c.execute(t["sites"].insert().values(id=1, code="PSY", name="濮上园", active=True))
            c.execute(
                t["users"].insert().values(
                    id=1, username="finance", display_name="Feng", email="", password_hash="x",
                    active=True, all_sites=True, must_change_password=False,
                    session_version=0, created_at=now,
                )
            )  # fmt: skip
            c.execute(
                t["rcv_debtors"].insert().values(
                    id=1, site_id=1, name="茶社", kind="merchant", id_code="", contact="",
                    phone="", address="", created_at=now,
                )
            )  # fmt: skip
            # 1: 1,000 owed, 400 paid since; 2: 300 paid in full; 3: 50 written off.
            for rid, fen, left, due in ((1, 1000_00, 600_00, date(2023, 3, 31)),
                                        (2, 300_00, 0, date(2022, 3, 31)),
                                        (3, 50_00, 0, date(2021, 6, 30))):  # fmt: skip
                c.execute(
                    t["rcv_receivables"].insert().values(
                        id=rid, debtor_id=1, site_id=1, kind="rent", origin="", amount_fen=fen,
                        raised_on=date(2021, 3, 1), due_on=due, note="", created_at=now,
                        open_fen=left,
                    )
                )  # fmt: skip
            c.execute(
                t["rcv_campaigns"].insert().values(
                    id=1, name="清理", site_id=1, due_before=date(2024, 1, 1),
                    started_on=date(2024, 4, 1), created_at=now, created_by_id=1,
                )
            )  # fmt: skip
            for iid, rid, start, state in ((1, 1, 1000_00, "owed"), (2, 2, 300_00, "owed"),
                                           (3, 3, 50_00, "write_off")):  # fmt: skip
                c.execute(
                    t["rcv_campaign_items"].insert().values(
                        id=iid, campaign_id=1, receivable_id=rid, start_fen=start, state=state,
                        note="",
                    )
                )  # fmt: skip
            c.execute(
                t["rcv_write_offs"].insert().values(
                    id=1, receivable_id=3, item_id=3, reason="注销", state="approved",
                    proposed_fen=50_00, amount_fen=50_00, written_off_on=paid, proposed_at=now,
                    proposed_by_id=1,
                )
            )  # fmt: skip
        t = tables_at(directory, "a9e1c0000006")
        with db.engine.connect() as c:
            counts = c.execute(select(t["rcv_campaign_counts"]).order_by("state")).all()
            items = c.execute(
                select(
                    t["rcv_campaign_items"].c.due_on,
                    t["rcv_campaign_items"].c.counted_fen,
                    t["rcv_campaign_items"].c.written_fen,
                ).order_by("id")
            ).all()
        db.engine.dispose()
    assert [tuple(i) for i in items] == [
        (date(2023, 3, 31), 600_00, 0),
        (date(2022, 3, 31), 0, 0),
        (date(2021, 6, 30), 0, 50_00),
    ]
    # (campaign, state, items, start, collected, collected since, written off, fen)
    assert [tuple(r) for r in counts] == [
        (1, "owed", 2, 1300_00, 1, 700_00, 0, 0),
        (1, "write_off", 1, 50_00, 0, 0, 1, 50_00),
    ]
