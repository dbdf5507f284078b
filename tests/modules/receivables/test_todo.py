"""The home page's to-do: finance sees what awaits a letter at a new level (at her
sites), a handler her overdue receivables; the list it leads to, its query count."""

import random
from datetime import timedelta

import pytest

from modules.receivables import generate, letters
from modules.receivables.module import spec
from parkops.extensions import db
from parkops.timeutil import business_day


@pytest.fixture
def owed(park, make_debtor, make_receivable):
    today = business_day()
    psy = make_debtor("濮上园餐厅")
    ready = make_receivable(
        psy, 100_00, due_on=today - timedelta(days=40), handler_id=park.handler.id
    )
    waiting = make_receivable(psy, 200_00, due_on=today - timedelta(days=10))  # overdue, too soon
    zoo = make_receivable(
        make_debtor("动物园小卖部", site=park.zylz), 300_00, due_on=today - timedelta(days=95)
    )
    return ready, waiting, zoo


def texts(user, app):
    with app.test_request_context("/"):
        return [(item.text, item.url) for item in spec.todo(user)]


def test_finance_sees_what_awaits_a_letter_at_her_sites(park, owed, app):
    ready, _waiting, zoo = owed
    assert texts(park.finance, app) == [
        ("2 receivables await a letter at a new reminder level", "/receivables/?chase=1")
    ]
    assert texts(park.psy_finance, app) == [
        ("1 receivable awaits a letter at a new reminder level", "/receivables/?chase=1")
    ]
    today = business_day()
    letters.issue(
        ready.debtor, ready.site_id, 1, [ready.id], today + timedelta(days=9), park.finance, today
    )
    assert texts(park.psy_finance, app) == []


def test_a_handler_sees_her_overdue_receivables_and_a_leader_nothing(park, owed, app):
    assert texts(park.handler, app) == [("1 receivable you handle is overdue", "/receivables/")]
    assert texts(park.other, app) == []
    assert texts(park.leader, app) == []


def test_the_list_awaiting_a_letter(park, owed, client, login):
    ready, waiting, zoo = owed
    login(park.finance)
    page = client.get("/receivables/?chase=1").get_data(as_text=True)
    assert f'receivables/{ready.id}"' in page and f'receivables/{zoo.id}"' in page
    assert f'receivables/{waiting.id}"' not in page


def test_the_list_awaiting_a_letter_takes_the_same_queries_for_3_or_30(
    park, client, login, make_debtor, make_receivable, count_queries
):
    login(park.finance)
    old = business_day() - timedelta(days=50)

    def queries():
        with count_queries() as q:
            assert client.get("/receivables/?chase=1").status_code == 200
        return q.count

    for i in range(3):
        make_receivable(make_debtor(f"商户{i:03d}"), 10_00, due_on=old)
    few = queries()
    for i in range(27):
        make_receivable(make_debtor(f"商户{i + 3:03d}"), 10_00, due_on=old)
    assert queries() == few


def test_finance_sees_more_than_999_without_every_one_counted(park, make_debtor, app):
    debtor = make_debtor()
    rng = random.Random(2)
    generate.receivables(rng, [(debtor.id, debtor.site_id)], 1_300, business_day(), [None])
    db.session.commit()

    text = "More than 999 receivables await a letter at a new reminder level"
    assert texts(park.finance, app) == [(text, "/receivables/?chase=1")]
