"""The demo's moments: a local time on a business day, stored as aware UTC; evidence
linked by the services stamped with its event's time, not the load's."""

from datetime import UTC, date, datetime, time

from sqlalchemy import update

from parkops.extensions import db
from parkops.rectification.models import EvidenceLink
from parkops.timeutil import local_zone


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone()).astimezone(UTC)


def stamp_evidence(kind: str, record_id: int, when: datetime) -> None:
    """Date the evidence links a service made for a demo record at its event's time."""
    db.session.execute(
        update(EvidenceLink)
        .where(EvidenceLink.kind == kind, EvidenceLink.record_id == record_id)
        .values(created_at=when)
    )
