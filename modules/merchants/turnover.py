"""The turnover top-up of a turnover lease (a share of turnover with a minimum).

Each period's instalment raises the minimum rent when due. When the manager records
the merchant's turnover of a period, the share (``turnover_share_bp`` of it, rounded
half up to the fen) above that period's minimum rent is raised as a rent receivable
through ``receivables.api`` (reference ``merchants.turnover:<id>``), due the day it is
recorded; a share at or below the minimum raises nothing. Once per period.

The minimum rent of a period is its instalment less the contract's service charge,
pro rata like the instalment for a period the term cuts short. Money is fen, days
are local.
"""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import BigInteger, ForeignKey, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from modules.merchants import schedule
from modules.merchants.errors import MerchantsError
from modules.merchants.models import Contract, ContractState, Instalment, RentForm
from modules.merchants.register import MERCHANT_SUBJECT
from modules.receivables import api
from parkops import audit
from parkops.auth.models import User
from parkops.db import Base, utcnow
from parkops.extensions import db

MAX_TURNOVER_FEN = 10**12  # ¥10,000,000,000 a period: refuses typos


class TurnoverReport(Base):
    """A period's turnover as the merchant reported it, and the top-up it raised
    (``topup_fen`` > 0 with its ``receivable_id``, or 0)."""

    __tablename__ = "mer_turnover_reports"
    __table_args__ = (UniqueConstraint("contract_id", "period_starts_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("mer_contracts.id"), index=True)
    period_starts_on: Mapped[date]
    turnover_fen: Mapped[int] = mapped_column(BigInteger)  # above PostgreSQL's int4
    minimum_fen: Mapped[int]
    topup_fen: Mapped[int] = mapped_column(BigInteger)
    receivable_id: Mapped[int | None]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    recorded_by: Mapped[User] = relationship()


def _fail(message: str):
    db.session.rollback()
    raise MerchantsError(message)


def minimum_fen(contract: Contract, instalment: Instalment) -> int:
    """The period's minimum rent: its instalment less the service charge (pro rata)."""
    following = schedule.add_months(instalment.starts_on, contract.cycle.months)
    full_days = (following - instalment.starts_on).days
    days = (instalment.ends_on - instalment.starts_on).days + 1
    service = (contract.service_fen * days * 2 + full_days) // (2 * full_days)
    return instalment.amount_fen - service


def record(
    contract: Contract, period_starts_on: date, turnover_fen: int, user: User, today: date
) -> TurnoverReport:
    """Record a period's turnover and raise its top-up. Refused (nothing stored): not a
    turnover lease in force or ended, a negative or absurd turnover, a day that starts
    no period of the contract's schedule, a period not begun by ``today``, a period
    already recorded."""
    if contract.rent_form != RentForm.TURNOVER or contract.state in (
        ContractState.DRAFT,
        ContractState.APPROVED,
    ):
        _fail(_("Only a turnover lease in force or ended takes a turnover."))
    if turnover_fen is None or turnover_fen < 0 or turnover_fen > MAX_TURNOVER_FEN:
        _fail(_("The turnover must be zero or more."))
    instalment = db.session.scalar(
        select(Instalment).where(
            Instalment.contract_id == contract.id, Instalment.starts_on == period_starts_on
        )
    )
    if instalment is None:
        _fail(_("No period of this contract starts on %(day)s.", day=period_starts_on.isoformat()))
    if period_starts_on > today:
        _fail(_("The period has not begun."))
    taken = select(TurnoverReport.id).where(
        TurnoverReport.contract_id == contract.id,
        TurnoverReport.period_starts_on == period_starts_on,
    )
    if db.session.scalar(taken) is not None:
        _fail(_("The turnover of this period is recorded already."))
    minimum = minimum_fen(contract, instalment)
    share = (turnover_fen * contract.turnover_share_bp * 2 + 10000) // 20000
    report = TurnoverReport(
        contract_id=contract.id,
        period_starts_on=period_starts_on,
        turnover_fen=turnover_fen,
        minimum_fen=minimum,
        topup_fen=max(0, share - minimum),
        recorded_by_id=user.id,
    )
    db.session.add(report)
    db.session.flush()
    if report.topup_fen:
        merchant = contract.merchant
        debtor_id = api.ensure_debtor(
            MERCHANT_SUBJECT, merchant.id, merchant.name, merchant.site_id, user=user
        )
        period = f"{instalment.starts_on.isoformat()}–{instalment.ends_on.isoformat()}"
        try:
            report.receivable_id = api.raise_receivable(
                debtor_id,
                contract.site_id,
                api.ReceivableKind.RENT,
                report.topup_fen,
                today,
                today,
                reference=f"merchants.turnover:{report.id}",
                origin=_(
                    "%(number)s %(period)s turnover share", number=contract.number, period=period
                ),
                handler_id=user.id,
                user=user,
            )
        except api.ReceivablesError as refused:
            _fail(str(refused))
    audit.record(
        "merchants.turnover_recorded",
        "contract",
        contract.id,
        {"turnover_fen": turnover_fen, "amount_fen": report.topup_fen},
        actor=user,
    )
    db.session.commit()
    return report


def reports_of(contract: Contract) -> list[TurnoverReport]:
    """The contract's turnover reports by period; one query."""
    return list(
        db.session.scalars(
            select(TurnoverReport)
            .where(TurnoverReport.contract_id == contract.id)
            .order_by(TurnoverReport.period_starts_on)
        )
    )
