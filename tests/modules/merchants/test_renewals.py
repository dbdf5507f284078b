"""Renewal reminders (the days a validated setting; each threshold once, to the site's
merchant managers, around the day boundaries) and expiry by the daily job (a contract
past its end with no exit expires; it can still be renewed or exited; the indicator
for problem 16 counts it until then)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from modules.merchants import exits, indicators, jobs, renewals
from modules.merchants.models import Contract, ContractState, ExitReason
from parkops import module_settings
from parkops.extensions import db
from parkops.notify import Notification
from tests.modules.merchants.test_exits import settle

END = date(2027, 12, 31)


@pytest.fixture
def day(monkeypatch):
    """``day(date)``: the local business day the merchants jobs see."""

    def set_day(today: date) -> None:
        monkeypatch.setattr(jobs, "business_day", lambda: today)

    return set_day


def notices(user) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.subject)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


@pytest.fixture
def ending(park, make_merchant, make_unit, make_contract):
    return make_contract(make_merchant(), [make_unit()], "active", ends_on=END)


def test_each_reminder_goes_once_on_its_day_and_not_the_day_before(
    app, park, ending, day, make_user
):
    zoo_manager = make_user("zoomgr", ["merchants"], sites=[park.zylz])
    sent = []
    for days_left in (91, 90, 90, 89, 61, 60, 31, 30, 30, 0, -1):
        day(END - timedelta(days=days_left))
        sent.append(jobs.remind_renewals())

    assert sent == [0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0]
    subjects = notices(park.manager)
    assert (
        subjects
        == ["Contract ZL-2025-001 of 濮上茶社 ends on 2027-12-31: renew it or open its exit"] * 3
    )
    assert notices(park.psy_manager) == subjects  # every manager of the site
    assert notices(park.finance) == notices(zoo_manager) == []


def test_a_job_back_after_days_sends_only_the_nearest_reminder(app, park, ending, day):
    day(END - timedelta(days=45))  # the 90-day reminder was missed
    assert jobs.remind_renewals() == 1
    day(END - timedelta(days=44))
    assert jobs.remind_renewals() == 0
    body = db.session.scalar(
        select(Notification.body).where(Notification.user_id == park.manager.id)
    )
    assert body == "45 days left."


def test_no_reminder_once_the_contract_is_renewed_or_exited(
    app, park, make_merchant, make_unit, make_contract, day
):

    renewed = make_contract(
        make_merchant(), [make_unit("P-001")], "active", number="A", ends_on=END
    )
    exited = make_contract(
        make_merchant("乙"), [make_unit("P-002")], "active", number="B", ends_on=END
    )
    settle(app, park, renewed, exits.arrears_fen(renewed))
    exits.renew(db.session.get(Contract, renewed.id), park.manager, "A-2", date(2030, 12, 31))
    exited = db.session.get(Contract, exited.id)
    exits.open_exit(exited, park.manager, ExitReason.MUTUAL, date(2027, 10, 1), END, "")
    day(END - timedelta(days=30))
    assert jobs.remind_renewals() == 0


# The inspection settings on the same page, at their defaults.
DEADLINES = {
    f"deadline_days_{check}": days
    for check, days in (("hygiene", 3), ("prices", 3), ("outside", 1), ("fire", 7), ("other", 7))
}


def test_the_days_setting_is_checked_and_followed(client, login, park, ending, day):
    login(park.manager)
    assert client.get("/settings/merchants").status_code == 200
    for bad in ("30, 60, 90", "90, 90", "90, 0", "90, -5", "ninety", ""):
        values = {"renewal_reminder_days": bad, "document_reminder_days": "30", **DEADLINES}
        refused = client.post("/settings/merchants", data=values)
        assert refused.status_code == 422, bad
    assert module_settings.get(renewals.SETTING) == (90, 60, 30)
    for bad in ("0", "366", "x"):  # the documents' days: 1 to 365
        values = {"renewal_reminder_days": "90", "document_reminder_days": bad, **DEADLINES}
        assert client.post("/settings/merchants", data=values).status_code == 422
    values = {"renewal_reminder_days": "120，15", "document_reminder_days": "45", **DEADLINES}
    saved = client.post("/settings/merchants", data=values)
    assert saved.status_code == 303
    assert module_settings.get(renewals.SETTING) == (120, 15)
    assert module_settings.get("merchants.document_reminder_days") == 45
    day(END - timedelta(days=120))
    assert jobs.remind_renewals() == 1
    day(END - timedelta(days=90))
    assert jobs.remind_renewals() == 0


def test_only_a_merchant_manager_changes_the_days(client, login, park):
    login(park.finance)
    refused = client.post("/settings/merchants", data={"renewal_reminder_days": "10"})
    assert refused.status_code == 403


def test_a_contract_expires_the_day_after_its_end_once(app, park, ending, day):
    day(END)
    assert jobs.expire_contracts() == 0
    assert db.session.get(Contract, ending.id).state == ContractState.ACTIVE
    day(END + timedelta(days=1))
    assert jobs.expire_contracts() == 1
    assert jobs.expire_contracts() == 0  # once a day
    assert db.session.get(Contract, ending.id).state == ContractState.EXPIRED


def test_an_expired_contract_counts_for_16_until_renewed_or_exited(
    app, park, make_merchant, make_unit, make_contract, day
):

    ended = date(2025, 6, 30)
    first = make_contract(make_merchant(), [make_unit("P-1")], "active", ends_on=ended, number="A")
    second = make_contract(
        make_merchant("乙"), [make_unit("P-2")], "active", ends_on=ended, number="B"
    )
    exiting = make_contract(
        make_merchant("丙"), [make_unit("P-3")], "active", ends_on=ended, number="C"
    )
    exits.open_exit(exiting, park.manager, ExitReason.TERM_END, ended, ended, "")
    day(ended + timedelta(days=1))
    assert jobs.expire_contracts() == 2  # an exit under way ends its contract itself
    assert db.session.get(Contract, exiting.id).state == ContractState.ACTIVE
    with app.test_request_context():
        assert indicators.past_end_unresolved(None) == ("2 contracts past their end", False)
        settle(app, park, first, exits.arrears_fen(first))
        exits.renew(db.session.get(Contract, first.id), park.manager, "A2", date(2026, 6, 30))
        second = db.session.get(Contract, second.id)
        exits.open_exit(second, park.manager, ExitReason.TERM_END, ended, ended, "")
        assert indicators.past_end_unresolved(None) == ("0 contracts past their end", True)


def test_the_page_of_an_expired_contract_offers_renewal_and_exit(client, login, park, ending, day):
    day(END + timedelta(days=1))
    jobs.expire_contracts()
    login(park.manager)
    page = client.get(f"/merchants/contracts/{ending.id}").get_data(as_text=True)
    assert f"/merchants/contracts/{ending.id}/renew" in page
    assert f"/merchants/contracts/{ending.id}/exit" in page
    assert f"/merchants/contracts/{ending.id}/amendments" not in page
