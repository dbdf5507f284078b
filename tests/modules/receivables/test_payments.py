"""Payments: allocation oldest first or to chosen receivables, partial payments,
receipts clearing an advance, refusals, the paid signal, reversals under four eyes."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from modules.receivables import ledger, payments
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import (
    Allocation,
    Payment,
    PaymentMethod,
    ReceivableKind,
    ReversalState,
)
from parkops import signals
from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.timeutil import business_day


def pay(park, debtor, amount_fen, user=None, ids=None, on=None, **fields):
    data = payments.PaymentData(
        site_id=fields.pop("site_id", debtor.site_id),
        paid_on=on or business_day(),
        amount_fen=amount_fen,
        method=fields.pop("method", PaymentMethod.BANK),
        receivable_ids=ids,
        **fields,
    )
    return payments.record_payment(debtor, data, user or park.finance)


def balances(*receivables):
    return [ledger.balance_of(r) for r in receivables]


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_payment_pays_the_oldest_first_and_the_next_in_part(park, make_debtor, make_receivable):
    debtor = make_debtor()
    newest = make_receivable(debtor, 300_00, due_on=date(2025, 6, 30))
    oldest = make_receivable(debtor, 100_00, due_on=date(2024, 12, 31))
    middle = make_receivable(debtor, 200_00, due_on=date(2025, 3, 31))

    payment = pay(park, debtor, 250_00)

    assert balances(oldest, middle, newest) == [0, 50_00, 300_00]
    assert [(a.receivable_id, a.amount_fen) for a in payment.allocations] == [
        (oldest.id, 100_00),
        (middle.id, 150_00),
    ]


def test_a_payment_goes_to_the_receivables_chosen(park, make_debtor, make_receivable):
    debtor = make_debtor()
    oldest = make_receivable(debtor, 100_00, due_on=date(2024, 12, 31))
    chosen = make_receivable(debtor, 200_00, due_on=date(2025, 3, 31))

    pay(park, debtor, 120_05, ids=[chosen.id])

    assert balances(oldest, chosen) == [100_00, 79_95]


def test_receipts_clear_an_advance_without_cash(park, make_debtor, make_receivable):
    staff = make_debtor("王五", kind="staff")
    advance = make_receivable(staff, 5000_00, kind=ReceivableKind.ADVANCE)

    pay(park, staff, 4800_00, method=PaymentMethod.RECEIPTS)
    pay(park, staff, 200_00, method=PaymentMethod.CASH)

    assert balances(advance) == [0]


@pytest.mark.parametrize(
    ("amount_fen", "message"),
    [
        (0, "more than zero"),
        (-100, "more than zero"),
        (10**10 + 1, "too large"),
        (300_01, "larger than the open balance (¥300.00)"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_stored(
    park, make_debtor, make_receivable, amount_fen, message
):
    debtor = make_debtor()
    make_receivable(debtor, 100_00)
    make_receivable(debtor, 200_00, due_on=date(2025, 4, 30))

    with pytest.raises(ReceivablesError, match=message.replace("(", r"\(").replace(")", r"\)")):
        pay(park, debtor, amount_fen)

    assert (count(Payment), count(Allocation)) == (0, 0)


def test_a_payment_beyond_the_chosen_receivables_is_refused(park, make_debtor, make_receivable):
    debtor = make_debtor()
    make_receivable(debtor, 100_00)
    chosen = make_receivable(debtor, 50_00, due_on=date(2025, 4, 30))

    with pytest.raises(ReceivablesError, match="larger than the open balance"):
        pay(park, debtor, 60_00, ids=[chosen.id])


def test_a_payment_dated_tomorrow_is_refused(park, make_debtor, make_receivable):
    debtor = make_debtor()
    make_receivable(debtor, 100_00)

    with pytest.raises(ReceivablesError, match="in the future"):
        pay(park, debtor, 10_00, on=business_day() + timedelta(days=1))

    assert count(Payment) == 0


def test_a_payment_before_2000_or_before_its_receivable_was_raised_is_refused(
    park, make_debtor, make_receivable
):
    debtor = make_debtor()
    rent = make_receivable(debtor, 100_00, raised_on=date(2026, 7, 5), due_on=date(2026, 7, 5))
    with pytest.raises(ReceivablesError, match="between 2000 and 2100"):
        pay(park, debtor, 10_00, on=date(1900, 1, 1))
    with pytest.raises(ReceivablesError, match=f"before receivable {rent.id} was raised"):
        pay(park, debtor, 10_00, on=date(2026, 7, 4), ids=[rent.id])
    assert count(Payment) == 0 and count(Allocation) == 0 and balances(rent) == [100_00]
    pay(park, debtor, 10_00, on=date(2026, 7, 5))
    assert balances(rent) == [90_00]


def test_a_receivable_raised_before_2000_is_refused(park, make_debtor, make_receivable):
    with pytest.raises(ReceivablesError, match="between 2000 and 2100"):
        make_receivable(make_debtor(), 10_00, raised_on=date(1999, 12, 31))


def test_a_receipt_number_is_used_once(park, make_debtor, make_receivable):
    debtor = make_debtor()
    make_receivable(debtor, 100_00)
    pay(park, debtor, 10_00, receipt_no="No.0012345")

    with pytest.raises(ReceivablesError, match="No.0012345 is recorded already"):
        pay(park, debtor, 10_00, receipt_no="No.0012345")


def test_receivable_paid_is_sent_once_when_paid_in_full(park, make_debtor, make_receivable):
    debtor = make_debtor(subject_kind="merchants.merchant", subject_id=12)
    rent = make_receivable(debtor, 100_00)
    heard = []

    def listen(sender, **payload):
        heard.append((sender, payload["receivable_id"], payload["subject_kind"]))
        heard.append((payload["subject_id"], payload["amount_fen"], payload["paid_on"]))

    signals.receivable_paid.connect(listen)
    try:
        pay(park, debtor, 40_00)
        assert heard == []
        pay(park, debtor, 60_00, on=date(2025, 5, 6))
    finally:
        signals.receivable_paid.disconnect(listen)

    assert heard == [
        ("receivables", rent.id, "merchants.merchant"),
        (12, 100_00, date(2025, 5, 6)),
    ]


def test_a_payment_at_another_site_is_refused_to_a_one_site_clerk(
    park, make_debtor, make_receivable
):
    debtor = make_debtor(site=park.zylz)
    make_receivable(debtor, 100_00)

    with pytest.raises(ReceivablesError, match="may not record payments here"):
        pay(park, debtor, 10_00, user=park.psy_finance)


def test_a_reversal_takes_a_second_person_and_restores_the_balances(
    park, make_debtor, make_receivable
):
    debtor = make_debtor()
    first = make_receivable(debtor, 100_00)
    second = make_receivable(debtor, 100_00, due_on=date(2025, 4, 30))
    payment = pay(park, debtor, 150_00)

    payments.propose_reversal(payment, "金额录错，应为 ¥105", park.finance)
    assert balances(first, second) == [0, 50_00]  # nothing changes until approved
    with pytest.raises(ReceivablesError, match="second person"):
        payments.decide_reversal(payment, True, park.finance)
    with pytest.raises(ReceivablesError, match="cannot be reversed now"):
        payments.propose_reversal(payment, "again", park.finance2)

    reversal = payments.decide_reversal(payment, True, park.finance2)

    assert reversal.state == ReversalState.APPROVED
    assert balances(first, second) == [100_00, 100_00]
    db.session.refresh(payment)
    assert payment.amount_fen == 150_00  # the payment itself is kept as recorded
    assert sorted(a.amount_fen for a in payment.allocations) == [-100_00, -50_00, 50_00, 100_00]
    with pytest.raises(ReceivablesError, match="cannot be reversed now"):
        payments.propose_reversal(payment, "once more", park.finance2)
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions[-2:] == ["receivables.reversal_proposed", "receivables.reversal_approved"]


def test_a_leader_may_approve_a_reversal_and_a_refused_one_changes_nothing(
    park, make_debtor, make_receivable
):
    debtor = make_debtor()
    rent = make_receivable(debtor, 100_00)
    payment = pay(park, debtor, 100_00)

    payments.propose_reversal(payment, "重复录入", park.finance)
    payments.decide_reversal(payment, False, park.finance2)
    assert balances(rent) == [0]

    payments.propose_reversal(payment, "重复录入", park.finance2)
    payments.decide_reversal(payment, True, park.leader)
    assert balances(rent) == [100_00]


def test_a_reversal_needs_a_reason(park, make_debtor, make_receivable):
    debtor = make_debtor()
    make_receivable(debtor, 100_00)
    payment = pay(park, debtor, 100_00)

    with pytest.raises(ReceivablesError, match="Say why"):
        payments.propose_reversal(payment, "  ", park.finance)


def test_a_stale_decision_on_a_reversal_says_who_decided_it_already(
    park, make_debtor, make_receivable, app, login
):
    debtor = make_debtor()
    rent = make_receivable(debtor, 100_00)
    payment = pay(park, debtor, 100_00)
    payments.propose_reversal(payment, "重复录入", park.finance)
    waiting = payments.latest_reversal(payment).id
    leader = app.test_client()
    login(park.leader, test_client=leader)
    assert 'name="reversal"' in leader.get(f"/receivables/payments/{payment.id}").get_data(
        as_text=True
    )
    payments.decide_reversal(payment, False, park.finance2)  # refused meanwhile
    url = f"/receivables/payments/{payment.id}/decide"
    late = leader.post(url, data={"decision": "approve", "reversal": waiting})
    assert late.status_code == 409
    html = late.get_data(as_text=True)
    assert "This reversal was decided already, by" in html
    assert park.finance2.display_name in html and "second person" not in html
    # Asked again meanwhile: the stale page's approval does not decide the new request.
    payments.propose_reversal(payment, "再次申请", park.finance)
    again = leader.post(url, data={"decision": "approve", "reversal": waiting})
    assert "decided already" in again.get_data(as_text=True)
    assert payments.latest_reversal(payment).state == ReversalState.PROPOSED
    assert balances(rent) == [0]
