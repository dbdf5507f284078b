"""Chasing letters: the 大写 amount, numbering without gaps per year, the letter kept
exactly as sent, the print view and .docx, who may issue and read, bad input."""

import io
import json
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from docx import Document as read_docx
from docx.oxml.ns import qn
from docx.shared import Pt
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from modules.receivables import letters
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import Letter
from modules.receivables.module import spec
from parkops import module_settings
from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.flashes import confirmation

PPR = qn("w:pPr")


@pytest.mark.parametrize(
    ("fen", "capital"),
    [
        (1_050_07, "壹仟零伍拾元零柒分"),
        (50, "伍角"),
        (10_000_00, "壹万元整"),
        (100_200_03, "壹拾万零贰佰元零叁分"),
        (1_00, "壹元整"),
        (10_10, "壹拾元壹角"),
    ],
)
def test_capital_amount_reads_as_on_a_cheque(fen, capital):
    assert letters.capital_amount(fen) == capital


@pytest.fixture
def owed(park, make_debtor, make_receivable):
    debtor = make_debtor(address="濮阳市华龙区某路1号")
    first = make_receivable(debtor, 1_000_00, due_on=date(2024, 12, 31), origin="租赁合同2024-01")
    second = make_receivable(debtor, 50_07, due_on=date(2025, 3, 31))
    return debtor, first, second


def issue(park, debtor, ids, today, level=1):
    return letters.issue(
        debtor, debtor.site_id, level, ids, today + timedelta(days=10), park.finance, today
    )


def test_letters_are_numbered_without_gaps_and_restart_each_year(park, owed):
    debtor, first, second = owed
    numbers = [
        (letter.year, letter.number, letters.content_of(letter)["reference"])
        for letter in (
            issue(park, debtor, [first.id], date(2025, 12, 30)),
            issue(park, debtor, [second.id], date(2025, 12, 31)),
            issue(park, debtor, [first.id, second.id], date(2026, 1, 11)),
        )
    ]
    # A refusal takes no number.
    with pytest.raises(ReceivablesError):
        issue(park, debtor, [], date(2026, 1, 3))
    numbers.append(
        (lambda x: (x.year, x.number, letters.content_of(x)["reference"]))(
            issue(park, debtor, [second.id], date(2026, 1, 22))
        )
    )
    assert numbers == [
        (2025, 1, "财催〔2025〕1号"),
        (2025, 2, "财催〔2025〕2号"),
        (2026, 1, "财催〔2026〕1号"),
        (2026, 2, "财催〔2026〕2号"),
    ]


