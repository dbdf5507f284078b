"""Write-off pages: finance proposes with a scan, a leader decides on the list's page,
the second leader and the proposer are refused clearly; permissions and sites on
every route; the campaign's progress and the debtor's statement show what was
written off; query counts."""

import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, func, insert, select

from modules.receivables import campaigns, generate, writeoffs
from modules.receivables.models import Allocation, CampaignItem, WriteOff, WriteOffState
from modules.receivables.module import spec
from parkops.attachments import Attachment
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.flashes import confirmation
from tests.modules.receivables.test_campaigns import CUTOFF, scan


@pytest.fixture
def debts(park, make_debtor, make_receivable):
    """A 2018 rent at 濮上园 and a 2019 one at the zoo, both open."""
    psy = make_receivable(make_debtor("濮阳市某某餐饮有限公司"), 800_00, due_on=date(2018, 6, 30))
    zoo_debtor = make_debtor("动物园小卖部", site=park.zylz)
    zoo = make_receivable(zoo_debtor, 300_00, due_on=date(2019, 1, 31))
    return psy, zoo


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_finance_proposes_with_a_scan_a_leader_approves(park, debts, client, login, app):
    psy, _zoo = debts
    login(park.finance)
    assert client.get(f"/receivables/{psy.id}").status_code == 200
    form = {
        "reason": "债务人已注销，经多次催收无果",
        "files": (io.BytesIO(b"%PDF-1.4 ruling"), "法院裁定书.pdf"),
    }
    proposed = client.post(f"/receivables/{psy.id}/write-off", data=form)
    assert proposed.status_code == 303
    write_off = db.session.scalars(select(WriteOff)).one()
    assert proposed.location.endswith(f"/receivables/write-offs/{write_off.id}")
    page = client.get(proposed.location).get_data(as_text=True)
    assert "法院裁定书.pdf" in page and 'id="approve"' not in page  # finance does not decide

    leader = app.test_client()
    login(park.leader, test_client=leader)
    queue = leader.get("/receivables/write-offs/").get_data(as_text=True)
    assert f'data-write-off="{write_off.id}"' in queue
    scan = db.session.scalars(select(Attachment)).one()
    download = leader.get(f"/receivables/write-offs/{write_off.id}/files/{scan.id}")
    assert download.data == b"%PDF-1.4 ruling"
    decided = leader.post(
        f"/receivables/write-offs/{write_off.id}/decide", data={"decision": "approve"}
    )
    assert confirmation(leader, decided) == "Write-off approved."
    assert db.session.get(WriteOff, write_off.id).state == WriteOffState.APPROVED
    assert 'data-state="approved"' in leader.get(decided.location).get_data(as_text=True)
    # Decided, it leaves the queue of what waits.
    assert f'data-write-off="{write_off.id}"' not in leader.get(
        "/receivables/write-offs/"
    ).get_data(as_text=True)


def test_the_second_leader_and_the_proposer_are_refused_clearly(
    park, debts, client, login, app, make_user
):
    psy, _zoo = debts
    boss = make_user("boss", ["finance", "leader"], all_sites=True)
    proposal = writeoffs.propose(psy, "债务人已注销", [scan()], boss)
    url = f"/receivables/write-offs/{proposal.id}/decide"
    login(boss)
    assert 'id="approve"' not in client.get(f"/receivables/write-offs/{proposal.id}").get_data(
        as_text=True
    )
    own = client.post(url, data={"decision": "approve"})
    assert own.status_code == 409
    assert "You proposed this write-off" in own.get_data(as_text=True)

    first, second = app.test_client(), app.test_client()
    login(park.leader, test_client=first)
    login(make_user("leader2", ["leader"], all_sites=True), test_client=second)
    for c in (first, second):  # both see it waiting
        assert 'id="approve"' in c.get(f"/receivables/write-offs/{proposal.id}").get_data(
            as_text=True
        )
    assert first.post(url, data={"decision": "approve"}).status_code == 303
    late = second.post(url, data={"decision": "refuse"})
    assert late.status_code == 409
    assert "This write-off was decided already, by" in late.get_data(as_text=True)
    # The refusal's page is the write-off's: its tab is the one marked, not Debtors.
    assert 'href="/receivables/write-offs/" aria-current="page"' in late.get_data(as_text=True)
    assert db.session.get(WriteOff, proposal.id).state == WriteOffState.APPROVED
    assert count(Allocation) == 1


