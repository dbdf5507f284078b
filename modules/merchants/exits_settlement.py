"""The rest of an exit (项目退出): the leader's approval before it closes, the photos of
the unit handed back, and the settlement statement (结算单) as a printable page and a
.docx.

Approval is by someone holding ``merchants.approve`` other than the person who
opened the exit (four eyes); ``exits.close_exit`` refuses an exit not approved.
The settlement's figures (all fen):

- rent to date: the instalments of periods starting on or before the exit's last day;
- arrears: what the merchant owed when the exit closed (today's, while it is open);
- deposit set against arrears: the deposit, up to the arrears;
- buy-back (回购): what the administration pays for the assets it takes over;
- balance: the merchant owes ``arrears − set off``, the administration owes
  ``deposit − set off + buy-back``; ``balance_fen`` is the first less the second
  (> 0: the merchant pays it, < 0: the administration refunds it).
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from modules.merchants import exits
from modules.merchants.errors import MerchantsError
from modules.merchants.models import Contract, Exit, Instalment
from modules.merchants.texts import EXIT_REASONS
from parkops import audit, deciding
from parkops.attachments import Attachment, AttachmentError, store_photo
from parkops.auth.models import User
from parkops.documents import Document
from parkops.extensions import db
from parkops.money import format_fen
from parkops.timeutil import utcnow


def approve_exit(found: Exit, user: User) -> None:
    """The leader's approval of an open exit; refused to the person who opened it and
    once approved or closed (MerchantsError, nothing stored). Two leaders at once: the
    second waits for the first and is refused (``AlreadyDecided``)."""
    if found.opened_by_id == user.id:
        db.session.rollback()
        raise MerchantsError(
            _("An exit is approved by someone other than the person who opened it.")
        )
    deciding.once(
        found,
        lambda e: e.approved_at is None and e.closed_at is None,
        lambda e: _(
            "This exit was approved already, by %(name)s at %(time)s.",
            **deciding.who_when(e.approved_by_id, e.approved_at),
        ),
    )
    found.approved_at, found.approved_by_id = utcnow(), user.id
    audit.record("merchants.exit_approved", "contract", found.contract_id, {}, actor=user)
    db.session.commit()


PHOTO_OWNER = "merchants.exit"
MAX_PHOTOS = 12  # a form's worth


def add_photos(found: Exit, uploads: list, user: User) -> int:
    """Store photos of the unit handed back (each validated and re-encoded); all or
    none: AttachmentError (or MerchantsError for none or too many) stores nothing."""
    uploads = [u for u in uploads if u and u.filename]
    if not 0 < len(uploads) <= MAX_PHOTOS:
        db.session.rollback()
        raise MerchantsError(_("Choose 1 to %(most)d photos.", most=MAX_PHOTOS))
    try:
        for upload in uploads:
            store_photo(upload, PHOTO_OWNER, found.id, user.id)
    except AttachmentError:
        db.session.rollback()
        raise
    audit.record(
        "merchants.exit_photos_added",
        "contract",
        found.contract_id,
        {"count": len(uploads)},
        actor=user,
    )
    db.session.commit()
    return len(uploads)


def photos_of(found: Exit) -> list[Attachment]:
    """The exit's photos, oldest first; one query."""
    return list(
        db.session.scalars(
            select(Attachment)
            .where(Attachment.owner_kind == PHOTO_OWNER, Attachment.owner_id == found.id)
            .order_by(Attachment.id)
        )
    )


@dataclass
class Settlement:
    contract: Contract
    exit: Exit
    rent_to_date_fen: int
    arrears_fen: int
    deposit_fen: int
    set_off_fen: int  # deposit set against arrears
    buyback_fen: int

    @property
    def merchant_pays_fen(self) -> int:
        return self.arrears_fen - self.set_off_fen

    @property
    def park_pays_fen(self) -> int:
        return self.deposit_fen - self.set_off_fen + self.buyback_fen

    @property
    def balance_fen(self) -> int:
        """> 0: the merchant pays it; < 0: the administration refunds it."""
        return self.merchant_pays_fen - self.park_pays_fen


def settlement(found: Exit) -> Settlement:
    """The exit's settlement (two queries: the rent, and today's arrears while open)."""
    contract = found.contract
    rent = db.session.scalar(
        select(func.coalesce(func.sum(Instalment.amount_fen), 0)).where(
            Instalment.contract_id == contract.id, Instalment.starts_on <= found.ends_on
        )
    )
    arrears = found.arrears_fen if found.closed_at else exits.arrears_fen(contract)
    set_off = min(contract.deposit_fen, arrears)
    return Settlement(
        contract, found, rent, arrears, contract.deposit_fen, set_off, found.buyback_fen
    )


def rows(s: Settlement) -> list[tuple[str, str]]:
    """The statement's lines (label, amount), as the page and the .docx show them."""
    balance = s.balance_fen
    if balance > 0:
        last = (_("Balance: the merchant pays"), format_fen(balance))
    elif balance < 0:
        last = (_("Balance: the park refunds"), format_fen(-balance))
    else:
        last = (_("Balance"), format_fen(0))
    return [
        (_("Rent and charges to the last day"), format_fen(s.rent_to_date_fen)),
        (_("Arrears"), format_fen(s.arrears_fen)),
        (_("Deposit"), format_fen(s.deposit_fen)),
        (_("Deposit set against arrears"), format_fen(s.set_off_fen)),
        (_("Assets bought back (回购)"), format_fen(s.buyback_fen)),
        last,
    ]


def docx(s: Settlement) -> bytes:
    """The settlement statement as an official A4 .docx: title, the parties and the
    contract (marked provisional while the exit is open), the figures as a table, the
    signatures (the merchant manager who opened the exit, the approving leader)."""
    contract, found = s.contract, s.exit
    title = _("Settlement statement of lease contract %(number)s", number=contract.number)
    doc = Document(title)
    doc.title(_("Lease exit settlement statement"))
    if found.closed_at is None:  # as the print view says: the figures may still change
        doc.paragraph(_("Provisional: the exit is not closed; arrears as of today."))
    doc.paragraph(
        _(
            "Merchant: %(merchant)s. Contract: %(number)s, units %(units)s, term "
            "%(start)s to %(end)s. Reason for the exit: %(reason)s; notice given on "
            "%(notice)s; last day %(last)s.",
            merchant=contract.merchant.name,
            number=contract.number,
            units=", ".join(u.code for u in contract.units),
            start=contract.starts_on.isoformat(),
            end=contract.ends_on.isoformat(),
            reason=EXIT_REASONS[found.reason],
            notice=found.notice_on.isoformat(),
            last=found.ends_on.isoformat(),
        )
    )
    doc.table([_("Item"), _("Amount")], rows(s), widths=(3, 2), centered=(1,))
    doc.table(
        [_("Merchant (signature and seal)"), _("Merchant manager"), _("Approved by")],
        [
            [
                "\n\n",
                found.opened_by.display_name,
                found.approved_by.display_name if found.approved_by else "\n\n",
            ]
        ],
        widths=(1, 1, 1),
    )
    doc.right(contract.site.name)
    doc.right(_("Date: ________"))
    return doc.to_bytes()
