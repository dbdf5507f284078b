"""Write-offs (核销): finance proposes with a reason and scans, a leader other than the
proposer approves; the approval closes the balance with a new entry (payments and
history stay) that aging, statements, open balances, the public service, chasing
and the clean-up's progress all count; every refusal stores nothing."""

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from modules.receivables import aging, api, campaigns, jobs, letters, levels, statements, writeoffs
from modules.receivables import ledger as receivables_ledger
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import (
    Allocation,
    CampaignItem,
    Payment,
    Receivable,
    Verification,
    WriteOff,
    WriteOffState,
)
from parkops.attachments import Attachment, AttachmentError
from parkops.audit import AuditEntry
from parkops.deciding import AlreadyDecided
from parkops.extensions import db
from parkops.rectification.models import EvidenceLink, Problem
from parkops.registry import registry
from parkops.timeutil import business_day
from tests.modules.receivables.test_campaigns import CUTOFF, pay, scan
from tests.modules.receivables.test_jobs import morning_of


@pytest.fixture
def debt(park, make_debtor, make_receivable):
    """A 2018 rent of ¥1,000.00 at 濮上园, ¥400.00 of it paid; a second leader."""
    debtor = make_debtor("濮阳市某某餐饮有限公司", subject_kind="merchants.merchant", subject_id=7)
    receivable = make_receivable(debtor, 1_000_00, due_on=date(2018, 6, 30))
    pay(park, debtor, 400_00, [receivable.id], "R-1")
    return receivable


