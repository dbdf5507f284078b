"""Demo data: both sites zoned, 濮上园's zones drawn on its plan, a handover in the
roster's history; loaded once."""

from datetime import timedelta

from sqlalchemy import func, select

from modules.greening import plans, tasks, zones
from modules.greening.models import Appeal, Assessment, RosterEntry, Round, Task, TaskType, Zone
from parkops import demo
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.demo_copy import load_demo


def test_demo_zones_both_sites_and_draws_them_on_the_plan(app, client, login):
    assert load_demo()
    found = db.session.scalars(select(Zone)).all()
    by_site = {code: [z for z in found if z.site.code == code] for code in ("PSY", "ZYLZ")}
    assert len(by_site["PSY"]) == 12 and len(by_site["ZYLZ"]) == 3
    psy = db.session.scalar(select(Site).where(Site.code == "PSY"))
    plan = plans.plan_of(psy.id)
    assert plan.attachment.width > plan.attachment.height > 0
    for zone in by_site["PSY"]:
        assert plans.parse_outline(plans.outline_text(zone)) == zone.outline
    handed = next(z for z in found if z.code == "PSY-G06")
    before = zones.entry_on(handed.id, business_day() - timedelta(days=30))
    now = zones.entry_on(handed.id, business_day())
    assert (before.responsible.username, now.responsible.username) == ("gardener", "gardener2")
    assert zones.share_rostered(None) == (15, 15)
    login("gardener", demo.PASSWORD)
    assert client.get("/greening/plan").status_code == 200
    names = set(db.session.scalars(select(TaskType.name)))
    assert {"草坪修剪", "绿篱修剪", "播种二月兰"} <= names
    month = db.session.scalar(
        select(func.count()).where(Task.due_on < business_day() - timedelta(days=20))
    )
    assert month > 0  # a month of tasks behind us, done
    assert "补种月季" in client.get("/greening/tasks").get_data(as_text=True)
    sun_li = db.session.scalar(select(User).where(User.username == "gardener"))
    today = business_day()
    overdue = tasks.open_tasks(tasks.my_zone_ids(sun_li), today - timedelta(days=1))
    assert overdue  # some of her tasks are overdue

    # Assessment: two closed rounds, one open; an appeal upheld and one dismissed.
    closed = db.session.scalars(select(Round).where(Round.closed_at.is_not(None))).all()
    assert (
        len(closed) == 2
        and db.session.scalar(
            select(func.count()).select_from(Round).where(Round.closed_at.is_(None))
        )
        == 1
    )
    decisions = sorted(a.decision.value for a in db.session.scalars(select(Appeal)))
    assert decisions == ["dismissed", "upheld"]
    upheld = db.session.scalar(select(Appeal).where(Appeal.decision == "upheld"))
    restored = db.session.get(Assessment, upheld.deduction.assessment_id)
    assert restored.score == 100  # its only deduction was withdrawn on appeal
    assert "PSY-G03" in client.get(f"/greening/rounds/{closed[0].id}").get_data(as_text=True)

    entries = db.session.scalar(select(func.count()).select_from(RosterEntry))
    assert not demo.load()
    assert db.session.scalar(select(func.count()).select_from(RosterEntry)) == entries


def test_demo_pays_its_closed_rounds_and_links_them_as_evidence(app):
    from modules.greening import payouts
    from parkops.rectification.models import EvidenceLink

    assert load_demo()
    closed = select(Round).where(Round.closed_at.is_not(None)).order_by(Round.month.desc())
    latest = db.session.scalars(closed).first()
    assert business_day(latest.closed_at) <= business_day()  # never closed in the future
    sheet = payouts.sheet(latest)
    amounts = {row.code: row.amount_fen for row in sheet.lines()}
    assert amounts["PSY-G12"] == -30000 and amounts["PSY-G01"] == 50000
    assert sum(p.amount_fen for p in sheet.people) == sheet.total_fen
    kinds = db.session.execute(
        select(EvidenceLink.kind, func.count()).group_by(EvidenceLink.kind)
    ).all()
    counts = dict(kinds)
    assert counts["greening.round"] == 2 and counts["greening.task"] > 0
