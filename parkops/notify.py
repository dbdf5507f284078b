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

from flask import current_app
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from parkops.auth.models import User
from parkops.db import Base, utcnow
from parkops.extensions import db

WEBHOOK_TIMEOUT = 10


class Notification(Base):
    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]


@dataclass
class Outgoing:
    """What ``notify`` queued for e-mail and the webhook, sent by ``deliver``."""

    recipients: list[str]
    subject: str
    body: str
    link: str


def notify(users: list[User], subject: str, body: str = "", link: str = "") -> Outgoing:
    """Add an in-app notification for each user; return what to deliver outside."""
    for user in users:
        db.session.add(Notification(user_id=user.id, subject=subject[:200], body=body, link=link))
    absolute = f"{current_app.config['BASE_URL']}{link}" if link.startswith("/") else link
    return Outgoing([u.email for u in users if u.email], subject, body, absolute)


def deliver(message: Outgoing) -> None:
    """Send by e-mail and webhook, where configured. Call after committing."""
    config = current_app.config
    if config["SMTP_HOST"] and message.recipients:
        try:
            _send_mail(message)
        except (OSError, smtplib.SMTPException):
            current_app.logger.exception("e-mail to %s failed", message.recipients)
    if config["WEBHOOK_URL"]:
        try:
            _post_webhook(message)
        except OSError:
            current_app.logger.exception("webhook post failed")


def _send_mail(message: Outgoing) -> None:
    config = current_app.config
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = config["SMTP_FROM"]
    mail["To"] = ", ".join(message.recipients)
    mail.set_content(f"{message.body}\n\n{message.link}".strip())
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=30) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        smtp.send_message(mail)


def _post_webhook(message: Outgoing) -> None:
    # The text-message shape that WeCom (企业微信) and DingTalk group robots accept.
    text = "\n".join(part for part in (message.subject, message.body, message.link) if part)
    payload = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False)
    request = urllib.request.Request(  # noqa: S310  the URL is the admin's own setting
        current_app.config["WEBHOOK_URL"],
        data=payload.encode(),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310
        response.read()
