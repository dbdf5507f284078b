"""Tasks: generation by season and frequency, the gardener's list, done with a photo,
one-off tasks from the lead, permissions and refusals."""

import io
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from modules.greening import tasks
from modules.greening.models import Task, ZoneKind
from modules.greening.tasks import TaskTypeData
from modules.greening.zones import GreeningError
from parkops.attachments import Attachment
from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.idempotency import FIELD
from parkops.scheduler import JobClaim
from parkops.timeutil import business_day, local_midnight_utc


def jpeg() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 160, 80)).save(out, "JPEG")
    out.seek(0)
    return out


def kind_of(grove, name="草坪修剪", kind=ZoneKind.LAWN, start=(5, 1), end=(9, 30), every=10):
    data = TaskTypeData(name, kind, start[0], start[1], end[0], end[1], every)
    return tasks.add_task_type(data, grove.office)


def task_in(zone, due_on, title="清扫落叶") -> Task:
    task = Task(zone_id=zone.id, title=title, due_on=due_on)
    db.session.add(task)
    db.session.commit()
    return task


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- generation ---------------------------------------------------------------------


def test_due_every_n_days_from_the_season_start_including_its_last_day(grove):
    mowing = kind_of(grove, start=(5, 1), end=(5, 21), every=10)
    days = tasks.due_days(mowing, date(2026, 4, 1), date(2026, 6, 30))
    assert days == [date(2026, 5, 1), date(2026, 5, 11), date(2026, 5, 21)]
    # The range cuts the season: only days inside it.
    assert tasks.due_days(mowing, date(2026, 5, 2), date(2026, 5, 11)) == [date(2026, 5, 11)]


def test_a_season_over_the_new_year_continues_into_january(grove):
    leaves = kind_of(grove, kind=ZoneKind.WOODLAND, start=(11, 15), end=(2, 15), every=30)
    days = tasks.due_days(leaves, date(2027, 1, 1), date(2027, 3, 31))
    assert days == [date(2027, 1, 14), date(2027, 2, 13)]


def test_generation_covers_each_zone_of_the_kind_once_however_often_it_runs(grove, make_zone):
    lawn, other_lawn = make_zone(), make_zone(site=grove.zylz)
    hedge = make_zone(kind=ZoneKind.HEDGE)
    kind_of(grove, start=(5, 1), end=(9, 30), every=10)
    assert tasks.generate(date(2026, 5, 1), date(2026, 5, 31)) == 8  # 5-01, 11, 21, 31 × 2
    assert tasks.generate(date(2026, 5, 1), date(2026, 5, 31)) == 0
    assert tasks.generate(date(2026, 5, 20), date(2026, 6, 10)) == 2  # only 6-10 is new
    zone_ids = set(db.session.scalars(select(Task.zone_id)))
    assert zone_ids == {lawn.id, other_lawn.id}
    assert hedge.id not in zone_ids


def test_the_daily_job_runs_once_a_day(grove, make_zone):
    zone = make_zone()
    kind_of(grove, kind=ZoneKind.LAWN, start=(1, 1), end=(12, 31), every=1)
    tasks.generate_daily()
    made = count(Task)
    assert made == tasks.HORIZON_DAYS + 1
    db.session.delete(db.session.scalars(select(Task).where(Task.zone_id == zone.id)).first())
    db.session.commit()
    tasks.generate_daily()  # the day's claim is taken: the removed task is not put back
    assert count(Task) == made - 1
    assert count(JobClaim) == 1


@pytest.mark.parametrize(
    "start, end, every, words",
    [
        ((2, 30), (3, 31), 7, "real month and day"),
        ((2, 29), (3, 31), 7, "real month and day"),
        ((13, 1), (3, 31), 7, "real month and day"),
        ((3, 1), (3, 31), 0, "from 1 to 366"),
        ((3, 1), (3, 31), 400, "from 1 to 366"),
    ],
)
def test_a_task_type_with_an_impossible_season_or_frequency_is_refused(
    grove, start, end, every, words
):
    with pytest.raises(GreeningError, match=words):
        kind_of(grove, start=start, end=end, every=every)
    assert count(Task) == 0


