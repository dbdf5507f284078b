"""Payout bands (奖惩档次): a versioned table the office edits, like the scoring rules.

A version is in force from ``effective_from`` (a local date) until the next one's; a
closed round pays by the version in force on the local day it closed, so a later
edit never changes its payouts.
"""

from datetime import date, datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parkops.db import Base, utcnow


class BandVersion(Base):
    """One version of the payout bands; never changed once stored (an edit is a new one)."""

    __tablename__ = "grn_band_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(unique=True)
    # None: the first version, made by the migration from the former settings.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    bands: Mapped[list["Band"]] = relationship(
        order_by="Band.lower_percent.desc()", lazy="selectin", back_populates="version"
    )


class Band(Base):
    """A score at or above ``lower_percent`` (0..100, of the rules' points) and below the
    next band's bound gets ``amount_fen`` per zone: positive a reward, negative a
    penalty, 0 nothing."""

    __tablename__ = "grn_bands"
    __table_args__ = (UniqueConstraint("version_id", "lower_percent"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("grn_band_versions.id"))
    lower_percent: Mapped[int]
    amount_fen: Mapped[int]

    version: Mapped[BandVersion] = relationship(back_populates="bands")
