"""The lists at volume: what each row shows stays right once the list is paged and
only the page's rows are summed, and the statements per page do not grow with rows."""

import random
from datetime import date

from modules.receivables import generate, payments
from modules.receivables.models import PaymentMethod
from parkops.extensions import db
from parkops.paging import PER_PAGE


def row_of(html: str, name: str) -> str:
    """The table row (``<tr>…</tr>``) that names ``name``."""
    start = html.index(name)
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


def test_a_debtor_on_the_second_page_shows_what_it_owes(
    client, login, park, make_debtor, make_receivable
):
    for i in range(PER_PAGE):
        make_receivable(make_debtor(f"商户{i:03d}"), 10_00)
    late = make_debtor("商户999")  # by name, the last: on page 2
    make_receivable(late, 250_00)
    make_receivable(late, 100_00, due_on=date(2025, 4, 30))
    login(park.finance)

    first = client.get("/receivables/debtors/").get_data(as_text=True)
    second = client.get("/receivables/debtors/?page=2").get_data(as_text=True)

    assert "商户999" not in first
    row = row_of(second, "商户999")
    assert "¥350.00" in row
    assert ">2</td>" in row


def test_a_paid_debtor_owes_nothing_and_a_handler_sums_only_hers(
    app, client, login, park, make_debtor, make_receivable
):
    paid = make_debtor("已付清商户")
    make_receivable(paid, 80_00)
    data = payments.PaymentData(paid.site_id, date(2025, 5, 1), 80_00, PaymentMethod.BANK)
    payments.record_payment(paid, data, park.finance)
    shared = make_debtor("共管商户")
    make_receivable(shared, 100_00, handler_id=park.handler.id)
    make_receivable(shared, 200_00, handler_id=park.other.id)

    login(park.finance)
    listing = client.get("/receivables/debtors/").get_data(as_text=True)
    assert ">0</td>" in row_of(listing, "已付清商户")
    assert "¥0.00" in row_of(listing, "已付清商户")
    assert "¥300.00" in row_of(listing, "共管商户")

    handler = app.test_client()
    login(park.handler, test_client=handler)
    mine = row_of(handler.get("/receivables/debtors/").get_data(as_text=True), "共管商户")
    assert "¥100.00" in mine
    assert "¥300.00" not in mine


def test_a_long_receivables_list_is_counted_only_ten_pages_ahead(
    client, login, park, make_debtor, count_queries
):
    debtor = make_debtor()
    rng = random.Random(1)
    owed = generate.receivables(rng, [(debtor.id, debtor.site_id)], 700, date(2025, 6, 1), [None])
    db.session.commit()
    login(park.finance)

    first = client.get("/receivables/").get_data(as_text=True)
    with count_queries() as q:
        later = client.get("/receivables/?page=12").get_data(as_text=True)

    # 700 open ones: page 1 counts 11 pages (550) and says there are more
    assert "more than 550" in first
    assert 'href="/receivables/?page=2"' in first
    # page 12 counts up to 22 pages, finds all 14, and links back and on
    assert "more than" not in later
    assert "(700)" in later
    assert 'href="/receivables/?page=13"' in later
    oldest_on_page_12 = sorted(owed, key=lambda r: (r[3], r[0]))[11 * PER_PAGE][0]
    assert f'href="/receivables/{oldest_on_page_12}"' in later
    assert q.count == 3  # the account, the page's rows, their capped count
