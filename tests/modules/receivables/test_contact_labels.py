"""The phone number has its own label on the debtor's and the merchant's page: never
run into the contact's row (where a "—" stands for "no contact")."""

import re

from modules.receivables.models import DebtorKind


def _row(page: str, label: str) -> str:
    return re.search(rf"<dt>{label}</dt><dd>(.*?)</dd>", page).group(1)


def test_the_debtors_phone_is_its_own_row(park, make_debtor, client, login):
    debtor = make_debtor(name="刘秀英", kind=DebtorKind.STAFF, phone="13907834256")
    login(park.finance)
    client.post("/language/en")
    page = client.get(f"/receivables/debtors/{debtor.id}").get_data(as_text=True)
    assert _row(page, "Contact") == "—"
    assert "13907834256" in _row(page, "Phone") and 'href="tel:13907834256"' in page
