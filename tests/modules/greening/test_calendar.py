"""Task types page, a zone's task calendar and the lead's completion view."""

from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select

from modules.greening import tasks
from modules.greening.models import RosterEntry, Task, TaskType
from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.idempotency import FIELD
from parkops.paging import PER_PAGE
from parkops.timeutil import business_day, local_midnight_utc
from tests.modules.greening.test_tasks import jpeg, kind_of, task_in
from tests.versions import two_pages, version_of

TYPE_FORM = {
    "name": "草坪修剪",
    "zone_kind": "lawn",
    "season_start": "05-01",
    "season_end": "09-30",
    "frequency_days": "10",
}


# --- task types ---------------------------------------------------------------------


def test_office_adds_and_edits_a_task_type(client, as_user, grove):
    as_user(grove.office)
    assert client.post("/greening/task-types/new", data=TYPE_FORM).status_code == 303
    kind = db.session.scalar(select(TaskType))
    assert (kind.start_month, kind.start_day, kind.frequency_days) == (5, 1, 10)
    url = f"/greening/task-types/{kind.id}/edit"
    version = version_of(client.get(url).get_data(as_text=True))
    edit = dict(TYPE_FORM, season_start="11-15", season_end="02-15", frequency_days="7")
    response = client.post(url, data=dict(edit, version=version))
    assert response.status_code == 303
    db.session.refresh(kind)
    assert (kind.start_month, kind.start_day, kind.end_month, kind.frequency_days) == (
        11,
        15,
        2,
        7,
    )
    page = client.get("/greening/task-types").get_data(as_text=True)
    assert "11-15–02-15" in page
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "greening.task_type_changed" in actions


def test_a_change_applies_to_tasks_not_yet_generated(client, as_user, grove, make_zone):
    zone = make_zone()
    kind = kind_of(grove, start=(5, 1), end=(9, 30), every=10)
    tasks.generate(date(2026, 5, 1), date(2026, 5, 31))
    as_user(grove.office)
    url = f"/greening/task-types/{kind.id}/edit"
    version = version_of(client.get(url).get_data(as_text=True))
    edit = dict(TYPE_FORM, name="剪草", season_start="05-01", frequency_days="15", version=version)
    assert client.post(url, data=edit).status_code == 303
    tasks.generate(date(2026, 5, 1), date(2026, 6, 30))
    due = db.session.execute(
        select(Task.due_on, Task.title).where(Task.zone_id == zone.id).order_by(Task.due_on)
    ).all()
    kept = [(date(2026, 5, d), "草坪修剪") for d in (1, 11, 21, 31)]
    # 05-16 and 05-31 fall in the range already generated but 05-16 is new: only the
    # days not yet in the calendar are added, by the new frequency.
    assert due == sorted(
        kept
        + [(date(2026, 5, 16), "剪草"), (date(2026, 6, 15), "剪草"), (date(2026, 6, 30), "剪草")]
    )


def test_a_bad_task_type_is_refused(client, as_user, grove):
    as_user(grove.office)
    for field, value, words in [
        ("frequency_days", "0", "between 1 and 366"),
        ("season_start", "02-30", "real month and day"),
        ("season_end", "9-30", "MM-DD"),
        ("name", "", "This field is required"),
    ]:
        response = client.post("/greening/task-types/new", data=dict(TYPE_FORM, **{field: value}))
        assert response.status_code == 422, field
        assert words in response.get_data(as_text=True), field
    assert db.session.scalar(select(TaskType)) is None


def test_only_the_office_changes_task_types(client, as_user, grove):
    kind = kind_of(grove)
    for user in (grove.gardener, grove.assessor, grove.leader):
        as_user(user)
        assert client.get("/greening/task-types").status_code == 200
        assert client.post("/greening/task-types/new", data=TYPE_FORM).status_code == 403
        url = f"/greening/task-types/{kind.id}/edit"
        assert client.post(url, data=TYPE_FORM).status_code == 403
    as_user(grove.cashier)
    assert client.get("/greening/task-types").status_code == 403


