"""Scheduled jobs and the once-per-period guard.

The scheduler runs in exactly one process (``parkops scheduler``, or inside
``parkops serve``). Every job is still idempotent per period: before doing
something that must happen once (a reminder for a week, an escalation for a
day), it claims ``(job, period, subject)`` with ``once``; the unique key makes a
second claim fail, so a second scheduler or a restart cannot send twice.
"""

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from parkops.db import Base, utcnow
from parkops.extensions import db


class JobClaim(Base):
    __tablename__ = "job_claims"
    __table_args__ = (UniqueConstraint("job", "period", "subject"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(80))
    period: Mapped[str] = mapped_column(String(40))  # "2026-W48", "2026-11-26", …
    subject: Mapped[str] = mapped_column(String(80), default="")  # a user, an order, …
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)


def once(job: str, period: str, subject: str = "") -> bool:
    """Claim (job, period, subject); True the first time only.

    Commits the claim at once (in a savepoint-free way) so that a crash after
    the claim errs on the side of not repeating a notification.
    """
    db.session.add(JobClaim(job=job, period=period, subject=subject))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True
