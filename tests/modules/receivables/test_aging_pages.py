"""Aging at volume: the grids by kind, site and handler read the stored sums, the grid
by debtor is paged (its totals still every debtor's), a past day takes back what was
raised or paid after it, and the statements per page do not grow with the ledger."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from modules.receivables import aging, payments
from modules.receivables.models import PaymentMethod, ReceivableKind
from parkops.paging import PER_PAGE


def test_a_past_day_read_from_the_sums_matches_the_receivables(park, make_debtor, make_receivable):
    debtor = make_debtor()
    first = make_receivable(debtor, 500_00, due_on=date(2024, 1, 31), raised_on=date(2024, 1, 1))
    make_receivable(
        debtor,
        70_00,
        due_on=date(2025, 6, 30),
        raised_on=date(2025, 6, 1),
        kind=ReceivableKind.UTILITIES,
        handler_id=park.handler.id,
    )  # fmt: skip  (raised after the day asked for)
    data = payments.PaymentData(
        debtor.site_id,
        date(2025, 5, 20),
        200_00,
        PaymentMethod.BANK,
        "P1",
        receivable_ids=[first.id],
    )
    payments.record_payment(debtor, data, park.finance)  # paid after the day asked for

    day = date(2025, 5, 1)
    by_debtor = aging.aging(park.finance, day, "debtor")  # from the receivables (export)
    assert by_debtor.total == 500_00
    for by in ("kind", "site", "handler"):
        grid = aging.aging(park.finance, day, by)  # from the sums
        assert grid.totals == by_debtor.totals, by
        assert len(grid.rows) == 1
    today = aging.aging(park.finance, date(2025, 7, 1), "handler")
    assert sorted((r.name, r.total) for r in today.rows) == [("Han Mei", 70_00), ("—", 300_00)]


def test_the_debtor_grid_is_paged_and_its_totals_are_every_debtors(
    client, login, park, make_debtor, make_receivable
):
    for i in range(PER_PAGE):
        make_receivable(make_debtor(f"商户{i:03d}"), 10_00, due_on=date(2024, 1, 1))
    make_debtor("商户998")  # owes nothing: not a row
    make_receivable(make_debtor("商户999"), 250_00, due_on=date(2025, 4, 30))
    login(park.finance)

    first = client.get("/receivables/aging?as_of=2025-05-01").get_data(as_text=True)
    second = client.get("/receivables/aging?as_of=2025-05-01&page=2").get_data(as_text=True)

    assert "商户049" in first and "商户999" not in first
    assert "商户999" in second and "商户998" not in second and "商户000" not in second
    assert "page=2" in first
    for page in (first, second):  # 50 × ¥10.00 + ¥250.00 on both pages
        assert "¥750.00" in page
    sheet = load_workbook(
        BytesIO(client.get("/receivables/aging.xlsx?as_of=2025-05-01&by=debtor").data)
    ).active
    assert sheet.max_row == PER_PAGE + 1 + 2  # header, every debtor owing, the total


@pytest.mark.parametrize("by", ["kind", "debtor", "site", "handler"])
def test_the_aging_page_runs_as_many_statements_at_any_volume(
    client, login, park, make_debtor, make_receivable, count_queries, by
):
    login(park.finance)

    def queries(debtors: int) -> int:
        for i in range(debtors):
            debtor = make_debtor(f"商户{by}{i}")
            for month in (1, 6):
                make_receivable(debtor, 10_00 + i, due_on=date(2024, month, i % 28 + 1))
        url = f"/receivables/aging?as_of=2025-05-01&by={by}"
        assert client.get(url).status_code == 200  # stores the month-end before the day
        with count_queries() as q:
            assert client.get(url).status_code == 200
        return q.count

    assert queries(2) == queries(PER_PAGE + 10)
