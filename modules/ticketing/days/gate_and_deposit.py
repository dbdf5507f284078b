"""The auditor's inputs to an unsigned day: gate counts and the bank deposit."""

from flask_babel import gettext as _

from modules.ticketing.days.record import ensure_unsigned
from modules.ticketing.errors import TicketingError
from modules.ticketing.models import MAX_ENTRIES, Deposit, EntrySource, GateCount, TicketDay, Venue
from modules.ticketing.pages import day_path
from parkops import audit, idempotency
from parkops.auth.models import User
from parkops.extensions import db
from parkops.money import format_fen
from parkops.timeutil import business_day


def record_gate_count(
    day: TicketDay, venue: Venue, entries: int, actor: User, retry_key: str | None = None
) -> GateCount:
    ensure_unsigned(day)
    if venue.site_id != day.site_id:
        raise TicketingError(_("This venue belongs to another site."))
    if not 0 <= entries <= MAX_ENTRIES:
        raise TicketingError(_("Entries are a whole number from 0 to %(max)s.", max=MAX_ENTRIES))
    if day.business_day > business_day():
        raise TicketingError(_("A day in the future has no gate count yet."))
    count = GateCount(
        site_id=day.site_id,
        venue_id=venue.id,
        business_day=day.business_day,
        entries=entries,
        source=EntrySource.ENTERED,
        recorded_by_id=actor.id,
    )
    db.session.add(count)
    db.session.flush()
    audit.record(
        "ticketing.gate_count",
        "ticket_day",
        day.id,
        {"venue": venue.code, "entries": entries},
        actor=actor,
    )
    idempotency.remember(retry_key, day_path(day, "#venues"), actor.id)
    db.session.commit()
    return count


def record_deposit(
    day: TicketDay, amount_fen: int, slip_number: str, actor: User, retry_key: str | None = None
) -> Deposit:
    ensure_unsigned(day)
    slip_number = slip_number.strip()
    if amount_fen < 0:
        raise TicketingError(_("A deposit cannot be negative."))
    if not slip_number:
        raise TicketingError(_("Enter the bank slip number."))
    deposit = Deposit(
        day_id=day.id,
        amount_fen=amount_fen,
        slip_number=slip_number,
        source=EntrySource.ENTERED,
        recorded_by_id=actor.id,
    )
    db.session.add(deposit)
    db.session.flush()
    audit.record(
        "ticketing.deposit",
        "ticket_day",
        day.id,
        {"amount": format_fen(amount_fen), "slip": slip_number},
        actor=actor,
    )
    idempotency.remember(retry_key, day_path(day, "#money"), actor.id)
    db.session.commit()
    return deposit
