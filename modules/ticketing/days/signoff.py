"""The sign-off: a day without blocking flags, every flag reviewed, a finding with its
outcome (resolved) for every serious flag, signed by an auditor who did not sell on it
(four_eyes.may_sign_off); the figures as signed are kept with the day, which is locked
(later changes are corrections).
"""

from flask_babel import gettext as _
from sqlalchemy import select

from modules.ticketing import four_eyes
from modules.ticketing.days.flags import Flag
from modules.ticketing.days.reconciliation import DayFigures, day_figures
from modules.ticketing.errors import TicketingError
from modules.ticketing.models import DayStatus, Finding, FindingStatus, TicketDay
from modules.ticketing.pages import day_path
from modules.ticketing.shifts import total_difference
from parkops import audit, deciding, idempotency
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db
from parkops.money import format_fen
from parkops.rectification.services import link_evidence


def sign_off(day: TicketDay, reviewed: set[str], actor: User, retry_key: str | None = None) -> None:
    """The auditor signs the day off once nothing blocks and every flag is reviewed."""
    deciding.once(
        day,
        lambda d: not d.signed,
        lambda d: _(
            "This day was signed off already, by %(name)s at %(time)s.",
            **deciding.who_when(d.signed_by_id, d.signed_at),
        ),
    )
    if not four_eyes.may_sign_off(actor, day):
        raise TicketingError(_("You sold tickets on this day: another auditor must sign it off."))
    figures = day_figures(day)
    if figures.blocking:
        raise TicketingError(
            _("The day cannot be signed off yet: %(what)s", what=figures.blocking[0].text)
        )
    unfounded = without_outcome(day, figures)
    if unfounded:
        raise TicketingError(
            _(
                "Write a finding about this flag and resolve it with its outcome before "
                "signing off: %(what)s",
                what=unfounded[0].text,
            )
        )
    unreviewed = [f for f in figures.to_review if f.key not in reviewed]
    if unreviewed:
        raise TicketingError(
            _(
                "Tick every flag as reviewed before signing off (%(n)s not ticked).",
                n=len(unreviewed),
            )
        )
    day.status = DayStatus.SIGNED
    day.signed_by_id = actor.id
    day.signed_at = utcnow()
    day.signed_figures = snapshot(figures)
    link_evidence(
        "ticketing.day",
        day.id,
        f"{day.site.name} {day.business_day.isoformat()}: "
        + _(
            "shifts %(shifts)s, flags %(flags)s, difference %(difference)s",
            shifts=len(figures.shifts),
            flags=len(figures.flags),
            difference=format_fen(sum(m.difference for m in figures.methods)),
        ),
        site_id=day.site_id,
    )
    audit.record(
        "ticketing.day_signed",
        "ticket_day",
        day.id,
        {"flags": [f.key for f in figures.flags]},
        actor=actor,
    )
    idempotency.remember(retry_key, day_path(day), actor.id)
    db.session.commit()


def without_outcome(day: TicketDay, figures: DayFigures) -> list[Flag]:
    """The serious flags of the day with no resolved finding about them (by flag key)."""
    serious = [f for f in figures.flags if f.serious]
    if not serious:
        return []
    resolved = set(
        db.session.scalars(
            select(Finding.flag_key).where(
                Finding.day_id == day.id, Finding.status == FindingStatus.RESOLVED
            )
        )
    )
    return [f for f in serious if f.key not in resolved]


def snapshot(f: DayFigures) -> dict:
    """The figures as signed, kept with the day (plain JSON)."""
    return {
        "venues": [{"venue": v.venue.name, "sold": v.sold, "gate": v.gate} for v in f.venues],
        "methods": [
            {"method": m.method.value, "expected": m.expected, "counted": m.counted}
            for m in f.methods
        ],
        "cash_to_deposit": f.cash_to_deposit,
        "deposit": (
            {"amount": f.deposit.amount_fen, "slip": f.deposit.slip_number} if f.deposit else None
        ),
        "shifts": [
            {
                "id": s.id,
                "seller": s.seller.display_name,
                "window": s.window.name,
                "difference": total_difference(s),
            }
            for s in f.shifts
        ],
        "flags": [{"key": fl.key, "text": fl.text} for fl in f.flags],
    }
