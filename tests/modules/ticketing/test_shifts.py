"""Opening a shift, and the blind count: expected money, differences, explanation, second count."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from modules.ticketing import reversals, shifts, stock
from modules.ticketing.days import signoff
from modules.ticketing.days.record import day_record
from modules.ticketing.errors import TicketingError
from modules.ticketing.imports import import_sales
from modules.ticketing.models import Payment, SalesLine, SaleSource, ShiftStatus
from modules.ticketing.tolerances import thresholds
from parkops import module_settings
from parkops.auth.models import Setting
from parkops.deciding import AlreadyDecided
from parkops.extensions import db
from parkops.timeutil import business_day

from .conftest import REVERSAL_COLUMNS, csv_bytes, sale

pytestmark = pytest.mark.usefixtures("english")  # the texts checked are the English ones

ZERO = dict.fromkeys(Payment, 0)
FLOAT = 50_000


def counted(**amounts) -> dict:
    return {**ZERO, **{Payment(k): v for k, v in amounts.items()}}


def test_a_seller_opens_one_shift_at_a_window_of_her_office(world):
    with pytest.raises(TicketingError, match="not a seller"):
        shifts.open_shift(world.outsider, world.window, 0)
    with pytest.raises(TicketingError, match="negative"):
        world.open(float_fen=-1)
    shift = world.open()
    assert shift.status == ShiftStatus.OPEN and shift.opening_float_fen == FLOAT
    with pytest.raises(TicketingError, match="not closed yet"):
        world.open(window=world.window2)
    world.window2.active = False
    with pytest.raises(TicketingError, match="closed"):
        world.open(world.seller2, world.window2)


def test_no_shift_opens_on_a_signed_day(world):
    day = day_record(world.site.id, business_day())
    signoff.sign_off(day, set(), world.auditor)
    with pytest.raises(TicketingError, match="signed off and locked"):
        world.open()


REFUND_OF_LINE_6 = {"reason": "rain", "reverses": "6"}


def _sell(world, shift, rows):
    data = csv_bytes(rows, REVERSAL_COLUMNS)
    result = import_sales(f"{shift.id}-{len(rows)}.csv", data, world.seller)
    assert result.ok, result.errors


def test_expected_money_float_range_sales_cards_refunds_and_voids(world):
    shift = world.open()
    issue = world.take(shift, world.gate_ticket, 1000, 1099)
    _sell(
        world,
        shift,
        [
            sale(world, world.combo, quantity=2, payment="wechat"),  # 160
            sale(world, world.card, payment="alipay"),  # a discount card sold: 100
            sale(world, world.card_entry, payment="cash"),  # entry with the card: 30
            sale(world, world.child, payment="cash"),  # free entry after an ID check
            sale(world, world.combo, payment="card"),  # 80 …
            # … given back, and one cancelled: no money, once someone else approves them
            {**sale(world, world.combo, payment="card", status="refund"), **REFUND_OF_LINE_6},
            {**sale(world, world.combo, payment="cash", status="void"), "reason": "left"},
        ],
    )
    for reversal in reversals.pending_reversals(None):
        reversals.decide_reversal(reversal, True, world.auditor)
    void = stock.request_void(shift, world.gate_ticket, 1009, "misprint", world.seller)
    stock.decide_void(void, True, world.auditor)
    stock.return_range(issue, 1010, world.seller)  # 10 used, one of them voided: 9 sold
    expected_cash = FLOAT + 30 * 100 + 9 * 4000
    shifts.count_blind(shift, counted(cash=expected_cash, wechat=16000, alipay=10000), world.seller)
    tallies = {t.method: t for t in shift.tallies}
    assert tallies[Payment.CASH].expected_fen == expected_cash
    assert tallies[Payment.WECHAT].expected_fen == 16000
    assert tallies[Payment.ALIPAY].expected_fen == 10000
    assert tallies[Payment.CARD].expected_fen == 0
    assert shifts.total_difference(shift) == 0
    assert shift.status == ShiftStatus.CLOSED
    line = db.session.scalar(select(SalesLine).where(SalesLine.source == SaleSource.RANGE))
    assert (line.quantity, line.amount_fen, line.payment) == (9, 36000, Payment.CASH)


def test_within_tolerance_the_shift_closes_at_once(world):
    shift = world.open()
    shifts.count_blind(shift, counted(cash=FLOAT - 900), world.seller)  # ¥9 short, tolerance ¥10
    assert shift.status == ShiftStatus.CLOSED
    assert [t.difference_fen for t in shift.tallies if t.method == Payment.CASH] == [-900]


def test_beyond_tolerance_the_seller_explains(world):
    shift = world.open()
    shifts.count_blind(shift, counted(cash=FLOAT - 5000), world.seller)
    assert shift.status == ShiftStatus.EXPLAINING
    with pytest.raises(TicketingError, match="Only the seller"):
        shifts.explain(shift, "a long enough reason", world.auditor)
    with pytest.raises(TicketingError, match="sentence"):
        shifts.explain(shift, "oops", world.seller)
    shifts.explain(shift, "Gave too much change to a group.", world.seller)
    assert shift.status == ShiftStatus.CLOSED  # ¥50 is below the ¥100 second-count threshold


def test_beyond_the_second_threshold_another_person_counts(world):
    shift = world.open()
    shifts.count_blind(shift, counted(cash=FLOAT - 15000, wechat=300), world.seller)
    shifts.explain(shift, "Counted twice, still short.", world.seller)
    assert shift.status == ShiftStatus.SECOND_COUNT
    with pytest.raises(TicketingError, match="someone other than the seller"):
        shifts.second_count(shift, counted(cash=FLOAT), world.seller)
    with pytest.raises(TicketingError, match="every amount"):
        shifts.second_count(shift, {Payment.CASH: FLOAT}, world.auditor)
    shifts.second_count(shift, counted(cash=FLOAT - 14000, wechat=300), world.auditor)
    assert shift.status == ShiftStatus.CLOSED
    cash = next(t for t in shift.tallies if t.method == Payment.CASH)
    assert (cash.counted_fen, cash.second_counted_fen, cash.difference_fen) == (
        FLOAT - 15000,
        FLOAT - 14000,
        -14000,  # the second count is final
    )
    assert shift.second_counter_id == world.auditor.id


def set_thresholds(tolerance: str, second_count: str, user) -> None:
    """As the auditor saves them on /settings/ticketing: typed in yuan."""
    values = {"tolerance_fen": tolerance, "second_count_fen": second_count}
    module_settings.save("ticketing", values, user)


def test_thresholds_are_configurable_and_kept_with_the_count(world):
    set_thresholds("0", "1.00", world.auditor)
    shift = world.open()
    shifts.count_blind(shift, counted(cash=FLOAT - 1), world.seller)
    assert shift.status == ShiftStatus.EXPLAINING
    assert (shift.tolerance_fen, shift.second_count_fen) == (0, 100)
    with pytest.raises(module_settings.SettingError, match="below the tolerance"):
        set_thresholds("5.00", "1.00", world.auditor)
    with pytest.raises(module_settings.SettingError) as refused:
        set_thresholds("-0.01", "1.00", world.auditor)
    assert str(refused.value.errors["tolerance_fen"]) == "The amount cannot be negative."
    assert thresholds() == (0, 100)


def test_thresholds_are_module_settings_declared_in_the_spec(world, app):
    declared = {
        d.setting.name: d.setting for d in module_settings.declared_in("ticketing", "database")
    }
    assert declared["tolerance_fen"].default == 1_000
    assert declared["second_count_fen"].default == 10_000
    assert module_settings.get("ticketing.tolerance_fen") == 1_000
    # The keys and the fen an installation already holds are read as they were.
    db.session.add(Setting(key="ticketing.second_count_fen", value="5000"))
    db.session.commit()
    assert module_settings.get("ticketing.second_count_fen") == 5_000
    set_thresholds("2.00", "60.00", world.auditor)
    assert db.session.get(Setting, "ticketing.second_count_fen").value == "6000"


def test_the_count_waits_for_returns_and_void_decisions(world):
    shift = world.open()
    issue = world.take(shift, world.gate_ticket, 1000, 1009)
    with pytest.raises(TicketingError, match="first unsold serial"):
        shifts.count_blind(shift, ZERO, world.seller)
    stock.request_void(shift, world.gate_ticket, 1002, "torn", world.seller)
    stock.return_range(issue, 1005, world.seller)
    with pytest.raises(TicketingError, match="approve or reject"):
        shifts.count_blind(shift, ZERO, world.seller)
    with pytest.raises(TicketingError, match="Only the seller"):
        shifts.count_blind(shift, ZERO, world.auditor)
    with pytest.raises(TicketingError, match="every amount"):
        shifts.count_blind(shift, {**ZERO, Payment.CASH: -1}, world.seller)
    assert shift.status == ShiftStatus.OPEN and shift.tallies == []


def test_a_shift_is_counted_once(world):
    shift = world.open()
    shifts.count_blind(shift, counted(cash=FLOAT), world.seller)
    with pytest.raises(AlreadyDecided, match=r"already submitted at .* \(cash ¥500.00\)"):
        shifts.count_blind(shift, counted(cash=FLOAT), world.seller)
    with pytest.raises(TicketingError, match="no longer open"):
        world.take(shift, world.gate_ticket, 1000, 1001)


def test_a_count_racing_the_first_is_refused_and_the_first_stands(world):
    """Two tabs posting together: the second read the shift while it was still open (here:
    its status as loaded before the first committed); it must not replace the first count."""
    shift = world.open()
    shifts.count_blind(shift, counted(cash=FLOAT), world.seller)
    set_committed_value(shift, "status", ShiftStatus.OPEN)  # what the second post read
    with pytest.raises(AlreadyDecided, match="was not recorded"):
        shifts.count_blind(shift, counted(cash=FLOAT + 3000), world.seller)
    db.session.expire_all()
    assert shift.status == ShiftStatus.CLOSED
    assert [t.counted_fen for t in shift.tallies if t.method == Payment.CASH] == [FLOAT]


def test_a_second_explanation_is_told_the_first_stands(world):
    shift = world.open()
    shifts.count_blind(shift, counted(cash=FLOAT - 5000), world.seller)  # ¥50 short
    shifts.explain(shift, "A ¥50 note was counterfeit; kept it.", world.seller)
    with pytest.raises(AlreadyDecided, match="explained already, by Seller One at "):
        shifts.explain(shift, "Gave ¥50 too much change.", world.seller)
    assert shift.explanation == "A ¥50 note was counterfeit; kept it."
