"""A merchant's documents with an expiry: business licence (营业执照), food permit
(食品经营许可证), fire inspection, other; each a file (``parkops.attachments``), its
number, the day it was issued and the last day it is valid (none: long-term, 长期).

``document_reminder_days`` (a module setting) before a document's last day, the site's
merchant managers are notified, once per document (``scheduler.once``). The
merchant's page marks a document "expires soon" within those days and "expired"
after its last day. One public function = one transaction; refusals are
``MerchantsError`` (or ``AttachmentError`` for the file) with nothing stored. Dates
are local.
"""

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.datastructures import FileStorage

from modules.merchants.errors import MerchantsError
from modules.merchants.models import Merchant, _enum
from parkops import audit, labels, module_settings
from parkops.attachments import Attachment, AttachmentError, store_file
from parkops.auth.access import users_holding
from parkops.auth.models import User
from parkops.db import Base, utcnow
from parkops.extensions import db
from parkops.notify import deliver, notify
from parkops.scheduler import once
from parkops.timeutil import business_day

OWNER = "merchants.document"
SETTING = "merchants.document_reminder_days"
REMIND_JOB = "merchants.document_reminder"


class DocumentKind(enum.StrEnum):
    LICENCE = "licence"  # 营业执照
    FOOD_PERMIT = "food_permit"  # 食品经营许可证
    FIRE = "fire"  # 消防检查
    OTHER = "other"


DOCUMENT_KINDS = {
    DocumentKind.LICENCE: _l("Business licence"),
    DocumentKind.FOOD_PERMIT: _l("Food business permit"),
    DocumentKind.FIRE: _l("Fire inspection"),
    DocumentKind.OTHER: _l("Other document"),
}
labels.register(DocumentKind, DOCUMENT_KINDS)


class MerchantDocument(Base):
    """One document of a merchant: ``valid_until`` is its last valid day (None:
    long-term); ``attachment_id`` its file."""

    __tablename__ = "mer_documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("mer_merchants.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(_enum(DocumentKind))
    number: Mapped[str] = mapped_column(String(60), default="")
    issued_on: Mapped[date]
    valid_until: Mapped[date | None] = mapped_column(index=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    merchant: Mapped[Merchant] = relationship()
    attachment: Mapped[Attachment] = relationship(lazy="joined")

    def mark(self, today: date, soon_days: int) -> str:
        """ "expired", "soon" (within ``soon_days`` of its last day) or "" (valid)."""
        if self.valid_until is None:
            return ""
        if self.valid_until < today:
            return "expired"
        return "soon" if self.valid_until <= today + timedelta(days=soon_days) else ""


def reminder_days(text: str) -> int:
    """The setting's type: whole days from 1 to 365."""
    if not text.isdigit() or not 1 <= int(text) <= 365:
        raise ValueError(_l("Give a whole number of days from 1 to 365."))
    return int(text)


@dataclass
class DocumentData:
    """A document as typed."""

    kind: DocumentKind
    number: str
    issued_on: date
    valid_until: date | None


def add_document(
    merchant: Merchant, data: DocumentData, upload: FileStorage, user: User
) -> MerchantDocument:
    """Store a document and its file (a photo re-encoded, a PDF or office file checked
    against its type). Refused, nothing stored: a last day before the issue day, an
    issue day in the future, a number longer than 60 characters, a bad file."""
    if data.valid_until is not None and data.valid_until < data.issued_on:
        raise MerchantsError(_("The document is valid until a day before it was issued."))
    if data.issued_on > business_day():
        raise MerchantsError(_("The issue date is in the future: a document is issued by today."))
    if len(data.number.strip()) > 60:
        raise MerchantsError(_("The number is longer than 60 characters."))
    try:
        attachment = store_file(upload, OWNER, None, user.id)
        db.session.flush()
    except AttachmentError:
        db.session.rollback()
        raise
    found = MerchantDocument(
        merchant_id=merchant.id,
        kind=data.kind,
        number=data.number.strip(),
        issued_on=data.issued_on,
        valid_until=data.valid_until,
        attachment_id=attachment.id,
        created_by_id=user.id,
    )
    db.session.add(found)
    db.session.flush()
    attachment.owner_id = found.id
    audit.record(
        "merchants.document_added",
        "merchant",
        merchant.id,
        {"kind": data.kind.value, "number": found.number},
        actor=user,
    )
    db.session.commit()
    return found


def of_merchant(merchant_id: int) -> list[MerchantDocument]:
    """The merchant's documents, by kind, the latest issued first; one query."""
    return list(
        db.session.scalars(
            select(MerchantDocument)
            .where(MerchantDocument.merchant_id == merchant_id)
            .order_by(MerchantDocument.kind, MerchantDocument.issued_on.desc(), MerchantDocument.id)
        )
    )


def _link(merchant_id: int) -> str:
    with current_app.test_request_context("/"):  # a job has no request to build URLs in
        return url_for("merchants.merchant", merchant_id=merchant_id)


def remind(today: date) -> int:
    """Notify the site's merchant managers of each document whose last day is within
    ``document_reminder_days`` from ``today`` (inclusive, not past); each document
    once. Commits; returns the reminders sent."""
    days: int = module_settings.get(SETTING)
    ending = db.session.scalars(
        select(MerchantDocument)
        .where(
            MerchantDocument.valid_until >= today,
            MerchantDocument.valid_until <= today + timedelta(days=days),
        )
        .order_by(MerchantDocument.valid_until, MerchantDocument.id)
    ).all()
    sent = 0
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        for found in ending:
            merchant = found.merchant
            if not once(REMIND_JOB, found.valid_until.isoformat(), f"document:{found.id}"):
                continue
            out = notify(
                users_holding("merchants.write", merchant.site_id),
                _(
                    "%(document)s of %(merchant)s expires on %(day)s",
                    document=DOCUMENT_KINDS[found.kind],
                    merchant=merchant.name,
                    day=found.valid_until.isoformat(),
                ),
                found.number,
                _link(merchant.id),
            )
            db.session.commit()
            deliver(out)
            sent += 1
    return sent
