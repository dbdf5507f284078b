"""The demo's catalog: venues, products and prices, offices, windows, sellers, ticket rolls."""

from datetime import date, timedelta

from sqlalchemy import select

from modules.ticketing.demo.clock import at
from modules.ticketing.models import (
    Office,
    Product,
    ProductKind,
    ProductPrice,
    ProductVenue,
    StockRoll,
    Venue,
    Window,
)
from parkops import demo as core_demo
from parkops.auth.models import Department, Site, User
from parkops.extensions import db

VENUES = {
    "ZYLZ": (
        ("GATE", "园区大门"),
        ("ZOO", "动物园"),
        ("CAROUSEL", "旋转木马"),
        ("TRAIN", "小火车"),
    ),
    "PSY": (("BOAT", "游船码头"), ("WHEEL", "摩天轮")),
}
# code, name, kind, serialised, venues (code:weight), price in fen, id check
PRODUCTS = {
    "ZYLZ": (
        ("GATE-ADULT", "大门成人票", ProductKind.TICKET, True, "GATE", 4000, ""),
        ("ZOO-ADULT", "动物园门票", ProductKind.TICKET, True, "ZOO", 6000, ""),
        ("COMBO", "大门+动物园联票", ProductKind.COMBINED, True, "GATE:40,ZOO:60", 8000, ""),
        ("CAROUSEL", "旋转木马", ProductKind.TICKET, False, "CAROUSEL", 2000, ""),
        ("TRAIN", "小火车", ProductKind.TICKET, False, "TRAIN", 3000, ""),
        ("DISCOUNT-CARD", "打折卡", ProductKind.DISCOUNT_CARD, False, "", 10000, ""),
        ("PASS", "畅玩卡(年卡)", ProductKind.PASS, False, "", 30000, ""),
        ("CARD-ZOO", "持卡入动物园", ProductKind.CARD_ENTRY, False, "ZOO", 3000, ""),
        ("CHILD-FREE", "儿童免票", ProductKind.CONCESSION, False, "ZOO", 0, "身高1.2米以下儿童"),
        ("SENIOR", "老年人优惠票", ProductKind.CONCESSION, False, "ZOO", 3000, "65岁以上凭身份证"),
    ),
    "PSY": (
        ("BOAT", "游船票", ProductKind.TICKET, True, "BOAT", 3000, ""),
        ("WHEEL", "摩天轮", ProductKind.TICKET, False, "WHEEL", 4000, ""),
        ("PSY-COMBO", "游船+摩天轮联票", ProductKind.COMBINED, False, "BOAT:30,WHEEL:40", 6000, ""),
    ),
}
ROLLS = {  # product code → rolls (first, last); the zoo's rolls leave a gap
    "GATE-ADULT": ((100001, 110000),),
    "ZOO-ADULT": ((200001, 210000), (210501, 220000)),
    "COMBO": ((300001, 310000),),
    "BOAT": ((400001, 405000),),
}
OFFICES = {
    "ZYLZ": (
        ("ZYLZ-N", "北门售票处", ("1号窗口", "2号窗口")),
        ("ZYLZ-ZOO", "动物园售票处", ("1号窗口",)),
    ),
    "PSY": (("PSY-E", "东门售票处", ("1号窗口", "2号窗口", "3号窗口")),),
}
# username, name, the sites she sells at
SELLERS = (
    ("cashier2", "售票员 李娜", ("ZYLZ", "PSY")),
    ("cashier3", "售票员 赵敏", ("PSY",)),
    ("cashier4", "售票员 钱红", ("PSY",)),
)


def sellers(sites: dict[str, Site]) -> dict[str, User]:
    department = db.session.scalar(select(Department).where(Department.name == "经营管理科"))
    sellers = {}
    for username, name, site_codes in SELLERS:
        user = db.session.scalar(select(User).where(User.username == username)) or User(
            username=username
        )
        user.display_name = name
        user.department = department
        user.set_password(core_demo.PASSWORD)
        user.set_roles(["cashier"])
        user.sites = [sites[code] for code in site_codes]
        db.session.add(user)
        sellers[username] = user
    db.session.flush()
    return sellers


def catalog(sites, users, today) -> dict[str, Product]:
    products = {}
    for site_code, venues in VENUES.items():
        site = sites[site_code]
        by_code = {}
        for code, name in venues:
            by_code[code] = Venue(site_id=site.id, code=code, name=name)
            db.session.add(by_code[code])
        db.session.flush()
        for code, name, kind, serialised, venue_spec, price, id_check in PRODUCTS[site_code]:
            links = []
            for part in filter(None, venue_spec.split(",")):
                venue_code, _sep, weight = part.partition(":")
                links.append(ProductVenue(venue_id=by_code[venue_code].id, weight=int(weight or 1)))
            product = Product(
                site_id=site.id,
                code=code,
                name=name,
                kind=kind,
                serialised=serialised,
                id_check=id_check,
                venue_links=links,
            )
            db.session.add(product)
            db.session.flush()
            # The zoo's price went up 45 days ago: a price history to see.
            history = [(today - timedelta(days=90), price)]
            if code == "ZOO-ADULT":
                history = [(today - timedelta(days=90), 5000), (today - timedelta(days=45), price)]
            for valid_from, fen in history:
                db.session.add(
                    ProductPrice(
                        product_id=product.id,
                        valid_from=valid_from,
                        price_fen=fen,
                        created_by_id=users["finance"].id,
                    )
                )
            products[code] = product
    db.session.flush()
    return products


def offices(sites, users) -> dict[str, Office]:
    sellers = {
        "ZYLZ": [users["cashier"], users["cashier2"]],
        "PSY": [users["cashier2"], users["cashier3"], users["cashier4"]],
    }
    offices = {}
    for site_code, rows in OFFICES.items():
        for code, name, windows in rows:
            office = Office(site_id=sites[site_code].id, code=code, name=name)
            # The payment terminals as the providers' bills name them (the sample bills').
            office.windows = [
                Window(name=w, terminals=f"{code}-{n:02d}") for n, w in enumerate(windows, 1)
            ]
            office.sellers = sellers[site_code]
            db.session.add(office)
            offices[code] = office
    db.session.flush()
    return offices


def rolls(catalog, finance: User, today: date) -> None:
    for code, rolls in ROLLS.items():
        for first, last in rolls:
            db.session.add(
                StockRoll(
                    site_id=catalog[code].site_id,
                    product_id=catalog[code].id,
                    first_serial=first,
                    last_serial=last,
                    received_on=today - timedelta(days=60),
                    received_by_id=finance.id,
                    created_at=at(today - timedelta(days=60), 10),
                    note="印刷厂交付",
                )
            )
