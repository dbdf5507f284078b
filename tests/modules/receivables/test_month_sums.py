"""Month-end aging sums: stored on the first read of a closed month-end, read from then
on, dropped by every write that changes a balance on or before one, never stored
from a state a write changed meanwhile; the grids agree with the exact rule."""

import random
import threading
from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from modules.receivables import aging, indicators, month_sums, payments, writeoffs
from modules.receivables.buckets import Bucket, bucket_of
from modules.receivables.models import (
    Allocation,
    Debtor,
    Payment,
    PaymentMethod,
    Receivable,
    ReceivableKind,
    Reversal,
    ReversalState,
)
from modules.receivables.month_models import MonthDaySum, MonthDebtorSum, MonthEnd, MonthSum
from parkops.auth.models import User
from parkops.extensions import db
from parkops.paging import PER_PAGE
from tests.conftest import TEST_DATABASE_URL
from tests.modules.receivables.test_campaigns import scan
from tests.modules.receivables.test_month_to_date import (
    exact_month_to_date,
    stored_month_to_date,
)

MONTH_ENDS = [date(2025, 1, 31), date(2025, 4, 30), date(2025, 9, 30), date(2026, 2, 28)]
# Days that are not month-ends, read from the month-end before: its next day, the middle
# of a month, a 31st after a 30th, a year's anniversaries moving across 29 February.
DAYS = [date(2025, 2, 1), date(2025, 5, 15), date(2025, 10, 31), date(2026, 3, 29)]
DAYS += [date(2024, 3, 1), date(2025, 3, 1)]
KINDS = [ReceivableKind.RENT, ReceivableKind.UTILITIES, ReceivableKind.OTHER]


def balances(as_of: date) -> list[tuple[Receivable, int]]:
    """Each receivable raised by ``as_of`` and its balance at the end of that day, by
    the rule itself (its amount less its allocations dated by then), in Python."""
    paid = defaultdict(int)
    for part in db.session.scalars(select(Allocation).where(Allocation.paid_on <= as_of)):
        paid[part.receivable_id] += part.amount_fen
    raised = db.session.scalars(select(Receivable).where(Receivable.raised_on <= as_of))
    return [(r, r.amount_fen - paid[r.id]) for r in raised]


def exact(user_handler: int | None, as_of: date, by: str) -> dict:
    """The grid by the rule: {key: cells}; ``user_handler``: only that handler's."""
    grid: dict = defaultdict(lambda: [0] * len(Bucket))
    for r, left in balances(as_of):
        if user_handler is not None and r.handler_id != user_handler:
            continue
        key = {"debtor": r.debtor_id, "kind": r.kind, "site": r.site_id}.get(by, r.handler_id or 0)
        grid[key][bucket_of(r.due_on, as_of)] += left
    return {k: cells for k, cells in grid.items() if any(cells)}


def exact_over_a_year(as_of: date) -> tuple[int, int]:
    old = [left for r, left in balances(as_of) if bucket_of(r.due_on, as_of) >= Bucket.Y1_2]
    return sum(old), sum(1 for left in old if left > 0)


def grid_of(user, as_of: date, by: str, page: int | None = None) -> dict:
    grid = aging.aging(user, as_of, by, page=page)
    return {row.key: row.cells for row in grid.rows}


