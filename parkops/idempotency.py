"""Idempotency keys for forms posted from phones.

A phone on a weak connection may post the same form twice (a retry, a double
tap). Each such form carries a random key; the first post records the key with
the URL it led to, and a repeat is sent to that URL instead of creating a
second record. The key's primary key makes concurrent repeats fail in the
database, not slip through.

The one way to use it: the view sends a repeat to ``previous_result(key)`` when
there is one, else hands the key to the service, which calls ``remember`` before
its commit (a refusal rolls back, so the key stays free for the corrected post).
A repeat racing the first passes the view's check and then fails on the key's
primary key at commit; ``init_app`` answers that IntegrityError by sending the
repeat where the first post led.
"""

import uuid
from datetime import datetime

from flask import Flask, redirect, request
from markupsafe import Markup
from sqlalchemy import ForeignKey, String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from parkops import page_cache
from parkops.db import Base, utcnow
from parkops.extensions import db

FIELD = "idempotency_key"


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    result_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def field() -> Markup:
    """The hidden input to put in a phone form (a template global); a page kept by
    ``parkops.page_cache`` gets a new key in each serve."""
    key = uuid.uuid4().hex
    page_cache.note_key(key)
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, key)


def previous_result(key: str | None) -> str | None:
    """The URL the first post with this key led to, or None for a new key."""
    if not key:
        return None
    row = db.session.get(IdempotencyKey, key[:64])
    return row.result_url if row else None


def remember(key: str | None, result_url: str, user_id: int | None) -> None:
    """Record the key in the caller's transaction, beside the record it created."""
    if key:
        db.session.add(IdempotencyKey(key=key[:64], user_id=user_id, result_url=result_url))


def init_app(app: Flask) -> None:
    app.register_error_handler(IntegrityError, _racing_repeat)


def _racing_repeat(error: IntegrityError):
    """A post whose key a concurrent repeat committed first lands where that one led;
    any other clash stays an error (a record's own unique column is not a repeat)."""
    db.session.rollback()
    if done := previous_result(request.form.get(FIELD)):
        return redirect(done, 303)
    raise error
