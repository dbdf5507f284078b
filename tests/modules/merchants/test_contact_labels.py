"""The merchant's phone has its own label on its page, as the debtor's has."""

import re


def test_the_merchants_phone_is_its_own_row(park, make_merchant, client, login):
    merchant = make_merchant(contact="陈刚", phone="13907834256")
    login(park.manager)
    response = client.get(f"/merchants/merchants/{merchant.id}")
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    assert re.search(r"<dt>Contact</dt><dd>陈刚</dd>", page)
    assert re.search(r'<dt>Phone</dt><dd><a href="tel:13907834256">13907834256</a></dd>', page)
