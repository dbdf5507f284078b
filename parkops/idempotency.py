"""Idempotency keys for forms posted from phones.

A phone on a weak connection may post the same form twice (a retry, a double
tap). Each such form carries a random key; the first post records the key with
the URL it led to, and a repeat is sent to that URL instead of creating a
second record. The key's primary key makes concurrent repeats fail in the
database, not slip through.

Two ways to use it: a service that knows its result page takes the key and
calls ``remember`` before it commits; or a view decorated with ``repeat_lands_on_first``
calls ``claim`` with the page it will lead to just before the service, whose
commit then keeps the key with the record (a refusal must roll back, so that the
key stays free for the corrected post).
"""

import uuid
from datetime import datetime
from functools import wraps

from flask import redirect, request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import ForeignKey, String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

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
    """The hidden input to put in a phone form (a template global)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, uuid.uuid4().hex)


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


def repeat_lands_on_first(view):
    """A view decorator: a repeated post (same key) is sent where the first one led."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.form.get(FIELD)
        if done := previous_result(key):
            return redirect(done, 303)
        try:
            return view(*args, **kwargs)
        except IntegrityError:
            db.session.rollback()
            if done := previous_result(key):  # a concurrent repeat committed first
                return redirect(done, 303)
            raise

    return wrapper


def claim(result_url: str) -> None:
    """Tie this post's key to the page it leads to, in the transaction about to commit."""
    remember(request.form.get(FIELD), result_url, current_user.id)
