"""Reminders: a gardener's overdue tasks each morning, the assessors when a round
opens, the responsible person while a deduction may be appealed; each once per
period, delivered in the app and by e-mail through a local SMTP server."""

from datetime import timedelta

from sqlalchemy import select

from modules.greening import appeals, reminders, rounds, withdrawals
from modules.greening.models import Deduction
from parkops.extensions import db
from parkops.notify import Notification
from parkops.scheduler import JobClaim, all_jobs
from parkops.timeutil import business_day, local_midnight_utc
from tests.core.local_servers import SmtpServer
from tests.modules.greening.test_tasks import task_in


def inbox(user) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def morning(days_ahead: int = 0):
    return local_midnight_utc(business_day() + timedelta(days=days_ahead)) + timedelta(hours=7)


def test_each_gardener_hears_of_her_overdue_tasks_once_a_morning(app, grove, make_zone):
    grove.gardener.email, grove.gardener2.email = "sunli@park.test", "liming@park.test"
    today = business_day()
    mine, his = make_zone(), make_zone(responsible=grove.gardener2)
    task_in(mine, today - timedelta(days=2), title="绿篱修剪")
    task_in(mine, today - timedelta(days=1), title="清扫落叶")
    task_in(mine, today, title="今天的")  # due today: not overdue
    done = task_in(his, today - timedelta(days=1), title="已做")
    done.done_at = local_midnight_utc(today)
    db.session.commit()
    with SmtpServer() as smtp:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
        assert reminders.overdue_tasks(morning()) == 1
    (notice,) = inbox(grove.gardener)
    assert notice.subject == "2 maintenance tasks overdue"
    assert notice.link == "/greening/tasks"
    assert notice.body.splitlines() == [
        f"{today - timedelta(days=2)} {mine.code} 绿篱修剪",
        f"{today - timedelta(days=1)} {mine.code} 清扫落叶",
    ]
    assert inbox(grove.gardener2) == []
    (mail,) = smtp.messages
    assert mail["To"] == "sunli@park.test" and mail["Subject"] == "2 maintenance tasks overdue"
    assert "绿篱修剪" in mail.get_content()
    # Run again the same morning: nothing twice. The next morning: heard again.
    assert reminders.overdue_tasks(morning() + timedelta(hours=2)) == 0
    assert len(inbox(grove.gardener)) == 1
    assert reminders.overdue_tasks(morning(1)) == 1
    assert len(inbox(grove.gardener)) == 2


def test_the_roster_decides_who_hears_of_overdue_tasks(grove, make_zone):
    from modules.greening import zones

    zone = make_zone()
    task_in(zone, business_day() - timedelta(days=1))
    zones.assign(zone, grove.gardener2, "二班", business_day() + timedelta(days=1), grove.office)
    assert reminders.overdue_tasks(morning()) == 1
    assert len(inbox(grove.gardener)) == 1
    # Tomorrow Li Ming answers for the zone: the task is his to hear of.
    assert reminders.overdue_tasks(morning(1)) == 1
    assert len(inbox(grove.gardener2)) == 1


def test_the_assessors_of_the_site_hear_once_that_a_round_opened(
    app, grove, rules_in_force, make_user
):
    grove.assessor.email = "assessor@park.test"
    db.session.commit()
    round_ = rounds.open_round(grove.psy.id, business_day(), grove.office)
    with SmtpServer() as smtp:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
        assert reminders.rounds_opened() == 1
    (notice,) = inbox(grove.assessor)
    assert notice.subject == f"Assessment round {round_.label} opened at 濮上园"
    assert notice.link == f"/greening/rounds/{round_.id}"
    assert [m["To"] for m in smtp.messages] == ["assessor@park.test"]
    assert inbox(grove.zoo_assessor) == []  # another site's
    assert reminders.rounds_opened() == 0
    assert len(inbox(grove.assessor)) == 1


def test_an_old_or_closed_round_is_not_announced(grove, rules_in_force):
    round_ = rounds.open_round(grove.psy.id, business_day(), grove.office)
    round_.opened_at -= timedelta(days=5)
    db.session.commit()
    assert reminders.rounds_opened() == 0
    assert db.session.scalar(select(JobClaim)) is None


def _deduction(grove, make_zone, rules_in_force):
    zone = make_zone()
    round_ = rounds.open_round(grove.psy.id, business_day(), grove.assessor)
    watering = next(i for i in rules_in_force.items if i.name == "浇水")
    deduction = rounds.add_deduction(
        round_, zone, watering.id, 2, "草坪发黄", None, grove.assessor, None, "/"
    )
    return zone, round_, deduction


def test_the_responsible_person_hears_once_per_deduction_with_the_last_day(
    app, grove, make_zone, rules_in_force
):
    grove.gardener.email = "sunli@park.test"
    zone, round_, deduction = _deduction(grove, make_zone, rules_in_force)
    last_day = business_day(deduction.recorded_at) + timedelta(days=appeals.appeal_days())
    with SmtpServer() as smtp:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
        assert reminders.appeals_possible() == 1
    (notice,) = inbox(grove.gardener)
    assert notice.subject == (
        f"{zone.code} {zone.name}: 10 points deducted for 浇水; appeal by {last_day.isoformat()}"
    )
    assert notice.body == "草坪发黄"
    assert notice.link == f"/greening/rounds/{round_.id}/zones/{zone.id}"
    assert [m["To"] for m in smtp.messages] == ["sunli@park.test"]
    assert reminders.appeals_possible() == 0
    assert reminders.appeals_possible(morning(1)) == 0  # once per deduction, not per day
    assert len(inbox(grove.gardener)) == 1


def test_no_reminder_for_an_appealed_or_too_old_deduction(grove, make_zone, rules_in_force):
    _zone, _round, deduction = _deduction(grove, make_zone, rules_in_force)
    appeals.file_appeal(deduction, "不服", None, grove.gardener, None, "/")
    assert reminders.appeals_possible() == 0
    _zone, _round, old = _deduction_in_other_zone(grove, make_zone, rules_in_force, _round)
    old.recorded_at -= timedelta(days=appeals.appeal_days() + 1)
    db.session.commit()
    assert reminders.appeals_possible() == 0
    assert inbox(grove.gardener) == []


def test_no_reminder_for_a_withdrawn_deduction(grove, make_zone, rules_in_force):
    _zone, _round, deduction = _deduction(grove, make_zone, rules_in_force)
    withdrawals.withdraw(deduction, "记错了责任区", grove.assessor)
    assert reminders.appeals_possible() == 0
    assert inbox(grove.gardener) == []


def _deduction_in_other_zone(grove, make_zone, rules_in_force, round_):
    zone = make_zone()
    item = next(i for i in rules_in_force.items if i.name == "浇水")  # no photo needed
    deduction = rounds.add_deduction(round_, zone, item.id, 1, "", None, grove.assessor, None, "/")
    return zone, round_, db.session.get(Deduction, deduction.id)


def test_the_reminders_are_scheduled(app):
    names = set(all_jobs(app))
    assert {
        "greening.overdue_tasks",
        "greening.rounds_opened",
        "greening.appeals_possible",
    } <= names
