"""Violations (违规) of merchants: opened by a failed check or a patrol's finding,
closed by a re-check (复查) that finds them corrected; repeated ones counted.

A violation is a **repeat** when the merchant had a violation of the same check in
the 12 months (365 days) before it. The merchant's **repeated violations** are, over
the last 12 months, its repeats plus the re-checks that found a violation not
corrected (each sets a new deadline). Deadlines are local dates; the default is
today plus the check's setting ``merchants.deadline_days_<check>``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import case, func, select
from werkzeug.datastructures import FileStorage

from modules.merchants.errors import MerchantsError
from modules.merchants.inspection_models import Check, Recheck, Violation, ViolationState
from modules.merchants.models import Merchant
from parkops import audit, deciding, idempotency, module_settings
from parkops.attachments import AttachmentError, store_photo
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import business_day, utcnow

REPEAT_WINDOW = timedelta(days=365)
PHOTO_RECHECK = "merchants.recheck"  # attachments' owner_kind
MAX_PHOTOS = 4
MAX_NOTE = 300


def default_deadline(check: Check, today: date | None = None) -> date:
    """Today (local) plus the check's days to correct (a setting)."""
    days = module_settings.get(f"merchants.deadline_days_{check.value}")
    return (today or business_day()) + timedelta(days=days)


def store_photos(uploads: list[FileStorage], kind: str, owner_id: int, user: User) -> None:
    """Up to MAX_PHOTOS photos through the core's photo handling; MerchantsError
    naming what is wrong (the caller rolls back)."""
    if len(uploads) > MAX_PHOTOS:
        raise MerchantsError(_("At most %(n)d photos.", n=MAX_PHOTOS))
    for upload in uploads:
        try:
            store_photo(upload, kind, owner_id, user.id)
        except AttachmentError as refused:
            raise MerchantsError(str(refused)) from None


def add_violation(
    merchant: Merchant,
    check: Check,
    note: str,
    deadline: date,
    user: User,
    found_at: datetime | None = None,
    inspection_id: int | None = None,
) -> Violation:
    """Open a violation in the caller's transaction (adds and flushes), marked a repeat
    when the merchant had one of the same check in the 12 months before."""
    found_at = found_at or utcnow()
    earlier = db.session.scalar(
        select(func.count()).where(
            Violation.merchant_id == merchant.id,
            Violation.check == check,
            Violation.found_at >= found_at - REPEAT_WINDOW,
            Violation.found_at <= found_at,
        )
    )
    violation = Violation(
        site_id=merchant.site_id,
        merchant_id=merchant.id,
        inspection_id=inspection_id,
        check=check,
        note=note.strip()[:MAX_NOTE],
        found_at=found_at,
        deadline=deadline,
        state=ViolationState.OPEN,
        repeat=earlier > 0,
        recorded_by_id=user.id,
    )
    db.session.add(violation)
    db.session.flush()
    audit.record(
        "merchants.violation_opened",
        "merchant",
        merchant.id,
        {"check": check.value, "deadline": deadline.isoformat()},
        actor=user,
    )
    return violation


@dataclass
class RecheckData:
    """A re-check as typed: ``new_deadline`` (local) required when not corrected;
    ``seen``: how many re-checks the page showed (None: not checked)."""

    corrected: bool
    note: str = ""
    new_deadline: date | None = None
    photos: list[FileStorage] = field(default_factory=list)
    seen: int | None = None


def recheck(
    violation: Violation, data: RecheckData, user: User, retry_key: str | None = None
) -> Recheck:
    """One transaction: record a re-check of an open violation, with at least one photo.
    Corrected closes it; not corrected moves its deadline to ``new_deadline`` (today or
    later) and counts as a repeated violation. MerchantsError, nothing stored, otherwise."""
    try:
        done = add_recheck(violation, data, user)
    except MerchantsError:
        db.session.rollback()
        raise
    if retry_key:
        url = url_for("merchants.violation", violation_id=violation.id)
        idempotency.remember(retry_key, url, user.id)
    db.session.commit()
    return done