# --- a zone's calendar ----------------------------------------------------------------


def test_the_calendar_shows_the_months_tasks_with_their_state_and_photo(
    client, as_user, grove, make_zone
):
    today = business_day()
    zone = make_zone()
    overdue = task_in(zone, today - timedelta(days=1), title="绿篱修剪")
    todo = task_in(zone, today, title="播种二月兰")
    done = task_in(zone, today - timedelta(days=1), title="浇水")
    as_user(grove.gardener)
    form = {FIELD: "c-1", "photo": (jpeg(), "done.jpg")}
    client.post(f"/greening/tasks/{done.id}/done", data=form, content_type="multipart/form-data")
    db.session.refresh(done)
    yesterday = today - timedelta(days=1)
    page = client.get(f"/greening/zones/{zone.id}/calendar?month={yesterday:%Y-%m}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-task="{overdue.id}" data-state="overdue"' in html
    assert f'data-task="{done.id}" data-state="late"' in html  # done today, due yesterday
    assert f"/greening/tasks/photos/{done.photo_id}?thumb=1" in html
    html = client.get(f"/greening/zones/{zone.id}/calendar?month={today:%Y-%m}").get_data(
        as_text=True
    )
    assert f'data-task="{todo.id}" data-state="open"' in html
    assert client.get(f"/greening/tasks/photos/{done.photo_id}").status_code == 200
    zone_page = client.get(f"/greening/zones/{zone.id}").get_data(as_text=True)
    assert f"/greening/tasks/photos/{done.photo_id}?thumb=1" in zone_page
    other_month = (today.replace(day=1) + timedelta(days=40)).strftime("%Y-%m")
    html = client.get(f"/greening/zones/{zone.id}/calendar?month={other_month}").get_data(
        as_text=True
    )
    assert "播种二月兰" not in html


def test_another_sites_calendar_is_404(client, as_user, grove, make_zone):
    zone = make_zone(site=grove.zylz)
    as_user(grove.gardener)
    assert client.get(f"/greening/zones/{zone.id}/calendar").status_code == 404


def test_calendar_query_count_does_not_grow(client, as_user, grove, make_zone, count_queries):
    zone = make_zone()
    today = business_day()
    as_user(grove.gardener)
    task_in(zone, today)
    db.session.expire_all()
    with count_queries() as few:
        assert client.get(f"/greening/zones/{zone.id}/calendar").status_code == 200
    for n in range(20):
        task_in(zone, today.replace(day=1 + n % 28), title=f"任务{n}")
    db.session.expire_all()
    with count_queries() as many:
        assert client.get(f"/greening/zones/{zone.id}/calendar").status_code == 200
    assert many.count == few.count


# --- completion -----------------------------------------------------------------------


def _done(task: Task, late: bool) -> None:
    end_of_due_day = local_midnight_utc(task.due_on + timedelta(days=1))
    task.done_at = end_of_due_day + (timedelta(hours=1) if late else -timedelta(minutes=1))
    db.session.commit()


def _row(html: str, table: str, key) -> dict:
    part = html.split(f'id="{table}"')[1].split("</table>")[0]
    row = part.split(f'data-key="{key}"')[1].split("</tr>")[0]
    return {
        s: int(row.split(f'data-state="{s}">')[1].split("<")[0])
        for s in ("on_time", "late", "overdue", "open")
    }


def test_completion_per_zone_and_per_person(client, as_user, grove, make_zone):
    month = (business_day().replace(day=1) - timedelta(days=40)).replace(day=1)
    zone, other = make_zone(), make_zone(responsible=grove.gardener2)
    # History: Sun Li answered for the zone from before the month, Li Ming from the 15th.
    for entry in db.session.scalars(select(RosterEntry)):
        entry.starts_on = month - timedelta(days=10)
    db.session.add(
        RosterEntry(
            zone_id=zone.id,
            starts_on=month.replace(day=15),
            responsible_id=grove.gardener2.id,
            team="二班",
            recorded_by_id=grove.office.id,
        )
    )
    db.session.commit()
    _done(task_in(zone, month.replace(day=3)), late=False)
    _done(task_in(zone, month.replace(day=5)), late=True)
    task_in(zone, month.replace(day=20))  # Li Ming's, never done
    task_in(other, month.replace(day=10))
    task_in(other, month - timedelta(days=1))  # the month before: not counted
    as_user(grove.office)
    response = client.get(f"/greening/completion?period=month&on={month.isoformat()}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _row(html, "per-zone", zone.id) == {"on_time": 1, "late": 1, "overdue": 1, "open": 0}
    assert _row(html, "per-zone", other.id) == {"on_time": 0, "late": 0, "overdue": 1, "open": 0}
    assert _row(html, "per-person", grove.gardener.id) == {
        "on_time": 1,
        "late": 1,
        "overdue": 0,
        "open": 0,
    }
    assert _row(html, "per-person", grove.gardener2.id) == {
        "on_time": 0,
        "late": 0,
        "overdue": 2,
        "open": 0,
    }
    week = client.get(f"/greening/completion?period=week&on={month.replace(day=5).isoformat()}")
    html = week.get_data(as_text=True)
    week_first = month.replace(day=5) - timedelta(days=month.replace(day=5).weekday())
    counted = sum(1 for d in (3, 5) if week_first <= month.replace(day=d))
    assert sum(_row(html, "per-zone", zone.id).values()) == counted
    zone_table = html.split('id="per-zone"')[1].split("</table>")[0]
    week = (week_first, week_first + timedelta(days=6))
    other_in_week = any(
        week[0] <= d <= week[1] for d in (month.replace(day=10), month - timedelta(days=1))
    )
    assert (f'data-key="{other.id}"' in zone_table) == other_in_week


def test_a_task_not_yet_due_is_to_do(client, as_user, grove, make_zone):
    zone = make_zone()
    task_in(zone, business_day())
    as_user(grove.office)
    html = client.get("/greening/completion?period=week").get_data(as_text=True)
    assert _row(html, "per-zone", zone.id) == {"on_time": 0, "late": 0, "overdue": 0, "open": 1}


def test_completion_is_the_leads_and_limited_to_her_sites(
    client, as_user, grove, make_zone, make_user
):
    today = business_day()
    mine, theirs = make_zone(), make_zone(site=grove.zylz)
    task_in(mine, today)
    task_in(theirs, today)
    for user in (grove.gardener, grove.assessor):
        as_user(user)
        assert client.get("/greening/completion").status_code == 403
    as_user(make_user("psyoffice", ["office"], sites=[grove.psy], locale="en"))
    html = client.get("/greening/completion").get_data(as_text=True)
    assert f'data-key="{mine.id}"' in html and f'data-key="{theirs.id}"' not in html
    assert client.get(f"/greening/completion?site={grove.zylz.id}").status_code == 404


def test_completion_query_count_does_not_grow(client, as_user, grove, make_zone, count_queries):
    today = business_day()
    task_in(make_zone(), today)
    as_user(grove.office)
    db.session.expire_all()
    with count_queries() as few:
        assert client.get("/greening/completion").status_code == 200
    for n in range(10):
        zone = make_zone(responsible=grove.gardener2 if n % 2 else grove.gardener)
        task_in(zone, today)
        task_in(zone, today.replace(day=1))
    db.session.expire_all()
    with count_queries() as many:
        assert client.get("/greening/completion").status_code == 200
    assert many.count == few.count


def test_task_types_page_query_count_does_not_grow(client, as_user, grove, count_queries):
    kind_of(grove)
    as_user(grove.office)
    db.session.expire_all()
    with count_queries() as few:
        assert client.get("/greening/task-types").status_code == 200
    for n in range(10):
        kind_of(grove, name=f"类型{n}")
    db.session.expire_all()
    with count_queries() as many:
        assert client.get("/greening/task-types").status_code == 200
    assert many.count == few.count


def test_zone_page_query_count_does_not_grow_with_tasks_done(
    client, as_user, grove, make_zone, count_queries
):
    zone = make_zone()
    today = business_day()
    _done(task_in(zone, today), late=False)
    as_user(grove.gardener)
    db.session.expire_all()
    with count_queries() as few:
        assert client.get(f"/greening/zones/{zone.id}").status_code == 200
    for n in range(12):
        _done(task_in(zone, today - timedelta(days=n + 1), title=f"任务{n}"), late=True)
    db.session.expire_all()
    with count_queries() as many:
        assert client.get(f"/greening/zones/{zone.id}").status_code == 200
    assert many.count == few.count


def test_completion_reads_the_periods_tasks_and_one_page_of_zones(
    client, as_user, grove, make_zone, count_queries
):
    """The same statements with 2 zones or 60 (more than a page) and years of tasks; the
    tasks are found by their due day, not by reading every task of every year."""
    today = business_day()
    as_user(grove.office)

    def completion_page():
        db.session.expire_all()
        with count_queries() as q:
            html = client.get("/greening/completion?period=week").get_data(as_text=True)
        zone_rows = html.split('id="per-zone"')[1].split("</table>")[0].count("data-key=")
        return q, zone_rows

    for _ in range(2):
        task_in(make_zone(), today)
    few, shown = completion_page()
    assert shown == 2
    years = []
    for _ in range(58):
        zone = make_zone()
        years += [{"zone_id": zone.id, "title": "清扫", "due_on": today}]
        years += [
            {"zone_id": zone.id, "title": "清扫", "due_on": today - timedelta(days=d)}
            for d in range(30, 3 * 365, 30)
        ]
    db.session.execute(insert(Task), years)
    db.session.commit()
    many, shown = completion_page()
    assert shown == PER_PAGE and many.count == few.count
    if db.engine.dialect.name == "sqlite":
        connection = db.session.connection().connection.driver_connection
        for statement in (s for s in many.statements if "grn_tasks" in s):
            marks = statement.count("?")
            steps = [
                r[-1] for r in connection.execute(f"EXPLAIN QUERY PLAN {statement}", [None] * marks)
            ]
            assert not any(step.startswith("SCAN grn_tasks") for step in steps), steps


def test_a_stale_task_type_form_gets_the_conflict(app, grove, login):
    kind = kind_of(grove, start=(5, 1), end=(9, 30), every=10)
    url = f"/greening/task-types/{kind.id}/edit"
    first, second, version = two_pages(app, login, url, grove.office)
    edit = dict(TYPE_FORM, name=kind.name, season_start="05-01", season_end="09-30")
    assert first.post(url, data=dict(edit, frequency_days="7", version=version)).status_code == 303
    late = second.post(url, data=dict(edit, frequency_days="20", version=version))
    assert late.status_code == 409
    db.session.expire_all()
    assert db.session.get(TaskType, kind.id).frequency_days == 7


def test_completion_counts_the_periods_tasks_from_the_index_alone(
    client, as_user, grove, make_zone, count_queries
):
    """Every statement of the completion page that reads tasks reads them from an index
    that holds what it counts (zone, due day, time done): no table row a task."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")
    today = business_day()
    for n in range(3):
        zone = make_zone()
        _done(task_in(zone, today - timedelta(days=n)), late=n == 1)
        task_in(zone, today + timedelta(days=1), title="浇水")
    as_user(grove.office)
    db.session.expire_all()
    with count_queries() as q:
        assert client.get("/greening/completion?period=week").status_code == 200
    connection = db.session.connection().connection.driver_connection
    read = [s for s in q.statements if "grn_tasks" in s]
    assert len(read) == 3, read  # the page of zones, their count, the people
    for statement in read:
        marks = statement.count("?")
        steps = [
            r[-1] for r in connection.execute(f"EXPLAIN QUERY PLAN {statement}", [None] * marks)
        ]
        tasks = [step for step in steps if " grn_tasks " in f"{step} "]
        assert tasks and all("COVERING INDEX" in step for step in tasks), steps
