"""Lease contracts: drafting, approval by a second person, entry into force, and
amendments (补充协议) that change the rent from a date.

States: draft → approved → active (→ expired / terminated, not built yet). A unit
is under at most one approved or active contract over any day; terms are fixed
once approved. One public function = one transaction; refusals are
``MerchantsError`` after a rollback. Money is fen, dates are local.
"""

from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from modules.merchants import schedule
from modules.merchants.errors import MerchantsError
from modules.merchants.models import (
    Amendment,
    Contract,
    ContractState,
    ContractUnit,
    Cycle,
    Instalment,
    Merchant,
    RentForm,
    RentStep,
    Unit,
)
from parkops import audit, deciding, idempotency
from parkops.auth.models import User
from parkops.extensions import db
from parkops.rectification.services import link_evidence
from parkops.timeutil import business_day, utcnow

MAX_RENT_FEN = 10**10  # ¥100,000,000 a period: above any lease in a park; refuses typos
MAX_TERM_YEARS = 20  # Civil Code art. 705: a lease term may not exceed twenty years
HOLDING = (ContractState.APPROVED, ContractState.ACTIVE)


@dataclass
class ContractData:
    """A contract as typed. ``steps``: {contract year (2, 3, …): rent fen per period};
    ``turnover_share_bp``: basis points of turnover (800 = 8%), turnover rent only."""

    site_id: int
    merchant_id: int
    number: str
    starts_on: date
    ends_on: date
    rent_form: RentForm
    cycle: Cycle
    rent_fen: int
    unit_ids: list[int]
    steps: dict[int, int] = field(default_factory=dict)
    turnover_share_bp: int = 0
    deposit_fen: int = 0
    service_fen: int = 0
    note: str = ""


def _fail(message: str):
    db.session.rollback()
    raise MerchantsError(message)


def _check_money(rent_fen: int | None, *others: int | None) -> None:
    if rent_fen is None or rent_fen <= 0:
        raise MerchantsError(_("The rent must be more than zero."))
    if rent_fen > MAX_RENT_FEN or any(v is not None and v > MAX_RENT_FEN for v in others):
        raise MerchantsError(_("The amount is too large."))
    if any(v is None or v < 0 for v in others):
        raise MerchantsError(_("An amount cannot be negative."))


def check(data: ContractData, contract_id: int | None = None) -> tuple[Merchant, list[Unit]]:
    """The merchant and units of ``data`` if its terms are acceptable (MerchantsError
    otherwise); ``contract_id``: the draft being edited, whose own number is no clash.
    A term over ``MAX_TERM_YEARS`` is refused: 中华人民共和国民法典 第七百零五条,
    租赁期限不得超过二十年 (the part beyond is void)."""
    number = data.number.strip()
    if not number:
        raise MerchantsError(_("Give the contract number."))
    same = select(Contract.id).where(Contract.number == number, Contract.id != contract_id)
    if db.session.scalar(same) is not None:
        raise MerchantsError(_("The contract number %(number)s is already used.", number=number))
    if data.ends_on < data.starts_on:
        raise MerchantsError(_("The term ends before it starts."))
    if data.ends_on >= schedule.add_months(data.starts_on, 12 * MAX_TERM_YEARS):
        raise MerchantsError(
            _("A lease may not run longer than %(years)d years.", years=MAX_TERM_YEARS)
        )
    _check_money(data.rent_fen, data.deposit_fen, data.service_fen, *data.steps.values())
    years = schedule.contract_year(data.starts_on, data.ends_on)
    for year in data.steps:
        if not 2 <= year <= years:
            raise MerchantsError(
                _(
                    "The term has %(years)d contract years: no step for year %(year)d.",
                    years=years,
                    year=year,
                )
            )
    if data.rent_form == RentForm.TURNOVER and not 0 < data.turnover_share_bp <= 10000:
        raise MerchantsError(_("Give the share of turnover, between 0 and 100%."))
    merchant = db.session.get(Merchant, data.merchant_id)
    if merchant is None or merchant.site_id != data.site_id:
        raise MerchantsError(_("Choose a merchant of this site."))
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(data.unit_ids))))
    if not units or len(units) != len(set(data.unit_ids)):
        raise MerchantsError(_("Choose at least one unit."))
    if any(u.site_id != data.site_id for u in units):
        raise MerchantsError(_("Every unit must be at the contract's site."))
    return merchant, units


