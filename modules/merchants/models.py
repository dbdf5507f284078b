"""Merchants (商户), leasable units (铺位/场地), lease contracts (租赁合同), their
amendments (补充协议) and the rent schedule's instalments.

Money is an integer number of fen; terms, due dates and effective dates are local
dates; times are UTC. A contract's terms are never edited once approved: an
amendment is a dated record that changes the rent from its effective date.
The receivables link is by id only (``Instalment.receivable_id``, ``Merchant``'s
debtor through ``receivables.api``): no foreign key crosses into another module.
"""

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parkops.auth.models import Site, User
from parkops.db import Base, utcnow


def _enum(cls):
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class MerchantKind(enum.StrEnum):
    COMPANY = "company"
    INDIVIDUAL = "individual"  # 个体工商户
    COLLECTIVE = "collective"  # village collective


class BusinessType(enum.StrEnum):
    CATERING = "catering"
    RIDES = "rides"
    RETAIL = "retail"
    CHARGING = "charging"  # 充电桩
    BOATS = "boats"
    PHOTOGRAPHY = "photography"
    OTHER = "other"


class UnitKind(enum.StrEnum):
    SHOP = "shop"  # 铺位
    KIOSK = "kiosk"
    GROUND = "ground"  # 场地: an open plot
    RIDE_SITE = "ride_site"
    PARKING = "parking"


class RentForm(enum.StrEnum):
    FIXED = "fixed"  # a fixed rent per period, stepped by contract year
    TURNOVER = "turnover"  # a share of turnover with a minimum (the instalment)


class Cycle(enum.StrEnum):
    """How often rent is paid, in advance; the value's months per period."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "yearly": 12}[self.value]


class ContractState(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class ExitReason(enum.StrEnum):
    NON_PAYMENT = "non_payment"
    BREACH = "breach"
    PLANNING = "planning"  # 不符合园区发展方向
    MUTUAL = "mutual"
    TERM_END = "term_end"


class Merchant(Base):
    """商户: a tenant or business operating in the park, registered at one site.
    ``id_code`` is a unified social credit code or an ID number (optional, masked on
    lists)."""

    __tablename__ = "mer_merchants"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[MerchantKind] = mapped_column(_enum(MerchantKind))
    business_type: Mapped[BusinessType] = mapped_column(_enum(BusinessType))
    id_code: Mapped[str] = mapped_column(String(30), default="")
    contact: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    site: Mapped[Site] = relationship(lazy="joined")

    @property
    def masked_id_code(self) -> str:
        """The first two and last two characters, the rest as asterisks."""
        return masked(self.id_code)


def masked(code: str) -> str:
    """A credit code or ID as lists show it: the first two and last two characters,
    the rest as asterisks (all asterisks up to four characters)."""
    if len(code) <= 4:
        return "*" * len(code)
    return code[:2] + "*" * (len(code) - 4) + code[-2:]


class MerchantGram(Base):
    """A piece of one or two characters (ASCII lowercased) of a merchant's name, contact
    or phone: the index the merchants' substring search reads (``search.py``)."""

    __tablename__ = "mer_merchant_grams"
    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("mer_merchants.id"), primary_key=True)


