"""Who enters the module: its readers, and staff only once they handle a receivable
(403 otherwise, as other modules answer roles outside them); the handler picker lists
people under the sites they work at."""

import re

import pytest
from sqlalchemy import func, select

from modules.receivables import ledger
from modules.receivables.models import Receivable
from parkops.extensions import db
from parkops.timeutil import business_day

ENTRIES = [
    "/receivables/",
    "/receivables/aging",
    "/receivables/aging.xlsx",
    "/receivables/debtors/",
]


@pytest.mark.parametrize("url", ENTRIES)
def test_staff_handling_nothing_is_refused(park, client, login, url):
    login(park.cashier)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ENTRIES)
def test_a_handler_and_finance_enter(app, park, login, make_debtor, make_receivable, url):
    make_receivable(make_debtor(), 100_00, handler_id=park.handler.id)
    for user in (park.handler, park.finance):
        client = app.test_client()
        login(user, test_client=client)
        assert client.get(url).status_code == 200


def test_the_handler_picker_groups_people_by_their_site(park, client, login):
    login(park.finance)
    page = client.get("/receivables/new").get_data(as_text=True)
    picker = re.search(r'<select[^>]*name="handler_id".*?</select>', page, re.S).group(0)
    groups = dict(re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', picker, re.S))
    assert set(groups) == {park.psy.name, park.zylz.name}
    assert "Han Mei" in groups[park.psy.name]  # 濮上园 only
    assert "Han Mei" not in groups[park.zylz.name]
    assert "Feng Tao" in groups[park.zylz.name]  # all sites: under each


def test_a_handler_of_another_site_is_refused(park, make_debtor):
    data = ledger.ReceivableData(
        debtor_id=make_debtor(site=park.zylz).id,
        site_id=park.zylz.id,
        kind=ledger.ReceivableKind.RENT,
        amount_fen=100_00,
        raised_on=business_day(),
        due_on=business_day(),
        handler_id=park.handler.id,  # works at 濮上园 only
    )
    with pytest.raises(ledger.ReceivablesError, match="working at the site"):
        ledger.raise_receivable(data, park.finance, [], None)


def test_a_receivable_at_another_site_than_its_debtors_is_refused(park, client, login, make_debtor):
    debtor = make_debtor("刘秀英", site=park.zylz)
    login(park.finance)
    response = client.post(
        "/receivables/new",
        data={
            "debtor_id": debtor.id,
            "site_id": park.psy.id,
            "kind": "rent",
            "amount": "100",
            "raised_on": business_day().isoformat(),
            "due_on": business_day().isoformat(),
            "idempotency_key": "k-site",
        },
    )
    assert response.status_code == 422
    assert "刘秀英 is a debtor of 中原绿色庄园" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Receivable)) == 0
