"""What is owed more, and how many more owe, on a day than at the month-end before it
(``MonthToDate``): kept by every writer, filled by the migrations from the ledger, and
what a past day's grid and count over a year read (that day's rows alone) instead of
that month's allocations or each of its days, so their cost does not grow with the
payments."""

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, select

from modules.receivables import aging, generate, indicators, payments, writeoffs
from modules.receivables.models import Allocation, PaymentMethod, Receivable, ReceivableKind
from modules.receivables.month_models import MonthToDate
from parkops.extensions import db
from tests.modules.receivables.test_campaigns import scan
from tests.modules.receivables.test_open_balance_migration import (
    add_site_and_debtor,
    installed_app,
    tables_at,
)


def exact_days() -> dict:
    """{(day, site id, kind, handler id or 0, due day): (fen, owing)} by the rule, in
    Python: each receivable's balance at the end of every day from its raised day (its
    amount less its allocations dated by then); fen: the change of the balances that
    day, owing: of how many are above zero; days whose changes cancel out left out."""
    days: dict = defaultdict(lambda: [0, 0])
    paid: dict = defaultdict(lambda: defaultdict(int))
    for part in db.session.scalars(select(Allocation)):
        paid[part.receivable_id][part.paid_on] += part.amount_fen
    for r in db.session.scalars(select(Receivable)):
        key = (r.site_id, r.kind, r.handler_id or 0, r.due_on)
        ends = sorted({r.raised_on, *(d for d in paid[r.id] if d > r.raised_on)})
        before, owed = 0, False
        for day in ends:
            balance = r.amount_fen - sum(f for d, f in paid[r.id].items() if d <= day)
            days[(day, *key)][0] += balance - before
            days[(day, *key)][1] += (balance > 0) - owed
            before, owed = balance, balance > 0
    return {key: tuple(change) for key, change in days.items() if any(change)}


def month_to_date(days: dict) -> dict:
    """Day changes ({(day, *key): (fen, owing)}) as totals since the month-end before
    each day: every day from a key's first change in a month to the month's last;
    zero totals left out."""
    totals: dict = defaultdict(lambda: [0, 0])
    for (day, *key), (fen, owing) in days.items():
        on = day
        while on.month == day.month:
            totals[(on, *key)][0] += fen
            totals[(on, *key)][1] += owing
            on += timedelta(days=1)
    return {key: tuple(total) for key, total in totals.items() if any(total)}


def exact_month_to_date() -> dict:
    return month_to_date(exact_days())


def stored_month_to_date() -> dict:
    rows = db.session.scalars(select(MonthToDate)).all()
    found = {(d.day, d.site_id, d.kind, d.handler_id, d.due_on): (d.fen, d.owing) for d in rows}
    return {key: total for key, total in found.items() if any(total)}


def pay(park, debtor, receivable, day: date, fen: int, receipt: str) -> None:
    data = payments.PaymentData(
        debtor.site_id, day, fen, PaymentMethod.BANK, receipt, receivable_ids=[receivable.id]
    )
    payments.record_payment(debtor, data, park.finance)


def test_every_kind_of_write_keeps_the_days_changes(
    park, make_debtor, make_receivable, monkeypatch
):
    debtor = make_debtor()
    first = make_receivable(debtor, 500_00, due_on=date(2025, 1, 31), raised_on=date(2025, 1, 1))
    second = make_receivable(
        debtor, 300_00, due_on=date(2025, 3, 31), raised_on=date(2025, 2, 3),
        kind=ReceivableKind.UTILITIES, handler_id=park.handler.id,
    )  # fmt: skip
    assert stored_month_to_date() == exact_month_to_date()
    pay(park, debtor, first, date(2025, 2, 10), 100_00, "D1")
    pay(park, debtor, first, date(2025, 1, 20), 50_00, "D2")  # backdated before the first
    pay(park, debtor, second, date(2025, 2, 10), 30_00, "D3")
    assert stored_month_to_date() == exact_month_to_date()
    payment = db.session.scalar(select(Allocation).where(Allocation.amount_fen == 100_00)).payment
    payments.propose_reversal(payment, "记错账", park.finance)
    payments.decide_reversal(payment, True, park.finance2)
    assert stored_month_to_date() == exact_month_to_date()
    proposal = writeoffs.propose(second, "债务人已注销", [scan()], park.finance)
    monkeypatch.setattr(writeoffs, "business_day", lambda: date(2025, 4, 2))
    writeoffs.decide(proposal, True, park.leader)
    monkeypatch.undo()
    assert stored_month_to_date() == exact_month_to_date()
    # the bench's bulk writers: receivables, then payments on many days
    rng = random.Random(5)
    owed = generate.receivables(rng, [(debtor.id, park.psy.id)], 30, date(2025, 6, 1), [None])
    generate.payments(rng, owed, 60, date(2025, 6, 1), {rid: park.psy.id for rid, *_ in owed})
    db.session.commit()
    assert stored_month_to_date() == exact_month_to_date()


def test_a_past_day_reads_the_days_changes_not_the_allocations(
    park, make_debtor, make_receivable, count_queries
):
    debtor = make_debtor()
    owed = make_receivable(debtor, 500_00, due_on=date(2025, 1, 31), raised_on=date(2025, 1, 1))
    for n, day in enumerate((date(2025, 3, 3), date(2025, 3, 20))):
        pay(park, debtor, owed, day, 100_00, f"P{n}")
    aging.aging(park.finance, date(2025, 3, 10), "kind")  # stores 2025-02-28

    for by, page in (("kind", None), ("site", None), ("handler", None), ("debtor", 1)):
        with count_queries() as q:
            grid = aging.aging(park.finance, date(2025, 3, 10), by, page=page)
        assert grid.total == 400_00
        if by != "debtor":  # the page's own debtors' balances read theirs
            assert not [s for s in q.statements if "rcv_allocations" in s], by
    assert indicators.over_one_year(None, date(2026, 3, 10)) == (300_00, 1)  # stores 02-28
    with count_queries() as q:
        assert indicators.over_one_year(None, date(2026, 3, 10)) == (300_00, 1)
    assert not [s for s in q.statements if "rcv_allocations" in s]


