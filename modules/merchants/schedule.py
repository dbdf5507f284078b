"""The rent schedule: a contract's periods and the instalments raised as receivables.

Periods start on the contract's first day and every ``cycle.months`` months after it
(anchored to that day of the month: a lease from 29 February has periods from 28
February in common years and 29 February in leap years); the last one is cut at the
end of the term and charged pro rata by days. Rent is due on a period's first day
(in advance). A period's rent is, in order: the latest amendment effective on or
before its first day; else the step of its contract year; else the first year's
rent. For a turnover rent the instalment is the minimum (the turnover top-up is not
built yet). Amounts are fen.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select

from modules.merchants.models import Amendment, Contract, ContractState, Instalment
from modules.merchants.register import MERCHANT_SUBJECT
from modules.receivables import api
from parkops.extensions import db
from parkops.timeutil import utcnow


@dataclass(frozen=True)
class Period:
    """One instalment as computed: first and last day (inclusive), due day, fen."""

    starts_on: date
    ends_on: date
    due_on: date
    amount_fen: int


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` months on, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def contract_year(starts_on: date, day: date) -> int:
    """The contract year (1, 2, …) ``day`` falls in, for a term starting ``starts_on``."""
    year = 1
    while add_months(starts_on, 12 * year) <= day:
        year += 1
    return year


def _charge(contract: Contract, amendments: list[Amendment], day: date) -> int:
    """Rent plus service charge, fen per full period starting ``day``."""
    for amendment in sorted(amendments, key=lambda a: a.effective_on, reverse=True):
        if amendment.effective_on <= day:
            return amendment.rent_fen + amendment.service_fen
    rent = contract.rent_fen
    year = contract_year(contract.starts_on, day)
    for step in sorted(contract.steps, key=lambda s: s.year):
        if step.year <= year:
            rent = step.rent_fen
    return rent + contract.service_fen


def periods(contract: Contract, amendments: list[Amendment] = ()) -> list[Period]:
    """Every period of the term, in order (see the module's docstring)."""
    months = contract.cycle.months
    result = []
    k = 0
    while (start := add_months(contract.starts_on, k * months)) <= contract.ends_on:
        following = add_months(contract.starts_on, (k + 1) * months)
        end = min(following - timedelta(days=1), contract.ends_on)
        full_days = (following - start).days
        days = (end - start).days + 1
        charge = _charge(contract, list(amendments), start)
        # Pro rata, rounded half up to the fen.
        amount = (charge * days * 2 + full_days) // (2 * full_days)
        result.append(Period(start, end, start, amount))
        k += 1
    return result


def materialize(contract: Contract, since: date) -> None:
    """Store the contract's instalments starting on or after ``since`` in place of
    those not raised yet (adds; the caller commits). Raised ones never change."""
    db.session.execute(
        delete(Instalment).where(
            Instalment.contract_id == contract.id,
            Instalment.starts_on >= since,
            Instalment.receivable_id.is_(None),
        )
    )
    kept = set(
        db.session.scalars(
            select(Instalment.starts_on).where(Instalment.contract_id == contract.id)
        )
    )
    amendments = list(
        db.session.scalars(select(Amendment).where(Amendment.contract_id == contract.id))
    )
    for period in periods(contract, amendments):
        if period.starts_on >= since and period.starts_on not in kept:
            db.session.add(
                Instalment(
                    contract_id=contract.id,
                    starts_on=period.starts_on,
                    ends_on=period.ends_on,
                    due_on=period.due_on,
                    amount_fen=period.amount_fen,
                )
            )
    db.session.flush()


def raise_due(today: date, contract_id: int | None = None) -> int:
    """Raise every instalment due on or before ``today`` and not raised yet (of one
    contract, or of all contracts in force) as a rent receivable through
    ``receivables.api``; stores each receivable's id on its instalment. Adds and
    flushes, the caller commits; returns how many were raised. A run that comes late
    catches up; a second run finds nothing left (and the receivable's reference
    ``merchants.instalment:<id>`` guards against a race)."""
    query = (
        select(Instalment)
        .join(Contract, Contract.id == Instalment.contract_id)
        .where(
            Instalment.receivable_id.is_(None),
            Instalment.due_on <= today,
            # An ended contract's instalments up to its last day are still owed.
            Contract.state.in_(
                (ContractState.ACTIVE, ContractState.EXPIRED, ContractState.TERMINATED)
            ),
        )
        .order_by(Instalment.due_on, Instalment.id)
    )
    if contract_id is not None:
        query = query.where(Instalment.contract_id == contract_id)
    raised = 0
    for instalment in db.session.scalars(query).all():
        contract = instalment.contract
        merchant = contract.merchant
        debtor_id = api.ensure_debtor(
            MERCHANT_SUBJECT,
            merchant.id,
            merchant.name,
            merchant.site_id,
            id_code=merchant.id_code,
            contact=merchant.contact,
            phone=merchant.phone,
        )
        period = f"{instalment.starts_on.isoformat()}–{instalment.ends_on.isoformat()}"
        instalment.receivable_id = api.raise_receivable(
            debtor_id,
            contract.site_id,
            api.ReceivableKind.RENT,
            instalment.amount_fen,
            instalment.due_on,
            instalment.due_on,
            reference=f"merchants.instalment:{instalment.id}",
            origin=f"{contract.number} {period}",
            # The manager who put the lease in force follows its rent (经手人).
            handler_id=contract.activated_by_id,
        )
        instalment.raised_at = utcnow()
        raised += 1
    db.session.flush()
    return raised
