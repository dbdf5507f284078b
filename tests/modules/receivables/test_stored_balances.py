"""The stored balances (``Receivable.open_fen``) and the aging sums (``OpenSum``) equal
what the lines say after every write path: a receivable raised (form, public service,
import, bulk), a payment (oldest first or ticked), a reversal, a write-off."""

import random
from datetime import date, timedelta

from sqlalchemy import func, literal_column, select

from modules.receivables import (
    api,
    campaign_counts,
    campaigns,
    generate,
    indicators,
    payments,
    writeoffs,
)
from modules.receivables.buckets import years_before
from modules.receivables.models import (
    Allocation,
    Campaign,
    CampaignItem,
    OpenSum,
    PaymentMethod,
    Receivable,
    ReceivableKind,
    Verification,
)
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.modules.receivables.test_campaigns import scan
from tests.modules.receivables.test_imports import LIST, post, xlsx

TODAY = business_day()
TO_VERIFY, WRITE_OFF = Verification.TO_VERIFY, Verification.WRITE_OFF


def assert_stored_right() -> None:
    """Every receivable's ``open_fen`` is its amount less its allocations; every
    (site, kind, handler, due day) sum is its receivables' ``open_fen`` summed."""
    paid = (
        select(Allocation.receivable_id, func.sum(Allocation.amount_fen).label("fen"))
        .group_by(Allocation.receivable_id)
        .subquery()
    )
    wrong = db.session.execute(
        select(Receivable.id, Receivable.open_fen, Receivable.amount_fen, paid.c.fen)
        .outerjoin(paid, paid.c.receivable_id == Receivable.id)
        .where(Receivable.open_fen != Receivable.amount_fen - func.coalesce(paid.c.fen, 0))
    ).all()
    assert wrong == []
    # The same expression in SELECT and GROUP BY (PostgreSQL compares their text).
    handler = func.coalesce(Receivable.handler_id, literal_column("0"))
    keys = (Receivable.site_id, Receivable.kind, handler, Receivable.due_on)
    owing = func.count().filter(Receivable.open_fen > 0)
    owed = db.session.execute(
        select(*keys, func.sum(Receivable.open_fen), owing).group_by(*keys)
    ).all()
    stored = db.session.execute(
        select(
            OpenSum.site_id, OpenSum.kind, OpenSum.handler_id, OpenSum.due_on,
            OpenSum.open_fen, OpenSum.open_count,
        )
    ).all()  # fmt: skip
    assert {tuple(r[:4]): tuple(r[4:]) for r in stored if any(r[4:])} == {
        tuple(r[:4]): tuple(r[4:]) for r in owed if any(r[4:])
    }
    assert db.session.scalar(select(func.sum(Receivable.open_fen))) == db.session.scalar(
        select(func.sum(OpenSum.open_fen))
    )
    assert_over_one_year_right()
    assert_campaign_counts_right()


def assert_campaign_counts_right() -> None:
    """Every campaign's stored progress equals its recount from the items' receivables
    and the approved write-offs (the figures as read before they were stored)."""
    for campaign in db.session.scalars(select(Campaign)):
        rows = db.session.execute(
            select(CampaignItem.state, CampaignItem.start_fen, Receivable.open_fen)
            .add_columns(campaign_counts.written_fen())
            .join(Receivable, Receivable.id == CampaignItem.receivable_id)
            .where(CampaignItem.campaign_id == campaign.id)
        ).all()
        expected: dict = {}
        for state, start, balance, written in rows:
            figures = expected.setdefault(state, [0] * 6)
            for n, part in enumerate(campaign_counts.share(start, balance, written)):
                figures[n] += part
        progress = campaigns.progress(campaign)
        assert {
            line.state: (line.count, line.start_fen) for line in progress.lines if line.count
        } == {state: tuple(f[:2]) for state, f in expected.items()}
        assert (
            progress.collected, progress.collected_fen, progress.written_off,
            progress.written_off_fen,
        ) == tuple(sum(f[n] for f in expected.values()) for n in range(2, 6))  # fmt: skip


def assert_over_one_year_right() -> None:
    """The indicator of debts over a year past due, read from the stored figures, equals
    a recount from the lines on days before, between and after the allocations."""
    lines = db.session.execute(
        select(Allocation.receivable_id, Allocation.paid_on, Allocation.amount_fen)
    ).all()
    receivables = db.session.scalars(select(Receivable)).all()
    sites = {r.site_id for r in receivables}
    for as_of in (TODAY, TODAY - timedelta(days=2), TODAY - timedelta(days=400)):
        for site_ids in (None, frozenset(sorted(sites)[:1])):
            balances = [
                r.amount_fen - sum(f for rid, day, f in lines if rid == r.id and day <= as_of)
                for r in receivables
                if r.raised_on <= as_of
                and r.due_on < years_before(as_of, 1)
                and (site_ids is None or r.site_id in site_ids)
            ]
            expected = (sum(balances), sum(1 for b in balances if b > 0))
            assert indicators.over_one_year(site_ids, as_of) == expected


