"""The demo month: both sites' catalogue, a second seller, days in every state, and the
planted discrepancies an auditor is meant to find."""

from datetime import timedelta

from sqlalchemy import func, select

from modules.ticketing import audit_reports, reconciliation
from modules.ticketing.models import (
    Correction,
    CorrectionStatus,
    DayStatus,
    Finding,
    FindingStatus,
    Office,
    Product,
    Shift,
    ShiftStatus,
    TicketDay,
)
from parkops import demo
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import business_day


def test_demo_month(ledger, in_request):
    assert demo.load()
    sites = {o.site.code for o in db.session.scalars(select(Office))}
    assert sites == {"PSY", "ZYLZ"}
    assert db.session.scalar(select(func.count()).select_from(Product)) >= 10
    cashier2 = db.session.scalar(select(User).where(User.username == "cashier2"))
    assert cashier2.check_password(demo.PASSWORD) and "cashier" in cashier2.roles
    assert {s.code for s in cashier2.sites} == {"PSY", "ZYLZ"}

    days = db.session.scalars(select(TicketDay).order_by(TicketDay.business_day)).all()
    statuses = {d.status for d in days}
    assert statuses == {DayStatus.SIGNED, DayStatus.OPEN}
    assert any(d.escalated_at for d in days)
    assert {f.status for f in db.session.scalars(select(Finding))} == {
        FindingStatus.OPEN,
        FindingStatus.RESOLVED,
    }
    assert {c.status for c in db.session.scalars(select(Correction))} == {
        CorrectionStatus.APPROVED,
        CorrectionStatus.PENDING,
    }

    today = business_day()
    open_shifts = db.session.scalars(select(Shift).where(Shift.status != ShiftStatus.CLOSED)).all()
    assert [(s.seller.username, s.office.code, s.business_day) for s in open_shifts] == [
        ("cashier2", "PSY-E", today)
    ]

    planted = set()
    for day in days:
        if not day.signed and day.business_day < today:
            planted |= {f.key.split(":")[0] for f in reconciliation.day_figures(day).flags}
    assert {
        "missing",
        "outside",
        "price",
        "gate",
        "deposit",
        "shift-diff",
        "second-count",
    } <= planted

    report = audit_reports.seller_report(None, today - timedelta(days=30), today)
    stands_out = {r.seller.username: r.stand_out for r in report.rows}
    assert {"free_share", "gap_share"} <= stands_out["cashier2"]
    assert not stands_out["cashier"]

    assert demo.load() is False  # a second run finds the demo loaded and changes nothing
