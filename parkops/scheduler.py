"""Scheduled jobs and the once-per-period guard.

The scheduler runs in exactly one process (``parkops scheduler``, or inside
``parkops serve``). Every job is still idempotent per period: before doing
something that must happen once (a reminder for a week, an escalation for a
day), it claims ``(job, period, subject)`` with ``once``; the unique key makes a
second claim fail, so a second scheduler or a restart cannot send twice.

Jobs are the ones the loaded specs declare (``JobSpec``), plus the core's own
housekeeping. Each runs in a fresh app context; an exception is logged and
rolled back, and the scheduler goes on with the next run.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import String, UniqueConstraint, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from parkops.auth.models import LoginFailure
from parkops.db import Base, utcnow
from parkops.extensions import db
from parkops.idempotency import IdempotencyKey
from parkops.registry import JobSpec, registry

# A run missed by up to an hour (the process was restarting, the machine asleep)
# still happens; several missed runs of one job collapse into one.
MISFIRE_GRACE_SECONDS = 3600
# Housekeeping keeps what may still matter: a phone's retried post, a login
# investigation, and the claims of every period a job could still be asked about.
KEEP_IDEMPOTENCY_KEYS = timedelta(days=30)
KEEP_LOGIN_FAILURES = timedelta(days=30)
KEEP_JOB_CLAIMS = timedelta(days=400)


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

    Commits the caller's session with the claim, so that a crash after the
    claim errs on the side of not repeating a notification.
    """
    db.session.add(JobClaim(job=job, period=period, subject=subject))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def housekeeping() -> dict[str, int]:
    """Delete rows kept only for a while; returns how many of each went."""
    now = utcnow()
    removed = {}
    for name, model, column, keep in (
        ("idempotency keys", IdempotencyKey, IdempotencyKey.created_at, KEEP_IDEMPOTENCY_KEYS),
        ("login failures", LoginFailure, LoginFailure.at, KEEP_LOGIN_FAILURES),
        ("job claims", JobClaim, JobClaim.claimed_at, KEEP_JOB_CLAIMS),
    ):
        result = db.session.execute(delete(model).where(column < now - keep))
        removed[name] = result.rowcount
    db.session.commit()
    return removed


CORE_JOBS = (JobSpec("core.housekeeping", housekeeping, "cron", {"hour": 3, "minute": 30}),)


def all_jobs(app: Flask) -> dict[str, JobSpec]:
    """Every job by name: the core's, then the ones the loaded specs declare."""
    jobs: dict[str, JobSpec] = {}
    for job in (*CORE_JOBS, *registry(app).jobs):
        if job.name in jobs:
            raise ValueError(f"job {job.name!r} is declared twice")
        jobs[job.name] = job
    return jobs


@dataclass
class Outcome:
    ok: bool
    result: object = None


def run_job(app: Flask, job: JobSpec) -> Outcome:
    """Run one job in its own app context; log and roll back what it raises."""
    with app.app_context():
        try:
            result = job.func()
        except Exception:  # noqa: BLE001  a job's failure must not stop the scheduler
            db.session.rollback()
            app.logger.exception("scheduled job %s failed", job.name)
            return Outcome(False)
        finally:
            db.session.remove()
    app.logger.info("scheduled job %s done: %s", job.name, result)
    return Outcome(True, result)


def _runner(app: Flask, job: JobSpec) -> Callable[[], None]:
    def run() -> None:
        run_job(app, job)

    return run


def build_scheduler(app: Flask, blocking: bool) -> BaseScheduler:
    """A scheduler holding every job, in the park's time zone (not yet started)."""
    kind = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = kind(
        timezone=ZoneInfo(app.config["TIMEZONE"]),
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
        },
    )
    for job in all_jobs(app).values():
        scheduler.add_job(
            _runner(app, job), job.trigger, id=job.name, name=job.name, **job.trigger_args
        )
    return scheduler


def next_runs(app: Flask, now: datetime | None = None) -> list[tuple[str, datetime | None]]:
    """(job name, next run time in the park's time zone), by next run; for ``--list``."""
    scheduler = build_scheduler(app, blocking=False)
    now = (now or utcnow()).astimezone(scheduler.timezone)
    runs = [(j.id, j.trigger.get_next_fire_time(None, now)) for j in scheduler.get_jobs()]
    return sorted(runs, key=lambda r: (r[1] is None, r[1] or now, r[0]))