def test_refused_proposals_answer_422_and_store_nothing(park, debts, client, login, app):
    psy, _zoo = debts
    login(park.finance)
    empty = client.post(f"/receivables/{psy.id}/write-off", data={"reason": "  "})
    assert empty.status_code == 422
    assert "needs its reason" in empty.get_data(as_text=True)
    bad = client.post(
        f"/receivables/{psy.id}/write-off",
        data={"reason": "已注销", "files": (io.BytesIO(b"MZ\x90"), "scan.exe")},
    )
    assert bad.status_code == 422
    assert "Only photos, PDF, Word, Excel or WPS files." in bad.get_data(as_text=True)
    assert (count(WriteOff), count(Attachment)) == (0, 0)


def test_permissions_and_sites_on_every_route(park, debts, client, login, app, make_user):
    psy, zoo = debts
    zoo_off = writeoffs.propose(zoo, "动物园小卖部已关闭", [scan()], park.finance)
    psy_off = writeoffs.propose(psy, "债务人已注销", [scan()], park.finance)
    zoo_scan = db.session.scalars(select(Attachment).where(Attachment.owner_id == zoo_off.id)).one()
    psy_finance = app.test_client()  # 濮上园 only: the zoo's write-off is unseen
    login(park.psy_finance, test_client=psy_finance)
    assert psy_finance.get(f"/receivables/write-offs/{zoo_off.id}").status_code == 404
    assert (
        psy_finance.get(f"/receivables/write-offs/{zoo_off.id}/files/{zoo_scan.id}").status_code
        == 404
    )
    assert psy_finance.get(f"/receivables/{zoo.id}/write-off").status_code == 404
    assert "动物园小卖部" not in psy_finance.get("/receivables/write-offs/").get_data(as_text=True)
    psy_leader = app.test_client()
    login(make_user("psyleader", ["leader"], sites=[park.psy]), test_client=psy_leader)
    zoo_decide = f"/receivables/write-offs/{zoo_off.id}/decide"
    assert psy_leader.post(zoo_decide, data={"decision": "approve"}).status_code == 404
    # Finance does not decide; a handler neither proposes nor decides.
    login(park.finance)
    decide = f"/receivables/write-offs/{psy_off.id}/decide"
    assert client.post(decide, data={"decision": "approve"}).status_code == 403
    handler = app.test_client()
    login(park.handler, test_client=handler)
    assert handler.get(f"/receivables/{psy.id}/write-off").status_code == 403
    assert handler.post(decide, data={"decision": "approve"}).status_code == 403
    assert db.session.get(WriteOff, psy_off.id).state == WriteOffState.PROPOSED
    assert db.session.get(WriteOff, zoo_off.id).state == WriteOffState.PROPOSED


