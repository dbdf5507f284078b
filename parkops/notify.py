"""Telling people: in-app notifications, e-mail, and a group-chat robot webhook.

In-app notifications are rows in the caller's transaction. E-mail (when
PARKOPS_SMTP_HOST is set) and the webhook post (when PARKOPS_WEBHOOK_URL is set)
go out after the caller commits, with ``deliver``; a failure there is logged
and never undoes the in-app notification.
"""

import json
import smtplib
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from flask import current_app, g, has_request_context
from sqlalchemy import ForeignKey, Index, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from parkops.auth.models import User
from parkops.db import Base, utcnow
from parkops.extensions import db

WEBHOOK_TIMEOUT = 10
SMTP_TIMEOUT = 30
# WeCom (企业微信) group robots take at most 2048 bytes of text; DingTalk takes more.
WEBHOOK_MAX_BYTES = 2048


class Notification(Base):
    __tablename__ = "notifications"
    # A user's list newest first, and their unread count, read one index.
    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


@dataclass
class Outgoing:
    """What ``notify`` queued for e-mail and the webhook, sent by ``deliver``."""

    recipients: list[str]
    subject: str
    body: str
    link: str


def absolute_url(link: str) -> str:
    """A path inside ParkOps as the public base URL reaches it (e-mail, chat)."""
    return f"{current_app.config['BASE_URL']}{link}" if link.startswith("/") else link


def notify(users: list[User], subject: str, body: str = "", link: str = "") -> Outgoing:
    """Add an in-app notification for each active user; return what to deliver outside.

    ``link`` is a path inside ParkOps ("/ledger/problems/3"). A user listed
    twice gets one notification; deactivated accounts get none.
    """
    people = list({u.id: u for u in users if u.active}.values())
    for user in people:
        db.session.add(Notification(user_id=user.id, subject=subject[:200], body=body, link=link))
    _recount()
    return Outgoing([u.email for u in people if u.email], subject, body, absolute_url(link))


def deliver(message: Outgoing, webhook: bool = True) -> None:
    """Send by e-mail and (unless ``webhook`` is False) to the webhook, where configured.

    Call after committing. A job that notifies many people one by one passes
    ``webhook=False`` and posts one summary with ``post_webhook`` instead.
    """
    if current_app.config["SMTP_HOST"] and message.recipients:
        send_mail(message)
    if webhook:
        text = "\n".join(p for p in (message.subject, message.body, message.link) if p)
        post_webhook(text)


def send_mail(message: Outgoing) -> int:
    """One e-mail per recipient (addresses are not shown to each other); returns how many went.

    A refused address is logged and does not stop the others.
    """
    config = current_app.config
    sent = 0
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=SMTP_TIMEOUT) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USER"]:
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            for address in message.recipients:
                try:
                    smtp.send_message(_mail(message, address))
                    sent += 1
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError):
                    current_app.logger.exception("e-mail to %s was refused", address)
    except OSError:  # connection refused, timeout, TLS, authentication, …
        current_app.logger.exception("e-mail to %s failed", ", ".join(message.recipients))
    return sent


def _mail(message: Outgoing, address: str) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = " ".join(message.subject.split())  # a header holds no line breaks
    mail["From"] = current_app.config["SMTP_FROM"]
    mail["To"] = address
    mail.set_content(f"{message.body}\n\n{message.link}".strip())
    return mail


def post_webhook(text: str) -> bool:
    """Post a text message to the group-chat robot, when one is configured.

    Returns True when the robot accepted it; a failure is logged.
    """
    url = current_app.config["WEBHOOK_URL"]
    if not url:
        return False
    # The text-message shape that WeCom (企业微信) and DingTalk group robots accept.
    payload = {"msgtype": "text", "text": {"content": _clip(text, WEBHOOK_MAX_BYTES)}}
    request = urllib.request.Request(  # noqa: S310  the URL is the admin's own setting
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310
            answer = response.read()
    except OSError:  # refused, timeout, HTTP error status
        current_app.logger.exception("webhook post failed")
        return False
    # Robots answer 200 with {"errcode": 93000, "errmsg": "…"} when they refuse a message.
    try:
        errcode = json.loads(answer).get("errcode", 0)
    except (ValueError, AttributeError):
        errcode = 0
    if errcode:
        current_app.logger.error("webhook refused the message: %s", answer[:500])
        return False
    return True


def _clip(text: str, limit: int) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode(errors="ignore") + "…"


def unread_count_of(user_id):
    """The COUNT of ``user_id``'s unread notifications, as a scalar subquery (``user_id`` an
    int or a column: the user loader reads it with the account)."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(unread_count_of(user_id)))


def _recount() -> None:
    """Forget the request's kept unread count (``parkops.notifications``): it changed."""
    if has_request_context():
        g.pop("parkops_unread", None)


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
        _recount()


def mark_all_read(user_id: int) -> int:
    """Mark every unread notification of a user read; returns how many."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    _recount()
    return result.rowcount
