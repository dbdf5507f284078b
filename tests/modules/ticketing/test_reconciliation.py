"""The day: tickets against gate counts against money, flags, sign-off, the lock and corrections."""

import pytest
from sqlalchemy import select

from modules.ticketing import corrections, shifts, stock
from modules.ticketing.days import findings, gate_and_deposit, listing, reconciliation, signoff
from modules.ticketing.days.record import day_record
from modules.ticketing.errors import TicketingError
from modules.ticketing.imports import import_sales
from modules.ticketing.models import (
    CorrectionStatus,
    DayStatus,
    EntrySource,
    FindingStatus,
    Payment,
    SaleStatus,
)
from parkops.deciding import AlreadyDecided
from parkops.extensions import db
from parkops.rectification.models import EvidenceLink, Problem
from parkops.timeutil import business_day

from .conftest import csv_bytes, sale, settle

pytestmark = pytest.mark.usefixtures("english")  # the texts checked are the English ones

FLOAT = 50_000
ZERO = dict.fromkeys(Payment, 0)


def a_day(world, *, cash_short=0):
    """One closed shift: 50 gate tickets from a range (cash), 2 combined (WeChat), a card
    (Alipay), a free child entry. Gate tickets admit 52 at the gate, 3 at the zoo."""
    shift = world.open()
    issue = world.take(shift, world.gate_ticket, 1000, 1099)
    rows = [
        sale(world, world.combo, quantity=2, payment="wechat"),
        sale(world, world.card, payment="alipay"),
        sale(world, world.child),
    ]
    assert import_sales("day.csv", csv_bytes(rows), world.seller).ok
    world.give_back(issue, 1050)
    cash = FLOAT + 50 * 4000 - cash_short
    shifts.count_blind(
        shift,
        {**ZERO, Payment.CASH: cash, Payment.WECHAT: 16000, Payment.ALIPAY: 10000},
        world.seller,
    )
    settle(world, world.window, wechat_fen=16000, alipay_fen=10000)
    return day_record(world.site.id, business_day()), shift


def test_tickets_admitting_per_venue_and_money_per_method(world):
    day, _shift = a_day(world)
    f = reconciliation.day_figures(day)
    assert {v.venue.code: v.sold for v in f.venues} == {"GATE": 52, "ZOO": 3}
    methods = {m.method: (m.expected, m.counted) for m in f.methods}
    assert methods[Payment.CASH] == (FLOAT + 200_000, FLOAT + 200_000)
    assert methods[Payment.WECHAT] == (16000, 16000)
    assert f.cash_to_deposit == 200_000


def test_what_blocks_a_sign_off(world):
    shift = world.open()
    day = day_record(world.site.id, business_day())
    with pytest.raises(TicketingError, match="not closed"):
        signoff.sign_off(day, set(), world.auditor)
    assert import_sales("d.csv", csv_bytes([sale(world, world.combo)]), world.seller).ok
    shifts.count_blind(shift, {**ZERO, Payment.CASH: FLOAT + 8000}, world.seller)
    with pytest.raises(TicketingError, match="No gate count for Main gate"):
        signoff.sign_off(day, set(), world.auditor)
    gate_and_deposit.record_gate_count(day, world.gate, 1, world.auditor)
    gate_and_deposit.record_gate_count(day, world.zoo, 1, world.auditor)
    with pytest.raises(TicketingError, match="No bank deposit"):
        signoff.sign_off(day, set(), world.auditor)
    gate_and_deposit.record_deposit(day, 8000, "SLIP-1", world.manager)
    signoff.sign_off(day, set(), world.auditor)
    assert day.status == DayStatus.SIGNED


def test_every_flag_is_reviewed_before_sign_off_and_the_day_is_locked(world, ledger):
    day, _shift = a_day(world)
    gate_and_deposit.record_gate_count(day, world.gate, 52, world.auditor)
    gate_and_deposit.record_gate_count(day, world.zoo, 7, world.auditor)  # 4 without a ticket
    gate_and_deposit.record_deposit(day, 199_000, "SLIP-9", world.manager)  # ¥10 short
    flags = reconciliation.day_figures(day).flags
    keys = {f.key for f in flags}
    assert keys == {f"gate:{world.zoo.id}:7:3", "deposit:199000:200000"}
    with pytest.raises(TicketingError, match="1 not ticked"):
        signoff.sign_off(day, {f"gate:{world.zoo.id}:7:3"}, world.auditor)
    signoff.sign_off(day, keys, world.auditor)
    assert day.signed and day.signed_by_id == world.auditor.id
    assert day.signed_figures["deposit"] == {"amount": 199_000, "slip": "SLIP-9"}
    assert {f["key"] for f in day.signed_figures["flags"]} == keys
    codes = db.session.scalars(
        select(Problem.code)
        .join(EvidenceLink, EvidenceLink.problem_id == Problem.id)
        .where(EvidenceLink.kind == "ticketing.day", EvidenceLink.record_id == day.id)
    )
    assert sorted(codes) == ["12", "35"]
    with pytest.raises(TicketingError, match="locked"):
        gate_and_deposit.record_gate_count(day, world.zoo, 3, world.auditor)
    with pytest.raises(TicketingError, match="locked"):
        gate_and_deposit.record_deposit(day, 200_000, "SLIP-10", world.manager)
    with pytest.raises(AlreadyDecided, match="signed off already, by "):
        signoff.sign_off(day, keys, world.auditor2)


