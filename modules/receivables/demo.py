"""Demo data: about 40 debtors at both sites and 150 receivables over every aging
bucket (a few from 2017), partial payments, two staff advances long overdue (the
staff members stand for the demo's crew and gardener accounts, who are reminded),
chasing letters at each level with the receivables' levels they recorded, and an
open clean-up campaign at the first site, half of it verified.
Loaded once (nothing when a debtor exists), in bulk."""

import random
from datetime import date, timedelta
from io import BytesIO

from sqlalchemy import insert, select, update
from werkzeug.datastructures import FileStorage

from modules.receivables import campaigns, generate, ledger, letters, sums, writeoffs
from modules.receivables.levels import LEVELS
from modules.receivables.models import (
    CampaignItem,
    Debtor,
    Receivable,
    ReceivableKind,
    Verification,
)
from parkops import module_settings
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.timeutil import business_day, utcnow

VERIFIED = (  # a write-off first: with nine items verified, two are proposed
    (Verification.WRITE_OFF, "债务人已注销，经多次催收无果"),
    (Verification.OWED, "对方确认欠款，同意分期偿还"),
    (Verification.PAPERWORK, "缺原始合同，待经营管理科补齐"),
    (Verification.DISPUTED, "对方对水电费计量有异议"),
    (Verification.PAPERWORK_DONE, "已补齐借据与审批单"),
)
LETTER_SETTINGS = {
    "letter_unit": letters.PARK_ADMINISTRATION,
    "letter_contact": "财务科 张会计，电话0393-4412345",
}
DEBTORS = 40
RECEIVABLES = 150
PAYMENTS = 120


def load() -> None:
    if db.session.scalar(select(Debtor.id).limit(1)) is not None:
        return
    rng = random.Random(36)  # noqa: S311  demo data only
    today = business_day()
    site_ids = list(db.session.scalars(select(Site.id).order_by(Site.id)))
    users = {u.username: u.id for u in db.session.scalars(select(User))}
    handlers = [users.get("merchants"), users.get("finance"), None]
    ids = generate.debtors(rng, site_ids, DEBTORS, staff=2)
    sites = dict(
        db.session.execute(select(Debtor.id, Debtor.site_id).where(Debtor.id.in_(ids))).all()
    )
    others = [(i, sites[i]) for i in ids[2:]]
    owed = generate.receivables(rng, others, RECEIVABLES, today, handlers)
    site_of = {rid: sites[debtor_id] for rid, debtor_id, _a, _d in owed}
    generate.payments(rng, owed, PAYMENTS, today, site_of)
    _staff_advances(ids[:2], sites, today, users.get("finance"))
    for debtor_id, username in zip(ids[:2], ("crew", "gardener"), strict=True):
        if users.get(username):  # the account the staff member signs in with
            db.session.execute(
                update(Debtor)
                .where(Debtor.id == debtor_id)
                .values(subject_kind=ledger.USER_SUBJECT, subject_id=users[username])
            )
    db.session.commit()
    finance = db.session.scalar(select(User).where(User.username == "finance"))
    if finance is not None:
        # The letters' unit and contact, as the office sets them on /settings/receivables.
        module_settings.save("receivables", LETTER_SETTINGS, finance)
        _letters(others, today, finance)
        _campaign(site_ids[0], today, finance)


def _campaign(site_id, today, finance) -> None:
    """The clean-up campaign at the first site, opened two months ago over what fell
    due before last year, half of it verified; of the write-offs proposed, the first
    approved by the leader, the others waiting."""
    campaign = campaigns.start(
        f"{today.year}年应收款专项清理",
        site_id,
        date(today.year - 1, 1, 1),
        finance,
        today - timedelta(days=60),
    )
    found = db.session.scalars(
        select(CampaignItem)
        .where(CampaignItem.campaign_id == campaign.id)
        .order_by(CampaignItem.id)
    ).all()
    proposals = []
    for n, item in enumerate(found[: len(found) // 2]):
        state, note = VERIFIED[n % len(VERIFIED)]
        if state == Verification.WRITE_OFF:  # proposed with its reason and a scan
            proposals.append(writeoffs.propose(item.receivable, note, [_scan()], finance, item))
        else:
            campaigns.verify(item, state, note, finance)
    leader = db.session.scalar(select(User).where(User.username == "leader"))
    if leader is not None and proposals:  # one approved, the others wait for the leader
        writeoffs.decide(proposals[0], True, leader)


def _letters(debtors, today, finance) -> None:
    """Three debtors chased over the past months: the first has had a 提醒函, the
    second also a 催缴通知书, the third a final notice too."""
    chased = 0
    for debtor_id, site_id in debtors:
        old = [
            r.id
            for r, _balance in ledger.open_receivables(debtor_id, site_id)
            if r.due_on <= today - timedelta(days=200)
        ]
        if not old:
            continue
        chased += 1
        debtor = db.session.get(Debtor, debtor_id)
        for level, days_ago in zip(LEVELS, (80, 45, 10)[3 - chased :], strict=False):
            day = today - timedelta(days=days_ago)
            letters.issue(debtor, site_id, level, old, day + timedelta(days=10), finance, day)
        if chased == 3:
            return


def _staff_advances(staff_ids, sites, today, handler_id) -> None:
    """Two staff members' advances (借款) taken months ago and not yet cleared."""
    rows = [
        {
            "debtor_id": debtor_id,
            "site_id": sites[debtor_id],
            "kind": ReceivableKind.ADVANCE.value,
            "origin": f"借款审批单 JK-{today.year - 1}-{n + 11:03d}",
            "amount_fen": (n + 1) * 3000_00,
            "raised_on": today - timedelta(days=150 + 60 * n),
            "due_on": today - timedelta(days=120 + 60 * n),
            "handler_id": handler_id,
            "note": "差旅预借款，待报销冲账",
            "created_at": utcnow(),
        }
        for n, debtor_id in enumerate(staff_ids)
    ]
    db.session.execute(insert(Receivable), rows)
    sums.add_raised(rows)


def _scan() -> FileStorage:
    """A one-page PDF standing for the scan a write-off is proposed with."""
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    return FileStorage(BytesIO(pdf), filename="核销说明.pdf", content_type="application/pdf")
