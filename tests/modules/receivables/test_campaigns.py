"""The special clean-up: a campaign takes the site's open receivables due before a
date; each is verified; progress counts and sums, and what was collected since; the
.xlsx for the leading group; who may start and verify; bad input; query counts."""

import io
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from modules.receivables import campaigns, payments, writeoffs
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import (
    Campaign,
    CampaignItem,
    PaymentMethod,
    Verification,
)
from parkops.extensions import db
from parkops.rectification.models import EvidenceLink, Problem
from parkops.registry import registry
from parkops.timeutil import business_day
from tests.flashes import confirmation
from tests.versions import two_pages, version_of

CUTOFF = date(2025, 1, 1)


def scan(name="法院裁定书.pdf", data=b"%PDF-1.4 ruling"):
    return FileStorage(io.BytesIO(data), filename=name, content_type="application/pdf")


@pytest.fixture
def old_debts(park, make_debtor, make_receivable):
    """At 濮上园: two debts due in 2017 and 2023, one due after the cut-off, one
    paid; at the zoo one from 2018."""
    debtor = make_debtor()
    first = make_receivable(debtor, 1_000_00, due_on=date(2017, 6, 30))
    second = make_receivable(debtor, 500_00, due_on=date(2023, 3, 31))
    make_receivable(debtor, 300_00, due_on=date(2025, 6, 30))
    paid = make_receivable(debtor, 200_00, due_on=date(2020, 1, 31))
    pay(park, debtor, 200_00, [paid.id], "R-0")
    make_receivable(make_debtor("动物园小卖部", site=park.zylz), 400_00, due_on=date(2018, 1, 1))
    return debtor, first, second


def pay(park, debtor, fen, ids, receipt):
    data = payments.PaymentData(
        site_id=debtor.site_id,
        paid_on=business_day(),
        amount_fen=fen,
        method=PaymentMethod.BANK,
        receipt_no=receipt,
        receivable_ids=ids,
    )
    return payments.record_payment(debtor, data, park.finance)


def start(park, name="2026年应收款专项清理"):
    return campaigns.start(name, park.psy.id, CUTOFF, park.finance, business_day())


def test_a_campaign_takes_the_sites_open_receivables_due_before_the_date(park, old_debts):
    _debtor, first, second = old_debts
    campaign = start(park)
    items = db.session.scalars(select(CampaignItem).order_by(CampaignItem.receivable_id)).all()
    assert [(i.receivable_id, i.start_fen, i.state) for i in items] == [
        (first.id, 1_000_00, Verification.TO_VERIFY),
        (second.id, 500_00, Verification.TO_VERIFY),
    ]
    progress = campaigns.progress(campaign)
    assert (progress.count, progress.start_fen, progress.verified) == (2, 1_500_00, 0)


def test_verification_and_collection_show_in_the_progress(park, old_debts):
    debtor, first, second = old_debts
    campaign = start(park)
    item = {i.receivable_id: i for i in db.session.scalars(select(CampaignItem))}
    writeoffs.propose(first, "债务人已注销", [scan()], park.finance, item[first.id])
    campaigns.verify(item[second.id], Verification.OWED, "", park.finance)
    pay(park, debtor, 500_00, [second.id], "R-1")  # collected in full
    progress = campaigns.progress(campaign)
    lines = {line.state: (line.count, line.start_fen) for line in progress.lines}
    assert lines[Verification.WRITE_OFF] == (1, 1_000_00)
    assert lines[Verification.OWED] == (1, 500_00)
    assert lines[Verification.TO_VERIFY] == (0, 0)
    assert (progress.verified, progress.verified_fen) == (2, 1_500_00)
    assert (progress.collected, progress.collected_fen) == (1, 500_00)


