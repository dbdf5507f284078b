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

Back, then submit again, posts a new key: pages are ``no-store`` (parkops/security.py),
so the browser fetches the form page afresh. A form that records what the user typed
(a comment, a note, an amount: ``field(content=True)``, whose key says so with
``CONTENT``) is therefore also known by its content: ``remember`` keeps the post's
fingerprint (who, which URL, what fields) as a second row, and ``previous_result``
answers an identical post of that signed-in user within ``REPEAT_SECONDS`` as a repeat
too, saying so ("already recorded"). A different text, amount or file is a new post;
the same one can be posted again after the window. Forms of buttons only (start a
run, sign a day) keep the key alone: doing it again is a new act, and their states
refuse a true double.
"""

import hashlib
import json
import uuid
from datetime import datetime, timedelta

from flask import Flask, flash, g, has_request_context, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import ForeignKey, String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from parkops import page_cache
from parkops.db import Base, utcnow
from parkops.extensions import db

FIELD = "idempotency_key"
CONTENT = "t-"  # a key's prefix: the form's content names the post too
REPEAT_SECONDS = 600  # an identical post within this is a resubmitted page, not a new entry
_ABSENT = "_parkops_absent_fingerprints"  # g: fingerprints this request found no row for
_PER_RENDER = {FIELD, "csrf_token"}  # fields a fresh page changes though the user did not


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    result_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def field(content: bool = False) -> Markup:
    """The hidden input to put in a phone form (a template global); a page kept by
    ``parkops.page_cache`` gets a new key in each serve (the prefix stays). ``content``:
    the form records what the user typed, so an identical post soon after is a repeat."""
    key = uuid.uuid4().hex
    page_cache.note_key(key)
    value = CONTENT + key if content else key
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, value)


def previous_result(key: str | None) -> str | None:
    """The URL the first post with this key led to, or with this content (the same
    signed-in user posting the same fields to the same URL within ``REPEAT_SECONDS``,
    flashed "already recorded"); None for a new post."""
    if not key:
        return None
    row = db.session.get(IdempotencyKey, key[:64])
    if row:
        return row.result_url
    fingerprint = _fingerprint(key)
    row = db.session.get(IdempotencyKey, fingerprint) if fingerprint else None
    if fingerprint and row is None:
        g.setdefault(_ABSENT, set()).add(fingerprint)  # remember adds it without a lookup
    if row is None or row.created_at < utcnow() - timedelta(seconds=REPEAT_SECONDS):
        return None
    message = _(
        "Already recorded a moment ago, so not recorded twice. The very same entry "
        "can be recorded again after %(minutes)d minutes.",
        minutes=REPEAT_SECONDS // 60,
    )
    flash(message, "info")
    return row.result_url


def remember(key: str | None, result_url: str, user_id: int | None) -> None:
    """Record the key and the post's content fingerprint in the caller's transaction,
    beside the record it created."""
    if not key:
        return
    db.session.add(IdempotencyKey(key=key[:64], user_id=user_id, result_url=result_url))
    if fingerprint := _fingerprint(key):
        # An identical post older than the window: its row is renewed, not added again.
        absent = fingerprint in g.get(_ABSENT, ())
        row = None if absent else db.session.get(IdempotencyKey, fingerprint)
        row = row or IdempotencyKey(key=fingerprint)
        row.user_id, row.result_url, row.created_at = user_id, result_url, utcnow()
        db.session.add(row)


def _fingerprint(key: str) -> str | None:
    """64 hex digits naming this post's content: the signed-in user, the path, every
    field but the per-render ones, the attached files' names and sizes. None but for a
    content form's key in a signed-in user's post (a visitor's identical report may
    well be another visitor's)."""
    if not key.startswith(CONTENT) or not has_request_context() or request.method != "POST":
        return None
    if not current_user.is_authenticated:
        return None
    fields = sorted(
        (name, value)
        for name, values in request.form.lists()
        if name not in _PER_RENDER
        for value in values
    )
    files = sorted(
        (name, upload.filename, _size(upload))
        for name, uploads in request.files.lists()
        for upload in uploads
        if upload.filename
    )
    content = json.dumps([current_user.get_id(), request.path, fields, files])
    return hashlib.sha256(content.encode()).hexdigest()


def _size(upload) -> int:
    """The upload's length in bytes, its stream left where it was read from."""
    stream = upload.stream
    here = stream.tell()
    size = stream.seek(0, 2)
    stream.seek(here)
    return size


def init_app(app: Flask) -> None:
    app.register_error_handler(IntegrityError, _racing_repeat)


def _racing_repeat(error: IntegrityError):
    """A post whose key a concurrent repeat committed first lands where that one led;
    any other clash stays an error (a record's own unique column is not a repeat)."""
    db.session.rollback()
    if done := previous_result(request.form.get(FIELD)):
        return redirect(done, 303)
    raise error
