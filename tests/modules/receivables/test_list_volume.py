"""The lists at volume: what each row shows stays right once the list is paged and
only the page's rows are summed, and the statements per page do not grow with rows."""

from datetime import date

from modules.receivables import payments
from modules.receivables.models import PaymentMethod
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