def test_the_campaign_page_and_the_statement_show_what_was_written_off(park, debts, client, login):
    psy, _zoo = debts
    campaign = campaigns.start("专项清理", park.psy.id, CUTOFF, park.finance, business_day())
    item = db.session.scalars(select(CampaignItem)).one()
    login(park.finance)
    proposed = client.post(
        f"/receivables/{psy.id}/write-off?item={item.id}",
        data={"reason": "债务人已注销", "files": (io.BytesIO(b"%PDF-1.4 x"), "注销证明.pdf")},
    )
    assert proposed.status_code == 303
    writeoffs.decide(db.session.scalars(select(WriteOff)).one(), True, park.leader)
    page = client.get(f"/receivables/campaigns/{campaign.id}").get_data(as_text=True)
    assert 'data-count="1" data-fen="80000"' in page
    book = load_workbook(io.BytesIO(client.get(f"/receivables/campaigns/{campaign.id}.xlsx").data))
    summary = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    assert ["Written off", 1, 800] in summary
    start = date(2018, 1, 1).isoformat()
    statement = client.get(f"/receivables/debtors/{psy.debtor_id}/statement?start={start}")
    text = statement.get_data(as_text=True)
    assert 'id="statement-written-off"><strong>¥800.00' in text
    xlsx = client.get(f"/receivables/debtors/{psy.debtor_id}/statement.xlsx?start={start}")
    rows = [
        [c.value for c in row] for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows()
    ]
    header = next(row for row in rows if "Written off" in row)
    closing = next(row for row in rows if "Closing balance" in row)
    assert closing[header.index("Written off")] == 800


