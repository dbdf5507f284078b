"""Demo data: 濮上园 divided into a dozen maintenance zones drawn over a plan image made
for the demo (``demo_plan``), 中原绿色庄园 into a few, with a roster whose history has a
change (a zone handed to a second gardener)."""

from datetime import timedelta

from sqlalchemy import select

from modules.greening import demo_assessment, demo_plan, evidence, tasks
from modules.greening.models import Grade, RosterEntry, SitePlan, Task, TaskType, Zone, ZoneKind
from modules.greening.plans import PLAN_PHOTO
from parkops.attachments import store_photo
from parkops.auth.models import Department, Site, User
from parkops.demo import PASSWORD
from parkops.extensions import db
from parkops.timeutil import business_day, local_midnight_utc

K, G = ZoneKind, Grade
# (code, name, m², kind, grade)
PSY_ZONES = (
    ("PSY-G01", "南门广场绿地", 5200, K.LAWN, G.FIRST),
    ("PSY-G02", "四季花海东片", 8600, K.FLOWER_BED, G.FIRST),
    ("PSY-G03", "四季花海西片", 7900, K.FLOWER_BED, G.FIRST),
    ("PSY-G04", "二月兰林下", 12000, K.WOODLAND, G.SECOND),
    ("PSY-G05", "濮水河北岸", 6400, K.WATERSIDE, G.SECOND),
    ("PSY-G06", "濮水河南岸", 6100, K.WATERSIDE, G.SECOND),
    ("PSY-G07", "主园路两侧", 4300, K.ROADSIDE, G.FIRST),
    ("PSY-G08", "湖心岛绿篱", 1800, K.HEDGE, G.FIRST),
    ("PSY-G09", "银杏林", 9500, K.WOODLAND, G.SECOND),
    ("PSY-G10", "儿童乐园草坪", 3600, K.LAWN, G.SECOND),
    ("PSY-G11", "北门停车场绿化", 2900, K.ROADSIDE, G.THIRD),
    ("PSY-G12", "苗圃", 4800, K.WOODLAND, G.THIRD),
)
ZYLZ_ZONES = (
    ("ZY-G01", "入口花坛", 1200, K.FLOWER_BED, G.FIRST),
    ("ZY-G02", "动物展区绿篱", 2600, K.HEDGE, G.SECOND),
    ("ZY-G03", "游客中心草坪", 3100, K.LAWN, G.SECOND),
)


def _gardener(username: str, name: str, site: Site) -> User:
    user = User(username=username, display_name=name, all_sites=False)
    user.set_password(PASSWORD)
    user.set_roles(["gardener"])
    user.sites = [site]
    user.department = db.session.scalar(select(Department).where(Department.name == "绿化环卫科"))
    db.session.add(user)
    return user


def load() -> None:
    if db.session.scalar(select(Zone.id).limit(1)) is not None:
        return
    sites = {s.code: s for s in db.session.scalars(select(Site))}
    office = db.session.scalar(select(User).where(User.username == "office"))
    gardener = db.session.scalar(select(User).where(User.username == "gardener"))
    gardener2 = _gardener("gardener2", "绿化班 李明", sites["PSY"])
    gardener3 = _gardener("gardener3", "绿化班 赵芳", sites["ZYLZ"])
    today = business_day()
    season_start = today - timedelta(days=90)
    for number, (code, name, area, kind, grade) in enumerate(PSY_ZONES):
        zone = Zone(
            site_id=sites["PSY"].id,
            code=code,
            name=name,
            area_m2=area,
            kind=kind,
            grade=grade,
            outline=demo_plan.OUTLINES[code],
        )
        db.session.add(zone)
        db.session.flush()
        first, team = (gardener, "一班") if number < 6 else (gardener2, "二班")
        _entry(zone, first, team, season_start, office)
        if code == "PSY-G06":  # handed over three weeks ago: the history shows both
            _entry(zone, gardener2, "二班", today - timedelta(days=21), office)
    for code, name, area, kind, grade in ZYLZ_ZONES:
        zone = Zone(
            site_id=sites["ZYLZ"].id, code=code, name=name, area_m2=area, kind=kind, grade=grade
        )
        db.session.add(zone)
        db.session.flush()
        _entry(zone, gardener3, "庄园班", season_start, office)
    plan = store_photo(demo_plan.plan_upload(), PLAN_PHOTO, sites["PSY"].id, office.id)
    db.session.flush()
    db.session.add(
        SitePlan(site_id=sites["PSY"].id, attachment_id=plan.id, uploaded_by_id=office.id)
    )
    db.session.commit()
    _tasks(today)
    demo_assessment.load()


# (name, zone kind, season start (month, day), end (month, day), every n days)
TASK_TYPES = (
    ("草坪修剪", K.LAWN, (5, 1), (9, 30), 10),
    ("绿篱修剪", K.HEDGE, (3, 1), (11, 30), 14),
    ("花海浇水", K.FLOWER_BED, (4, 1), (10, 31), 3),
    ("播种二月兰", K.WOODLAND, (10, 1), (11, 30), 30),
    ("清扫落叶", K.WOODLAND, (10, 15), (12, 31), 7),
    ("病虫害防治", K.WATERSIDE, (4, 1), (11, 30), 15),
)


def _tasks(today) -> None:
    """The task types and a month of their tasks: done up to four days ago (one in seven
    a day late), the rest still open (so some are overdue), and a month ahead."""
    for name, kind, start, end, every in TASK_TYPES:
        db.session.add(
            TaskType(
                name=name,
                zone_kind=kind,
                start_month=start[0],
                start_day=start[1],
                end_month=end[0],
                end_day=end[1],
                frequency_days=every,
            )
        )
    db.session.commit()
    tasks.generate(today - timedelta(days=30), today + timedelta(days=30))
    entries = {
        zone_id: person
        for zone_id, person in db.session.execute(
            select(RosterEntry.zone_id, RosterEntry.responsible_id).order_by(RosterEntry.starts_on)
        )
    }
    due = db.session.scalars(select(Task).where(Task.due_on < today - timedelta(days=4)))
    for n, task in enumerate(due):
        late = 1 if n % 7 == 0 else 0  # one in seven a day late, the rest on the day
        task.done_at = local_midnight_utc(task.due_on + timedelta(days=late)) + timedelta(hours=8)
        task.done_by_id = entries[task.zone_id]
        evidence.task_done(task, created_at=task.done_at)
    # A one-off from the lead two days ago, still open, whatever the season.
    office = db.session.scalar(select(User).where(User.username == "office"))
    psy_g02 = db.session.scalar(select(Zone).where(Zone.code == "PSY-G02"))
    db.session.add(
        Task(
            zone_id=psy_g02.id,
            title="补种月季",
            due_on=today - timedelta(days=2),
            added_by_id=office.id,
        )
    )
    db.session.commit()


def _entry(zone, person, team, starts_on, office) -> None:
    db.session.add(
        RosterEntry(
            zone_id=zone.id,
            starts_on=starts_on,
            responsible_id=person.id,
            team=team,
            recorded_by_id=office.id,
        )
    )