def test_the_database_refuses_a_second_letter_with_the_same_number(park, owed):
    """What keeps two clerks issuing at once from sharing a number (``issue`` then
    takes the next one)."""
    debtor, first, _second = owed
    taken = issue(park, debtor, [first.id], date(2026, 3, 1))
    db.session.add(
        Letter(
            year=2026,
            number=taken.number,
            level=1,
            debtor_id=debtor.id,
            site_id=debtor.site_id,
            content="{}",
            issued_by_id=park.finance.id,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_letter_is_kept_as_sent(park, owed, client, login, make_receivable):
    debtor, first, second = owed
    letter = issue(park, debtor, [first.id, second.id], date(2026, 3, 1))
    sent = letters.content_of(letter)
    assert sent["total_fen"] == 1_050_07
    assert sent["capital"] == "壹仟零伍拾元零柒分"
    assert "¥1,050.07" in sent["body"] and "2026年3月11日" in sent["body"]
    assert [i["id"] for i in sent["items"]] == [first.id, second.id]

    # The template, the debtor's name and the balances change afterwards…
    module_settings.save("receivables", {"letter1_body": "新的正文 {total}"}, park.finance)
    debtor.name = "改名后的公司"
    db.session.commit()

    login(park.finance)
    page = client.get(f"/receivables/letters/{letter.id}").get_data(as_text=True)
    # …the letter still says what it said.
    assert letters.content_of(db.session.get(Letter, letter.id)) == sent
    letter_part = page[page.index('class="doc-title"') :]  # below the link back to the debtor
    assert "濮阳市某某餐饮有限公司" in letter_part and "改名后的公司" not in letter_part
    assert "壹仟零伍拾元零柒分" in page and "财催〔2026〕1号" in page
    assert "新的正文" not in page


def test_finance_issues_a_letter_from_the_debtors_page_and_downloads_it(park, owed, client, login):
    debtor, first, second = owed
    first.level = 1  # a 提醒函 went out: the 催缴通知书 comes next
    db.session.commit()
    login(park.finance)
    deadline = (business_day() + timedelta(days=15)).isoformat()
    form = {
        "level": "2",
        "deadline": deadline,
        "receivable_id": [str(first.id)],
        "idempotency_key": "L1",
    }
    response = client.post(f"/receivables/debtors/{debtor.id}/letters/new", data=form)
    assert confirmation(client, response) == "Letter issued: print it from this page."
    again = client.post(f"/receivables/debtors/{debtor.id}/letters/new", data=form)
    assert again.headers["Location"] == response.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Letter)) == 1
    letter = db.session.scalars(select(Letter)).one()
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "receivables.letter_issued")
        )
        == 1
    )

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "催缴通知书" in page and "壹仟元整" in page and "document-print.css" in page

    docx = client.get(f"/receivables/letters/{letter.id}.docx")
    assert docx.status_code == 200
    # The exact 文号 as the name, and an ASCII name that says what it is (not "20267.docx").
    reference = quote(f"财催〔{letter.year}〕1号.docx")
    assert docx.headers["Content-Disposition"] == (
        f'attachment; filename="reminder-letter-{letter.year}-1.docx"; '
        f"filename*=UTF-8''{reference}"
    )
    text = "\n".join(p.text for p in read_docx(io.BytesIO(docx.data)).paragraphs)
    cells = [
        c.text for t in read_docx(io.BytesIO(docx.data)).tables for r in t.rows for c in r.cells
    ]
    assert "催缴通知书" in text and f"财催〔{letter.year}〕1号" in text
    assert "人民币壹仟元整" in text and "租赁合同2024-01" in cells
    # GB/T 9704: the 文号 over a red rule, the addressee flush left, the body indented.
    paragraphs = {p.text: p for p in read_docx(io.BytesIO(docx.data)).paragraphs}
    rule = paragraphs[f"财催〔{letter.year}〕1号"]._p.find(f"{PPR}/{qn('w:pBdr')}/{qn('w:bottom')}")
    assert rule is not None and rule.get(qn("w:color")) == "C00000"
    addressee = paragraphs[f"{debtor.name}："]
    assert addressee.paragraph_format.first_line_indent == 0
    body = next(p for t, p in paragraphs.items() if "人民币壹仟元整" in t)
    assert body.paragraph_format.first_line_indent == Pt(32)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"receivable_id": []}, "Choose the receivables"),
        ({"level": "4"}, "Choose a letter level"),
        ({"deadline": "yesterday"}, "not a date"),
        ({"deadline": "9999-12-31"}, "Enter a date between 2000 and 2100."),  # not a 400
        ({"deadline": business_day().isoformat()}, "after today"),
        ({"receivable_id": ["999999"]}, "paid or not this debtor"),
    ],
)
def test_bad_input_is_refused_and_issues_nothing(park, owed, client, login, change, message):
    debtor, first, _second = owed
    login(park.finance)
    client.post("/language/en")
    form = {
        "level": "1",
        "deadline": (business_day() + timedelta(days=10)).isoformat(),
        "receivable_id": [str(first.id)],
        **change,
    }
    response = client.post(f"/receivables/debtors/{debtor.id}/letters/new", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Letter)) == 0


def test_another_debtors_receivable_is_refused(park, owed, make_debtor, make_receivable):
    debtor, first, _second = owed
    stranger = make_receivable(make_debtor("另一家公司"), 10_00)
    with pytest.raises(ReceivablesError):
        issue(park, debtor, [first.id, stranger.id], date(2026, 3, 1))