def test_only_the_office_adds_task_types(grove):
    data = TaskTypeData("浇水", ZoneKind.LAWN, 4, 1, 10, 31, 3)
    with pytest.raises(GreeningError):
        tasks.add_task_type(data, grove.gardener)
    with pytest.raises(GreeningError, match="needs a name"):
        tasks.add_task_type(TaskTypeData(" ", ZoneKind.LAWN, 4, 1, 10, 31, 3), grove.office)


# --- the gardener -------------------------------------------------------------------


@pytest.fixture
def her_tasks(grove, make_zone):
    """Sun Li's zone with an overdue, a today's, a tomorrow's and a done task; Li Ming's
    zone with a task due today."""
    today = business_day()
    mine, his = make_zone(name="南门广场绿地"), make_zone(responsible=grove.gardener2)
    done = task_in(mine, today - timedelta(days=5), title="已做完")
    done.done_at = done.created_at
    db.session.commit()
    return {
        "zone": mine,
        "overdue": task_in(mine, today - timedelta(days=2), title="绿篱修剪"),
        "today": task_in(mine, today, title="播种二月兰"),
        "later": task_in(mine, today + timedelta(days=1), title="明天的"),
        "his": task_in(his, today, title="他的任务"),
    }


def test_gardener_sees_todays_and_overdue_tasks_of_her_zones_only(
    client, as_user, grove, her_tasks
):
    as_user(grove.gardener)
    page = client.get("/greening/tasks").get_data(as_text=True)
    assert "绿篱修剪" in page and "播种二月兰" in page
    assert page.index("绿篱修剪") < page.index("播种二月兰")  # overdue first
    assert "Overdue (1)" in page and "Today (1)" in page
    for hidden in ("明天的", "已做完", "他的任务"):
        assert hidden not in page


def test_marking_done_with_a_photo_once_even_when_posted_twice(client, as_user, grove, her_tasks):
    as_user(grove.gardener)
    task = her_tasks["today"]
    url = f"/greening/tasks/{task.id}/done"
    form = {FIELD: "k-1", "photo": (jpeg(), "done.jpg")}
    first = client.post(url, data=form, content_type="multipart/form-data")
    assert first.status_code == 303
    again = {FIELD: "k-1", "photo": (jpeg(), "done.jpg")}  # a retried post
    assert client.post(url, data=again, content_type="multipart/form-data").status_code == 303
    other_key = {FIELD: "k-2", "photo": (jpeg(), "done.jpg")}  # a second tap, new page
    client.post(url, data=other_key, content_type="multipart/form-data")
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    assert task.done_by_id == grove.gardener.id and task.done_at is not None
    assert count(Attachment) == 1
    assert db.session.get(Attachment, task.photo_id).owner_kind == tasks.PHOTO_DONE
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("greening.task_done") == 1
    page = client.get("/greening/tasks").get_data(as_text=True)
    assert "This task was marked done already, by Sun Li at " in page
    assert "Today (0)" in page
    assert client.get(f"/greening/tasks/photos/{task.photo_id}").status_code == 200


def test_done_without_a_photo_or_with_a_file_that_is_no_image_is_refused(
    client, as_user, grove, her_tasks
):
    as_user(grove.gardener)
    url = f"/greening/tasks/{her_tasks['today'].id}/done"
    client.post(url, data={FIELD: "a"}, content_type="multipart/form-data")
    page = client.get("/greening/tasks").get_data(as_text=True)
    assert "Take a photo of the work done." in page
    bad = {FIELD: "b", "photo": (io.BytesIO(b"not an image"), "x.jpg")}
    client.post(url, data=bad, content_type="multipart/form-data")
    db.session.expire_all()
    assert db.session.get(Task, her_tasks["today"].id).done_at is None
    assert count(Attachment) == 0
    # The refused keys stay free: the corrected post goes through.
    good = {FIELD: "b", "photo": (jpeg(), "done.jpg")}
    client.post(url, data=good, content_type="multipart/form-data")
    db.session.expire_all()
    assert db.session.get(Task, her_tasks["today"].id).done_at is not None