def test_the_migration_fills_the_days_changes_from_the_ledger(tmp_path):
    app = installed_app(tmp_path)
    now = datetime(2025, 1, 1, 8)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        t = tables_at(directory, "a9e1c0000009")
        with db.engine.begin() as c:
            add_site_and_debtor(c, t, now)
            for rid, fen, raised in ((1, 1000_00, date(2024, 3, 1)), (2, 300_00, date(2024, 3, 1)),
                                     (3, 50_00, date(2024, 5, 9))):  # fmt: skip
                c.execute(
                    t["rcv_receivables"].insert().values(
                        id=rid, debtor_id=1, site_id=1, kind="rent", origin="", amount_fen=fen,
                        raised_on=raised, due_on=date(2024, 6, 30), note="", created_at=now,
                        open_fen=0,
                    )
                )  # fmt: skip
            c.execute(
                t["rcv_payments"].insert().values(
                    id=1, debtor_id=1, site_id=1, paid_on=date(2024, 5, 1), amount_fen=500_00,
                    method="bank", receipt_no="R1", note="", recorded_at=now,
                )
            )  # fmt: skip
            # the third was raised after the day of its allocation: counted on its own day
            for rid, fen in ((1, 400_00), (2, 300_00), (1, -100_00), (3, 100_00), (3, -100_00)):
                c.execute(
                    t["rcv_allocations"]
                    .insert()
                    .values(
                        payment_id=1, receivable_id=rid, amount_fen=fen, paid_on=date(2024, 5, 1)
                    )
                )
        upgrade(directory=directory, revision="a9e1c0000010")
        after = MetaData()
        after.reflect(db.engine)
        days = after.tables["rcv_day_changes"]
        with db.engine.connect() as c:
            query = select(days.c.day, days.c.fen, days.c.owing).order_by(days.c.day)
            found = c.execute(query).all()
        db.engine.dispose()
    # 03-01: two raised, 1,300 owed; 05-01: 600 paid, the second paid off; 05-09: the
    # third raised, owing 50 (its 100 paid and taken back count from that day)
    assert [tuple(f) for f in found] == [
        (date(2024, 3, 1), 1300_00, 2),
        (date(2024, 5, 1), -600_00, -1),
        (date(2024, 5, 9), 50_00, 1),
    ]


def test_the_migration_turns_the_day_changes_into_totals_and_back(tmp_path):
    app = installed_app(tmp_path)
    key = {"site_id": 1, "kind": "rent", "handler_id": 0, "due_on": date(2024, 6, 30)}
    # a key's changes over two months: owed, part paid, paid off on 03-20 (zero since),
    # owed again on 03-25; the last day of a month and the first of the next
    changes = {
        date(2024, 3, 1): (1000_00, 1),
        date(2024, 3, 10): (-400_00, 0),
        date(2024, 3, 20): (-600_00, -1),
        date(2024, 3, 25): (50_00, 1),
        date(2024, 3, 31): (-10_00, 0),
        date(2024, 4, 1): (-40_00, -1),
    }
    other = key | {"kind": "utilities", "handler_id": 3}
    with app.app_context():
        directory = app.extensions["migrate"].directory
        t = tables_at(directory, "a9e1c0000010")
        days = t["rcv_day_changes"]
        rows = [key | {"day": d, "fen": f, "owing": o} for d, (f, o) in changes.items()]
        rows.append(other | {"day": date(2024, 4, 29), "fen": 7_00, "owing": 1})
        with db.engine.begin() as c:
            c.execute(days.insert(), rows)
        upgrade(directory=directory, revision="a9e1c0000011")
        found = MetaData()
        found.reflect(db.engine)
        assert "rcv_day_changes" not in found.tables
        totals = found.tables["rcv_month_to_date"]
        with db.engine.connect() as c:
            stored = {(r.day, r.kind): (r.fen, r.owing) for r in c.execute(select(totals)).all()}
        downgrade(directory=directory, revision="a9e1c0000010")
        found = MetaData()
        found.reflect(db.engine)
        with db.engine.connect() as c:
            back = c.execute(select(found.tables["rcv_day_changes"])).all()
        db.engine.dispose()
    want = {
        (day, k): total
        for (day, k, *_rest), total in month_to_date(
            {(r["day"], r["kind"], r["handler_id"]): (r["fen"], r["owing"]) for r in rows}
        ).items()
    }
    assert stored == want
    assert stored[(date(2024, 3, 19), "rent")] == (600_00, 1)
    assert (date(2024, 3, 22), "rent") not in stored  # paid off: nothing more owed since
    assert stored[(date(2024, 3, 31), "rent")] == (40_00, 1)
    assert stored[(date(2024, 4, 30), "rent")] == (-40_00, -1)
    assert stored[(date(2024, 4, 30), "utilities")] == (7_00, 1)
    assert sorted((r.day, r.kind, r.fen, r.owing) for r in back) == sorted(
        (r["day"], r["kind"], r["fen"], r["owing"]) for r in rows
    )
