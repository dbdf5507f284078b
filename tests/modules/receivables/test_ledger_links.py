"""Links to the ledger: payments as evidence for 36 (and 12 when they pay rent), and
the indicators for 36 and 12, each over the reader's sites only."""

from datetime import UTC, datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import select

from modules.receivables import payments
from modules.receivables.models import PaymentMethod, ReceivableKind
from parkops.extensions import db
from parkops.rectification.models import EvidenceLink, Problem
from parkops.registry import registry
from parkops.timeutil import business_day


def pay(park, debtor, fen):
    data = payments.PaymentData(debtor.site_id, business_day(), fen, PaymentMethod.BANK)
    return payments.record_payment(debtor, data, park.finance)


def test_a_payment_is_evidence_for_36_and_a_rent_payment_for_12(
    ledger, park, make_debtor, make_receivable
):
    debtor = make_debtor()
    make_receivable(debtor, 100_00, kind=ReceivableKind.UTILITIES)
    rent = make_debtor("租户")
    make_receivable(rent, 100_00, kind=ReceivableKind.RENT)

    utilities_payment = pay(park, debtor, 50_00)
    rent_payment = pay(park, rent, 50_00)

    links = db.session.execute(
        select(EvidenceLink.kind, EvidenceLink.record_id, Problem.code, EvidenceLink.site_id).join(
            Problem, Problem.id == EvidenceLink.problem_id
        )
    ).all()
    assert sorted(links) == sorted(
        [
            ("receivables.payment", utilities_payment.id, "36", park.psy.id),
            ("receivables.payment", rent_payment.id, "36", park.psy.id),
            ("receivables.rent_payment", rent_payment.id, "12", park.psy.id),
        ]
    )


def test_each_indicator_counts_only_the_readers_sites(
    app, park, make_debtor, make_receivable, monkeypatch
):
    # A day in mid-year: on January 1st the year's start is today, whose payment below
    # the start figure would already count (the test failed on that day).
    monkeypatch.setattr("parkops.timeutil.utcnow", lambda: datetime(2026, 6, 15, 2, tzinfo=UTC))
    today = business_day()
    long_ago = today.replace(year=today.year - 2, day=1) - timedelta(days=40)
    this_month = today.replace(day=1)
    psy = make_debtor("濮上园茶社")
    zoo = make_debtor("动物园小卖部", site=park.zylz)
    make_receivable(psy, 1000_00, due_on=long_ago, raised_on=long_ago)
    make_receivable(zoo, 500_00, due_on=long_ago, raised_on=long_ago)
    make_receivable(psy, 300_00, due_on=this_month, raised_on=this_month, kind=ReceivableKind.RENT)
    make_receivable(zoo, 200_00, due_on=this_month, raised_on=this_month, kind=ReceivableKind.RENT)
    pay(park, psy, 1000_00 + 300_00)  # the old debt, then this month's rent
    mine = [i for i in registry(app).indicators if i.name.startswith("receivables.")]
    # The figure compared with: the year's start's eve (what is collected on 1 January counts).
    start = (today.replace(month=1, day=1) - timedelta(days=1)).isoformat()

    with app.test_request_context(), force_locale("en"):

        def figures(*sites):
            return [i.compute(frozenset(s.id for s in sites) if sites else None) for i in mine]

        assert figures(park.psy) == [
            (f"¥0.00 in 0 receivables (¥1,000.00 on {start})", True),
            ("no clean-up campaign yet", None),
            ("¥300.00 of ¥300.00 (100%)", True),
        ]
        assert figures(park.zylz) == [
            (f"¥500.00 in 1 receivables (¥500.00 on {start})", False),
            ("no clean-up campaign yet", None),
            ("¥0.00 of ¥200.00 (0%)", False),
        ]
        assert figures() == [
            (f"¥500.00 in 1 receivables (¥1,500.00 on {start})", True),
            ("no clean-up campaign yet", None),
            ("¥300.00 of ¥500.00 (60%)", False),
        ]
        assert figures(park.psy, park.zylz) == figures()