def test_a_changed_figure_must_be_reviewed_again(world):
    day, _shift = a_day(world)
    gate_and_deposit.record_gate_count(day, world.gate, 52, world.auditor)
    gate_and_deposit.record_gate_count(day, world.zoo, 7, world.auditor)
    gate_and_deposit.record_deposit(day, 200_000, "SLIP", world.manager)
    reviewed = {f.key for f in reconciliation.day_figures(day).flags}
    gate_and_deposit.record_gate_count(day, world.zoo, 9, world.auditor)  # a newer count
    with pytest.raises(TicketingError, match="not ticked"):
        signoff.sign_off(day, reviewed, world.auditor)


def test_nobody_signs_off_a_day_she_sold_on(world, make_user):
    both = make_user("both1", ["cashier", "auditor"], sites=[world.site])
    world.office.sellers.append(both)
    shift = shifts.open_shift(both, world.window2, 0)
    shifts.count_blind(shift, ZERO, both)
    day = day_record(world.site.id, business_day())
    with pytest.raises(TicketingError, match="another auditor"):
        signoff.sign_off(day, set(), both)
    signoff.sign_off(day, set(), world.auditor)


def test_serial_flags_missing_and_outside_the_range_and_price(world):
    shift = world.open()
    issue = world.take(shift, world.zoo_ticket, 5000, 5009)
    rows = [sale(world, world.zoo_ticket, serial=s) for s in (5000, 5001, 5003, 5004)]
    rows.append(sale(world, world.zoo_ticket, serial=5900))  # never issued to her
    rows.append(sale(world, world.combo, amount="70"))  # ¥10 below the list price
    assert import_sales("z.csv", csv_bytes(rows), world.seller).ok
    stock.return_range(issue, 5006, world.seller)  # 5002 and 5005 unaccounted for
    shifts.count_blind(shift, {**ZERO, Payment.CASH: FLOAT + 5 * 6000 + 7000}, world.seller)
    day = day_record(world.site.id, business_day())
    texts = {f.key.split(":")[0]: f.text for f in reconciliation.day_figures(day).flags}
    assert "5002, 5005" in texts["missing"]
    assert "5900" in texts["outside"]
    assert "-¥10.00" in texts["price"]


def test_difference_and_second_count_flags(world):
    shift = world.open()
    shifts.count_blind(shift, {**ZERO, Payment.CASH: FLOAT - 20_000}, world.seller)
    shifts.explain(shift, "A note fell behind the drawer.", world.seller)
    shifts.second_count(shift, {**ZERO, Payment.CASH: FLOAT - 19_000}, world.auditor)
    day = day_record(world.site.id, business_day())
    keys = {f.key.split(":")[0] for f in reconciliation.day_figures(day).flags}
    assert {"shift-diff", "second-count"} <= keys


def test_findings_about_others_and_resolved_by_others(world, ledger):
    day, shift = a_day(world)
    with pytest.raises(TicketingError, match="sentence"):
        findings.add_finding(day, "bad", world.auditor)
    with pytest.raises(TicketingError, match="her own shift"):
        findings.add_finding(day, "I was short myself.", world.seller, shift=shift)
    finding = findings.add_finding(
        day, "Short ¥10, to be repaid.", world.auditor, amount_fen=-1000, shift=shift
    )
    assert finding.seller_id == world.seller.id
    with pytest.raises(TicketingError, match="her own shift"):
        findings.resolve_finding(finding, "I repaid it.", world.seller)
    findings.resolve_finding(finding, "Repaid, receipt filed.", world.leader)
    assert finding.status == FindingStatus.RESOLVED
    with pytest.raises(AlreadyDecided, match="resolved already, by "):
        findings.resolve_finding(finding, "Again and again.", world.leader)
    kinds = set(db.session.scalars(select(EvidenceLink.kind)))
    assert {"ticketing.finding", "ticketing.shift"} <= kinds


