"""Aging: bucket edges (the 30th and 31st day, a year across 29 February), balances
as of a past day, groupings whose totals add up to the fen, the page, the chart and
the .xlsx, constant queries."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from modules.receivables import aging, payments
from modules.receivables.buckets import Bucket, bucket_of
from modules.receivables.models import PaymentMethod, ReceivableKind


@pytest.mark.parametrize(
    ("due_on", "as_of", "bucket"),
    [
        (date(2025, 5, 1), date(2025, 5, 1), Bucket.NOT_DUE),  # due today: not overdue yet
        (date(2025, 4, 30), date(2025, 5, 1), Bucket.D1_30),
        (date(2025, 4, 1), date(2025, 5, 1), Bucket.D1_30),  # 30th day
        (date(2025, 3, 31), date(2025, 5, 1), Bucket.D31_90),  # 31st day
        (date(2025, 1, 31), date(2025, 5, 1), Bucket.D31_90),  # 90th day
        (date(2025, 1, 30), date(2025, 5, 1), Bucket.D91_180),  # 91st day
        (date(2024, 11, 2), date(2025, 5, 1), Bucket.D91_180),  # 180th day
        (date(2024, 11, 1), date(2025, 5, 1), Bucket.D181_365),  # 181st day
        # A year across 29 February 2024 is 366 days: still within one year …
        (date(2024, 3, 1), date(2025, 3, 1), Bucket.D181_365),
        (date(2024, 2, 29), date(2025, 3, 1), Bucket.Y1_2),  # … and a day more is over it
        (date(2024, 2, 28), date(2025, 2, 28), Bucket.D181_365),
        (date(2023, 2, 28), date(2024, 2, 29), Bucket.Y1_2),  # a day past the anniversary
        (date(2023, 3, 1), date(2024, 2, 29), Bucket.D181_365),
        (date(2022, 5, 1), date(2025, 5, 1), Bucket.Y2_3),
        (date(2022, 4, 30), date(2025, 5, 1), Bucket.OVER_3Y),
        (date(2017, 6, 30), date(2025, 5, 1), Bucket.OVER_3Y),
    ],
)
def test_bucket_edges(due_on, as_of, bucket):
    assert bucket_of(due_on, as_of) == bucket


def test_the_sql_puts_each_receivable_in_the_same_bucket_as_the_rule(
    park, make_debtor, make_receivable
):
    as_of = date(2025, 3, 1)
    dues = [as_of - timedelta(days=n) for n in (0, 1, 30, 31, 90, 91, 180, 181, 365, 366, 367)]
    dues += [date(2023, 3, 1), date(2023, 2, 28), date(2022, 3, 1), date(2022, 2, 28)]
    debtor = make_debtor()
    expected = [0] * len(Bucket)
    for i, due in enumerate(dues):
        make_receivable(debtor, 1_00 + i, due_on=due, raised_on=min(due, as_of))
        expected[bucket_of(due, as_of)] += 1_00 + i

    grid = aging.aging(park.finance, as_of)

    assert grid.totals == expected
    assert grid.total == sum(1_00 + i for i in range(len(dues)))


def test_a_past_day_counts_what_was_raised_and_paid_by_then(park, make_debtor, make_receivable):
    debtor = make_debtor()
    rent = make_receivable(debtor, 1000_00, due_on=date(2025, 1, 31), raised_on=date(2025, 1, 1))
    make_receivable(debtor, 500_00, due_on=date(2025, 6, 30), raised_on=date(2025, 6, 1))
    data = payments.PaymentData(debtor.site_id, date(2025, 3, 10), 400_00, PaymentMethod.CASH)
    payments.record_payment(debtor, data, park.finance)

    before = aging.aging(park.finance, date(2025, 3, 9))
    after = aging.aging(park.finance, date(2025, 3, 10))

    assert before.totals[Bucket.D31_90] == 1000_00 and before.total == 1000_00
    assert after.totals[Bucket.D31_90] == 600_00 and after.total == 600_00
    assert rent.amount_fen == 1000_00


def test_groupings_add_up_to_the_fen(park, make_debtor, make_receivable):
    a = make_debtor("甲商户")
    b = make_debtor("乙单位", site=park.zylz)
    make_receivable(a, 333_33, due_on=date(2024, 1, 1), handler_id=park.handler.id)
    make_receivable(a, 1_01, due_on=date(2025, 4, 1), kind=ReceivableKind.UTILITIES)
    make_receivable(b, 999_99, due_on=date(2020, 1, 1))  # the handler works at psy only
    as_of = date(2025, 5, 1)

    grids = {by: aging.aging(park.finance, as_of, by) for by in aging.GROUPINGS}

    assert {g.total for g in grids.values()} == {333_33 + 1_01 + 999_99}
    assert {tuple(g.totals) for g in grids.values()} == {tuple(grids["debtor"].totals)}
    assert [(r.name, r.total) for r in grids["debtor"].rows] == [
        ("乙单位", 999_99),
        ("甲商户", 334_34),
    ]
    assert [(r.name, r.total) for r in grids["handler"].rows] == [
        ("Han Mei", 333_33),
        ("—", 1_01 + 999_99),
    ]
    assert sorted(r.name for r in grids["kind"].rows) == ["Rent", "Water and electricity"]


def test_the_page_draws_the_chart_and_the_xlsx_reads_back(
    client, login, park, make_debtor, make_receivable, count_queries
):
    debtor = make_debtor()
    make_receivable(debtor, 1050_07, due_on=date(2017, 5, 1), raised_on=date(2017, 4, 1))
    login(park.finance)

    page = client.get("/receivables/aging?as_of=2025-05-01").get_data(as_text=True)
    assert "<svg" in page and "¥1,050.07" in page and "Over 3 years" in page

    download = client.get("/receivables/aging.xlsx?as_of=2025-05-01&by=debtor")
    sheet = load_workbook(BytesIO(download.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][-2:] == ["Over 3 years", "Total"]
    assert rows[1][0] == debtor.name and rows[1][-1] == pytest.approx(1050.07)
    assert rows[-1][0] == "Total"

    def queries(n):
        for i in range(n):
            make_receivable(make_debtor(f"商户{i}"), 10_00, due_on=date(2024, 1, i + 1))
        with count_queries() as q:
            assert client.get("/receivables/aging?as_of=2025-05-01").status_code == 200
        return q.count

    assert queries(2) == queries(20)


def test_a_handler_ages_only_her_receivables(park, make_debtor, make_receivable):
    debtor = make_debtor()
    make_receivable(debtor, 100_00, handler_id=park.handler.id)
    make_receivable(debtor, 200_00, handler_id=park.other.id)

    assert aging.aging(park.handler, date(2025, 5, 1)).total == 100_00
