"""Teams, changing and ending schedules, a day's slots with their state, and who sees an
unannounced inspection done (local time Asia/Shanghai, UTC+8)."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from modules.patrols import checklists, jobs, runs, schedules, slots
from modules.patrols.checklists import ItemData
from modules.patrols.errors import PatrolError
from modules.patrols.models import AnswerType, Run, Schedule
from parkops.auth.models import Department
from parkops.extensions import db
from parkops.notify import Notification
from parkops.timeutil import business_day, local_midnight_utc

MONDAY = date(2026, 3, 2)
# A slot every 90 minutes (16, the most a day takes): with its 60-minute window and the
# 30 minutes it may start early, one is open whatever the time.
ALL_DAY = " ".join(f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 1440, 90))


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def crews(park, make_user):
    """The pump crew (a team: two at 濮上园, one at the zoo) and another crew at 濮上园."""
    pump = Department(name="泵站班")
    db.session.add(pump)
    db.session.commit()
    return (
        pump,
        make_user("boat", ["crew"], sites=[park.psy], department_id=pump.id, display_name="Boat"),
        make_user("pier", ["crew"], sites=[park.psy], department_id=pump.id, display_name="Pier"),
        make_user("zoopump", ["crew"], sites=[park.zylz], department_id=pump.id),
    )


def _made_at(schedule: Schedule, moment: datetime) -> Schedule:
    schedule.created_at = moment
    db.session.commit()
    return schedule


def test_a_days_slots_are_due_in_progress_done_or_missed(app, park, monkeypatch):
    daily = schedules.save_schedule(
        park.water, park.intake, "08:00 12:00 17:00", "1234567", park.inspector2, 60, park.inspector
    )
    _made_at(daily, local_midnight_utc(MONDAY))
    monkeypatch.setattr(runs, "utcnow", lambda: _utc(2026, 3, 2, 0, 10))  # 08:10
    done = runs.start_run(park.water, park.intake, park.inspector2)
    done.submitted_at = _utc(2026, 3, 2, 0, 40)
    monkeypatch.setattr(runs, "utcnow", lambda: _utc(2026, 3, 2, 9, 5))  # 17:05
    runs.start_run(park.water, park.intake, park.inspector2)
    db.session.commit()
    at_1705 = slots.day_slots(park.leader, MONDAY, _utc(2026, 3, 2, 9, 5))
    assert [(s.due_at.hour, s.state) for s in at_1705] == [
        (0, slots.SlotState.DONE),
        (4, slots.SlotState.MISSED),  # 12:00, no run by 13:00
        (9, slots.SlotState.IN_PROGRESS),
    ]
    at_1230 = slots.day_slots(park.leader, MONDAY, _utc(2026, 3, 2, 4, 30))
    assert at_1230[1].state == slots.SlotState.DUE  # 12:00, its window open till 13:00
    assert slots.day_slots(park.zoo_inspector, MONDAY) == []  # another site's


def test_a_team_runs_its_slot_and_hears_when_it_is_missed(app, park, crews, monkeypatch):
    pump, boat, pier, zoopump = crews
    team = schedules.save_schedule(
        park.water, park.intake, "08:00 12:00", "1234567", pump, 60, park.inspector
    )
    _made_at(team, local_midnight_utc(MONDAY))
    assert [u.username for u in schedules.people_of(team)] == ["boat", "pier"]  # not the zoo's
    monkeypatch.setattr(runs, "utcnow", lambda: _utc(2026, 3, 2, 0, 10))  # 08:10
    with pytest.raises(PatrolError, match="No patrol of yours"):
        runs.start_run(park.water, park.other_psy, boat)  # no slot of theirs on that route
    run = runs.start_run(park.water, park.intake, boat)
    assert (run.schedule_id, run.due_at) == (team.id, _utc(2026, 3, 2, 0, 0))
    with pytest.raises(PatrolError, match="No patrol of yours"):
        runs.start_run(park.water, park.intake, pier)  # 08:00 is taken: no second run
    assert jobs.notify_missed_runs(_utc(2026, 3, 2, 5, 0)) == 1  # 13:00: 12:00 missed
    told = db.session.scalars(select(Notification.user_id).order_by(Notification.user_id))
    assert list(told) == [boat.id, pier.id]


def test_changing_a_schedule_keeps_its_past_and_ending_one_stops_its_slots(app, park):
    daily = schedules.save_schedule(
        park.water, park.intake, "08:00 12:00", "1234567", park.inspector2, 60, park.inspector
    )
    _made_at(daily, local_midnight_utc(MONDAY))
    changed = schedules.save_schedule(
        park.water, park.intake, "09:00", "1234567", park.inspector2, 30, park.inspector, daily
    )
    changed.created_at = daily.ended_at = _utc(2026, 3, 2, 3, 0)  # changed at 11:00 Monday
    db.session.commit()
    monday = slots.day_slots(park.leader, MONDAY, _utc(2026, 3, 2, 12, 0))
    assert [(s.schedule.id, s.due_at.hour) for s in monday] == [(daily.id, 0)]  # 08:00 only
    tuesday = slots.day_slots(park.leader, date(2026, 3, 3), _utc(2026, 3, 3, 12, 0))
    assert [(s.schedule.id, s.due_at.hour) for s in tuesday] == [(changed.id, 1)]  # 09:00
    with pytest.raises(PatrolError, match="has ended"):
        schedules.save_schedule(
            park.water, park.intake, "10:00", "1", park.inspector2, 30, park.inspector, daily
        )
    schedules.end_schedule(changed, park.inspector)
    changed.ended_at = _utc(2026, 3, 3, 0, 0)  # ended at 08:00 Tuesday
    db.session.commit()
    assert slots.day_slots(park.leader, date(2026, 3, 4), _utc(2026, 3, 4, 12, 0)) == []
    assert schedules.visible_schedules(park.leader) == []
    # Wednesday's 09:00 is no slot: nobody hears of it as missed.
    assert jobs.notify_missed_runs(_utc(2026, 3, 4, 12, 0)) == 0


def test_the_schedule_pages_change_and_end(park, as_user, client):
    daily = schedules.save_schedule(
        park.water, park.intake, "08:00", "1234567", park.inspector2, 60, park.inspector
    )
    as_user(park.inspector)
    page = client.get(f"/patrols/schedules/{daily.id}/edit").get_data(as_text=True)
    assert 'value="08:00"' in page and "Saving ends this schedule now" in page
    data = {
        "checklist_id": park.water.id,
        "route_id": park.intake.id,
        "times": "07:30",
        "weekdays": ["6", "7"],
        "assignee": f"u{park.inspector.id}",
        "window_minutes": "30",
    }
    assert client.post(f"/patrols/schedules/{daily.id}/edit", data=data).status_code == 303
    (now_on,) = schedules.visible_schedules(park.inspector)
    assert (now_on.times, now_on.weekdays, now_on.assignee_id) == ("07:30", "67", park.inspector.id)
    assert daily.ended_at is not None
    assert client.get(f"/patrols/schedules/{daily.id}/edit").status_code == 404  # ended
    as_user(park.leader)  # leaders read, never schedule
    assert client.post(f"/patrols/schedules/{now_on.id}/end").status_code == 403
    as_user(park.zoo_inspector)  # another site's schedule does not exist for them
    assert client.post(f"/patrols/schedules/{now_on.id}/end").status_code == 404
    as_user(park.inspector)
    assert client.post(f"/patrols/schedules/{now_on.id}/end").status_code == 303
    assert "No schedule yet." in client.get("/patrols/schedules").get_data(as_text=True)


@pytest.fixture
def planned(park, crews):
    """Today, every hour: the pump crew's water patrol; and inspector2's unannounced
    inspection of staff conduct, done (never scheduled: the issue's rule)."""
    pump = crews[0]
    conduct = checklists.save_checklist(
        None,
        park.psy.id,
        "明察暗访",
        True,
        [ItemData("在岗", AnswerType.PASS_FAIL)],
        park.inspector,
    )
    made = schedules.save_schedule(
        park.water, park.intake, ALL_DAY, "1234567", pump, 60, park.inspector
    )
    _made_at(made, local_midnight_utc(business_day()))
    run = runs.start_run(conduct, park.intake, park.inspector2)
    for point in park.intake.checkpoints:
        runs.scan(run, point.token, park.inspector2)
    item = conduct.current_version.items[0]
    runs.save_answers(run, {item.id: runs.AnswerInput("pass")}, "", park.inspector2, submit=True)
    return conduct


@pytest.mark.parametrize(
    ("role", "sees_water", "sees_unannounced"),
    [
        ("inspector", True, True),
        ("leader", True, True),
        ("crew", True, False),  # the pump crew: its own slots only
        ("other_crew", False, False),  # a crew of another team at the site
    ],
)
def test_an_unannounced_inspection_is_shown_only_to_inspectors_and_leaders(
    park, crews, planned, as_user, client, make_user, role, sees_water, sees_unannounced
):
    user = {
        "inspector": park.inspector2,
        "leader": park.leader,
        "crew": crews[1],
        "other_crew": make_user("sweeper", ["gardener"], sites=[park.psy]),
    }[role]
    as_user(user)
    today = client.get("/patrols/today").get_data(as_text=True)
    assert ("水面巡查" in today) is sees_water
    assert "明察暗访" not in today  # never a slot
    runs_page = client.get("/patrols/").get_data(as_text=True)
    assert ("明察暗访" in runs_page) is sees_unannounced
    schedules_page = client.get("/patrols/schedules")
    assert schedules_page.status_code == (200 if sees_unannounced else 403)


def test_staff_who_are_checked_see_no_slot_at_all(park, planned, as_user, client, make_user):
    cashier = make_user("seller", ["cashier"], sites=[park.psy])
    as_user(cashier)
    assert client.get("/patrols/today").status_code == 403
    assert client.get("/patrols/").status_code == 403


def test_a_crew_starts_its_slot_from_the_runs_page(park, crews, planned, as_user, client):
    as_user(crews[1])
    page = client.get("/patrols/").get_data(as_text=True)
    assert "Your patrols due now" in page and "水面巡查" in page and "明察暗访" not in page
    data = {"checklist_id": park.water.id, "route_id": park.intake.id, "idempotency_key": "c1"}
    assert client.post("/patrols/runs", data=data).status_code == 303
    run = db.session.scalar(select(Run).order_by(Run.id.desc()))
    assert run.inspector_id == crews[1].id and run.schedule_id is not None
    refused = client.post(
        "/patrols/runs", data=data | {"checklist_id": planned.id, "idempotency_key": "c2"}
    )
    assert refused.status_code == 422 and "No patrol of yours" in refused.get_data(as_text=True)


@pytest.mark.parametrize("who", ["crew", "inspector"])
def test_a_due_slot_is_started_from_todays_page(park, crews, planned, as_user, client, who):
    """The phone's page of today's slots starts a due slot's run with its checklist and
    route (the runs page's start: CSRF, a repeat key); no button for a leader."""
    user = {"crew": crews[1], "inspector": park.inspector2}[who]
    as_user(park.leader)
    assert "pat-slot-start" not in client.get("/patrols/today").get_data(as_text=True)
    as_user(user)
    page = client.get("/patrols/today").get_data(as_text=True)
    form = re.search(
        r'<form method="post" action="([^"]+)" class="pat-slot-start">(.*?)</form>', page, re.S
    )
    assert form and form.group(1) == "/patrols/runs"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
    assert {"csrf_token", "idempotency_key"} <= fields.keys()
    assert (fields["checklist_id"], fields["route_id"]) == (str(park.water.id), str(park.intake.id))
    assert client.post(form.group(1), data=fields).status_code == 303
    run = db.session.scalar(select(Run).order_by(Run.id.desc()))
    assert run.inspector_id == user.id and run.schedule_id is not None
    assert (run.route_id, run.version.checklist_id) == (park.intake.id, park.water.id)


@pytest.mark.parametrize("who", ["leader", "inspector"])
def test_todays_page_runs_a_constant_number_of_queries(
    park, crews, planned, as_user, client, count_queries, who
):
    def add(n: int) -> None:  # one more schedule for a person, made n days ago
        more = schedules.save_schedule(
            park.water, park.other_psy, ALL_DAY, "1234567", park.inspector2, 60, park.inspector
        )
        _made_at(more, local_midnight_utc(business_day()) - timedelta(days=n))

    add(0)  # a team's and a person's schedule
    as_user({"leader": park.leader, "inspector": park.inspector2}[who])
    client.get("/patrols/today")
    with count_queries() as few:
        assert client.get("/patrols/today").status_code == 200
    for n in range(1, 5):
        add(n)
    client.get("/patrols/today")  # as before: the test's own objects loaded once
    with count_queries() as many:
        assert client.get("/patrols/today").status_code == 200
    assert many.count == few.count


def test_a_change_from_a_stale_schedule_page_gets_the_conflict(park, app, login):
    daily = schedules.save_schedule(
        park.water, park.intake, "08:00", "1234567", park.inspector2, 60, park.inspector
    )
    url = f"/patrols/schedules/{daily.id}/edit"
    first, second = app.test_client(), app.test_client()
    login(park.inspector, test_client=first)
    login(park.inspector, test_client=second)
    assert second.get(url).status_code == 200  # opened before the first saves
    data = {
        "checklist_id": park.water.id,
        "route_id": park.intake.id,
        "times": "07:30",
        "weekdays": ["1", "2", "3", "4", "5", "6", "7"],
        "assignee": f"u{park.inspector2.id}",
        "window_minutes": "60",
    }
    assert first.post(url, data=data).status_code == 303
    late = second.post(url, data=dict(data, times="09:00"))
    assert late.status_code == 409
    html = late.get_data(as_text=True)
    assert 'id="conflict"' in html and "07:30" in html and "09:00" in html
    (now_on,) = schedules.visible_schedules(park.inspector)
    assert now_on.times == "07:30"  # one schedule, the first person's
    assert f"/patrols/schedules/{now_on.id}/edit" in html  # saving again changes that one


def test_slots_either_side_of_midnight_are_open_and_started(
    park, crews, as_user, client, monkeypatch
):
    """At 23:40 the 00:00 slot may start already (30 minutes early), and at 00:20 the
    23:00 slot's 90-minute window is still open: both are due now on every page, though
    one of them is another day's."""
    pump, boat = crews[0], crews[1]
    made = schedules.save_schedule(
        park.water, park.intake, "00:00 23:00", "1234567", pump, 90, park.inspector
    )
    _made_at(made, local_midnight_utc(MONDAY))
    for moment, days in [
        (_utc(2026, 3, 2, 15, 40), "Mon 23:40"),
        (_utc(2026, 3, 2, 16, 20), "Tue 00:20"),
    ]:
        for module in (slots, runs):
            monkeypatch.setattr(module, "utcnow", lambda m=moment: m)
        monkeypatch.setattr("modules.patrols.views.schedules.utcnow", lambda m=moment: m)
        due = [s.due_at for s in slots.open_slots(boat)]
        assert due == [_utc(2026, 3, 2, 15, 0), _utc(2026, 3, 2, 16, 0)], days
        as_user(boat)
        assert "2 patrols of yours due now" in client.get("/").get_data(as_text=True), days
        assert "Your patrols due now" in client.get("/patrols/").get_data(as_text=True), days
        today = client.get("/patrols/today").get_data(as_text=True)
        assert today.count('class="pat-slot-start"') == 2, days
    data = {"checklist_id": park.water.id, "route_id": park.intake.id, "idempotency_key": "m1"}
    assert client.post("/patrols/runs", data=data).status_code == 303
    run = db.session.scalar(select(Run).order_by(Run.id.desc()))
    assert (run.schedule_id, run.due_at) == (made.id, _utc(2026, 3, 2, 15, 0))  # the earlier
    assert [s.due_at for s in slots.open_slots(boat)] == [_utc(2026, 3, 2, 16, 0)]
