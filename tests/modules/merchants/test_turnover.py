"""The turnover top-up of a turnover lease: the share of a period's turnover above
its minimum rent is raised once in receivables; refused with nothing stored: a
negative turnover, a day that starts no period of the contract, the same period
twice; only the manager records it."""

from datetime import date

import pytest
from sqlalchemy import func, select

from modules.merchants import turnover
from modules.merchants.errors import MerchantsError
from modules.merchants.models import Cycle, RentForm
from modules.merchants.turnover import TurnoverReport
from modules.receivables.models import Receivable
from parkops.extensions import db


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def lease(park, make_merchant, make_unit, make_contract):
    """8% of turnover with a minimum of ¥2,000 a month (+ ¥100 service), from 2025-01-01."""
    return make_contract(
        make_merchant(),
        [make_unit()],
        "active",
        rent_form=RentForm.TURNOVER,
        turnover_share_bp=800,
        cycle=Cycle.MONTHLY,
        rent_fen=2_000_00,
        service_fen=100_00,
        ends_on=date(2026, 6, 15),
    )


def post(client, contract, period, amount):
    return client.post(
        f"/merchants/contracts/{contract.id}/turnover",
        data={"period": period, "turnover": amount},
    )


def test_the_share_above_the_minimum_is_raised_once_as_rent(client, login, park, lease):
    login(park.manager)
    raised_before = count(Receivable)

    done = post(client, lease, "2025-03-01", "40,000.00")  # 8% = ¥3,200 > ¥2,000

    assert done.status_code == 303
    report = db.session.scalar(select(TurnoverReport))
    assert (report.minimum_fen, report.topup_fen) == (2_000_00, 1_200_00)
    topup = db.session.get(Receivable, report.receivable_id)
    assert (topup.amount_fen, topup.kind.value) == (1_200_00, "rent")
    assert count(Receivable) == raised_before + 1
    again = post(client, lease, "2025-03-01", "40,000.00")
    assert again.status_code == 422
    assert "The turnover of this period is recorded already." in again.get_data(as_text=True)
    assert count(Receivable) == raised_before + 1
    page = client.get(f"/merchants/contracts/{lease.id}").get_data(as_text=True)
    assert 'data-period="2025-03-01"' in page


def test_a_share_under_the_minimum_raises_nothing(app, park, lease):
    raised_before = count(Receivable)
    report = turnover.record(lease, date(2025, 4, 1), 10_000_00, park.manager, date(2025, 5, 2))
    assert (report.topup_fen, report.receivable_id) == (0, None)  # 8% = ¥800 < ¥2,000
    assert count(Receivable) == raised_before


def test_the_minimum_of_a_period_cut_short_is_pro_rata(app, park, lease):
    # 2026-06-01..15: 15 of 30 days; the instalment is (2,000 + 100) / 2, the minimum 1,000
    report = turnover.record(lease, date(2026, 6, 1), 50_000_00, park.manager, date(2026, 6, 20))
    assert (report.minimum_fen, report.topup_fen) == (1_000_00, 3_000_00)


@pytest.mark.parametrize(
    ("period", "amount", "message"),
    [
        ("2025-03-01", "-1", "The amount cannot be negative."),
        ("2025-03-02", "1,000", "No period of this contract starts on 2025-03-02."),
        ("2024-12-01", "1,000", "No period of this contract starts on 2024-12-01."),
        ("soon", "1,000", "Not a date."),
        ("9999-12-01", "1,000", "Enter a date between 2000 and 2100."),  # not a 400
    ],
)
def test_bad_turnover_input_is_refused_with_nothing_stored(
    client, login, park, lease, period, amount, message
):
    login(park.manager)
    client.post("/language/en")
    refused = post(client, lease, period, amount)
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    assert count(TurnoverReport) == 0


def test_the_service_refuses_a_negative_turnover_a_future_period_and_a_fixed_lease(
    app, park, lease, make_merchant, make_unit, make_contract
):
    with pytest.raises(MerchantsError, match="zero or more"):
        turnover.record(lease, date(2025, 3, 1), -1, park.manager, date(2025, 4, 1))
    with pytest.raises(MerchantsError, match="has not begun"):
        turnover.record(lease, date(2025, 5, 1), 1_00, park.manager, date(2025, 4, 1))
    fixed = make_contract(make_merchant("乙"), [make_unit("P-9")], "active", number="ZL-9")
    with pytest.raises(MerchantsError, match="Only a turnover lease"):
        turnover.record(fixed, date(2025, 1, 1), 1_00, park.manager, date(2025, 4, 1))
    assert count(TurnoverReport) == 0


def test_only_the_manager_records_turnover(client, login, park, lease):
    login(park.finance)
    assert post(client, lease, "2025-03-01", "1,000").status_code == 403
    assert count(TurnoverReport) == 0