@pytest.fixture
def leader2(make_user):
    return make_user("leader2", ["leader"], all_sites=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_approved_write_off_closes_the_balance_and_keeps_the_history(ledger, park, debt):
    today = business_day()  # not read at import: the suite may cross local midnight
    proposal = writeoffs.propose(debt, "债务人已注销，法院裁定终结执行", [scan()], park.finance)
    assert (proposal.state, proposal.proposed_fen) == (WriteOffState.PROPOSED, 600_00)
    assert receivables_ledger.balance_of(debt) == 600_00  # nothing changes before approval

    writeoffs.decide(proposal, True, park.leader)

    found = db.session.get(WriteOff, proposal.id)
    assert (found.state, found.amount_fen, found.written_off_on) == (
        WriteOffState.APPROVED,
        600_00,
        today,
    )
    assert found.decided_by_id == park.leader.id
    assert receivables_ledger.balance_of(debt) == 0
    # A new entry: the receivable and its payment are as they were.
    assert db.session.get(Receivable, debt.id).amount_fen == 1_000_00
    assert [(p.amount_fen, p.receipt_no) for p in db.session.scalars(select(Payment))] == [
        (400_00, "R-1")
    ]
    parts = db.session.execute(
        select(Allocation.amount_fen, Allocation.payment_id.is_(None), Allocation.write_off_id)
        .where(Allocation.receivable_id == debt.id)
        .order_by(Allocation.id)
    ).all()
    assert parts == [(400_00, False, None), (600_00, True, proposal.id)]
    # Amount and state audited; evidence for 36.
    events = db.session.execute(
        select(AuditEntry.action, AuditEntry.details)
        .where(AuditEntry.action.like("receivables.write_off%"))
        .order_by(AuditEntry.id)
    ).all()
    assert [(a, d["amount_fen"], d["write_off_id"]) for a, d in events] == [
        ("receivables.write_off_proposed", 600_00, proposal.id),
        ("receivables.write_off_approved", 600_00, proposal.id),
    ]
    links = db.session.execute(
        select(EvidenceLink.record_id, Problem.code, EvidenceLink.site_id)
        .join(Problem, Problem.id == EvidenceLink.problem_id)
        .where(EvidenceLink.kind == "receivables.write_off")
    ).all()
    assert links == [(proposal.id, "36", park.psy.id)]


def test_aging_open_balances_and_the_public_service_count_it(park, debt):
    today = business_day()
    writeoffs.decide(
        writeoffs.propose(debt, "破产清算完毕", [scan()], park.finance), True, park.leader
    )

    assert api.open_balance_fen("merchants.merchant", 7) == 0
    assert receivables_ledger.open_receivables(debt.debtor_id, debt.site_id) == []
    yesterday = aging.aging(park.finance, today - timedelta(days=1), "debtor")
    # Paid in part and written off today: yesterday all of it was owed.
    assert yesterday.total == 1_000_00
    assert aging.aging(park.finance, today, "debtor").total == 0


def test_the_statement_has_a_written_off_column(park, debt):
    today = business_day()
    writeoffs.decide(writeoffs.propose(debt, "死亡证明", [scan()], park.finance), True, park.leader)
    st = statements.statement(park.finance, debt.debtor, date(2025, 1, 1), today)
    assert (st.opening_fen, st.paid_fen, st.written_off_fen, st.closing_fen) == (
        1_000_00,
        400_00,
        600_00,
        0,
    )
    columns, rows = statements.columns_and_rows(st)
    assert columns[4].header == "Written off"
    assert rows[-1][2:] == [0, 400_00, 600_00, 0]
    assert [row[4] for row in rows[1:-1]] == [None, 600_00]  # the payment, the write-off


def test_a_written_off_receivable_is_no_longer_chased(park, debt, app):
    today = business_day()
    writeoffs.decide(writeoffs.propose(debt, "无法追偿", [scan()], park.finance), True, park.leader)
    awaiting = select(Receivable.id).where(levels.due_clause(today))
    assert db.session.scalars(awaiting).all() == []
    with pytest.raises(ReceivablesError, match="paid or not this debtor's"):
        letters.issue(
            debt.debtor, debt.site_id, 1, [debt.id], today + timedelta(days=10), park.finance, today
        )
    db.session.rollback()
    with app.test_request_context():
        assert jobs.morning(jobs_morning(today))["sites"] == 0


def jobs_morning(day: date):
    # The next working morning from ``day`` (the job acts on working days only).
    while not jobs.working_day(day):
        day += timedelta(days=1)
    return morning_of(day)


def test_the_campaign_counts_written_off_apart_from_collected(park, debt):
    today = business_day()
    campaign = campaigns.start("专项清理", park.psy.id, CUTOFF, park.finance, today)
    item = db.session.scalars(select(CampaignItem)).one()
    proposal = writeoffs.propose(debt, "债务人已注销", [scan()], park.finance, item)
    assert db.session.get(CampaignItem, item.id).state == Verification.WRITE_OFF
    progress = campaigns.progress(campaign)
    assert (progress.written_off, progress.written_off_fen) == (0, 0)

    writeoffs.decide(proposal, True, park.leader)
    progress = campaigns.progress(campaign)
    assert (progress.written_off, progress.written_off_fen) == (1, 600_00)
    assert (progress.collected, progress.collected_fen) == (0, 0)


def test_a_refused_write_off_changes_no_balance(park, debt):
    proposal = writeoffs.propose(debt, "理由不足", [scan()], park.finance)
    writeoffs.decide(proposal, False, park.leader)
    assert db.session.get(WriteOff, proposal.id).state == WriteOffState.REFUSED
    assert receivables_ledger.balance_of(debt) == 600_00
    # Refused, it no longer waits: finance may propose again, with better papers.
    again = writeoffs.propose(debt, "补充法院裁定书", [scan()], park.finance)
    assert again.state == WriteOffState.PROPOSED


@pytest.mark.parametrize(
    ("setup", "reason", "message"),
    [
        ("paid", "已收回", "nothing to write off"),
        ("written_off", "再次核销", "nothing to write off"),
        ("waiting", "第二份申请", "already awaits a decision"),
        ("", "   ", "needs its reason"),
        ("", "字" * 2001, "too long"),
    ],
)
def test_a_refused_proposal_stores_nothing(park, debt, setup, reason, message):
    if setup == "paid":
        pay(park, debt.debtor, 600_00, [debt.id], "R-2")
    elif setup in ("written_off", "waiting"):
        first = writeoffs.propose(debt, "首次申请", [scan()], park.finance)
        if setup == "written_off":
            writeoffs.decide(first, True, park.leader)
    before = (count(WriteOff), count(Allocation), count(Attachment))
    with pytest.raises(ReceivablesError, match=message):
        writeoffs.propose(debt, reason, [scan()], park.finance)
    assert (count(WriteOff), count(Allocation), count(Attachment)) == before


def test_a_proposal_without_a_scan_is_refused_and_stores_nothing(park, debt):
    with pytest.raises(ReceivablesError, match="Attach at least one scan"):
        writeoffs.propose(debt, "债务人已注销", [], park.finance)
    assert (count(WriteOff), count(Attachment)) == (0, 0)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (scan("病毒.exe", b"MZ\x90\x00"), "Only photos, PDF, Word, Excel or WPS"),
        (scan("伪装.pdf", b"not a pdf"), "does not match"),
        (scan("大文件.pdf", b"%PDF-1.4" + b"0" * 2048), "too large"),
    ],
)
def test_a_bad_scan_refuses_the_proposal(app, park, debt, upload, message):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    with pytest.raises(AttachmentError, match=message):
        writeoffs.propose(debt, "债务人已注销", [upload], park.finance)
    assert (count(WriteOff), count(Attachment)) == (0, 0)