def test_another_gardeners_or_another_sites_task_answers_404(client, as_user, grove, her_tasks):
    url = f"/greening/tasks/{her_tasks['today'].id}/done"
    for other in (grove.gardener2, grove.zoo_gardener):
        as_user(other)
        form = {FIELD: other.username, "photo": (jpeg(), "p.jpg")}
        assert client.post(url, data=form, content_type="multipart/form-data").status_code == 404
    as_user(grove.assessor)  # sees greening, does no tasks
    assert client.get("/greening/tasks").status_code == 403
    db.session.expire_all()
    assert db.session.get(Task, her_tasks["today"].id).done_at is None


def test_a_done_tasks_photo_is_unseen_at_another_site(client, as_user, grove, her_tasks):
    as_user(grove.gardener)
    task = her_tasks["today"]
    form = {FIELD: "p", "photo": (jpeg(), "done.jpg")}
    client.post(f"/greening/tasks/{task.id}/done", data=form, content_type="multipart/form-data")
    db.session.expire_all()
    photo_url = f"/greening/tasks/photos/{db.session.get(Task, task.id).photo_id}"
    as_user(grove.zoo_gardener)
    assert client.get(photo_url).status_code == 404


def test_task_page_query_count_does_not_grow(
    client, as_user, grove, make_zone, her_tasks, count_queries
):
    as_user(grove.gardener)
    db.session.expire_all()
    with count_queries() as few:
        assert client.get("/greening/tasks").status_code == 200
    for _ in range(10):
        zone = make_zone()
        task_in(zone, business_day())
        task_in(zone, business_day() - timedelta(days=3))
    db.session.expire_all()
    with count_queries() as many:
        assert client.get("/greening/tasks").status_code == 200
    assert many.count == few.count


# --- one-off tasks ------------------------------------------------------------------


def test_the_lead_adds_a_one_off_task_that_reaches_the_gardener(client, as_user, grove, make_zone):
    zone = make_zone()
    as_user(grove.office)
    url = f"/greening/zones/{zone.id}/tasks/new"
    past = {"title": "补种月季", "due_on": (business_day() - timedelta(days=1)).isoformat()}
    refused = client.post(url, data=past)
    assert refused.status_code == 422
    assert "due today or later" in refused.get_data(as_text=True)
    assert client.post(url, data={"title": "补种月季", "due_on": "soon"}).status_code == 422
    today = {"title": "补种月季", "due_on": business_day().isoformat()}
    assert client.post(url, data=today).status_code == 303
    assert count(Task) == 1
    as_user(grove.gardener)
    assert "补种月季" in client.get("/greening/tasks").get_data(as_text=True)
    assert client.post(url, data=today).status_code == 403


def test_tasks_done_on_time_over_the_last_30_days(grove, make_zone):
    from modules.greening import indicators

    zone, zoo = make_zone(), make_zone(site=grove.zylz)
    today = business_day()
    on_time = task_in(zone, today - timedelta(days=3))
    on_time.done_at = local_midnight_utc(on_time.due_on) + timedelta(hours=23)  # that evening
    late = task_in(zone, today - timedelta(days=5))
    late.done_at = local_midnight_utc(late.due_on + timedelta(days=1)) + timedelta(hours=1)
    task_in(zone, today - timedelta(days=2))  # never done
    task_in(zone, today - timedelta(days=31))  # before the window
    task_in(zone, today)  # due today: not judged yet
    task_in(zoo, today - timedelta(days=1))  # another site
    db.session.commit()
    psy = frozenset({grove.psy.id})
    assert indicators.tasks_on_time(psy) == ("1 of 3 tasks done on time", False)
    assert indicators.tasks_on_time(frozenset({grove.zylz.id})) == (
        "0 of 1 tasks done on time",
        False,
    )
