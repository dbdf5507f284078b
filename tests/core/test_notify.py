"""notify/deliver against a real SMTP server and a real webhook receiver on localhost."""

import logging

import pytest
from sqlalchemy import select

from parkops.extensions import db
from parkops.notify import Notification, deliver, notify, post_webhook
from tests.core.local_servers import SmtpServer, WebhookServer, closed_port


@pytest.fixture
def smtp(app):
    with SmtpServer() as server:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port)
        yield server


@pytest.fixture
def webhook(app):
    with WebhookServer() as server:
        app.config.update(WEBHOOK_URL=server.url)
        yield server


def _subjects(user):
    return db.session.scalars(select(Notification.subject).where(Notification.user_id == user.id))


def test_in_app_email_and_webhook(make_user, smtp, webhook):
    ann = make_user("ann", email="ann@park.test")
    bob = make_user("bob", email="bob@park.test")
    cai = make_user("cai")  # no e-mail address: in-app only
    out = notify([ann, bob, cai, ann], "Repair order 7 assigned", "Bench at the lake", "/orders/7")
    db.session.commit()
    deliver(out)

    assert [list(_subjects(u)) for u in (ann, bob, cai)] == [["Repair order 7 assigned"]] * 3
    # One e-mail per recipient: addresses are not shown to each other.
    assert sorted(smtp.recipients) == [["ann@park.test"], ["bob@park.test"]]
    mail = smtp.messages[0]
    assert mail["Subject"] == "Repair order 7 assigned"
    assert mail["From"] == "parkops@localhost"
    assert mail["To"] in {"ann@park.test", "bob@park.test"}
    assert mail.get_content().splitlines() == [
        "Bench at the lake",
        "",
        "http://parkops.test/orders/7",
    ]
    # One webhook post for the message, in the robots' text shape.
    assert webhook.posts == [
        {
            "msgtype": "text",
            "text": {
                "content": "Repair order 7 assigned\nBench at the lake\nhttp://parkops.test/orders/7"
            },
        }
    ]
    assert webhook.content_types == ["application/json; charset=utf-8"]


def test_chinese_text_survives_mail_and_webhook(make_user, smtp, webhook):
    user = make_user("li", email="li@park.test")
    deliver(notify([user], "整改进展周报提醒", "濮上园 第14项", "/ledger/problems/14"))
    assert smtp.messages[0]["Subject"] == "整改进展周报提醒"
    assert "濮上园 第14项" in smtp.messages[0].get_content()
    assert webhook.posts[0]["text"]["content"].startswith("整改进展周报提醒\n濮上园 第14项")


def test_deactivated_users_get_nothing(make_user, smtp):
    gone = make_user("gone", email="gone@park.test", active=False)
    out = notify([gone], "Hello")
    db.session.commit()
    deliver(out)
    assert list(_subjects(gone)) == []
    assert smtp.messages == []


def test_without_settings_only_in_app(app, make_user):
    user = make_user("ann", email="ann@park.test")
    out = notify([user], "Hello", link="/x")
    db.session.commit()
    deliver(out)  # SMTP_HOST and WEBHOOK_URL are empty: nothing to connect to
    assert list(_subjects(user)) == ["Hello"]


def test_failing_smtp_and_webhook_are_logged_and_keep_in_app(app, make_user, caplog):
    port = closed_port()
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=port, WEBHOOK_URL=f"http://127.0.0.1:{port}/hook"
    )
    user = make_user("ann", email="ann@park.test")
    out = notify([user], "Shift not closed")
    db.session.commit()
    with caplog.at_level(logging.ERROR):
        deliver(out)
    assert "e-mail to ann@park.test failed" in caplog.text
    assert "webhook post failed" in caplog.text
    assert "Connection refused" in caplog.text
    db.session.rollback()
    assert list(_subjects(user)) == ["Shift not closed"]


def test_webhook_refusal_in_a_200_answer_is_logged(app, caplog):
    with WebhookServer(answer={"errcode": 93000, "errmsg": "invalid webhook url"}) as robot:
        app.config.update(WEBHOOK_URL=robot.url)
        with caplog.at_level(logging.ERROR):
            assert post_webhook("hello") is False
    assert len(robot.posts) == 1
    assert "invalid webhook url" in caplog.text


def test_webhook_http_error_is_logged(app, caplog):
    with WebhookServer(status=500) as robot:
        app.config.update(WEBHOOK_URL=robot.url)
        with caplog.at_level(logging.ERROR):
            assert post_webhook("hello") is False
    assert "HTTP Error 500" in caplog.text


def test_long_webhook_text_is_clipped_to_what_robots_take(app, webhook):
    assert post_webhook("问题" * 2000) is True
    content = webhook.posts[0]["text"]["content"]
    assert len(content.encode()) <= 2048
    assert content.endswith("…")
    assert content.startswith("问题问题")


def test_refused_recipient_does_not_stop_the_others(app, make_user, caplog):
    class Picky(SmtpServer):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.startswith("nobody@"):
                return "550 No such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    ann = make_user("ann", email="ann@park.test")
    ghost = make_user("ghost", email="nobody@park.test")
    with Picky() as smtp:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
        with caplog.at_level(logging.ERROR):
            deliver(notify([ghost, ann], "Hello"))
    assert smtp.recipients == [["ann@park.test"]]
    assert "e-mail to nobody@park.test was refused" in caplog.text