def check(park, as_of: date) -> None:
    """Every grid on ``as_of`` (stored or recomputed) equals the rule's, and so do the
    totals since the month-end it may read."""
    assert stored_month_to_date() == exact_month_to_date()
    for user, handler in ((park.finance, None), (park.handler, park.handler.id)):
        for by in aging.GROUPINGS:
            want = exact(handler, as_of, by)
            got = grid_of(user, as_of, by, page=1 if by == "debtor" else None)
            assert got == want, (as_of, by, user.username)
            totals = aging.aging(user, as_of, by, page=1).totals
            assert totals == [sum(c[b] for c in want.values()) for b in Bucket]
    assert indicators.over_one_year(None, as_of) == exact_over_a_year(as_of)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_month_ends_follow_every_write(
    park, make_debtor, make_receivable, monkeypatch, seed
):
    rng = random.Random(seed)
    debtors = [make_debtor(f"商户{n}", site=[park.psy, park.zylz][n % 2]) for n in range(6)]

    def raise_one(raised_on: date):
        debtor = rng.choice(debtors)
        due = raised_on + timedelta(days=rng.choice([0, 30, 200, 500]))
        handler = park.handler.id if debtor.site_id == park.psy.id and rng.random() < 0.5 else None
        return make_receivable(
            debtor,
            rng.randint(1, 900) * 100,
            due_on=due,
            raised_on=raised_on,
            kind=rng.choice(KINDS),
            handler_id=handler,
        )

    def some_day(start: date) -> date:
        return start + timedelta(days=rng.randint(0, (date(2026, 3, 31) - start).days))

    for _n in range(12):
        raise_one(some_day(date(2023, 1, 1)))
    for month_end in MONTH_ENDS:
        check(park, month_end)  # stores them
    for day in DAYS:
        check(park, day)  # from the month-end before (stored first)
    receipt = 0
    for _step in range(30):
        action = rng.choice(["pay", "pay", "reverse", "write_off", "raise"])
        open_ones = db.session.scalars(select(Receivable).where(Receivable.open_fen > 0)).all()
        if action == "pay" and open_ones:
            r = rng.choice(open_ones)
            receipt += 1
            data = payments.PaymentData(
                r.site_id,
                some_day(r.raised_on),
                rng.randint(1, r.open_fen),
                PaymentMethod.BANK,
                f"R{seed}-{receipt}",
                receivable_ids=[r.id],
            )
            payments.record_payment(r.debtor, data, park.finance)
        elif action == "reverse":
            asked = select(Reversal.payment_id)
            done = db.session.scalars(select(Payment).where(Payment.id.not_in(asked))).all()
            if done:
                payment = rng.choice(done)
                payments.propose_reversal(payment, "记错账", park.finance)
                reversal = payments.decide_reversal(payment, True, park.finance2)
                assert reversal.state == ReversalState.APPROVED
        elif action == "write_off" and open_ones:
            r = rng.choice(open_ones)
            proposal = writeoffs.propose(r, "债务人已注销", [scan()], park.finance)
            # approved on a past day, as at a month's end before today
            monkeypatch.setattr(writeoffs, "business_day", lambda r=r: some_day(r.raised_on))
            writeoffs.decide(proposal, True, park.leader)
            monkeypatch.undo()
        elif action == "raise":
            raise_one(some_day(date(2024, 6, 1)))
        for day in rng.sample(MONTH_ENDS, 1) + rng.sample(DAYS, 1):
            check(park, day)
    for day in MONTH_ENDS + DAYS:
        check(park, day)
    assert db.session.scalar(select(func.count(MonthEnd.id))) > 0


def marks() -> list[tuple[int, date]]:
    return list(db.session.execute(select(MonthEnd.site_id, MonthEnd.month_end)).all())


def test_a_backdated_write_drops_its_sites_month_ends_from_its_day(
    park, make_debtor, make_receivable
):
    debtor = make_debtor()
    first = make_receivable(debtor, 500_00, due_on=date(2025, 1, 31), raised_on=date(2025, 1, 1))
    for month_end in MONTH_ENDS:
        aging.aging(park.finance, month_end, "kind")
    stored = {(park.psy.id, m) for m in MONTH_ENDS} | {(park.zylz.id, m) for m in MONTH_ENDS}
    assert set(marks()) == stored

    data = payments.PaymentData(
        debtor.site_id,
        date(2025, 5, 2),
        100_00,
        PaymentMethod.CASH,
        "B1",
        receivable_ids=[first.id],
    )
    payments.record_payment(debtor, data, park.finance)  # after 2025-04-30, before 2025-09-30

    kept = {(park.psy.id, m) for m in MONTH_ENDS[:2]} | {(park.zylz.id, m) for m in MONTH_ENDS}
    assert set(marks()) == kept
    assert aging.aging(park.finance, date(2025, 9, 30), "kind").total == 400_00
    assert aging.aging(park.finance, date(2025, 4, 30), "kind").total == 500_00


