"""The Monday reminder: who gets it, what it says, and that a week sends it once."""

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from parkops.extensions import db
from parkops.notify import Notification
from parkops.rectification.jobs import JOB, weekly_reminder
from parkops.rectification.models import Problem, ProgressReport, Status
from parkops.scheduler import build_scheduler
from tests.core.local_servers import SmtpServer, WebhookServer, closed_port

MONDAY = date(2026, 11, 30)  # ISO week 2026-W49


@pytest.fixture
def problems(ledger):
    return {p.code: p for p in db.session.scalars(select(Problem))}


@pytest.fixture
def people(make_user):
    return {
        "crew": make_user("crew", ["crew"], email="crew@park.test", locale="en"),
        "auditor": make_user("auditor", ["auditor"], email="auditor@park.test", locale="zh"),
        "leader": make_user("leader", ["leader"], all_sites=True, email="leader@park.test"),
        "office": make_user("office", ["office"], all_sites=True, locale="en"),
        "gone": make_user("gone", ["crew"], email="gone@park.test", active=False),
    }


def _assign(problem, person=None, leader=None, status=Status.IN_PROGRESS, deadline=None):
    problem.person, problem.leader, problem.status, problem.deadline = (
        person,
        leader,
        status,
        deadline,
    )


def _report(problem, author, day):
    db.session.add(ProgressReport(problem=problem, author=author, reported_on=day, text="done"))


def _inbox(user):
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


@pytest.fixture
def week(problems, people):
    """A ledger where each rule of who is reminded has a case."""
    p, u = problems, people
    _assign(p["14"], u["crew"], deadline=MONDAY - timedelta(days=3))  # overdue
    _assign(p["15"], u["crew"], status=Status.NOT_STARTED, deadline=MONDAY + timedelta(days=30))
    _assign(p["35"], u["auditor"], status=Status.LONG_TERM)  # long-term: reported weekly too
    _assign(p["36"], None, u["leader"])  # no person: the leader answers
    _assign(p["37"], u["gone"], u["leader"])  # person deactivated: the leader answers
    _assign(p["17"], u["office"])
    _report(p["17"], u["office"], MONDAY - timedelta(days=7))  # reported within the week
    _assign(p["18"], u["office"])
    _report(p["18"], u["office"], MONDAY - timedelta(days=8))  # last report too old
    _assign(p["20"], u["office"], status=Status.COMPLETED)  # completed: nothing due
    for code, problem in p.items():  # the rest: completed, so the summary stays readable
        if code not in {"14", "15", "35", "36", "37", "17", "18", "20", "21"}:
            problem.status = Status.COMPLETED
    p["21"].status = Status.IN_PROGRESS  # open, nobody responsible
    db.session.commit()
    return p


def test_one_notification_per_person_listing_their_problems(week, people, app):
    app.config["DEFAULT_LOCALE"] = "en"
    assert weekly_reminder(MONDAY) == 4

    crew = _inbox(people["crew"])
    assert [n.subject for n in crew] == ["Progress reports due on 2 problems"]
    body = crew[0].body
    assert f"http://parkops.test/ledger/problems/{week['14'].id}" in body
    assert f"http://parkops.test/ledger/problems/{week['15'].id}" in body
    assert body.index(week["14"].title) < body.index(week["15"].title)
    assert "Deadline Nov 27, 2026, overdue" in body
    assert "Deadline Dec 30, 2026\n" in body
    assert crew[0].link == f"/ledger/?person={people['crew'].id}"

    [leader] = _inbox(people["leader"])
    assert leader.subject == "Progress reports due on 2 problems"
    assert week["36"].title in leader.body and week["37"].title in leader.body

    [auditor] = _inbox(people["auditor"])
    assert week["35"].title in auditor.body
    assert auditor.link == f"/ledger/problems/{week['35'].id}"  # one problem: straight to it

    [office] = _inbox(people["office"])
    assert office.subject == "Progress report due on 1 problem"
    assert week["18"].title in office.body
    assert week["17"].title not in office.body and week["20"].title not in office.body

    assert _inbox(people["gone"]) == []