def clash(unit_ids: list[int], starts_on: date, ends_on: date, other_than: int | None = None):
    """The first approved or active contract holding one of ``unit_ids`` on a day of
    ``starts_on``..``ends_on``: (Contract, Unit), or None."""
    query = (
        select(Contract, Unit)
        .join(ContractUnit, ContractUnit.contract_id == Contract.id)
        .join(Unit, Unit.id == ContractUnit.unit_id)
        .where(
            ContractUnit.unit_id.in_(unit_ids),
            Contract.state.in_(HOLDING),
            Contract.starts_on <= ends_on,
            Contract.ends_on >= starts_on,
        )
        .order_by(Contract.starts_on, Contract.id)
        .limit(1)
    )
    if other_than is not None:
        query = query.where(Contract.id != other_than)
    return db.session.execute(query).first()


def refuse_clash(unit_ids: list[int], starts_on: date, ends_on: date, other_than=None) -> None:
    found = clash(unit_ids, starts_on, ends_on, other_than)
    if found is not None:
        other, unit = found
        raise MerchantsError(
            _(
                "Unit %(unit)s is already leased under contract %(number)s (%(start)s to %(end)s).",
                unit=unit.code,
                number=other.number,
                start=other.starts_on.isoformat(),
                end=other.ends_on.isoformat(),
            )
        )


def add_draft(data: ContractData, user: User) -> Contract:
    """Add a draft contract (adds and flushes; the caller commits)."""
    merchant, units = check(data)
    refuse_clash(data.unit_ids, data.starts_on, data.ends_on)
    contract = Contract(
        site_id=data.site_id,
        merchant_id=merchant.id,
        number=data.number.strip(),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        rent_form=data.rent_form,
        cycle=data.cycle,
        rent_fen=data.rent_fen,
        turnover_share_bp=data.turnover_share_bp if data.rent_form == RentForm.TURNOVER else 0,
        deposit_fen=data.deposit_fen,
        service_fen=data.service_fen,
        note=data.note.strip(),
        state=ContractState.DRAFT,
        created_by_id=user.id,
        units=units,
        steps=[RentStep(year=y, rent_fen=f) for y, f in sorted(data.steps.items())],
    )
    db.session.add(contract)
    db.session.flush()
    audit.record(
        "merchants.contract_drafted",
        "contract",
        contract.id,
        {"number": contract.number},
        actor=user,
    )
    return contract


def create_draft(data: ContractData, user: User, retry_key: str | None = None) -> Contract:
    """One transaction: a draft contract from the form."""
    try:
        contract = add_draft(data, user)
    except MerchantsError:
        db.session.rollback()
        raise
    if retry_key:
        url = url_for("merchants.contract", contract_id=contract.id)
        idempotency.remember(retry_key, url, user.id)
    db.session.commit()
    return contract


def _unit_ids(contract: Contract) -> list[int]:
    return [u.id for u in contract.units]


