"""A submitted report goes to the configured recipients (e-mail, group chat); the office is
reminded once a week when the week's report is late."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from parkops import module_settings
from parkops.extensions import db
from parkops.notify import Notification
from parkops.reports import services
from parkops.reports.jobs import weekly_due_reminder
from parkops.reports.settings import recipients
from parkops.timeutil import business_day, week_start
from tests.core.local_servers import SmtpServer, WebhookServer

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime(2026, 11, 27, tzinfo=SHANGHAI)  # week of Monday 2026-11-23


def test_submitting_sends_the_report_to_the_recipients(make_app, make_user, ledger):
    with SmtpServer() as smtp, WebhookServer() as robot:
        app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, WEBHOOK_URL=robot.url)
        with app.app_context():
            office = make_user("office1", ["office"], all_sites=True)
            module_settings.save(
                "reports", {"recipients": "xunchazu@city.test; leader@park.test"}, office
            )
            week = week_start(business_day())
            report = services.submit(week, "本周进展顺利。", office, business_day())
        assert sorted(r[0] for r in smtp.recipients) == ["leader@park.test", "xunchazu@city.test"]
        mail = smtp.messages[0]
        assert f"no. {report.number}" in mail["Subject"] or f"第{report.number}" in mail["Subject"]
        body = mail.get_content()
        assert (
            "本周进展顺利。" in body and f"http://parkops.test/reports/weekly/{report.id}" in body
        )
        assert len(robot.posts) == 1
        assert "本周进展顺利。" in robot.posts[0]["text"]["content"]


@pytest.fixture
def office(ledger, make_user):
    return [
        make_user("office1", ["office"], all_sites=True),
        make_user("office2", ["office"], all_sites=True),
    ]


def _inbox(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def test_the_office_is_reminded_once_when_the_week_is_late(office, make_user):
    admin = make_user("root", ["admin"], all_sites=True)
    thursday = FRIDAY - timedelta(days=1)
    assert weekly_due_reminder(thursday.replace(hour=18)) == 0  # not due yet
    assert weekly_due_reminder(FRIDAY.replace(hour=16, minute=59)) == 0
    assert weekly_due_reminder(FRIDAY.replace(hour=17, minute=5)) == 2
    assert weekly_due_reminder(FRIDAY.replace(hour=18, minute=5)) == 0  # once per week
    assert weekly_due_reminder((FRIDAY + timedelta(days=1)).replace(hour=9)) == 0
    assert [len(_inbox(u)) for u in office] == [1, 1] and _inbox(admin) == []
    assert "/reports/weekly/new?week=2026-11-23" == _inbox(office[0])[0].link


def test_no_reminder_when_the_report_is_in(office):
    week = FRIDAY.date() - timedelta(days=4)
    services.submit(week, "按时报送。", office[0], FRIDAY.date())
    assert weekly_due_reminder(FRIDAY.replace(hour=17, minute=5)) == 0
    assert _inbox(office[1]) == []


def test_the_due_day_and_hour_are_settings(office, client, login):
    login(office[0])
    response = client.post(
        "/settings/reports",
        data={"due_day": "1", "due_hour": "9", "recipients": "", "unit": "办公室"},
    )
    assert response.status_code == 303
    monday = FRIDAY - timedelta(days=4)
    assert weekly_due_reminder(monday.replace(hour=8, minute=5)) == 0
    assert weekly_due_reminder(monday.replace(hour=9, minute=5)) == 2


def test_a_wrong_recipient_is_refused(office):
    with pytest.raises(module_settings.SettingError):
        module_settings.save("reports", {"recipients": "xunchazu at city"}, office[0])
    assert recipients() == []
