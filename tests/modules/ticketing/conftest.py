"""A small ticketing world built through the services: one site with a gate, a zoo,
printed and electronic products, an office with two windows, two sellers, an
auditor, a leader and a ticket manager; and helpers to write sales files."""

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from openpyxl import Workbook
from werkzeug.security import generate_password_hash

from modules.ticketing import catalog, shifts, stock
from modules.ticketing.imports import SALES_COLUMNS
from modules.ticketing.imports.sales import OPTIONAL_COLUMNS
from modules.ticketing.models import Office, Product, ProductKind, Shift, StockIssue, Venue, Window
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.timeutil import business_day, local_midnight_utc, local_zone, utcnow
from tests.conftest import PASSWORD


@pytest.fixture
def english(app):
    """Read the messages in English: the tests that use it check the English texts of
    refusals, flags and row errors (services run outside a request, in the default
    language); the zh catalog itself is checked in tests/core/test_translations.py."""
    app.config["DEFAULT_LOCALE"] = "en"
    return app


@pytest.fixture
def as_user(client, login):
    """Sign a user in through the login form, reading the pages in English."""

    def sign_in(user):
        client.post("/logout")
        login(user)
        client.post("/language/en")
        return client

    return sign_in


@pytest.fixture
def void_asked(world, as_user):
    """A shift with gate serials 1000–1009 whose seller asked on her page to void 1003."""
    shift = world.open()
    world.take(shift, world.gate_ticket, 1000, 1009)
    as_user(world.seller).post(
        f"/ticketing/shifts/{shift.id}/voids",
        data={"product_id": world.gate_ticket.id, "serial": 1003, "reason": "torn"},
    )
    return shift


GATE_ROLL = (1000, 1999)
ZOO_ROLL = (5000, 5999)


@dataclass
class World:
    site: Site
    other_site: Site
    gate: Venue
    zoo: Venue
    gate_ticket: Product  # printed, ¥40, admits to the gate
    zoo_ticket: Product  # printed, ¥60, admits to the zoo
    combo: Product  # electronic, ¥80, gate 40 : zoo 60
    card: Product  # discount card, ¥100, admits no one
    card_entry: Product  # entry with a card, ¥30, zoo
    child: Product  # free, ID check, zoo
    office: Office
    window: Window
    window2: Window
    seller: User
    seller2: User
    auditor: User
    auditor2: User
    leader: User
    manager: User
    outsider: User  # a seller of the other site

    def open(self, seller: User | None = None, window: Window | None = None, float_fen=50_000):
        return shifts.open_shift(seller or self.seller, window or self.window, float_fen)

    def take(self, shift: Shift, product: Product, first: int, last: int):
        return stock.issue_range(shift, product, first, last, shift.seller)

    def give_back(self, issue: StockIssue, first_unsold: int) -> None:
        """The seller returns the remainder from ``first_unsold`` and finance counts it as
        declared."""
        stock.return_range(issue, first_unsold, issue.seller)
        last = issue.last_serial if first_unsold <= issue.last_serial else None
        stock.confirm_return(issue, first_unsold, last, self.manager)


def sold_at(minutes_ago: int = 1) -> str:
    """A local time on today's business day, ``minutes_ago`` before now when that is still today."""
    moment = max(utcnow() - timedelta(minutes=minutes_ago), local_midnight_utc(business_day()))
    return moment.astimezone(local_zone()).strftime("%Y-%m-%d %H:%M:%S")


def sale(
    world: World,
    product: Product,
    *,
    serial="",
    quantity=1,
    amount=None,
    payment="cash",
    status="sold",
    cashier=None,
    office=None,
    when=None,
) -> dict:
    price = {
        "GATE-A": "40",
        "ZOO-A": "60",
        "COMBO": "80",
        "CARD": "100",
        "CARD-ZOO": "30",
        "CHILD": "0",
    }[product.code]
    return {
        "sold_at": when or sold_at(),
        "office": office or world.office.code,
        "cashier": cashier or world.seller.username,
        "product": product.code,
        "serial": str(serial),
        "quantity": str(quantity),
        "amount": amount if amount is not None else str(int(price) * quantity),
        "payment": payment,
        "status": status,
    }


REVERSAL_COLUMNS = SALES_COLUMNS + OPTIONAL_COLUMNS  # with a void's or refund's reason and line


def csv_bytes(rows: list[dict], columns=SALES_COLUMNS, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict], columns=SALES_COLUMNS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row[c] for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def app(make_app):
    """The tests read the services' and pages' English messages (Chinese is the default)."""
    app = make_app(DEFAULT_LOCALE="en")
    with app.app_context():
        yield app


@pytest.fixture
def in_request(app):
    """Services are called from requests: their messages need the request's language."""
    with app.test_request_context():
        yield


@pytest.fixture
def make_user(app):
    """Like the core factory, with a cheap password hash: a test world has many accounts."""

    def create(username, roles=(), *, sites=(), all_sites=False, password=PASSWORD, **fields):
        user = User(
            username=username,
            display_name=fields.pop("display_name", username.title()),
            all_sites=all_sites,
            password_hash=generate_password_hash(password, method="pbkdf2:sha256:1000"),
            **fields,
        )
        user.set_roles(roles)
        user.sites = list(sites)
        db.session.add(user)
        db.session.commit()
        return user

    return create


