"""Demo data: about 40 debtors at both sites and 150 receivables over every aging
bucket (a few from 2017), partial payments, two staff advances long overdue (the
staff members stand for the demo's crew and gardener accounts, who are reminded),
and chasing letters at each level with the receivables' levels they recorded.
Loaded once (nothing when a debtor exists), in bulk."""

import random
from datetime import timedelta

from sqlalchemy import insert, select, update

from modules.receivables import generate, ledger, letters
from modules.receivables.levels import LEVELS
from modules.receivables.models import Debtor, Receivable, ReceivableKind
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.timeutil import business_day, utcnow

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
        _letters(others, today, finance)


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
