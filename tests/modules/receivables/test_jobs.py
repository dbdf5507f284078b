"""The working-morning job: finance hears what reached a new level, handlers their
debtors, staff their advances to clear; once per day; nothing on a holiday, sent on a
调休 working Saturday; e-mail through a local SMTP server, one robot summary."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from modules.receivables import jobs, ledger
from modules.receivables.models import Debtor, DebtorKind, ReceivableKind
from parkops.extensions import db
from parkops.notify import Notification
from parkops.scheduler import all_jobs
from tests.core.local_servers import SmtpServer, WebhookServer

ADJUSTED_SATURDAY = date(2026, 10, 10)  # worked in exchange for the National Day holiday
NATIONAL_DAY = date(2026, 10, 1)  # a Thursday off


def morning_of(day: date) -> datetime:
    """8:30 in Shanghai on ``day``, as UTC."""
    return datetime(day.year, day.month, day.day, 0, 30, tzinfo=UTC)


def inbox(user):
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


@pytest.fixture
def chase(park, make_user, make_debtor, make_receivable):
    """At 濮上园: a rent 70 days overdue on 10 October (awaiting its 提醒函) handled by
    Han Mei, a rent not yet due; a staff member's advance taken 40 days before."""
    park.finance.email = "finance@park.test"
    park.handler.email = "hanmei@park.test"
    staff = make_user("wang", ["crew"], sites=[park.psy], email="wang@park.test")
    debtor = make_debtor("濮阳市某某餐饮有限公司")
    rent = make_receivable(
        debtor, 3_000_00, due_on=ADJUSTED_SATURDAY - timedelta(days=70), handler_id=park.handler.id
    )
    make_receivable(debtor, 500_00, due_on=ADJUSTED_SATURDAY + timedelta(days=5))
    data = ledger.DebtorData(
        site_id=park.psy.id,
        name="王某(职工)",
        kind=DebtorKind.STAFF,
        subject_kind=ledger.USER_SUBJECT,
        subject_id=staff.id,
    )
    wang = ledger.add_debtor(data, park.finance)
    db.session.commit()
    make_receivable(
        wang,
        2_000_00,
        kind=ReceivableKind.ADVANCE,
        raised_on=ADJUSTED_SATURDAY - timedelta(days=40),
        due_on=ADJUSTED_SATURDAY + timedelta(days=10),  # to be cleared; not yet chased
    )
    return rent, staff


def test_a_working_saturday_morning_tells_each_their_part(park, chase, app):
    rent, staff = chase
    with SmtpServer() as smtp, WebhookServer() as robot:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, WEBHOOK_URL=robot.url)
        sent = jobs.morning(morning_of(ADJUSTED_SATURDAY))
    assert sent == {"sites": 1, "handlers": 1, "advances": 1}

    (to_finance,) = inbox(park.finance)
    assert to_finance.subject == "濮上园: 1 receivables have reached a new reminder level"
    assert f"#{rent.id} 濮阳市某某餐饮有限公司 ¥3,000.00" in to_finance.body
    assert "→ level 1" in to_finance.body and to_finance.link == "/receivables/?chase=1"
    (to_handler,) = inbox(park.handler)
    assert "濮阳市某某餐饮有限公司: ¥3,000.00 overdue since 2026-08-01" in to_handler.body
    (to_staff,) = inbox(staff)
    assert "advance of ¥2,000.00 taken on 2026-08-31" in to_staff.body

    addressed = {m["To"]: m for m in smtp.messages}
    assert set(addressed) >= {"finance@park.test", "hanmei@park.test", "wang@park.test"}
    assert "clear your advance" in addressed["wang@park.test"]["Subject"]
    # The robot: finance's site notice and one summary of the personal reminders.
    texts = [post["text"]["content"] for post in robot.posts]
    assert len(texts) == 2 and "1 handlers reminded" in texts[1]


def test_run_twice_the_same_day_sends_nothing_twice(park, chase, app):
    first = jobs.morning(morning_of(ADJUSTED_SATURDAY))
    again = jobs.morning(morning_of(ADJUSTED_SATURDAY) + timedelta(hours=2))
    assert first == {"sites": 1, "handlers": 1, "advances": 1}
    assert again == {"sites": 0, "handlers": 0, "advances": 0}
    assert len(inbox(park.finance)) == 1 and len(inbox(park.handler)) == 1
    # The next working day, they hear again (nothing has changed).
    monday = jobs.morning(morning_of(date(2026, 10, 12)))
    assert monday == {"sites": 1, "handlers": 1, "advances": 1}


def test_nothing_is_sent_on_a_holiday_or_an_ordinary_sunday(park, chase):
    assert jobs.working_day(NATIONAL_DAY) is False
    assert jobs.working_day(date(2026, 10, 11)) is False  # Sunday
    assert jobs.working_day(ADJUSTED_SATURDAY) is True
    for day in (NATIONAL_DAY, date(2026, 10, 11)):
        assert jobs.morning(morning_of(day)) == {"sites": 0, "handlers": 0, "advances": 0}
    assert inbox(park.finance) == [] and inbox(park.handler) == []


def test_a_year_the_calendar_does_not_know_counts_monday_to_friday():
    assert jobs.working_day(date(2099, 1, 5)) is True  # a Monday
    assert jobs.working_day(date(2099, 1, 4)) is False  # a Sunday


def test_a_promise_holds_a_receivable_off_finances_list_until_broken(park, chase, app):
    from modules.receivables import followups, letters
    from modules.receivables.models import FollowUpKind

    rent, _staff = chase
    before = ADJUSTED_SATURDAY - timedelta(days=1)
    followups.add(
        rent,
        followups.FollowUpData(FollowUpKind.PROMISE, "", ADJUSTED_SATURDAY, 3_000_00),
        park.finance,
        before,
    )
    assert jobs.morning(morning_of(ADJUSTED_SATURDAY))["sites"] == 0
    assert inbox(park.finance) == []
    # The promise broken, a 提醒函 goes out; 72 days overdue, it now awaits level 2.
    monday = date(2026, 10, 12)
    letters.issue(
        rent.debtor, rent.site_id, 1, [rent.id], monday + timedelta(days=9), park.finance, monday
    )
    assert jobs.morning(morning_of(monday))["sites"] == 1
    assert "→ level 2" in inbox(park.finance)[0].body


def test_the_job_is_scheduled_each_morning(app):
    job = all_jobs(app)[jobs.JOB]
    assert (job.trigger, job.trigger_args) == ("cron", {"hour": 8, "minute": 30})


def test_finance_links_a_staff_debtor_to_the_account_reminded(park, client, login):
    login(park.finance)
    form = {"site_id": park.psy.id, "name": "李某(职工)", "kind": "staff"}
    linked = client.post("/receivables/debtors/new", data={**form, "account_id": park.other.id})
    assert linked.status_code == 303
    debtor = db.session.scalars(select(Debtor)).one()
    assert (debtor.subject_kind, debtor.subject_id) == (ledger.USER_SUBJECT, park.other.id)
    # A merchant stands for no account.
    merchant = {**form, "name": "某商户", "kind": "merchant", "account_id": park.other.id}
    refused = client.post("/receivables/debtors/new", data=merchant)
    assert refused.status_code == 422
    assert "Only a staff member" in refused.get_data(as_text=True)
    assert len(db.session.scalars(select(Debtor)).all()) == 1
