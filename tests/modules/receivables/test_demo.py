"""Demo data: debtors at both sites, receivables in every aging bucket (some from
2017), partial payments that never over-pay, two staff advances overdue; once."""

import io
import re

from docx import Document
from sqlalchemy import func, or_, select

from modules.receivables import aging, buckets
from modules.receivables.buckets import Bucket
from modules.receivables.ledger import USER_SUBJECT, balance_fen
from modules.receivables.letters import content_of
from modules.receivables.models import (
    CampaignItem,
    Debtor,
    DebtorKind,
    Letter,
    Payment,
    Receivable,
    ReceivableKind,
    Verification,
    WriteOff,
    WriteOffState,
)
from parkops import demo
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.demo_copy import load_demo

# The demo's own debtors (staff debtors stand for their accounts); other modules' demos
# add theirs (merchants raises rent).
OWN_DEBTORS = select(Debtor).where(
    or_(Debtor.subject_kind.is_(None), Debtor.subject_kind == USER_SUBJECT)
)


def test_the_demo_fills_every_bucket_and_loads_once(app, client, login):
    assert load_demo()
    finance = db.session.scalar(select(User).where(User.username == "finance"))

    grid = aging.aging(finance, business_day(), "debtor")

    assert all(total > 0 for total in grid.totals)
    assert len(db.session.scalars(OWN_DEBTORS).all()) == 40
    assert {d.site.code for d in db.session.scalars(select(Debtor))} == {"PSY", "ZYLZ"}
    assert db.session.scalar(select(func.min(Receivable.raised_on))).year == 2017
    assert db.session.scalar(select(func.count()).select_from(Payment)) > 100
    # Paid in part, never over-paid; only the write-off approved closes one.
    written_off = select(WriteOff.receivable_id).where(WriteOff.state == WriteOffState.APPROVED)
    paid = select(func.min(balance_fen())).where(Receivable.id.not_in(written_off))
    assert db.session.scalar(paid) > 0
    advances = db.session.scalars(
        select(Receivable)
        .join(Debtor)
        .where(Debtor.kind == DebtorKind.STAFF, Receivable.kind == ReceivableKind.ADVANCE)
    ).all()
    assert len(advances) == 2
    assert all(buckets.bucket_of(r.due_on, business_day()) >= Bucket.D91_180 for r in advances)
    # Letters at each level, and the receivables' levels they recorded.
    assert sorted(db.session.scalars(select(Letter.level))) == [1, 1, 1, 2, 2, 3]
    assert set(db.session.scalars(select(Receivable.level))) == {0, 1, 2, 3}
    # An open clean-up campaign, half of it verified.
    items = db.session.scalars(select(CampaignItem.state)).all()
    assert items and sum(s != Verification.TO_VERIFY for s in items) == len(items) // 2
    # Its write-offs: the first approved by the leader, the others awaiting her.
    states = db.session.scalars(select(WriteOff.state).order_by(WriteOff.id)).all()
    assert states[0] == WriteOffState.APPROVED and len(states) > 1
    assert set(states[1:]) == {WriteOffState.PROPOSED}
    # The staff members stand for accounts that hear about their advances.
    linked = db.session.scalars(select(Debtor.subject_kind).where(Debtor.kind == DebtorKind.STAFF))
    assert list(linked) == ["core.user", "core.user"]
    login(finance, password=demo.PASSWORD)
    for url in ("/receivables/", "/receivables/debtors/", "/receivables/aging"):
        assert client.get(url).status_code == 200
    # Finance's to-do on the home page leads to what awaits a letter.
    assert 'href="/receivables/?chase=1"' in client.get("/").get_data(as_text=True)

    assert not demo.load()
    assert len(db.session.scalars(OWN_DEBTORS).all()) == 40


def test_the_demo_letter_reads_as_an_official_one_from_the_park_administration(app, client, login):
    """The .docx of a demo letter: the park administration sends it (not another
    unit, not a blank), to a debtor named as on a business licence (no numbered
    placeholder), dated and with the total in capitals, in Chinese."""
    load_demo()
    finance = db.session.scalar(select(User).where(User.username == "finance"))
    letter = db.session.scalars(select(Letter).order_by(Letter.id.desc())).first()
    login(finance, password=demo.PASSWORD)
    response = client.get(f"/receivables/letters/{letter.id}.docx")
    lines = [p.text for p in Document(io.BytesIO(response.data)).paragraphs if p.text.strip()]

    debtor = letter.debtor.name
    assert re.fullmatch(r"\w+(有限公司|餐饮店)", debtor) and not re.search(r"\d", debtor)
    assert f"{debtor}：" in lines
    assert lines[-2:] == ["濮上生态园区管理局", content_of(letter)["date"]]
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", lines[-1])
    assert any(line.startswith("合计金额（大写）：人民币") for line in lines)
    staff = db.session.scalars(select(Debtor.name).where(Debtor.kind == DebtorKind.STAFF))
    assert not any(re.search(r"\d", name) for name in staff)
