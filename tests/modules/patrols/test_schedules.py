"""Schedules at fixed local times and the missed-run job, around midnight and across days
(local time Asia/Shanghai, UTC+8; storage UTC)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from modules.patrols import checklists, jobs, runs, schedules
from modules.patrols.checklists import ItemData
from modules.patrols.errors import PatrolError
from modules.patrols.models import AnswerType, Run, Schedule
from parkops.auth.models import Department
from parkops.extensions import db
from parkops.notify import Notification
from tests.flashes import confirmation


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def intake(park):
    """The intake at 08:00, 12:00 and 17:00 every day, and a late check at 23:30 on
    Mondays, assigned to inspector2 with a one-hour window."""
    daily = schedules.save_schedule(
        park.water,
        park.intake,
        "08:00 12:00，17:00",
        "1234567",
        park.inspector2,
        60,
        park.inspector,
    )
    late = schedules.save_schedule(
        park.water, park.other_psy, "23:30", "1", park.inspector2, 60, park.inspector
    )
    for schedule in (daily, late):  # made on Monday 2026-03-02 at 00:00 local
        schedule.created_at = _utc(2026, 3, 1, 16, 0)
    db.session.commit()
    return daily, late


def _told() -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Notification).order_by(Notification.id))
    return [(n.user_id, n.subject) for n in rows]


def test_slots_are_local_times_stored_as_utc(intake):
    daily, late = intake
    assert schedules.slots(daily, datetime(2026, 3, 2).date()) == [
        _utc(2026, 3, 2, 0, 0),
        _utc(2026, 3, 2, 4, 0),
        _utc(2026, 3, 2, 9, 0),
    ]
    assert schedules.slots(late, datetime(2026, 3, 2).date()) == [_utc(2026, 3, 2, 15, 30)]
    assert schedules.slots(late, datetime(2026, 3, 3).date()) == []  # a Tuesday


def test_a_run_started_in_its_window_fulfils_the_slot(app, park, intake, monkeypatch):
    daily, _late = intake
    monkeypatch.setattr(runs, "utcnow", lambda: _utc(2026, 3, 2, 4, 20))  # 12:20 local
    run = runs.start_run(park.water, park.intake, park.inspector2)
    assert (run.schedule_id, run.due_at) == (daily.id, _utc(2026, 3, 2, 4, 0))
    again = runs.start_run(park.water, park.intake, park.inspector2)
    assert again.schedule_id is None  # the slot is taken: an extra run, not a second one
    # 13:00 local: 12:00 was done; 08:00 was missed (and two windows have passed).
    assert jobs.notify_missed_runs(_utc(2026, 3, 2, 5, 0)) == 2
    missed = "Missed patrol: 水面巡查 on 泵站进水口 at 2026-03-02 08:00"
    assert _told() == [(park.inspector2.id, missed), (park.leader.id, missed)]


def test_a_missed_slot_tells_the_assignee_then_the_leaders_once(app, park, intake):
    # Monday 2026-03-02 23:30 local is 15:30 UTC; its window closes at 00:30 on Tuesday.
    assert not [s for s in _told() if "23:30" in s[1]]
    jobs.notify_missed_runs(_utc(2026, 3, 2, 16, 15))  # 00:15 local: still in its window
    assert not [s for s in _told() if "23:30" in s[1]]
    jobs.notify_missed_runs(_utc(2026, 3, 2, 16, 30))  # 00:30 Tuesday: missed
    late = [u for u, s in _told() if "2026-03-02 23:30" in s]
    assert late == [park.inspector2.id]
    jobs.notify_missed_runs(_utc(2026, 3, 2, 16, 45))  # the same again: nothing new
    assert [u for u, s in _told() if "2026-03-02 23:30" in s] == [park.inspector2.id]
    jobs.notify_missed_runs(_utc(2026, 3, 2, 17, 30))  # a second window later: the leaders
    late = [u for u, s in _told() if "2026-03-02 23:30" in s]
    assert late == [park.inspector2.id, park.leader.id]
    jobs.notify_missed_runs(_utc(2026, 3, 3, 15, 59))  # all Tuesday: never again
    assert len([u for u, s in _told() if "2026-03-02 23:30" in s]) == 2


def test_an_unannounced_inspection_is_never_scheduled(park):
    """Issue #12: unannounced inspections are not scheduled in advance, for no one."""
    conduct = checklists.save_checklist(
        None,
        park.psy.id,
        "明察暗访",
        True,
        [ItemData("在岗", AnswerType.PASS_FAIL)],
        park.inspector,
    )
    team = Department(name="纪检监察室")
    db.session.add(team)
    db.session.commit()
    for who in (team, park.crew, park.inspector2):
        with pytest.raises(PatrolError, match="not scheduled"):
            schedules.save_schedule(conduct, park.intake, "08:00", "12345", who, 60, park.inspector)
    assert db.session.scalar(select(Schedule).where(Schedule.checklist_id == conduct.id)) is None


def test_bad_times_and_another_sites_assignee_are_refused(park):
    with pytest.raises(PatrolError, match="25:00"):
        schedules.parse_times("08:00 25:00")
    every_hour = " ".join(f"{h:02d}:00" for h in range(24))  # more than the 16 a day takes
    with pytest.raises(PatrolError, match="At most 16 times"):
        schedules.save_schedule(
            park.water, park.intake, every_hour, "1", park.inspector2, 60, park.inspector
        )
    assert db.session.scalar(select(Schedule)) is None
    with pytest.raises(PatrolError, match="work at the route's site"):
        schedules.save_schedule(
            park.water, park.intake, "08:00", "1", park.zoo_inspector, 60, park.inspector
        )
    assert schedules.parse_times("17:00，8:05 08:05") == [
        datetime(2026, 1, 1, 8, 5).time(),
        datetime(2026, 1, 1, 17, 0).time(),
    ]


def test_the_schedule_form(park, as_user, client):
    as_user(park.inspector)
    data = {
        "checklist_id": park.water.id,
        "route_id": park.intake.id,
        "times": "08:00 12:00 17:00",
        "weekdays": ["1", "3", "5"],
        "assignee": f"u{park.inspector2.id}",
        "window_minutes": "45",
    }
    saved = client.post("/patrols/schedules/new", data=data)
    assert confirmation(client, saved) == "Schedule saved."
    page = client.get("/patrols/schedules").get_data(as_text=True)
    assert "08:00 12:00 17:00" in page and "135" in page
    bad = client.post("/patrols/schedules/new", data=data | {"times": "noon"})
    assert bad.status_code == 422
    as_user(park.leader)
    assert client.post("/patrols/schedules/new", data=data).status_code == 403
    assert db.session.scalar(select(Run.id)) is None