@pytest.mark.parametrize(
    ("who", "read", "issue_status"),
    [
        ("leader", 200, 403),  # reads, does not write
        ("cashier", 403, 403),  # handles nothing: the module is closed to her
        ("psy_finance", 404, 404),  # finance at 濮上园 only: the zoo's letter is unseen
    ],
)
def test_only_finance_issues_and_sites_hold(
    park, client, login, make_debtor, make_receivable, who, read, issue_status
):
    zoo = make_debtor("动物园小卖部", site=park.zylz)
    rent = make_receivable(zoo, 10_00)
    letter = issue(park, zoo, [rent.id], date(2026, 3, 1))
    form = {
        "level": "1",
        "deadline": (business_day() + timedelta(days=5)).isoformat(),
        "receivable_id": [str(rent.id)],
    }
    login(getattr(park, who))
    assert client.get(f"/receivables/letters/{letter.id}").status_code == read
    assert client.get(f"/receivables/letters/{letter.id}.docx").status_code == read
    posted = client.post(f"/receivables/debtors/{zoo.id}/letters/new", data=form)
    assert posted.status_code == issue_status
    assert db.session.scalar(select(func.count()).select_from(Letter)) == 1


def test_finance_edits_the_templates_and_an_unknown_placeholder_is_refused(park, client, login):
    login(park.finance)
    form = {s.name: str(s.default) for s in spec.settings}
    for bad_body in ("请付{amount}", "", "字" * 501):
        bad = client.post("/settings/receivables", data={**form, "letter1_body": bad_body})
        assert bad.status_code == 422
    assert module_settings.get("receivables.letter1_body") == letters.DEFAULT_BODIES[1]
    good = client.post("/settings/receivables", data={**form, "letter1_title": "付款提醒函"})
    assert good.status_code == 303
    assert module_settings.get("receivables.letter1_title") == "付款提醒函"


def test_a_leader_cannot_edit_the_templates(park, client, login):
    login(park.leader)
    form = {s.name: "x" for s in spec.settings}
    assert client.post("/settings/receivables", data=form).status_code == 403
    assert module_settings.get("receivables.letter1_title") == "欠款提醒函"


def test_the_content_is_json_a_reader_can_trust(park, owed):
    debtor, first, _second = owed
    first.level = 2
    letter = issue(park, debtor, [first.id], date(2026, 3, 1), level=3)
    assert json.loads(letter.content)["title"] == "最后催缴通知书"


def test_the_letter_pages_take_the_same_queries_for_2_or_20_items(
    park, client, login, make_debtor, make_receivable, count_queries
):
    login(park.finance)

    def queries_for(n):
        debtor = make_debtor(f"商户{n}")
        ids = [make_receivable(debtor, 10_00 + i).id for i in range(n)]
        for i in range(n):  # each after the last one's deadline (10 days)
            letter = issue(park, debtor, ids, date(2026, 3, 1) + timedelta(days=11 * i))
        counts = []
        for url in (
            f"/receivables/letters/{letter.id}",
            f"/receivables/letters/{letter.id}.docx",
            f"/receivables/debtors/{debtor.id}/letters",
            f"/receivables/debtors/{debtor.id}/letters/new",
        ):
            with count_queries() as q:
                assert client.get(url).status_code == 200
            counts.append(q.count)
        return counts

    assert queries_for(2) == queries_for(20)


@pytest.mark.parametrize(
    ("kind", "you"),
    [("person", "您"), ("staff", "您"), ("organisation", "贵单位"), ("merchant", "贵方")],
)
@pytest.mark.parametrize("level", letters.LEVELS)
def test_every_letter_addresses_the_debtor_as_its_kind_calls_for(
    park, make_debtor, make_receivable, kind, you, level
):
    debtor = make_debtor(name="刘秀英", kind=kind)
    owed = make_receivable(debtor, 6_000_00, due_on=date(2024, 1, 31))
    today = date(2026, 3, 1)
    body = letters.compose(
        debtor, debtor.site_id, level, [owed.id], today + timedelta(days=10), today
    )["body"]
    assert body.startswith("截至目前，" + you if level == 1 else you)
    others = {"您", "贵单位", "贵方"} - {you}
    assert not any(word in body for word in others)


def test_a_body_saved_before_the_address_placeholder_still_says_you_to_a_person(
    park, make_debtor, make_receivable
):
    module_settings.save(
        "receivables", {"letter1_body": "贵单位尚欠{total}，请于{deadline}前结清。"}, park.finance
    )
    debtor = make_debtor(name="刘秀英", kind="staff")
    owed = make_receivable(debtor, 6_000_00, due_on=date(2024, 1, 31))
    today = date(2026, 3, 1)
    body = letters.compose(debtor, debtor.site_id, 1, [owed.id], today + timedelta(days=10), today)[
        "body"
    ]
    assert body == "您尚欠¥6,000.00，请于2026年3月11日前结清。"