def add_recheck(violation: Violation, data: RecheckData, user: User) -> Recheck:
    """Record a re-check in the caller's transaction (see ``recheck``). Two at once:
    the second waits for the first and is refused (``AlreadyDecided``) when it found
    the violation corrected or when the page did not show it (``data.seen``)."""
    deciding.take(violation)
    last = db.session.scalar(
        select(Recheck).where(Recheck.violation_id == violation.id).order_by(Recheck.id.desc())
    )
    if violation.state != ViolationState.OPEN:
        raise deciding.AlreadyDecided(
            _(
                "This violation was found corrected already, by %(name)s at %(time)s.",
                **deciding.who_when(last.by_id if last else None, violation.corrected_at),
            )
        )
    shown = data.seen
    if shown is not None and last is not None and shown != _recheck_count(violation):
        raise deciding.AlreadyDecided(
            _(
                "This violation was re-checked meanwhile, by %(name)s at %(time)s: "
                "see that re-check, then record yours if it still holds.",
                **deciding.who_when(last.by_id, last.at),
            )
        )
    if not data.photos:
        raise MerchantsError(_("A re-check needs a photo of what was found."))
    if len(data.note.strip()) > MAX_NOTE:
        raise MerchantsError(_("The note is longer than %(n)d characters.", n=MAX_NOTE))
    if not data.corrected:
        if data.new_deadline is None:
            raise MerchantsError(_("Give a new deadline to correct it."))
        if data.new_deadline < business_day():
            raise MerchantsError(_("The deadline cannot be in the past."))
    done = Recheck(
        violation_id=violation.id,
        corrected=data.corrected,
        note=data.note.strip(),
        new_deadline=None if data.corrected else data.new_deadline,
        by_id=user.id,
    )
    db.session.add(done)
    db.session.flush()
    store_photos(data.photos, PHOTO_RECHECK, done.id, user)
    if data.corrected:
        violation.state = ViolationState.CORRECTED
        violation.corrected_at = utcnow()
    else:
        violation.deadline = data.new_deadline
        violation.failed_rechecks += 1
    audit.record(
        "merchants.violation_rechecked",
        "merchant",
        violation.merchant_id,
        {"check": violation.check.value, "corrected": "yes" if data.corrected else "no"},
        actor=user,
    )
    return done


def _recheck_count(violation: Violation) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Recheck).where(Recheck.violation_id == violation.id)
    )


def repeat_counts(merchant_ids: list[int], now: datetime | None = None) -> dict[int, int]:
    """{merchant id: repeated violations in the last 12 months} (one query; absent: 0)."""
    if not merchant_ids:
        return {}
    since = (now or utcnow()) - REPEAT_WINDOW
    strikes = func.sum(case((Violation.repeat, 1), else_=0) + Violation.failed_rechecks)
    rows = db.session.execute(
        select(Violation.merchant_id, strikes)
        .where(Violation.merchant_id.in_(merchant_ids), Violation.found_at >= since)
        .group_by(Violation.merchant_id)
    )
    return {merchant_id: int(count or 0) for merchant_id, count in rows}


def open_query(site_ids, *where):
    """Open violations at ``site_ids`` (None: every site) matching ``where``."""
    query = select(Violation).where(Violation.state == ViolationState.OPEN, *where)
    return query if site_ids is None else query.where(Violation.site_id.in_(site_ids))


def overdue_count(site_ids, today: date | None = None) -> int:
    """Open violations whose deadline (local) passed before ``today``."""
    query = open_query(site_ids, Violation.deadline < (today or business_day()))
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def past_deadline_indicator(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """Problem 31 (ledger): merchant violations still open after their deadline;
    good at zero."""
    count = overdue_count(site_ids)
    return _("%(count)d violations open past their deadline", count=count), count == 0
