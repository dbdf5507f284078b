"""Append-only, hash-chained audit log.

Each entry stores the hash of the previous one and its own hash over its
content and that link, so an entry changed or deleted behind the application's
back breaks the chain, and ``parkops audit verify`` finds where. A one-row
table holds the chain's tip (its last sequence number and hash): writers take
its row lock first, so concurrent transactions append one after the other, and
``verify`` compares the chain's end with it to find entries deleted at the end.

The hash is an HMAC with a key kept outside the database, and a high-water
mark outside the table records how far the chain reached (``audit_mark``): an
edit cannot be hidden by recomputing the chain without the key, and a log cut
at its end, or wiped, is shorter than the mark. Entries written before an
installation had the key are checked as legacy, unkeyed SHA-256.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, Index, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from parkops import audit_mark
from parkops.db import Base, insert_for, utcnow
from parkops.extensions import db

GENESIS = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    # The viewer's filters read newest first along these, a page at a time, however
    # many years of entries there are.
    __table_args__ = (
        Index("ix_audit_entries_action_seq", "action", "seq"),
        Index("ix_audit_entries_actor_seq", "actor_id", "seq"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))
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


def _digest(seq, at, actor_id, action, object_type, object_id, details, prev_hash, key) -> str:
    """Hex HMAC-SHA256 with ``key``; plain SHA-256 (legacy entries) when ``key`` is None."""
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
    )
    if key is None:
        return hashlib.sha256(payload.encode()).hexdigest()
    return hmac.new(key, payload.encode(), "sha256").hexdigest()


def _advance_head() -> tuple[int, str]:
    """Lock the tip and move it one step: (new sequence number, previous hash).

    The UPDATE takes the row lock on PostgreSQL (a second writer waits for the
    first to commit, then sees its tip) and the database write lock on SQLite.
    """
    advance = (
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash)
        .execution_options(synchronize_session=False)
    )
    row = db.session.execute(advance).first()
    if row is None:
        # The first entry ever (or after the tables were emptied): create the tip.
        # ON CONFLICT DO NOTHING, because a concurrent first writer may create it too.
        insert = insert_for(db.session, AuditHead)
        db.session.execute(
            insert.values(id=1, seq=0, hash=GENESIS).on_conflict_do_nothing(index_elements=["id"])
        )
        row = db.session.execute(advance).one()
    return row.seq, row.hash


def record(
    action: str, object_type: str, object_id: int | None, details: dict | None = None, actor=None
) -> AuditEntry:
    """Append an entry in the caller's transaction; the caller commits."""
    if actor is None and current_user and current_user.is_authenticated:
        actor = current_user
    # Through JSON and back, so the hash is computed over what the database returns.
    details = json.loads(json.dumps(details or {}, default=str))
    seq, prev_hash = _advance_head()
    at = utcnow()
    actor_id = actor.id if actor else None
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details,
        prev_hash=prev_hash,
        hash=_digest(
            seq, at, actor_id, action, object_type, object_id, details, prev_hash, audit_mark.key()
        ),
    )
    db.session.add(entry)
    audit_mark.remember(db.session(), seq, entry.hash)
    db.session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(hash=entry.hash)
        .execution_options(synchronize_session=False)
    )
    return entry


@dataclass
class Verification:
    checked: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(batch: int = 5000) -> Verification:
    """Walk the chain in sequence order; report every gap, broken link or altered entry.

    Reads plain rows in batches, so a long log neither fills the session nor
    disturbs the objects the caller holds.
    """
    columns = (
        AuditEntry.id,
        AuditEntry.seq,
        AuditEntry.at,
        AuditEntry.actor_id,
        AuditEntry.action,
        AuditEntry.object_type,
        AuditEntry.object_id,
        AuditEntry.details,
        AuditEntry.prev_hash,
        AuditEntry.hash,
    )
    problems: list[str] = []
    path = audit_mark.mark_path()
    mark = audit_mark.read(path)
    keyed_from = mark.keyed_from if mark else 1
    key = audit_mark.key()
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    while True:
        rows = db.session.execute(
            select(*columns)
            .where(AuditEntry.seq >= expected_seq)
            .order_by(AuditEntry.seq)
            .limit(batch)
        ).all()
        if not rows:
            break
        for e in rows:
            if e.seq != expected_seq:
                missing = (
                    f"entry {expected_seq} is missing"
                    if e.seq == expected_seq + 1
                    else f"entries {expected_seq} to {e.seq - 1} are missing"
                )
                problems.append(f"{missing} (deleted before entry {e.seq})")
            elif e.prev_hash != prev_hash:
                problems.append(f"entry {e.seq}: does not follow the previous entry")
            fields = (e.seq, e.at, e.actor_id, e.action, e.object_type, e.object_id, e.details)
            legacy = e.seq < keyed_from
            if _digest(*fields, e.prev_hash, None if legacy else key) != e.hash:
                problems.append(f"entry {e.seq}: content changed after it was written")
            if mark and e.seq == mark.seq and e.hash != mark.hash:
                problems.append(f"entry {e.seq}: not the entry the high-water mark recorded")
            prev_hash, expected_seq = e.hash, e.seq + 1
            checked += 1
    head = db.session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)
    ).first()
    last = expected_seq - 1
    end = max(head.seq if head else 0, mark.seq if mark else 0)
    if end > last:
        missing = (
            f"entry {end} is missing"
            if end == last + 1
            else f"entries {last + 1} to {end} are missing"
        )
        problems.append(f"{missing} (deleted at the end of the log)")
    elif head is None:
        if checked:
            problems.append("the chain's tip is missing (the audit_head row was deleted)")
    elif head.seq != last or head.hash != prev_hash:
        problems.append(f"the chain's tip does not match its last entry {last}")
    if mark is None and checked:
        problems.append(f"the high-water mark {path} is missing: the log's end cannot be checked")
    return Verification(checked, problems)


def start_mark() -> None:
    """After an upgrade (``parkops init``): a chain written before the key gets its mark.

    Its entries so far are legacy; the next one is the first keyed entry.
    """
    path = audit_mark.mark_path()
    if audit_mark.read(path) is not None:
        return
    head = db.session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)
    ).first()
    if head is not None and head.seq:
        audit_mark.advance(path, head.seq, head.hash, keyed_from=head.seq + 1)
