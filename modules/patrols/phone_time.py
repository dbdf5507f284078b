"""When a phone made what it sends: a run's start, a checkpoint scan, answers (with their
photos) and the submission each carry the phone's clock (``made_at``, ms since 1970),
set by the offline outbox when the user acts, so a run done with no network keeps the
times it was walked, not the time the network came back.

The rule (the server's clock ``now`` decides):

- no time sent (a form posted without script): ``now``;
- more than ``CLOCK_SKEW`` (5 minutes) ahead of ``now``: refused, the phone's clock is
  wrong;
- more than ``OFFLINE_FOR`` (24 hours) before ``now``: refused, too old to be proof;
- otherwise clamped: never later than ``now`` (a clock a little ahead), and nothing in a
  run earlier than the run's start (a clock a little behind the server's).

The server keeps beside each time when it received it (``received_at``,
``Run.start_received_at`` / ``submit_received_at``); the run page shows both when they
differ by ``SHOWN_FROM`` or more.
"""

from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _

from modules.patrols.errors import PatrolError

CLOCK_SKEW = timedelta(minutes=5)
OFFLINE_FOR = timedelta(hours=24)
SHOWN_FROM = timedelta(minutes=1)
FIELD = "made_at"  # the form field the outbox sets


def from_ms(text: str | None) -> datetime | None:
    """A phone's time sent as ms since 1970 (UTC), or None when absent or not a time."""
    try:
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def bounded(made: datetime | None, now: datetime) -> datetime:
    """``made`` (UTC) as stored: ``now`` when None, at most ``now``; PatrolError when it
    is more than CLOCK_SKEW ahead or more than OFFLINE_FOR behind."""
    if made is None:
        return now
    if made > now + CLOCK_SKEW:
        raise PatrolError(
            _("The phone's clock is ahead of the server's: set the phone's time and send again.")
        )
    if made < now - OFFLINE_FOR:
        raise PatrolError(_("Made on the phone more than 24 hours ago: too old to be taken."))
    return min(made, now)


def in_run(made: datetime | None, started_at: datetime, now: datetime) -> datetime:
    """``bounded``, and not before the run's start (UTC)."""
    return max(bounded(made, now), started_at)


def differs(made: datetime | None, received: datetime | None) -> bool:
    """Whether the run page shows the received time beside the made one."""
    return made is not None and received is not None and received - made >= SHOWN_FROM
