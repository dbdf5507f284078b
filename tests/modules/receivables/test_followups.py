"""The follow-up log: finance or the handler logs calls, visits, promises and replies
with author and time, shown on the receivable's and the debtor's pages; bad input is
refused with 422 and stores nothing; no page edits an entry; query counts."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from modules.receivables.models import FollowUp, FollowUpKind
from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.flashes import confirmation


def count():
    return db.session.scalar(select(func.count()).select_from(FollowUp))


@pytest.fixture
def owed(park, make_debtor, make_receivable):
    debtor = make_debtor()
    rent = make_receivable(debtor, 1_000_00, due_on=date(2025, 6, 30), handler_id=park.handler.id)
    return debtor, rent


def promise(**fields):
    return {
        "kind": "promise",
        "note": "财务经理电话承诺",
        "promised_on": (business_day() + timedelta(days=7)).isoformat(),
        "promised": "600.00",
        "idempotency_key": "f1",
        **fields,
    }


def test_finance_logs_a_promise_shown_with_author_and_time(park, client, login, owed):
    debtor, rent = owed
    login(park.finance)
    url = f"/receivables/{rent.id}/follow-ups"
    response = client.post(url, data=promise())
    assert confirmation(client, response) == "Follow-up recorded."
    assert client.post(url, data=promise()).status_code == 303  # a retry: nothing more
    entry = db.session.scalars(select(FollowUp)).one()
    assert (entry.kind, entry.promised_fen, entry.created_by_id) == (
        FollowUpKind.PROMISE,
        600_00,
        park.finance.id,
    )
    assert entry.promised_on == business_day() + timedelta(days=7)
    audited = select(func.count()).where(AuditEntry.action == "receivables.follow_up")
    assert db.session.scalar(audited) == 1

    for page_url in (f"/receivables/{rent.id}", f"/receivables/debtors/{debtor.id}"):
        page = client.get(page_url).get_data(as_text=True)
        assert "财务经理电话承诺" in page and "Feng Tao" in page and "¥600.00" in page


def test_the_handler_logs_a_call_on_her_receivable(park, client, login, owed):
    _debtor, rent = owed
    login(park.handler)
    form = {"kind": "call", "note": "已电话联系，对方称下周付款"}
    assert client.post(f"/receivables/{rent.id}/follow-ups", data=form).status_code == 303
    assert db.session.scalars(select(FollowUp)).one().created_by_id == park.handler.id


@pytest.mark.parametrize(
    ("who", "status"),
    # other and cashier handle nothing: the module is closed to them (access.may_enter)
    [("leader", 403), ("other", 403), ("cashier", 403), ("psy_finance", 303)],
)
def test_who_may_log(park, client, login, owed, who, status):
    _debtor, rent = owed
    login(getattr(park, who))
    form = {"kind": "visit", "note": "上门拜访"}
    assert client.post(f"/receivables/{rent.id}/follow-ups", data=form).status_code == status
    assert count() == (1 if status == 303 else 0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"promised_on": (business_day() - timedelta(days=1)).isoformat()}, "today or later"),
        ({"promised_on": ""}, "today or later"),
        ({"promised": "-5.00"}, "cannot be negative"),
        ({"promised": "0"}, "above zero"),
        ({"promised": "1000.01"}, "more than the open balance (¥1,000.00)"),  # not fen
        ({"kind": "call", "note": ""}, "Say what was said or done"),
        ({"kind": "reply", "note": "字" * 2001}, "2000"),
        ({"kind": "edit"}, "Not a valid choice"),
    ],
)
def test_bad_input_is_refused_with_422_and_nothing_stored(
    park, client, login, owed, change, message
):
    _debtor, rent = owed
    login(park.finance)
    response = client.post(f"/receivables/{rent.id}/follow-ups", data=promise(**change))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count() == 0


def test_an_entry_cannot_be_changed_afterwards(park, client, login, owed, app):
    _debtor, rent = owed
    login(park.finance)
    client.post(f"/receivables/{rent.id}/follow-ups", data=promise())
    entry_id = db.session.scalars(select(FollowUp.id)).one()
    rules = [r.rule for r in app.url_map.iter_rules() if "follow-up" in r.rule]
    assert rules == ["/receivables/<int:receivable_id>/follow-ups"]  # add, nothing else
    for method in (client.put, client.delete):
        assert method(f"/receivables/{rent.id}/follow-ups").status_code == 405
    assert db.session.get(FollowUp, entry_id).note == "财务经理电话承诺"


def test_the_pages_take_the_same_queries_for_2_or_20_entries(
    park, client, login, make_debtor, make_receivable, count_queries
):
    login(park.finance)

    def queries_for(n):
        debtor = make_debtor(f"商户{n}")
        rents = [make_receivable(debtor, 100_00) for _ in range(2)]
        for i in range(n):
            form = {"kind": "call", "note": f"第{i}次电话"}
            client.post(f"/receivables/{rents[i % 2].id}/follow-ups", data=form)
        counts = []
        for url in (f"/receivables/{rents[0].id}", f"/receivables/debtors/{debtor.id}"):
            with count_queries() as q:
                assert client.get(url).status_code == 200
            counts.append(q.count)
        return counts

    assert queries_for(2) == queries_for(20)


def test_the_log_names_its_author_column_as_finance_reads_it_in_chinese(
    park, client, login, owed, app
):
    _debtor, rent = owed
    login(park.finance)
    assert client.post(f"/receivables/{rent.id}/follow-ups", data=promise()).status_code == 303
    app.config["DEFAULT_LOCALE"] = "zh"
    page = client.get(f"/receivables/{rent.id}").get_data(as_text=True)
    assert "<th>记录人</th>" in page and "巡查人" not in page  # not the inspections' "By"
