"""A debtor's statement: opening balance, raised, paid, closing; a reversed payment
nets to zero; the print view and the .xlsx; the reader's scope."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from modules.receivables import payments, statements
from modules.receivables.models import PaymentMethod


def pay(park, debtor, fen, day, **fields):
    data = payments.PaymentData(debtor.site_id, day, fen, PaymentMethod.BANK, **fields)
    return payments.record_payment(debtor, data, park.finance)


@pytest.fixture
def history(park, make_debtor, make_receivable):
    debtor = make_debtor()
    make_receivable(debtor, 1000_00, raised_on=date(2024, 12, 1), due_on=date(2024, 12, 31))
    pay(park, debtor, 300_00, date(2024, 12, 20), receipt_no="R-1")
    make_receivable(
        debtor, 500_00, raised_on=date(2025, 2, 1), due_on=date(2025, 2, 28), origin="ZL-7"
    )
    pay(park, debtor, 700_00, date(2025, 2, 10), receipt_no="R-2")
    wrong = pay(park, debtor, 100_00, date(2025, 3, 5), receipt_no="R-3")
    payments.propose_reversal(wrong, "录错", park.finance)
    payments.decide_reversal(wrong, True, park.finance2)
    make_receivable(debtor, 80_00, raised_on=date(2025, 4, 1), due_on=date(2025, 4, 30))
    return debtor


def test_the_statement_of_a_period(park, history):
    st = statements.statement(park.finance, history, date(2025, 1, 1), date(2025, 3, 31))

    assert st.opening_fen == 700_00
    assert (st.raised_fen, st.paid_fen, st.closing_fen) == (500_00, 700_00, 500_00)
    assert [(line.day, line.raised_fen, line.paid_fen, line.balance_fen) for line in st.lines] == [
        (date(2025, 2, 1), 500_00, 0, 1200_00),
        (date(2025, 2, 10), 0, 700_00, 500_00),
        (date(2025, 3, 5), 0, 0, 500_00),
    ]
    assert [line.reversed for line in st.lines] == [False, False, True]


def test_the_print_view_and_the_xlsx(client, login, park, history):
    login(park.finance)
    period = "start=2025-01-01&end=2025-03-31"

    printed = client.get(f"/receivables/debtors/{history.id}/statement?print=1&{period}")
    text = printed.get_data(as_text=True)
    assert "document-print.css" in text and "¥1,200.00" in text and "(seal)" in text

    book = client.get(f"/receivables/debtors/{history.id}/statement.xlsx?{period}")
    rows = [[c.value for c in r] for r in load_workbook(BytesIO(book.data)).active.iter_rows()]
    assert rows[0][2:] == ["Raised", "Paid", "Written off", "Balance"]
    assert rows[1][1] == "Opening balance" and rows[1][5] == pytest.approx(700)
    assert rows[-1][1:] == ["Closing balance", 500, 700, 0, 500]


def test_a_period_ending_before_it_starts_is_refused(client, login, park, history):
    login(park.finance)
    url = f"/receivables/debtors/{history.id}/statement?start=2025-03-01&end=2025-02-01"

    assert client.get(url).status_code == 400


def test_a_handler_sees_only_her_part(park, make_debtor, make_receivable):
    debtor = make_debtor()
    make_receivable(debtor, 100_00, raised_on=date(2025, 1, 5), handler_id=park.handler.id)
    make_receivable(debtor, 900_00, raised_on=date(2025, 1, 6), handler_id=park.other.id)

    st = statements.statement(park.handler, debtor, date(2025, 1, 1), date(2025, 1, 31))

    assert st.raised_fen == 100_00
