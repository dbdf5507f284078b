"""Renewals and exits held by arrears: a merchant owing rent already due can be
neither renewed nor refunded its deposit (the refusal names the arrears); an exit
closed ends the contract and drops the rent after its last day."""

from datetime import date

import pytest
from sqlalchemy import func, select

from modules.merchants import exits, exits_settlement, indicators
from modules.merchants.errors import MerchantsError
from modules.merchants.models import Contract, ContractState, Exit, ExitReason, Instalment
from modules.receivables import api, campaigns, payments
from modules.receivables.models import Debtor, PaymentMethod, Receivable
from parkops.extensions import db
from parkops.timeutil import business_day


@pytest.fixture
def owing(park, make_merchant, make_unit, make_contract):
    """A lease in force since 2025-01-01, ¥1,000 a month, none of it paid, ¥5,000
    deposit: (contract, arrears fen)."""
    contract = make_contract(
        make_merchant(), [make_unit()], "active", ends_on=date(2030, 12, 31), deposit_fen=5_000_00
    )
    return contract, exits.arrears_fen(contract)


def settle(app, park, contract, amount_fen, receivable_ids=None):
    """Pay ``amount_fen`` of the merchant's rent (oldest first, or ``receivable_ids``)."""
    debtor = db.session.scalar(select(Debtor).where(Debtor.subject_id == contract.merchant_id))
    data = payments.PaymentData(
        park.psy.id, business_day(), amount_fen, PaymentMethod.BANK, receivable_ids=receivable_ids
    )
    with app.test_request_context():
        payments.record_payment(debtor, data, park.finance)


def move_to_clean_up(app, park, contract) -> int:
    """Start a special clean-up of the site's arrears due before today and pay what
    fell due today (outside it); returns what was paid (fen)."""
    today = business_day()
    campaigns.start("退出商户欠费清理", contract.site_id, today, park.finance, today)
    loose = api.outside_clean_up_fen("merchants.merchant", contract.merchant_id, today)
    if loose:
        due_today = select(Receivable.id).where(Receivable.due_on == today)
        settle(app, park, contract, loose, list(db.session.scalars(due_today)))
    return loose


def test_a_renewal_is_refused_while_arrears_remain_and_drafted_once_settled(app, park, owing):
    contract, owed = owing
    assert owed >= 22 * 1_000_00  # every month since January 2025

    with pytest.raises(MerchantsError) as refused:
        exits.renew(contract, park.manager, "ZL-2031-001", date(2033, 12, 31))
    assert str(refused.value) == (
        f"濮上茶社 owes ¥{owed // 100:,}.00 in arrears: the renewal waits until they are settled."
    )
    assert db.session.scalar(select(func.count()).select_from(Contract)) == 1

    settle(app, park, contract, owed)
    renewal = exits.renew(contract, park.manager, "ZL-2031-001", date(2033, 12, 31))
    assert (renewal.state, renewal.starts_on, renewal.renews_id) == (
        ContractState.DRAFT,
        date(2031, 1, 1),
        contract.id,
    )


def test_the_deposit_is_not_refunded_while_arrears_remain(app, park, owing):
    contract, owed = owing
    with app.test_request_context():
        exit_ = exits.open_exit(
            contract, park.manager, ExitReason.NON_PAYMENT, business_day(), business_day(), ""
        )
    with pytest.raises(MerchantsError, match="A leader approves the exit before it is closed."):
        exits.close_exit(exit_, park.manager, True, True, 0, 0)
    exits_settlement.approve_exit(db.session.get(Exit, exit_.id), park.leader)
    exit_ = db.session.get(Exit, exit_.id)

    with pytest.raises(MerchantsError, match=r"owes ¥[\d,]+\.00 in arrears: the deposit's refund"):
        exits.close_exit(exit_, park.manager, True, True, 0, 5_000_00)
    assert db.session.get(Exit, exit_.id).closed_at is None

    with pytest.raises(MerchantsError, match="Read the utilities and take the unit back"):
        exits.close_exit(exit_, park.manager, True, False, 0, 0)

    with pytest.raises(MerchantsError, match="neither settled nor moved to a special clean-up"):
        exits.close_exit(exit_, park.manager, True, True, 800_00, 0)

    # Moved to the special clean-up (what fell due today, if anything, paid): kept
    # against the deposit, the exit closes, the arrears are on record.
    loose = move_to_clean_up(app, park, contract)
    exits.close_exit(db.session.get(Exit, exit_.id), park.manager, True, True, 800_00, 0)
    closed = db.session.get(Exit, exit_.id)
    assert (closed.arrears_fen, closed.buyback_fen) == (owed - loose, 800_00)
    with app.test_request_context():
        assert indicators.exits_unsettled(None) == ("1 exits with unsettled arrears", False)
        assert indicators.exits_unsettled(frozenset({park.zylz.id})) == (
            "0 exits with unsettled arrears",
            True,
        )
    assert db.session.get(Contract, contract.id).state == ContractState.TERMINATED
    later = select(func.count()).where(
        Instalment.contract_id == contract.id, Instalment.starts_on > business_day()
    )
    assert db.session.scalar(later) == 0


def test_a_refund_is_taken_once_the_arrears_are_settled(app, park, owing):
    contract, owed = owing
    with app.test_request_context():
        exit_ = exits.open_exit(
            contract, park.manager, ExitReason.MUTUAL, business_day(), date(2030, 12, 31), ""
        )
    exits_settlement.approve_exit(exit_, park.leader)
    settle(app, park, contract, owed)
    with pytest.raises(MerchantsError, match="more than the deposit"):
        exits.close_exit(exit_, park.manager, True, True, 0, 5_000_01)
    exits.close_exit(db.session.get(Exit, exit_.id), park.manager, True, True, 0, 5_000_00)
    assert db.session.get(Contract, contract.id).state == ContractState.EXPIRED  # ran to term


def test_a_contract_past_its_end_stops_counting_once_renewed_or_exited(
    app, park, make_merchant, make_unit, make_contract
):
    ended = date(2025, 6, 30)
    first = make_contract(make_merchant(), [make_unit("P-1")], "active", ends_on=ended, number="A")
    second = make_contract(
        make_merchant("乙"), [make_unit("P-2")], "active", ends_on=ended, number="B"
    )
    with app.test_request_context():
        assert indicators.past_end_unresolved(None) == ("2 contracts past their end", False)
        settle(app, park, first, exits.arrears_fen(first))
        exits.renew(first, park.manager, "A2", date(2026, 6, 30))
        exits.open_exit(second, park.manager, ExitReason.TERM_END, ended, ended, "")
        assert indicators.past_end_unresolved(None) == ("0 contracts past their end", True)


def test_the_exit_form_refuses_a_last_day_outside_the_term(client, login, park, owing):
    contract, _owed = owing
    login(park.manager)
    refused = client.post(
        f"/merchants/contracts/{contract.id}/exit",
        data={"reason": "breach", "notice_on": "2025-03-01", "ends_on": "2031-01-31", "note": ""},
    )
    assert refused.status_code == 422
    assert "The last day must fall within the contract&#39;s term." in refused.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(Exit)) == 0
