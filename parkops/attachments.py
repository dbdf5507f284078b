"""Uploaded files: photos validated and re-encoded, documents stored as given.

Files live under ``<instance>/attachments/``; the database keeps their
metadata. They are served only through a view that checks who may see them.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from parkops.db import Base, utcnow


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Which record owns it ("rectification.regulation", "facilities.repair_order", …);
    # the owner's permission decides who may download it.
    owner_kind: Mapped[str] = mapped_column(String(60), index=True)
    owner_id: Mapped[int | None] = mapped_column(index=True)
    filename: Mapped[str] = mapped_column(String(255))  # as the user named it
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    width: Mapped[int | None]
    height: Mapped[int | None]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
