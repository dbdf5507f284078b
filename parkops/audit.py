"""Append-only, hash-chained audit log.

Each entry stores the hash of the previous one and its own hash over its
content and that link, so an entry changed or deleted behind the application's
back breaks the chain, and ``parkops audit verify`` finds where.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from parkops.db import Base, utcnow
from parkops.extensions import db

GENESIS = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """One row: the chain's tip. Updating it first serialises concurrent writers."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def _digest(seq, at, actor_id, action, object_type, object_id, details, prev_hash) -> str:
    payload = json.dumps(
        [
            seq,
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            actor_id,
            action,
            object_type,
            object_id,
            details,
            prev_hash,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(
    action: str, object_type: str, object_id: int | None, details: dict | None = None, actor=None
) -> AuditEntry:
    """Append an entry in the caller's transaction; the caller commits."""
    if actor is None and current_user and current_user.is_authenticated:
        actor = current_user
    details = json.loads(json.dumps(details or {}, default=str))
    head = db.session.get(AuditHead, 1)
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        db.session.add(head)
        db.session.flush()
    # Take the write lock on the tip before reading it (row lock on PostgreSQL,
    # database write lock on SQLite), so two writers cannot fork the chain.
    db.session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    db.session.refresh(head)
    at = utcnow()
    entry = AuditEntry(
        seq=head.seq,
        at=at,
        actor_id=actor.id if actor else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details,
        prev_hash=head.hash,
    )
    entry.hash = _digest(
        entry.seq, at, entry.actor_id, action, object_type, object_id, details, head.hash
    )
    head.hash = entry.hash
    db.session.add(entry)
    return entry


@dataclass
class Verification:
    checked: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(batch: int = 5000) -> Verification:
    """Walk the chain in order; report every broken link, gap or altered entry."""
    problems: list[str] = []
    prev_hash, expected_seq, checked, last_id = GENESIS, 1, 0, 0
    while True:
        rows = db.session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            break
        for e in rows:
            if e.seq != expected_seq:
                problems.append(
                    f"entry {e.id}: sequence {e.seq}, expected {expected_seq} (entries missing)"
                )
            if e.prev_hash != prev_hash:
                problems.append(f"entry {e.id} (seq {e.seq}): does not follow the previous entry")
            actual = _digest(
                e.seq,
                e.at,
                e.actor_id,
                e.action,
                e.object_type,
                e.object_id,
                e.details,
                e.prev_hash,
            )
            if actual != e.hash:
                problems.append(f"entry {e.id} (seq {e.seq}): content changed after it was written")
            prev_hash, expected_seq, last_id = e.hash, e.seq + 1, e.id
            checked += 1
        db.session.expunge_all()
    head = db.session.get(AuditHead, 1)
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        problems.append(
            f"the last {head.seq - expected_seq + 1} entries are missing "
            "(the chain ends before its recorded tip)"
        )
    return Verification(checked, problems)