def test_the_recipient_language_sets_the_text(week, people, app):
    deadline = MONDAY + timedelta(days=10)
    week["35"].deadline = week["36"].deadline = deadline
    db.session.commit()
    weekly_reminder(MONDAY)
    [crew] = _inbox(people["crew"])  # English account
    [auditor] = _inbox(people["auditor"])  # Chinese account
    [leader] = _inbox(people["leader"])  # no choice: the installation's default (zh)
    assert "Nov 27, 2026" in crew.body
    assert "2026年11月27日" not in crew.body
    assert "2026年12月10日" in auditor.body
    assert "2026年12月10日" in leader.body
    assert "Dec 10, 2026" not in auditor.body + leader.body


def test_run_twice_in_a_week_sends_nothing_twice(week, people, app):
    with SmtpServer() as smtp, WebhookServer() as robot:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, WEBHOOK_URL=robot.url)
        assert weekly_reminder(MONDAY) == 4
        assert weekly_reminder(MONDAY + timedelta(days=2)) == 0  # same ISO week, Wednesday
        assert weekly_reminder(MONDAY) == 0
        total = db.session.scalar(select(func.count()).select_from(Notification))
        assert total == 4
        assert len(smtp.messages) == 3  # crew, auditor, leader; office has no e-mail
        assert len(robot.posts) == 1

        assert weekly_reminder(MONDAY + timedelta(days=7)) == 4  # the next week reminds again
        assert len(smtp.messages) == 6
        assert len(robot.posts) == 2


def test_email_goes_to_each_person_in_their_language(week, people, app):
    with SmtpServer() as smtp:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
        weekly_reminder(MONDAY)
    mails = {m["To"]: m for m in smtp.messages}
    assert set(mails) == {"crew@park.test", "auditor@park.test", "leader@park.test"}
    crew = mails["crew@park.test"]
    assert crew["Subject"] == "Progress reports due on 2 problems"
    text = crew.get_content()
    assert f"http://parkops.test/ledger/problems/{week['14'].id}" in text
    assert f"http://parkops.test/ledger/?person={people['crew'].id}" in text


def test_one_webhook_summary_per_run(week, people, app):
    app.config["DEFAULT_LOCALE"] = "en"
    with WebhookServer() as robot:
        app.config["WEBHOOK_URL"] = robot.url
        weekly_reminder(MONDAY)
    [post] = robot.posts
    lines = post["text"]["content"].splitlines()
    assert lines[0] == "Weekly progress reports, 2026-W49"
    assert "• Auditor: 35" in lines
    assert "• Crew: 14, 15" in lines
    assert "• Leader: 36, 37" in lines
    assert "• Office: 18" in lines
    assert "Without a responsible person: 21" in lines
    assert lines[-1] == "http://parkops.test/ledger/"


def test_failing_mail_and_webhook_keep_the_in_app_reminders(week, people, app, caplog):
    port = closed_port()
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=port, WEBHOOK_URL=f"http://127.0.0.1:{port}/"
    )
    with caplog.at_level(logging.ERROR):
        assert weekly_reminder(MONDAY) == 4
    assert "e-mail to crew@park.test failed" in caplog.text
    assert "webhook post failed" in caplog.text
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 4


def test_nothing_due_sends_nothing(ledger, people, app):
    for problem in db.session.scalars(select(Problem)):
        problem.status = Status.COMPLETED
    db.session.commit()
    with WebhookServer() as robot:
        app.config["WEBHOOK_URL"] = robot.url
        assert weekly_reminder(MONDAY) == 0
    assert robot.posts == []


def test_scheduled_every_monday_at_eight_in_shanghai(app):
    scheduler = build_scheduler(app, blocking=False)
    job = scheduler.get_job(JOB)
    shanghai = ZoneInfo("Asia/Shanghai")
    after = datetime(2026, 11, 26, 12, 0, tzinfo=shanghai)  # a Thursday
    first = job.trigger.get_next_fire_time(None, after)
    assert first == datetime(2026, 11, 30, 8, 0, tzinfo=shanghai)
    assert job.trigger.get_next_fire_time(first, first + timedelta(seconds=1)) == datetime(
        2026, 12, 7, 8, 0, tzinfo=shanghai
    )