@pytest.mark.parametrize(
    ("state", "note", "message"),
    [
        (Verification.WRITE_OFF, "债务人已注销", "Propose the write-off"),
        (Verification.TO_VERIFY, "", "Choose what"),
        (Verification.DISPUTED, "字" * 2001, "too long"),
    ],
)
def test_a_bad_verification_changes_nothing(park, old_debts, state, note, message):
    start(park)
    item = db.session.scalars(select(CampaignItem)).first()
    with pytest.raises(ReceivablesError, match=message):
        campaigns.verify(item, state, note, park.finance)
    db.session.rollback()
    assert db.session.get(CampaignItem, item.id).state == Verification.TO_VERIFY


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Give the campaign a name"),
        ({"due_before": (business_day() + timedelta(days=1)).isoformat()}, "in the future"),
        ({"due_before": "2010-01-01"}, "No open receivable"),
        ({"due_before": "soon"}, "Give a date"),
        ({"due_before": "1900-01-01"}, "Enter a date between 2000 and 2100."),  # not a 400
    ],
)
def test_a_bad_campaign_is_refused_with_422(park, old_debts, client, login, fields, message):
    login(park.finance)
    client.post("/language/en")
    form = {"name": "清理", "site_id": park.psy.id, "due_before": CUTOFF.isoformat(), **fields}
    response = client.post("/receivables/campaigns/", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_finance_starts_and_verifies_a_leader_reads_another_site_does_not(
    park, old_debts, client, login, app
):
    _debtor, first, _second = old_debts
    login(park.finance)
    form = {"name": "专项清理", "site_id": park.psy.id, "due_before": CUTOFF.isoformat()}
    started = client.post("/receivables/campaigns/", data=form)
    assert confirmation(client, started) == "Clean-up campaign started."
    campaign = db.session.scalars(select(Campaign)).one()
    item = db.session.scalars(
        select(CampaignItem).where(CampaignItem.receivable_id == first.id)
    ).one()
    url = f"/receivables/campaigns/{campaign.id}/items/{item.id}"
    version = version_of(client.get(url).get_data(as_text=True))
    verified = client.post(
        url, data={"state": "paperwork", "note": "缺合同原件", "version": version}
    )
    assert confirmation(client, verified) == "Verification recorded."
    assert db.session.get(CampaignItem, item.id).state == Verification.PAPERWORK

    leader = app.test_client()
    login(park.leader, test_client=leader)
    assert leader.get(f"/receivables/campaigns/{campaign.id}").status_code == 200
    assert leader.post(url, data={"state": "owed"}).status_code == 403
    assert leader.post("/receivables/campaigns/", data=form).status_code == 403
    handler = app.test_client()  # handles receivables, does not read campaigns
    login(park.handler, test_client=handler)
    assert handler.get(f"/receivables/campaigns/{campaign.id}").status_code == 403
    zoo = campaigns.start("动物园清理", park.zylz.id, CUTOFF, park.finance, business_day())
    psy_finance = app.test_client()  # 濮上园 only: the zoo's campaign is unseen
    login(park.psy_finance, test_client=psy_finance)
    assert psy_finance.get(f"/receivables/campaigns/{zoo.id}").status_code == 404
    assert psy_finance.get(f"/receivables/campaigns/{zoo.id}.xlsx").status_code == 404
    version = version_of(psy_finance.get(url).get_data(as_text=True))
    assert psy_finance.post(url, data={"state": "owed", "version": version}).status_code == 303
    assert db.session.get(CampaignItem, item.id).state == Verification.OWED  # psy finance


def test_the_xlsx_for_the_leading_group(park, old_debts, client, login):
    campaign = start(park)
    login(park.leader)
    response = client.get(f"/receivables/campaigns/{campaign.id}.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    summary = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    total = next(row for row in summary if row[0] == "Total")
    assert total[1:] == [2, 1500]
    detail = [[c.value for c in row] for row in book.worksheets[1].iter_rows()]
    assert len([row for row in detail if isinstance(row[0], int)]) == 2


def test_the_campaign_page_takes_the_same_queries_for_3_or_30_items(
    park, client, login, make_debtor, make_receivable, count_queries
):
    login(park.finance)

    def queries_for(n):
        debtor = make_debtor(f"商户{n}")
        for i in range(n):
            make_receivable(debtor, 10_00 + i, due_on=date(2019, 1, 1) + timedelta(days=i))
        campaign = campaigns.start(f"清理{n}", park.psy.id, CUTOFF, park.finance, business_day())
        db.session.execute(
            CampaignItem.__table__.update()
            .where(CampaignItem.campaign_id == campaign.id)
            .values(verified_by_id=park.finance.id, state="owed")
        )
        db.session.commit()
        counts = []
        for url in (f"/receivables/campaigns/{campaign.id}", "/receivables/campaigns/"):
            with count_queries() as q:
                assert client.get(url).status_code == 200
            counts.append(q.count)
        return counts

    assert queries_for(3) == queries_for(30)


def test_a_first_verification_is_evidence_for_36_once(ledger, park, old_debts):
    _debtor, first, _second = old_debts
    start(park)
    item = db.session.scalars(
        select(CampaignItem).where(CampaignItem.receivable_id == first.id)
    ).one()
    campaigns.verify(item, Verification.PAPERWORK, "缺借据", park.finance)
    campaigns.verify(item, Verification.PAPERWORK_DONE, "已补齐", park.finance)
    links = db.session.execute(
        select(EvidenceLink.kind, EvidenceLink.record_id, Problem.code, EvidenceLink.site_id)
        .join(Problem, Problem.id == EvidenceLink.problem_id)
        .where(EvidenceLink.kind == "receivables.verified")
    ).all()
    assert links == [("receivables.verified", item.id, "36", park.psy.id)]


def test_the_indicators_weigh_the_campaign(app, park, old_debts, make_receivable):
    _debtor, first, _second = old_debts
    campaign = start(park)
    item = db.session.scalars(
        select(CampaignItem).where(CampaignItem.receivable_id == first.id)
    ).one()
    campaigns.verify(item, Verification.OWED, "", park.finance)
    found = {i.name: i for i in registry(app).indicators}
    psy = frozenset({park.psy.id})
    with app.test_request_context(), force_locale("en"):
        assert found["receivables.campaign_verified"].compute(psy) == (
            "1 of 2 verified (50%)",
            False,
        )
        text, _good = found["receivables.over_one_year"].compute(psy)
    # Against the eve of the day the campaign started, not 1 January.
    assert text.endswith(f"on {(campaign.started_on - timedelta(days=1)).isoformat()})")


def test_what_is_collected_on_the_campaigns_first_day_counts(app, park, old_debts):
    """The campaign starts today and the 2017 debt (and the 2020 one) are paid today: lower
    than on the eve of the start, so the indicator is good (it compared with the end of
    the first day, which already held the payment: no change, not good)."""
    debtor, first, _second = old_debts
    start(park)
    pay(park, debtor, 1_000_00, [first.id], "R-1")
    found = {i.name: i for i in registry(app).indicators}
    with app.test_request_context(), force_locale("en"):
        text, good = found["receivables.over_one_year"].compute(frozenset({park.psy.id}))
    assert good is True, text
    assert text.startswith("¥800.00 in 2 receivables (¥2,000.00 on "), text


def test_two_verifiers_of_one_item_the_second_gets_the_conflict(park, old_debts, app, login):
    campaign = start(park)
    item = db.session.scalars(select(CampaignItem)).first()
    url = f"/receivables/campaigns/{campaign.id}/items/{item.id}"
    first, second, version = two_pages(app, login, url, park.finance, park.psy_finance)
    saved = first.post(url, data={"state": "disputed", "note": "对方称已付", "version": version})
    assert saved.status_code == 303
    late = second.post(url, data={"state": "paperwork", "note": "缺合同", "version": version})
    assert late.status_code == 409
    html = late.get_data(as_text=True)
    assert 'id="conflict"' in html and "对方称已付" in html and "缺合同" in html
    db.session.expire_all()
    kept = db.session.get(CampaignItem, item.id)
    assert (kept.state, kept.note) == (Verification.DISPUTED, "对方称已付")
    again = version_of(html)  # the conflict page carries the version now: a deliberate save
    assert second.post(url, data={"state": "paperwork", "version": again}).status_code == 303
    db.session.expire_all()
    assert db.session.get(CampaignItem, item.id).state == Verification.PAPERWORK
