"""What is sold and where: venues, products and their prices, offices, windows, sellers.

Combined tickets: the revenue of a line is allocated to the venues a product
admits to, in proportion to each venue's weight; the fen left over by rounding
down go one each to the venues with the largest remainders (ties: the order in
which the venues are listed), so the parts always add up to the amount exactly.
"""

import re
from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from modules.ticketing.errors import TicketingError
from modules.ticketing.models import (
    CARD_KINDS,
    Office,
    Product,
    ProductKind,
    ProductPrice,
    ProductVenue,
    SalesLine,
    Venue,
    Window,
)
from parkops import audit
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.money import format_fen

CODE = re.compile(r"^[A-Za-z0-9_-]{1,30}$")
SELLER_ROLE = "cashier"


def allocate(amount_fen: int, weights: list[int]) -> list[int]:
    """Split ``amount_fen`` by ``weights`` (largest remainder); the parts add up exactly."""
    if not weights or any(w <= 0 for w in weights):
        raise ValueError("weights must be positive")
    sign, amount = (-1, -amount_fen) if amount_fen < 0 else (1, amount_fen)
    total = sum(weights)
    parts = [amount * w // total for w in weights]
    remainders = [amount * w % total for w in weights]
    left = amount - sum(parts)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        parts[index] += 1
    return [sign * p for p in parts]


def _check_code(code: str) -> str:
    code = code.strip()
    if not CODE.match(code):
        raise TicketingError(
            _("A code is 1 to 30 letters, digits, '-' or '_' (no spaces): %(code)s", code=code)
        )
    return code


# --- venues and products --------------------------------------------------------------


def create_venue(site: Site, code: str, name: str, actor: User) -> Venue:
    code = _check_code(code)
    if db.session.scalar(select(Venue.id).where(Venue.site_id == site.id, Venue.code == code)):
        raise TicketingError(_("Venue code %(code)s is already used at this site.", code=code))
    venue = Venue(site_id=site.id, code=code, name=name.strip())
    db.session.add(venue)
    db.session.flush()
    audit.record("ticketing.venue_created", "venue", venue.id, {"code": code}, actor=actor)
    db.session.commit()
    return venue


def create_product(
    site: Site,
    code: str,
    name: str,
    kind: ProductKind,
    *,
    serialised: bool,
    id_check: str,
    venue_weights: list[tuple[Venue, int]],
    price_fen: int,
    valid_from: date,
    actor: User,
) -> Product:
    code = _check_code(code)
    if db.session.scalar(
        select(Product.id).where(Product.site_id == site.id, Product.code == code)
    ):
        raise TicketingError(_("Product code %(code)s is already used at this site.", code=code))
    _check_venues(site, kind, venue_weights)
    if kind == ProductKind.CONCESSION and not id_check.strip():
        raise TicketingError(_("A free or concession entry needs the ID check the seller makes."))
    if price_fen < 0:
        raise TicketingError(_("A price cannot be negative."))
    product = Product(
        site_id=site.id,
        code=code,
        name=name.strip(),
        kind=kind,
        serialised=serialised,
        id_check=id_check.strip(),
        venue_links=[ProductVenue(venue_id=v.id, weight=w) for v, w in venue_weights],
    )
    db.session.add(product)
    db.session.flush()
    db.session.add(
        ProductPrice(
            product_id=product.id,
            valid_from=valid_from,
            price_fen=price_fen,
            created_by_id=actor.id,
        )
    )
    audit.record(
        "ticketing.product_created",
        "product",
        product.id,
        {"code": code, "kind": kind.value, "price": format_fen(price_fen), "from": valid_from},
        actor=actor,
    )
    db.session.commit()
    return product


def _check_venues(site: Site, kind: ProductKind, venue_weights: list[tuple[Venue, int]]) -> None:
    if any(v.site_id != site.id for v, _w in venue_weights):
        raise TicketingError(_("A product admits only to venues of its own site."))
    if any(w <= 0 for _v, w in venue_weights):
        raise TicketingError(_("A venue's revenue weight is a whole number of at least 1."))
    count = len(venue_weights)
    if kind in CARD_KINDS and count:
        raise TicketingError(_("A card or pass admits no one when it is sold: choose no venue."))
    if kind == ProductKind.COMBINED and count < 2:
        raise TicketingError(_("A combined ticket covers at least two venues."))
    if kind not in CARD_KINDS and kind != ProductKind.COMBINED and count != 1:
        raise TicketingError(_("This kind of product admits to exactly one venue."))


def update_product(product: Product, name: str, id_check: str, active: bool, actor: User) -> None:
    """Name, ID check and whether it is still sold; kind and venues are fixed once created."""
    if product.kind == ProductKind.CONCESSION and not id_check.strip():
        raise TicketingError(_("A free or concession entry needs the ID check the seller makes."))
    product.name = name.strip()
    product.id_check = id_check.strip()
    product.active = active
    audit.record(
        "ticketing.product_updated",
        "product",
        product.id,
        {"name": product.name, "active": active},
        actor=actor,
    )
    db.session.commit()


def add_price(product: Product, valid_from: date, price_fen: int, actor: User) -> ProductPrice:
    """A new price from a date; never for a day that already has sales at the old price."""
    if price_fen < 0:
        raise TicketingError(_("A price cannot be negative."))
    if db.session.scalar(
        select(ProductPrice.id).where(
            ProductPrice.product_id == product.id, ProductPrice.valid_from == valid_from
        )
    ):
        raise TicketingError(
            _("A price valid from %(day)s already exists.", day=valid_from.isoformat())
        )
    sold_since = db.session.scalar(
        select(func.max(SalesLine.business_day)).where(
            SalesLine.product_id == product.id, SalesLine.business_day >= valid_from
        )
    )
    if sold_since is not None:
        raise TicketingError(
            _(
                "There are sales of this product on %(day)s: a new price may start only after it.",
                day=sold_since.isoformat(),
            )
        )
    price = ProductPrice(
        product_id=product.id, valid_from=valid_from, price_fen=price_fen, created_by_id=actor.id
    )
    db.session.add(price)
    db.session.flush()
    audit.record(
        "ticketing.price_added",
        "product",
        product.id,
        {"price": format_fen(price_fen), "from": valid_from},
        actor=actor,
    )
    db.session.commit()
    return price


def prices_on(product_ids: Iterable[int], day: date) -> dict[int, int]:
    """product id → the price valid on ``day`` (products without one are left out)."""
    ids = list(set(product_ids))
    if not ids:
        return {}
    latest = (
        select(ProductPrice.product_id, func.max(ProductPrice.valid_from).label("valid_from"))
        .where(ProductPrice.product_id.in_(ids), ProductPrice.valid_from <= day)
        .group_by(ProductPrice.product_id)
        .subquery()
    )
    rows = db.session.execute(
        select(ProductPrice.product_id, ProductPrice.price_fen).join(
            latest,
            and_(
                ProductPrice.product_id == latest.c.product_id,
                ProductPrice.valid_from == latest.c.valid_from,
            ),
        )
    ).all()
    return dict(rows)


def price_on(product_id: int, day: date) -> int | None:
    return prices_on([product_id], day).get(product_id)


# --- offices, windows, sellers -----------------------------------------------------------


def create_office(site: Site, code: str, name: str, actor: User) -> Office:
    code = _check_code(code)
    if db.session.scalar(select(Office.id).where(Office.code == code)):
        raise TicketingError(_("Office code %(code)s is already used.", code=code))
    office = Office(site_id=site.id, code=code, name=name.strip())
    db.session.add(office)
    db.session.flush()
    audit.record("ticketing.office_created", "office", office.id, {"code": code}, actor=actor)
    db.session.commit()
    return office


def add_window(office: Office, name: str, actor: User) -> Window:
    name = name.strip()
    if not name:
        raise TicketingError(_("A window needs a name."))
    if any(w.name == name for w in office.windows):
        raise TicketingError(_("This office already has a window %(name)s.", name=name))
    window = Window(office_id=office.id, name=name)
    db.session.add(window)
    db.session.flush()
    audit.record("ticketing.window_added", "office", office.id, {"window": name}, actor=actor)
    db.session.commit()
    return window


TERMINAL_SEPARATORS = re.compile(r"[\s,，;；]+")


def terminal_codes(text: str) -> list[str]:
    """'PSY-E-01, 1900000001' → ['PSY-E-01', '1900000001']."""
    return [c for c in TERMINAL_SEPARATORS.split(text or "") if c]


def set_terminals(window: Window, text: str, actor: User) -> None:
    """The payment terminals (or merchant numbers) the providers' bills name for this
    window (``'ZYLZ-N-01 1900000001'``); a code set on another window is refused."""
    codes = terminal_codes(text)
    if len(" ".join(codes)) > 200:
        raise TicketingError(_("Too many terminals for one window."))
    others = db.session.scalars(
        select(Window).where(Window.id != window.id, Window.terminals != "")
    )
    for other in others:
        shared = set(codes) & set(terminal_codes(other.terminals))
        if shared:
            raise TicketingError(
                _(
                    "Terminal %(code)s is already set on %(office)s %(window)s.",
                    code=sorted(shared)[0],
                    office=other.office.name,
                    window=other.name,
                )
            )
    window.terminals = " ".join(codes)
    audit.record(
        "ticketing.terminals_set",
        "office",
        window.office_id,
        {"window": window.name, "terminals": window.terminals},
        actor=actor,
    )
    db.session.commit()


def set_active(record: Office | Window, active: bool, actor: User) -> None:
    record.active = active
    kind = "office" if isinstance(record, Office) else "window"
    audit.record(f"ticketing.{kind}_active", kind, record.id, {"active": active}, actor=actor)
    db.session.commit()


def set_sellers(office: Office, sellers: list[User], actor: User) -> None:
    """The sellers who may open shifts at this office's windows."""
    for seller in sellers:
        if SELLER_ROLE not in seller.roles:
            raise TicketingError(_("%(name)s is not a ticket seller.", name=seller.display_name))
        if not seller.can_see_site(office.site_id):
            raise TicketingError(
                _(
                    "%(name)s does not work at this site; an administrator adds the site first.",
                    name=seller.display_name,
                )
            )
    office.sellers = sellers
    audit.record(
        "ticketing.sellers_set",
        "office",
        office.id,
        {"sellers": [s.username for s in sellers]},
        actor=actor,
    )
    db.session.commit()


def seller_offices(seller: User) -> list[Office]:
    """The active offices where ``seller`` may open a shift."""
    return list(
        db.session.scalars(
            select(Office)
            .where(Office.active, Office.sellers.any(User.id == seller.id))
            .order_by(Office.code)
        )
    )
