"""Reminder levels: the days overdue before each level (settings), a receivable moving
up one level at a time through the letters issued, held by a promise to pay, and the
letter form proposing the level reached."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from modules.receivables import followups, letters, levels
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import FollowUpKind, Letter
from modules.receivables.module import spec
from parkops import module_settings
from parkops.extensions import db
from parkops.timeutil import business_day

DUE = date(2026, 1, 31)


def issue(park, receivable, level, today):
    return letters.issue(
        receivable.debtor,
        receivable.site_id,
        level,
        [receivable.id],
        today + timedelta(days=10),
        park.finance,
        today,
    )


def letters_count():
    return db.session.scalar(select(func.count()).select_from(Letter))


@pytest.fixture
def rent(park, make_debtor, make_receivable):
    return make_receivable(make_debtor(), 5_000_00, due_on=DUE)


def test_a_level_is_reached_on_its_day_not_the_day_before(park, rent):
    # Default days: 30, 60, 90 overdue.
    with pytest.raises(ReceivablesError, match="not yet 30 days overdue"):
        issue(park, rent, 1, DUE + timedelta(days=29))
    assert letters_count() == 0 and rent.level == 0

    issue(park, rent, 1, DUE + timedelta(days=30))
    assert db.session.get(type(rent), rent.id).level == 1

    with pytest.raises(ReceivablesError, match="not yet 60 days overdue"):
        issue(park, rent, 2, DUE + timedelta(days=59))
    issue(park, rent, 2, DUE + timedelta(days=60))
    issue(park, rent, 3, DUE + timedelta(days=90))
    assert rent.level == 3
    assert letters_count() == 3


def test_a_level_is_never_skipped(park, rent):
    late = DUE + timedelta(days=400)  # every level's days have passed
    with pytest.raises(ReceivablesError, match="one level at a time"):
        issue(park, rent, 2, late)
    with pytest.raises(ReceivablesError, match="one level at a time"):
        issue(park, rent, 3, late)
    assert letters_count() == 0 and rent.level == 0
    issue(park, rent, 1, late)
    with pytest.raises(ReceivablesError, match="one level at a time"):
        issue(park, rent, 3, late)
    assert rent.level == 1


def test_a_letter_again_at_a_level_reached_changes_nothing(park, rent):
    late = DUE + timedelta(days=100)
    issue(park, rent, 1, late)
    issue(park, rent, 2, late)
    issue(park, rent, 1, late + timedelta(days=11))  # after the deadlines: the level stays
    assert rent.level == 2 and letters_count() == 3


def test_a_letter_again_waits_for_the_running_letters_deadline(park, rent, client, login):
    """README "Reminder levels": a letter at a level (or lower) about a receivable whose
    letter at that level or higher still runs is refused, naming it; nothing stored."""
    late = DUE + timedelta(days=100)
    first = issue(park, rent, 1, late)  # gives until late + 10
    reference = letters.content_of(first)["reference"]
    for day in (late, late + timedelta(days=10)):  # the deadline day itself still runs
        with pytest.raises(ReceivablesError, match=f"letter {reference} \\(level 1\\)"):
            issue(park, rent, 1, day)
    assert letters_count() == 1 and rent.level == 1
    second = issue(park, rent, 2, late + timedelta(days=1))  # escalating is not a repeat
    with pytest.raises(ReceivablesError, match="level 2"):
        issue(park, rent, 1, late + timedelta(days=11))  # a lower level under a running 2
    assert letters_count() == 2 and rent.level == 2
    assert issue(park, rent, 2, late + timedelta(days=12)).number == second.number + 1


def test_the_letter_form_refuses_a_repeat_and_ticks_nothing_under_a_running_letter(
    park, rent, client, login
):
    today = business_day()
    rent.due_on = today - timedelta(days=40)
    db.session.commit()
    issue(park, rent, 1, today)
    login(park.finance)
    url = f"/receivables/debtors/{rent.debtor_id}/letters/new?level=1"
    page = client.get(url).get_data(as_text=True)
    assert f'value="{rent.id}" aria-label="{rent.id}" >' in page  # not ticked again
    form = {
        "level": "1",
        "deadline": (today + timedelta(days=10)).isoformat(),
        "receivable_id": [str(rent.id)],
    }
    response = client.post(url, data=form)
    assert response.status_code == 422
    assert "waits until that date has passed" in response.get_data(as_text=True)
    assert letters_count() == 1
    nothing = client.post(url, data=form | {"receivable_id": []})
    assert nothing.status_code == 422
    assert "Choose the receivables the letter is about." in nothing.get_data(as_text=True)
    assert letters_count() == 1


def test_a_promise_to_pay_holds_the_level_until_its_date_passes(park, rent):
    today = DUE + timedelta(days=45)
    issue(park, rent, 1, today)
    promise = followups.FollowUpData(
        FollowUpKind.PROMISE, "电话承诺月底付清", today + timedelta(days=20), 5_000_00
    )
    followups.add(rent, promise, park.finance, today)

    promise_day = today + timedelta(days=20)  # day 65: level 2's days have passed
    with pytest.raises(ReceivablesError, match="promise to pay holds"):
        issue(park, rent, 2, promise_day)
    assert rent.level == 1 and levels.proposals([rent], promise_day) == {rent.id: None}

    broken = promise_day + timedelta(days=1)  # not paid: the promise is broken
    assert levels.proposals([rent], broken) == {rent.id: 2}
    issue(park, rent, 2, broken)
    assert rent.level == 2


def test_one_receivable_refused_refuses_the_whole_letter(park, rent, make_receivable):
    recent = make_receivable(rent.debtor, 100_00, due_on=DUE + timedelta(days=20))
    today = DUE + timedelta(days=40)  # rent 40 days overdue, recent 20
    with pytest.raises(ReceivablesError, match=f"Receivable {recent.id} is not yet"):
        letters.issue(
            rent.debtor,
            rent.site_id,
            1,
            [rent.id, recent.id],
            today + timedelta(days=9),
            park.finance,
            today,
        )
    assert (rent.level, recent.level, letters_count()) == (0, 0, 0)


def test_the_letter_form_proposes_the_level_reached(
    park, client, login, make_debtor, make_receivable
):
    today = business_day()
    debtor = make_debtor()
    old = make_receivable(debtor, 300_00, due_on=today - timedelta(days=70))
    fresh = make_receivable(debtor, 200_00, due_on=today - timedelta(days=35))
    old.level = 1
    db.session.commit()
    login(park.finance)
    page = client.get(f"/receivables/debtors/{debtor.id}/letters/new").get_data(as_text=True)
    # old may go to level 2, fresh to level 1: the form offers level 2, ticking old.
    assert '<option value="2" selected>' in page
    assert f'value="{old.id}" aria-label="{old.id}" checked' in page
    assert f'value="{fresh.id}" aria-label="{fresh.id}" >' in page


@pytest.mark.parametrize(
    "days",
    [
        {"level1_days": "30", "level2_days": "30", "level3_days": "90"},  # not rising
        {"level1_days": "60", "level2_days": "45", "level3_days": "90"},
        {"level1_days": "0", "level2_days": "45", "level3_days": "90"},  # not positive
        {"level1_days": "-5", "level2_days": "45", "level3_days": "90"},
        {"level1_days": "十", "level2_days": "45", "level3_days": "90"},
    ],
)
def test_the_levels_days_must_rise_strictly_and_be_positive(park, client, login, days):
    login(park.finance)
    form = {s.name: str(s.default) for s in spec.settings}
    response = client.post("/settings/receivables", data={**form, **days})
    assert response.status_code == 422
    assert levels.thresholds() == {1: 30, 2: 60, 3: 90}


def test_finance_sets_the_levels_days(park, client, login, rent):
    login(park.finance)
    form = {s.name: str(s.default) for s in spec.settings}
    changed = {"level1_days": "10", "level2_days": "20", "level3_days": "40"}
    assert client.post("/settings/receivables", data={**form, **changed}).status_code == 303
    assert module_settings.get("receivables.level1_days") == 10
    issue(park, rent, 1, DUE + timedelta(days=10))  # day 10 now suffices
    assert rent.level == 1
