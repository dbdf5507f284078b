"""Debtors, receivables, payments and their allocation, reversals.

Money is an integer number of fen; business dates (raised, due, paid) are local
dates; times are UTC. Nothing here is edited once recorded: a receivable's balance
is its amount less its allocations, and a reversed payment keeps its rows and gains
negative (contra) allocations that undo them. That balance is also stored
(``Receivable.open_fen``), kept by ``ledger.settle`` in the transaction of every
allocation, so the pages read it instead of summing the ledger.
"""

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parkops.auth.models import Department, Site, User
from parkops.db import Base, utcnow


def _enum(cls):
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class DebtorKind(enum.StrEnum):
    MERCHANT = "merchant"
    STAFF = "staff"  # a staff member holding an advance
    ORGANISATION = "organisation"
    PERSON = "person"


class ReceivableKind(enum.StrEnum):
    RENT = "rent"
    DEPOSIT_SHORTFALL = "deposit_shortfall"
    UTILITIES = "utilities"
    ADVANCE = "advance"  # 预付款/借款 to be cleared with receipts
    COMPENSATION = "compensation"
    OTHER = "other"
    OPENING = "opening"  # a debtor's opening balance: history not itemised, with its date


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    BANK = "bank"
    WECHAT = "wechat"
    ALIPAY = "alipay"
    CHEQUE = "cheque"
    RECEIPTS = "receipts"  # an advance cleared by reimbursement receipts, no cash


class FollowUpKind(enum.StrEnum):
    CALL = "call"
    VISIT = "visit"
    PROMISE = "promise"  # a promise to pay: date and amount
    REPLY = "reply"  # the debtor's answer to a letter


class Verification(enum.StrEnum):
    """Where a receivable stands in a clean-up campaign (甄别核实)."""

    TO_VERIFY = "to_verify"
    OWED = "owed"  # confirmed as owed: to collect
    DISPUTED = "disputed"
    PAPERWORK = "paperwork"  # paperwork to complete
    PAPERWORK_DONE = "paperwork_done"
    WRITE_OFF = "write_off"  # proposed for write-off, with a reason


