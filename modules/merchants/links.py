"""Merchants as others see them, without importing this module: the subject kind
``merchants.merchant`` (a patrol's finding can name a merchant) and the reaction to
``signals.finding_recorded`` about one, which records a violation.

The check of a violation from a finding is chosen from its summary by keyword, the
first that matches in this order: fire safety (消防, 灭火, 火, fire), operating
outside the unit (占道, 超范围, 出店, outside), prices displayed (价, price), hygiene
(卫生, 垃圾, 脏, 污, hygiene, litter); none: "other". Its deadline is the check's
default (settings), its note the finding's summary.
"""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select

from modules.merchants import access, violations
from modules.merchants.inspection_models import Check
from modules.merchants.models import Contract, ContractState, ContractUnit, Merchant, Unit
from modules.merchants.texts import CHECKS
from parkops import signals
from parkops.auth.models import User
from parkops.extensions import db
from parkops.subjects import Subject

SUBJECT_KIND = "merchants.merchant"
KEYWORDS = (
    (Check.FIRE, ("消防", "灭火", "火", "fire")),
    (Check.OUTSIDE, ("占道", "超范围", "出店", "outside")),
    (Check.PRICES, ("价", "price")),
    (Check.HYGIENE, ("卫生", "垃圾", "脏", "污", "hygiene", "litter")),
)


def _subject(merchant: Merchant) -> Subject:
    url = url_for("merchants.merchant", merchant_id=merchant.id)
    return Subject(SUBJECT_KIND, merchant.id, merchant.name, url, merchant.site_id)


def get_subject(merchant_id: int) -> Subject | None:
    merchant = db.session.get(Merchant, merchant_id)
    return _subject(merchant) if merchant else None


def search_subjects(text: str, user: User, limit: int) -> list[Subject]:
    """Merchants whose name, or the code of a unit they lease now, contains ``text``,
    at ``user``'s sites, by name, at most ``limit``."""
    query = select(Merchant).where(access.site_clause(user, Merchant.site_id))
    if text.strip():
        pattern = f"%{text.strip()[:50]}%"
        leases = (
            select(Contract.merchant_id)
            .join(ContractUnit, ContractUnit.contract_id == Contract.id)
            .join(Unit, Unit.id == ContractUnit.unit_id)
            .where(Contract.state == ContractState.ACTIVE, Unit.code.ilike(pattern))
        )
        query = query.where(or_(Merchant.name.ilike(pattern), Merchant.id.in_(leases)))
    query = query.order_by(Merchant.name, Merchant.id).limit(limit)
    return [_subject(m) for m in db.session.scalars(query)]


def check_for(summary: str) -> Check:
    """The check a finding's summary is about (see the module docstring)."""
    text = summary.lower()
    for check, words in KEYWORDS:
        if any(word in text for word in words):
            return check
    return Check.OTHER


def on_finding(sender, *, subject_kind, subject_id, summary, severity, user, **_payload):
    """A finding about a merchant records a violation there (in the sender's
    transaction); returns the Reaction naming it. Others: None."""
    if subject_kind != SUBJECT_KIND:
        return None
    merchant = db.session.get(Merchant, subject_id)
    if merchant is None:
        return None
    check = check_for(summary)
    deadline = violations.default_deadline(check)
    violation = violations.add_violation(merchant, check, summary, deadline, user)
    text = _(
        "Violation recorded at %(name)s (%(check)s), to be corrected by %(deadline)s.",
        name=merchant.name,
        check=CHECKS[check],
        deadline=deadline.isoformat(),
    )
    return signals.Reaction(text, url_for("merchants.violation", violation_id=violation.id))
