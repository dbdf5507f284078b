"""The escalation job, the ledger's evidence and indicators, and the module's commands."""

from datetime import date, timedelta

from sqlalchemy import func, select

from modules.ticketing import indicators, jobs, models, shifts
from modules.ticketing.days import findings, gate_and_deposit
from modules.ticketing.days.record import day_record
from modules.ticketing.imports import import_sales
from modules.ticketing.models import (
    DailySales,
    EntrySource,
    GateCount,
    Payment,
    SaleStatus,
    TicketDay,
)
from parkops.extensions import db
from parkops.notify import Notification
from parkops.registry import registry
from parkops.timeutil import business_day

from .conftest import csv_bytes, sale

ZERO = dict.fromkeys(Payment, 0)
FRIDAY = date(2024, 11, 22)


def notifications() -> int:
    return db.session.scalar(select(func.count()).select_from(Notification))


def test_next_working_day_skips_the_weekend():
    assert jobs.next_working_day(FRIDAY) == date(2024, 11, 25)
    assert jobs.next_working_day(date(2024, 11, 25)) == date(2024, 11, 26)
    assert jobs.next_working_day(date(2024, 11, 23)) == date(2024, 11, 25)


def test_days_not_signed_by_the_next_working_day_are_escalated_once(world):
    friday = day_record(world.site.id, FRIDAY)
    thursday = day_record(world.site.id, FRIDAY - timedelta(days=1))
    signed = day_record(world.site.id, FRIDAY - timedelta(days=2))
    signed.status = models.DayStatus.SIGNED
    db.session.commit()
    assert jobs.escalate_unsigned_days(today=date(2024, 11, 25)) == 1  # Monday: only Thursday
    assert thursday.escalated_at is not None and friday.escalated_at is None
    recipients = {n.user_id for n in db.session.scalars(select(Notification))}
    assert recipients == {world.auditor.id, world.auditor2.id, world.leader.id}
    before = notifications()
    assert jobs.escalate_unsigned_days(today=date(2024, 11, 25)) == 0  # a rerun sends nothing
    assert notifications() == before
    assert jobs.escalate_unsigned_days(today=date(2024, 11, 26)) == 1  # Tuesday: Friday too
    note = db.session.scalars(select(Notification).order_by(Notification.id.desc())).first()
    assert note.link == f"/ticketing/days/{friday.id}"


def test_the_job_is_declared_in_the_spec(app):
    names = [j.name for j in registry(app).jobs]
    assert jobs.ESCALATE_JOB in names


def test_indicators(world, ledger, english):  # the texts checked are the English ones
    assert indicators.unsigned_days()[1] is True
    assert indicators.unexplained_difference() == ("no closed shift yet", None)
    assert indicators.gate_match_share() == ("no gate counts yet", None)
    day_record(world.site.id, business_day() - timedelta(days=2))
    db.session.commit()
    text, ok = indicators.unsigned_days()
    assert (text, ok) == ("1 day", False)
    shift = world.open()
    assert import_sales(
        "a.csv", csv_bytes([sale(world, world.combo, quantity=10)]), world.seller
    ).ok
    shifts.count_blind(shift, {**ZERO, Payment.CASH: 50_000 + 80_000 - 300}, world.seller)
    assert indicators.unexplained_difference() == ("¥3.00", False)
    today = day_record(world.site.id, business_day())
    gate_and_deposit.record_gate_count(today, world.gate, 10, world.auditor)
    gate_and_deposit.record_gate_count(today, world.zoo, 12, world.auditor)  # 2 without a ticket
    assert indicators.gate_match_share() == ("90.9%", False)
    finding = findings.add_finding(today, "Short ¥3 again.", world.auditor, shift=shift)
    assert indicators.open_discrepancies() == ("1 open", False)
    assert indicators.unexplained_difference() == ("¥0.00", True)  # the finding covers it
    findings.resolve_finding(finding, "Repaid at once.", world.leader)
    assert indicators.open_discrepancies() == ("0 open", True)