class Unit(Base):
    """铺位/场地: a leasable place; ``code`` is unique within its site."""

    __tablename__ = "mer_units"
    __table_args__ = (UniqueConstraint("site_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    location: Mapped[str] = mapped_column(String(120), default="")
    area_m2: Mapped[int]  # whole square metres
    kind: Mapped[UnitKind] = mapped_column(_enum(UnitKind))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(lazy="joined")


class Contract(Base):
    """租赁合同: one merchant's lease of one or more units at one site, ``starts_on`` to
    ``ends_on`` inclusive. ``rent_fen`` is the rent per period in the first contract
    year (the minimum, for a turnover rent); later years' rents are ``steps``.
    ``service_fen`` (service or utility charge) is added to every full period."""

    __tablename__ = "mer_contracts"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("mer_merchants.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date] = mapped_column(index=True)
    rent_form: Mapped[RentForm] = mapped_column(_enum(RentForm))
    cycle: Mapped[Cycle] = mapped_column(_enum(Cycle))
    rent_fen: Mapped[int]
    turnover_share_bp: Mapped[int] = mapped_column(default=0)  # basis points: 800 = 8%
    deposit_fen: Mapped[int] = mapped_column(default=0)
    service_fen: Mapped[int] = mapped_column(default=0)
    state: Mapped[ContractState] = mapped_column(_enum(ContractState), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # The first day instalments are generated from: a contract imported mid-term
    # generates only the instalments still to come.
    schedule_from: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    activated_at: Mapped[datetime | None]
    activated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    # The contract this one renews (续租): its term follows the other's.
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("mer_contracts.id"), index=True)

    merchant: Mapped[Merchant] = relationship(lazy="joined")
    site: Mapped[Site] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    renews: Mapped["Contract | None"] = relationship(remote_side=[id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    units: Mapped[list[Unit]] = relationship(secondary="mer_contract_units", order_by=Unit.code)
    steps: Mapped[list["RentStep"]] = relationship(
        order_by="RentStep.year", cascade="all, delete-orphan"
    )


class ContractUnit(Base):
    __tablename__ = "mer_contract_units"
    contract_id: Mapped[int] = mapped_column(ForeignKey("mer_contracts.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("mer_units.id"), primary_key=True, index=True)


class RentStep(Base):
    """The rent per period from contract year ``year`` (2, 3, …) on: a stepped increase."""

    __tablename__ = "mer_rent_steps"
    __table_args__ = (UniqueConstraint("contract_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("mer_contracts.id"))
    year: Mapped[int]
    rent_fen: Mapped[int]


class Amendment(Base):
    """补充协议: from ``effective_on`` on, every period starting that day or later is
    charged ``rent_fen`` (and ``service_fen``), whatever the steps said."""

    __tablename__ = "mer_amendments"
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("mer_contracts.id"), index=True)
    effective_on: Mapped[date]
    rent_fen: Mapped[int]
    service_fen: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    recorded_by: Mapped[User] = relationship()


class Instalment(Base):
    """One period's rent, due on its first day (paid in advance): ``amount_fen`` is
    rent plus service charge, pro rata for a period the term cuts short.
    ``receivable_id`` is the receivable raised for it (set once, unique)."""

    __tablename__ = "mer_instalments"
    __table_args__ = (
        UniqueConstraint("contract_id", "starts_on"),
        UniqueConstraint("receivable_id"),
        Index("ix_mer_instalments_due_open", "due_on", "receivable_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("mer_contracts.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    due_on: Mapped[date]
    amount_fen: Mapped[int]
    receivable_id: Mapped[int | None]
    raised_at: Mapped[datetime | None]

    contract: Mapped[Contract] = relationship()


class Exit(Base):
    """项目退出: a contract ended early or at term. Opened with its reason, notice date
    and last day; closed once the checklist is done, with what the administration
    buys back and the deposit refunded (never while the merchant owes arrears).
    ``arrears_fen`` is what the merchant owed when it closed."""

    __tablename__ = "mer_exits"
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("mer_contracts.id"), unique=True)
    reason: Mapped[ExitReason] = mapped_column(_enum(ExitReason))
    notice_on: Mapped[date]
    ends_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    utilities_read: Mapped[bool] = mapped_column(default=False)
    unit_returned: Mapped[bool] = mapped_column(default=False)
    buyback_fen: Mapped[int] = mapped_column(default=0)  # assets bought back (回购)
    deposit_refund_fen: Mapped[int] = mapped_column(default=0)
    arrears_fen: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The leader's approval (not the person who opened it), before it is closed.
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    contract: Mapped[Contract] = relationship()
    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
