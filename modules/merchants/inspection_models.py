"""Inspections of merchants' units (商户检查), the violations they find (违规) and the
re-checks (复查) that close them.

Times are UTC (shown local); deadlines are local dates. A violation comes from a
failed check of an inspection, or from a patrol's finding about the merchant
(``inspection_id`` None). ``repeat`` marks a violation of the same check at the
same merchant within the 12 months before it; ``failed_rechecks`` counts re-checks
that found it not corrected: both count as repeated violations of the merchant.
"""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from modules.merchants.models import Merchant, Unit, _enum
from parkops.auth.models import User
from parkops.db import Base, utcnow


class Check(enum.StrEnum):
    HYGIENE = "hygiene"  # 卫生
    PRICES = "prices"  # 明码标价
    OUTSIDE = "outside"  # 占道/超范围经营
    FIRE = "fire"  # 消防
    OTHER = "other"  # a patrol's finding that names none of the above


FORM_CHECKS = (Check.HYGIENE, Check.PRICES, Check.OUTSIDE, Check.FIRE)  # the inspection's


class ViolationState(enum.StrEnum):
    OPEN = "open"
    CORRECTED = "corrected"


class Inspection(Base):
    """One visit to a merchant's unit: ``at`` (UTC) when it was inspected;
    ``failed`` how many checks failed (each made a violation)."""

    __tablename__ = "mer_inspections"
    # Lists run newest first: of every site, of one site, of one merchant.
    __table_args__ = (
        Index("ix_mer_inspections_at", "at"),
        Index("ix_mer_inspections_site_at", "site_id", "at"),
        Index("ix_mer_inspections_merchant_at", "merchant_id", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    merchant_id: Mapped[int] = mapped_column(ForeignKey("mer_merchants.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("mer_units.id"))
    at: Mapped[datetime]
    failed: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    merchant: Mapped[Merchant] = relationship(lazy="joined")
    unit: Mapped[Unit] = relationship(lazy="joined")
    recorded_by: Mapped[User] = relationship(lazy="joined")
    results: Mapped[list["CheckResult"]] = relationship(order_by="CheckResult.id")


class CheckResult(Base):
    """One check's answer in an inspection: passed or not, with a note."""

    __tablename__ = "mer_check_results"
    __table_args__ = (UniqueConstraint("inspection_id", "check"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("mer_inspections.id"))
    check: Mapped[Check] = mapped_column(_enum(Check))
    passed: Mapped[bool]
    note: Mapped[str] = mapped_column(String(300), default="")


class Violation(Base):
    """违规: a check the merchant failed, to be corrected by ``deadline`` (local date;
    moved on by a re-check that finds it not corrected)."""

    __tablename__ = "mer_violations"
    __table_args__ = (
        # Widened with what the pages read beside the key, so they read the index
        # alone: the repeats of 12 months (a busy merchant has a thousand violations
        # a year), the open ones counted at every site, a merchant's open ones.
        Index(
            "ix_mer_violations_merchant_strikes",
            "merchant_id",
            "found_at",
            "repeat",
            "failed_rechecks",
        ),
        Index("ix_mer_violations_state_deadline_site", "state", "deadline", "site_id"),
        Index("ix_mer_violations_merchant_state_deadline", "merchant_id", "state", "deadline"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("mer_merchants.id"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("mer_inspections.id"), index=True)
    check: Mapped[Check] = mapped_column(_enum(Check))
    note: Mapped[str] = mapped_column(String(300), default="")
    found_at: Mapped[datetime]
    deadline: Mapped[date]
    state: Mapped[ViolationState] = mapped_column(_enum(ViolationState))
    repeat: Mapped[bool] = mapped_column(default=False)
    failed_rechecks: Mapped[int] = mapped_column(default=0)
    corrected_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    merchant: Mapped[Merchant] = relationship(lazy="joined")
    rechecks: Mapped[list["Recheck"]] = relationship(order_by="Recheck.id")


class Recheck(Base):
    """复查: whether the violation was corrected, with a photo; when not, the new
    deadline it was given."""

    __tablename__ = "mer_rechecks"
    id: Mapped[int] = mapped_column(primary_key=True)
    violation_id: Mapped[int] = mapped_column(ForeignKey("mer_violations.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    corrected: Mapped[bool]
    note: Mapped[str] = mapped_column(String(300), default="")
    new_deadline: Mapped[date | None]
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    by: Mapped[User] = relationship(lazy="joined")
