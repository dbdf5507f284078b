"""The pages: who sees and does what (finance writes, a handler sees her own, sites
hold), forms that refuse bad input with 422, retries, masking, query counts."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from modules.receivables import ledger
from modules.receivables.models import Debtor, Payment, Receivable
from parkops.attachments import Attachment
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.flashes import confirmation


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def owed(park, make_debtor, make_receivable):
    """A merchant at 濮上园 owing two rents (one handled by Han Mei), and a debtor at
    the zoo."""
    debtor = make_debtor(id_code="91410900MA44XYZ12K", contact="张三", phone="13900000000")
    mine = make_receivable(debtor, 100_00, due_on=date(2024, 12, 31), handler_id=park.handler.id)
    theirs = make_receivable(debtor, 200_00, due_on=date(2025, 3, 31), handler_id=park.other.id)
    zoo = make_debtor("动物园小卖部", site=park.zylz)
    zoo_rent = make_receivable(zoo, 300_00)
    return debtor, mine, theirs, zoo, zoo_rent


def payment_form(**fields):
    return {
        "site_id": fields.pop("site_id"),
        "paid_on": business_day().isoformat(),
        "amount": "150.00",
        "method": "bank",
        "receipt_no": "",
        "idempotency_key": "k1",
        **fields,
    }


def test_finance_records_a_payment_and_a_retry_records_nothing_more(client, login, park, owed):
    debtor, mine, theirs, *_ = owed
    login(park.finance)

    form = payment_form(site_id=park.psy.id)
    first = client.post(f"/receivables/debtors/{debtor.id}/payments/new", data=form)
    again = client.post(f"/receivables/debtors/{debtor.id}/payments/new", data=form)

    payment = db.session.scalars(select(Payment)).one()
    assert first.status_code == again.status_code == 303
    assert first.location == again.location == f"/receivables/payments/{payment.id}"
    assert [ledger.balance_of(mine), ledger.balance_of(theirs)] == [0, 150_00]
    page = client.get(first.location).get_data(as_text=True)
    assert "¥150.00" in page and "Ask for a reversal" in page
    assert "Payment of ¥150.00 recorded." in page  # the confirmation, as other forms give


def test_each_step_of_a_reversal_is_confirmed(client, login, park, owed):
    debtor = owed[0]
    login(park.finance)
    url = client.post(
        f"/receivables/debtors/{debtor.id}/payments/new", data=payment_form(site_id=park.psy.id)
    ).location
    client.get(url)  # the recording's confirmation read
    asked = client.post(f"{url}/reverse", data={"reason": "收款登记错了"}, follow_redirects=True)
    assert "The reversal waits for a second person." in asked.get_data(as_text=True)
    client.post("/logout")
    login(park.finance2)
    decided = client.post(f"{url}/decide", data={"decision": "reject"}, follow_redirects=True)
    assert "Rejected: the payment stands." in decided.get_data(as_text=True)


@pytest.mark.parametrize(
    ("amount", "paid_on", "message"),
    [
        ("-5", None, "The amount cannot be negative."),
        ("12,5", None, "Not an amount in yuan"),
        ("300.01", None, "larger than the open balance (¥300.00)"),
        ("10", "2099-01-01", "in the future"),
        ("10", "1900-01-01", "Enter a date between 2000 and 2100."),
        ("10", "2999-01-01", "Enter a date between 2000 and 2100."),
        ("10", "2024-06-30", "before receivable"),  # the oldest was raised 2024-12-31
    ],
)
def test_a_refused_payment_answers_422_and_stores_nothing(
    client, login, park, owed, amount, paid_on, message
):
    debtor = owed[0]
    login(park.finance)
    form = payment_form(site_id=park.psy.id, amount=amount)
    if paid_on:
        form["paid_on"] = paid_on

    page = client.get(f"/receivables/debtors/{debtor.id}/payments/new").get_data(as_text=True)
    assert 'min="2000-01-01"' in page and 'max="2100-12-31"' in page
    response = client.post(f"/receivables/debtors/{debtor.id}/payments/new", data=form)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Payment) == 0


def test_the_leader_reads_but_cannot_write(client, login, park, owed):
    debtor = owed[0]
    login(park.leader)

    assert client.get(f"/receivables/debtors/{debtor.id}").status_code == 200
    page = client.get("/receivables/debtors/").get_data(as_text=True)
    assert "Add a debtor" not in page and "Record a payment" not in page
    posted = client.post(
        f"/receivables/debtors/{debtor.id}/payments/new", data=payment_form(site_id=park.psy.id)
    )
    assert posted.status_code == 403
    assert client.get("/receivables/new").status_code == 403


def test_a_handler_sees_only_the_receivables_she_handles(client, login, park, owed):
    debtor, mine, theirs, zoo, zoo_rent = owed
    login(park.handler)

    listing = client.get("/receivables/").get_data(as_text=True)
    assert f'href="/receivables/{mine.id}"' in listing
    assert f'href="/receivables/{theirs.id}"' not in listing
    assert client.get(f"/receivables/{mine.id}").status_code == 200
    assert client.get(f"/receivables/{theirs.id}").status_code == 404
    assert client.get(f"/receivables/debtors/{debtor.id}").status_code == 200
    assert client.get(f"/receivables/debtors/{zoo.id}").status_code == 404
    assert "动物园小卖部" not in client.get("/receivables/debtors/").get_data(as_text=True)


def test_staff_who_handle_nothing_see_no_debtor(client, login, park, owed):
    login(park.cashier)  # the module is closed to her (access.may_enter)

    assert client.get(f"/receivables/debtors/{owed[0].id}").status_code == 403
    assert client.get("/receivables/debtors/").status_code == 403


def test_another_sites_records_stay_unseen(client, login, park, owed):
    debtor, _mine, _theirs, zoo, zoo_rent = owed
    login(park.psy_finance)

    assert client.get(f"/receivables/debtors/{zoo.id}").status_code == 404
    assert client.get(f"/receivables/{zoo_rent.id}").status_code == 404
    posted = client.post(
        f"/receivables/debtors/{zoo.id}/payments/new", data=payment_form(site_id=park.zylz.id)
    )
    assert posted.status_code == 404
    assert client.get(f"/receivables/debtors/{debtor.id}").status_code == 200


def test_the_id_number_is_masked_on_the_list(client, login, park, owed):
    login(park.finance)

    page = client.get("/receivables/debtors/").get_data(as_text=True)

    assert "91**************2K" in page
    assert "91410900MA44XYZ12K" not in page


def test_finance_adds_a_debtor_and_raises_a_receivable_with_a_scan(client, login, park):
    login(park.finance)
    added = client.post(
        "/receivables/debtors/new",
        data={"site_id": park.psy.id, "name": "濮上园游船队", "kind": "organisation"},
    )
    debtor = db.session.scalars(select(Debtor)).one()
    assert added.location == f"/receivables/debtors/{debtor.id}"
    assert confirmation(client, added) == "Debtor 濮上园游船队 added."

    raised = client.post(
        "/receivables/new",
        data={
            "debtor_id": debtor.id,
            "site_id": park.psy.id,
            "kind": "utilities",
            "origin": "濮园管〔2025〕12号",
            "amount": "1,050.07",
            "raised_on": "2025-02-01",
            "due_on": "2025-02-28",
            "department_id": "",
            "handler_id": str(park.handler.id),
            "files": (io.BytesIO(b"%PDF-1.4 scan"), "借据.pdf"),
        },
        content_type="multipart/form-data",
    )

    receivable = db.session.scalars(select(Receivable)).one()
    assert raised.status_code == 303
    assert (receivable.amount_fen, receivable.handler_id) == (1050_07, park.handler.id)
    scan = db.session.scalars(select(Attachment)).one()
    assert confirmation(client, raised) == "Receivable of ¥1,050.07 recorded."
    page = client.get(raised.location).get_data(as_text=True)
    assert "借据.pdf" in page
    download = client.get(f"/receivables/{receivable.id}/files/{scan.id}")
    assert download.data == b"%PDF-1.4 scan"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "0"}, "The amount must be more than zero."),
        ({"amount": "100000000.01"}, "The amount is too large."),
        ({"raised_on": "2099-01-01", "due_on": "2099-02-01"}, "in the future"),
        ({"raised_on": "1900-01-01"}, "Enter a date between 2000 and 2100."),
        ({"due_on": "2999-02-01"}, "Enter a date between 2000 and 2100."),
        ({"due_on": "2025-01-01"}, "The due date comes before the date it was raised."),
    ],
)
def test_a_bad_receivable_is_refused_with_422(client, login, park, make_debtor, fields, message):
    debtor = make_debtor()
    login(park.finance)
    data = {
        "debtor_id": debtor.id,
        "site_id": park.psy.id,
        "kind": "rent",
        "amount": "100",
        "raised_on": "2025-02-01",
        "due_on": "2025-02-28",
        **fields,
    }

    response = client.post("/receivables/new", data=data)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Receivable) == 0


def test_the_lists_take_the_same_queries_for_3_or_30_debtors(
    client, login, park, make_debtor, make_receivable, count_queries
):
    login(park.finance)

    def queries_for(n):
        for i in range(n):
            make_receivable(make_debtor(f"商户{i:03d}"), 10_00 + i)
        counts = []
        for url in ("/receivables/", "/receivables/debtors/"):
            with count_queries() as q:
                assert client.get(url).status_code == 200
            counts.append(q.count)
        return counts

    assert queries_for(3) == queries_for(27)


def test_two_payments_at_once_cannot_both_take_one_balance(app, login, park, owed):
    """Real threads, each its own signed-in client: ¥300 owed, two clerks post ¥200."""
    from tests.core.test_limits import run_at_once

    url = f"/receivables/debtors/{owed[0].id}/payments/new"
    clients = [app.test_client() for _ in range(2)]
    for c in clients:
        login(park.finance, test_client=c)
    forms = [
        payment_form(site_id=park.psy.id, amount="200", idempotency_key=f"k{n}") for n in (1, 2)
    ]

    def send(n: int) -> int:
        return clients[n].post(url, data=forms[n]).status_code

    assert sorted(run_at_once(2, send)) == [303, 422]
    db.session.expire_all()
    assert count(Payment) == 1


def test_the_handler_offered_and_accepted_is_someone_who_sees_the_site(
    client, login, park, make_debtor, make_user
):
    zoo = make_user("zoohandler", ["merchants"], sites=[park.zylz], display_name="Zhao Yun")
    debtor = make_debtor()
    data = {
        "debtor_id": debtor.id,
        "site_id": park.psy.id,
        "kind": "rent",
        "amount": "100",
        "raised_on": "2025-02-01",
        "due_on": "2025-02-28",
        "handler_id": zoo.id,
    }
    login(park.psy_finance)
    page = client.get("/receivables/new").get_data(as_text=True)
    assert "Han Mei" in page and "Zhao Yun" not in page
    for finance in (park.psy_finance, park.finance):
        client.post("/logout")
        login(finance)
        response = client.post("/receivables/new", data=data)
        assert response.status_code == 422
        assert "The handler must be someone working at the site." in response.get_data(as_text=True)
    assert count(Receivable) == 0