def _summary(world, day, product, amount_fen, status=SaleStatus.SOLD):
    db.session.add(
        DailySales(
            site_id=world.site.id,
            business_day=day,
            office_id=world.office.id,
            seller_id=world.seller.id,
            product_id=product.id,
            payment=Payment.CASH,
            status=status,
            lines=1,
            quantity=1,
            amount_fen=amount_fen,
        )
    )
    db.session.commit()


def test_income_figures_for_problem_11(world, english):
    assert indicators.income_trend() == ("¥0.00; no sales a year earlier to compare", None)
    assert indicators.promotion_share() == ("no sales yet", None)
    today = business_day()
    _summary(world, today - timedelta(days=3), world.gate_ticket, 60_000)
    _summary(world, today - timedelta(days=3), world.combo, 30_000)
    _summary(world, today - timedelta(days=2), world.card, 20_000)
    _summary(world, today - timedelta(days=2), world.card, 10_000, SaleStatus.REFUND)
    _summary(world, today, world.card, 99_900)  # today is still being sold: not counted
    _summary(world, today - timedelta(days=31), world.combo, 99_900)  # before the 30 days
    assert indicators.income_trend() == ("¥1,000.00; no sales a year earlier to compare", None)
    assert indicators.promotion_share() == ("¥400.00, 40.0% of ticket income", True)
    _summary(world, today - timedelta(days=364 + 5), world.gate_ticket, 125_000)
    assert indicators.income_trend() == ("¥1,000.00, -20.0% on a year earlier", False)
    _summary(world, today - timedelta(days=364 + 40), world.gate_ticket, 1)  # outside: ignored
    _summary(world, today - timedelta(days=1), world.gate_ticket, 50_000)
    assert indicators.income_trend() == ("¥1,500.00, +20.0% on a year earlier", True)


def test_indicators_are_registered_for_the_problems(app):
    found = {i.name: i.problems for i in registry(app).indicators}
    assert found["ticketing.unsigned_days"] == ("35", "12")
    assert found["ticketing.income_trend"] == found["ticketing.promotions"] == ("11",)
    kinds = registry(app).evidence_kinds
    assert {k: v.default_problems for k, v in kinds.items() if k.startswith("ticketing")} == {
        "ticketing.shift": ("35", "12"),
        "ticketing.day": ("35", "12"),
        "ticketing.finding": ("35", "12"),
    }


def test_cli_imports_escalates_and_rebuilds(world, app, tmp_path):
    world.open()
    path = tmp_path / "sales.csv"
    path.write_bytes(csv_bytes([sale(world, world.combo, quantity=2)]))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["ticketing", "import-sales", str(path), "--user", "seller1"])
    assert "1 line(s) imported" in result.output, result.output
    again = runner.invoke(args=["ticketing", "import-sales", str(path), "--user", "seller1"])
    assert "Already imported" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([{**sale(world, world.combo), "quantity": "0"}]))
    refused = runner.invoke(args=["ticketing", "import-sales", str(bad), "--user", "seller1"])
    assert refused.exit_code != 0 and "line 2" in refused.output
    db.session.execute(DailySales.__table__.delete())
    db.session.commit()
    day = business_day().isoformat()
    rebuilt = runner.invoke(args=["ticketing", "rebuild-summary", "--start", day, "--end", day])
    assert rebuilt.exit_code == 0
    assert db.session.scalar(select(func.sum(DailySales.quantity))) == 2
    assert "escalated" in runner.invoke(args=["ticketing", "escalate"]).output


def test_gate_counts_keep_their_source(world):
    day = day_record(world.site.id, business_day())
    count = gate_and_deposit.record_gate_count(day, world.zoo, 3, world.auditor)
    assert count.source == EntrySource.ENTERED
    assert db.session.scalar(select(func.count()).select_from(GateCount)) == 1
    assert db.session.get(TicketDay, day.id).status == models.DayStatus.OPEN
