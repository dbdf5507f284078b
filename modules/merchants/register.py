"""The register: merchants and leasable units, and the lists' queries.

One public function = one transaction; refusals are ``MerchantsError`` after a
rollback. Lists are filtered to the reader's sites in SQL and paged.
"""

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select

from modules.merchants import access, search
from modules.merchants.errors import MerchantsError
from modules.merchants.models import (
    BusinessType,
    Contract,
    ContractState,
    ContractUnit,
    Merchant,
    MerchantKind,
    Unit,
    UnitKind,
)
from parkops import audit, idempotency
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.query_args import half_width

MERCHANT_SUBJECT = "merchants.merchant"  # how receivables knows a merchant's debtor


@dataclass
class MerchantData:
    """A merchant as typed."""

    site_id: int
    name: str
    kind: MerchantKind
    business_type: BusinessType
    id_code: str = ""
    contact: str = ""
    phone: str = ""


@dataclass
class UnitData:
    """A unit as typed: ``area_m2`` in whole square metres."""

    site_id: int
    code: str
    location: str
    area_m2: int
    kind: UnitKind


def _commit(retry_key: str | None, url: str, user: User) -> None:
    if retry_key:  # the page it led to, for a repeat of the same form
        idempotency.remember(retry_key, url, user.id)
    db.session.commit()


def add_merchant(data: MerchantData, user: User | None) -> Merchant:
    """Register a merchant (adds and flushes; the caller commits)."""
    if not data.name.strip():
        raise MerchantsError(_("Give the merchant's name."))
    if db.session.get(Site, data.site_id) is None:
        raise MerchantsError(_("Choose a site."))
    merchant = Merchant(
        site_id=data.site_id,
        name=data.name.strip(),
        kind=data.kind,
        business_type=data.business_type,
        id_code=data.id_code.strip().upper(),
        contact=data.contact.strip(),
        phone=data.phone.strip(),
        created_by_id=user.id if user else None,
    )
    db.session.add(merchant)
    db.session.flush()
    search.index(merchant)
    audit.record(
        "merchants.merchant_added", "merchant", merchant.id, {"name": merchant.name}, actor=user
    )
    return merchant


def create_merchant(data: MerchantData, user: User, retry_key: str | None = None) -> Merchant:
    """One transaction: register a merchant from the form."""
    try:
        merchant = add_merchant(data, user)
    except MerchantsError:
        db.session.rollback()
        raise
    _commit(retry_key, url_for("merchants.merchant", merchant_id=merchant.id), user)
    return merchant


def unit_code(text: str) -> str:
    """A unit's code as stored and compared: "ｐ－００１ " (a Chinese input method's
    full-width forms) is "P-001" (``query_args.half_width``, stripped, upper case), so
    the same unit is never registered twice under look-alike codes."""
    return half_width(text).strip().upper()


def add_unit(data: UnitData, user: User | None) -> Unit:
    """Register a unit (adds and flushes). Refused when its code is taken at its site
    or the area is not positive."""
    code = unit_code(data.code)
    if not code:
        raise MerchantsError(_("Give the unit's code."))
    if data.area_m2 is None or data.area_m2 <= 0:
        raise MerchantsError(_("The area must be more than zero."))
    taken = db.session.scalar(
        select(Unit.id).where(Unit.site_id == data.site_id, Unit.code == code)
    )
    if taken is not None:
        raise MerchantsError(_("The code %(code)s is already used at this site.", code=code))
    unit = Unit(
        site_id=data.site_id,
        code=code,
        location=data.location.strip(),
        area_m2=data.area_m2,
        kind=data.kind,
    )
    db.session.add(unit)
    db.session.flush()
    audit.record("merchants.unit_added", "unit", unit.id, {"code": code}, actor=user)
    return unit


def create_unit(data: UnitData, user: User, retry_key: str | None = None) -> Unit:
    """One transaction: register a unit from the form."""
    try:
        unit = add_unit(data, user)
    except MerchantsError:
        db.session.rollback()
        raise
    _commit(retry_key, url_for("merchants.units"), user)
    return unit


def merchant_list(user: User, text: str = "") -> Select:
    """Merchants ``user`` may see with their contracts in force: rows of the columns the
    list shows (``id``, ``name``, ``site_name``, ``kind``, ``business_type``,
    ``id_code``, ``contact``, ``phone``, ``active``: the count), by name; ``text``
    matches the name, contact or phone (through ``search``). Rows, not objects: a page
    of 50 cost twice a page of 8."""
    # Counted per merchant of the page through the merchant_id index, not by grouping
    # every contract of every year for each page.
    active = (
        select(func.count())
        .where(Contract.merchant_id == Merchant.id, Contract.state == ContractState.ACTIVE)
        .correlate(Merchant)
        .scalar_subquery()
    )
    query = (
        select(
            Merchant.id,
            Merchant.name,
            Site.name.label("site_name"),
            Merchant.kind,
            Merchant.business_type,
            Merchant.id_code,
            Merchant.contact,
            Merchant.phone,
            active.label("active"),
        )
        .join(Site, Site.id == Merchant.site_id)
        .where(access.site_clause(user, Merchant.site_id))
        .order_by(Merchant.name, Merchant.id)
    )
    if text:
        query = query.where(search.matching(text))
    return query


def unit_list(user: User, text: str = "") -> Select:
    """Units ``user`` may see with the number of the contract in force on them (or
    None): rows (Unit, number), by site and code."""
    from_contract = (
        select(func.min(Contract.number))
        .join(ContractUnit, ContractUnit.contract_id == Contract.id)
        .where(ContractUnit.unit_id == Unit.id, Contract.state == ContractState.ACTIVE)
        .scalar_subquery()
    )
    query = (
        select(Unit, from_contract)
        .where(access.site_clause(user, Unit.site_id))
        .order_by(Unit.site_id, Unit.code)
    )
    if text:
        query = query.where(
            or_(
                Unit.code.contains(unit_code(text), autoescape=True),
                Unit.location.contains(text, autoescape=True),
            )
        )
    return query
