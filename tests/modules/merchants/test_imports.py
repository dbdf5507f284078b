"""Import of the contracts in force: merchants and units registered on the way, only
the rent still to come scheduled, every bad row named by line with nothing stored,
the same file twice taking nothing."""

import io
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from modules.merchants import imports, schedule
from modules.merchants.models import Contract, ContractState, Instalment, Merchant, Unit
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.core.test_tabular import xls
from tests.modules.receivables.test_imports import xlsx

HEADER = [
    "商户名称",
    "合同编号",
    "铺位编号",
    "起始日期",
    "终止日期",
    "租金",
    "缴费周期",
    "景区",
    "保证金",
    "面积",
]
LIST = [
    HEADER,
    [
        "濮上茶社",
        "ZL-2024-001",
        "P-001",
        date(2024, 1, 1),
        date(2030, 12, 31),
        "2,000.00",
        "月",
        "PSY",
        5000,
        40,
    ],
    ["濮上茶社", "ZL-2024-002", "P-002", "2024/7/1", "2030年6月30日", 9000, "季", "", "", 25],
    [
        "动物园小卖部",
        "ZL-2025-003",
        "Z-01",
        date(2025, 3, 1),
        date(2031, 2, 28),
        30000,
        "年",
        "ZYLZ",
        "",
        "12.5",
    ],
]


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def post(client, name, data, site):
    form = {"file": (io.BytesIO(data), name), "site_id": str(site.id)}
    return client.post("/merchants/import", data=form, content_type="multipart/form-data")


def test_contracts_in_force_come_in_with_only_the_rent_to_come_and_a_repeat_takes_nothing(
    client, login, park
):
    login(park.manager)
    data = xlsx(LIST)

    first = post(client, "合同台账.xlsx", data, park.psy)
    again = post(client, "合同台账.xlsx", data, park.psy)

    assert first.status_code == again.status_code == 303
    assert (count(Merchant), count(Unit), count(Contract)) == (2, 3, 3)
    today = business_day()
    for contract in db.session.scalars(select(Contract)):
        assert contract.state == ContractState.ACTIVE
        starts = db.session.scalars(
            select(Instalment.starts_on)
            .where(Instalment.contract_id == contract.id)
            .order_by(Instalment.starts_on)
        ).all()
        to_come = [p.starts_on for p in schedule.periods(contract) if p.starts_on >= today]
        assert starts == to_come and starts[0] >= today
    tea = db.session.scalar(select(Merchant).where(Merchant.name == "濮上茶社"))
    assert tea.site_id == park.psy.id
    page = client.get("/merchants/").get_data(as_text=True)
    assert "0 contracts imported (0 new merchants, 0 new units); 3 were imported before." in page


def test_every_bad_row_is_named_by_its_line_and_nothing_is_stored(client, login, park):
    login(park.manager)
    rows = [
        HEADER,
        LIST[1],
        ["濮上茶社", "ZL-9", "P-009", date(2024, 1, 1), date(2030, 1, 1), "12,5", "月", "", "", 30],
        ["", "ZL-10", "P-010", date(2024, 1, 1), date(2030, 1, 1), 100, "月", "", "", 30],
        ["甲", "ZL-11", "P-011", date(2024, 1, 1), date(2030, 1, 1), 100, "每周", "", "", 30],
        ["乙", "ZL-12", "P-012", date(2024, 1, 1), date(2030, 1, 1), 100, "月", "别处", "", 30],
        ["丙", "ZL-13", "P-001", date(2025, 1, 1), date(2030, 1, 1), 100, "月", "", "", 30],
    ]

    refused = post(client, "合同台账.xlsx", xlsx(rows), park.psy)

    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    for line in (3, 4, 5, 6, 7):
        assert f"Line {line}:" in page
    assert "Line 2:" not in page
    assert "already leased under contract ZL-2024-001" in page  # line 7 clashes with line 2
    assert (count(Merchant), count(Unit), count(Contract), count(Instalment)) == (0, 0, 0, 0)


def test_an_old_xls_file_is_read_too(client, login, park):
    login(park.manager)
    rows = [
        HEADER,
        ["濮上茶社", "ZL-1", "P-001", "2025-01-01", "2030-12-31", "1000", "按月", "", "", 30],
    ]
    assert post(client, "合同.xls", xls(rows), park.psy).status_code == 303
    assert count(Contract) == 1


def test_a_contract_already_ended_is_refused(client, login, park):
    login(park.manager)
    rows = [
        HEADER,
        ["濮上茶社", "ZL-1", "P-001", date(2020, 1, 1), date(2021, 12, 31), 100, "月", "", "", 30],
    ]
    refused = post(client, "合同.xlsx", xlsx(rows), park.psy)
    assert refused.status_code == 422
    assert "Line 2: the contract ended on 2021-12-31." in refused.get_data(as_text=True)
    assert count(Merchant) == 0


def test_only_the_manager_imports(client, login, park):
    login(park.finance)
    assert post(client, "合同.xlsx", xlsx(LIST), park.psy).status_code == 403


def _row(number, unit, **cells):
    """A good row of HEADER, with ``cells`` (by header) changed."""
    good = ["濮上茶社", number, unit, "2025-01-01", "2030-12-31", 100, "月", "", "", 30]
    row = dict(zip(HEADER, good, strict=True))
    row.update(cells)
    return [row[h] for h in HEADER]


