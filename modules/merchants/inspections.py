"""Inspections of a merchant's unit (商户检查), recorded by the merchant manager on a
phone: the checks hygiene 卫生, prices displayed 明码标价, operating outside the unit
占道/超范围经营 and fire safety 消防, each passed or failed with a note, and photos.

Each failed check opens a violation (``violations.add_violation``) with a deadline:
the one typed (today or later) or the check's default. An inspection with a failed
check needs at least one photo. Refused, with nothing stored: no check answered, a
unit the merchant does not lease (under a contract in force), a time in the future,
a deadline in the past, a bad photo, a note too long. Recording one offers it as
evidence for problems 31 and 34.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from werkzeug.datastructures import FileStorage

from modules.merchants import access, violations
from modules.merchants.errors import MerchantsError
from modules.merchants.inspection_models import Check, CheckResult, Inspection
from modules.merchants.models import Contract, ContractState, ContractUnit, Merchant, Unit
from parkops import audit, idempotency
from parkops.auth.models import User
from parkops.extensions import db
from parkops.rectification.services import link_evidence
from parkops.timeutil import business_day, local_midnight_utc, utcnow

PHOTO_INSPECTION = "merchants.inspection"  # attachments' owner_kind
EVIDENCE = "merchants.inspection"  # the ledger's evidence kind
CLOCK_SKEW = timedelta(minutes=10)  # a phone's clock a little ahead is not "the future"


@dataclass
class Answer:
    """One check as answered: ``deadline`` (local) for a failed one, None: the default."""

    passed: bool
    note: str = ""
    deadline: date | None = None


@dataclass
class InspectionData:
    """An inspection as typed: ``at`` aware UTC; ``answers`` only the checks answered."""

    unit_id: int
    at: datetime
    answers: dict[Check, Answer]
    note: str = ""
    photos: list[FileStorage] = field(default_factory=list)


def leased_units(merchant: Merchant) -> list[Unit]:
    """The units the merchant leases under its contracts in force, by code."""
    return list(
        db.session.scalars(
            select(Unit)
            .join(ContractUnit, ContractUnit.unit_id == Unit.id)
            .join(Contract, Contract.id == ContractUnit.contract_id)
            .where(Contract.merchant_id == merchant.id, Contract.state == ContractState.ACTIVE)
            .distinct()
            .order_by(Unit.code)
        )
    )


def _check(merchant: Merchant, data: InspectionData) -> None:
    if data.unit_id not in {u.id for u in leased_units(merchant)}:
        raise MerchantsError(_("That unit is not leased by %(name)s.", name=merchant.name))
    if not data.answers:
        raise MerchantsError(_("Answer at least one check."))
    if data.at > utcnow() + CLOCK_SKEW:
        raise MerchantsError(_("An inspection cannot be in the future."))
    today = business_day()
    for answer in data.answers.values():
        if answer.deadline is not None and answer.deadline < today:
            raise MerchantsError(_("The deadline cannot be in the past."))
        if len(answer.note.strip()) > violations.MAX_NOTE:
            raise MerchantsError(
                _("The note is longer than %(n)d characters.", n=violations.MAX_NOTE)
            )
    if any(not a.passed for a in data.answers.values()) and not data.photos:
        raise MerchantsError(_("A failed check needs a photo."))


def add_inspection(merchant: Merchant, data: InspectionData, user: User) -> Inspection:
    """Record an inspection and open its violations in the caller's transaction."""
    _check(merchant, data)
    failed = [c for c, a in data.answers.items() if not a.passed]
    inspection = Inspection(
        site_id=merchant.site_id,
        merchant_id=merchant.id,
        unit_id=data.unit_id,
        at=data.at,
        failed=len(failed),
        note=data.note.strip(),
        recorded_by_id=user.id,
    )
    db.session.add(inspection)
    db.session.flush()
    for check, answer in data.answers.items():
        note = answer.note.strip()
        db.session.add(
            CheckResult(inspection_id=inspection.id, check=check, passed=answer.passed, note=note)
        )
        if not answer.passed:
            deadline = answer.deadline or violations.default_deadline(check)
            violations.add_violation(merchant, check, note, deadline, user, data.at, inspection.id)
    violations.store_photos(data.photos, PHOTO_INSPECTION, inspection.id, user)
    unit = db.session.get(Unit, data.unit_id)
    link_evidence(
        EVIDENCE,
        inspection.id,
        f"{merchant.name} {unit.code}",
        site_id=merchant.site_id,
        created_at=data.at,
    )
    audit.record(
        "merchants.inspection_recorded",
        "merchant",
        merchant.id,
        {"unit": unit.code, "failed": len(failed)},
        actor=user,
    )
    return inspection


def record(
    merchant: Merchant, data: InspectionData, user: User, retry_key: str | None = None
) -> Inspection:
    """One transaction: ``add_inspection`` and the form's idempotency key.
    MerchantsError (nothing stored) for a refusal."""
    if not access.may_write(user, merchant.site_id):
        raise MerchantsError(_("You do not inspect merchants at this site."))
    try:
        inspection = add_inspection(merchant, data, user)
    except MerchantsError:
        db.session.rollback()
        raise
    if retry_key:
        url = url_for("merchants.inspection", inspection_id=inspection.id)
        idempotency.remember(retry_key, url, user.id)
    db.session.commit()
    return inspection


def inspection_list(user: User, merchant_id: int | None = None) -> Select:
    """Inspections at ``user``'s sites, newest first (of one merchant when given)."""
    query = select(Inspection).where(access.site_clause(user, Inspection.site_id))
    if merchant_id is not None:
        query = query.where(Inspection.merchant_id == merchant_id)
    return query.order_by(Inspection.at.desc(), Inspection.id.desc())


def this_month_indicator(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """Problem 31 (ledger): inspections of merchants since the 1st of this local month
    (a figure, neither good nor bad)."""
    query = select(func.count()).where(
        Inspection.at >= local_midnight_utc(business_day().replace(day=1))
    )
    if site_ids is not None:
        query = query.where(Inspection.site_id.in_(site_ids))
    count = db.session.scalar(query)
    return _("%(count)d inspections this month", count=count), None