def approve(contract: Contract, user: User) -> None:
    """Approve a draft; refused to the person who drafted it, and while one of its
    units is held by another approved or active contract over the term."""
    deciding.take(contract)
    if contract.approved_at is not None:
        raise deciding.AlreadyDecided(
            _(
                "This contract was approved already, by %(name)s at %(time)s.",
                **deciding.who_when(contract.approved_by_id, contract.approved_at),
            )
        )
    if contract.state != ContractState.DRAFT:
        _fail(_("Only a draft contract can be approved."))
    if contract.created_by_id == user.id:
        _fail(_("A contract is approved by someone other than the person who drafted it."))
    try:
        refuse_clash(_unit_ids(contract), contract.starts_on, contract.ends_on, contract.id)
    except MerchantsError:
        db.session.rollback()
        raise
    contract.state = ContractState.APPROVED
    contract.approved_at = utcnow()
    contract.approved_by_id = user.id
    audit.record("merchants.contract_approved", "contract", contract.id, {}, actor=user)
    db.session.commit()


def add_activation(contract: Contract, user: User, today: date, schedule_from: date) -> None:
    """Put an approved contract in force (adds; the caller commits): its instalments
    from ``schedule_from`` on are stored, those due by ``today`` raised, and the
    contract becomes evidence."""
    contract.state = ContractState.ACTIVE
    contract.activated_at = utcnow()
    contract.activated_by_id = user.id
    contract.schedule_from = schedule_from
    schedule.materialize(contract, schedule_from)
    schedule.raise_due(today, contract.id)
    summary = f"{contract.number} {contract.merchant.name}"
    link_evidence("merchants.contract", contract.id, summary, site_id=contract.site_id)
    audit.record("merchants.contract_activated", "contract", contract.id, {}, actor=user)


def activate(contract: Contract, user: User) -> None:
    """Put an approved contract in force (see ``add_activation``), its schedule from
    its first day."""
    deciding.take(contract)
    if contract.activated_at is not None:
        raise deciding.AlreadyDecided(
            _(
                "This contract came into force already, activated by %(name)s at %(time)s.",
                **deciding.who_when(contract.activated_by_id, contract.activated_at),
            )
        )
    if contract.state != ContractState.APPROVED:
        _fail(_("Only an approved contract can come into force."))
    try:
        refuse_clash(_unit_ids(contract), contract.starts_on, contract.ends_on, contract.id)
    except MerchantsError:
        db.session.rollback()
        raise
    add_activation(contract, user, business_day(), contract.starts_on)
    db.session.commit()


def amend(
    contract: Contract,
    user: User,
    effective_on: date,
    rent_fen: int,
    service_fen: int,
    reason: str,
) -> Amendment:
    """Record an amendment: from ``effective_on`` (within the term, after the last
    instalment already raised) every period starting that day or later is charged
    ``rent_fen`` + ``service_fen``; the instalments not raised yet are recomputed."""
    if contract.state != ContractState.ACTIVE:
        _fail(_("Only a contract in force is amended."))
    if not reason.strip():
        _fail(_("Give the amendment's reason."))
    try:
        _check_money(rent_fen, service_fen)
    except MerchantsError:
        db.session.rollback()
        raise
    if not contract.starts_on <= effective_on <= contract.ends_on:
        _fail(_("The amendment must take effect within the contract's term."))
    last_raised = db.session.scalar(
        select(Instalment.starts_on)
        .where(Instalment.contract_id == contract.id, Instalment.receivable_id.is_not(None))
        .order_by(Instalment.starts_on.desc())
        .limit(1)
    )
    if last_raised is not None and effective_on <= last_raised:
        _fail(
            _(
                "The rent from %(day)s is already raised: an amendment takes effect after it.",
                day=last_raised.isoformat(),
            )
        )
    amendment = Amendment(
        contract_id=contract.id,
        effective_on=effective_on,
        rent_fen=rent_fen,
        service_fen=service_fen,
        reason=reason.strip(),
        recorded_by_id=user.id,
    )
    db.session.add(amendment)
    db.session.flush()
    schedule.materialize(contract, max(effective_on, contract.schedule_from or effective_on))
    audit.record(
        "merchants.contract_amended",
        "contract",
        contract.id,
        {"effective_on": effective_on.isoformat(), "amount_fen": rent_fen},
        actor=user,
    )
    db.session.commit()
    return amendment