def test_the_write_off_pages_take_the_same_queries_for_2_or_20(
    park, client, login, make_debtor, make_receivable, count_queries
):
    login(park.leader)

    def queries_for(n):
        debtor = make_debtor(f"商户{n}")
        made = []
        for i in range(n):
            r = make_receivable(debtor, 10_00 + i, due_on=date(2019, 1, 1) + timedelta(days=i))
            made.append(writeoffs.propose(r, f"理由{i}", [scan()], park.finance))
        for w in made[: n // 2]:
            writeoffs.decide(w, True, park.leader)
        counts = []
        for url in (
            "/receivables/write-offs/",
            "/receivables/write-offs/?all=1",
            f"/receivables/write-offs/{made[-1].id}",
            f"/receivables/{made[-1].receivable_id}",
        ):
            with count_queries() as q:
                assert client.get(url).status_code == 200
            counts.append(q.count)
        return counts

    assert queries_for(2) == queries_for(20)


def test_a_leader_is_told_of_the_write_offs_awaiting_her(park, debts, app, make_user):
    psy, zoo = debts
    boss = make_user("boss", ["finance", "leader"], all_sites=True)
    writeoffs.propose(psy, "债务人已注销", [scan()], boss)
    writeoffs.propose(zoo, "动物园小卖部已关闭", [scan()], park.finance)
    psy_leader = make_user("psyleader", ["leader"], sites=[park.psy])

    def todo(user):
        with app.test_request_context("/"):
            return [(i.text, i.url) for i in spec.todo(user)]

    assert todo(park.leader) == [("2 write-offs await your decision", "/receivables/write-offs/")]
    assert todo(psy_leader) == [("1 write-off awaits your decision", "/receivables/write-offs/")]
    assert ("1 write-off awaits your decision", "/receivables/write-offs/") in todo(boss)  # not his


def test_the_campaign_page_with_write_offs_takes_the_same_queries_for_4_or_40(
    park, client, login, make_debtor, make_receivable, count_queries
):
    login(park.finance)

    def queries_for(n):
        debtor = make_debtor(f"商户{n}")
        for i in range(n):
            make_receivable(debtor, 10_00 + i, due_on=date(2019, 1, 1) + timedelta(days=i))
        campaign = campaigns.start(f"清理{n}", park.psy.id, CUTOFF, park.finance, business_day())
        written = generate.write_offs(
            campaign.id, 2, park.finance.id, park.leader.id, business_day()
        )
        db.session.commit()
        assert campaigns.progress(campaign).written_off == written >= n // 2
        counts = []
        page = f"/receivables/campaigns/{campaign.id}"
        for url in (page, f"{page}.xlsx"):
            with count_queries() as q:
                assert client.get(url).status_code == 200
            counts.append(q.count)
        return counts

    assert queries_for(4) == queries_for(40)


def test_the_list_of_every_write_off_keeps_a_one_site_leader_to_her_site(
    park, debts, client, login, make_user
):
    psy, zoo = debts
    writeoffs.propose(psy, "债务人已注销", [scan()], park.finance)
    decided = writeoffs.propose(zoo, "动物园小卖部已关闭", [scan()], park.finance)
    writeoffs.decide(decided, True, park.leader)
    login(make_user("psyleader", ["leader"], sites=[park.psy]))

    page = client.get("/receivables/write-offs/?all=1").get_data(as_text=True)

    assert "濮阳市某某餐饮有限公司" in page
    assert "动物园小卖部" not in page


def test_the_list_of_write_offs_sorts_none_and_pages_waiting_ones_first(
    park, client, login, make_debtor, make_receivable
):
    # 120 write-offs, every third waiting: three pages, the 40 waiting ones first,
    # newest first, then the 80 others; past the end, the last page.
    debtor = make_debtor()
    receivable = make_receivable(debtor, 10_00)
    states = [WriteOffState.PROPOSED if n % 3 == 0 else WriteOffState.REFUSED for n in range(120)]
    db.session.execute(
        insert(WriteOff),
        [
            dict(receivable_id=receivable.id, reason=f"理由{n}", state=state,
                 proposed_fen=10_00, proposed_by_id=park.finance.id)
            for n, state in enumerate(states)
        ],
    )  # fmt: skip
    db.session.commit()
    ids = db.session.scalars(select(WriteOff.id).order_by(WriteOff.id)).all()
    waiting = [i for i, s in zip(ids, states, strict=True) if s == WriteOffState.PROPOSED]
    expected = waiting[::-1] + [i for i in ids[::-1] if i not in waiting]
    login(park.leader)

    def shown(url):
        page = client.get(url).get_data(as_text=True)
        return [int(i) for i in re.findall(r'data-write-off="(\d+)"', page)]

    seen = [shown(f"/receivables/write-offs/?all=1&page={n}") for n in (1, 2, 3)]
    assert seen[0] + seen[1] + seen[2] == expected
    assert shown("/receivables/write-offs/?all=1&page=7") == seen[2]
    assert shown("/receivables/write-offs/") == waiting[::-1]
    if db.engine.dialect.name != "sqlite":
        return  # EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics
    statements = []

    def log(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", log)
    try:
        client.get("/receivables/write-offs/?all=1&page=2")
    finally:
        event.remove(db.engine, "before_cursor_execute", log)
    cursor = db.session.connection().connection.cursor()
    for statement, parameters in statements:
        if "rcv_write_offs" in statement:
            plan = " ".join(
                str(r[-1]) for r in cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            )
            assert "TEMP B-TREE" not in plan, (statement, plan)


def test_the_list_shows_each_write_offs_receivable_debtor_site_amounts_proposer_and_state(
    park, debts, client, login
):
    # The list's rows are columns read in one statement (not objects): each cell still
    # shows the write-off's own receivable, debtor, site, amounts, proposer and state.
    psy, zoo = debts
    waiting = writeoffs.propose(psy, "债务人已注销", [scan()], park.finance)
    approved = writeoffs.propose(zoo, "动物园小卖部已关闭", [scan()], park.finance)
    writeoffs.decide(approved, True, park.leader)
    park.leader.locale = "en"
    db.session.commit()
    login(park.leader)

    page = client.get("/receivables/write-offs/?all=1").get_data(as_text=True)

    def cells(write_off):
        row = re.search(rf'<tr data-write-off="{write_off.id}">(.*?)</tr>', page, re.S).group(1)
        return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]

    finance = park.finance.display_name
    psy_name = "濮阳市某某餐饮有限公司"
    assert cells(waiting)[:5] == [str(psy.id), psy_name, psy.site.name, "¥800.00", "—"]
    assert cells(waiting)[5].startswith(f"{finance} ")
    assert cells(waiting)[6] == "Write-off awaiting approval"
    assert cells(approved)[:5] == [str(zoo.id), "动物园小卖部", zoo.site.name, "¥300.00", "¥300.00"]
    assert cells(approved)[6] == "Written off"
    assert f'href="/receivables/write-offs/{approved.id}"' in page
