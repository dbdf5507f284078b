"""The bench's bulk loader (COPY on PostgreSQL, batched INSERTs on SQLite) stores what the
ORM would: the suite runs on both (PARKOPS_TEST_DATABASE_URL), so each test here checks
that both backends read back the same rows. The facilities scenario, loaded through it at
a tiny volume, still gives pages that answer.

Timings are not asserted: `make bench` reports them.
"""

from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import func, select

from bench.bulk import load_rows
from bench.measure import queries_per_page
from bench.scenarios import facilities
from modules.facilities.models import (
    Facility,
    FacilityType,
    Inspection,
    InspectionResult,
    RepairOrder,
    order_assignees,
)
from parkops import demo
from parkops.auth.models import Site, User
from parkops.extensions import db
from tests.demo_copy import load_demo

BEIJING = timezone(timedelta(hours=8))
AWKWARD = "tab\there, line\nbreak, back\\slash"  # what COPY's text format escapes


def _demo(make_app):
    app = make_app(MODULES=["facilities"])
    context = app.app_context()
    context.push()
    load_demo()
    return app, context


def test_loaded_rows_read_back_as_given_with_defaults_for_columns_left_out(make_app):
    app, context = _demo(make_app)
    site_id = db.session.scalar(select(Site.id).where(Site.code == "PSY"))
    kind_id = db.session.scalar(select(FacilityType.id).order_by(FacilityType.id))
    crew = db.session.scalar(select(User.id).where(User.username == "crew"))
    before = datetime.now(UTC)

    added = load_rows(
        db.session,
        Facility,
        [
            {
                "site_id": site_id,
                "code": f"PSY-Z{n}",
                "name": f"长椅{n}号",  # not ASCII: COPY's text format carries it as is
                "type_id": kind_id,
                "area": "湖区",
                "location": AWKWARD,
                "team": "维修专班",
                "token": f"bulk-token-{n}",
                "due_on": date(2026, 3, n + 1),
                "status": "in_service",
            }
            for n in range(3)
        ],
    )
    facility_ids = db.session.scalars(
        select(Facility.id).where(Facility.code.like("PSY-Z%")).order_by(Facility.code)
    ).all()
    load_rows(
        db.session,
        Inspection,
        [
            {
                "facility_id": fid,
                "site_id": site_id,
                "inspector_id": crew,
                # 09:30 in Beijing is 01:30 UTC on both backends
                "at": datetime(2026, 3, 2, 9, 30, tzinfo=BEIJING),
                "day": date(2026, 3, 2),
                "due_on": None,
                "result": InspectionResult.DAMAGE if n else "fine",
            }
            for n, fid in enumerate(facility_ids)
        ],
    )
    order = db.session.scalar(select(RepairOrder.id).order_by(RepairOrder.id))
    load_rows(db.session, order_assignees, [{"order_id": order, "user_id": crew}])
    db.session.commit()
    db.session.expunge_all()

    assert added == 3
    loaded = db.session.scalars(
        select(Facility).where(Facility.code.like("PSY-Z%")).order_by(Facility.code)
    ).all()
    assert [(f.name, f.location, f.due_on, f.token) for f in loaded] == [
        (f"长椅{n}号", AWKWARD, date(2026, 3, n + 1), f"bulk-token-{n}") for n in range(3)
    ]
    assert all(f.created_at >= before - timedelta(seconds=1) for f in loaded)  # the default
    inspections = db.session.scalars(
        select(Inspection).where(Inspection.facility_id.in_(facility_ids)).order_by(Inspection.id)
    ).all()
    assert [(i.facility_id, i.at, i.day, i.due_on, i.result, i.note) for i in inspections] == [
        (
            fid,
            datetime(2026, 3, 2, 1, 30, tzinfo=UTC),
            date(2026, 3, 2),
            None,
            InspectionResult.DAMAGE if n else InspectionResult.FINE,
            "",  # the column's default, left out of the rows
        )
        for n, fid in enumerate(facility_ids)
    ]
    assert db.session.execute(
        select(order_assignees).where(order_assignees.c.order_id == order)
    ).all() == [(order, crew)]
    # The database's own id sequence goes on after the loaded rows.
    db.session.add(
        Facility(
            site_id=site_id,
            code="PSY-Z9",
            name="后来的",
            type_id=kind_id,
            area="",
            location="",
            team="",
            token="bulk-token-9",
            due_on=date(2026, 3, 9),
            status="in_service",
        )
    )
    db.session.commit()
    assert db.session.scalar(select(func.max(Facility.id))) > max(facility_ids)
    context.pop()


def test_facilities_scenario_loads_a_tiny_volume_and_its_pages_answer(make_app):
    app, context = _demo(make_app)
    facilities_before = db.session.scalar(select(func.count()).select_from(Facility))
    inspections_before = db.session.scalar(select(func.count()).select_from(Inspection))

    facilities.setup(app, scale=0.0005)  # 10 facilities, 500 inspections, 100 orders

    assert db.session.scalar(select(func.count()).select_from(Facility)) == facilities_before + 10
    assert (
        db.session.scalar(select(func.count()).select_from(Inspection)) == inspections_before + 500
    )
    # every bench facility knows its last inspection (the update after the load)
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Facility)
            .where(Facility.code.like("%-B%"), Facility.last_inspected_at.is_(None))
        )
        == 0
    )
    db.session.remove()
    for page in facilities.pages(app):
        queries, status = queries_per_page(app, page, demo.PASSWORD)
        assert status == 200, f"{page.name} ({page.path}) answered {status}"
        assert queries > 0
    context.pop()