def test_todays_writes_drop_nothing(park, make_debtor, make_receivable):
    debtor = make_debtor()
    make_receivable(debtor, 500_00, due_on=date(2025, 1, 31), raised_on=date(2025, 1, 1))
    aging.aging(park.finance, date(2025, 4, 30), "kind")
    before = marks()
    data = payments.PaymentData(
        debtor.site_id, month_sums.business_day(), 100_00, PaymentMethod.CASH, "T1"
    )
    payments.record_payment(debtor, data, park.finance)
    assert marks() == before


def test_a_month_end_computed_while_a_write_drops_it_is_not_stored(
    park, make_debtor, make_receivable, monkeypatch
):
    debtor = make_debtor()
    owed = make_receivable(debtor, 500_00, due_on=date(2025, 1, 31), raised_on=date(2025, 1, 1))
    computed = month_sums.compute

    def compute_while_paid(site_ids, month_end):
        rows = computed(site_ids, month_end)  # the state before the payment
        data = payments.PaymentData(
            debtor.site_id,
            date(2025, 2, 1),
            100_00,
            PaymentMethod.CASH,
            "W1",
            receivable_ids=[owed.id],
        )
        payments.record_payment(debtor, data, park.finance)
        monkeypatch.setattr(month_sums, "compute", computed)
        return rows

    monkeypatch.setattr(month_sums, "compute", compute_while_paid)
    grid = aging.aging(park.finance, date(2025, 4, 30), "kind")

    assert grid.total == 400_00  # computed exactly, after the payment
    assert marks() == []
    assert db.session.scalar(select(func.count()).select_from(MonthSum)) == 0
    assert aging.aging(park.finance, date(2025, 4, 30), "kind").total == 400_00
    assert len(marks()) == 2  # stored by the next reader


def test_the_nightly_job_fills_the_last_month_ends_and_clears_dropped_rows(
    park, make_debtor, make_receivable
):
    debtor = make_debtor()
    make_receivable(debtor, 500_00, due_on=date(2025, 1, 31), raised_on=date(2025, 1, 1))
    aging.aging(park.finance, date(2025, 4, 30), "debtor", page=1)
    make_receivable(debtor, 70_00, due_on=date(2025, 3, 31), raised_on=date(2025, 3, 1))

    outcome = month_sums.fill()

    # the dropped month-end's rows: by kind, by debtor, by due day
    assert outcome == {"filled": 2 * month_sums.KEPT_MONTHS, "rows_dropped": 3}
    latest = month_sums.month_end_before(month_sums.business_day())
    assert (park.psy.id, latest) in marks() and len(marks()) == 2 * month_sums.KEPT_MONTHS + 1
    assert (park.zylz.id, date(2025, 4, 30)) in marks()  # the other site's: kept
    assert (park.psy.id, date(2025, 4, 30)) not in marks()  # dropped; not one of the last
    assert month_sums.fill() == {"filled": 0, "rows_dropped": 0}
    live = select(MonthEnd.id)
    for model in (MonthSum, MonthDebtorSum, MonthDaySum):
        assert not db.session.scalar(select(func.count()).where(model.month_id.not_in(live)))


@pytest.mark.parametrize("by", ["kind", "debtor", "site", "handler"])
def test_a_month_end_page_runs_as_many_statements_at_any_volume(
    client, login, park, make_debtor, make_receivable, count_queries, by
):
    login(park.finance)
    url = f"/receivables/aging?as_of=2025-04-30&by={by}"

    def queries(debtors: int) -> int:
        for i in range(debtors):
            debtor = make_debtor(f"商户{by}{i}")
            for month in (1, 6):
                make_receivable(debtor, 10_00 + i, due_on=date(2024, month, i % 28 + 1))
        assert client.get(url).status_code == 200  # computes and stores the month-end
        with count_queries() as q:
            page = client.get(url).get_data(as_text=True)
        assert "stored month-end figures" in page
        return q.count

    assert queries(2) == queries(PER_PAGE + 10)