class ReversalState(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REFUSED = "refused"


class WriteOffState(enum.StrEnum):
    PROPOSED = "proposed"  # waits for a leader
    APPROVED = "approved"  # written off: a write-off allocation closes the balance
    REFUSED = "refused"


class Debtor(Base):
    """Whoever owes: registered at a site; ``id_code`` is a unified social credit code
    or an ID number (optional, masked on lists). ``subject_kind``/``subject_id`` point
    at the record elsewhere it stands for (a merchant), when another module raised it."""

    __tablename__ = "rcv_debtors"
    __table_args__ = (
        Index("ix_rcv_debtors_subject", "subject_kind", "subject_id"),
        # The debtors list pages by name: read in order, not sorted.
        Index("ix_rcv_debtors_name", "name", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[DebtorKind] = mapped_column(_enum(DebtorKind))
    id_code: Mapped[str] = mapped_column(String(30), default="")
    contact: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    subject_kind: Mapped[str | None] = mapped_column(String(60))
    subject_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    site: Mapped[Site] = relationship(lazy="joined")

    @property
    def masked_id_code(self) -> str:
        """The first two and last two characters, the rest as asterisks."""
        code = self.id_code
        if len(code) <= 4:
            return "*" * len(code)
        return code[:2] + "*" * (len(code) - 4) + code[-2:]


def _whole_amount(context) -> int:
    """Insert default of ``open_fen``: nothing paid yet, the whole amount."""
    return context.get_current_parameters()["amount_fen"]


class Receivable(Base):
    """What one debtor owes for one thing (``amount_fen`` > 0), raised on a local date
    and due on another; ``reference`` is the raiser's own key (unique), so a service
    called twice for the same instalment raises it once."""

    __tablename__ = "rcv_receivables"
    __table_args__ = (
        Index("ix_rcv_receivables_debtor_due", "debtor_id", "due_on"),
        # Aging on a past day takes back what was raised after it: a range of days.
        Index("ix_rcv_receivables_raised", "raised_on"),
        # One page of debtors' receivables at the reader's sites (aging, the debtors
        # list), from the index alone: without it SQLite reads a whole site's
        # receivables through the site index.
        Index(
            "ix_rcv_receivables_debtor_site",
            "debtor_id",
            "site_id",
            "raised_on",
            "due_on",
            "open_fen",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("rcv_debtors.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    kind: Mapped[ReceivableKind] = mapped_column(_enum(ReceivableKind))
    origin: Mapped[str] = mapped_column(String(200), default="")  # contract, approval number
    amount_fen: Mapped[int]
    raised_on: Mapped[date]
    due_on: Mapped[date] = mapped_column(index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str | None] = mapped_column(String(120), unique=True)
    # The chasing level reached by the letters issued (0 none, 1 提醒函, 2 催缴通知书,
    # 3 final notice): raised one step at a time by ``levels.record``, never lowered.
    level: Mapped[int] = mapped_column(default=0, server_default="0")
    # What is still owed (fen): ``amount_fen`` less the allocations, the amount itself
    # when inserted (ORM or bulk), then set by ``ledger.settle`` after each allocation.
    open_fen: Mapped[int] = mapped_column(default=_whole_amount, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    debtor: Mapped[Debtor] = relationship(lazy="joined")
    site: Mapped[Site] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship()
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])


class OpenSum(Base):
    """What is still owed (fen) on every receivable of one site, kind and handler that
    falls due on one day: the sum of their ``open_fen`` and how many of them owe
    (``open_count``: ``open_fen`` > 0), kept by ``sums.add`` with each change to one of
    them, so the aging grid reads a few thousand rows whatever the ledger's size.
    ``handler_id`` 0: no handler (a key column is never NULL, so two writers of the
    same new key meet on the unique constraint)."""

    __tablename__ = "rcv_open_sums"
    __table_args__ = (UniqueConstraint("site_id", "kind", "handler_id", "due_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    kind: Mapped[ReceivableKind] = mapped_column(_enum(ReceivableKind))
    handler_id: Mapped[int]
    due_on: Mapped[date]
    open_fen: Mapped[int]
    open_count: Mapped[int] = mapped_column(default=0, server_default="0")


class Payment(Base):
    """Money received from a debtor (or receipts clearing an advance), at one site."""

    __tablename__ = "rcv_payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("rcv_debtors.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    paid_on: Mapped[date]
    amount_fen: Mapped[int]
    method: Mapped[PaymentMethod] = mapped_column(_enum(PaymentMethod))
    receipt_no: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    debtor: Mapped[Debtor] = relationship(lazy="joined")
    site: Mapped[Site] = relationship(lazy="joined")
    recorded_by: Mapped[User | None] = relationship()
    allocations: Mapped[list["Allocation"]] = relationship(
        back_populates="payment", order_by="Allocation.id"
    )


class Allocation(Base):
    """Part of a payment applied to one receivable; a reversal's contra rows are
    negative, name it and carry the payment's day, so a reversed payment nets to zero
    on every day. An approved write-off is an allocation too (``write_off_id``, no
    payment, the day it was approved): every balance counts it without another rule."""

    __tablename__ = "rcv_allocations"
    # A receivable's allocations up to a day (settling, indicators) from this index alone.
    __table_args__ = (
        Index("ix_rcv_allocations_receivable_day", "receivable_id", "paid_on", "amount_fen"),
        # Aging and the indicators on a past day add back what was allocated after it:
        # a range of days, read from the index alone.
        Index("ix_rcv_allocations_day", "paid_on", "receivable_id", "amount_fen"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("rcv_payments.id"), index=True)
    receivable_id: Mapped[int] = mapped_column(ForeignKey("rcv_receivables.id"))
    amount_fen: Mapped[int]
    paid_on: Mapped[date]  # the payment's day, copied (both never change)
    reversal_id: Mapped[int | None] = mapped_column(ForeignKey("rcv_reversals.id"))
    write_off_id: Mapped[int | None] = mapped_column(ForeignKey("rcv_write_offs.id"))

    payment: Mapped[Payment | None] = relationship(back_populates="allocations")
    receivable: Mapped[Receivable] = relationship()


class Reversal(Base):
    """A reasoned request to undo a recorded payment; it takes effect only when a
    second person approves it (never the proposer)."""

    __tablename__ = "rcv_reversals"
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("rcv_payments.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[ReversalState] = mapped_column(_enum(ReversalState))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class Letter(Base):
    """A chasing letter (提醒函, 催缴通知书, final notice) as it was sent: ``content`` is
    the frozen JSON the print view and .docx are drawn from (see ``letters.compose``),
    numbered 1, 2, … within its year without gaps."""

    __tablename__ = "rcv_letters"
    __table_args__ = (UniqueConstraint("year", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]  # the local year of the day it was issued
    number: Mapped[int]
    level: Mapped[int]  # 1 提醒函, 2 催缴通知书, 3 final notice
    debtor_id: Mapped[int] = mapped_column(ForeignKey("rcv_debtors.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    content: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    debtor: Mapped[Debtor] = relationship(lazy="joined")


class FollowUp(Base):
    """One entry in a receivable's follow-up log (a call, a visit, a promise to pay,
    a reply), by its author at ``created_at`` (UTC); never edited. A promise carries
    the local date it runs to (``promised_on``) and the amount (fen); while that date
    has not passed the receivable's chasing level does not rise."""

    __tablename__ = "rcv_follow_ups"
    __table_args__ = (Index("ix_rcv_follow_ups_receivable", "receivable_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    receivable_id: Mapped[int] = mapped_column(ForeignKey("rcv_receivables.id"))
    kind: Mapped[FollowUpKind] = mapped_column(_enum(FollowUpKind))
    note: Mapped[str] = mapped_column(Text, default="")
    promised_on: Mapped[date | None]
    promised_fen: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User] = relationship()


class Campaign(Base):
    """A special clean-up (专项清理) of one site's receivables due before ``due_before``
    (a local date) and still open when it started (``started_on``)."""

    __tablename__ = "rcv_campaigns"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    due_before: Mapped[date]
    started_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    site: Mapped[Site] = relationship(lazy="joined")


class CampaignItem(Base):
    """One receivable in a campaign: its open balance (fen) when the campaign started and
    its verification, last set by ``verified_by`` at ``verified_at`` (UTC; each change
    is audited)."""

    __tablename__ = "rcv_campaign_items"
    __table_args__ = (
        UniqueConstraint("campaign_id", "receivable_id"),
        # The campaign's items oldest due first, a page at a time.
        Index("ix_rcv_campaign_items_due", "campaign_id", "due_on", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("rcv_campaigns.id"))
    receivable_id: Mapped[int] = mapped_column(ForeignKey("rcv_receivables.id"), index=True)
    # The receivable's due date (never changed once raised), copied for the index above.
    # NULL only in the database's column definition: migrations fill it, ``start`` sets it.
    due_on: Mapped[date | None]
    start_fen: Mapped[int]
    # The receivable's balance and what approved write-offs closed of it (fen), as
    # counted in ``CampaignCount`` (``campaign_counts.refresh`` keeps them current).
    counted_fen: Mapped[int] = mapped_column(default=0, server_default="0")
    written_fen: Mapped[int] = mapped_column(default=0, server_default="0")
    state: Mapped[Verification] = mapped_column(_enum(Verification))
    note: Mapped[str] = mapped_column(Text, default="")
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    receivable: Mapped[Receivable] = relationship(lazy="joined")
    verified_by: Mapped[User | None] = relationship()


class CampaignCount(Base):
    """A campaign's items in one verification, counted (``campaign_counts``): how many,
    their balance at the start, how many were paid in full and how much was paid since
    the start (write-offs apart), how many were written off and for how much (fen).
    Kept with every change to an item's verification or its receivable's balance, in
    the same transaction, so the campaign's progress reads a few rows."""

    __tablename__ = "rcv_campaign_counts"
    campaign_id: Mapped[int] = mapped_column(ForeignKey("rcv_campaigns.id"), primary_key=True)
    state: Mapped[Verification] = mapped_column(_enum(Verification), primary_key=True)
    items: Mapped[int] = mapped_column(default=0)
    start_fen: Mapped[int] = mapped_column(default=0)
    collected: Mapped[int] = mapped_column(default=0)
    collected_fen: Mapped[int] = mapped_column(default=0)
    written_off: Mapped[int] = mapped_column(default=0)
    written_off_fen: Mapped[int] = mapped_column(default=0)


class WriteOff(Base):
    """A proposal to write off what is left of a receivable (核销), with its reason and
    scans (attachments owned by "receivables.write_off"); a leader other than the
    proposer approves it, and the approval adds an allocation of the balance left then
    (``amount_fen``, fen) on ``written_off_on`` (local date). Never edited otherwise."""

    __tablename__ = "rcv_write_offs"
    # The waiting ones newest first, a page at a time (the list of write-offs).
    __table_args__ = (Index("ix_rcv_write_offs_state", "state", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    receivable_id: Mapped[int] = mapped_column(ForeignKey("rcv_receivables.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("rcv_campaign_items.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[WriteOffState] = mapped_column(_enum(WriteOffState))
    proposed_fen: Mapped[int]  # the balance when proposed
    amount_fen: Mapped[int | None]  # the balance closed, once approved
    written_off_on: Mapped[date | None]
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    receivable: Mapped[Receivable] = relationship(lazy="joined")
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
