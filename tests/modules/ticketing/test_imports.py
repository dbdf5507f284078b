"""Importing sales files and gate counts: all or nothing, every bad row reported, never twice."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from modules.ticketing import shifts, stock
from modules.ticketing.days import reconciliation, signoff
from modules.ticketing.days.record import day_record
from modules.ticketing.errors import TicketingError
from modules.ticketing.imports import GATE_COLUMNS, import_gate_counts, import_sales
from modules.ticketing.models import DailySales, GateCount, Payment, SalesLine
from parkops.extensions import db
from parkops.timeutil import business_day, local_midnight_utc, local_zone, utcnow
from tests.titled import titled_xlsx

from .conftest import REVERSAL_COLUMNS, SALES_COLUMNS, csv_bytes, sale, sold_at, xlsx_bytes

pytestmark = pytest.mark.usefixtures("english")  # the texts checked are the English ones


def lines() -> int:
    return db.session.scalar(select(func.count()).select_from(SalesLine))


def test_a_valid_file_is_imported_into_the_open_shift(world):
    shift = world.open()
    world.take(shift, world.zoo_ticket, 5000, 5099)
    rows = [
        sale(world, world.zoo_ticket, serial=5000, payment="wechat"),
        sale(world, world.zoo_ticket, serial=5001),
        sale(world, world.combo, quantity=3, amount="240.00", payment="alipay"),
    ]
    result = import_sales("sales.csv", csv_bytes(rows), world.seller)
    assert (result.ok, result.imported, result.skipped) == (True, 3, 0)
    assert {line.shift_id for line in db.session.scalars(select(SalesLine))} == {shift.id}
    assert db.session.scalar(select(func.sum(DailySales.amount_fen))) == 6000 * 2 + 24000


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda rows: csv_bytes(rows, encoding="utf-8-sig"), id="utf-8 with BOM"),
        pytest.param(lambda rows: csv_bytes(rows, encoding="gb18030"), id="gb18030"),
        pytest.param(xlsx_bytes, id="xlsx"),
    ],
)
def test_encodings_and_workbooks(world, encode):
    world.open()
    rows = [sale(world, world.combo, amount="80")]
    name = "销售.xlsx" if encode is xlsx_bytes else "销售.csv"
    result = import_sales(name, encode(rows), world.seller)
    assert result.ok and result.imported == 1


def test_columns_in_any_order_and_extra_columns_ignored(world):
    world.open()
    columns = (
        "备注",
        "status",
        "payment",
        "amount",
        "quantity",
        "serial",
        "product",
        "cashier",
        "office",
        "sold_at",
    )
    rows = [{**sale(world, world.combo), "备注": "团队"}]
    assert import_sales("x.csv", csv_bytes(rows, columns=columns), world.seller).imported == 1


def test_times_with_an_offset_and_without_seconds(world):
    world.open()
    moment = max(utcnow() - timedelta(minutes=2), local_midnight_utc(business_day()))
    moment = moment.replace(second=0, microsecond=0)
    local = moment.astimezone(local_zone())
    rows = [
        sale(world, world.combo, when=local.strftime("%Y-%m-%d %H:%M")),
        sale(world, world.combo, when=moment.strftime("%Y-%m-%dT%H:%M:%SZ")),
        sale(world, world.combo, when=local.strftime("%Y-%m-%d %H:%M:%S+08:00")),
    ]
    result = import_sales("t.csv", csv_bytes(rows), world.seller)
    assert result.ok, result.errors
    assert set(db.session.scalars(select(SalesLine.sold_at))) == {moment}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"office": "NOPE"}, "unknown office NOPE"),
        ({"product": "NOPE"}, "unknown product NOPE"),
        ({"cashier": "nobody"}, "unknown seller nobody"),
        ({"cashier": "auditor1"}, "not a seller of office N"),
        ({"sold_at": "26/11/2024 10:00"}, "not a date: 26/11/2024 10:00"),
        ({"sold_at": "2024-02-30 10:00"}, "not a date: 2024-02-30"),
        ({"sold_at": "2024-02-03"}, "give the time as well as the date"),
        ({"sold_at": "2099-01-01 10:00"}, "in the future"),
        ({"sold_at": "2001-01-01 10:00"}, "2001-01-01 is more than two years back"),
        # With an offset: year 1 or 9999 overflowed in UTC (a 500, not a line's reason).
        ({"sold_at": "9999-12-31 23:00-08:00"}, "date out of range (2000 to 2100): 9999-12-31"),
        ({"sold_at": "0001-01-01 00:30+08:00"}, "date out of range (2000 to 2100): 0001-01-01"),
        ({"quantity": "-1"}, "quantity -1 is not a whole number from 1 to 10000"),
        ({"quantity": "0"}, "quantity 0 is not a whole number"),
        ({"quantity": "1.5"}, "quantity 1.5 is not a whole number"),
        ({"amount": "abc"}, "not an amount in yuan (e.g. 1,234.50): abc"),
        ({"amount": "1.234"}, "not an amount in yuan (e.g. 1,234.50): 1.234"),
        ({"amount": "12,5"}, "not an amount in yuan (e.g. 1,234.50): 12,5"),
        ({"amount": "-80"}, "amount -80 is negative"),
        ({"amount": "10000000.01"}, "amount 10000000.01 is too large for one line"),
        ({"quantity": "10001"}, "quantity 10001 is not a whole number from 1 to 10000"),
        ({"product": "ZOO-A", "serial": "10000000000000"}, "is not a ticket number"),
        ({"payment": "bitcoin"}, "payment bitcoin is not one of"),
        ({"status": "stolen"}, "status stolen is not one of"),
        ({"serial": "12"}, "has no printed serials"),
        ({"product": "GATE-A"}, "its serial is missing"),
        ({"sold_at": "DAYS AGO"}, "no open shift"),
    ],
)
def test_each_bad_row_is_reported_and_nothing_is_imported(world, change, reason):
    world.open()
    if change.get("sold_at") == "DAYS AGO":  # priced, but no shift then
        change = {"sold_at": f"{business_day() - timedelta(days=5)} 10:00"}
    rows = [sale(world, world.combo), {**sale(world, world.combo), **change}]
    result = import_sales("bad.csv", csv_bytes(rows), world.manager)
    assert not result.ok
    assert [e.line for e in result.errors] == [3]  # line 1 is the header
    assert any(reason in r for r in result.errors[0].reasons), result.errors[0].reasons
    # the line is its own column of the error table: a reason never names it again
    assert not any(r.startswith("Line") for r in result.errors[0].reasons)
    assert lines() == 0


def test_every_bad_row_is_listed_with_all_its_reasons(world):
    world.open()
    rows = [
        {**sale(world, world.combo), "quantity": "0", "amount": "x"},
        sale(world, world.combo),
        {**sale(world, world.combo), "office": "NOPE"},
    ]
    result = import_sales("bad.csv", csv_bytes(rows), world.seller)
    assert [(e.line, len(e.reasons)) for e in result.errors] == [(2, 2), (4, 1)]
    assert lines() == 0


def test_a_serial_sold_twice_is_refused(world):
    shift = world.open()
    world.take(shift, world.zoo_ticket, 5000, 5099)
    assert import_sales(
        "a.csv", csv_bytes([sale(world, world.zoo_ticket, serial=5000)]), world.seller
    ).ok
    result = import_sales(
        "b.csv",
        csv_bytes(
            [
                {**sale(world, world.zoo_ticket, serial=5000), "payment": "wechat"},
                sale(world, world.zoo_ticket, serial=5001),
                {**sale(world, world.zoo_ticket, serial=5001), "payment": "alipay"},
            ]
        ),
        world.seller,
    )
    reasons = {e.line: e.reasons for e in result.errors}
    assert "serial 5000 is already sold" in reasons[2]
    assert "serial 5001 is sold twice in this file (also line 3)" in reasons[4]
    assert lines() == 1


def test_refunds_and_voids_of_printed_tickets(world):
    shift = world.open()
    world.take(shift, world.zoo_ticket, 5000, 5099)
    stock.request_void(shift, world.zoo_ticket, 5050, "torn", world.seller)
    refund = {"status": "refund", "reason": "rain"}
    result = import_sales(
        "r.csv",
        csv_bytes(
            [
                {**sale(world, world.zoo_ticket, serial=5001), **refund},
                sale(world, world.zoo_ticket, serial=5002, status="void"),
                sale(world, world.zoo_ticket, serial=5050),
                sale(world, world.zoo_ticket, serial=5003),
                {**sale(world, world.zoo_ticket, serial=5003), **refund},
                {**sale(world, world.zoo_ticket, serial=5003), **refund},
            ],
            REVERSAL_COLUMNS,
        ),
        world.seller,
    )
    reasons = {e.line: " ".join(e.reasons) for e in result.errors}
    assert "nothing to refund" in reasons[2]
    assert "5002 has no approved void" in reasons[3]
    assert "5050 is voided" in reasons[4]
    assert 5 not in reasons and 6 not in reasons
    assert "already refunded" in reasons[7]


def test_a_seller_imports_only_her_own_sales_a_manager_any(world):
    world.open()
    world.open(world.seller2, world.window2)
    rows = [sale(world, world.combo, cashier="seller2")]
    result = import_sales("o.csv", csv_bytes(rows), world.seller)
    assert "you may import only your own sales" in result.errors[0].reasons
    assert import_sales("o.csv", csv_bytes(rows), world.manager).imported == 1


def test_another_sites_office_is_unknown_to_its_importer(world):
    world.open()
    result = import_sales("o.csv", csv_bytes([sale(world, world.combo)]), world.outsider)
    assert "unknown office N" in result.errors[0].reasons


def test_the_same_file_twice_imports_nothing_and_says_so(world):
    world.open()
    data = csv_bytes([sale(world, world.combo), sale(world, world.combo)])
    first = import_sales("s.csv", data, world.seller)
    second = import_sales("s.csv", data, world.seller)
    assert first.imported == 2
    assert second.previous is not None and second.previous.id == first.record.id
    assert second.imported == 0 and lines() == 2


def test_an_overlapping_export_adds_only_the_new_lines(world):
    world.open()
    a, b, c = (sale(world, world.combo, when=sold_at(m)) for m in (5, 4, 3))
    assert import_sales("morning.csv", csv_bytes([a, b]), world.seller).imported == 2
    again = import_sales("day.csv", csv_bytes([a, b, c, c]), world.seller)
    assert (again.imported, again.skipped) == (2, 2)  # the second identical c is a new sale
    nothing = import_sales("day2.csv", csv_bytes([c, a, b, c]), world.seller)
    assert (nothing.imported, nothing.skipped, nothing.record) == (0, 4, None)
    assert lines() == 4


def test_a_closed_shift_takes_no_more_lines(world):
    shift = world.open()
    shifts.count_blind(shift, {**dict.fromkeys(Payment, 0), Payment.CASH: 50_000}, world.seller)
    result = import_sales("late.csv", csv_bytes([sale(world, world.combo)]), world.seller)
    assert "no open shift" in result.errors[0].reasons[0]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("s.txt", b"x", r"\.csv, \.xlsx or \.xls"),
        ("s.csv", b"", "empty"),
        ("s.csv", b"sold_at,office\n1,2\n", "Columns missing"),
        (
            "s.csv",
            ",".join(
                ["sold_at"] * 2
                + [
                    "office",
                    "cashier",
                    "product",
                    "serial",
                    "quantity",
                    "amount",
                    "payment",
                    "status",
                ]
            ).encode()
            + b"\n1\n",
            "named twice",
        ),
        ("s.xlsx", b"PK not a workbook", "not a readable workbook"),
        ("s.csv", b"\xff\xfe\x00s\x00o", r"not in an accepted encoding \(UTF-8, GB18030\)"),
    ],
)
def test_unreadable_files_are_refused(world, name, data, message):
    with pytest.raises(TicketingError, match=message):
        import_sales(name, data, world.seller)


def test_a_file_over_the_upload_limit_is_refused(world, app):
    app.config["UPLOAD_MAX_BYTES"] = 100
    with pytest.raises(TicketingError, match="larger than"):
        import_sales("s.csv", csv_bytes([sale(world, world.combo)] * 5), world.seller)


def test_header_without_rows_is_refused(world):
    with pytest.raises(TicketingError, match="no data"):
        import_sales("s.csv", csv_bytes([]), world.seller)


# --- gate counts ------------------------------------------------------------------------------


def gate_csv(rows) -> bytes:
    return csv_bytes(rows, columns=GATE_COLUMNS)


def test_gate_counts_are_imported_and_a_later_count_replaces_an_earlier_one(world):
    today = business_day().isoformat()
    first = import_gate_counts(
        "g.csv",
        gate_csv([{"date": today, "venue": "ZOO", "entries": "120"}]),
        world.site,
        world.auditor,
    )
    assert first.imported == 1
    same = import_gate_counts(
        "g2.csv",
        gate_csv(
            [
                {"date": today, "venue": "ZOO", "entries": "120"},
                {"date": today, "venue": "GATE", "entries": "300"},
            ]
        ),
        world.site,
        world.auditor,
    )
    assert (same.imported, same.skipped) == (1, 1)
    again = import_gate_counts(
        "g2.csv",
        gate_csv(
            [
                {"date": today, "venue": "ZOO", "entries": "120"},
                {"date": today, "venue": "GATE", "entries": "300"},
            ]
        ),
        world.site,
        world.auditor,
    )
    assert again.previous is not None
    newer = import_gate_counts(
        "g3.csv",
        gate_csv([{"date": today, "venue": "ZOO", "entries": "125"}]),
        world.site,
        world.auditor,
    )
    assert newer.imported == 1
    latest = reconciliation.latest_gate_counts(world.site.id, business_day())
    assert latest[world.zoo.id].entries == 125


def test_bad_gate_rows_import_nothing(world):
    today = business_day()
    signed = day_record(world.site.id, today - timedelta(days=3))
    signoff.sign_off(signed, set(), world.auditor)
    rows = [
        {"date": today.isoformat(), "venue": "ZOO", "entries": "10"},
        {"date": "yesterday", "venue": "ZOO", "entries": "10"},
        {"date": today.isoformat(), "venue": "BOAT", "entries": "10"},  # the other site's
        {"date": today.isoformat(), "venue": "GATE", "entries": "-3"},
        {"date": (today + timedelta(days=1)).isoformat(), "venue": "GATE", "entries": "3"},
        {"date": signed.business_day.isoformat(), "venue": "GATE", "entries": "3"},
        {"date": today.isoformat(), "venue": "ZOO", "entries": "11"},
    ]
    result = import_gate_counts("g.csv", gate_csv(rows), world.site, world.auditor)
    reasons = {e.line: " ".join(e.reasons) for e in result.errors}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    assert "not a date: yesterday" in reasons[3]
    assert "unknown venue BOAT" in reasons[4]
    assert "entries -3" in reasons[5]
    assert "in the future" in reasons[6]
    assert "signed off" in reasons[7]
    assert "also on line 2" in reasons[8]
    assert db.session.scalar(select(func.count()).select_from(GateCount)) == 0


def test_money_is_parsed_to_fen_without_floats(world):
    world.open()
    rows = [sale(world, world.combo, amount="1,234.5", quantity=1)]
    assert import_sales("m.csv", csv_bytes(rows), world.seller).ok
    assert db.session.scalar(select(SalesLine.amount_fen)) == 123450
    assert db.session.scalar(select(SalesLine.payment)) == Payment.CASH


def test_a_title_row_above_the_header_is_skipped(world):
    world.open()
    rows = [sale(world, world.combo, amount="80")]
    table = [list(SALES_COLUMNS)] + [[row[c] for c in SALES_COLUMNS] for row in rows]
    result = import_sales("销售.xlsx", titled_xlsx(table), world.seller)
    assert result.ok and result.imported == 1
    today = business_day().isoformat()
    counts = [
        list(GATE_COLUMNS),
        [{"date": today, "venue": "ZOO", "entries": "120"}[c] for c in GATE_COLUMNS],
    ]
    result = import_gate_counts("g.xlsx", titled_xlsx(counts), world.site, world.auditor)
    assert result.imported == 1
