"""The audit chain's key and its high-water mark, both kept outside the database.

- The key (``AUDIT_KEY``; by default generated once into ``<instance>/audit_key``,
  mode 600) makes each entry's hash an HMAC: someone who can edit the table but
  not read the instance folder cannot recompute the chain after an edit.
- The high-water mark (``<instance>/audit_mark.json``: ``{"seq", "hash",
  "keyed_from"}``) is rewritten after every commit that appended entries. A log
  cut at the end, or wiped, is then shorter than the mark. ``keyed_from`` is the
  first entry written with the key: entries before it (an installation from
  before the key) are verified as legacy, unkeyed SHA-256.

The mark only ever moves forward; workers sharing the instance folder take a
file lock to update it.
"""

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

PENDING = "audit_mark_pending"  # session.info key: (mark path, seq, hash) of the newest entry


@dataclass(frozen=True)
class Mark:
    seq: int  # the highest entry known to have been committed
    hash: str  # that entry's hash
    keyed_from: int  # entries from this seq on carry an HMAC


def mark_path() -> Path:
    configured = current_app.config.get("AUDIT_MARK_PATH")
    return Path(configured) if configured else Path(current_app.instance_path) / "audit_mark.json"


def key() -> bytes:
    return str(current_app.config["AUDIT_KEY"]).encode()


def read(path: Path) -> Mark | None:
    """The mark, or None when there is none yet (a new installation)."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    return Mark(int(data["seq"]), str(data["hash"]), int(data["keyed_from"]))


def remember(session: Session, seq: int, hash_: str) -> None:
    """Note an appended entry; the mark moves when the session commits."""
    session.info[PENDING] = (str(mark_path()), seq, hash_)


def advance(path: Path, seq: int, hash_: str, keyed_from: int = 1) -> None:
    """Move the mark to entry ``seq`` unless it is already further on.

    ``keyed_from`` counts only when there is no mark yet: a new installation's
    chain is keyed from its first entry; ``parkops init`` marks an older chain
    (see ``audit.start_mark``) before the first keyed entry is written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = read(path)
        if current is not None and current.seq >= seq:
            return
        if current is not None:
            keyed_from = current.keyed_from
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps({"seq": seq, "hash": hash_, "keyed_from": keyed_from}))
        os.replace(partial, path)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending is not None:
        advance(Path(pending[0]), pending[1], pending[2])


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)  # the entries were not written
