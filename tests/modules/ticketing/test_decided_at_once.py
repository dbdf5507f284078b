"""Two people deciding one ticketing record at the same moment (tests/races.py): a void,
a correction of a signed day, a second count, a day's sign-off, a seller's blind count
sent from two tabs. One decision is applied, the other refused with who and when (409
on the page), nothing of it saved; never both, never a 500."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from modules.ticketing import corrections, shifts
from modules.ticketing.days import signoff
from modules.ticketing.days.record import day_record
from modules.ticketing.models import (
    Correction,
    CorrectionStatus,
    GateCount,
    Payment,
    SerialVoid,
    Shift,
    ShiftStatus,
    TicketDay,
    VoidStatus,
)
from modules.ticketing.stock import voids
from parkops.audit import AuditEntry
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.races import at_once, get, one_applied

from .test_four_eyes import ZERO, _signed_day

pytestmark = pytest.mark.usefixtures("english")


def entries(prefix: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action.startswith(prefix))
    )


def test_approving_and_rejecting_one_void_at_once(app, monkeypatch, world, void_asked):
    void_id = db.session.scalar(select(SerialVoid.id))
    deciders = (world.auditor.id, world.leader.id)

    def decide(n):
        return lambda: voids.decide_void(get(SerialVoid, void_id), n == 0, get(User, deciders[n]))

    outcomes = at_once(app, monkeypatch, decide(0), decide(1))
    winner = one_applied(outcomes, "This void was already decided, by ")
    void = db.session.get(SerialVoid, void_id)
    assert void.status == (VoidStatus.APPROVED, VoidStatus.REJECTED)[winner]
    assert void.decided_by_id == deciders[winner]
    assert entries("ticketing.void_") == 2  # requested, and one decision


def test_approving_and_rejecting_one_correction_at_once(app, monkeypatch, world):
    day = _signed_day(world)
    change = corrections.GateCorrection(world.zoo, 999)
    correction_id = corrections.request_correction(day, change, "Recount.", world.auditor).id
    deciders = (world.leader.id, world.auditor2.id)

    def decide(n):
        return lambda: corrections.decide_correction(
            get(Correction, correction_id), n == 0, get(User, deciders[n])
        )

    outcomes = at_once(app, monkeypatch, decide(0), decide(1))
    winner = one_applied(outcomes, "This correction was already decided, by ")
    correction = db.session.get(Correction, correction_id)
    approved = winner == 0
    assert correction.status == (CorrectionStatus.REJECTED, CorrectionStatus.APPROVED)[approved]
    assert correction.decided_by_id == deciders[winner]
    in_effect = db.session.scalar(
        select(func.count()).select_from(GateCount).where(GateCount.correction_id == correction_id)
    )
    assert in_effect == (1 if approved else 0)
    assert entries("ticketing.correction_approved") + entries("ticketing.correction_rejected") == 1


def test_two_second_counts_of_one_shift_at_once(app, monkeypatch, world):
    shift = world.open()
    shifts.count_blind(shift, ZERO, world.seller)  # ¥500 short: a second count is due
    shifts.explain(shift, "The float was never put in the drawer.", world.seller)
    assert shift.status == ShiftStatus.SECOND_COUNT
    counters = (world.auditor.id, world.auditor2.id)
    counted = (ZERO | {Payment.CASH: 50_000}, ZERO | {Payment.CASH: 49_000})

    def count(n):
        return lambda: shifts.second_count(get(Shift, shift.id), counted[n], get(User, counters[n]))

    outcomes = at_once(app, monkeypatch, count(0), count(1))
    winner = one_applied(outcomes, "counted a second time already, by ")
    done = db.session.get(Shift, shift.id)
    assert (done.status, done.second_counter_id) == (ShiftStatus.CLOSED, counters[winner])
    cash = next(t for t in done.tallies if t.method == Payment.CASH)
    assert cash.second_counted_fen == counted[winner][Payment.CASH]
    assert entries("ticketing.shift_second_count") == 1


def test_two_auditors_signing_one_day_off_at_once(app, monkeypatch, world):
    day_id = day_record(world.site.id, business_day() - timedelta(days=1)).id
    auditors = (world.auditor.id, world.auditor2.id)

    def sign(n):
        return lambda: signoff.sign_off(get(TicketDay, day_id), set(), get(User, auditors[n]))

    outcomes = at_once(app, monkeypatch, sign(0), sign(1))
    winner = one_applied(outcomes, "This day was signed off already, by ")
    assert db.session.get(TicketDay, day_id).signed_by_id == auditors[winner]
    assert entries("ticketing.day_signed") == 1


def test_one_blind_count_sent_from_two_tabs_at_once(app, monkeypatch, world):
    shift_id = world.open().id
    counted = (ZERO | {Payment.CASH: 50_000}, ZERO | {Payment.CASH: 80_000})

    def count(n):
        return lambda: shifts.count_blind(
            get(Shift, shift_id), counted[n], get(User, world.seller.id)
        )

    outcomes = at_once(app, monkeypatch, count(0), count(1))
    winner = one_applied(outcomes, "This shift's blind count was already submitted at ")
    cash = next(t for t in db.session.get(Shift, shift_id).tallies if t.method == Payment.CASH)
    assert cash.counted_fen == counted[winner][Payment.CASH]
    assert entries("ticketing.shift_counted") == 1