@pytest.mark.parametrize("by", ["kind", "debtor", "site", "handler"])
def test_a_past_days_page_runs_as_many_statements_at_any_volume(
    client, login, park, make_debtor, make_receivable, count_queries, by
):
    login(park.finance)
    url = f"/receivables/aging?as_of=2025-05-15&by={by}"

    def queries(debtors: int) -> int:
        for i in range(debtors):
            debtor = make_debtor(f"商户{by}{i}")
            for month in (1, 6):
                owed = make_receivable(debtor, 10_00 + i, due_on=date(2024, month, i % 28 + 1))
                data = payments.PaymentData(
                    debtor.site_id,
                    date(2025, 5, i % 20 + 1),
                    1_00,
                    PaymentMethod.CASH,
                    f"P{by}{debtors}-{i}-{month}",
                    receivable_ids=[owed.id],
                )
                payments.record_payment(debtor, data, park.finance)
        assert client.get(url).status_code == 200  # stores the month-end before
        with count_queries() as q:
            assert client.get(url).status_code == 200
        return q.count

    assert queries(2) == queries(PER_PAGE + 10)


def test_a_past_day_starts_from_the_month_end_before_it(park, make_debtor, make_receivable):
    debtor = make_debtor()
    owed = make_receivable(debtor, 500_00, due_on=date(2025, 1, 31), raised_on=date(2025, 1, 1))
    for day in (date(2025, 3, 3), date(2025, 3, 20)):
        data = payments.PaymentData(
            debtor.site_id, day, 100_00, PaymentMethod.CASH, f"D{day}", receivable_ids=[owed.id]
        )
        payments.record_payment(debtor, data, park.finance)

    assert aging.aging(park.finance, date(2025, 3, 10), "kind").total == 400_00
    assert (park.psy.id, date(2025, 2, 28)) in marks()  # stored, and read from then on
    assert indicators.over_one_year(None, date(2026, 3, 10)) == (300_00, 1)
    assert (park.psy.id, date(2026, 2, 28)) in marks()


def test_the_page_offers_month_ends(client, login, park):
    login(park.finance)
    page = client.get("/receivables/aging?as_of=2025-05-07&by=kind").get_data(as_text=True)
    latest = month_sums.month_end_before(month_sums.business_day())
    assert f"as_of={latest.isoformat()}" in page
    assert "as_of=2025-04-30" in page  # the month-end before the day asked for


@pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"), reason="PostgreSQL's row lock"
)
def test_a_write_while_a_reader_stores_waits_and_drops_what_it_stored(
    app, park, make_debtor, make_receivable, monkeypatch
):
    debtor = make_debtor()
    owed = make_receivable(debtor, 500_00, due_on=date(2025, 1, 31), raised_on=date(2025, 1, 1))
    ids = (debtor.id, owed.id, debtor.site_id, park.finance.id)
    locked, paid = threading.Event(), threading.Event()
    store = month_sums._store

    def slow_store(*args):
        locked.set()  # the reader holds the stamps' rows: the writer's drop waits for it
        paid.wait(1.0)  # a writer not held back would have paid (and dropped) by now
        return store(*args)

    def read():
        with app.app_context():
            aging.aging(db.session.get(User, ids[3]), date(2025, 4, 30), "kind")

    def write():
        locked.wait(10)
        with app.app_context():
            data = payments.PaymentData(
                ids[2], date(2025, 2, 1), 100_00, PaymentMethod.CASH, "L1", receivable_ids=[ids[1]]
            )
            payments.record_payment(
                db.session.get(Debtor, ids[0]), data, db.session.get(User, ids[3])
            )
            paid.set()

    monkeypatch.setattr(month_sums, "_store", slow_store)
    threads = [threading.Thread(target=read), threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    monkeypatch.undo()

    assert paid.is_set()
    assert (ids[2], date(2025, 4, 30)) not in marks()  # stored, then dropped by the payment
    assert aging.aging(park.finance, date(2025, 4, 30), "kind").total == 400_00