@pytest.fixture
def world(app, in_request, make_site, make_user) -> World:
    site = make_site("ZYLZ", "中原绿色庄园")
    other = make_site("PSY", "濮上园")
    manager = make_user("finance1", ["finance"], sites=[site])
    seller = make_user("seller1", ["cashier"], sites=[site], display_name="Seller One")
    seller2 = make_user("seller2", ["cashier"], sites=[site], display_name="Seller Two")
    outsider = make_user("seller9", ["cashier"], sites=[other])
    auditor = make_user("auditor1", ["auditor"], sites=[site], display_name="Auditor One")
    auditor2 = make_user("auditor2", ["auditor"], sites=[site])
    leader = make_user("leader1", ["leader"], all_sites=True)
    gate = catalog.create_venue(site, "GATE", "Main gate", manager)
    zoo = catalog.create_venue(site, "ZOO", "Zoo", manager)
    catalog.create_venue(other, "BOAT", "Boats", manager)
    day = business_day() - timedelta(days=30)

    def product(code, kind, venues, price, serialised=False, id_check=""):
        return catalog.create_product(
            site,
            code,
            code.title(),
            kind,
            serialised=serialised,
            id_check=id_check,
            venue_weights=venues,
            price_fen=price,
            valid_from=day,
            actor=manager,
        )

    world = World(
        site=site,
        other_site=other,
        gate=gate,
        zoo=zoo,
        gate_ticket=product("GATE-A", ProductKind.TICKET, [(gate, 1)], 4000, serialised=True),
        zoo_ticket=product("ZOO-A", ProductKind.TICKET, [(zoo, 1)], 6000, serialised=True),
        combo=product("COMBO", ProductKind.COMBINED, [(gate, 40), (zoo, 60)], 8000),
        card=product("CARD", ProductKind.DISCOUNT_CARD, [], 10000),
        card_entry=product("CARD-ZOO", ProductKind.CARD_ENTRY, [(zoo, 1)], 3000),
        child=product("CHILD", ProductKind.CONCESSION, [(zoo, 1)], 0, id_check="under 1.2 m"),
        office=(office := catalog.create_office(site, "N", "North office", manager)),
        window=catalog.add_window(office, "W1", manager),
        window2=catalog.add_window(office, "W2", manager),
        seller=seller,
        seller2=seller2,
        auditor=auditor,
        auditor2=auditor2,
        leader=leader,
        manager=manager,
        outsider=outsider,
    )
    catalog.set_sellers(office, [seller, seller2], manager)
    stock.receive_roll(world.gate_ticket, *GATE_ROLL, day, "", manager)
    stock.receive_roll(world.zoo_ticket, *ZOO_ROLL, day, "", manager)
    return world


@pytest.fixture
def terminals(world, make_user):
    """The sample bills' terminals on windows: ZYLZ-N-01/02 at the world's site, PSY-E-01 at
    the other; an auditor of both sites imports the park-wide bills."""
    catalog.set_terminals(world.window, "ZYLZ-N-01", world.manager)
    catalog.set_terminals(world.window2, "ZYLZ-N-02", world.manager)
    east = catalog.create_office(world.other_site, "E", "East office", world.manager)
    window = catalog.add_window(east, "E1", world.manager)
    catalog.set_terminals(window, "PSY-E-01", world.manager)
    return make_user("auditor3", ["auditor"], sites=[world.site, world.other_site])


def settle(world: World, window: Window, *, wechat_fen: int = 0, alipay_fen: int = 0) -> None:
    """Today's WeChat Pay and Alipay bills (their layouts, one payment each) settling
    these takings at ``window``, imported by the auditor."""
    from modules.ticketing import catalog as tickets_catalog
    from modules.ticketing.imports import import_statement

    code = f"T-{window.id}"
    tickets_catalog.set_terminals(window, code, world.manager)
    when = sold_at()
    bills = {
        "wechat": (
            "交易时间,商户号,设备号,微信订单号,交易状态,应结订单金额,微信退款单号,退款金额\n"
            f"`{when},`1900000001,`{code},`W{window.id},`SUCCESS,`{wechat_fen / 100:.2f},`,`0.00\n"
            f"总交易单数,应结订单总金额,退款总金额\n`1,`{wechat_fen / 100:.2f},`0.00\n",
            wechat_fen,
        ),
        "alipay": (
            "#支付宝业务明细查询\n"
            "支付宝交易号,业务类型,完成时间,门店编号,终端号,商家实收（元）,退款批次号/请求号\n"
            f"A{window.id}\t,交易\t,{when}\t,ZYLZ\t,{code}\t,{alipay_fen / 100:.2f}\t,\t\n"
            "#-----业务明细列表结束-----\n"
            f"#交易合计：1笔，商家实收共{alipay_fen / 100:.2f}元，商家优惠共0.00元\n"
            "#退款合计：0笔，商家实收退款共0.00元，商家优惠退款共0.00元\n",
            alipay_fen,
        ),
    }
    for provider, (text, amount) in bills.items():
        if amount:
            data = text.encode("gb18030")
            assert import_statement(provider, f"{provider}.csv", data, world.auditor).ok
