"""Scheduled jobs, each idempotent for its period: unsigned days escalated, sellers whose
shortfalls under the tolerance, voids, refunds or free entries stand out reported to the
auditors."""

from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from modules.ticketing.labels import PATTERN_KINDS
from modules.ticketing.models import DayStatus, TicketDay
from modules.ticketing.reports.patterns import shortfall_patterns
from modules.ticketing.reports.share_patterns import share_patterns
from parkops.auth.access import users_holding
from parkops.auth.models import Site, User
from parkops.db import utcnow
from parkops.extensions import db
from parkops.money import format_fen
from parkops.notify import deliver, notify
from parkops.scheduler import once
from parkops.timeutil import business_day

ESCALATE_JOB = "ticketing.escalate_unsigned_days"
# Who hears that a day is late: those who sign days off and those who answer for them.
ESCALATE_PERMISSIONS = ("ticketing.audit", "ticketing.approve")


def next_working_day(day: date) -> date:
    """The next Monday-to-Friday day after ``day`` (the auditors' working week)."""
    following = day + timedelta(days=1)
    while following.weekday() >= 5:
        following += timedelta(days=1)
    return following


def _recipients(site_id: int) -> list[User]:
    """The site's auditors and approvers, by username. Administrators keep the system,
    not the tickets: one hears of late days only through another role that grants it."""
    granted = current_app.extensions["parkops_role_permissions"]
    people = {
        u.id: u
        for permission in ESCALATE_PERMISSIONS
        for u in users_holding(permission, site_id)
        if any(permission in granted[role] for role in u.roles - {"admin"})
    }
    return sorted(people.values(), key=lambda u: u.username)


def escalate_unsigned_days(today: date | None = None) -> int:
    """Tell auditors and leaders of each day not signed off by the next working day.

    Claims (job, day, site) first, so a rerun, a restart or a second scheduler
    sends nothing twice. Returns how many days were escalated.
    """
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        return _escalate(today or business_day())


def _escalate(today: date) -> int:
    late = [
        d
        for d in db.session.scalars(
            select(TicketDay)
            .where(TicketDay.status == DayStatus.OPEN, TicketDay.business_day < today)
            .order_by(TicketDay.business_day, TicketDay.site_id)
        )
        if next_working_day(d.business_day) < today
    ]
    escalated = 0
    for day in late:
        if not once(ESCALATE_JOB, day.business_day.isoformat(), f"site:{day.site_id}"):
            continue
        out = notify(
            _recipients(day.site_id),
            _(
                "Ticket day %(day)s at %(site)s is not signed off",
                day=day.business_day.isoformat(),
                site=day.site.name,
            ),
            _(
                "It should have been reconciled and signed off by %(due)s.",
                due=next_working_day(day.business_day).isoformat(),
            ),
            # Built without a request: the job runs in the scheduler process.
            current_app.url_map.bind("").build("ticketing.day", {"id": day.id}),
        )
        day.escalated_at = utcnow()
        db.session.commit()
        deliver(out)
        escalated += 1
    return escalated


PATTERN_JOB = "ticketing.shortfall_patterns"


def notify_shortfall_patterns(today: date | None = None) -> int:
    """Tell each site's auditors of a seller whose shortfalls this month (to yesterday)
    stand out (reports/patterns.py), once per month, site and seller, and of one whose
    voids, refunds or free entries stand out (reports/share_patterns.py), once per month,
    site, seller and kind. Returns how many notices were sent."""
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        return _patterns(today or business_day())


def _patterns(today: date) -> int:
    end = today - timedelta(days=1)
    start = end.replace(day=1)
    reported = 0
    for site in db.session.scalars(select(Site).where(Site.active).order_by(Site.code)):
        for pattern in shortfall_patterns({site.id}, start, end):
            if not pattern.stands_out:
                continue
            if not once(
                PATTERN_JOB, f"{start:%Y-%m}", f"site:{site.id}:seller:{pattern.seller.id}"
            ):
                continue
            out = notify(
                users_holding("ticketing.audit", site.id),
                _(
                    "%(seller)s was short on %(short)s of %(shifts)s shifts at %(site)s this month",
                    seller=pattern.seller.display_name,
                    short=pattern.short,
                    shifts=pattern.shifts,
                    site=site.name,
                ),
                _(
                    "Running total %(total)s; the chance of so many short shifts is %(p)s. "
                    "Each shortfall is within the tolerance.",
                    total=format_fen(pattern.total_fen),
                    p=f"{pattern.p_value:.4f}",
                ),
                current_app.url_map.bind("").build(
                    "ticketing.pattern_report",
                    {"site": site.id, "start": start.isoformat(), "end": end.isoformat()},
                ),
            )
            db.session.commit()
            deliver(out)
            reported += 1
        reported += _share_patterns(site, start, end)
    return reported


def _share_patterns(site: Site, start: date, end: date) -> int:
    reported = 0
    for pattern in share_patterns({site.id}, start, end):
        scope = f"site:{site.id}:seller:{pattern.seller.id}:{pattern.kind}"
        if not pattern.stands_out or not once(PATTERN_JOB, f"{start:%Y-%m}", scope):
            continue
        out = notify(
            users_holding("ticketing.audit", site.id),
            _(
                "%(kind)s of %(seller)s stand out at %(site)s this month: %(count)s of "
                "%(base)s (%(share)s%%, colleagues %(theirs)s%%)",
                kind=PATTERN_KINDS[pattern.kind],
                seller=pattern.seller.display_name,
                count=pattern.tally.count,
                base=pattern.tally.base,
                share=pattern.tally.share,
                theirs=pattern.colleagues.share,
                site=site.name,
            ),
            _(
                "Running total %(total)s; above her colleagues on %(above)s of her days.",
                total=format_fen(pattern.tally.amount_fen),
                above=pattern.days_above,
            ),
            current_app.url_map.bind("").build(
                "ticketing.pattern_report",
                {"site": site.id, "start": start.isoformat(), "end": end.isoformat()},
            ),
        )
        db.session.commit()
        deliver(out)
        reported += 1
    return reported