def test_payments_reversals_and_write_offs_keep_them_over_a_generated_ledger(
    park, make_debtor, make_receivable
):
    rng = random.Random(10)
    debtors = [make_debtor(f"商户{i}", site=[park.psy, park.zylz][i % 2]) for i in range(3)]
    handlers = [None, park.handler.id]
    for n in range(12):
        debtor = debtors[n % 3]
        due = TODAY - timedelta(days=rng.choice((-10, 5, 40, 400, 1500)))
        make_receivable(
            debtor,
            rng.randint(1, 900) * 100 + rng.randint(0, 99),
            due_on=due,
            raised_on=min(due, TODAY) - timedelta(days=30),
            kind=rng.choice([ReceivableKind.RENT, ReceivableKind.UTILITIES]),
            # The handler works at ``psy`` only: refused as handler elsewhere.
            handler_id=handlers[n % 2] if debtor.site_id == park.psy.id else None,
        )
    campaign = campaigns.start("专项清理", park.psy.id, TODAY, park.finance, TODAY)
    items = db.session.scalars(
        select(CampaignItem).where(CampaignItem.campaign_id == campaign.id)
    ).all()
    assert_stored_right()
    recorded = []
    for step in range(18):
        debtor = debtors[step % 3]
        open_ids = list(
            db.session.scalars(
                select(Receivable.id).where(
                    Receivable.debtor_id == debtor.id, Receivable.open_fen > 0
                )
            )
        )
        if not open_ids:
            continue
        ticked = rng.sample(open_ids, k=min(2, len(open_ids))) if step % 2 else None
        owed = db.session.scalar(
            select(func.sum(Receivable.open_fen)).where(Receivable.id.in_(ticked or open_ids))
        )
        fen = rng.randint(1, owed)
        data = payments.PaymentData(
            debtor.site_id, TODAY - timedelta(days=rng.randint(0, 3)), fen,
            PaymentMethod.BANK, f"R{step}", receivable_ids=ticked,
        )  # fmt: skip
        recorded.append(payments.record_payment(debtor, data, park.finance))
        assert_stored_right()
        if step % 5 == 4:  # a reversal asked for by one, approved by another
            payment = rng.choice(recorded)
            payments.propose_reversal(payment, "录入错误", park.finance)
            payments.decide_reversal(payment, True, park.finance2)
            recorded.remove(payment)
            assert_stored_right()
        if step % 6 == 5:  # a write-off of what is left of one, approved
            target = db.session.get(Receivable, rng.choice(open_ids))
            if target.open_fen > 0:
                item = next((i for i in items if i.receivable_id == target.id), None)
                proposal = writeoffs.propose(target, "债务人已注销", [scan()], park.finance, item)
                assert_stored_right()
                writeoffs.decide(proposal, True, park.leader)
                assert_stored_right()
        if step % 3 == 1 and items:  # a verification, changed again later
            item = rng.choice(items)
            if item.state != Verification.WRITE_OFF:
                state = rng.choice([v for v in Verification if v not in (TO_VERIFY, WRITE_OFF)])
                campaigns.verify(item, state, f"核实{step}", park.finance)
                assert_stored_right()
    assert db.session.scalar(select(func.count()).select_from(Allocation)) > 18


def test_the_public_service_an_import_and_the_bulk_generator_keep_them(
    client, login, park, make_debtor
):
    debtor = make_debtor()
    api.raise_receivable(
        debtor.id, park.psy.id, ReceivableKind.RENT, 500_00, date(2025, 1, 1),
        date(2025, 1, 31), reference="merchants.instalment:1", handler_id=park.handler.id,
    )  # fmt: skip
    db.session.commit()
    assert_stored_right()

    login(park.finance)
    assert post(client, "list.xlsx", xlsx(LIST), park.psy).status_code in (200, 303)
    assert db.session.scalar(select(func.count()).select_from(Receivable)) == 4
    assert_stored_right()

    rng = random.Random(3)
    owed = generate.receivables(rng, [(debtor.id, park.psy.id)], 40, TODAY, [None, park.handler.id])
    generate.payments(rng, owed, 120, TODAY, {rid: park.psy.id for rid, *_ in owed})
    campaign = campaigns.start("专项清理", park.psy.id, TODAY, park.finance, TODAY)
    generate.write_offs(campaign.id, 3, park.finance.id, park.leader.id, TODAY)
    db.session.commit()
    assert_stored_right()
