"""稽核发现: what the auditor found on a day, open until resolved."""

from flask_babel import gettext as _
from sqlalchemy import select

from modules.ticketing import four_eyes
from modules.ticketing.errors import TicketingError
from modules.ticketing.models import Finding, FindingStatus, Shift, TicketDay
from modules.ticketing.pages import day_path
from parkops import audit, deciding, idempotency
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db
from parkops.rectification.services import link_evidence

MIN_TEXT = 5


def add_finding(
    day: TicketDay,
    text: str,
    actor: User,
    *,
    amount_fen: int | None = None,
    shift: Shift | None = None,
    flag_key: str = "",
    retry_key: str | None = None,
) -> Finding:
    text = text.strip()
    if len(text) < MIN_TEXT:
        raise TicketingError(_("Write what was found in a sentence."))
    if shift is not None and (shift.site_id, shift.business_day) != (day.site_id, day.business_day):
        raise TicketingError(_("This shift is not of this day."))
    if shift is not None and shift.seller_id == actor.id:
        raise TicketingError(_("Nobody audits her own shift."))
    finding = Finding(
        day_id=day.id,
        site_id=day.site_id,
        shift_id=shift.id if shift else None,
        seller_id=shift.seller_id if shift else None,
        flag_key=flag_key[:60],
        text=text,
        amount_fen=amount_fen,
        created_by_id=actor.id,
    )
    db.session.add(finding)
    db.session.flush()
    link_evidence(
        "ticketing.finding",
        finding.id,
        f"{day.site.name} {day.business_day.isoformat()}: {text}",
        site_id=day.site_id,
    )
    audit.record("ticketing.finding_added", "finding", finding.id, {"text": text}, actor=actor)
    idempotency.remember(retry_key, day_path(day, "#findings"), actor.id)
    db.session.commit()
    return finding


def resolve_finding(
    finding: Finding, resolution: str, actor: User, retry_key: str | None = None
) -> None:
    resolution = resolution.strip()
    deciding.once(
        finding,
        lambda f: f.status == FindingStatus.OPEN,
        lambda f: _(
            "This finding was resolved already, by %(name)s at %(time)s.",
            **deciding.who_when(f.resolved_by_id, f.resolved_at),
        ),
    )
    if not four_eyes.may_resolve_finding(actor, finding):
        raise TicketingError(_("Nobody resolves a finding about her own shift."))
    if len(resolution) < MIN_TEXT:
        raise TicketingError(_("Say how the finding was resolved."))
    finding.status = FindingStatus.RESOLVED
    finding.resolution = resolution
    finding.resolved_by_id = actor.id
    finding.resolved_at = utcnow()
    audit.record(
        "ticketing.finding_resolved", "finding", finding.id, {"resolution": resolution}, actor=actor
    )
    idempotency.remember(retry_key, day_path(finding.day, f"#finding-{finding.id}"), actor.id)
    db.session.commit()


def day_findings(day: TicketDay) -> list[Finding]:
    return list(
        db.session.scalars(select(Finding).where(Finding.day_id == day.id).order_by(Finding.id))
    )
