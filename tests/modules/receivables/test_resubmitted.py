"""Back, then submit again, on finance's forms: the page comes back with a new
idempotency key, but a payment (money) or a follow-up posted again with the very same
content is recorded once and answered "already recorded"; a different amount or note
is a new entry."""

from sqlalchemy import func, select

from modules.receivables.models import FollowUp, Payment
from parkops.extensions import db
from tests.modules.receivables.test_followups import owed as owed  # noqa: F401
from tests.modules.receivables.test_followups import promise
from tests.modules.receivables.test_pages import payment_form

ALREADY = "Already recorded a moment ago"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_payment_posted_again_from_a_fresh_page_is_recorded_once(client, login, park, owed):
    debtor, _rent = owed
    login(park.finance)
    url = f"/receivables/debtors/{debtor.id}/payments/new"

    first = client.post(url, data=payment_form(site_id=park.psy.id, idempotency_key="t-1"))
    again = client.post(url, data=payment_form(site_id=park.psy.id, idempotency_key="t-2"))
    assert first.status_code == again.status_code == 303 and again.location == first.location
    assert ALREADY in client.get(again.location).get_data(as_text=True)
    assert count(Payment) == 1

    other = payment_form(site_id=park.psy.id, idempotency_key="t-3", amount="20.00")
    assert client.post(url, data=other).status_code == 303
    assert sorted(db.session.scalars(select(Payment.amount_fen))) == [20_00, 150_00]


def test_a_follow_up_posted_again_is_recorded_once_and_another_note_is_new(
    client, login, park, owed
):
    _debtor, rent = owed
    login(park.finance)
    url = f"/receivables/{rent.id}/follow-ups"
    assert client.post(url, data=promise(idempotency_key="t-1")).status_code == 303
    assert client.post(url, data=promise(idempotency_key="t-2")).status_code == 303
    assert count(FollowUp) == 1
    client.post(url, data=promise(idempotency_key="t-3", note="财务经理再次承诺"))
    assert count(FollowUp) == 2
