"""Venues, products (with their venues and dated prices), ticket offices and their windows."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from modules.ticketing.models.columns import enum_column
from parkops.auth.models import Site, User
from parkops.db import Base, utcnow


class ProductKind(enum.StrEnum):
    TICKET = "ticket"  # one venue: the gate, the zoo, a ride
    COMBINED = "combined"  # 联票: several venues on one ticket
    DISCOUNT_CARD = "discount_card"  # 打折卡 sold; admits no one by itself
    PASS = "pass"  # noqa: S105  畅玩卡 sold; admits no one by itself
    CARD_ENTRY = "card_entry"  # an entry by a card or pass holder (reduced or free)
    CONCESSION = "concession"  # free or reduced entry after an ID check


# Products whose sale admits no one: the card is used later, as a CARD_ENTRY.
CARD_KINDS = (ProductKind.DISCOUNT_CARD, ProductKind.PASS)


class Venue(Base):
    """A place entries are counted at: the main gate, the zoo, a ride."""

    __tablename__ = "tkt_venues"
    __table_args__ = (UniqueConstraint("site_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)

    site: Mapped[Site] = relationship()


class ProductVenue(Base):
    """A venue a product admits to; ``weight`` is its share in the revenue allocation."""

    __tablename__ = "tkt_product_venues"
    product_id: Mapped[int] = mapped_column(
        ForeignKey("tkt_products.id", ondelete="CASCADE"), primary_key=True
    )
    venue_id: Mapped[int] = mapped_column(ForeignKey("tkt_venues.id"), primary_key=True)
    weight: Mapped[int] = mapped_column(default=1)

    venue: Mapped[Venue] = relationship(lazy="joined")


class Product(Base):
    __tablename__ = "tkt_products"
    __table_args__ = (UniqueConstraint("site_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[ProductKind] = mapped_column(enum_column(ProductKind))
    serialised: Mapped[bool] = mapped_column(default=False)  # sold from pre-printed stock
    id_check: Mapped[str] = mapped_column(String(200), default="")  # what the seller checks
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship()
    venue_links: Mapped[list[ProductVenue]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=ProductVenue.venue_id
    )
    prices: Mapped[list["ProductPrice"]] = relationship(
        back_populates="product", order_by="ProductPrice.valid_from.desc()"
    )

    @property
    def venues(self) -> list[Venue]:
        return [link.venue for link in self.venue_links]


class ProductPrice(Base):
    """A price valid from a date until the next one; a sale takes its business day's price."""

    __tablename__ = "tkt_product_prices"
    __table_args__ = (
        UniqueConstraint("product_id", "valid_from"),
        CheckConstraint("price_fen >= 0", name="price_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("tkt_products.id", ondelete="CASCADE"))
    valid_from: Mapped[date]
    price_fen: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship(back_populates="prices")


office_sellers = Table(
    "tkt_office_sellers",
    Base.metadata,
    Column("office_id", ForeignKey("tkt_offices.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Office(Base):
    """售票点. Codes are unique in the installation: import files name offices by code."""

    __tablename__ = "tkt_offices"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)

    site: Mapped[Site] = relationship(lazy="joined")
    windows: Mapped[list["Window"]] = relationship(
        back_populates="office", order_by="Window.name", cascade="all, delete-orphan"
    )
    sellers: Mapped[list[User]] = relationship(secondary=office_sellers, order_by=User.username)


class Window(Base):
    __tablename__ = "tkt_windows"
    __table_args__ = (UniqueConstraint("office_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("tkt_offices.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(default=True)
    # The payment terminals (or merchant numbers) of the window, as the providers' bills
    # name them (设备号, 终端号), separated by spaces or commas.
    terminals: Mapped[str] = mapped_column(String(200), default="", server_default="")

    office: Mapped[Office] = relationship(back_populates="windows", lazy="joined")