def _signed_day(world):
    day, _shift = a_day(world)
    gate_and_deposit.record_gate_count(day, world.gate, 52, world.auditor)
    gate_and_deposit.record_gate_count(day, world.zoo, 3, world.auditor)
    gate_and_deposit.record_deposit(day, 200_000, "SLIP", world.manager)
    signoff.sign_off(day, set(), world.auditor)
    return day


def test_a_correction_is_a_new_entry_approved_by_a_second_person(world):
    day = _signed_day(world)
    signed = dict(day.signed_figures)
    c = corrections.request_correction(
        day,
        corrections.GateCorrection(world.zoo, 5),
        "Turnstile missed two children.",
        world.auditor,
    )
    with pytest.raises(TicketingError, match="second person"):
        corrections.decide_correction(c, True, world.auditor)
    corrections.decide_correction(c, True, world.leader)
    assert c.status == CorrectionStatus.APPROVED
    history = reconciliation.gate_history(day)
    assert [(g.entries, g.source) for g in history if g.venue_id == world.zoo.id] == [
        (5, EntrySource.CORRECTION),
        (3, EntrySource.ENTERED),  # the original stays visible
    ]
    assert (
        reconciliation.latest_gate_counts(world.site.id, day.business_day)[world.zoo.id].entries
        == 5
    )
    assert day.signed_figures == signed  # the figures as signed do not move
    with pytest.raises(AlreadyDecided, match=f"already decided, by {world.leader.display_name}"):
        corrections.decide_correction(c, False, world.leader)


def test_a_sale_adjustment_changes_the_days_money_not_the_shift(world):
    day = _signed_day(world)
    c = corrections.request_correction(
        day,
        corrections.SaleAdjustment(
            office=world.office,
            product=world.combo,
            payment=Payment.CASH,
            status=SaleStatus.SOLD,
            quantity=1,
            amount_fen=8000,
            seller=world.seller,
        ),
        "A combined ticket sold by hand when the till was down.",
        world.auditor,
    )
    with pytest.raises(TicketingError, match="second person"):
        corrections.decide_correction(c, True, world.seller)  # the seller it is about
    corrections.decide_correction(c, True, world.leader)
    cash = next(m for m in reconciliation.day_figures(day).methods if m.method == Payment.CASH)
    assert cash.expected - cash.counted == 8000  # now the day shows the cash missing
    assert reconciliation.sold_per_venue(world.site.id, day.business_day)[world.gate.id] == 53


def test_corrections_refuse_bad_requests(world):
    day, _shift = a_day(world)
    with pytest.raises(TicketingError, match="enter the gate count or deposit again"):
        corrections.request_correction(
            day, corrections.GateCorrection(world.zoo, 5), "Missed two children.", world.auditor
        )
    day = _signed_day_after(world, day)
    with pytest.raises(TicketingError, match="reason"):
        corrections.request_correction(
            day, corrections.GateCorrection(world.zoo, 5), "no", world.auditor
        )
    with pytest.raises(TicketingError, match="negative"):
        corrections.request_correction(
            day, corrections.DepositCorrection(-1, "S"), "Typo in the amount.", world.auditor
        )
    with pytest.raises(TicketingError, match="slip"):
        corrections.request_correction(
            day, corrections.DepositCorrection(100, " "), "Typo in the amount.", world.auditor
        )
    with pytest.raises(TicketingError, match="sale or a refund"):
        corrections.request_correction(
            day,
            corrections.SaleAdjustment(
                world.office, world.combo, Payment.CASH, SaleStatus.VOID, 1, 0
            ),
            "Voided by hand.",
            world.auditor,
        )


def _signed_day_after(world, day):
    gate_and_deposit.record_gate_count(day, world.gate, 52, world.auditor)
    gate_and_deposit.record_gate_count(day, world.zoo, 3, world.auditor)
    gate_and_deposit.record_deposit(day, 200_000, "SLIP", world.manager)
    signoff.sign_off(day, set(), world.auditor)
    return day


def test_day_list_counts_shifts_and_open_findings(world):
    day, shift = a_day(world)
    world.open(world.seller2, world.window2)
    findings.add_finding(day, "Look at this again.", world.auditor, shift=shift)
    rows = listing.day_rows(None, business_day(), business_day(), None)
    assert [(r.shifts, r.closed, r.open_findings) for r in rows] == [(2, 1, 1)]
    assert listing.day_rows({world.other_site.id}, business_day(), business_day(), None) == []
