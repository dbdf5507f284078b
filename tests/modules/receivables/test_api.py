"""The public services another module calls (merchants raises rent through them)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from modules.receivables import api, payments
from modules.receivables.models import Debtor, PaymentMethod, Receivable
from parkops.extensions import db


def raise_rent(park, debtor_id, reference, amount_fen=3000_00, due_on=date(2025, 7, 1)):
    return api.raise_receivable(
        debtor_id,
        park.psy.id,
        api.ReceivableKind.RENT,
        amount_fen,
        date(2025, 6, 20),
        due_on,
        reference=reference,
        origin="租赁合同 ZL-2025-007",
    )


def test_a_merchant_is_one_debtor_and_each_instalment_is_raised_once(park):
    first = api.ensure_debtor("merchants.merchant", 7, "濮上园茶社", park.psy.id)
    again = api.ensure_debtor("merchants.merchant", 7, "another name", park.psy.id)

    one = raise_rent(park, first, "merchants.instalment:1")
    two = raise_rent(park, first, "merchants.instalment:1")
    db.session.commit()

    assert first == again
    assert one == two
    assert db.session.scalar(select(func.count()).select_from(Receivable)) == 1
    assert db.session.scalar(select(func.count()).select_from(Debtor)) == 1


def test_the_open_balance_and_arrears_of_a_merchant(park):
    debtor_id = api.ensure_debtor("merchants.merchant", 7, "濮上园茶社", park.psy.id)
    raise_rent(park, debtor_id, "i:1", 3000_00, due_on=date(2025, 7, 1))
    raise_rent(park, debtor_id, "i:2", 3000_00, due_on=date(2025, 8, 1))
    db.session.commit()
    debtor = db.session.get(Debtor, debtor_id)
    data = payments.PaymentData(park.psy.id, date(2025, 7, 5), 1000_00, PaymentMethod.BANK)
    payments.record_payment(debtor, data, park.finance)

    assert api.open_balance_fen("merchants.merchant", 7) == 5000_00
    assert api.open_balance_fen("merchants.merchant", 7, due_by=date(2025, 7, 31)) == 2000_00
    assert api.open_balance_fen("merchants.merchant", 8) == 0


@pytest.mark.parametrize(
    ("amount_fen", "due_on", "message"),
    [
        (-1, date(2025, 7, 1), "more than zero"),
        (10**10 + 1, date(2025, 7, 1), "too large"),
        (100, date(2025, 6, 1), "due date comes before"),
    ],
)
def test_bad_rent_is_refused(park, amount_fen, due_on, message):
    debtor_id = api.ensure_debtor("merchants.merchant", 7, "濮上园茶社", park.psy.id)

    with pytest.raises(api.ReceivablesError, match=message):
        raise_rent(park, debtor_id, "i:1", amount_fen, due_on)


def test_rent_raised_in_the_future_is_refused(park):
    debtor_id = api.ensure_debtor("merchants.merchant", 7, "濮上园茶社", park.psy.id)
    later = date.today() + timedelta(days=400)

    with pytest.raises(api.ReceivablesError, match="in the future"):
        api.raise_receivable(
            debtor_id, park.psy.id, api.ReceivableKind.RENT, 100, later, later, reference="x"
        )
