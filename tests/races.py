"""Two people deciding one record at the same moment (parkops.deciding), in real
threads, each in its own request context and session on the test database (a SQLite
file in WAL mode, or PostgreSQL).

Each decision pauses at its first ``audit.record`` (after its state check, before its
commit) for up to a second until the other arrives there too. Without the lock both
arrived, both passed their checks, and both were applied (or the second failed at the
commit); with it, the second waits at ``deciding.take`` for the first to commit, then
sees its decision and is refused.
"""

import threading
from collections.abc import Callable

from flask_babel import force_locale

from parkops import audit
from parkops.deciding import AlreadyDecided
from parkops.extensions import db
from tests.core.test_limits import run_at_once

APPLIED = "applied"


def at_once(app, monkeypatch, *deciders: Callable[[], object]) -> list[str]:
    """Run each decider (no arguments; it loads what it needs by id) in its own thread
    and request context, together. Per decider: ``APPLIED``, or the message of its
    ``AlreadyDecided``, or ``"error: …"`` for anything else (the old code's 500)."""
    db.session.commit()  # the test's own session holds no lock while they race
    # Commit expired the test's records; a decider reading one (its id, its version)
    # would reload it through the test's session from two threads at once, which a
    # session does not survive (a rare error on PostgreSQL). Loaded here, they are read
    # without it; the rollback below ends this read and expires them again.
    for record in list(db.session.identity_map.values()):
        db.session.refresh(record)
    arrived = [threading.Event() for _ in deciders]
    racing: dict[threading.Thread, int] = {}
    real = audit.record

    def meeting(*args, **kwargs):
        me = racing.pop(threading.current_thread(), None)
        if me is not None:  # each decision's first entry only
            arrived[me].set()
            for other in arrived:
                other.wait(timeout=1)  # the other waits for the lock: go on
        return real(*args, **kwargs)

    monkeypatch.setattr(audit, "record", meeting)
    outcomes = [""] * len(deciders)

    def send(n: int) -> int:
        racing[threading.current_thread()] = n
        # The refusals are read in English, whatever the installation's default.
        with app.test_request_context(), force_locale("en"):
            try:
                deciders[n]()
                outcomes[n] = APPLIED
            except AlreadyDecided as refused:
                outcomes[n] = str(refused)
            except Exception as error:  # noqa: BLE001 - reported, and the test fails
                outcomes[n] = f"error: {type(error).__name__}: {error}"
            finally:
                db.session.rollback()
                db.session.remove()
        return 0

    run_at_once(len(deciders), send)
    monkeypatch.setattr(audit, "record", real)
    db.session.rollback()  # a new read: the deciders' commits are seen
    return outcomes


def one_applied(outcomes: list[str], refusal: str) -> int:
    """Assert exactly one decision was applied and the other refused with a message
    containing ``refusal``; the index of the applied one."""
    assert sorted(o == APPLIED for o in outcomes) == [False, True], outcomes
    winner = outcomes.index(APPLIED)
    assert refusal in outcomes[1 - winner], outcomes
    return winner


def get(model, record_id: int):
    """``record_id`` of ``model`` in the calling thread's session."""
    return db.session.get(model, record_id)