def test_the_proposer_never_approves_and_finance_cannot(park, debt, make_user):
    boss = make_user("boss", ["finance", "leader"], all_sites=True)
    proposal = writeoffs.propose(debt, "债务人已注销", [scan()], boss)
    with pytest.raises(ReceivablesError, match="You proposed this write-off"):
        writeoffs.decide(proposal, True, boss)
    with pytest.raises(ReceivablesError, match="A leader decides"):
        writeoffs.decide(proposal, True, park.finance2)
    assert db.session.get(WriteOff, proposal.id).state == WriteOffState.PROPOSED
    assert count(Allocation) == 1  # the payment's only


def test_two_leaders_at_once_the_second_is_refused(park, debt, leader2):
    proposal = writeoffs.propose(debt, "债务人已注销", [scan()], park.finance)
    writeoffs.decide(proposal, True, park.leader)
    # The second leader's page still showed it waiting; her decision changes nothing.
    with pytest.raises(AlreadyDecided, match="decided already, by .* at "):
        writeoffs.decide(proposal, False, leader2)
    found = db.session.get(WriteOff, proposal.id)
    assert (found.state, found.decided_by_id) == (WriteOffState.APPROVED, park.leader.id)
    assert count(Allocation) == 2


def test_rent_written_off_is_not_rent_collected(app, park, make_debtor, make_receivable):
    today = business_day()
    debtor = make_debtor("濮上园游船队")
    rent = make_receivable(debtor, 1_000_00, due_on=today.replace(day=1))
    pay(park, debtor, 250_00, [rent.id], "R-9")
    writeoffs.decide(
        writeoffs.propose(rent, "经营者死亡", [scan()], park.finance), True, park.leader
    )
    found = {i.name: i for i in registry(app).indicators}
    with app.test_request_context(), force_locale("en"):
        text, good = found["receivables.rent_collected"].compute(frozenset({park.psy.id}))
    assert (text, good) == ("¥250.00 of ¥1,000.00 (25%)", False)


def test_two_leaders_approving_at_once_the_second_hears_it_was_decided(park, debt, leader2):
    proposal = writeoffs.propose(debt, "债务人已注销", [scan()], park.finance)
    writeoffs.decide(proposal, True, park.leader)
    # The first approval closed the balance: the second hears why, not "nothing is owed".
    with pytest.raises(AlreadyDecided, match="This write-off was decided already"):
        writeoffs.decide(proposal, True, leader2)
    assert count(Allocation) == 2