def test_a_bad_or_empty_area_of_a_new_unit_is_refused_by_its_line(client, login, park):
    login(park.manager)
    rows = [
        HEADER,
        _row("ZL-1", "P-001"),
        _row("ZL-2", "P-002", 面积="inf"),
        _row("ZL-4", "P-004", 面积=""),
        _row("ZL-5", "P-005", 面积="nan"),
        _row("ZL-6", "P-006", 面积=-4),
    ]

    refused = post(client, "合同.xlsx", xlsx(rows), park.psy)

    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Line 2:" not in page
    for line in (3, 5, 6):
        assert f"Line {line}: not an area in square metres" in page
    assert "Line 4: give the area of the new unit P-004" in page
    assert (count(Unit), count(Contract)) == (0, 0)


def test_a_unit_on_the_books_needs_no_area(client, login, park, make_unit):
    make_unit("P-001", area_m2=40)
    login(park.manager)
    rows = [HEADER, _row("ZL-1", "P-001", 面积="")]
    assert post(client, "合同.xlsx", xlsx(rows), park.psy).status_code == 303
    assert db.session.scalar(select(Unit.area_m2)) == 40


def test_text_longer_than_its_column_is_refused_by_its_line(client, login, park):
    login(park.manager)
    rows = [
        HEADER,
        _row("ZL-" + "9" * 40, "P-001"),
        _row("ZL-2", "P-" + "0" * 30),
        _row("ZL-3", "P-003", 商户名称="茶" * 121),
    ]

    refused = post(client, "合同.xlsx", xlsx(rows), park.psy)

    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Line 2: Contract number is longer than 40 characters." in page
    assert "Line 3: Unit is longer than 30 characters." in page
    assert "Line 4: Merchant is longer than 120 characters." in page
    assert count(Contract) == 0


def test_an_empty_rent_or_a_bad_date_is_refused_by_its_line(client, login, park):
    login(park.manager)
    rows = [
        HEADER,
        _row("ZL-1", "P-001", 租金=""),
        _row("ZL-2", "P-002", 起始日期="2025-13-01"),
        _row("ZL-3", "P-003", 保证金="-5"),
        _row("ZL-4", "P-004", 起始日期="2031-01-01"),
    ]

    refused = post(client, "合同.xlsx", xlsx(rows), park.psy)

    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Line 2: The rent must be more than zero." in page
    assert "Line 3: not a date: 2025-13-01" in page
    assert "Line 4: An amount cannot be negative." in page
    assert "Line 5: The term ends before it starts." in page
    assert count(Contract) == 0


def test_a_bad_date_names_its_line_once_in_chinese(app, client, login, park):
    """The cell's reason carries no line of its own: "第 3 行：第 3 行：" was written before."""
    app.config["DEFAULT_LOCALE"] = "zh"
    login(park.manager)
    rows = [HEADER, _row("ZL-1", "P-001"), _row("ZL-2", "P-002", 起始日期="2025-13-01")]

    page = post(client, "合同.xlsx", xlsx(rows), park.psy).get_data(as_text=True)

    assert "第 3 行：" in page and "2025-13-01" in page
    assert page.count("第 3 行") == 1


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_file_headed_with_the_fields_own_labels_is_imported(client, login, park, locale):
    """The errors name each field by its label ("每期租金（元）"): a file using those
    headers, in either language, comes in."""
    fields = ["merchant", "number", "unit", "starts_on", "ends_on", "rent", "cycle", "site"]
    fields += ["deposit", "area"]
    with force_locale(locale):
        header = [str(imports.FIELDS[f][0]) for f in fields]
    login(park.manager)

    response = post(client, "合同台账.xlsx", xlsx([header, *LIST[1:]]), park.psy)

    assert response.status_code == 303, response.get_data(as_text=True)
    assert count(Contract) == 3


def test_a_term_date_outside_2000_to_2100_names_its_line_and_nothing_is_stored(client, login, park):
    login(park.manager)
    rows = [
        HEADER,
        _row("ZL-1", "P-001", 终止日期="9999-12-31"),
        _row("ZL-2", "P-002", 起始日期="1900-01-01"),
        _row("ZL-3", "P-003", 终止日期=date(2101, 1, 1)),
    ]

    refused = post(client, "合同.xlsx", xlsx(rows), park.psy)

    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Line 2: date out of range (2000 to 2100): 9999-12-31" in page
    assert "Line 3: date out of range (2000 to 2100): 1900-01-01" in page
    assert "Line 4: date out of range (2000 to 2100): 2101-01-01" in page
    assert count(Contract) == 0


def test_a_sheet_with_its_title_above_the_header_is_imported(client, login, park):
    # The office's 合同台账 starts with its title and date; they were taken for the
    # header, and every column was "missing".
    login(park.manager)
    data = xlsx([["濮上园商户合同台账"], ["截至2026年12月1日"], [], *LIST])

    assert post(client, "合同台账.xlsx", data, park.psy).status_code == 303
    assert count(Contract) == 3


def test_a_full_width_contract_number_is_imported_as_ascii(client, login, park):
    login(park.manager)
    row = ["濮上茶社", "ＺＬ－２０２４－００１", "Ｐ－００１", *LIST[1][3:]]
    assert post(client, "合同台账.xlsx", xlsx([HEADER, row]), park.psy).status_code == 303
    assert db.session.scalars(select(Contract.number)).all() == ["ZL-2024-001"]
    assert db.session.scalars(select(Unit.code)).all() == ["P-001"]
