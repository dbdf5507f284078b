"""Two people deciding one record at the same moment: one decision is applied.

A decision (approve or reject, uphold or dismiss, sign, publish, activate, a second
count, done, a review…) reads the record's state and writes the next one. Read
without a lock, two deciders a tenth of a second apart both saw "waiting", both were
applied and both told so, or the second failed at the commit (a 500). ``take`` locks
the record's row (``conflicts.lock``: FOR UPDATE on PostgreSQL, the write lock on
SQLite) and reloads it, first thing in the decision's transaction, so the state read
after it is the state at the commit: the second decider waits for the first to
commit, then sees its decision and is refused with ``AlreadyDecided``, which the app
answers 409 with its message (who decided, when) and nothing saved (``parkops.errors``).
"""

from collections.abc import Callable
from datetime import date, datetime

from parkops import conflicts
from parkops.extensions import db


class AlreadyDecided(Exception):
    """Someone else decided the record first; the message (translated) says who and
    when. Nothing of this request is saved: the app rolls back and answers 409."""


def take(record):
    """Lock ``record``'s row until the transaction ends and reload it; ``record``.

    Call it before reading the state a decision depends on."""
    conflicts.lock(record)
    db.session.refresh(record)
    return record


def once(record, waiting: Callable[[object], bool], refusal: Callable[[object], str]) -> None:
    """``take`` ``record``, then raise ``AlreadyDecided(refusal(record))`` unless
    ``waiting(record)`` (its state still allows this decision)."""
    take(record)
    if not waiting(record):
        raise AlreadyDecided(refusal(record))


def who_when(user_or_id, at: datetime | date | None) -> dict[str, str]:
    """``name`` and ``time`` for a refusal's text: the decider (a User or a user id)
    by display name ("—" unknown) and when: a moment (aware or naive UTC) in local
    time, ``YYYY-MM-DD HH:MM``, or a local date, ``YYYY-MM-DD``."""
    from parkops.auth.models import User  # the accounts import this module's callers
    from parkops.templating import local_datetime

    user = db.session.get(User, user_or_id) if isinstance(user_or_id, int) else user_or_id
    return {
        "name": user.display_name if user is not None else "—",
        "time": "—" if at is None else local_datetime(at) if isinstance(at, datetime) else str(at),
    }
